//! What users (and a queue controller) do, generated with proptest: create
//! and edit each kind, delete Pods, debug them, suspend Jobs, let CronJobs
//! fire. An edit targets an object by index among those that exist, so a
//! shrunk sequence still means something.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::api_server::{Actor, Cluster, Operation};
use crate::objects::{self, EntrySpec, IMAGES, Key, Kind, NAMESPACES, POLICIES, Slot};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A user creates an object of `kind` in `NAMESPACES[namespace]`.
    Create {
        kind: Kind,
        namespace: usize,
        entries: Vec<EntrySpec>,
        suspend: bool,
    },
    /// `kubectl set env`: a template container's environment.
    SetEnv {
        target: usize,
        value: u8,
    },
    /// `kubectl set image`.
    SetImage {
        target: usize,
        entry: usize,
        image: &'static str,
    },
    /// A pull policy set, or removed (`None`): the API server defaults it.
    SetPullPolicy {
        target: usize,
        entry: usize,
        policy: Option<&'static str>,
    },
    AddEntry {
        target: usize,
        entry: EntrySpec,
    },
    RemoveEntry {
        target: usize,
        entry: usize,
    },
    /// `kubectl rollout restart`: a template annotation.
    RolloutRestart {
        target: usize,
        at: u8,
    },
    Scale {
        target: usize,
        replicas: u8,
    },
    /// A StatefulSet's `updateStrategy`: 0 `RollingUpdate`, 1 and 2 a
    /// `partition` of that many ordinals kept at the current revision, 3
    /// `OnDelete`.
    UpdateStrategy {
        target: usize,
        strategy: u8,
    },
    /// `kubectl rollout pause` (or `resume`) of a Deployment or Rollout.
    Pause {
        target: usize,
        paused: bool,
    },
    /// A label of the object itself.
    Relabel {
        target: usize,
        value: u8,
    },
    AddFinalizer {
        target: usize,
    },
    /// `spec.suspend` of a Job or CronJob.
    Suspend {
        target: usize,
        suspend: bool,
    },
    /// A queue controller (Kueue) sets a suspended Job's scheduling
    /// directives, then resumes it.
    QueueAdmit {
        target: usize,
    },
    /// `kubectl debug`: an ephemeral container added to a Pod.
    Debug {
        target: usize,
        image: &'static str,
        policy: Option<&'static str>,
    },
    /// A Pod deleted; its controller, if any, makes another.
    DeletePod {
        target: usize,
    },
    /// `kubectl delete rs` (or a restore that lacks it): the garbage collector
    /// deletes its Pods, and its Deployment, if any, makes it again
    /// (`getNewReplicaSet`).
    DeleteReplicaSet {
        target: usize,
    },
    /// Time passes: every CronJob makes a Job.
    CronTick,
}

fn slot() -> impl Strategy<Value = Slot> {
    prop::sample::select(vec![
        Slot::Container,
        Slot::Container,
        Slot::Init,
        Slot::Sidecar,
        Slot::ImageVolume,
    ])
}

fn entry_spec() -> impl Strategy<Value = EntrySpec> {
    (
        slot(),
        prop::sample::select(IMAGES.to_vec()),
        prop::sample::select(POLICIES.to_vec()),
    )
        .prop_map(|(slot, image, policy)| EntrySpec {
            slot,
            image,
            policy,
        })
}

fn container_spec() -> impl Strategy<Value = EntrySpec> {
    (
        prop::sample::select(IMAGES.to_vec()),
        prop::sample::select(POLICIES.to_vec()),
    )
        .prop_map(|(image, policy)| EntrySpec {
            slot: Slot::Container,
            image,
            policy,
        })
}

/// A create: the first entry is always a container.
pub fn create() -> impl Strategy<Value = Action> {
    (
        prop::sample::select(Kind::TOP_LEVEL.to_vec()),
        0..NAMESPACES.len(),
        container_spec(),
        prop::collection::vec(entry_spec(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(kind, namespace, first, rest, suspend)| Action::Create {
            kind,
            namespace,
            entries: std::iter::once(first).chain(rest).collect(),
            suspend,
        })
}

pub fn action() -> impl Strategy<Value = Action> {
    let target = 0..16usize;
    let image = || prop::sample::select(IMAGES.to_vec());
    let policy = || prop::sample::select(POLICIES.to_vec());
    prop_oneof![
        3 => create(),
        2 => (target.clone(), any::<u8>()).prop_map(|(target, value)| Action::SetEnv { target, value }),
        2 => (target.clone(), 0..4usize, image()).prop_map(|(target, entry, image)| Action::SetImage { target, entry, image }),
        2 => (target.clone(), 0..4usize, policy()).prop_map(|(target, entry, policy)| Action::SetPullPolicy { target, entry, policy }),
        1 => (target.clone(), entry_spec()).prop_map(|(target, entry)| Action::AddEntry { target, entry }),
        1 => (target.clone(), 0..4usize).prop_map(|(target, entry)| Action::RemoveEntry { target, entry }),
        2 => (target.clone(), any::<u8>()).prop_map(|(target, at)| Action::RolloutRestart { target, at }),
        2 => (target.clone(), 0..4u8).prop_map(|(target, replicas)| Action::Scale { target, replicas }),
        1 => (target.clone(), 0..4u8).prop_map(|(target, strategy)| Action::UpdateStrategy { target, strategy }),
        1 => (target.clone(), any::<bool>()).prop_map(|(target, paused)| Action::Pause { target, paused }),
        1 => (target.clone(), any::<u8>()).prop_map(|(target, value)| Action::Relabel { target, value }),
        1 => target.clone().prop_map(|target| Action::AddFinalizer { target }),
        1 => (target.clone(), any::<bool>()).prop_map(|(target, suspend)| Action::Suspend { target, suspend }),
        1 => target.clone().prop_map(|target| Action::QueueAdmit { target }),
        1 => (target.clone(), image(), policy()).prop_map(|(target, image, policy)| Action::Debug { target, image, policy }),
        2 => target.clone().prop_map(|target| Action::DeletePod { target }),
        1 => target.clone().prop_map(|target| Action::DeleteReplicaSet { target }),
        1 => Just(Action::CronTick),
    ]
}

/// The objects users edit: those no controller owns.
fn top_level(cluster: &Cluster<'_>) -> Vec<Key> {
    cluster
        .objects
        .iter()
        .filter(|(_, object)| objects::controller_uid(object).is_none())
        .map(|(key, _)| key.clone())
        .collect()
}

fn nth(keys: Vec<Key>, target: usize) -> Option<Key> {
    let count = keys.len();
    (count > 0)
        .then(|| keys.into_iter().nth(target % count))
        .flatten()
}

/// Does `action`; returns how many CronJob ticks have passed.
pub fn apply(cluster: &mut Cluster<'_>, action: &Action, step: usize) {
    match action {
        Action::Create {
            kind,
            namespace,
            entries,
            suspend,
        } => {
            let object = new_object(cluster, *kind, *namespace, entries, *suspend, step);
            cluster.write(Actor::User, Operation::Create, *kind, object, None);
        }
        Action::DeletePod { target } => {
            if let Some(pod) = nth(cluster.keys_of(Kind::Pod), *target) {
                cluster.delete(&pod);
            }
        }
        Action::DeleteReplicaSet { target } => {
            if let Some(replica_set) = nth(cluster.keys_of(Kind::ReplicaSet), *target) {
                cluster.delete_with_dependents(&replica_set);
            }
        }
        Action::Debug {
            target,
            image,
            policy,
        } => debug(cluster, *target, image, *policy),
        Action::CronTick => crate::controllers::cron_tick(cluster, step as u64),
        Action::QueueAdmit { target } => queue_admit(cluster, *target),
        edit => {
            let Some(key) = nth(top_level(cluster), edit_target(edit)) else {
                return;
            };
            let Some(mut object) = cluster.get(&key).cloned() else {
                return;
            };
            if edit_object(&mut object, key.kind, edit, step) {
                cluster.write(Actor::User, Operation::Update, key.kind, object, None);
            }
        }
    }
}

fn edit_target(action: &Action) -> usize {
    match action {
        Action::SetEnv { target, .. }
        | Action::SetImage { target, .. }
        | Action::SetPullPolicy { target, .. }
        | Action::AddEntry { target, .. }
        | Action::RemoveEntry { target, .. }
        | Action::RolloutRestart { target, .. }
        | Action::Scale { target, .. }
        | Action::UpdateStrategy { target, .. }
        | Action::Pause { target, .. }
        | Action::Relabel { target, .. }
        | Action::AddFinalizer { target }
        | Action::Suspend { target, .. }
        | Action::QueueAdmit { target }
        | Action::Debug { target, .. }
        | Action::DeletePod { target }
        | Action::DeleteReplicaSet { target } => *target,
        Action::Create { .. } | Action::CronTick => 0,
    }
}

/// The entries of a pod spec in order, as (list, index) pointers.
fn entry_pointers(spec: &Value) -> Vec<String> {
    let mut pointers = Vec::new();
    for list in ["initContainers", "containers"] {
        let count = spec.get(list).and_then(Value::as_array).map_or(0, Vec::len);
        pointers.extend((0..count).map(|i| format!("/{list}/{i}")));
    }
    let volumes = spec.get("volumes").and_then(Value::as_array);
    for (i, volume) in volumes.into_iter().flatten().enumerate() {
        if volume.get("image").is_some() {
            pointers.push(format!("/volumes/{i}/image"));
        }
    }
    pointers
}

/// Applies a user's edit to `object`; whether there is anything to write.
fn edit_object(object: &mut Value, kind: Kind, edit: &Action, step: usize) -> bool {
    let Some(spec) = object.pointer_mut(kind.pod_spec_pointer()) else {
        return false;
    };
    match edit {
        Action::SetEnv { .. }
        | Action::SetImage { .. }
        | Action::SetPullPolicy { .. }
        | Action::AddEntry { .. }
        | Action::RemoveEntry { .. } => edit_pod_spec(spec, edit, step),
        _ => edit_workload(object, kind, edit),
    }
}

/// Applies an edit of the pod spec's entries; whether there is anything to write.
fn edit_pod_spec(spec: &mut Value, edit: &Action, step: usize) -> bool {
    let pointers = entry_pointers(spec);
    let pick = |i: usize| pointers.get(i % pointers.len().max(1)).cloned();
    match edit {
        Action::SetEnv { value, .. } => {
            spec["containers"][0]["env"] = json!([{"name": "V", "value": value.to_string()}]);
        }
        Action::SetImage { entry, image, .. } => {
            let Some(at) = pick(*entry) else { return false };
            set_image(spec, &at, image);
        }
        Action::SetPullPolicy { entry, policy, .. } => {
            let Some(at) = pick(*entry) else { return false };
            set_pull_policy(spec, &at, *policy);
        }
        Action::AddEntry { entry, .. } => objects::add_entry(spec, entry, &format!("s{step}")),
        Action::RemoveEntry { entry, .. } => {
            let Some(at) = pick(*entry) else { return false };
            return remove_entry(spec, &at);
        }
        _ => return false,
    }
    true
}

/// The image of the entry at `at`: a volume's `reference`, a container's `image`.
fn set_image(spec: &mut Value, at: &str, image: &str) {
    let member = if at.contains("/volumes/") {
        "reference"
    } else {
        "image"
    };
    if let Some(item) = spec.pointer_mut(at) {
        item[member] = json!(image);
    }
}

/// The pull policy of the entry at `at`, set or (`None`) removed.
fn set_pull_policy(spec: &mut Value, at: &str, policy: Option<&str>) {
    let member = if at.contains("/volumes/") {
        "pullPolicy"
    } else {
        "imagePullPolicy"
    };
    if let Some(item) = spec.pointer_mut(at).and_then(Value::as_object_mut) {
        match policy {
            Some(policy) => item.insert(member.into(), json!(policy)),
            None => item.remove(member),
        };
    }
}

/// Removes the entry at `at`, never the last container; whether it did.
fn remove_entry(spec: &mut Value, at: &str) -> bool {
    let at = at.trim_end_matches("/image");
    let (list, index) = at.rsplit_once('/').unwrap_or(("", ""));
    let index: usize = index.parse().unwrap_or(0);
    let removable =
        list != "/containers" || spec["containers"].as_array().is_some_and(|c| c.len() > 1);
    match spec.pointer_mut(list).and_then(Value::as_array_mut) {
        Some(items) if removable && index < items.len() => {
            items.remove(index);
            true
        }
        _ => false,
    }
}

/// Applies an edit of the object or its template's metadata; whether there
/// is anything to write.
fn edit_workload(object: &mut Value, kind: Kind, edit: &Action) -> bool {
    let template = kind.template_pointer().unwrap_or("");
    match edit {
        Action::RolloutRestart { at, .. } => {
            let Some(template) = object.pointer_mut(template).filter(|_| kind != Kind::Pod) else {
                return false;
            };
            template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
                json!(format!("2026-12-02T05:{:02}:00Z", at % 60));
        }
        Action::Scale { replicas, .. } => match kind {
            Kind::Deployment
            | Kind::ReplicaSet
            | Kind::StatefulSet
            | Kind::ReplicationController
            | Kind::Rollout => object["spec"]["replicas"] = json!(replicas),
            Kind::Job => object["spec"]["parallelism"] = json!(replicas),
            _ => return false,
        },
        Action::UpdateStrategy { strategy, .. } if kind == Kind::StatefulSet => {
            object["spec"]["updateStrategy"] = match strategy {
                0 => json!({"type": "RollingUpdate"}),
                3 => json!({"type": "OnDelete"}),
                partition => {
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": partition}})
                }
            };
        }
        Action::Pause { paused, .. } if matches!(kind, Kind::Deployment | Kind::Rollout) => {
            object["spec"]["paused"] = json!(paused);
        }
        Action::Relabel { value, .. } => {
            object["metadata"]["labels"]["tier"] = json!(format!("t{value}"));
        }
        Action::AddFinalizer { .. } => {
            object["metadata"]["finalizers"] = json!(["example.com/protect"]);
        }
        Action::Suspend { suspend, .. } => match kind {
            Kind::Job | Kind::CronJob => object["spec"]["suspend"] = json!(suspend),
            _ => return false,
        },
        _ => return false,
    }
    true
}

/// Kueue's `podset` label and node selector on a suspended Job, then `suspend: false`.
fn queue_admit(cluster: &mut Cluster<'_>, target: usize) {
    let suspended: Vec<Key> = cluster
        .keys_of(Kind::Job)
        .into_iter()
        .filter(|k| cluster.get(k).is_some_and(|j| j["spec"]["suspend"] == true))
        .collect();
    let Some(key) = nth(suspended, target) else {
        return;
    };
    let Some(mut job) = cluster.get(&key).cloned() else {
        return;
    };
    let queue = Actor::Controller(key.clone());
    // A preempted Job that had started: Kueue's `JobReconciler.stopJob`
    // suspends it and clears `status.startTime` (a status write) before it
    // changes the scheduling directives, which the API server allows only
    // for a suspended Job that has not started.
    if job.pointer("/status/startTime").is_some() {
        cluster.clear_status(&key, "startTime");
        job["status"]
            .as_object_mut()
            .map(|status| status.remove("startTime"));
    }
    job["spec"]["template"]["metadata"]["labels"]["kueue.x-k8s.io/podset"] = json!("main");
    job["spec"]["template"]["spec"]["nodeSelector"] = json!({"cloud.example.com/flavor": "spot"});
    cluster.write(queue.clone(), Operation::Update, Kind::Job, job, None);
    if let Some(mut job) = cluster.get(&key).cloned() {
        job["spec"]["suspend"] = json!(false);
        cluster.write(queue, Operation::Update, Kind::Job, job, None);
    }
}

fn debug(
    cluster: &mut Cluster<'_>,
    target: usize,
    image: &'static str,
    policy: Option<&'static str>,
) {
    let Some(key) = nth(cluster.keys_of(Kind::Pod), target) else {
        return;
    };
    let Some(mut pod) = cluster.get(&key).cloned() else {
        return;
    };
    let count = pod["spec"]["ephemeralContainers"]
        .as_array()
        .map_or(0, Vec::len);
    let mut container =
        json!({"name": format!("debugger-{count}"), "image": image, "stdin": true, "tty": true});
    if let Some(policy) = policy {
        container["imagePullPolicy"] = json!(policy);
    }
    match pod["spec"]["ephemeralContainers"].as_array_mut() {
        Some(list) => list.push(container),
        None => pod["spec"]["ephemeralContainers"] = json!([container]),
    }
    let sub = Some("ephemeralcontainers");
    cluster.write(Actor::User, Operation::Update, Kind::Pod, pod, sub);
}

/// A new object as `kubectl apply` sends it.
fn new_object(
    cluster: &mut Cluster<'_>,
    kind: Kind,
    namespace: usize,
    entries: &[EntrySpec],
    suspend: bool,
    step: usize,
) -> Value {
    let namespace = NAMESPACES.get(namespace).copied().unwrap_or("default");
    let name = format!("{}-{step}", kind.name().to_lowercase());
    let uid = cluster.fresh_uid();
    let metadata = objects::metadata(&name, namespace, uid);
    let restart = match kind {
        Kind::Job | Kind::CronJob => "Never",
        _ => "Always",
    };
    let spec = objects::pod_spec(entries, restart);
    let template = json!({"metadata": {"labels": {"app": name}}, "spec": spec});
    let selector = json!({"matchLabels": {"app": name}});
    let body = match kind {
        Kind::Pod => spec,
        Kind::Deployment
        | Kind::ReplicaSet
        | Kind::StatefulSet
        | Kind::ReplicationController
        | Kind::Rollout => {
            json!({"replicas": 2, "selector": selector, "template": template})
        }
        Kind::KnativeService => json!({"template": template}),
        Kind::DaemonSet => json!({"selector": selector, "template": template}),
        Kind::Job => json!({"parallelism": 1, "suspend": suspend, "template": template}),
        Kind::CronJob => json!({
            "schedule": "*/5 * * * *",
            "suspend": false,
            "jobTemplate": {"spec": {"parallelism": 1, "suspend": false, "template": template}},
        }),
    };
    json!({
        "apiVersion": kind.api_version(),
        "kind": kind.name(),
        "metadata": metadata,
        "spec": body,
    })
}
