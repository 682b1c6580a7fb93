//! The decision, a pure function of what the request says and the settings:
//! first which requests the policy judges at all (`scope`, from the request
//! envelope alone, so exempt requests never read the object), then the verdict
//! on the image entries of the ones it judges (`decide`).

use crate::custom_resource::CustomResource;
use crate::image_reference::{ImageReference, ReferenceError};
use crate::pod_spec::ImageEntry;
use crate::pull_policy::{EffectivePolicy, PullPolicy};
use crate::settings::Rules;
use crate::vocabulary::WorkloadKind;
use crate::workload::Workload;

mod judged;

pub(crate) use judged::settled_by_template;
use judged::{Judged, judged_entries};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Create,
    Update,
}

/// What a judged object is: one of Kubernetes' workloads, or a custom
/// resource whose places the known table or the settings name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind<'r> {
    Workload(WorkloadKind),
    Custom(&'r CustomResource),
}

impl<'r> Kind<'r> {
    /// The kind's name, as messages write it (`Deployment`, `Rollout`).
    pub(crate) fn name(self) -> &'r str {
        match self {
            Kind::Workload(kind) => kind.name(),
            Kind::Custom(resource) => &resource.kind,
        }
    }

    pub(crate) fn is(self, kind: WorkloadKind) -> bool {
        self == Kind::Workload(kind)
    }
}

/// A request the policy judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target<'r> {
    pub kind: Kind<'r>,
    pub operation: Operation,
    /// A `pods/ephemeralcontainers` request (`kubectl debug`).
    pub ephemeral_containers: bool,
}

impl Target<'_> {
    /// An UPDATE of a workload, not of a Pod: decided on its pod template first.
    pub(crate) fn updates_workload(self) -> bool {
        self.operation == Operation::Update && !self.kind.is(WorkloadKind::Pod)
    }
}

/// What the decision reads of a request's envelope (the wire's
/// `AdmissionRequest` lends it these fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RequestView<'r> {
    /// `kind.group`: `""` for the core group.
    pub group: &'r str,
    /// `kind.kind`.
    pub kind: &'r str,
    /// `subResource`: `""` for the object itself.
    pub sub_resource: &'r str,
    pub namespace: &'r str,
    pub operation: &'r str,
}

/// Whether the policy judges a request, from its envelope alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope<'r> {
    Judge(Target<'r>),
    Skip(Ignored),
}

/// Every reason to leave a request alone without reading its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ignored {
    /// A kind the policy does not know (neither a Kubernetes workload nor a
    /// custom resource it knows or the settings name): accepted with a
    /// warning that names it, never read as a kind of the same name.
    UnknownKind,
    /// DELETE or CONNECT.
    Operation,
    /// A subresource other than `pods/ephemeralcontainers` (status, scale, ...).
    SubResource,
    /// The request's namespace matches this `exemptNamespaces` entry.
    ExemptNamespace(usize),
}

pub(crate) fn scope<'r>(request: &RequestView<'_>, rules: &'r Rules) -> Scope<'r> {
    let operation = match request.operation {
        "CREATE" => Operation::Create,
        "UPDATE" => Operation::Update,
        _ => return Scope::Skip(Ignored::Operation),
    };
    let kind = WorkloadKind::from_group_kind(request.group, request.kind).map(Kind::Workload);
    let ephemeral_containers = match (kind, request.sub_resource) {
        (_, "") => false,
        (Some(Kind::Workload(WorkloadKind::Pod)), "ephemeralcontainers") => true,
        // Kubernetes 1.16 to 1.21 send an `EphemeralContainers` object here:
        // a kind the policy does not know, said so.
        (None, "ephemeralcontainers") => false,
        _ => return Scope::Skip(Ignored::SubResource),
    };
    if let Some(entry) = rules.exempt_namespace(request.namespace) {
        return Scope::Skip(Ignored::ExemptNamespace(entry));
    }
    let kind = kind.or_else(|| {
        rules
            .custom_resource(request.group, request.kind)
            .map(Kind::Custom)
    });
    // `ephemeral_containers` is set for a Pod only (above).
    match kind {
        Some(kind) => Scope::Judge(Target {
            kind,
            operation,
            ephemeral_containers,
        }),
        None => Scope::Skip(Ignored::UnknownKind),
    }
}

/// An entry whose pull policy is not `Always` and that no setting exempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Violation<'w, 'a> {
    pub entry: &'w ImageEntry<'a>,
    pub effective: EffectivePolicy<'w>,
    /// Why the image cannot be parsed, when it cannot (no exemption applies).
    pub unparsable: Option<ReferenceError>,
}

/// The setting that exempts an entry whose pull policy is not `Always`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exemption {
    /// This `trustedRegistries` entry trusts the image.
    TrustedRegistry(usize),
    /// `exemptDigestPinned`, and the image is pinned by digest.
    DigestPinned,
}

/// What the decision saw besides its verdict, for the audit annotations:
/// entries not pulling `Always` that a setting exempts, and those an update
/// left alone.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Evidence<'w, 'a> {
    pub exempt: Vec<(&'w ImageEntry<'a>, Exemption)>,
    pub unchanged: Vec<&'w ImageEntry<'a>>,
}

/// Why a judged request is accepted untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accepted {
    /// A mirror pod: the kubelet owns it and never runs its containers from the API.
    MirrorPod,
    /// A Pod UPDATE in which no entry's image changed (none is new to the Pod,
    /// and none differs from the image of the same entry before): its pull
    /// policies are immutable, and its running containers keep theirs.
    NoNewImage,
    /// A workload UPDATE that leaves the pod template as it was: it makes no new
    /// Pod, and a patch would roll out Pods nobody asked for.
    TemplateUnchanged,
    /// A Job UPDATE: its template is immutable but for a suspended Job's
    /// scheduling directives, so it is never patched; its Pods are judged.
    JobUpdate,
    /// An UPDATE of a custom resource whose spec is immutable (a JobSet, a
    /// TaskRun): never rejected or patched, as a Job's; its Pods are judged.
    ImmutableSpec,
    /// Every judged entry pulls `Always` or is exempt.
    Compliant,
}

/// What the user can do about a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Remedy {
    /// Set the pull policy to `Always`, or exempt the image or namespace.
    FixOrExempt,
    /// A Pod's pull policies are immutable: recreate it or fix its controller.
    RecreatePod,
}

/// Why a request with violations is accepted unchanged, with warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leniency {
    /// `warnOnly`: the request would be rejected; the remedy is what to do.
    WarnOnly(Remedy),
    /// A workload or custom resource that another object owns (a ReplicaSet
    /// of a Deployment or an Argo Rollout, a Job of a CronJob, a Deployment
    /// of a Knative Revision, the Flink operator's JobManager Deployment with
    /// `controller: false`), in every mode: its owner's controller wrote it
    /// from a template of its own, so rejecting it stalls that controller,
    /// and patching it makes the controller fight the patch. Its Pods are
    /// judged when they are created.
    ControlledTemplate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision<'w, 'a> {
    Accept(Accepted),
    Reject(Vec<Violation<'w, 'a>>, Remedy),
    /// Accept unchanged, with a warning per violation.
    Warn(Vec<Violation<'w, 'a>>, Leniency),
    /// Accept with these entries' pull policies set to `Always`.
    Mutate(Vec<Violation<'w, 'a>>),
}

/// The verdict on a request in scope: which entries are judged, which of them
/// violate the rules, and what to do about it.
#[cfg(any(test, feature = "bench"))]
pub(crate) fn decide<'w, 'a>(
    target: Target<'_>,
    object: &'w Workload<'a>,
    old_object: Option<&Workload<'_>>,
    rules: &Rules,
) -> Decision<'w, 'a> {
    decide_with_evidence(target, object, old_object, rules).0
}

/// [`decide`], with the evidence the audit annotations record.
pub(crate) fn decide_with_evidence<'w, 'a>(
    target: Target<'_>,
    object: &'w Workload<'a>,
    old_object: Option<&Workload<'_>>,
    rules: &Rules,
) -> (Decision<'w, 'a>, Evidence<'w, 'a>) {
    let judged = match judged_entries(target, object, old_object) {
        Judged::Settled(accepted) => return (Decision::Accept(accepted), Evidence::default()),
        judged => judged,
    };
    let mut violations = Vec::new();
    let mut evidence = Evidence::default();
    for entry in &object.entries {
        match (judged.includes(entry), judge(entry, rules)) {
            (_, Judgement::Complies) => {}
            (false, _) => evidence.unchanged.push(entry),
            (true, Judgement::Exempt(exemption)) => evidence.exempt.push((entry, exemption)),
            (true, Judgement::Violates(violation)) => violations.push(violation),
        }
    }
    // A Pod is judged whoever owns it: a forged owner reference gains nothing.
    let controlled_template = !target.kind.is(WorkloadKind::Pod) && object.owner.is_some();
    let decision = verdict(target, violations, controlled_template, rules);
    (decision, evidence)
}

/// What becomes of a request with these violations.
fn verdict<'w, 'a>(
    target: Target<'_>,
    violations: Vec<Violation<'w, 'a>>,
    controlled_template: bool,
    rules: &Rules,
) -> Decision<'w, 'a> {
    if violations.is_empty() {
        return Decision::Accept(Accepted::Compliant);
    }
    if controlled_template {
        return Decision::Warn(violations, Leniency::ControlledTemplate);
    }
    // A Pod's pull policies are immutable: an update of one cannot be patched.
    let updates_pod = target.kind.is(WorkloadKind::Pod)
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
        true => Decision::Mutate(violations),
    }
}

/// What the rules make of one entry.
enum Judgement<'w, 'a> {
    /// It pulls `Always` (declared, or defaulted so).
    Complies,
    Exempt(Exemption),
    Violates(Violation<'w, 'a>),
}

/// The entry complies when it pulls `Always`, comes from a trusted registry, or
/// (with `exemptDigestPinned`) is pinned by digest. An image the runtime cannot
/// parse is never exempt.
fn judge<'w, 'a>(entry: &'w ImageEntry<'a>, rules: &Rules) -> Judgement<'w, 'a> {
    let declared = entry.pull_policy.as_deref();
    if declared == Some(PullPolicy::Always.as_str()) {
        // The common case, decided without parsing the image.
        return Judgement::Complies;
    }
    let parsed = ImageReference::parse(&entry.image);
    // An operator's own default (`IfNotPresent`) does not read the tag.
    let by_tag = parsed.as_ref().ok().filter(|_| entry.defaults_by_tag);
    let effective = EffectivePolicy::of(declared, by_tag);
    if effective.is_always() {
        return Judgement::Complies;
    }
    match parsed {
        Ok(reference) => match exemption(&entry.image, &reference, rules) {
            Some(exemption) => Judgement::Exempt(exemption),
            None => Judgement::Violates(Violation {
                entry,
                effective,
                unparsable: None,
            }),
        },
        Err(reason) => Judgement::Violates(Violation {
            entry,
            effective,
            unparsable: Some(reason),
        }),
    }
}

/// The setting that exempts `image`, if any (the digest pin first).
fn exemption(image: &str, reference: &ImageReference<'_>, rules: &Rules) -> Option<Exemption> {
    if rules.exempt_digest_pinned && reference.digest().is_some() {
        return Some(Exemption::DigestPinned);
    }
    rules
        .trusted_registry(image, reference)
        .map(Exemption::TrustedRegistry)
}

#[cfg(test)]
mod tests;
