//! Named sequences real clusters make, played by the native tests and, through
//! the real policy-server, by the host's tests.

use crate::Scenario;
use crate::actions::Action;
use crate::api_server::{Injector, Mode, Setup};
use crate::objects::{EntrySpec, Kind, Slot};

pub const IF_NOT_PRESENT: Option<&str> = Some("IfNotPresent");
pub const ALWAYS: Option<&str> = Some("Always");

/// The sequence whose operator would fight a patch of the Deployment it owns.
pub const KNATIVE_IN_MUTATE_MODE: &str =
    "mutate mode and a Knative Service's operator settle: its Deployment is not patched";

/// A user's create of one container.
pub fn create(
    kind: Kind,
    image: &'static str,
    policy: Option<&'static str>,
    suspend: bool,
) -> Action {
    Action::Create {
        kind,
        namespace: 0,
        entries: vec![EntrySpec {
            slot: Slot::Container,
            image,
            policy,
        }],
        suspend,
    }
}

/// A setup in `mode`, without exemptions or injector.
pub fn setup(mode: Mode) -> Setup {
    Setup {
        mode,
        exemptions: false,
        injector: Injector::None,
    }
}

/// The sequences of issue 21, each one a real cluster makes (a table).
#[allow(clippy::too_many_lines)]
pub fn issue_21() -> Vec<(&'static str, Scenario)> {
    let scenario = |mode, before_install, steps| Scenario {
        setup: setup(mode),
        before_install,
        steps,
    };
    let two_containers = Action::Create {
        kind: Kind::Pod,
        namespace: 0,
        entries: vec![
            EntrySpec {
                slot: Slot::Container,
                image: "nginx:1.25",
                policy: IF_NOT_PRESENT,
            },
            EntrySpec {
                slot: Slot::Container,
                image: "redis:7",
                policy: IF_NOT_PRESENT,
            },
        ],
        suspend: false,
    };
    let old_deployment = || {
        vec![create(
            Kind::Deployment,
            "nginx:1.25",
            IF_NOT_PRESENT,
            false,
        )]
    };
    let old_stateful_set = || {
        vec![create(
            Kind::StatefulSet,
            "nginx:1.25",
            IF_NOT_PRESENT,
            false,
        )]
    };
    // A partition over both ordinals, the template fixed (judged, compliant),
    // then ordinal 0 deleted: it comes back from the current (old) revision.
    let partitioned = || {
        vec![
            Action::UpdateStrategy {
                target: 0,
                strategy: 2,
            },
            Action::SetPullPolicy {
                target: 0,
                entry: 0,
                policy: ALWAYS,
            },
            Action::DeletePod { target: 0 },
        ]
    };
    // A paused rollout, the template fixed (judged, compliant), a Pod of the
    // old ReplicaSet deleted (made again from the old template), then the
    // rollout resumed.
    let paused = || {
        vec![
            Action::Pause {
                target: 0,
                paused: true,
            },
            Action::SetPullPolicy {
                target: 0,
                entry: 0,
                policy: ALWAYS,
            },
            Action::DeletePod { target: 0 },
            Action::Pause {
                target: 0,
                paused: false,
            },
        ]
    };
    vec![
        (
            "a Pod entry changed to the image another entry runs is judged",
            scenario(
                Mode::Validate,
                vec![two_containers],
                vec![Action::SetImage {
                    target: 0,
                    entry: 0,
                    image: "redis:7",
                }],
            ),
        ),
        (
            "the pair re-creates a deleted ReplicaSet of a Deployment made before the policy",
            scenario(
                Mode::Pair,
                old_deployment(),
                vec![Action::DeleteReplicaSet { target: 0 }],
            ),
        ),
        (
            "mutate mode re-creates a deleted ReplicaSet of a Deployment made before the policy",
            scenario(
                Mode::Mutate,
                old_deployment(),
                vec![Action::DeleteReplicaSet { target: 0 }],
            ),
        ),
        (
            "validate mode re-creates a deleted ReplicaSet; its Pods are judged",
            scenario(
                Mode::Validate,
                old_deployment(),
                vec![Action::DeleteReplicaSet { target: 0 }],
            ),
        ),
        (
            "the pair admits the ReplicaSets of an Argo Rollout and patches its Pods",
            scenario(
                Mode::Pair,
                vec![],
                vec![
                    create(Kind::Rollout, "nginx:1.25", IF_NOT_PRESENT, false),
                    Action::SetImage {
                        target: 0,
                        entry: 0,
                        image: "redis:7",
                    },
                ],
            ),
        ),
        (
            "validate mode admits an Argo Rollout's ReplicaSet and judges its Pods",
            scenario(
                Mode::Validate,
                vec![],
                vec![create(Kind::Rollout, "nginx:1.25", IF_NOT_PRESENT, false)],
            ),
        ),
        (
            "the pair re-creates a deleted ReplicaSet of a Rollout made before the policy",
            scenario(
                Mode::Pair,
                vec![create(Kind::Rollout, "nginx:1.25", IF_NOT_PRESENT, false)],
                vec![Action::DeleteReplicaSet { target: 0 }],
            ),
        ),
        (
            KNATIVE_IN_MUTATE_MODE,
            scenario(
                Mode::Mutate,
                vec![],
                vec![
                    create(Kind::KnativeService, "nginx:1.25", IF_NOT_PRESENT, false),
                    Action::SetEnv {
                        target: 0,
                        value: 7,
                    },
                ],
            ),
        ),
        (
            "the pair and a Knative Service's operator settle on a Service made before the policy",
            scenario(
                Mode::Pair,
                vec![create(
                    Kind::KnativeService,
                    "nginx:1.25",
                    IF_NOT_PRESENT,
                    false,
                )],
                vec![
                    Action::RolloutRestart { target: 0, at: 3 },
                    Action::DeleteReplicaSet { target: 0 },
                ],
            ),
        ),
        (
            "validate mode judges the Pod a StatefulSet re-makes below its partition from a revision made before the policy",
            scenario(Mode::Validate, old_stateful_set(), partitioned()),
        ),
        (
            "the pair patches the Pod a StatefulSet re-makes below its partition from a revision made before the policy",
            scenario(Mode::Pair, old_stateful_set(), partitioned()),
        ),
        (
            "the pair and an OnDelete StatefulSet made before the policy: a deleted Pod comes back from the patched template",
            scenario(
                Mode::Pair,
                old_stateful_set(),
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
            ),
        ),
        (
            "validate mode judges the Pod an old ReplicaSet re-makes while its Deployment is paused",
            scenario(Mode::Validate, old_deployment(), paused()),
        ),
        (
            "the pair patches the Pod an old ReplicaSet re-makes while its Deployment is paused",
            scenario(Mode::Pair, old_deployment(), paused()),
        ),
        (
            "a queue controller preempts a started Job and resumes it",
            scenario(
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
            ),
        ),
    ]
}
