//! The API server of the model: the store, and every write's way through it
//! as Kubernetes runs it (staging/src/k8s.io/apiserver, admission plugin
//! `webhook/mutating/dispatcher.go` then `webhook/validating`): defaulting,
//! the mutating policy (its RFC 6902 patch applied, then defaulting again),
//! an optional injector webhook after it, the API server's own validation of
//! immutable fields, then the validating policy. A rejected write changes
//! nothing. Before the policy is installed, writes are stored unjudged; so
//! are, always, the custom resources its rules do not name.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::backend::{PolicyBackend, PolicyId, PolicyMode, Review};
use crate::objects::{self, INJECTED_IMAGE, Key, Kind};

/// How the policy is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Validate,
    Mutate,
    WarnOnly,
    /// The recommended pair: the mutating policy, then the validating one.
    Pair,
}

/// A webhook after the mutating policy that adds a sidecar to every new Pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injector {
    None,
    /// With `IfNotPresent`: a way out is trusting its registry (with the
    /// model's exemptions, `docker.io/istio` is trusted).
    IfNotPresent,
    /// With `Always`: the injector's own pull policy, the other way out.
    Always,
}

/// One cluster configuration of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    pub mode: Mode,
    pub exemptions: bool,
    pub injector: Injector,
}

impl Setup {
    fn policy(self, mode: PolicyMode) -> PolicyId {
        PolicyId {
            mode,
            exemptions: self.exemptions,
        }
    }

    pub fn mutating(self) -> Option<PolicyId> {
        matches!(self.mode, Mode::Mutate | Mode::Pair).then(|| self.policy(PolicyMode::Mutate))
    }

    pub fn validating(self) -> Option<PolicyId> {
        match self.mode {
            Mode::Validate | Mode::Pair => Some(self.policy(PolicyMode::Validate)),
            Mode::WarnOnly => Some(self.policy(PolicyMode::WarnOnly)),
            Mode::Mutate => None,
        }
    }

    /// An injector that adds `IfNotPresent` sidecars from an untrusted
    /// registry: the README's known limitation, with its two ways out unused.
    pub fn injector_without_way_out(self) -> bool {
        self.injector == Injector::IfNotPresent && !self.exemptions
    }

    /// Whether the policy as installed keeps non-compliant Pods out.
    pub fn enforces(self) -> bool {
        match self.mode {
            Mode::WarnOnly => false,
            // A mutating policy alone cannot see what a later webhook adds.
            Mode::Mutate => !self.injector_without_way_out(),
            Mode::Validate | Mode::Pair => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
}

/// Who writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User,
    /// A controller writing on behalf of this object (its owner).
    Controller(Key),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Admitted,
    /// A policy said no.
    Rejected(String),
    /// The API server's own validation said no (an immutable field).
    Invalid(String),
}

/// One write and what became of it.
#[derive(Debug, Clone)]
pub struct WriteEvent {
    pub actor: Actor,
    pub key: Key,
    pub operation: Operation,
    pub sub_resource: Option<&'static str>,
    /// Whether the write changes the pod template (a Pod: its spec), as sent.
    pub template_changed: bool,
    pub outcome: Outcome,
    pub patched: bool,
    /// The pod spec as stored, when admitted.
    pub stored_spec: Option<Value>,
    /// A controller's write on behalf of an object whose current template a
    /// user's admitted write set (or that was made from one).
    pub from_vouched_template: bool,
    /// Written after the policy was installed, of a kind its rules name
    /// (judged by it).
    pub after_install: bool,
    /// The pod spec as sent complies (pulls `Always`, or exempt).
    pub sent_complies: bool,
    /// The object as sent names a controlling owner (`controller: true`).
    pub controller_owned: bool,
    /// The pod spec stored before an UPDATE.
    pub old_spec: Option<Value>,
}

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

    /// Objects of `kind` whose controller is `owner`.
    pub fn owned_by(&self, kind: Kind, owner: &Value) -> Vec<Key> {
        let uid = objects::uid(owner);
        self.objects
            .iter()
            .filter(|(k, v)| k.kind == kind && objects::controller_uid(v) == Some(uid))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Deletes an object (deletes are not judged).
    pub fn delete(&mut self, key: &Key) {
        if self.objects.remove(key).is_some() {
            self.revision += 1;
        }
        self.vouched.remove(key);
    }

    /// Deletes an object and, as the garbage collector does in the
    /// background, every object it controls, theirs in turn.
    pub fn delete_with_dependents(&mut self, key: &Key) {
        let Some(object) = self.objects.get(key).cloned() else {
            return;
        };
        let uid = objects::uid(&object).to_owned();
        self.delete(key);
        let dependents: Vec<Key> = self
            .objects
            .iter()
            .filter(|(_, v)| objects::controller_uid(v) == Some(uid.as_str()))
            .map(|(k, _)| k.clone())
            .collect();
        for dependent in dependents {
            self.delete_with_dependents(&dependent);
        }
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
        let template_changed = old
            .as_ref()
            .is_none_or(|old| template(kind, old) != template(kind, &object));
        let from_vouched_template = self.made_from_vouched_template(&actor, kind, &object);
        let pointer = kind.pod_spec_pointer();
        let sent_complies = object
            .pointer(pointer)
            .is_none_or(|spec| objects::spec_complies(spec, self.setup.exemptions));
        let controller_owned = objects::controller_uid(&object).is_some();
        let old_spec = old.as_ref().and_then(|old| old.pointer(pointer).cloned());
        let (outcome, patched) = self.admit(
            &actor,
            operation,
            kind,
            &mut object,
            old.as_ref(),
            sub_resource,
        );
        let stored_spec = (outcome == Outcome::Admitted)
            .then(|| object.pointer(kind.pod_spec_pointer()).cloned())
            .flatten();
        if outcome == Outcome::Admitted {
            self.store(&actor, operation, kind, &key, object, template_changed);
        }
        self.events.push(WriteEvent {
            actor,
            key,
            operation,
            sub_resource,
            template_changed,
            outcome: outcome.clone(),
            patched,
            stored_spec,
            from_vouched_template,
            after_install: self.installed && kind.judged(),
            sent_complies,
            controller_owned,
            old_spec,
        });
        outcome
    }

    fn store(
        &mut self,
        actor: &Actor,
        operation: Operation,
        kind: Kind,
        key: &Key,
        object: Value,
        template_changed: bool,
    ) {
        let text = objects::canonical(template(kind, &object));
        if self.installed && kind == Kind::Pod && operation == Operation::Create {
            self.created_after_install.insert(key.clone());
        }
        // A Job's template is judged when the Job is created; a later change
        // (a suspended Job's scheduling directives) is not vouched for.
        let judged = kind.judged() && !(kind == Kind::Job && operation == Operation::Update);
        let vouched = match actor {
            Actor::User => self.installed && judged,
            Actor::Controller(owner) => self.is_vouched(owner),
        };
        if template_changed && vouched {
            self.vouched.insert(key.clone(), text.clone());
        } else if template_changed {
            self.vouched.remove(key);
        }
        self.revision += 1;
        self.template_history
            .entry(key.clone())
            .or_default()
            .insert(text);
        self.objects.insert(key.clone(), object);
    }

    /// A controller's write made from its owner's vouched template (a Pod:
    /// from the current one, not an older revision).
    fn made_from_vouched_template(&self, actor: &Actor, kind: Kind, object: &Value) -> bool {
        match actor {
            Actor::Controller(owner) => {
                self.is_vouched(owner)
                    && (kind != Kind::Pod || self.made_from_current_template(owner, object))
            }
            Actor::User => false,
        }
    }

    /// Whether a Pod's spec is its owner's current template's (not an older
    /// revision's, as a StatefulSet makes below its partition).
    fn made_from_current_template(&self, owner: &Key, pod: &Value) -> bool {
        let template = self
            .objects
            .get(owner)
            .and_then(|owner_object| template(owner.kind, owner_object));
        template.and_then(|t| t.get("spec")) == pod.get("spec")
    }

    /// Whether the object's current template is one a user's admitted write set.
    pub fn is_vouched(&self, key: &Key) -> bool {
        let current = self
            .objects
            .get(key)
            .map(|object| objects::canonical(template(key.kind, object)));
        current.is_some() && self.vouched.get(key) == current.as_ref()
    }

    /// The admission chain; whether the object was patched. Before the
    /// policy is installed, every write is admitted as it is.
    fn admit(
        &mut self,
        actor: &Actor,
        operation: Operation,
        kind: Kind,
        object: &mut Value,
        old: Option<&Value>,
        sub_resource: Option<&'static str>,
    ) -> (Outcome, bool) {
        if !self.installed || !kind.judged() {
            return (Outcome::Admitted, false);
        }
        let mut patched = false;
        if let Some(policy) = self.setup.mutating() {
            let request = self.request(actor, operation, kind, object, old, sub_resource);
            let review = match self.review(policy, &request) {
                Ok(review) => review,
                Err(outcome) => return (outcome, false),
            };
            if let Some(patch) = review.patch {
                patched = true;
                if let Err(fault) = apply_patch(object, &patch) {
                    self.faults.push(fault);
                    return (Outcome::Invalid("the patch does not apply".into()), true);
                }
                default(kind, object);
            }
        }
        if self.setup.injector != Injector::None
            && kind == Kind::Pod
            && operation == Operation::Create
        {
            inject(self.setup.injector, object);
            default(kind, object);
        }
        if let Some(old) = old
            && let Err(why) = validate_update(kind, old, object, sub_resource)
        {
            return (Outcome::Invalid(why), patched);
        }
        if let Some(policy) = self.setup.validating() {
            let request = self.request(actor, operation, kind, object, old, sub_resource);
            if let Err(outcome) = self.review(policy, &request) {
                return (outcome, patched);
            }
        }
        (Outcome::Admitted, patched)
    }

    /// One policy's answer; a denial as the outcome. Checks what the API
    /// server would keep of the warnings, and the patch's shape.
    fn review(&mut self, policy: PolicyId, request: &Value) -> Result<Review, Outcome> {
        self.calls += 1;
        let review = self.backend.review(policy, request).map_err(|e| {
            self.faults
                .push(format!("{}: no answer: {e}", policy.name()));
            Outcome::Rejected(e)
        })?;
        if let Err(fault) = warnings_within_limits(&review.warnings) {
            self.faults.push(format!("{}: {fault}", policy.name()));
        }
        if let Some(patch) = &review.patch
            && let Err(fault) = patch_sets_only_pull_policies(patch)
        {
            self.faults.push(format!("{}: {fault}", policy.name()));
        }
        if review.patch.is_some() && !policy.mutates() {
            self.faults
                .push(format!("{}: a validating policy patched", policy.name()));
        }
        match review.allowed {
            true => Ok(review),
            false => Err(Outcome::Rejected(review.message.unwrap_or_default())),
        }
    }

    fn request(
        &mut self,
        actor: &Actor,
        operation: Operation,
        kind: Kind,
        object: &Value,
        old: Option<&Value>,
        sub_resource: Option<&'static str>,
    ) -> Value {
        let key = Key::of(kind, object);
        let (group, version) = (kind.group(), kind.version());
        let group_kind = json!({"group": group, "version": version, "kind": kind.name()});
        let resource = json!({"group": group, "version": version, "resource": kind.resource()});
        let username = match actor {
            Actor::User => "kubernetes-admin".to_owned(),
            Actor::Controller(owner) => format!(
                "system:serviceaccount:kube-system:{}-controller",
                owner.kind.name().to_lowercase()
            ),
        };
        let (operation, options) = match operation {
            Operation::Create => ("CREATE", "CreateOptions"),
            Operation::Update => ("UPDATE", "UpdateOptions"),
        };
        let uid = self.fresh_uid();
        let mut request = json!({
            "uid": format!("request-{uid}"),
            "kind": group_kind,
            "resource": resource,
            "requestKind": group_kind,
            "requestResource": resource,
            "name": key.name,
            "namespace": key.namespace,
            "operation": operation,
            "userInfo": {"username": username, "groups": ["system:authenticated"]},
            "object": object,
            "oldObject": old.cloned().unwrap_or(Value::Null),
            "dryRun": false,
            "options": {"kind": options, "apiVersion": "meta.k8s.io/v1"},
        });
        if let Some(sub_resource) = sub_resource {
            request["subResource"] = json!(sub_resource);
            request["requestSubResource"] = json!(sub_resource);
        }
        request
    }
}

/// The pod template of an object (a Pod: its spec).
pub fn template(kind: Kind, object: &Value) -> Option<&Value> {
    object.pointer(kind.template_pointer().unwrap_or(kind.pod_spec_pointer()))
}

fn default(kind: Kind, object: &mut Value) {
    if let Some(spec) = object.pointer_mut(kind.pod_spec_pointer()) {
        objects::default_pod_spec(spec);
    }
}

/// Adds the sidecar an injector webhook adds (Istio's proxy, say).
fn inject(injector: Injector, pod: &mut Value) {
    let mut proxy = json!({"name": "istio-proxy", "image": INJECTED_IMAGE});
    proxy["imagePullPolicy"] = match injector {
        Injector::Always => json!("Always"),
        _ => json!("IfNotPresent"),
    };
    if let Some(containers) = pod
        .pointer_mut("/spec/containers")
        .and_then(Value::as_array_mut)
    {
        containers.push(proxy);
    }
}

/// Applies an RFC 6902 patch as the API server does (evanphx/json-patch).
fn apply_patch(object: &mut Value, patch: &Value) -> Result<(), String> {
    let patch: json_patch::Patch =
        serde_json::from_value(patch.clone()).map_err(|e| format!("not a JSON patch: {e}"))?;
    json_patch::patch(object, &patch).map_err(|e| format!("the patch does not apply: {e}"))
}

/// Every operation sets a pull-policy member to "Always".
fn patch_sets_only_pull_policies(patch: &Value) -> Result<(), String> {
    for op in patch.as_array().into_iter().flatten() {
        let path = op["path"].as_str().unwrap_or_default();
        let kind = op["op"].as_str().unwrap_or_default();
        let policy_field = path.ends_with("/imagePullPolicy") || path.ends_with("/pullPolicy");
        if !matches!(kind, "add" | "replace") || !policy_field || op["value"] != "Always" {
            return Err(format!("the patch does more than set a pull policy: {op}"));
        }
    }
    Ok(())
}

/// What `k8s.io/apiserver/pkg/endpoints/filters/warning.go` keeps: each
/// warning 256 runes, 4,096 runes in all.
fn warnings_within_limits(warnings: &[String]) -> Result<(), String> {
    let runes = |w: &String| w.chars().count();
    if let Some(long) = warnings.iter().find(|w| runes(w) > 256) {
        return Err(format!("a warning of {} characters: {long}", runes(long)));
    }
    let total: usize = warnings.iter().map(runes).sum();
    match total > 4096 {
        true => Err(format!("{total} characters of warnings")),
        false => Ok(()),
    }
}

/// The API server's validation of an UPDATE's immutable fields.
fn validate_update(
    kind: Kind,
    old: &Value,
    new: &Value,
    sub_resource: Option<&str>,
) -> Result<(), String> {
    match (kind, sub_resource) {
        (Kind::Pod, Some("ephemeralcontainers")) => ephemeral_update(old, new),
        (Kind::Pod, _) => pod_update(old, new),
        (Kind::Job, _) => job_update(old, new),
        _ => Ok(()),
    }
}

/// `ValidatePodUpdate` (pkg/apis/core/validation/validation.go): of the
/// containers, only `image` may change.
fn pod_update(old: &Value, new: &Value) -> Result<(), String> {
    let mut expected = old["spec"].clone();
    for list in ["initContainers", "containers"] {
        let (Some(was), Some(now)) = (
            expected.get_mut(list).and_then(Value::as_array_mut),
            new["spec"].get(list).and_then(Value::as_array),
        ) else {
            continue;
        };
        if was.len() != now.len() {
            return Err(format!("pod updates may not add or remove {list}"));
        }
        for (was, now) in was.iter_mut().zip(now) {
            was["image"] = now["image"].clone();
        }
    }
    match expected == new["spec"] {
        true => Ok(()),
        false => Err("pod updates may not change fields other than image".into()),
    }
}

/// `ValidatePodEphemeralContainersUpdate`: ephemeral containers are only added.
fn ephemeral_update(old: &Value, new: &Value) -> Result<(), String> {
    let list = |pod: &Value| {
        pod.pointer("/spec/ephemeralContainers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (was, now) = (list(old), list(new));
    let without = |pod: &Value| {
        let mut spec = pod["spec"].clone();
        if let Some(spec) = spec.as_object_mut() {
            spec.remove("ephemeralContainers");
        }
        spec
    };
    match now.starts_with(&was) && without(old) == without(new) {
        true => Ok(()),
        false => Err("ephemeral containers may only be added".into()),
    }
}

/// `validatePodTemplateUpdate` (pkg/apis/batch/validation/validation.go): a
/// Job's template is immutable, but for the scheduling directives of a Job
/// that is suspended and never started (`validationOptionsForJob`).
fn job_update(old: &Value, new: &Value) -> Result<(), String> {
    let mut expected = old["spec"]["template"].clone();
    let now = &new["spec"]["template"];
    let suspended = old["spec"]["suspend"] == true;
    let never_started = old.pointer("/status/startTime").is_none();
    if suspended && never_started {
        for member in ["labels", "annotations"] {
            expected["metadata"][member] = now["metadata"][member].clone();
        }
        for member in ["nodeSelector", "tolerations", "affinity", "schedulingGates"] {
            expected["spec"][member] = now["spec"][member].clone();
        }
        strip_nulls(&mut expected);
    }
    let mut now = now.clone();
    strip_nulls(&mut now);
    match expected == now {
        true => Ok(()),
        false => Err("spec.template: field is immutable".into()),
    }
}

fn strip_nulls(value: &mut Value) {
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
        map.values_mut().for_each(strip_nulls);
    }
}
