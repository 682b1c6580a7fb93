//! Doing an action in a world: the writes a user (or a queue controller,
//! or time passing) makes, each through the world's API server.

use serde_json::{Value, json};

use super::Action;
use super::edit::edit_object;
use crate::api_server::{Actor, Operation};
use crate::objects::{self, EntrySpec, Key, Kind, NAMESPACES};
use crate::world::{World, in_target_order, keys_of, nth, top_level};

/// A CronJob's schedule that never comes (February 31st): a real CronJob
/// controller then makes no Job of its own, and `CronTick` stands for time.
pub const NEVER: &str = "0 0 31 2 *";

/// Does `action` in `world`, as step `step`.
pub fn apply(world: &mut dyn World, action: &Action, step: usize) {
    match action {
        Action::Create {
            kind,
            namespace,
            entries,
            suspend,
        } => {
            let object = new_object(world, *kind, *namespace, entries, *suspend, step);
            world.write(Actor::User, Operation::Create, *kind, object, None);
        }
        Action::CreateOwned {
            kind,
            owner,
            controller,
            image,
        } => create_owned(world, *kind, *owner, *controller, image, step),
        Action::DeletePod { target } => {
            if let Some(pod) = nth(in_target_order(&world.objects(), Kind::Pod), *target) {
                world.delete(&pod);
            }
        }
        Action::DeleteReplicaSet { target } => {
            let replica_sets = in_target_order(&world.objects(), Kind::ReplicaSet);
            if let Some(replica_set) = nth(replica_sets, *target) {
                world.delete(&replica_set);
            }
        }
        Action::Debug {
            target,
            image,
            policy,
        } => debug(world, *target, image, *policy),
        Action::CronTick => crate::controllers::cron_tick(world, step as u64),
        Action::QueueAdmit { target } => queue_admit(world, *target),
        edit => {
            let objects = world.objects();
            let Some(key) = nth(top_level(&objects), edit.target()) else {
                return;
            };
            let Some(mut object) = objects.get(&key).cloned() else {
                return;
            };
            if edit_object(&mut object, key.kind, edit, step) {
                world.write(Actor::User, Operation::Update, key.kind, object, None);
            }
        }
    }
}

/// A person's workload whose `ownerReferences` name one of their bare Pods:
/// as its controller (a forged reference), or not (`controller: false`,
/// as the Flink operator writes). No controller acts on either.
fn create_owned(
    world: &mut dyn World,
    kind: Kind,
    owner: usize,
    controller: bool,
    image: &'static str,
    step: usize,
) {
    let objects = world.objects();
    let bare_pods: Vec<Key> = top_level(&objects)
        .into_iter()
        .filter(|key| key.kind == Kind::Pod)
        .collect();
    let Some(owner_key) = nth(bare_pods, owner) else {
        return;
    };
    let Some(owner) = objects.get(&owner_key) else {
        return;
    };
    let namespace = NAMESPACES
        .iter()
        .position(|n| *n == owner_key.namespace)
        .unwrap_or(0);
    let entries = [EntrySpec {
        slot: objects::Slot::Container,
        image,
        policy: Some("IfNotPresent"),
    }];
    let mut object = new_object(world, kind, namespace, &entries, false, step);
    let mut reference = objects::controller_ref(Kind::Pod, owner);
    reference["controller"] = json!(controller);
    object["metadata"]["ownerReferences"] = json!([reference]);
    world.write(Actor::User, Operation::Create, kind, object, None);
}

/// Kueue's `podset` label and node selector on a suspended Job, then `suspend: false`.
fn queue_admit(world: &mut dyn World, target: usize) {
    let objects = world.objects();
    let suspended: Vec<Key> = keys_of(&objects, Kind::Job)
        .into_iter()
        .filter(|k| objects.get(k).is_some_and(|j| j["spec"]["suspend"] == true))
        .collect();
    let Some(key) = nth(suspended, target) else {
        return;
    };
    let Some(mut job) = objects.get(&key).cloned() else {
        return;
    };
    let queue = Actor::Controller(key.clone());
    // A preempted Job that had started: Kueue's `JobReconciler.stopJob`
    // suspends it and clears `status.startTime` (a status write) before it
    // changes the scheduling directives, which the API server allows only
    // for a suspended Job that has not started.
    if job.pointer("/status/startTime").is_some() {
        world.clear_status(&key, "startTime");
        job["status"]
            .as_object_mut()
            .map(|status| status.remove("startTime"));
    }
    job["spec"]["template"]["metadata"]["labels"]["kueue.x-k8s.io/podset"] = json!("main");
    job["spec"]["template"]["spec"]["nodeSelector"] = json!({"cloud.example.com/flavor": "spot"});
    world.write(queue.clone(), Operation::Update, Kind::Job, job, None);
    if let Some(mut job) = world.objects().get(&key).cloned() {
        job["spec"]["suspend"] = json!(false);
        world.write(queue, Operation::Update, Kind::Job, job, None);
    }
}

/// `kubectl debug`: an ephemeral container added to a Pod.
fn debug(world: &mut dyn World, target: usize, image: &'static str, policy: Option<&'static str>) {
    let objects = world.objects();
    let Some(key) = nth(in_target_order(&objects, Kind::Pod), target) else {
        return;
    };
    let Some(mut pod) = objects.get(&key).cloned() else {
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
    world.write(Actor::User, Operation::Update, Kind::Pod, pod, sub);
}

/// A new object as `kubectl apply` sends it.
fn new_object(
    world: &mut dyn World,
    kind: Kind,
    namespace: usize,
    entries: &[EntrySpec],
    suspend: bool,
    step: usize,
) -> Value {
    let namespace = NAMESPACES.get(namespace).copied().unwrap_or("default");
    let name = format!("{}-{step}", kind.name().to_lowercase());
    let uid = world.fresh_uid();
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
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::Rollout => {
            json!({"replicas": 2, "selector": selector, "template": template})
        }
        // A ReplicationController's selector is a plain map of labels.
        Kind::ReplicationController => {
            json!({"replicas": 2, "selector": {"app": name}, "template": template})
        }
        Kind::KnativeService => json!({"template": template}),
        Kind::DaemonSet => json!({"selector": selector, "template": template}),
        Kind::Job => json!({"parallelism": 1, "suspend": suspend, "template": template}),
        Kind::CronJob => json!({
            "schedule": NEVER,
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
