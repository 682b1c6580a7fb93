//! What users and controllers act on: the model's cluster, or a real API
//! server (the real-cluster crate). Actions reach every object through this
//! trait, and pick the object an action targets in an order both worlds
//! agree on, whatever names the controllers generate.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::objects::{self, Key, Kind};
use crate::writes::{Actor, Operation, Outcome};

/// A cluster that actions write to.
pub trait World {
    /// Every object stored, keyed as the model keys them (model namespaces).
    fn objects(&mut self) -> BTreeMap<Key, Value>;

    /// Writes `object` of `kind` through the API server's admission chain.
    fn write(
        &mut self,
        actor: Actor,
        operation: Operation,
        kind: Kind,
        object: Value,
        sub_resource: Option<&'static str>,
    ) -> Outcome;

    /// Deletes an object (deletes are not judged); the garbage collector
    /// then deletes, in the background, every object whose owners are all gone.
    fn delete(&mut self, key: &Key);

    /// A status member removed (a status write: not judged).
    fn clear_status(&mut self, key: &Key, member: &str);

    /// A number no other call returned, for names and uids.
    fn fresh_uid(&mut self) -> u64;
}

/// The keys of `kind`, in key order.
pub fn keys_of(objects: &BTreeMap<Key, Value>, kind: Kind) -> Vec<Key> {
    objects.keys().filter(|k| k.kind == kind).cloned().collect()
}

/// The objects users edit: those no controller owns, in key order (users
/// name them, so both worlds name them alike).
pub fn top_level(objects: &BTreeMap<Key, Value>) -> Vec<Key> {
    objects
        .iter()
        .filter(|(_, object)| objects::controller_uid(object).is_none())
        .map(|(key, _)| key.clone())
        .collect()
}

/// The objects of `kind` in an order that does not depend on the names
/// controllers generate (a ReplicaSet's hash, a Pod's random suffix): by
/// namespace, the top-level object that owns them, their replicas (most
/// first), their images and pull policies, what else people change in a
/// template (its annotations, as `kubectl rollout restart` sets them, and the
/// first container's `env`), and only then their names. A Deployment's old
/// and new ReplicaSets that differ only by a restart are thus told apart the
/// same way in the model and on a real cluster.
pub fn in_target_order(objects: &BTreeMap<Key, Value>, kind: Kind) -> Vec<Key> {
    let by_uid: BTreeMap<&str, &Key> = objects
        .iter()
        .map(|(key, object)| (objects::uid(object), key))
        .collect();
    let mut keyed: Vec<(TargetKey, Key)> = objects
        .iter()
        .filter(|(key, _)| key.kind == kind)
        .map(|(key, object)| {
            let root = root_owner(objects, &by_uid, key);
            let spec = object.pointer(kind.pod_spec_pointer());
            let replicas = object.pointer("/spec/replicas").and_then(Value::as_u64);
            let entries = spec.map(objects::entries).unwrap_or_default();
            let annotations = kind
                .template_pointer()
                .map_or_else(
                    || object.get("metadata"),
                    |at| object.pointer(&format!("{at}/metadata")),
                )
                .and_then(|metadata| metadata.get("annotations"));
            let env = spec.and_then(|spec| spec.pointer("/containers/0/env"));
            let order = (
                key.namespace.clone(),
                root.to_string(),
                std::cmp::Reverse(replicas),
                entries,
                (objects::canonical(annotations), objects::canonical(env)),
                key.name.clone(),
            );
            (order, key.clone())
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, key)| key).collect()
}

type TargetKey = (
    String,
    String,
    std::cmp::Reverse<Option<u64>>,
    Vec<(String, String)>,
    (String, String),
    String,
);

/// The top-level object a chain of controller references leads to (the
/// object itself when no controller owns it).
pub fn root_owner(objects: &BTreeMap<Key, Value>, by_uid: &BTreeMap<&str, &Key>, key: &Key) -> Key {
    let mut current = key.clone();
    // A chain is never longer than the kinds are many; the bound only
    // guards against a cycle of forged references.
    for _ in 0..Kind::TOP_LEVEL.len() {
        let owner = objects
            .get(&current)
            .and_then(objects::controller_uid)
            .and_then(|uid| by_uid.get(uid));
        match owner {
            Some(owner) => current = (*owner).clone(),
            None => break,
        }
    }
    current
}

/// The `target`-th of `keys`, wrapping around; none when there are none.
pub fn nth(keys: Vec<Key>, target: usize) -> Option<Key> {
    let count = keys.len();
    (count > 0)
        .then(|| keys.into_iter().nth(target % count))
        .flatten()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    /// Two ReplicaSets of one Deployment that differ only by a restart are
    /// ordered by the restart, whatever names their hashes gave them.
    #[test]
    fn a_restart_orders_replica_sets_that_look_alike() {
        let replica_set = |name: &str, uid: &str, restarted: Option<&str>| {
            let mut template = json!({"spec": {"containers": [{"name": "c", "image": "nginx"}]}});
            if let Some(at) = restarted {
                template["metadata"] =
                    json!({"annotations": {"kubectl.kubernetes.io/restartedAt": at}});
            }
            let owner = json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                "uid": "uid-0", "controller": true}]);
            let object = json!({"metadata": {"name": name, "namespace": "default", "uid": uid,
                                             "ownerReferences": owner},
                                "spec": {"replicas": 0, "template": template}});
            (Key::of(Kind::ReplicaSet, &object), object)
        };
        for (old, new) in [("web-aaaa", "web-zzzz"), ("web-zzzz", "web-aaaa")] {
            let deployment =
                json!({"metadata": {"name": "web", "namespace": "default", "uid": "uid-0"}});
            let objects: BTreeMap<Key, Value> = [
                (Key::of(Kind::Deployment, &deployment), deployment),
                replica_set(old, "uid-1", None),
                replica_set(new, "uid-2", Some("2026-12-02T05:03:00Z")),
            ]
            .into_iter()
            .collect();
            let order = in_target_order(&objects, Kind::ReplicaSet);
            assert_eq!(order[0].name, old, "the one never restarted comes first");
        }
    }
}
