//! Named sequences real clusters make, each with what its name promises,
//! played by the native tests, through the real policy-server by the host's
//! tests, and on a real API server with its controllers by the real-cluster
//! tests (those a Kubernetes 1.20 control plane can play).

mod feedback;
mod lifecycle;

use crate::actions::{Action, Profile};
use crate::api_server::{Actor, Injector, Mode, Outcome, Setup, WriteEvent};
use crate::backend::PolicyBackend;
use crate::objects::{EntrySpec, Kind, Slot};
use crate::{Scenario, Tally};

pub const IF_NOT_PRESENT: Option<&str> = Some("IfNotPresent");
pub const ALWAYS: Option<&str> = Some("Always");

/// The sequence whose operator would fight a patch of the Deployment it owns.
pub const KNATIVE_IN_MUTATE_MODE: &str = "mutate mode and the operator of a Knative Service another object owns settle: its Deployment is not patched";

/// Every named sequence: the lifecycle ones (what controllers do with what
/// the policy admitted), then the feedback ones (what a person hears, and
/// what the policy must leave alone).
pub fn all() -> Vec<Named> {
    let mut all = lifecycle::sequences();
    all.extend(feedback::sequences());
    all
}

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
    /// Every user's write is admitted as written, without a warning.
    UserAdmittedAsWritten,
    /// Every user's write is admitted as written, at least one with a warning.
    UserWarned,
    /// Every user's write is admitted, at least one patched.
    UserPatched,
}

/// Whom a promise is about: promises about one can all be told apart; a
/// promise about users and one about controllers may both hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Users,
    Controllers,
}

impl Expect {
    pub const ALL: [Expect; 7] = [
        Expect::Made(Pods::Patched),
        Expect::Made(Pods::Rejected),
        Expect::Made(Pods::Unpatched),
        Expect::UserRejected,
        Expect::UserAdmittedAsWritten,
        Expect::UserWarned,
        Expect::UserPatched,
    ];

    pub fn subject(self) -> Subject {
        match self {
            Expect::Made(_) => Subject::Controllers,
            _ => Subject::Users,
        }
    }

    /// Whether the writes made after the install keep the promise.
    pub fn check(self, written: &[WriteEvent]) -> Result<(), String> {
        let by_user = |e: &&WriteEvent| e.actor == Actor::User;
        let admitted = |e: &&WriteEvent| e.outcome == Outcome::Admitted;
        let broken = |what: &str| Err(format!("{what} ({self:?})"));
        let users: Vec<&WriteEvent> = written.iter().filter(by_user).collect();
        let all_admitted = !users.is_empty() && users.iter().all(admitted);
        let kept = match self {
            Expect::UserRejected => users.iter().any(|e| !admitted(e)),
            Expect::UserAdmittedAsWritten => {
                all_admitted && users.iter().all(|e| !e.patched && !e.warned)
            }
            Expect::UserWarned => {
                all_admitted && users.iter().all(|e| !e.patched) && users.iter().any(|e| e.warned)
            }
            Expect::UserPatched => all_admitted && users.iter().any(|e| e.patched),
            Expect::Made(pods) => {
                return made(pods, written).map_err(|what| format!("{what} ({self:?})"));
            }
        };
        match kept {
            true => Ok(()),
            false => broken("the users' writes did not come out as promised"),
        }
    }
}

/// Whether the controllers' writes keep `Expect::Made(pods)`.
fn made(pods: Pods, written: &[WriteEvent]) -> Result<(), String> {
    let admitted = |e: &&WriteEvent| e.outcome == Outcome::Admitted;
    let (made, workloads): (Vec<&WriteEvent>, Vec<&WriteEvent>) = written
        .iter()
        .filter(|e| matches!(e.actor, Actor::Controller(_)))
        .partition(|e| e.key.kind == Kind::Pod);
    if let Some(w) = workloads.iter().find(|e| !admitted(e) || e.patched) {
        return Err(format!("{} was not admitted as written", w.key));
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
        false => Err("the Pods made did not come out as promised".to_owned()),
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

    /// Whether a cluster of `profile` can play it (every action, the kinds,
    /// no injector webhook beside a bare control plane).
    pub fn playable(&self, profile: Profile) -> bool {
        let scenario = &self.scenario;
        profile == Profile::Model
            || (scenario.setup.injector == Injector::None
                && scenario
                    .before_install
                    .iter()
                    .chain(&scenario.steps)
                    .all(|action| action.playable(profile)))
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
