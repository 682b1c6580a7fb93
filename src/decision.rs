//! The decision, a pure function of what the request says and the settings:
//! first which requests the policy judges at all (`scope`, from the request
//! envelope alone, so exempt requests never read the object), then the verdict
//! on the image entries of the ones it judges (`decide`).

use std::collections::BTreeSet;

use crate::image_reference::ImageReference;
use crate::pod_spec::{EntryList, ImageEntry, Workload, WorkloadKind};
use crate::pull_policy::{EffectivePolicy, PullPolicy};
use crate::request::AdmissionRequest;
use crate::settings::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
}

/// A request the policy judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub kind: WorkloadKind,
    pub operation: Operation,
    /// A `pods/ephemeralcontainers` request (`kubectl debug`).
    pub ephemeral_containers: bool,
}

/// Every reason to leave a request alone without reading its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// Neither a Pod nor a workload controller that makes Pods.
    NotAWorkload,
    /// DELETE or CONNECT.
    Operation,
    /// A subresource other than `pods/ephemeralcontainers` (status, scale, ...).
    SubResource,
    /// The request's namespace matches `exemptNamespaces`.
    ExemptNamespace,
}

pub fn scope(request: &AdmissionRequest<'_>, policy: &Policy) -> Result<Target, Ignored> {
    let kind = WorkloadKind::from_group_kind(&request.kind.group, &request.kind.kind)
        .ok_or(Ignored::NotAWorkload)?;
    let operation = match request.operation.as_ref() {
        "CREATE" => Operation::Create,
        "UPDATE" => Operation::Update,
        _ => return Err(Ignored::Operation),
    };
    let ephemeral_containers = match (kind, request.sub_resource.as_ref()) {
        (_, "") => false,
        (WorkloadKind::Pod, "ephemeralcontainers") => true,
        _ => return Err(Ignored::SubResource),
    };
    if policy
        .exempt_namespaces
        .iter()
        .any(|pattern| pattern.matches(&request.namespace))
    {
        return Err(Ignored::ExemptNamespace);
    }
    Ok(Target {
        kind,
        operation,
        ephemeral_containers,
    })
}

/// An entry whose pull policy is not `Always` and that no setting exempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Violation<'w, 'a> {
    pub entry: &'w ImageEntry<'a>,
    pub effective: EffectivePolicy<'w>,
}

/// Why a judged request is accepted untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// A mirror pod: the kubelet owns it and never runs its containers from the API.
    MirrorPod,
    /// An UPDATE that brings no image the old object did not already have.
    NoNewImage,
    /// Every judged entry pulls `Always` or is exempt.
    Compliant,
}

/// What the user can do about a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Set the pull policy to `Always`, or exempt the image or namespace.
    FixOrExempt,
    /// A Pod's pull policies are immutable: recreate it or fix its controller.
    RecreatePod,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<'w, 'a> {
    Accept(Accepted),
    Reject(Vec<Violation<'w, 'a>>, Remedy),
    /// Accept unchanged, with a warning per violation (ReplicaSets in mutate mode:
    /// patching them would make their Deployment create ReplicaSets in a loop).
    Warn(Vec<Violation<'w, 'a>>),
    /// Accept with these entries' pull policies set to `Always`.
    Mutate(Vec<Violation<'w, 'a>>),
}

pub fn decide<'w, 'a>(
    target: Target,
    object: &'w Workload<'a>,
    old_object: Option<&Workload<'_>>,
    policy: &Policy,
) -> Decision<'w, 'a> {
    if target.kind == WorkloadKind::Pod && object.mirror {
        return Decision::Accept(Accepted::MirrorPod);
    }
    let judged: Vec<&'w ImageEntry<'a>> = match (target, old_object) {
        (
            Target {
                ephemeral_containers: true,
                ..
            },
            old,
        ) => {
            // Only the ephemeral containers this request adds. Without an old
            // object, every one of them is new.
            let existing: BTreeSet<&str> = old
                .map(|old| ephemeral_names(old).collect())
                .unwrap_or_default();
            object
                .entries
                .iter()
                .filter(|entry| entry.list == EntryList::EphemeralContainers)
                .filter(|entry| {
                    entry
                        .name
                        .as_deref()
                        .is_none_or(|name| !existing.contains(name))
                })
                .collect()
        }
        (
            Target {
                operation: Operation::Update,
                kind,
                ..
            },
            Some(old),
        ) => {
            let old_images: BTreeSet<&str> = old
                .entries
                .iter()
                .map(|entry| entry.image.as_ref())
                .collect();
            let is_new = |entry: &&ImageEntry<'_>| !old_images.contains(entry.image.as_ref());
            if !object.entries.iter().any(|entry| is_new(&entry)) {
                return Decision::Accept(Accepted::NoNewImage);
            }
            match kind {
                // Running containers keep their (immutable) policy: judge only
                // the entries whose image changes.
                WorkloadKind::Pod => object.entries.iter().filter(is_new).collect(),
                // A new template rolls out new Pods: all of it must comply.
                _ => object.entries.iter().collect(),
            }
        }
        _ => object.entries.iter().collect(),
    };

    let violations: Vec<Violation<'w, 'a>> = judged
        .into_iter()
        .filter_map(|entry| violation(entry, policy))
        .collect();
    if violations.is_empty() {
        return Decision::Accept(Accepted::Compliant);
    }
    let updates_pod = target.kind == WorkloadKind::Pod
        && target.operation == Operation::Update
        && !target.ephemeral_containers;
    match (policy.mutate, target.kind) {
        (false, _) => Decision::Reject(violations, Remedy::FixOrExempt),
        (true, _) if updates_pod => Decision::Reject(violations, Remedy::RecreatePod),
        (true, WorkloadKind::ReplicaSet) => Decision::Warn(violations),
        (true, _) => Decision::Mutate(violations),
    }
}

fn ephemeral_names<'w>(workload: &'w Workload<'_>) -> impl Iterator<Item = &'w str> {
    workload
        .entries
        .iter()
        .filter(|entry| entry.list == EntryList::EphemeralContainers)
        .filter_map(|entry| entry.name.as_deref())
}

/// The entry complies when it pulls `Always`, comes from a trusted registry, or
/// (with `exemptDigestPinned`) is pinned by digest. An image the runtime cannot
/// parse is never exempt.
fn violation<'w, 'a>(entry: &'w ImageEntry<'a>, policy: &Policy) -> Option<Violation<'w, 'a>> {
    let declared = entry.pull_policy.as_deref();
    if declared == Some(PullPolicy::Always.as_str()) {
        // The common case, decided without parsing the image.
        return None;
    }
    let reference = ImageReference::parse(&entry.image).ok();
    let effective = EffectivePolicy::of(declared, reference.as_ref());
    let exempt = reference.as_ref().is_some_and(|reference| {
        (policy.exempt_digest_pinned && reference.digest().is_some())
            || policy
                .trusted_registries
                .iter()
                .any(|registry| registry.trusts(reference))
    });
    (!effective.is_always() && !exempt).then_some(Violation { entry, effective })
}

#[cfg(test)]
mod tests;
