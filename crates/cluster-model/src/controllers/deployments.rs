//! The controllers that own ReplicaSets: Deployments, Argo Rollouts, and the
//! Knative operator that owns a Deployment.

use serde_json::{Value, json};

use super::{POD_TEMPLATE_HASH, ROLLOUTS_POD_TEMPLATE_HASH, replicas};
use crate::api_server::{Actor, Cluster, Operation, Outcome};
use crate::objects::{self, Key, Kind};

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
pub(super) fn knative_services(cluster: &mut Cluster<'_>) {
    for key in cluster.managed(Kind::KnativeService) {
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
pub(super) fn deployments(cluster: &mut Cluster<'_>, kind: Kind) {
    let label = hash_label(kind);
    for key in cluster.managed(kind) {
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
        // make them again from their own templates; it still scales.
        let paused = deployment.pointer("/spec/paused") == Some(&json!(true));
        let current = match current {
            Some(current) => current.clone(),
            None if paused => {
                scale_while_paused(cluster, &key, &deployment, &owned);
                continue;
            }
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

/// `scale` (pkg/controller/deployment/sync.go) of a paused Deployment whose
/// template no ReplicaSet has: `FindActiveOrLatest` scales the one
/// ReplicaSet with Pods, or the newest when none has any, to `replicas`.
/// (Several with Pods are scaled proportionally; a rollout completes at
/// once here, so none is left half way.)
fn scale_while_paused(cluster: &mut Cluster<'_>, key: &Key, deployment: &Value, owned: &[Key]) {
    let with_pods: Vec<&Key> = owned
        .iter()
        .filter(|rs| cluster.get(rs).is_some_and(|rs| replicas(rs) > 0))
        .collect();
    let newest = || {
        owned.iter().max_by_key(|rs| {
            let uid = cluster.get(rs).map(objects::uid).unwrap_or_default();
            uid.trim_start_matches("uid-").parse::<u64>().unwrap_or(0)
        })
    };
    let target = match with_pods.as_slice() {
        [one] => Some(*one),
        [] => newest(),
        _ => None,
    };
    if let Some(target) = target.cloned() {
        scale(cluster, key, &target, replicas(deployment));
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
