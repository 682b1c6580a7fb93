//! The controllers that own Pods directly: ReplicaSets and
//! ReplicationControllers, StatefulSets and DaemonSets.

use serde_json::{Value, json};

use super::{NODES, REVISION_HASH, create_pod, pod_from_template, replicas};
use crate::api_server::Cluster;
use crate::objects::{self, Key, Kind};

/// `manageReplicas` (pkg/controller/replicaset/replica_set.go, which the
/// ReplicationController's manager embeds): Pods created until there are
/// `replicas`, stopping at the first refusal (`slowStartBatch`); extra Pods
/// deleted.
pub(super) fn replica_sets(cluster: &mut Cluster<'_>, kind: Kind) {
    for key in cluster.managed(kind) {
        let Some(rs) = cluster.get(&key).cloned() else {
            continue;
        };
        let pods = cluster.owned_by(Kind::Pod, &rs);
        let want = usize::try_from(replicas(&rs)).unwrap_or(usize::MAX);
        for extra in pods.iter().skip(want) {
            cluster.delete(extra);
        }
        let template = rs.pointer("/spec/template").cloned().unwrap_or(Value::Null);
        for _ in pods.len()..want {
            let pod = pod_from_template(cluster, kind, &rs, &template, None);
            if !create_pod(cluster, &key, pod) {
                break;
            }
        }
    }
}

/// The template with the revision label a StatefulSet or DaemonSet puts on
/// its Pods, and that revision.
fn revisioned(object: &Value) -> (Value, String) {
    let mut template = object
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    let revision = objects::short_hash(&objects::canonical(Some(&template)));
    template["metadata"]["labels"][REVISION_HASH] = json!(revision);
    (template, revision)
}

fn outdated(cluster: &Cluster<'_>, pod: &Key, revision: &str) -> bool {
    cluster
        .get(pod)
        .and_then(|p| p.pointer(&format!("/metadata/labels/{REVISION_HASH}")))
        .and_then(Value::as_str)
        != Some(revision)
}

/// Deletes a StatefulSet's Pods whose ordinals are `want` or more.
fn delete_past(cluster: &mut Cluster<'_>, set: &Value, want: u64) {
    for pod in cluster.owned_by(Kind::Pod, set) {
        let ordinal = pod
            .name
            .rsplit('-')
            .next()
            .and_then(|i| i.parse::<u64>().ok());
        if ordinal.is_none_or(|i| i >= want) {
            cluster.delete(&pod);
        }
    }
}

/// Makes the named Pod `pod` of the set `key` from `template`; whether it was
/// admitted.
fn make_pod(
    cluster: &mut Cluster<'_>,
    (key, set): (&Key, &Value),
    template: &Value,
    pod: &Key,
) -> bool {
    let name = Some(pod.name.clone());
    let made = pod_from_template(cluster, key.kind, set, template, name);
    create_pod(cluster, key, made)
}

/// A StatefulSet's Pod of `ordinal`.
fn ordinal_pod(set: &Key, ordinal: u64) -> Key {
    Key {
        kind: Kind::Pod,
        namespace: set.namespace.clone(),
        name: format!("{}-{ordinal}", set.name),
    }
}

/// A StatefulSet's update revision (its template) and current revision.
struct Revisions {
    update: Value,
    update_revision: String,
    current: Value,
    current_revision: String,
}

/// The revisions of `set`, the update one kept (a ControllerRevision).
fn revisions(cluster: &mut Cluster<'_>, key: &Key, set: &Value) -> Revisions {
    let (update, update_revision) = revisioned(set);
    let kept = cluster.revisions.entry(key.clone()).or_default();
    kept.insert(update_revision.clone(), update.clone());
    let current_revision = set
        .pointer("/status/currentRevision")
        .and_then(Value::as_str)
        .unwrap_or(&update_revision)
        .to_owned();
    let current = kept
        .get(&current_revision)
        .cloned()
        .unwrap_or(update.clone());
    Revisions {
        update,
        update_revision,
        current,
        current_revision,
    }
}

/// `updateStatefulSet` (pkg/controller/statefulset/stateful_set_control.go),
/// `newVersionedStatefulSetPod` (stateful_set_utils.go), in its order: first
/// the missing Pods `<name>-<i>` of ordinals below `replicas` are made, in
/// order, each from the revision its ordinal takes (below a `RollingUpdate`
/// partition the current revision, else the update revision: the template);
/// a refused create ends the sync there, so nothing is deleted. Then the
/// Pods of ordinals past `replicas` are deleted. Then, for `RollingUpdate`
/// only, from the highest ordinal down to the partition, a Pod of another
/// revision is deleted and made again (the next sync's create), until one is
/// refused; `OnDelete` waits for someone else to delete it. The current
/// revision becomes the update one when every Pod runs it
/// (`status.currentRevision`; each revision's template is kept, as a
/// ControllerRevision).
pub(super) fn stateful_sets(cluster: &mut Cluster<'_>) {
    for key in cluster.managed(Kind::StatefulSet) {
        let Some(set) = cluster.get(&key).cloned() else {
            continue;
        };
        let want = replicas(&set);
        let Revisions {
            update,
            update_revision,
            current,
            current_revision,
        } = revisions(cluster, &key, &set);
        let on_delete = set.pointer("/spec/updateStrategy/type") == Some(&json!("OnDelete"));
        let partition = set
            .pointer("/spec/updateStrategy/rollingUpdate/partition")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let all_made = (0..want).all(|ordinal| {
            let pod = ordinal_pod(&key, ordinal);
            let below_partition = !on_delete && ordinal < partition;
            let template = if below_partition { &current } else { &update };
            cluster.get(&pod).is_some() || make_pod(cluster, (&key, &set), template, &pod)
        });
        if all_made {
            delete_past(cluster, &set, want);
            if !on_delete {
                for ordinal in (partition..want).rev() {
                    let pod = ordinal_pod(&key, ordinal);
                    if cluster.get(&pod).is_some() && outdated(cluster, &pod, &update_revision) {
                        cluster.delete(&pod);
                        if !make_pod(cluster, (&key, &set), &update, &pod) {
                            break;
                        }
                    }
                }
            }
        }
        let updated = (0..want).all(|ordinal| {
            let pod = ordinal_pod(&key, ordinal);
            cluster.get(&pod).is_some() && !outdated(cluster, &pod, &update_revision)
        });
        let revision = if updated {
            update_revision
        } else {
            current_revision
        };
        cluster.set_status(&key, "currentRevision", json!(revision));
    }
}

/// `syncNodes` (pkg/controller/daemon/daemon_controller.go) and
/// `rollingUpdate` (update.go, `maxSurge: 0`): one Pod per node; a Pod whose
/// revision hash is outdated is deleted and made again; creation stops at
/// the first refusal.
pub(super) fn daemon_sets(cluster: &mut Cluster<'_>) {
    for key in cluster.managed(Kind::DaemonSet) {
        let Some(set) = cluster.get(&key).cloned() else {
            continue;
        };
        let (template, revision) = revisioned(&set);
        for node in NODES {
            let pod = Key {
                kind: Kind::Pod,
                namespace: key.namespace.clone(),
                name: format!("{}-{node}", key.name),
            };
            if cluster.get(&pod).is_some() && outdated(cluster, &pod, &revision) {
                cluster.delete(&pod);
            }
            if cluster.get(&pod).is_none() && !make_pod(cluster, (&key, &set), &template, &pod) {
                break;
            }
        }
    }
}
