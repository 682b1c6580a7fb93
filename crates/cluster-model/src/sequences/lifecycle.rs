//! Lifecycle sequences: workloads made before the policy, owners of custom
//! kinds (an Argo Rollout, a Knative Service: judged when a person writes
//! them, their controllers' objects accepted as written), old revisions that
//! make Pods again, a queue controller.

use super::{
    ALWAYS, Expect, IF_NOT_PRESENT, KNATIVE_IN_MUTATE_MODE, Named, Pods, create, made_before, setup,
};
use crate::Scenario;
use crate::actions::Action;
use crate::api_server::Mode;
use crate::objects::{EntrySpec, Kind, Slot};

/// The template of object 0 fixed (judged, compliant), then Pod `pod`
/// deleted: its controller makes it again.
fn fixed_then_deleted(pod: usize) -> [Action; 2] {
    [
        Action::SetPullPolicy {
            target: 0,
            entry: 0,
            policy: ALWAYS,
        },
        Action::DeletePod { target: pod },
    ]
}

/// A partition over both ordinals, then [`fixed_then_deleted`]: ordinal 0
/// comes back from the current (old) revision.
fn partitioned() -> Vec<Action> {
    let mut steps = vec![Action::UpdateStrategy {
        target: 0,
        strategy: 2,
    }];
    steps.extend(fixed_then_deleted(0));
    steps
}

/// A paused rollout, [`fixed_then_deleted`] (the old ReplicaSet makes its
/// Pod again from the old template), then the rollout resumed.
fn paused() -> Vec<Action> {
    let pause = |paused| Action::Pause { target: 0, paused };
    let mut steps = vec![pause(true)];
    steps.extend(fixed_then_deleted(0));
    steps.push(pause(false));
    steps
}

fn two_containers() -> Action {
    let entry = |image| EntrySpec {
        slot: Slot::Container,
        image,
        policy: IF_NOT_PRESENT,
    };
    Action::Create {
        kind: Kind::Pod,
        namespace: 0,
        entries: vec![entry("nginx:1.25"), entry("redis:7")],
        suspend: false,
    }
}

/// What controllers make of workloads written before the policy, of owners
/// of custom kinds, and of old revisions: each a sequence a real
/// cluster makes (a table).
#[allow(clippy::too_many_lines)]
pub fn sequences() -> Vec<Named> {
    let named = |name, mode, before_install, steps, expect| Named {
        name,
        scenario: Scenario {
            setup: setup(mode),
            before_install,
            steps,
        },
        expect,
    };
    let delete_replica_set = || vec![Action::DeleteReplicaSet { target: 0 }];
    let set_image = |image| Action::SetImage {
        target: 0,
        entry: 0,
        image,
    };
    vec![
        named(
            "a Pod entry changed to the image another entry runs is judged",
            Mode::Validate,
            vec![two_containers()],
            vec![set_image("redis:7")],
            Expect::UserRejected,
        ),
        named(
            "the pair re-creates a deleted ReplicaSet of a Deployment made before the policy",
            Mode::Pair,
            made_before(Kind::Deployment),
            delete_replica_set(),
            Expect::Made(Pods::Patched),
        ),
        named(
            "mutate mode re-creates a deleted ReplicaSet of a Deployment made before the policy",
            Mode::Mutate,
            made_before(Kind::Deployment),
            delete_replica_set(),
            Expect::Made(Pods::Patched),
        ),
        named(
            "validate mode re-creates a deleted ReplicaSet; its Pods are judged",
            Mode::Validate,
            made_before(Kind::Deployment),
            delete_replica_set(),
            Expect::Made(Pods::Rejected),
        ),
        named(
            "the pair patches an Argo Rollout when written: its ReplicaSets and Pods come out compliant",
            Mode::Pair,
            vec![],
            vec![
                create(Kind::Rollout, "nginx:1.25", IF_NOT_PRESENT, false),
                set_image("redis:7"),
            ],
            Expect::Made(Pods::Unpatched),
        ),
        named(
            "validate mode refuses a non-compliant Argo Rollout when it is written",
            Mode::Validate,
            vec![],
            made_before(Kind::Rollout),
            Expect::UserRejected,
        ),
        named(
            "validate mode admits the ReplicaSet an Argo Rollout made before the policy makes again, and judges its Pods",
            Mode::Validate,
            made_before(Kind::Rollout),
            delete_replica_set(),
            Expect::Made(Pods::Rejected),
        ),
        named(
            "the pair re-creates a deleted ReplicaSet of a Rollout made before the policy",
            Mode::Pair,
            made_before(Kind::Rollout),
            delete_replica_set(),
            Expect::Made(Pods::Patched),
        ),
        named(
            KNATIVE_IN_MUTATE_MODE,
            Mode::Mutate,
            vec![],
            vec![
                create(Kind::Pod, "nginx:1.25", ALWAYS, false),
                // A Service another object owns is accepted as written: its
                // operator's Deployment then names IfNotPresent.
                Action::CreateOwned {
                    kind: Kind::KnativeService,
                    owner: 0,
                    controller: false,
                    image: "nginx:1.25",
                },
                Action::SetEnv {
                    target: 0,
                    value: 7,
                },
            ],
            Expect::Made(Pods::Patched),
        ),
        named(
            "the pair patches a Knative Service made before the policy when its template changes; what its operator makes complies",
            Mode::Pair,
            made_before(Kind::KnativeService),
            vec![
                Action::RolloutRestart { target: 0, at: 3 },
                Action::DeleteReplicaSet { target: 0 },
            ],
            Expect::Made(Pods::Unpatched),
        ),
        named(
            "validate mode judges the Pod a StatefulSet re-makes below its partition from a revision made before the policy",
            Mode::Validate,
            made_before(Kind::StatefulSet),
            partitioned(),
            Expect::Made(Pods::Rejected),
        ),
        named(
            "the pair patches the Pod a StatefulSet re-makes below its partition from a revision made before the policy",
            Mode::Pair,
            made_before(Kind::StatefulSet),
            partitioned(),
            Expect::Made(Pods::Patched),
        ),
        named(
            "the pair and an OnDelete StatefulSet made before the policy: a deleted Pod comes back from the patched template",
            Mode::Pair,
            made_before(Kind::StatefulSet),
            vec![
                Action::UpdateStrategy {
                    target: 0,
                    strategy: 3,
                },
                Action::SetEnv {
                    target: 0,
                    value: 1,
                },
                Action::DeletePod { target: 1 },
            ],
            Expect::Made(Pods::Unpatched),
        ),
        named(
            "validate mode: a StatefulSet made before the policy, scaled down while its first Pod cannot be made again, keeps its last Pod",
            Mode::Validate,
            made_before(Kind::StatefulSet),
            vec![
                Action::DeletePod { target: 0 },
                Action::Scale {
                    target: 0,
                    replicas: 1,
                },
            ],
            Expect::Made(Pods::Rejected),
        ),
        named(
            "validate mode judges the Pod an old ReplicaSet re-makes while its Deployment is paused",
            Mode::Validate,
            made_before(Kind::Deployment),
            paused(),
            Expect::Made(Pods::Rejected),
        ),
        named(
            "the pair patches the Pod an old ReplicaSet re-makes while its Deployment is paused",
            Mode::Pair,
            made_before(Kind::Deployment),
            paused(),
            Expect::Made(Pods::Patched),
        ),
        named(
            "the pair leaves a suspended Job made before the policy to its queue controller",
            Mode::Pair,
            vec![create(Kind::Job, "nginx:1.25", IF_NOT_PRESENT, true)],
            vec![Action::QueueAdmit { target: 0 }],
            Expect::Made(Pods::Patched),
        ),
        named(
            "a queue controller preempts a started Job and resumes it",
            Mode::Pair,
            vec![],
            vec![
                create(Kind::Job, "nginx:1.25", ALWAYS, false),
                Action::Suspend {
                    target: 0,
                    suspend: true,
                },
                Action::QueueAdmit { target: 0 },
            ],
            Expect::Made(Pods::Unpatched),
        ),
    ]
}
