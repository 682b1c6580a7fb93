//! What users (and a queue controller) do, generated with proptest: create
//! and edit each kind, delete Pods, debug them, suspend Jobs, let CronJobs
//! fire. An edit targets an object by index among those that exist, so a
//! shrunk sequence still means something.

mod apply;
mod edit;
mod generate;

use crate::objects::{EntrySpec, Kind, Slot};

pub use apply::{NEVER, apply};
pub use generate::{action, action_within, create};

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
    /// A person writes a workload whose `ownerReferences` name one of their
    /// bare Pods, as its controller (forged) or not (`controller: false`).
    CreateOwned {
        kind: Kind,
        owner: usize,
        controller: bool,
        image: &'static str,
    },
}

impl Action {
    /// The index of the object an action picks among its candidates.
    pub fn target(&self) -> usize {
        match self {
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
            | Action::DeleteReplicaSet { target }
            | Action::CreateOwned { owner: target, .. } => *target,
            Action::Create { .. } | Action::CronTick => 0,
        }
    }

    /// Whether a real cluster of `profile` can play the action as the model
    /// does (what Kubernetes 1.20 lacks: image volumes, `Job.spec.suspend`,
    /// ephemeral containers as the model writes them, and the controllers
    /// of custom resources).
    pub fn playable(&self, profile: Profile) -> bool {
        if profile == Profile::Model {
            return true;
        }
        match self {
            Action::Create {
                kind,
                entries,
                suspend,
                ..
            } => {
                profile.has_kind(*kind)
                    && !(*kind == Kind::Job && *suspend)
                    && entries.iter().all(|e| e.slot != Slot::ImageVolume)
            }
            Action::AddEntry { entry, .. } => entry.slot != Slot::ImageVolume,
            Action::CreateOwned { kind, .. } => profile.has_kind(*kind),
            Action::Suspend { .. } | Action::QueueAdmit { .. } | Action::Debug { .. } => false,
            _ => true,
        }
    }
}

/// What a cluster can play: everything the model knows, or what a real
/// Kubernetes 1.20 control plane (kube-apiserver, kube-controller-manager)
/// can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Model,
    Kubernetes120,
}

impl Profile {
    /// Whether the kind has a controller in a cluster of this profile (no
    /// Argo Rollouts or Knative controller runs beside a bare control plane).
    pub fn has_kind(self, kind: Kind) -> bool {
        self == Profile::Model || !matches!(kind, Kind::Rollout | Kind::KnativeService)
    }
}
