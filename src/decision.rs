//! The decision, a pure function of what the request says and the settings:
//! first which requests the policy judges at all (`scope`, from the request
//! envelope alone, so exempt requests never read the object), then the verdict
//! on the image entries of the ones it judges (`decide`).

use std::collections::BTreeSet;

use crate::image_reference::ImageReference;
use crate::pod_spec::{EntryList, ImageEntry};
use crate::pod_template::PodTemplate;
use crate::pull_policy::{EffectivePolicy, PullPolicy};
use crate::request::AdmissionRequest;
use crate::settings::Rules;
use crate::workload::Workload;
use crate::workload_kind::WorkloadKind;

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

impl Target {
    /// An UPDATE of a workload, not of a Pod: decided on its pod template first.
    pub fn updates_workload(self) -> bool {
        self.operation == Operation::Update && self.kind != WorkloadKind::Pod
    }
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

pub fn scope(request: &AdmissionRequest<'_>, rules: &Rules) -> Result<Target, Ignored> {
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
    if rules
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
    /// The entry's position in [`Workload::entries`].
    pub position: usize,
    pub effective: EffectivePolicy<'w>,
}

/// Why a judged request is accepted untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// A mirror pod: the kubelet owns it and never runs its containers from the API.
    MirrorPod,
    /// A Pod UPDATE that brings no image the old Pod did not already have: its
    /// pull policies are immutable, and its running containers keep theirs.
    NoNewImage,
    /// A workload UPDATE that leaves the pod template as it was: it makes no new
    /// Pod, and a patch would roll out Pods nobody asked for.
    TemplateUnchanged,
    /// A Job UPDATE: its template is immutable but for a suspended Job's
    /// scheduling directives, so it is never patched; its Pods are judged.
    JobUpdate,
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

/// Why a request with violations is accepted unchanged, with warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leniency {
    /// `warnOnly`: the request would be rejected; the remedy is what to do.
    WarnOnly(Remedy),
    /// A ReplicaSet or ReplicationController that a controller owns (a
    /// Deployment, say), in mutate mode: patching its template would make that
    /// controller create new ones in a loop; its Pods are patched instead.
    ControlledTemplate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<'w, 'a> {
    Accept(Accepted),
    Reject(Vec<Violation<'w, 'a>>, Remedy),
    /// Accept unchanged, with a warning per violation.
    Warn(Vec<Violation<'w, 'a>>, Leniency),
    /// Accept with these entries' pull policies set to `Always`.
    Mutate(Vec<Violation<'w, 'a>>),
}

/// The verdict on a request in scope: which entries are judged, which of them
/// violate the rules, and what to do about it.
pub fn decide<'w, 'a>(
    target: Target,
    object: &'w Workload<'a>,
    old_object: Option<&Workload<'_>>,
    rules: &Rules,
) -> Decision<'w, 'a> {
    let judged = match judged_entries(target, object, old_object) {
        Ok(judged) => judged,
        Err(accepted) => return Decision::Accept(accepted),
    };
    let violations: Vec<Violation<'w, 'a>> = judged
        .into_iter()
        .filter_map(|(position, entry)| violation(position, entry, rules))
        .collect();
    let controlled_template = matches!(
        target.kind,
        WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController
    ) && object.controller.is_some();
    verdict(target, violations, controlled_template, rules)
}

/// The entries (with their positions) a request is judged on, or why it is
/// accepted without judging any.
fn judged_entries<'w, 'a>(
    target: Target,
    object: &'w Workload<'a>,
    old_object: Option<&Workload<'_>>,
) -> Result<Vec<(usize, &'w ImageEntry<'a>)>, Accepted> {
    if target.kind == WorkloadKind::Pod && object.mirror {
        return Err(Accepted::MirrorPod);
    }
    let entries = object.entries.iter().enumerate();
    if target.ephemeral_containers {
        // Only the ephemeral containers this request adds. Without an old
        // object, every one of them is new.
        let existing: BTreeSet<&str> = old_object
            .map(|old| ephemeral_names(old).collect())
            .unwrap_or_default();
        return Ok(entries
            .filter(|(_, entry)| entry.list == EntryList::EphemeralContainers)
            .filter(|(_, entry)| entry.name.as_deref().is_none_or(|n| !existing.contains(n)))
            .collect());
    }
    if target.operation == Operation::Create {
        return Ok(entries.collect());
    }
    match (target.kind, old_object) {
        (WorkloadKind::Pod, Some(old)) => {
            // Running containers keep their (immutable) policy: judge only the
            // entries whose image changes.
            let old_images: BTreeSet<&str> = old.entries.iter().map(|e| e.image.as_ref()).collect();
            let is_new = |entry: &ImageEntry<'_>| !old_images.contains(entry.image.as_ref());
            let judged: Vec<_> = entries.filter(|(_, entry)| is_new(entry)).collect();
            match judged.is_empty() {
                true => Err(Accepted::NoNewImage),
                false => Ok(judged),
            }
        }
        _ => {
            let old_template = old_object.and_then(|old| old.template.as_ref());
            match settled_by_template(target, object.template.as_ref(), old_template) {
                Some(accepted) => Err(accepted),
                // A changed template makes new Pods from all of it: judged as a
                // CREATE, as is an UPDATE whose old object is missing (the
                // stricter reading).
                None => Ok(entries.collect()),
            }
        }
    }
}

/// A workload UPDATE that its pod templates settle before any entry is
/// judged: an unchanged template, or any Job UPDATE. `None` for every other
/// request, which is judged on its entries.
pub fn settled_by_template(
    target: Target,
    template: Option<&PodTemplate<'_>>,
    old_template: Option<&PodTemplate<'_>>,
) -> Option<Accepted> {
    match (template, old_template) {
        _ if !target.updates_workload() => None,
        (Some(new), Some(old)) if new == old => Some(Accepted::TemplateUnchanged),
        _ if target.kind == WorkloadKind::Job => Some(Accepted::JobUpdate),
        _ => None,
    }
}

/// What becomes of a request with these violations.
fn verdict<'w, 'a>(
    target: Target,
    violations: Vec<Violation<'w, 'a>>,
    controlled_template: bool,
    rules: &Rules,
) -> Decision<'w, 'a> {
    if violations.is_empty() {
        return Decision::Accept(Accepted::Compliant);
    }
    // A Pod's pull policies are immutable: an update of one cannot be patched.
    let updates_pod = target.kind == WorkloadKind::Pod
        && target.operation == Operation::Update
        && !target.ephemeral_containers;
    if rules.warn_only {
        let remedy = match updates_pod {
            true => Remedy::RecreatePod,
            false => Remedy::FixOrExempt,
        };
        return Decision::Warn(violations, Leniency::WarnOnly(remedy));
    }
    match rules.mutate {
        false => Decision::Reject(violations, Remedy::FixOrExempt),
        true if updates_pod => Decision::Reject(violations, Remedy::RecreatePod),
        true if controlled_template => Decision::Warn(violations, Leniency::ControlledTemplate),
        true => Decision::Mutate(violations),
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
fn violation<'w, 'a>(
    position: usize,
    entry: &'w ImageEntry<'a>,
    rules: &Rules,
) -> Option<Violation<'w, 'a>> {
    let declared = entry.pull_policy.as_deref();
    if declared == Some(PullPolicy::Always.as_str()) {
        // The common case, decided without parsing the image.
        return None;
    }
    let reference = ImageReference::parse(&entry.image).ok();
    let effective = EffectivePolicy::of(declared, reference.as_ref());
    let exempt = reference.as_ref().is_some_and(|reference| {
        (rules.exempt_digest_pinned && reference.digest().is_some())
            || rules
                .trusted_registries
                .iter()
                .any(|registry| registry.trusts(reference))
    });
    (!effective.is_always() && !exempt).then_some(Violation {
        entry,
        position,
        effective,
    })
}

#[cfg(test)]
mod tests;
