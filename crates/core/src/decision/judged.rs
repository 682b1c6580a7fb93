//! Which entries of an object a request is judged on: all of them, the new
//! ephemeral containers, the entries of a Pod whose image changed, or none
//! (the request is settled before any entry is judged).

use crate::heapsort;
use crate::pod_spec::ImageEntry;
use crate::pod_template::PodTemplate;
use crate::vocabulary::{EntryList, WorkloadKind};
use crate::workload::Workload;

use super::{Accepted, Kind, Operation, Target};
use crate::custom_resource::CustomResource;

/// Which entries of the object a request is judged on, or why it is
/// accepted without judging any.
pub(super) enum Judged<'o> {
    /// Every entry.
    All,
    /// The ephemeral containers whose names the old Pod does not have
    /// (`kubectl debug` adds one; the others run already).
    NewEphemeralContainers(Names<'o>),
    /// A Pod UPDATE: the entries whose image changed, that is new to the Pod
    /// or differs from the image the same entry (same list, same name) had.
    /// Running containers keep their (immutable) pull policy.
    ChangedImages(OldPod<'o>),
    Settled(Accepted),
}

impl Judged<'_> {
    pub(super) fn includes(&self, entry: &ImageEntry<'_>) -> bool {
        match self {
            Judged::All => true,
            Judged::NewEphemeralContainers(existing) => {
                entry.list == EntryList::EphemeralContainers
                    && entry.name.as_deref().is_none_or(|n| !existing.contains(n))
            }
            Judged::ChangedImages(old) => old.changed(entry),
            Judged::Settled(_) => false,
        }
    }
}

pub(super) fn judged_entries<'o>(
    target: Target<'_>,
    object: &Workload<'_>,
    old_object: Option<&'o Workload<'_>>,
) -> Judged<'o> {
    if target.kind.is(WorkloadKind::Pod) && object.mirror {
        return Judged::Settled(Accepted::MirrorPod);
    }
    if target.ephemeral_containers {
        // Without an old object, every ephemeral container is new.
        let existing = old_object
            .map(|old| names(old, ephemeral_name))
            .unwrap_or_default();
        return Judged::NewEphemeralContainers(existing);
    }
    if target.operation == Operation::Create {
        return Judged::All;
    }
    match (target.kind, old_object) {
        (Kind::Workload(WorkloadKind::Pod), Some(old)) => {
            let judged = Judged::ChangedImages(OldPod::of(old));
            match object.entries.iter().any(|entry| judged.includes(entry)) {
                true => judged,
                false => Judged::Settled(Accepted::NoNewImage),
            }
        }
        (Kind::Custom(resource), old) => {
            let old_templates = old.map(|old| old.templates.as_slice());
            match settled_by_templates(resource, &object.templates, old_templates) {
                Some(accepted) => Judged::Settled(accepted),
                None => Judged::All,
            }
        }
        _ => {
            let old_template = old_object.and_then(|old| old.template.as_ref());
            match settled_by_template(target, object.template.as_ref(), old_template) {
                Some(accepted) => Judged::Settled(accepted),
                // A changed template makes new Pods from all of it: judged as a
                // CREATE, as is an UPDATE whose old object is missing (the
                // stricter reading).
                None => Judged::All,
            }
        }
    }
}

/// A workload UPDATE that its pod templates settle before any entry is
/// judged: an unchanged template, or any Job UPDATE. `None` for every other
/// request, which is judged on its entries.
pub(crate) fn settled_by_template(
    target: Target<'_>,
    template: Option<&PodTemplate<'_>>,
    old_template: Option<&PodTemplate<'_>>,
) -> Option<Accepted> {
    match (template, old_template) {
        _ if !target.updates_workload() => None,
        (Some(new), Some(old)) if new == old => Some(Accepted::TemplateUnchanged),
        _ if target.kind.is(WorkloadKind::Job) => Some(Accepted::JobUpdate),
        _ => None,
    }
}

/// A custom resource UPDATE that its templates settle: the same templates
/// in the same places (nothing to roll out), or a spec that cannot change.
fn settled_by_templates(
    resource: &CustomResource,
    templates: &[PodTemplate<'_>],
    old_templates: Option<&[PodTemplate<'_>]>,
) -> Option<Accepted> {
    match old_templates {
        Some(old) if old == templates => Some(Accepted::TemplateUnchanged),
        _ if resource.immutable => Some(Accepted::ImmutableSpec),
        _ => None,
    }
}

/// A set of names, sorted for lookups.
#[derive(Default)]
pub(super) struct Names<'o>(Vec<&'o str>);

impl Names<'_> {
    fn contains(&self, name: &str) -> bool {
        self.0.binary_search(&name).is_ok()
    }
}

/// What `name` says of each of a workload's entries.
fn names<'o>(
    workload: &'o Workload<'_>,
    name: for<'e> fn(&'e ImageEntry<'_>) -> Option<&'e str>,
) -> Names<'o> {
    let mut names: Vec<&str> = workload.entries.iter().filter_map(name).collect();
    heapsort::sort_by_key(&mut names, |name| *name);
    Names(names)
}

fn ephemeral_name<'e>(entry: &'e ImageEntry<'_>) -> Option<&'e str> {
    match entry.list {
        EntryList::EphemeralContainers => entry.name.as_deref(),
        _ => None,
    }
}

/// What a Pod UPDATE compares each entry with: the old Pod's images, and
/// its entries.
pub(super) struct OldPod<'o> {
    images: Names<'o>,
    old: &'o Workload<'o>,
}

impl<'o> OldPod<'o> {
    fn of(old: &'o Workload<'o>) -> Self {
        OldPod {
            images: names(old, |entry| Some(entry.image.as_ref())),
            old,
        }
    }

    /// The entry's image is new to the Pod, or another than the image of the
    /// same entry (same list, same name) before.
    fn changed(&self, entry: &ImageEntry<'_>) -> bool {
        !self.images.contains(entry.image.as_ref())
            || (entry.name.is_some()
                && self.old.entries.iter().any(|old| {
                    old.list == entry.list && old.name == entry.name && old.image != entry.image
                }))
    }
}
