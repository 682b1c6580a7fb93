//! A Pod, workload or custom resource as the policy sees it, read from the
//! object's JSON text.

use std::borrow::Cow;

use crate::manifest::{self, Head, Metadata, Owner};
use crate::pod_spec::{self, Completeness, ImageEntry};
use crate::pod_template::PodTemplate;
use crate::read_error::ReadError;
use crate::vocabulary::{FieldPath, Location, WorkloadKind};

mod custom;

pub(crate) use custom::read as read_custom;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Workload<'a> {
    /// Where a built-in kind's one pod spec is (`spec.template.spec`).
    pub location: &'static [&'static str],
    /// A custom resource's places, written out (`spec.replicatedJobs[1]
    /// .template.spec`): each entry names the one that holds it. Empty for a
    /// built-in kind.
    pub places: Vec<String>,
    /// `metadata.name`, or `metadata.generateName` followed by `*`.
    pub name: Option<Cow<'a, str>>,
    /// Carries the `kubernetes.io/config.mirror` annotation (kubelet-owned).
    pub mirror: bool,
    /// An owner reference: the controller's, else the first.
    pub owner: Option<Owner<'a>>,
    /// The pod template (a built-in workload's, when an UPDATE read it);
    /// `None` for a Pod.
    pub template: Option<PodTemplate<'a>>,
    /// A custom resource's templates, one per place found, in order: what
    /// an UPDATE compares.
    pub templates: Vec<PodTemplate<'a>>,
    pub entries: Vec<ImageEntry<'a>>,
}

impl Workload<'_> {
    /// Where `entry`'s path starts.
    fn location(&self, entry: &ImageEntry<'_>) -> Location<'_> {
        match self.places.get(usize::from(entry.place)) {
            Some(place) => Location::Written(place),
            None => Location::Members(self.location),
        }
    }

    /// `spec.template.spec.containers[0]` and the like; a custom
    /// resource's container, its own path (`spec.steps[2]`).
    pub(crate) fn entry_path(&self, entry: &ImageEntry<'_>) -> FieldPath<'_> {
        match entry.whole_place {
            true => FieldPath::at_location(self.location(entry)),
            false => FieldPath::list_at(self.location(entry), entry.list).at(entry.index),
        }
    }

    /// `spec.template.spec.containers[0].imagePullPolicy` and the like.
    pub(crate) fn policy_path(&self, entry: &ImageEntry<'_>) -> FieldPath<'_> {
        self.entry_path(entry).member(entry.list.policy_field())
    }
}

/// Reads an object of `kind` from its JSON text, in one pass. Its template
/// is not kept: a CREATE and a Pod need none.
pub(crate) fn read(kind: WorkloadKind, text: &str) -> Result<Workload<'_>, ReadError> {
    let location = kind.pod_spec_location();
    let manifest = manifest::read(text, location)?;
    let entries = pod_spec::read(
        manifest.pod_spec,
        Location::Members(location),
        Completeness::Complete,
        0,
    )?;
    Ok(workload(location, &manifest.metadata, None, entries))
}

/// Reads a workload as far as its pod template, which an UPDATE is decided
/// on first.
pub(crate) fn read_head(kind: WorkloadKind, text: &str) -> Result<Head<'_>, ReadError> {
    manifest::read_head(text, kind.pod_spec_location())
}

/// The pod template of a head.
pub(crate) fn template<'a>(head: &Head<'a>) -> PodTemplate<'a> {
    PodTemplate(head.template)
}

/// Reads the rest of a workload whose head was read: the entries of its
/// template.
pub(crate) fn read_rest(kind: WorkloadKind, head: Head<'_>) -> Result<Workload<'_>, ReadError> {
    let location = kind.pod_spec_location();
    let spec = manifest::read_template(head.template, location)?;
    let entries = pod_spec::read(spec, Location::Members(location), Completeness::Complete, 0)?;
    let template = Some(PodTemplate(head.template));
    Ok(workload(location, &head.metadata, template, entries))
}

fn workload<'a>(
    location: &'static [&'static str],
    metadata: &Metadata<'a>,
    template: Option<PodTemplate<'a>>,
    entries: Vec<ImageEntry<'a>>,
) -> Workload<'a> {
    Workload {
        location,
        places: Vec::new(),
        name: metadata.display_name(),
        mirror: metadata.is_mirror(),
        owner: metadata.owner(),
        template,
        templates: Vec::new(),
        entries,
    }
}

#[cfg(test)]
mod tests;
