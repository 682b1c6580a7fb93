//! What a step leaves in a cluster, in terms that do not depend on the
//! names controllers generate: the pull policies stored for what people
//! wrote, what each of their objects came to own (ReplicaSets, Jobs, Pods)
//! and with which pull policies, and which of them a controller failed to
//! create something for. The model's cluster and a real one are compared on
//! it after every step.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::api_server::{Actor, Cluster, Operation, Outcome, WriteEvent};
use crate::objects::{self, Key, Kind};
use crate::world::root_owner;

/// One stored object, as the summary describes it: its entries (image and
/// pull policy, in list order) and its replicas, where it has them.
pub type Description = (Vec<(String, String)>, Option<u64>);

/// What a cluster holds after a step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Each object a person wrote (no controller owns it).
    pub written: BTreeMap<String, Description>,
    /// What each such object owns, by kind, directly or through what it
    /// owns (a Deployment's ReplicaSets and their Pods), sorted.
    pub owned: BTreeMap<(String, &'static str), Vec<Description>>,
    /// The objects a controller failed to create something for, since the
    /// install (Kubernetes: a `FailedCreate` or `ReplicaSetCreateError` event).
    pub failed_creates: BTreeSet<String>,
}

impl Summary {
    /// The summary of `objects` (keyed as the model keys them), with the
    /// objects whose controllers failed to create something.
    pub fn of(objects: &BTreeMap<Key, Value>, failed_creates: BTreeSet<String>) -> Summary {
        let by_uid: BTreeMap<&str, &Key> = objects
            .iter()
            .map(|(key, object)| (objects::uid(object), key))
            .collect();
        let mut summary = Summary {
            failed_creates,
            ..Summary::default()
        };
        for (key, object) in objects {
            let description = describe(key.kind, object);
            let root = root_owner(objects, &by_uid, key);
            if root == *key {
                summary.written.insert(key.to_string(), description);
            } else {
                let owned = (root.to_string(), key.kind.name());
                summary.owned.entry(owned).or_default().push(description);
            }
        }
        for owned in summary.owned.values_mut() {
            owned.sort();
        }
        summary
    }

    /// What differs from `other`, one line per object (empty when alike).
    pub fn differences(&self, other: &Summary) -> Vec<String> {
        let mut lines = Vec::new();
        differ(&self.written, &other.written, "written", &mut lines);
        differ(&self.owned, &other.owned, "owned", &mut lines);
        if self.failed_creates != other.failed_creates {
            lines.push(format!(
                "failed creates: {:?} vs {:?}",
                self.failed_creates, other.failed_creates
            ));
        }
        lines
    }
}

fn differ<K: Ord + fmt::Debug, V: PartialEq + fmt::Debug>(
    a: &BTreeMap<K, V>,
    b: &BTreeMap<K, V>,
    what: &str,
    lines: &mut Vec<String>,
) {
    let keys: BTreeSet<&K> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        if x != y {
            lines.push(format!("{what} {key:?}: {x:?} vs {y:?}"));
        }
    }
}

/// An object's entries and replicas.
pub fn describe(kind: Kind, object: &Value) -> Description {
    let entries = object
        .pointer(kind.pod_spec_pointer())
        .map(objects::entries)
        .unwrap_or_default();
    let replicas = match kind {
        Kind::Pod | Kind::DaemonSet | Kind::CronJob | Kind::KnativeService => None,
        Kind::Job => Some(
            object
                .pointer("/spec/parallelism")
                .and_then(Value::as_u64)
                .unwrap_or(1),
        ),
        _ => Some(
            object
                .pointer("/spec/replicas")
                .and_then(Value::as_u64)
                .unwrap_or(1),
        ),
    };
    (entries, replicas)
}

/// The top-level objects whose controllers had a create refused by a
/// policy in `events` (the writes of one step), added to `failed`.
pub fn note_failed_creates(
    cluster: &Cluster<'_>,
    events: &[WriteEvent],
    failed: &mut BTreeSet<String>,
) {
    let by_uid: BTreeMap<&str, &Key> = cluster
        .objects
        .iter()
        .map(|(key, object)| (objects::uid(object), key))
        .collect();
    for event in events {
        if let (Actor::Controller(owner), Operation::Create, Outcome::Rejected(_)) =
            (&event.actor, event.operation, &event.outcome)
            && event.after_install
        {
            let root = root_owner(&cluster.objects, &by_uid, owner);
            failed.insert(root.to_string());
        }
    }
}
