//! The shapes read from an object: its metadata (name, the mirror-pod
//! annotation, an owner reference: the controller's, else the first) and the
//! members of a pod spec that name images. Every other member is skipped unread.

use std::borrow::Cow;

use serde::Deserialize;

use crate::json_text;
use crate::json_view::{List, Member, Object, Scalar};

#[derive(Deserialize, Default)]
pub(crate) struct Metadata<'a> {
    #[serde(borrow, default)]
    name: Member<'a>,
    #[serde(borrow, default, rename = "generateName")]
    generate_name: Member<'a>,
    #[serde(borrow)]
    annotations: Option<Object<Annotations<'a>>>,
    #[serde(borrow, default, rename = "ownerReferences")]
    owner_references: Member<'a>,
}

impl<'a> Metadata<'a> {
    /// `metadata.name`, or `metadata.generateName` followed by `*`.
    pub(crate) fn display_name(&self) -> Option<Cow<'a, str>> {
        match (self.name.scalar(), self.generate_name.scalar()) {
            (Scalar::Str(name), _) if !name.is_empty() => Some(name),
            (_, Scalar::Str(prefix)) if !prefix.is_empty() => {
                Some(Cow::Owned(format!("{prefix}*")))
            }
            _ => None,
        }
    }

    /// Carries the `kubernetes.io/config.mirror` annotation (kubelet-owned).
    pub(crate) fn is_mirror(&self) -> bool {
        matches!(&self.annotations, Some(Object::Is(annotations)) if annotations.mirror.0.is_some())
    }

    /// An owner reference: the one with `controller: true` (the API server
    /// allows at most one), else the first. Read from the member's text, as
    /// the API server has validated it; a reference it cannot read is none.
    pub(crate) fn owner(&self) -> Option<Owner<'a>> {
        let owners = self.owner_references.0?.get();
        let owners = match owners.starts_with('[') {
            true => json_text::parts(owners, false)?,
            false => return None,
        };
        let mut first = None;
        for (_, owner) in owners {
            let Some(members) = owner
                .starts_with('{')
                .then(|| json_text::parts(owner, true))
                .flatten()
            else {
                continue;
            };
            let member = |name: &str| {
                members
                    .iter()
                    .find(|(n, _)| n.get(1..n.len().saturating_sub(1)) == Some(name))
                    .map(|(_, value)| *value)
            };
            let text = |name: &str| {
                member(name)
                    .and_then(json_text::decoded)
                    .unwrap_or_default()
            };
            let read = Owner {
                api_version: text("apiVersion"),
                kind: text("kind"),
                controller: member("controller") == Some("true"),
            };
            if read.controller {
                return Some(read);
            }
            first = first.or(Some(read));
        }
        first
    }
}

/// An object's owner (`metadata.ownerReferences[*]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner<'a> {
    pub api_version: Cow<'a, str>,
    pub kind: Cow<'a, str>,
    /// `controller: true`: the controller that writes the object.
    pub controller: bool,
}

#[derive(Deserialize)]
struct Annotations<'a> {
    #[serde(borrow, default, rename = "kubernetes.io/config.mirror")]
    mirror: Member<'a>,
}

/// The lists of a pod spec that name images; every other member is skipped.
#[derive(Deserialize)]
pub(crate) struct PodSpecFields<'a> {
    #[serde(borrow, rename = "initContainers")]
    pub init_containers: Option<List<Object<ContainerFields<'a>>>>,
    #[serde(borrow)]
    pub containers: Option<List<Object<ContainerFields<'a>>>>,
    #[serde(borrow, rename = "ephemeralContainers")]
    pub ephemeral_containers: Option<List<Object<ContainerFields<'a>>>>,
    #[serde(borrow)]
    pub volumes: Option<List<Object<VolumeFields<'a>>>>,
}

#[derive(Deserialize)]
pub(crate) struct ContainerFields<'a> {
    #[serde(borrow, default)]
    pub name: Member<'a>,
    #[serde(borrow, default)]
    pub image: Member<'a>,
    #[serde(borrow, default, rename = "imagePullPolicy")]
    pub image_pull_policy: Member<'a>,
}

#[derive(Deserialize)]
pub(crate) struct VolumeFields<'a> {
    #[serde(borrow, default)]
    pub name: Member<'a>,
    #[serde(borrow)]
    pub image: Option<Object<ImageVolumeFields<'a>>>,
}

#[derive(Deserialize)]
pub(crate) struct ImageVolumeFields<'a> {
    #[serde(borrow, default)]
    pub reference: Member<'a>,
    #[serde(borrow, default, rename = "pullPolicy")]
    pub pull_policy: Member<'a>,
}
