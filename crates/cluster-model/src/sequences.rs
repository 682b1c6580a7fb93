//! Named sequences real clusters make, each with what its name promises,
//! played by the native tests and, through the real policy-server, by the
//! host's tests.

use crate::actions::Action;
use crate::api_server::{Actor, Injector, Mode, Outcome, Setup, WriteEvent};
use crate::backend::PolicyBackend;
use crate::objects::{EntrySpec, Kind, Slot};
use crate::{Scenario, Tally};

pub const IF_NOT_PRESENT: Option<&str> = Some("IfNotPresent");
pub const ALWAYS: Option<&str> = Some("Always");

/// The sequence whose operator would fight a patch of the Deployment it owns.
pub const KNATIVE_IN_MUTATE_MODE: &str =
    "mutate mode and a Knative Service's operator settle: its Deployment is not patched";

/// What becomes of the Pods the controllers make in a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pods {
    /// All admitted, at least one patched.
    Patched,
    /// At least one rejected (enforced at the Pod).
    Rejected,
    /// All admitted as they were sent.
    Unpatched,
}

/// What a named sequence promises, beyond every invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Every workload a controller writes is admitted as written, and its
    /// Pods come out as said.
    Made(Pods),
    /// A user's write is rejected.
    UserRejected,
}

impl Expect {
    pub const ALL: [Expect; 4] = [
        Expect::Made(Pods::Patched),
        Expect::Made(Pods::Rejected),
        Expect::Made(Pods::Unpatched),
        Expect::UserRejected,
    ];

    /// Whether the writes made after the install keep the promise.
    pub fn check(self, written: &[WriteEvent]) -> Result<(), String> {
        let by_controller = |e: &&WriteEvent| matches!(e.actor, Actor::Controller(_));
        let admitted = |e: &&WriteEvent| e.outcome == Outcome::Admitted;
        let broken = |what: &str| Err(format!("{what} ({self:?})"));
        match self {
            Expect::UserRejected => {
                match written.iter().any(|e| !by_controller(&e) && !admitted(&e)) {
                    true => Ok(()),
                    false => broken("no user's write was rejected"),
                }
            }
            Expect::Made(pods) => {
                let (made, workloads): (Vec<&WriteEvent>, Vec<&WriteEvent>) = written
                    .iter()
                    .filter(by_controller)
                    .partition(|e| e.key.kind == Kind::Pod);
                if let Some(w) = workloads.iter().find(|e| !admitted(e) || e.patched) {
                    return broken(&format!("{} was not admitted as written", w.key));
                }
                let all_admitted = made.iter().all(admitted);
                let any_patched = made.iter().any(|e| e.patched);
                let kept = match pods {
                    Pods::Patched => all_admitted && any_patched,
                    Pods::Rejected => !all_admitted,
                    Pods::Unpatched => all_admitted && !any_patched,
                };
                match kept && !made.is_empty() {
                    true => Ok(()),
                    false => broken("the Pods made did not come out as promised"),
                }
            }
        }
    }
}

/// A sequence, by what it shows.
pub struct Named {
    pub name: &'static str,
    pub scenario: Scenario,
    pub expect: Expect,
}

impl Named {
    /// Plays the sequence: every invariant, then its promise.
    pub fn play(&self, backend: &mut dyn PolicyBackend) -> Result<(), String> {
        let written = crate::play_recorded(&self.scenario, backend, &mut Tally::default())?;
        self.expect.check(&written)
    }
}

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

/// Before the policy: one object of `kind` whose one container pulls
/// `nginx:1.25` with `IfNotPresent`.
fn made_before(kind: Kind) -> Vec<Action> {
    vec![create(kind, "nginx:1.25", IF_NOT_PRESENT, false)]
}

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

/// The sequences of issue 21, each one a real cluster makes (a table).
#[allow(clippy::too_many_lines)]
pub fn issue_21() -> Vec<Named> {
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
            "the pair admits the ReplicaSets of an Argo Rollout and patches its Pods",
            Mode::Pair,
            vec![],
            vec![
                create(Kind::Rollout, "nginx:1.25", IF_NOT_PRESENT, false),
                set_image("redis:7"),
            ],
            Expect::Made(Pods::Patched),
        ),
        named(
            "validate mode admits an Argo Rollout's ReplicaSet and judges its Pods",
            Mode::Validate,
            vec![],
            made_before(Kind::Rollout),
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
                create(Kind::KnativeService, "nginx:1.25", IF_NOT_PRESENT, false),
                Action::SetEnv {
                    target: 0,
                    value: 7,
                },
            ],
            Expect::Made(Pods::Patched),
        ),
        named(
            "the pair and a Knative Service's operator settle on a Service made before the policy",
            Mode::Pair,
            made_before(Kind::KnativeService),
            vec![
                Action::RolloutRestart { target: 0, at: 3 },
                Action::DeleteReplicaSet { target: 0 },
            ],
            Expect::Made(Pods::Patched),
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
