//! The workload controllers of the model, each a simplification of the
//! Kubernetes controller named in its comment: rollouts complete at once,
//! every Pod is ready, there is no backoff. What matters here is which
//! objects they write, from which template, in which order.

use serde_json::{Map, Value, json};

use crate::api_server::{Actor, Cluster, Operation, Outcome};
use crate::objects::{self, Key, Kind};

mod deployments;
mod jobs;
mod sets;

use deployments::{deployments, knative_services};
pub use jobs::cron_tick;
use jobs::jobs;
use sets::{daemon_sets, replica_sets, stateful_sets};

/// The nodes a DaemonSet runs a Pod on.
pub const NODES: [&str; 2] = ["node-a", "node-b"];
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

fn replicas(object: &Value) -> u64 {
    object
        .pointer("/spec/replicas")
        .and_then(Value::as_u64)
        .unwrap_or(1)
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
