//! Where the model's admission requests go: the policy in process, or (in the
//! host's tests) the real policy-server over HTTP. Both answer with what the
//! API server reads of an AdmissionResponse.

use serde_json::{Value, json};

use crate::objects::EXEMPTIONS;

/// The three ways the policy is configured, each as one policy of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyMode {
    Validate,
    Mutate,
    WarnOnly,
}

/// One policy the model's admission chain calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PolicyId {
    pub mode: PolicyMode,
    pub exemptions: bool,
}

impl PolicyId {
    /// Every policy the model may call, for a policy server to load.
    pub fn all() -> Vec<PolicyId> {
        let modes = [
            PolicyMode::Validate,
            PolicyMode::Mutate,
            PolicyMode::WarnOnly,
        ];
        modes
            .into_iter()
            .flat_map(|mode| {
                [false, true]
                    .into_iter()
                    .map(move |exemptions| PolicyId { mode, exemptions })
            })
            .collect()
    }

    /// The policy's id on the policy server.
    pub fn name(self) -> String {
        let mode = match self.mode {
            PolicyMode::Validate => "validate",
            PolicyMode::Mutate => "mutate",
            PolicyMode::WarnOnly => "warn-only",
        };
        match self.exemptions {
            true => format!("{mode}-exempt"),
            false => mode.to_owned(),
        }
    }

    pub fn settings(self) -> Value {
        let mut settings: Value = match self.exemptions {
            true => serde_json::from_str(EXEMPTIONS).unwrap_or_else(|_| json!({})),
            false => json!({}),
        };
        match self.mode {
            PolicyMode::Validate => {}
            PolicyMode::Mutate => settings["mutate"] = json!(true),
            PolicyMode::WarnOnly => settings["warnOnly"] = json!(true),
        }
        settings
    }

    pub fn mutates(self) -> bool {
        self.mode == PolicyMode::Mutate
    }
}

/// What the API server reads of an AdmissionResponse.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub allowed: bool,
    pub message: Option<String>,
    /// The RFC 6902 patch, decoded.
    pub patch: Option<Value>,
    pub warnings: Vec<String>,
}

pub trait PolicyBackend {
    /// The answer of `policy` to the AdmissionRequest `request`.
    fn review(&mut self, policy: PolicyId, request: &Value) -> Result<Review, String>;
}

/// The policy's `validate` called in process, its answer turned into an
/// AdmissionResponse as policy-evaluator does (the patch is the diff of the
/// request object and the mutated object).
#[derive(Debug, Default)]
pub struct InProcess;

impl PolicyBackend for InProcess {
    fn review(&mut self, policy: PolicyId, request: &Value) -> Result<Review, String> {
        let payload = json!({"request": request, "settings": policy.settings()}).to_string();
        let answer = always_pull_images_core::validate(payload.as_bytes());
        let answer: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
        let patch = answer.get("mutated_object").map(|mutated| {
            let original = request.get("object").unwrap_or(&Value::Null);
            serde_json::to_value(json_patch::diff(original, mutated)).unwrap_or(Value::Null)
        });
        Ok(Review {
            allowed: answer["accepted"].as_bool().unwrap_or(false),
            message: answer["message"].as_str().map(str::to_owned),
            patch: patch.filter(|p| p.as_array().is_some_and(|ops| !ops.is_empty())),
            warnings: serde_json::from_value(answer["warnings"].clone()).unwrap_or_default(),
        })
    }
}

/// One rule of the policy broken on purpose, for the model's own mutation
/// test: each must make an invariant fail. The model bends the policy's
/// answers with [`Faulty`]; nothing of this is in policy.wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pod UPDATEs accepted without being judged.
    PodUpdatesUnjudged,
    /// A Pod UPDATE judged only on images new to the Pod, not on each entry
    /// whose image changed (the rule before issue 21).
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
}

impl Fault {
    pub const ALL: [Fault; 8] = [
        Fault::PodUpdatesUnjudged,
        Fault::OnlyNewImagesJudged,
        Fault::JobUpdatesPatched,
        Fault::ControlledPatched,
        Fault::ControlledRejected,
        Fault::MutateRejectsPods,
        Fault::MutateRejectsWorkloads,
        Fault::UnchangedTemplatePatched,
    ];
}

/// A backend whose answers break one rule ([`Fault`]).
pub struct Faulty<B> {
    pub inner: B,
    pub fault: Fault,
}

impl<B: PolicyBackend> PolicyBackend for Faulty<B> {
    fn review(&mut self, policy: PolicyId, request: &Value) -> Result<Review, String> {
        let review = self.inner.review(policy, request)?;
        Ok(bend(self.fault, policy, request, review))
    }
}

/// What a request is, as the faults read it.
struct Seen<'r> {
    kind: &'r str,
    update: bool,
    sub_resource: bool,
    controlled: bool,
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
            controlled: object
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .is_some_and(|owners| owners.iter().any(|o| o["controller"] == true)),
            object,
        }
    }

    fn pod(&self) -> bool {
        self.kind == "Pod"
    }
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
    let pod_update = seen.pod() && seen.update && !seen.sub_resource;
    match fault {
        Fault::PodUpdatesUnjudged if pod_update => accept(),
        Fault::OnlyNewImagesJudged if pod_update && no_new_image(request) => accept(),
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
        _ => review,
    }
}

/// Whether every image of a Pod UPDATE's object was in its old object.
fn no_new_image(request: &Value) -> bool {
    let images = |object: &Value| -> Vec<String> {
        crate::objects::entries(object.get("spec").unwrap_or(&Value::Null))
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
