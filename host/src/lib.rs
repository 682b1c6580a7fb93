//! A small waPC host that runs a Kubewarden policy module the way the policy
//! server and `kwctl run` do: the same waPC calls and payloads, the same host
//! callbacks, and the same AdmissionResponse (the JSON patch is the diff of the
//! request object and the policy's `mutated_object`).
//!
//! It is a test harness: the host's tests and benchmarks call the compiled
//! module's waPC functions with it, and `make run` uses it where `kwctl` is not
//! installed. Everything else (annotating, scaffolding, pushing, e2e tests) is
//! done by the real `kwctl`.
//!
//! The wasm runtime (the `runtime` feature, [`runtime`]) is the wasmi
//! interpreter, not the policy server's wasmtime: it builds in seconds, so
//! `make run` needs no wasmtime build, and it executes the same module with
//! the same answers (the policy-server tests compare them). Without the
//! feature this crate is the response types only, and Kubewarden's
//! `cargo test --workspace` builds no wasm runtime.

// Smaller pieces in the harness itself (its tests may be long tables).
#![deny(clippy::too_many_lines)]

use std::error::Error;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(feature = "runtime")]
mod runtime;
#[cfg(feature = "runtime")]
pub use runtime::{Instance, PolicyModule};

pub type HostResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// The answer of `validate_settings`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct SettingsValidation {
    pub valid: bool,
    pub message: Option<String>,
}

/// The guest's answer to `validate` (the SDK's `ValidationResponse`).
#[derive(Debug, Clone, Deserialize)]
pub struct GuestResponse {
    pub accepted: bool,
    pub message: Option<String>,
    pub code: Option<u16>,
    pub mutated_object: Option<Value>,
    pub audit_annotations: Option<std::collections::BTreeMap<String, String>>,
    pub warnings: Option<Vec<String>>,
}

/// What `kwctl run` prints: the AdmissionResponse, fields in kwctl's order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionResponse {
    pub uid: String,
    pub allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    pub audit_annotations: Option<std::collections::BTreeMap<String, String>>,
    pub warnings: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Status {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
}

impl AdmissionResponse {
    /// The JSON patch, decoded from base64.
    pub fn decoded_patch(&self) -> Option<Value> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.patch.as_ref()?)
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn message(&self) -> Option<&str> {
        self.status.as_ref()?.message.as_deref()
    }
}

/// `validate`'s answer turned into an AdmissionResponse, as policy-evaluator
/// does: the patch is the diff of the request object and `mutated_object`.
pub fn admission_response(
    uid: String,
    request: &Value,
    response: GuestResponse,
) -> AdmissionResponse {
    let patch = response.mutated_object.as_ref().and_then(|mutated| {
        let original = request.get("object").unwrap_or(&Value::Null);
        let diff = json_patch::diff(original, mutated);
        (!diff.0.is_empty()).then(|| {
            let text = serde_json::to_string(&diff).unwrap_or_default();
            base64::engine::general_purpose::STANDARD.encode(text)
        })
    });
    let status = (response.message.is_some() || response.code.is_some()).then_some(Status {
        message: response.message,
        code: response.code,
    });
    AdmissionResponse {
        uid,
        allowed: response.accepted,
        patch_type: patch.as_ref().map(|_| "JSONPatch".to_owned()),
        patch,
        status,
        audit_annotations: response.audit_annotations,
        warnings: response.warnings,
    }
}

/// The AdmissionRequest in a request file, as `kwctl run` reads it: a whole
/// AdmissionReview is unwrapped; a bare AdmissionRequest is used as it is.
pub fn request_from_document(document: Value) -> Result<Value, String> {
    let request = match document.get("kind").and_then(Value::as_str) {
        Some("AdmissionReview") => document
            .get("request")
            .cloned()
            .ok_or_else(|| "invalid AdmissionReview object: no request".to_owned())?,
        _ => document,
    };
    if !request.is_object() {
        return Err("Invalid request object".to_owned());
    }
    for field in ["uid", "kind", "resource", "operation", "userInfo"] {
        if request.get(field).is_none() {
            return Err(format!("invalid AdmissionRequest: missing field `{field}`"));
        }
    }
    Ok(request)
}
