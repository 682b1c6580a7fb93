//! Actions generated with proptest, each with its weight, for the model or
//! for what a real Kubernetes 1.20 control plane can play.

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};

use super::{Action, Profile};
use crate::objects::{EntrySpec, IMAGES, Kind, NAMESPACES, POLICIES, Slot};

fn slot(profile: Profile) -> impl Strategy<Value = Slot> {
    let mut slots = vec![Slot::Container, Slot::Container, Slot::Init, Slot::Sidecar];
    if profile == Profile::Model {
        slots.push(Slot::ImageVolume);
    }
    prop::sample::select(slots)
}

fn entry_spec(profile: Profile) -> impl Strategy<Value = EntrySpec> {
    (
        slot(profile),
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
pub fn create(profile: Profile) -> impl Strategy<Value = Action> {
    let kinds: Vec<Kind> = Kind::TOP_LEVEL
        .into_iter()
        .filter(|kind| profile.has_kind(*kind))
        .collect();
    let suspend = match profile {
        Profile::Model => any::<bool>().boxed(),
        Profile::Kubernetes120 => Just(false).boxed(),
    };
    (
        prop::sample::select(kinds),
        0..NAMESPACES.len(),
        container_spec(),
        prop::collection::vec(entry_spec(profile), 0..3),
        suspend,
    )
        .prop_map(|(kind, namespace, first, rest, suspend)| Action::Create {
            kind,
            namespace,
            entries: std::iter::once(first).chain(rest).collect(),
            suspend,
        })
}

/// Any action the model plays.
pub fn action() -> impl Strategy<Value = Action> {
    action_within(Profile::Model)
}

/// Any action a cluster of `profile` plays, each with its weight.
pub fn action_within(profile: Profile) -> impl Strategy<Value = Action> {
    let mut weighted = template_edits(profile);
    weighted.extend(workload_edits());
    weighted.extend(lifecycle());
    if profile == Profile::Model {
        weighted.extend(beyond_kubernetes_1_20());
    }
    Union::new_weighted(weighted)
}

type Weighted = Vec<(u32, BoxedStrategy<Action>)>;

fn target() -> std::ops::Range<usize> {
    0..16
}

fn image() -> impl Strategy<Value = &'static str> {
    prop::sample::select(IMAGES.to_vec())
}

fn policy() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(POLICIES.to_vec())
}

/// Creates, and edits of a pod template's entries.
fn template_edits(profile: Profile) -> Weighted {
    vec![
        (3, create(profile).boxed()),
        (
            2,
            (target(), any::<u8>())
                .prop_map(|(target, value)| Action::SetEnv { target, value })
                .boxed(),
        ),
        (
            2,
            (target(), 0..4usize, image())
                .prop_map(|(target, entry, image)| Action::SetImage {
                    target,
                    entry,
                    image,
                })
                .boxed(),
        ),
        (
            2,
            (target(), 0..4usize, policy())
                .prop_map(|(target, entry, policy)| Action::SetPullPolicy {
                    target,
                    entry,
                    policy,
                })
                .boxed(),
        ),
        (
            1,
            (target(), entry_spec(profile))
                .prop_map(|(target, entry)| Action::AddEntry { target, entry })
                .boxed(),
        ),
        (
            1,
            (target(), 0..4usize)
                .prop_map(|(target, entry)| Action::RemoveEntry { target, entry })
                .boxed(),
        ),
    ]
}

/// Edits of a workload beside its template's entries.
fn workload_edits() -> Weighted {
    vec![
        (
            2,
            (target(), any::<u8>())
                .prop_map(|(target, at)| Action::RolloutRestart { target, at })
                .boxed(),
        ),
        (
            2,
            (target(), 0..4u8)
                .prop_map(|(target, replicas)| Action::Scale { target, replicas })
                .boxed(),
        ),
        (
            1,
            (target(), 0..4u8)
                .prop_map(|(target, strategy)| Action::UpdateStrategy { target, strategy })
                .boxed(),
        ),
        (
            1,
            (target(), any::<bool>())
                .prop_map(|(target, paused)| Action::Pause { target, paused })
                .boxed(),
        ),
        (
            1,
            (target(), any::<u8>())
                .prop_map(|(target, value)| Action::Relabel { target, value })
                .boxed(),
        ),
        (
            1,
            target()
                .prop_map(|target| Action::AddFinalizer { target })
                .boxed(),
        ),
    ]
}

/// Deletes, time passing, and workloads that name an owner.
fn lifecycle() -> Weighted {
    let owned = prop::sample::select(vec![
        Kind::Deployment,
        Kind::Job,
        Kind::ReplicaSet,
        Kind::Pod,
    ]);
    vec![
        (
            2,
            target()
                .prop_map(|target| Action::DeletePod { target })
                .boxed(),
        ),
        (
            1,
            target()
                .prop_map(|target| Action::DeleteReplicaSet { target })
                .boxed(),
        ),
        (1, Just(Action::CronTick).boxed()),
        (
            1,
            (owned, target(), any::<bool>(), image())
                .prop_map(|(kind, owner, controller, image)| Action::CreateOwned {
                    kind,
                    owner,
                    controller,
                    image,
                })
                .boxed(),
        ),
    ]
}

/// What the model plays that Kubernetes 1.20 cannot: `Job.spec.suspend`
/// (1.21), a queue controller that uses it, and `kubectl debug` as 1.23
/// sends it.
fn beyond_kubernetes_1_20() -> Weighted {
    vec![
        (
            1,
            (target(), any::<bool>())
                .prop_map(|(target, suspend)| Action::Suspend { target, suspend })
                .boxed(),
        ),
        (
            1,
            target()
                .prop_map(|target| Action::QueueAdmit { target })
                .boxed(),
        ),
        (
            1,
            (target(), image(), policy())
                .prop_map(|(target, image, policy)| Action::Debug {
                    target,
                    image,
                    policy,
                })
                .boxed(),
        ),
    ]
}
