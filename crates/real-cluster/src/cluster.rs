//! The cluster model's [`World`] on a real API server: each scenario gets two
//! namespaces of its own (the model's `default` and `team-a`, suffixed), the
//! model's actions become API calls, the objects are listed back in the
//! model's terms, and a stand-in kubelet marks Pods ready so that rollouts
//! proceed. The policy is "installed" for a scenario by labelling its
//! namespaces: the webhooks derived from the examples select them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use cluster_model::actions::Profile;
use cluster_model::api_server::{Actor, Operation, Outcome, Setup, WriteEvent};
use cluster_model::objects::{self, Key, Kind, NAMESPACES};
use cluster_model::world::{World, root_owner};

use crate::api::{Answer, Api, api_version, collection};

mod observed;

use observed::made;

/// The namespace label a scenario's mutating policy selects on.
pub const MUTATING_LABEL: &str = "always-pull-images.test/mutating";
/// The namespace label a scenario's validating policy selects on.
pub const VALIDATING_LABEL: &str = "always-pull-images.test/validating";

/// One scenario's share of the real cluster.
pub struct RealCluster<'a> {
    api: &'a Api,
    setup: Setup,
    /// The model's namespace and the real one, in the model's order.
    namespaces: Vec<(&'static str, String)>,
    next_uid: u64,
    installed: bool,
    /// Every write this world made after the install, with its outcome.
    pub writes: Vec<WriteEvent>,
    /// What each uid seen belongs to: its top-level owner, in model terms.
    roots: BTreeMap<String, String>,
    /// Creates this world made as a controller (a CronJob's Job) that a
    /// policy refused, by top-level owner.
    refused_creates: BTreeSet<String>,
    /// The uids of the objects stored before the install.
    before_install: BTreeSet<String>,
    /// What the controllers made after the install, by uid, as first seen
    /// (kept when the object is deleted later, as the model keeps a write).
    made: BTreeMap<String, WriteEvent>,
    /// The uids of the objects this world created as a user.
    written: BTreeSet<String>,
    /// The stand-in kubelet's clock: seconds since midnight, one more for
    /// each round of Pods it makes ready.
    ready_clock: u32,
}

impl<'a> RealCluster<'a> {
    /// Namespaces of their own for scenario `number`.
    pub fn new(api: &'a Api, number: usize, setup: Setup) -> Result<RealCluster<'a>, String> {
        let namespaces: Vec<(&'static str, String)> = NAMESPACES
            .iter()
            .map(|model| (*model, format!("{model}-s{number}")))
            .collect();
        for (_, real) in &namespaces {
            api.create_namespace(real, &[])?;
        }
        Ok(RealCluster {
            api,
            setup,
            namespaces,
            next_uid: 0,
            installed: false,
            writes: Vec::new(),
            roots: BTreeMap::new(),
            refused_creates: BTreeSet::new(),
            before_install: BTreeSet::new(),
            made: BTreeMap::new(),
            written: BTreeSet::new(),
            ready_clock: 0,
        })
    }

    fn real_namespace(&self, model: &str) -> String {
        self.namespaces
            .iter()
            .find(|(m, _)| *m == model)
            .map_or_else(|| model.to_owned(), |(_, real)| real.clone())
    }

    /// The labels that make the setup's policies judge this scenario's
    /// namespaces, and a probe that waits until the API server applies them.
    pub fn install(
        &mut self,
        probe: impl Fn(&Api, &str) -> Result<bool, String>,
    ) -> Result<(), String> {
        self.before_install = self
            .objects()
            .values()
            .map(|o| objects::uid(o).to_owned())
            .collect();
        let mut labels = serde_json::Map::new();
        if let Some(policy) = self.setup.mutating() {
            labels.insert(MUTATING_LABEL.into(), json!(policy.name()));
        }
        if let Some(policy) = self.setup.validating() {
            labels.insert(VALIDATING_LABEL.into(), json!(policy.name()));
        }
        // The namespace informer of the API server sees the labels in this
        // order: once the last namespace is judged, every one is.
        for (_, real) in self.namespaces.iter().rev() {
            let patch = json!({"metadata": {"labels": labels}});
            self.api
                .merge_patch(&format!("/api/v1/namespaces/{real}"), &patch)?;
        }
        let first = self.real_namespace(NAMESPACES[0]);
        crate::waiting::wait_for(
            "the policy judging the scenario",
            std::time::Duration::from_secs(30),
            || Ok(probe(self.api, &first)?.then_some(())),
        )?;
        self.installed = true;
        Ok(())
    }

    /// The stand-in kubelet: every Pod not yet ready is made running and
    /// ready (a status write, not judged). Returns the objects as listed.
    ///
    /// Each round's Pods are ready a second after the last round's: a
    /// ReplicaSet or Job scaled down deletes the Pod ready for the shortest
    /// time first (`controller.ActivePods`), the newest, as the model does.
    /// With one time for all, the choice falls to creation times, which tie
    /// within a second, and Go's sort picks any.
    pub fn settle(&mut self) -> Result<BTreeMap<Key, Value>, String> {
        let objects = self.list()?;
        let mut ready_at = None;
        for (key, pod) in objects.iter().filter(|(k, _)| k.kind == Kind::Pod) {
            let ready = pod
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|c| {
                    c.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                });
            if ready || pod.pointer("/metadata/deletionTimestamp").is_some() {
                continue;
            }
            let at = ready_at.get_or_insert_with(|| {
                self.ready_clock += 1;
                let seconds = self.ready_clock % 86_400;
                format!(
                    "2026-12-07T{:02}:{:02}:{:02}Z",
                    seconds / 3600,
                    seconds / 60 % 60,
                    seconds % 60
                )
            });
            let status = json!({"status": {"phase": "Running", "conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": at},
            ]}});
            let path = format!(
                "{}/{}/status",
                collection(Kind::Pod, &self.real_namespace(&key.namespace)),
                key.name
            );
            self.api.merge_patch(&path, &status)?;
        }
        self.note_made(&objects)?;
        Ok(objects)
    }

    /// Every object of the kinds a 1.20 cluster plays, in model terms.
    fn list(&mut self) -> Result<BTreeMap<Key, Value>, String> {
        let mut objects = BTreeMap::new();
        let kinds = Kind::TOP_LEVEL
            .into_iter()
            .filter(|k| Profile::Kubernetes120.has_kind(*k));
        for kind in kinds {
            for (model, real) in &self.namespaces {
                let list = self.api.read(&collection(kind, real))?;
                for mut object in list["items"].as_array().cloned().unwrap_or_default() {
                    object["metadata"]["namespace"] = json!(model);
                    objects.insert(Key::of(kind, &object), object);
                }
            }
        }
        let by_uid: BTreeMap<&str, &Key> =
            objects.iter().map(|(k, o)| (objects::uid(o), k)).collect();
        for (key, object) in &objects {
            // The root first seen stays: once an owner is deleted, its
            // dependents (until the garbage collector removes them) would
            // read as their own roots.
            let root = root_owner(&objects, &by_uid, key);
            self.roots
                .entry(objects::uid(object).to_owned())
                .or_insert_with(|| root.to_string());
        }
        Ok(objects)
    }

    /// The object in real terms, at `operation`'s path.
    fn to_real(&self, kind: Kind, operation: Operation, mut object: Value) -> (String, Value) {
        let key = Key::of(kind, &object);
        let namespace = self.real_namespace(&key.namespace);
        object["metadata"]["namespace"] = json!(namespace);
        object["apiVersion"] = json!(api_version(kind));
        if let Some(metadata) = object["metadata"].as_object_mut() {
            // An unconditional update: the stand-in kubelet's status writes
            // must not make a user's edit a conflict.
            metadata.remove("resourceVersion");
            metadata.remove("managedFields");
            if operation == Operation::Create {
                metadata.remove("uid");
            }
        }
        let path = match operation {
            Operation::Create => collection(kind, &namespace),
            Operation::Update => format!("{}/{}", collection(kind, &namespace), key.name),
        };
        (path, object)
    }
}

/// What a write came to: admitted, refused by a webhook (a policy, or a
/// policy server that did not answer: `failurePolicy: Fail`), or invalid.
pub fn outcome(answer: &Answer) -> Outcome {
    let message = answer.message();
    match answer.ok() {
        true => Outcome::Admitted,
        false if message.contains("admission webhook") || message.contains("calling webhook") => {
            Outcome::Rejected(message)
        }
        false => Outcome::Invalid(message),
    }
}

impl World for RealCluster<'_> {
    fn objects(&mut self) -> BTreeMap<Key, Value> {
        self.list().unwrap_or_default()
    }

    fn write(
        &mut self,
        actor: Actor,
        operation: Operation,
        kind: Kind,
        object: Value,
        sub_resource: Option<&'static str>,
    ) -> Outcome {
        let key = Key::of(kind, &object);
        let mut sent = object
            .pointer(kind.pod_spec_pointer())
            .cloned()
            .unwrap_or(Value::Null);
        objects::default_pod_spec(&mut sent);
        let (path, body) = self.to_real(kind, operation, object);
        let answer = match operation {
            Operation::Create => self.api.post(&path, &body),
            Operation::Update => self.api.put(&path, &body),
        };
        let answer = answer.unwrap_or_else(|e| Answer {
            status: 599,
            body: json!({"message": e}),
            warnings: Vec::new(),
        });
        let outcome = outcome(&answer);
        if actor == Actor::User {
            self.written.insert(objects::uid(&answer.body).to_owned());
        }
        let stored = answer.body.pointer(kind.pod_spec_pointer());
        let patched = answer.ok() && stored.map(objects::entries) != Some(objects::entries(&sent));
        // This world writes as a controller only for a top-level owner (a
        // CronJob's Job, at a tick).
        if let (Actor::Controller(owner), Outcome::Rejected(_)) = (&actor, &outcome) {
            self.refused_creates.insert(owner.to_string());
        }
        if self.installed {
            let mut event = made(actor, key, outcome.clone(), patched);
            event.operation = operation;
            event.sub_resource = sub_resource;
            event.warned = !answer.warnings.is_empty();
            self.writes.push(event);
        }
        outcome
    }

    fn delete(&mut self, key: &Key) {
        if std::env::var_os("CLUSTER_SIM_DEBUG").is_some() {
            eprintln!("real delete {key}");
        }
        let path = format!(
            "{}/{}?propagationPolicy=Background",
            collection(key.kind, &self.real_namespace(&key.namespace)),
            key.name
        );
        let _ = self.api.delete(&path);
    }

    /// Only a queue controller clears a status member, and Kubernetes 1.20
    /// has no Job suspension for it to act on.
    fn clear_status(&mut self, _key: &Key, _member: &str) {}

    fn fresh_uid(&mut self) -> u64 {
        self.next_uid += 1;
        self.next_uid
    }
}

impl Drop for RealCluster<'_> {
    fn drop(&mut self) {
        for (_, real) in &self.namespaces {
            let _ = self.api.delete(&format!("/api/v1/namespaces/{real}"));
        }
    }
}
