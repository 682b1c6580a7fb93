//! A small waPC host that runs a Kubewarden policy module the way the policy
//! server and `kwctl run` do: the same waPC calls and payloads, the same host
//! callbacks, and the same AdmissionResponse (the JSON patch is the diff of the
//! request object and the policy's `mutated_object`).
//!
//! It is a test harness: the host's tests and benchmarks call the compiled
//! module's waPC functions with it, and `make run` uses it where `kwctl` is not
//! installed. Everything else (annotating, scaffolding, pushing, e2e tests) is
//! done by the real `kwctl`.

// Smaller pieces in the harness itself (its tests may be long tables).
#![deny(clippy::too_many_lines)]

use std::error::Error;
use std::path::Path;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wapc::WapcHost;
use wasmtime_provider::WasmtimeEngineProviderBuilder;
pub use wasmtime_provider::wasmtime::{Engine, Module};

pub type HostResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// A compiled policy module, from which instances are made cheaply.
#[derive(Clone)]
pub struct PolicyModule {
    engine: Engine,
    module: Module,
}

impl PolicyModule {
    pub fn compile(wasm: &[u8]) -> HostResult<Self> {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm)?;
        Ok(PolicyModule { engine, module })
    }

    pub fn load(path: &Path) -> HostResult<Self> {
        let wasm =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::compile(&wasm)
    }

    /// A fresh, initialized instance (`_start` and `wapc_init` have run).
    pub fn instantiate(&self) -> HostResult<Instance> {
        let provider = WasmtimeEngineProviderBuilder::new()
            .engine(self.engine.clone())
            .module(self.module.clone())
            .build()?;
        let host = WapcHost::new(Box::new(provider), Some(Box::new(host_callback)))?;
        Ok(Instance { host })
    }
}

/// Answers the host calls a policy may make, as policy-evaluator does: logging
/// is accepted; everything else is an error the policy sees.
fn host_callback(
    _id: u64,
    binding: &str,
    namespace: &str,
    operation: &str,
    payload: &[u8],
) -> HostResult<Vec<u8>> {
    match (binding, namespace, operation) {
        ("kubewarden", "tracing", "log") => {
            eprintln!("policy log: {}", String::from_utf8_lossy(payload));
            Ok(Vec::new())
        }
        ("kubewarden", "tracing", operation) => {
            Err(format!("unknown operation: {operation}").into())
        }
        ("kubewarden", namespace, _) => Err(format!("unknown namespace: {namespace}").into()),
        (binding, _, _) => Err(format!("unknown binding: {binding}").into()),
    }
}

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

/// One instance of the policy, kept warm across calls as the policy server does.
pub struct Instance {
    host: WapcHost,
}

impl Instance {
    pub fn call(&self, operation: &str, payload: &[u8]) -> HostResult<Vec<u8>> {
        Ok(self.host.call(operation, payload)?)
    }

    pub fn protocol_version(&self) -> HostResult<String> {
        Ok(serde_json::from_slice(
            &self.call("protocol_version", b"")?,
        )?)
    }

    pub fn validate_settings(&self, settings: &Value) -> HostResult<SettingsValidation> {
        let answer = self.call(
            "validate_settings",
            serde_json::to_string(settings)?.as_bytes(),
        )?;
        Ok(serde_json::from_slice(&answer)?)
    }

    /// The raw `validate` call: the payload policy-evaluator builds.
    pub fn validate(&self, request: &Value, settings: &Value) -> HostResult<GuestResponse> {
        let payload =
            serde_json::to_vec(&serde_json::json!({"request": request, "settings": settings}))?;
        Ok(serde_json::from_slice(&self.call("validate", &payload)?)?)
    }

    /// `validate` turned into an AdmissionResponse, as policy-evaluator does. A
    /// guest failure becomes a rejection with code 500, never a host error.
    pub fn evaluate(&self, request: &Value, settings: &Value) -> AdmissionResponse {
        let uid = request
            .get("uid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match self.validate(request, settings) {
            Ok(response) => admission_response(uid, request, response),
            Err(error) => AdmissionResponse {
                uid,
                allowed: false,
                patch_type: None,
                patch: None,
                status: Some(Status {
                    message: Some(format!("internal server error: {error}")),
                    code: Some(500),
                }),
                audit_annotations: None,
                warnings: None,
            },
        }
    }
}

fn admission_response(uid: String, request: &Value, response: GuestResponse) -> AdmissionResponse {
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
