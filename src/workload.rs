//! A Pod or workload as the policy sees it, read from the object's JSON text.

use std::borrow::Cow;

use crate::field_path::FieldPath;
use crate::manifest::{self, Controller};
use crate::mutation::EditSite;
use crate::pod_spec::{self, ImageEntry};
use crate::pod_template::PodTemplate;
use crate::read_error::ReadError;
use crate::workload_kind::WorkloadKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload<'a> {
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
    /// `spec.template.spec.containers[0].imagePullPolicy` and the like.
    pub fn policy_path(&self, entry: &ImageEntry<'_>) -> FieldPath {
        FieldPath::list(self.kind.pod_spec_location(), entry.list)
            .at(entry.index)
            .member(entry.list.policy_field())
    }
}

/// Reads an object of `kind` from its JSON text: the workload, and where a
/// mutation would write each entry's pull policy (`edit_sites[i]` belongs to
/// `workload.entries[i]`).
pub fn read(
    kind: WorkloadKind,
    text: &str,
) -> Result<(Workload<'_>, Vec<EditSite<'_>>), ReadError> {
    let location = kind.pod_spec_location();
    let manifest = manifest::read(text, location)?;
    let read = pod_spec::read(manifest.pod_spec, location)?;
    let workload = Workload {
        kind,
        name: manifest.metadata.display_name(),
        mirror: manifest.metadata.is_mirror(),
        controller: manifest.metadata.controller(),
        template: manifest.template.map(PodTemplate),
        entries: read.entries,
    };
    Ok((workload, read.edit_sites))
}

#[cfg(test)]
mod tests;
