//! Custom resources whose pod templates the policy judges: where each keeps
//! them (its places), written as paths over its JSON, for the resources the
//! policy knows (`known`) and those the `customResources` setting names.
//! The paths are read when a request of the kind comes; nothing is parsed
//! for the built-in kinds.

use std::borrow::Cow;

mod known;
mod path;

pub(crate) use known::{find as find_known, known_kinds};
pub(crate) use path::{Step, steps as path_steps};

#[cfg(test)]
pub(crate) use known::all as all_known;

/// What stands at a place of a custom resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A `PodTemplateSpec`: its `spec` is a pod spec.
    PodTemplate,
    /// A `PodSpec`.
    PodSpec,
    /// One container-like object with `image` and `imagePullPolicy`; when
    /// its own policy is unset, the same member of the object named here
    /// (a sibling of the list that holds it: Tekton's `stepTemplate`)
    /// applies, and else `unset`.
    Container {
        inherits: Option<&'static str>,
        unset: Unset,
    },
}

/// What an unset pull policy of a container comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unset {
    /// The Pod's: the API server defaults it from the image's tag.
    ByTag,
    /// `IfNotPresent` whatever the tag: the operator's own default (Flink,
    /// Spark, KubeRay's autoscaler).
    IfNotPresent,
}

impl Shape {
    /// A container whose unset policy the Pod's defaulting decides.
    pub(crate) const CONTAINER: Shape = Shape::Container {
        inherits: None,
        unset: Unset::ByTag,
    };
}

/// One place of a custom resource: a path (`spec.replicatedJobs[*].template`)
/// and what stands there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub path: Cow<'static, str>,
    pub shape: Shape,
}

impl Place {
    pub(crate) fn at(path: Cow<'static, str>, shape: Shape) -> Place {
        Place { path, shape }
    }
}

/// A custom resource, by API group and kind, and where it keeps what makes
/// Pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CustomResource {
    pub group: Cow<'static, str>,
    pub kind: Cow<'static, str>,
    pub places: Vec<Place>,
    /// Its spec cannot change after creation (a JobSet, a TaskRun): an
    /// UPDATE is never rejected or patched, as a Job's is not.
    pub immutable: bool,
}

impl CustomResource {
    pub(crate) fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }
}

/// Why `group` is no custom resource's API group (a DNS subdomain with a
/// dot, as the API server requires of a CRD's group), if it is not.
pub(crate) fn group_problem(group: &str) -> Option<&'static str> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    match group {
        "" => Some("is empty"),
        _ if group.len() > 253 => Some("is longer than 253 characters"),
        _ if !group.contains('.') => Some("has no dot (a custom resource's group is a domain)"),
        _ if !group.split('.').all(label_ok) => {
            Some("is no DNS subdomain (lowercase letters, digits, '-' and '.')")
        }
        _ => None,
    }
}

/// Why `kind` is no kind name (`Widget`: a letter first, then letters and
/// digits), if it is not.
pub(crate) fn kind_problem(kind: &str) -> Option<&'static str> {
    match kind.as_bytes().first() {
        None => Some("is empty"),
        Some(first) if !first.is_ascii_alphabetic() => Some("does not start with a letter"),
        _ if !kind.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Some("holds other than letters and digits")
        }
        _ => None,
    }
}

/// The places a setting names, one list per shape.
pub(crate) struct Named<'s> {
    pub pod_templates: &'s [String],
    pub pod_specs: &'s [String],
    pub containers: &'s [String],
}

/// The custom resource a setting names; each problem with its paths is
/// reported to `problem`, by list and position.
pub(crate) fn from_setting(
    group: &str,
    kind: &str,
    named: &Named<'_>,
    immutable: bool,
    problem: &mut dyn FnMut(String),
) -> CustomResource {
    let mut places = Vec::new();
    for (list, paths, shape) in [
        ("podTemplates", named.pod_templates, Shape::PodTemplate),
        ("podSpecs", named.pod_specs, Shape::PodSpec),
        ("containers", named.containers, Shape::CONTAINER),
    ] {
        for (index, path) in paths.iter().enumerate() {
            match path::steps(path) {
                Ok(_) => places.push(Place::at(Cow::Owned(path.clone()), shape)),
                Err(why) => problem(format!("has {list}[{index}] {path:?} that {why}")),
            }
        }
    }
    if places.is_empty()
        && named.pod_templates.is_empty()
        && named.pod_specs.is_empty()
        && named.containers.is_empty()
    {
        problem("names no place (podTemplates, podSpecs or containers)".to_owned());
    }
    CustomResource {
        group: Cow::Owned(group.to_owned()),
        kind: Cow::Owned(kind.to_owned()),
        places,
        immutable,
    }
}
