//! A Pod or workload as the policy sees it, read from the object's JSON text.

use std::borrow::Cow;

use crate::manifest::{self, Controller, Head, Metadata};
use crate::pod_spec::{self, ImageEntry};
use crate::pod_template::PodTemplate;
use crate::read_error::ReadError;
use crate::vocabulary::{FieldPath, WorkloadKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Workload<'a> {
    pub kind: WorkloadKind,
    /// `metadata.name`, or `metadata.generateName` followed by `*`.
    pub name: Option<Cow<'a, str>>,
    /// Carries the `kubernetes.io/config.mirror` annotation (kubelet-owned).
    pub mirror: bool,
    /// The owner reference with `controller: true`, if any.
    pub controller: Option<Controller<'a>>,
    /// The pod template; `None` for a Pod.
    pub template: Option<PodTemplate<'a>>,
    pub entries: Vec<ImageEntry<'a>>,
}

impl Workload<'_> {
    /// `spec.template.spec.containers[0]` and the like.
    pub(crate) fn entry_path(&self, entry: &ImageEntry<'_>) -> FieldPath {
        FieldPath::list(self.kind.pod_spec_location(), entry.list).at(entry.index)
    }

    /// `spec.template.spec.containers[0].imagePullPolicy` and the like.
    pub(crate) fn policy_path(&self, entry: &ImageEntry<'_>) -> FieldPath {
        FieldPath::list(self.kind.pod_spec_location(), entry.list)
            .at(entry.index)
            .member(entry.list.policy_field())
    }
}

/// Reads an object of `kind` from its JSON text, in one pass. Its template
/// is not kept: a CREATE and a Pod need none.
pub(crate) fn read(kind: WorkloadKind, text: &str) -> Result<Workload<'_>, ReadError> {
    let location = kind.pod_spec_location();
    let manifest = manifest::read(text, location)?;
    let entries = pod_spec::read(manifest.pod_spec, location)?;
    Ok(workload(kind, &manifest.metadata, None, entries))
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
    let entries = pod_spec::read(spec, location)?;
    let template = Some(PodTemplate(head.template));
    Ok(workload(kind, &head.metadata, template, entries))
}

fn workload<'a>(
    kind: WorkloadKind,
    metadata: &Metadata<'a>,
    template: Option<PodTemplate<'a>>,
    entries: Vec<ImageEntry<'a>>,
) -> Workload<'a> {
    Workload {
        kind,
        name: metadata.display_name(),
        mirror: metadata.is_mirror(),
        controller: metadata.controller(),
        template,
        entries,
    }
}

#[cfg(test)]
mod tests;
