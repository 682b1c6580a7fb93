//! The workload controllers of the model, each a simplification of the
//! Kubernetes controller named in its comment: rollouts complete at once,
//! every Pod is ready, there is no backoff. What matters here is which
//! objects they write, from which template, in which order.

use serde_json::{Map, Value, json};

use crate::api_server::{Actor, Cluster, Operation, Outcome};
use crate::objects::{self, Key, Kind};

/// The nodes a DaemonSet runs a Pod on.
const NODES: [&str; 2] = ["node-a", "node-b"];
/// Controllers run until the store stands still, at most this many rounds.
const MAX_ROUNDS: usize = 8;
/// The label `pkg/controller/deployment` adds to a ReplicaSet's template.
const POD_TEMPLATE_HASH: &str = "pod-template-hash";
/// The label Argo Rollouts adds instead (`rollouts-pod-template-hash`).
const ROLLOUTS_POD_TEMPLATE_HASH: &str = "rollouts-pod-template-hash";
/// The label StatefulSets and DaemonSets put on their Pods.
const REVISION_HASH: &str = "controller-revision-hash";

/// Runs every controller until none has anything left to write; whether
/// they stood still within `MAX_ROUNDS` is `cluster.settled`.
pub fn reconcile(cluster: &mut Cluster<'_>) {
    cluster.settled = false;
    for _ in 0..MAX_ROUNDS {
        let before = cluster.revision;
        knative_services(cluster);
        deployments(cluster, Kind::Deployment);
        deployments(cluster, Kind::Rollout);
        replica_sets(cluster, Kind::ReplicaSet);
        replica_sets(cluster, Kind::ReplicationController);
        stateful_sets(cluster);
        daemon_sets(cluster);
        jobs(cluster);
        if cluster.revision == before {
            cluster.settled = true;
            return;
        }
    }
}

/// The Deployment `key` a Knative Service's operator makes: the Service's
/// template, one replica, its controller reference.
fn knative_deployment(service: &Value, key: &Key, uid: u64) -> Value {
    let mut metadata = objects::metadata(&key.name, &key.namespace, uid);
    metadata.insert(
        "ownerReferences".into(),
        json!([objects::controller_ref(Kind::KnativeService, service)]),
    );
    let template = service
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "replicas": 1,
            "selector": template.pointer("/metadata/labels").map(|l| json!({"matchLabels": l})),
            "template": template,
        },
    })
}

/// Knative Serving's revision reconciler (`checkAndUpdateDeployment`,
/// pkg/reconciler/revision/reconcile_resources.go; the Service → Configuration
/// → Revision chain folded into one owner): the Deployment made when
/// missing, and written back with the operator's own spec whenever the
/// stored one differs from it (`equality.Semantic.DeepEqual`, here after the
/// API server's defaulting). An admission patch of that Deployment would be
/// undone on every reconcile.
fn knative_services(cluster: &mut Cluster<'_>) {
    for key in cluster.keys_of(Kind::KnativeService) {
        let Some(service) = cluster.get(&key).cloned() else {
            continue;
        };
        let actor = Actor::Controller(key.clone());
        let target = Key {
            kind: Kind::Deployment,
            namespace: key.namespace.clone(),
            name: format!("{}-deployment", key.name),
        };
        match cluster.get(&target).cloned() {
            None => {
                let uid = cluster.fresh_uid();
                let want = knative_deployment(&service, &target, uid);
                cluster.write(actor, Operation::Create, Kind::Deployment, want, None);
            }
            Some(mut have) => {
                let mut want = service
                    .pointer("/spec/template")
                    .cloned()
                    .unwrap_or(Value::Null);
                if let Some(spec) = want.get_mut("spec") {
                    objects::default_pod_spec(spec);
                }
                if have["spec"]["template"] != want {
                    have["spec"]["template"] = want;
                    cluster.write(actor, Operation::Update, Kind::Deployment, have, None);
                }
            }
        }
    }
}

fn replicas(object: &Value) -> u64 {
    object
        .pointer("/spec/replicas")
        .and_then(Value::as_u64)
        .unwrap_or(1)
}

/// The label an owner of ReplicaSets hashes their templates into.
fn hash_label(owner: Kind) -> &'static str {
    match owner {
        Kind::Rollout => ROLLOUTS_POD_TEMPLATE_HASH,
        _ => POD_TEMPLATE_HASH,
    }
}

/// `FindNewReplicaSet` / `EqualIgnoreHash`
/// (pkg/controller/deployment/util/deployment_util.go): templates compared
/// without the hash label.
fn equal_ignore_hash(a: Option<&Value>, b: Option<&Value>, label: &str) -> bool {
    let strip = |t: Option<&Value>| {
        let mut t = t.cloned().unwrap_or(Value::Null);
        if let Some(labels) = t
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove(label);
        }
        t
    };
    strip(a) == strip(b)
}

/// `syncDeployment` → `getNewReplicaSet` (pkg/controller/deployment/sync.go):
/// a new ReplicaSet when none of the Deployment's has its template, named
/// for the template's hash, with `pod-template-hash` in its template; then
/// the new one scaled up and the old ones down (`scale`, rolling.go). A
/// Rollout's controller does the same (argo-rollouts `getAllReplicaSetsAndSyncRevision`,
/// rollout/sync.go, and its canary's final step), with
/// `rollouts-pod-template-hash`; the policy sees its ReplicaSets and Pods,
/// never the Rollout.
fn deployments(cluster: &mut Cluster<'_>, kind: Kind) {
    let label = hash_label(kind);
    for key in cluster.keys_of(kind) {
        let Some(deployment) = cluster.get(&key).cloned() else {
            continue;
        };
        let template = deployment.pointer("/spec/template");
        let owned = cluster.owned_by(Kind::ReplicaSet, &deployment);
        let current = owned.iter().find(|rs| {
            let rs_template = cluster.get(rs).and_then(|rs| rs.pointer("/spec/template"));
            equal_ignore_hash(rs_template, template, label)
        });
        // A paused rollout makes no new ReplicaSet (`getAllReplicaSetsAndSyncRevision`
        // with `createIfNotExisted` false): the old ones keep their Pods, and
        // make them again from their own templates.
        let paused = deployment.pointer("/spec/paused") == Some(&json!(true));
        let current = match current {
            Some(current) => current.clone(),
            None if paused => continue,
            None => match new_replica_set(cluster, &key, &deployment) {
                Some(created) => created,
                None => continue,
            },
        };
        let mut all = owned.clone();
        all.push(current.clone());
        for rs in all {
            let want = if rs == current {
                replicas(&deployment)
            } else {
                0
            };
            scale(cluster, &key, &rs, want);
        }
    }
}

fn new_replica_set(cluster: &mut Cluster<'_>, owner: &Key, deployment: &Value) -> Option<Key> {
    let mut template = deployment
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    let text = objects::canonical(Some(&template));
    let (name, hash) = free_replica_set_name(cluster, owner, &text)?;
    template["metadata"]["labels"][hash_label(owner.kind)] = json!(hash);
    let uid = cluster.fresh_uid();
    let replica_set = replica_set_object(&name, owner, deployment, template, uid);
    let actor = Actor::Controller(owner.clone());
    match cluster.write(
        actor,
        Operation::Create,
        Kind::ReplicaSet,
        replica_set,
        None,
    ) {
        Outcome::Admitted => Some(Key {
            kind: Kind::ReplicaSet,
            namespace: owner.namespace.clone(),
            name,
        }),
        _ => None,
    }
}

/// The first name (and its hash) of the template's text not yet taken:
/// `status.collisionCount`, another hash when the name is taken.
fn free_replica_set_name(
    cluster: &Cluster<'_>,
    owner: &Key,
    text: &str,
) -> Option<(String, String)> {
    (0..10)
        .map(|collisions| {
            let hash = objects::short_hash(&format!("{text}{collisions}"));
            (format!("{}-{hash}", owner.name), hash)
        })
        .find(|(name, _)| {
            let key = Key {
                kind: Kind::ReplicaSet,
                namespace: owner.namespace.clone(),
                name: name.clone(),
            };
            cluster.get(&key).is_none()
        })
}

/// A Deployment's (or Rollout's) ReplicaSet at zero replicas, selecting the labels of its
/// (hashed) template.
fn replica_set_object(
    name: &str,
    owner: &Key,
    deployment: &Value,
    template: Value,
    uid: u64,
) -> Value {
    let labels = template["metadata"]["labels"].clone();
    let mut metadata = objects::metadata(name, &owner.namespace, uid);
    metadata.insert("labels".into(), labels.clone());
    metadata.insert(
        "ownerReferences".into(),
        json!([objects::controller_ref(owner.kind, deployment)]),
    );
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": metadata,
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": labels},
            "template": template,
        },
    })
}

/// `scaleReplicaSet` (pkg/controller/deployment/sync.go): an UPDATE of
/// `spec.replicas` alone.
fn scale(cluster: &mut Cluster<'_>, owner: &Key, key: &Key, want: u64) {
    let Some(mut rs) = cluster.get(key).cloned() else {
        return;
    };
    if replicas(&rs) == want {
        return;
    }
    rs["spec"]["replicas"] = json!(want);
    let actor = Actor::Controller(owner.clone());
    cluster.write(actor, Operation::Update, key.kind, rs, None);
}

/// `GetPodFromTemplate` (pkg/controller/controller_utils.go): the template's
/// labels, annotations and spec, a generated name, the controller reference.
fn pod_from_template(
    cluster: &mut Cluster<'_>,
    owner_kind: Kind,
    owner: &Value,
    template: &Value,
    name: Option<String>,
) -> Value {
    let owner_name = owner
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let namespace = owner
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let uid = cluster.fresh_uid();
    let name = name.unwrap_or_else(|| format!("{owner_name}-{uid:05}"));
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(name));
    metadata.insert("generateName".into(), json!(format!("{owner_name}-")));
    metadata.insert("namespace".into(), json!(namespace));
    metadata.insert("uid".into(), json!(format!("uid-{uid}")));
    for member in ["labels", "annotations", "finalizers"] {
        if let Some(value) = template.pointer(&format!("/metadata/{member}")) {
            metadata.insert(member.into(), value.clone());
        }
    }
    metadata.insert(
        "ownerReferences".into(),
        json!([objects::controller_ref(owner_kind, owner)]),
    );
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": template.get("spec").cloned().unwrap_or(Value::Null),
    })
}

/// Creates a Pod on behalf of `owner`; whether it was admitted.
fn create_pod(cluster: &mut Cluster<'_>, owner: &Key, pod: Value) -> bool {
    let actor = Actor::Controller(owner.clone());
    cluster.write(actor, Operation::Create, Kind::Pod, pod, None) == Outcome::Admitted
}

/// `manageReplicas` (pkg/controller/replicaset/replica_set.go, which the
/// ReplicationController's manager embeds): Pods created until there are
/// `replicas`, stopping at the first refusal (`slowStartBatch`); extra Pods
/// deleted.
fn replica_sets(cluster: &mut Cluster<'_>, kind: Kind) {
    for key in cluster.keys_of(kind) {
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
/// `newVersionedStatefulSetPod` (stateful_set_utils.go): Pods `<name>-<i>`
/// made in order, each from the revision its ordinal takes: below a
/// `RollingUpdate` partition the current revision, else the update revision
/// (the template). Only `RollingUpdate` deletes a Pod of another revision
/// (to make it again), at or above the partition; `OnDelete` waits for
/// someone else to delete it. The current revision becomes the update one
/// when every Pod runs it (`status.currentRevision`; each revision's template
/// is kept, as a ControllerRevision). Ordinals past `replicas` are deleted.
fn stateful_sets(cluster: &mut Cluster<'_>) {
    for key in cluster.keys_of(Kind::StatefulSet) {
        let Some(set) = cluster.get(&key).cloned() else {
            continue;
        };
        let want = replicas(&set);
        delete_past(cluster, &set, want);
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
        for ordinal in 0..want {
            let pod = ordinal_pod(&key, ordinal);
            let below_partition = !on_delete && ordinal < partition;
            let replace = !on_delete && !below_partition;
            if replace && cluster.get(&pod).is_some() && outdated(cluster, &pod, &update_revision) {
                cluster.delete(&pod);
            }
            if cluster.get(&pod).is_none() {
                let template = if below_partition { &current } else { &update };
                let name = Some(pod.name.clone());
                let made = pod_from_template(cluster, Kind::StatefulSet, &set, template, name);
                if !create_pod(cluster, &key, made) {
                    break;
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
fn daemon_sets(cluster: &mut Cluster<'_>) {
    for key in cluster.keys_of(Kind::DaemonSet) {
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
            if cluster.get(&pod).is_none() {
                let name = Some(pod.name.clone());
                let made = pod_from_template(cluster, Kind::DaemonSet, &set, &template, name);
                if !create_pod(cluster, &key, made) {
                    break;
                }
            }
        }
    }
}

/// `manageJob` (pkg/controller/job/job_controller.go): a suspended Job has
/// no Pods; a running one `parallelism` of them, and a start time.
fn jobs(cluster: &mut Cluster<'_>) {
    for key in cluster.keys_of(Kind::Job) {
        let Some(job) = cluster.get(&key).cloned() else {
            continue;
        };
        let pods = cluster.owned_by(Kind::Pod, &job);
        if job.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
            pods.iter().for_each(|pod| cluster.delete(pod));
            continue;
        }
        cluster.set_status(&key, "startTime", json!("2026-12-02T00:00:00Z"));
        let want = job
            .pointer("/spec/parallelism")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        let want = usize::try_from(want).unwrap_or(usize::MAX);
        let template = job
            .pointer("/spec/template")
            .cloned()
            .unwrap_or(Value::Null);
        for _ in pods.len()..want {
            let pod = pod_from_template(cluster, Kind::Job, &job, &template, None);
            if !create_pod(cluster, &key, pod) {
                break;
            }
        }
    }
}

/// `getJobFromTemplate2` (pkg/controller/cronjob/utils.go): a Job from
/// `spec.jobTemplate`, at each schedule (here: each tick) of a CronJob that
/// is not suspended.
pub fn cron_tick(cluster: &mut Cluster<'_>, tick: u64) {
    for key in cluster.keys_of(Kind::CronJob) {
        let Some(cron) = cluster.get(&key).cloned() else {
            continue;
        };
        if cron.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
            continue;
        }
        let uid = cluster.fresh_uid();
        let name = format!("{}-{tick}", key.name);
        let mut metadata = objects::metadata(&name, &key.namespace, uid);
        for member in ["labels", "annotations"] {
            if let Some(value) = cron.pointer(&format!("/spec/jobTemplate/metadata/{member}")) {
                metadata.insert(member.into(), value.clone());
            }
        }
        metadata.insert(
            "ownerReferences".into(),
            json!([objects::controller_ref(Kind::CronJob, &cron)]),
        );
        let job = json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": metadata,
            "spec": cron.pointer("/spec/jobTemplate/spec").cloned().unwrap_or(Value::Null),
        });
        cluster.write(
            Actor::Controller(key),
            Operation::Create,
            Kind::Job,
            job,
            None,
        );
    }
}
