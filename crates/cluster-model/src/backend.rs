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

/// Which of the exemptions of [`EXEMPTIONS`] a policy's settings carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exemptions {
    None,
    All,
    /// All but `exemptNamespaces` (what a fault judges with).
    WithoutNamespaces,
    /// All but `trustedRegistries` (what a fault judges with).
    WithoutRegistries,
}

/// One policy the model's admission chain calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PolicyId {
    pub mode: PolicyMode,
    pub exemptions: Exemptions,
}

impl PolicyId {
    /// Every policy a model cluster calls, for a policy server to load
    /// (the faults' partial exemptions are only ever judged in process).
    pub fn all() -> Vec<PolicyId> {
        let modes = [
            PolicyMode::Validate,
            PolicyMode::Mutate,
            PolicyMode::WarnOnly,
        ];
        modes
            .into_iter()
            .flat_map(|mode| {
                [Exemptions::None, Exemptions::All]
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
            Exemptions::None => mode.to_owned(),
            Exemptions::All => format!("{mode}-exempt"),
            Exemptions::WithoutNamespaces => format!("{mode}-exempt-images"),
            Exemptions::WithoutRegistries => format!("{mode}-exempt-namespaces-digests"),
        }
    }

    pub fn settings(self) -> Value {
        let mut settings: Value = match self.exemptions {
            Exemptions::None => json!({}),
            _ => serde_json::from_str(EXEMPTIONS).unwrap_or_else(|_| json!({})),
        };
        let without = match self.exemptions {
            Exemptions::WithoutNamespaces => Some("exemptNamespaces"),
            Exemptions::WithoutRegistries => Some("trustedRegistries"),
            _ => None,
        };
        if let (Some(setting), Some(map)) = (without, settings.as_object_mut()) {
            map.remove(setting);
        }
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
