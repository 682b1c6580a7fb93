//! What the controllers did in a scenario's namespaces, as the model
//! records it: the objects they made since the install (patched or not,
//! against the template each was made from), and the creates a webhook
//! refused, from their `FailedCreate` events.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use cluster_model::api_server::{Actor, Operation, Outcome, WriteEvent};
use cluster_model::objects::{self, Key, Kind};

use super::RealCluster;

/// The Warning events a controller records when a create is refused.
const FAILED_CREATE_REASONS: [&str; 2] = ["FailedCreate", "ReplicaSetCreateError"];

impl RealCluster<'_> {
    /// The items of a list in each of the scenario's namespaces, `path`
    /// giving the list's path for a real namespace's name.
    fn items(&self, path: impl Fn(&str) -> String) -> Result<Vec<Value>, String> {
        let mut items = Vec::new();
        for (_, real) in &self.namespaces {
            let mut list = self.api.read(&path(real))?;
            if let Some(Value::Array(listed)) = list.get_mut("items").map(Value::take) {
                items.extend(listed);
            }
        }
        Ok(items)
    }

    /// The events of the scenario's namespaces.
    fn events(&self) -> Result<Vec<Value>, String> {
        self.items(|real| format!("/api/v1/namespaces/{real}/events"))
    }

    /// What the refused creates' events say, for a report.
    pub fn failed_create_messages(&self) -> Result<Vec<String>, String> {
        let mut messages = Vec::new();
        for event in self.events()? {
            if FAILED_CREATE_REASONS.contains(&event["reason"].as_str().unwrap_or_default()) {
                let webhook = match refused_by_a_webhook(&event) {
                    true => "refused by a webhook",
                    false => "not a webhook's refusal",
                };
                let object = event["involvedObject"]["name"].as_str().unwrap_or_default();
                let message = event["message"].as_str().unwrap_or_default();
                let message: String = message.chars().take(300).collect();
                messages.push(format!("{object} ({webhook}): {message}"));
            }
        }
        Ok(messages)
    }

    /// The top-level objects whose controllers failed to create something:
    /// `FailedCreate` and `ReplicaSetCreateError` events, and the creates
    /// this world made as a controller that a policy refused.
    pub fn failed_creates(&self) -> Result<BTreeSet<String>, String> {
        let mut failed = self.refused_creates.clone();
        for event in self.events()? {
            let uid = event.pointer("/involvedObject/uid").and_then(Value::as_str);
            if refused_by_a_webhook(&event)
                && let Some(root) = uid.and_then(|uid| self.roots.get(uid))
            {
                failed.insert(root.clone());
            }
        }
        Ok(failed)
    }

    /// What the controllers wrote since the install, as the model records
    /// writes: each object they made (patched when its pull policies
    /// differ from the template it was made from), and each create that a
    /// `FailedCreate` event reports refused.
    pub fn controller_writes(&mut self) -> Result<Vec<WriteEvent>, String> {
        let objects = self.list()?;
        self.note_made(&objects)?;
        let mut writes: Vec<WriteEvent> = self.made.values().cloned().collect();
        writes.extend(self.refused_by_controllers()?);
        Ok(writes)
    }

    /// Records each object the controllers made since the install that
    /// `objects` shows for the first time.
    pub(super) fn note_made(&mut self, objects: &BTreeMap<Key, Value>) -> Result<(), String> {
        if !self.installed {
            return Ok(());
        }
        let by_uid: BTreeMap<&str, (&Key, &Value)> = objects
            .iter()
            .map(|(k, o)| (objects::uid(o), (k, o)))
            .collect();
        let mut revisions = None;
        for (key, object) in objects {
            let uid = objects::uid(object);
            let owner = objects::controller_uid(object).and_then(|uid| by_uid.get(uid));
            let Some((owner_key, owner)) = owner else {
                continue;
            };
            if self.before_install.contains(uid)
                || self.made.contains_key(uid)
                || self.written.contains(uid)
            {
                continue;
            }
            let revisions = match &revisions {
                Some(revisions) => revisions,
                None => revisions.insert(self.revisions()?),
            };
            let made_from = source_template(revisions, owner_key, owner, object);
            let entries = |spec: Option<&Value>| spec.map(objects::entries).unwrap_or_default();
            let patched =
                entries(made_from) != entries(object.pointer(key.kind.pod_spec_pointer()));
            let actor = Actor::Controller((*owner_key).clone());
            let write = made(actor, key.clone(), Outcome::Admitted, patched);
            self.made.insert(uid.to_owned(), write);
        }
        Ok(())
    }

    /// The ControllerRevisions of the scenario's namespaces, by name.
    fn revisions(&self) -> Result<BTreeMap<String, Value>, String> {
        let listed =
            self.items(|real| format!("/apis/apps/v1/namespaces/{real}/controllerrevisions"))?;
        Ok(listed
            .into_iter()
            .map(|revision| {
                let name = revision["metadata"]["name"].as_str().unwrap_or_default();
                (name.to_owned(), revision)
            })
            .collect())
    }

    /// The creates a `FailedCreate` (or `ReplicaSetCreateError`) event
    /// reports refused, as the model records a refused write.
    fn refused_by_controllers(&self) -> Result<Vec<WriteEvent>, String> {
        let mut writes = Vec::new();
        for event in self.events()? {
            if !refused_by_a_webhook(&event) {
                continue;
            }
            let kind = match event["reason"].as_str() {
                Some("ReplicaSetCreateError") => Kind::ReplicaSet,
                _ => Kind::Pod,
            };
            let message = event["message"].as_str().unwrap_or_default().to_owned();
            let controller = Actor::Controller(Key::of(Kind::Deployment, &Value::Null));
            let key = Key::of(kind, &Value::Null);
            writes.push(made(controller, key, Outcome::Rejected(message), false));
        }
        Ok(writes)
    }
}

/// A `FailedCreate` (or `ReplicaSetCreateError`) event of a create that an
/// admission webhook refused, not one that failed for another reason (a
/// StatefulSet's Pod made again before the old one is gone: "already
/// exists").
fn refused_by_a_webhook(event: &Value) -> bool {
    let reason = event["reason"].as_str().unwrap_or_default();
    let message = event["message"].as_str().unwrap_or_default();
    FAILED_CREATE_REASONS.contains(&reason)
        && (message.contains("admission webhook") || message.contains("calling webhook"))
}

/// The pod spec a controller made `object` from: a StatefulSet's or
/// DaemonSet's Pod from the revision its `controller-revision-hash` names
/// (below a partition, an older one), anything else from its owner's
/// template.
fn source_template<'v>(
    revisions: &'v BTreeMap<String, Value>,
    owner_key: &Key,
    owner: &'v Value,
    object: &Value,
) -> Option<&'v Value> {
    let revision = object
        .pointer("/metadata/labels/controller-revision-hash")
        .and_then(Value::as_str)
        .and_then(|hash| {
            // A StatefulSet's Pods carry the revision's name, a DaemonSet's its hash.
            revisions
                .get(hash)
                .or_else(|| revisions.get(&format!("{}-{hash}", owner_key.name)))
        });
    match revision {
        Some(revision) => revision.pointer("/data/spec/template/spec"),
        None => owner
            .pointer(owner_key.kind.template_pointer().unwrap_or("/spec"))
            .and_then(|template| template.get("spec")),
    }
}

/// A write as the model records it, for the promises' checks.
pub(super) fn made(actor: Actor, key: Key, outcome: Outcome, patched: bool) -> WriteEvent {
    WriteEvent {
        actor,
        key,
        operation: Operation::Create,
        sub_resource: None,
        template_changed: true,
        outcome,
        patched,
        stored_spec: None,
        from_vouched_template: false,
        after_install: true,
        sent_spec: None,
        sent_complies: false,
        controller_owned: false,
        owner_referenced: false,
        validate_alone: None,
        warned: false,
        old_spec: None,
    }
}
