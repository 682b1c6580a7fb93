//! The policy's rules broken on purpose, one at a time, for the model's own
//! mutation test: each must make an invariant fail. [`Faulty`] bends the
//! policy's answers (or the request it judges); nothing of this is in
//! policy.wasm.

use serde_json::{Value, json};

use crate::backend::{Exemptions, PolicyBackend, PolicyId, PolicyMode, Review};
use crate::objects;

/// One rule of the policy broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pod UPDATEs accepted without being judged.
    PodUpdatesUnjudged,
    /// A Pod UPDATE judged only on images new to the Pod, not on each entry
    /// whose image changed.
    OnlyNewImagesJudged,
    /// Job UPDATEs patched in mutate mode.
    JobUpdatesPatched,
    /// Workloads that a controller owns patched in mutate mode.
    ControlledPatched,
    /// Workloads that a controller owns rejected by the validating policy.
    ControlledRejected,
    /// Mutate mode rejects the Pods it should patch.
    MutateRejectsPods,
    /// Mutate mode rejects the workloads it should patch.
    MutateRejectsWorkloads,
    /// An UPDATE that leaves the template unchanged patched in mutate mode.
    UnchangedTemplatePatched,
    /// Warn-only mode rejects what it should only warn about.
    WarnOnlyRejects,
    /// `exemptNamespaces` ignored on UPDATE.
    ExemptNamespacesIgnoredOnUpdate,
    /// `trustedRegistries` ignored on UPDATE.
    TrustedRegistriesIgnoredOnUpdate,
    /// A Pod that names an owner accepted as written, as a workload is
    /// (a forged owner reference would then buy a Pod its way in).
    OwnedPodsUnjudged,
    /// A Pod UPDATE judged without its init containers.
    PodUpdateIgnoresInitContainers,
}

impl Fault {
    pub const ALL: [Fault; 13] = [
        Fault::PodUpdatesUnjudged,
        Fault::OnlyNewImagesJudged,
        Fault::JobUpdatesPatched,
        Fault::ControlledPatched,
        Fault::ControlledRejected,
        Fault::MutateRejectsPods,
        Fault::MutateRejectsWorkloads,
        Fault::UnchangedTemplatePatched,
        Fault::WarnOnlyRejects,
        Fault::ExemptNamespacesIgnoredOnUpdate,
        Fault::TrustedRegistriesIgnoredOnUpdate,
        Fault::OwnedPodsUnjudged,
        Fault::PodUpdateIgnoresInitContainers,
    ];
}

/// A backend whose answers break one rule ([`Fault`]).
pub struct Faulty<B> {
    pub inner: B,
    pub fault: Fault,
}

impl<B: PolicyBackend> PolicyBackend for Faulty<B> {
    fn review(&mut self, policy: PolicyId, request: &Value) -> Result<Review, String> {
        let (policy, judged) = misread(self.fault, policy, request);
        let review = self
            .inner
            .review(policy, judged.as_ref().unwrap_or(request))?;
        Ok(bend(self.fault, policy, request, review))
    }
}

/// What a request is, as the faults read it.
struct Seen<'r> {
    kind: &'r str,
    update: bool,
    sub_resource: bool,
    controlled: bool,
    /// The object names an owner, controlling or not.
    owned: bool,
    object: &'r Value,
}

impl<'r> Seen<'r> {
    fn of(request: &'r Value) -> Self {
        let object = request.get("object").unwrap_or(&Value::Null);
        Seen {
            kind: request
                .pointer("/kind/kind")
                .and_then(Value::as_str)
                .unwrap_or(""),
            update: request["operation"] == "UPDATE",
            sub_resource: request.get("subResource").is_some_and(|s| s != ""),
            controlled: objects::controller_uid(object).is_some(),
            owned: !objects::owner_uids(object).is_empty(),
            object,
        }
    }

    fn pod(&self) -> bool {
        self.kind == "Pod"
    }

    fn pod_update(&self) -> bool {
        self.pod() && self.update && !self.sub_resource
    }
}

/// The policy and request a fault judges with instead of the real ones
/// (`None`: the request as it is).
fn misread(fault: Fault, policy: PolicyId, request: &Value) -> (PolicyId, Option<Value>) {
    let seen = Seen::of(request);
    let exempt = policy.exemptions == Exemptions::All;
    let without = |exemptions| PolicyId {
        exemptions,
        ..policy
    };
    match fault {
        Fault::ExemptNamespacesIgnoredOnUpdate if seen.update && exempt => {
            (without(Exemptions::WithoutNamespaces), None)
        }
        Fault::TrustedRegistriesIgnoredOnUpdate if seen.update && exempt => {
            (without(Exemptions::WithoutRegistries), None)
        }
        Fault::PodUpdateIgnoresInitContainers if seen.pod_update() => {
            (policy, with_old_init_containers(request))
        }
        _ => (policy, None),
    }
}

/// The request with the object's init containers replaced by the old
/// object's (as if their images had not changed).
fn with_old_init_containers(request: &Value) -> Option<Value> {
    let old = request.pointer("/oldObject/spec/initContainers")?.clone();
    let mut request = request.clone();
    request["object"]["spec"]["initContainers"] = old;
    Some(request)
}

fn accept() -> Review {
    Review {
        allowed: true,
        message: None,
        patch: None,
        warnings: Vec::new(),
    }
}

fn reject(why: &str) -> Review {
    Review {
        allowed: false,
        message: Some(format!("fault: {why}")),
        patch: None,
        warnings: Vec::new(),
    }
}

fn bend(fault: Fault, policy: PolicyId, request: &Value, review: Review) -> Review {
    let seen = Seen::of(request);
    match fault {
        Fault::PodUpdatesUnjudged if seen.pod_update() => accept(),
        Fault::OwnedPodsUnjudged if seen.pod() && seen.owned => accept(),
        Fault::OnlyNewImagesJudged if seen.pod_update() && no_new_image(request) => accept(),
        Fault::JobUpdatesPatched if seen.kind == "Job" && seen.update && policy.mutates() => {
            with_patch(&seen, review)
        }
        Fault::ControlledPatched if seen.controlled && !seen.pod() && policy.mutates() => {
            with_patch(&seen, review)
        }
        Fault::ControlledRejected
            if seen.controlled
                && !seen.pod()
                && policy.mode == PolicyMode::Validate
                && !review.warnings.is_empty() =>
        {
            reject("a controller's workload")
        }
        Fault::MutateRejectsPods if seen.pod() && review.patch.is_some() => reject("a Pod"),
        Fault::MutateRejectsWorkloads if !seen.pod() && review.patch.is_some() => {
            reject("a workload")
        }
        Fault::UnchangedTemplatePatched
            if seen.update && !seen.pod() && policy.mutates() && review.patch.is_none() =>
        {
            with_patch(&seen, review)
        }
        Fault::WarnOnlyRejects
            if policy.mode == PolicyMode::WarnOnly && !review.warnings.is_empty() =>
        {
            reject("warn-only")
        }
        _ => review,
    }
}

/// Whether every image of a Pod UPDATE's object was in its old object.
fn no_new_image(request: &Value) -> bool {
    let images = |object: &Value| -> Vec<String> {
        objects::entries(object.get("spec").unwrap_or(&Value::Null))
            .into_iter()
            .map(|(image, _)| image)
            .collect()
    };
    let old = images(request.get("oldObject").unwrap_or(&Value::Null));
    images(request.get("object").unwrap_or(&Value::Null))
        .iter()
        .all(|image| old.contains(image))
}

/// The answer with a patch that sets every entry's pull policy to `Always`.
fn with_patch(seen: &Seen<'_>, mut review: Review) -> Review {
    let spec = match seen.kind {
        "Pod" => "/spec",
        "CronJob" => "/spec/jobTemplate/spec/template/spec",
        _ => "/spec/template/spec",
    };
    let mut ops = Vec::new();
    for list in ["initContainers", "containers"] {
        let entries = seen.object.pointer(&format!("{spec}/{list}"));
        for (i, entry) in entries
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if entry["imagePullPolicy"] != "Always" {
                let path = format!("{spec}/{list}/{i}/imagePullPolicy");
                ops.push(json!({"op": "add", "path": path, "value": "Always"}));
            }
        }
    }
    if !ops.is_empty() {
        review.allowed = true;
        review.message = None;
        review.patch = Some(Value::Array(ops));
    }
    review
}
