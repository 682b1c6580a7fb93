//! The logic of always-pull-images, the Kubewarden policy that makes every
//! container pull its image on start (the `AlwaysPullImages` admission plugin,
//! for any cluster). The root crate wraps these functions in the waPC entry
//! points of policy.wasm.
//!
//! One request flows down the modules: `evaluation` reads the payload
//! (`request`), asks the pure `decision` (over `workload`, read by `manifest`
//! and `pod_spec`, and the `settings`' rules), and writes the answer
//! (`response`, with `message` and `mutation`).

#![deny(missing_docs, unreachable_pub)]

use kubewarden_policy_sdk::settings::{SettingsValidationResponse, Validatable};

mod audit;
mod custom_resource;
mod decision;
mod evaluation;
mod heapsort;
mod image_reference;
mod json_text;
mod json_view;
mod manifest;
mod message;
mod mutation;
mod namespace;
mod pod_spec;
mod pod_template;
mod pull_policy;
mod read_error;
mod registry;
mod request;
mod response;
mod settings;
mod vocabulary;
mod warnings;
mod workload;

#[cfg(feature = "bench")]
pub mod bench;

pub use image_reference::ImageReference;
pub use registry::TrustedRegistry;
pub use settings::{CustomResourceSetting, SETTING_NAMES, Settings};

/// The custom resources the policy knows, as (API group, kind), in the
/// order of its table (for the docs and the examples' tests).
pub fn known_custom_resources() -> Vec<(&'static str, &'static str)> {
    custom_resource::known_kinds()
}

/// The answer to one `validate` call: the waPC `ValidationResponse` JSON.
/// Every input yields one; what cannot be read is rejected with the reason.
pub fn validate(payload: &[u8]) -> Vec<u8> {
    evaluation::validate(payload)
}

/// The answer to one `validate_settings` call: the waPC
/// `SettingsValidationResponse` JSON for the settings in `payload`.
pub fn validate_settings(payload: &[u8]) -> Vec<u8> {
    // Read as `validate` reads its payload (text checked once), so the
    // settings' reader is compiled once.
    let read = std::str::from_utf8(payload)
        .map_err(|error| error.to_string())
        .and_then(|text| {
            serde_json::from_str::<Option<Settings>>(text).map_err(|error| error.to_string())
        });
    let verdict = read.and_then(|settings| settings.unwrap_or_default().validate());
    let response = SettingsValidationResponse {
        valid: verdict.is_ok(),
        message: verdict.err(),
    };
    // Serializing this type cannot fail; the fallback still refuses the settings.
    serde_json::to_vec(&response).unwrap_or_else(|_| {
        br#"{"valid":false,"message":"internal error: cannot write the answer"}"#.to_vec()
    })
}
