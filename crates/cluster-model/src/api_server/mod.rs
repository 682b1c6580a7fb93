//! The API server of the model: the store, and every write's way through it
//! as Kubernetes runs it (staging/src/k8s.io/apiserver, admission plugin
//! `webhook/mutating/dispatcher.go` then `webhook/validating`): defaulting,
//! the mutating policy (its RFC 6902 patch applied, then defaulting again),
//! an optional injector webhook after it, the API server's own validation of
//! immutable fields, then the validating policy. A rejected write changes
//! nothing. Before the policy is installed, writes are stored unjudged.

mod admission;
mod request;
mod validation;
mod vouching;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::backend::PolicyBackend;
use crate::objects::{self, Key, Kind};
use crate::world::World;

pub use crate::setup::{Injector, Mode, Setup};
pub use crate::writes::{Actor, Operation, Outcome, WriteEvent};

/// The cluster: its store, its admission chain, what happened.
pub struct Cluster<'b> {
    pub setup: Setup,
    backend: &'b mut dyn PolicyBackend,
    pub objects: BTreeMap<Key, Value>,
    pub installed: bool,
    /// This step's writes.
    pub events: Vec<WriteEvent>,
    /// Faults found while writing (a patch or warning out of bounds).
    pub faults: Vec<String>,
    /// Pods created after the policy was installed.
    pub created_after_install: BTreeSet<Key>,
    /// Objects whose current template a user's admitted write set (or that a
    /// controller made from such a template), with that template's text.
    pub vouched: BTreeMap<Key, String>,
    /// Every template each object has had stored.
    pub template_history: BTreeMap<Key, BTreeSet<String>>,
    /// A StatefulSet's revisions (its ControllerRevisions): hash to template.
    pub revisions: BTreeMap<Key, BTreeMap<String, Value>>,
    next_uid: u64,
    /// Counts every change to the store (controllers run until it stands still).
    pub revision: u64,
    /// Admission calls made.
    pub calls: u64,
    /// Whether the controllers stood still after the last step (none of
    /// them fights what admission stored).
    pub settled: bool,
}

impl<'b> Cluster<'b> {
    pub fn new(setup: Setup, backend: &'b mut dyn PolicyBackend) -> Self {
        Cluster {
            setup,
            backend,
            objects: BTreeMap::new(),
            installed: false,
            events: Vec::new(),
            faults: Vec::new(),
            created_after_install: BTreeSet::new(),
            vouched: BTreeMap::new(),
            template_history: BTreeMap::new(),
            revisions: BTreeMap::new(),
            next_uid: 0,
            revision: 0,
            calls: 0,
            settled: true,
        }
    }

    pub fn fresh_uid(&mut self) -> u64 {
        self.next_uid += 1;
        self.next_uid
    }

    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key)
    }

    pub fn keys_of(&self, kind: Kind) -> Vec<Key> {
        self.objects
            .keys()
            .filter(|k| k.kind == kind)
            .cloned()
            .collect()
    }

    /// Objects of `kind` that their controllers manage: every one but those
    /// being deleted (held by a finalizer), which the workload controllers
    /// leave alone (`syncReplicaSet` and the others check
    /// `DeletionTimestamp`).
    pub fn managed(&self, kind: Kind) -> Vec<Key> {
        self.objects
            .iter()
            .filter(|(k, v)| k.kind == kind && !objects::terminating(v))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Objects of `kind` whose controller is `owner`.
    pub fn owned_by(&self, kind: Kind, owner: &Value) -> Vec<Key> {
        let uid = objects::uid(owner);
        self.objects
            .iter()
            .filter(|(k, v)| k.kind == kind && objects::controller_uid(v) == Some(uid))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Deletes an object (deletes are not judged) and, as the garbage
    /// collector does in the background, every object whose owners are then
    /// all gone, theirs in turn. An object with finalizers is only marked
    /// (`deletionTimestamp`) and stays until they are removed, its
    /// dependents with it.
    pub fn delete(&mut self, key: &Key) {
        if let Some(object) = self.objects.get_mut(key)
            && objects::has_finalizers(object)
        {
            if !objects::terminating(object) {
                object["metadata"]["deletionTimestamp"] = json!("2026-12-07T00:00:00Z");
                self.revision += 1;
            }
            return;
        }
        let Some(object) = self.objects.remove(key) else {
            return;
        };
        self.revision += 1;
        self.vouched.remove(key);
        let gone = objects::uid(&object).to_owned();
        let orphans: Vec<Key> = self
            .objects
            .iter()
            .filter(|(_, v)| {
                let owners = objects::owner_uids(v);
                owners.contains(&gone.as_str())
                    && owners.iter().all(|uid| *uid == gone || !self.has_uid(uid))
            })
            .map(|(k, _)| k.clone())
            .collect();
        for orphan in orphans {
            self.delete(&orphan);
        }
    }

    fn has_uid(&self, uid: &str) -> bool {
        self.objects.values().any(|v| objects::uid(v) == uid)
    }

    /// A status member removed (a status write, not judged by the policy).
    pub fn clear_status(&mut self, key: &Key, member: &str) {
        if let Some(status) = self
            .objects
            .get_mut(key)
            .and_then(|object| object.get_mut("status"))
            .and_then(Value::as_object_mut)
            && status.remove(member).is_some()
        {
            self.revision += 1;
        }
    }

    /// A write to the status subresource (not judged by the policy).
    pub fn set_status(&mut self, key: &Key, member: &str, value: Value) {
        if let Some(object) = self.objects.get_mut(key)
            && object["status"][member] != value
        {
            object["status"][member] = value;
            self.revision += 1;
        }
    }

    /// Writes `object` of `kind` through the API server.
    pub fn write(
        &mut self,
        actor: Actor,
        operation: Operation,
        kind: Kind,
        mut object: Value,
        sub_resource: Option<&'static str>,
    ) -> Outcome {
        let key = Key::of(kind, &object);
        let old = match operation {
            Operation::Update => self.objects.get(&key).cloned(),
            Operation::Create => None,
        };
        if operation == Operation::Create && self.objects.contains_key(&key) {
            return Outcome::Invalid(format!("{key} already exists"));
        }
        default(kind, &mut object);
        let mut event = self.as_sent(actor, operation, key, &object, old.as_ref(), sub_resource);
        let write = Write {
            actor: &event.actor,
            operation,
            kind,
            old: old.as_ref(),
            sub_resource,
        };
        let admission = self.admit(&write, &mut object);
        event.outcome = admission.outcome.clone();
        event.patched = admission.patched;
        event.validate_alone = admission.validate_alone;
        event.warned = admission.warned;
        if admission.outcome == Outcome::Admitted {
            event.stored_spec = object.pointer(kind.pod_spec_pointer()).cloned();
            let (actor, changed) = (event.actor.clone(), event.template_changed);
            self.store(&actor, operation, kind, &event.key, object, changed);
        }
        self.events.push(event);
        admission.outcome
    }

    /// The record of a write as sent (defaulted), before admission.
    fn as_sent(
        &self,
        actor: Actor,
        operation: Operation,
        key: Key,
        object: &Value,
        old: Option<&Value>,
        sub_resource: Option<&'static str>,
    ) -> WriteEvent {
        let kind = key.kind;
        let pointer = kind.pod_spec_pointer();
        let sent_spec = object.pointer(pointer).cloned();
        WriteEvent {
            template_changed: old.is_none_or(|old| template(kind, old) != template(kind, object)),
            from_vouched_template: self.made_from_vouched_template(&actor, kind, object),
            sent_complies: sent_spec
                .as_ref()
                .is_none_or(|spec| objects::spec_complies(spec, self.setup.exemptions)),
            sent_spec,
            controller_owned: objects::controller_uid(object).is_some(),
            owner_referenced: !objects::owner_uids(object).is_empty(),
            old_spec: old.and_then(|old| old.pointer(pointer).cloned()),
            after_install: self.installed,
            actor,
            key,
            operation,
            sub_resource,
            outcome: Outcome::Admitted,
            patched: false,
            stored_spec: None,
            validate_alone: None,
            warned: false,
        }
    }
}

/// One write on its way through admission.
pub(crate) struct Write<'w> {
    pub actor: &'w Actor,
    pub operation: Operation,
    pub kind: Kind,
    /// The stored object an UPDATE replaces.
    pub old: Option<&'w Value>,
    pub sub_resource: Option<&'static str>,
}

impl World for Cluster<'_> {
    fn objects(&mut self) -> BTreeMap<Key, Value> {
        self.objects.clone()
    }

    fn write(
        &mut self,
        actor: Actor,
        operation: Operation,
        kind: Kind,
        object: Value,
        sub_resource: Option<&'static str>,
    ) -> Outcome {
        Cluster::write(self, actor, operation, kind, object, sub_resource)
    }

    fn delete(&mut self, key: &Key) {
        Cluster::delete(self, key);
    }

    fn clear_status(&mut self, key: &Key, member: &str) {
        Cluster::clear_status(self, key, member);
    }

    fn fresh_uid(&mut self) -> u64 {
        Cluster::fresh_uid(self)
    }
}

/// The pod template of an object (a Pod: its spec).
pub fn template(kind: Kind, object: &Value) -> Option<&Value> {
    object.pointer(kind.template_pointer().unwrap_or(kind.pod_spec_pointer()))
}

/// The API server's defaulting of the object's pod spec.
fn default(kind: Kind, object: &mut Value) {
    if let Some(spec) = object.pointer_mut(kind.pod_spec_pointer()) {
        objects::default_pod_spec(spec);
    }
}
