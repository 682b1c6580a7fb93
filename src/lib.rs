//! always-pull-images: a Kubewarden policy that makes every container pull its
//! image on start (the `AlwaysPullImages` admission plugin, for any cluster).
//!
//! This file only wires the waPC entry points; see the modules for the rest.

use kubewarden_policy_sdk::{protocol_version_guest, settings::Validatable};
use wapc_guest::{CallResult, register_function};

pub mod decision;
pub mod evaluation;
pub mod field_path;
pub mod image_reference;
pub mod json_text;
pub mod json_view;
pub mod manifest;
pub mod message;
pub mod mutation;
pub mod namespace;
pub mod pod_spec;
pub mod pod_template;
pub mod pull_policy;
pub mod read_error;
pub mod registry;
pub mod request;
pub mod response;
pub mod settings;
pub mod warnings;
pub mod workload;
pub mod workload_kind;

use settings::Settings;

#[unsafe(no_mangle)]
pub extern "C" fn wapc_init() {
    register_function("validate", validate);
    register_function("validate_settings", validate_settings);
    register_function("protocol_version", protocol_version_guest);
}

/// Judges one admission request; always answers, never traps.
pub fn validate(payload: &[u8]) -> CallResult {
    Ok(evaluation::validate(payload))
}

/// Checks the settings of a policy before the policy server loads it.
pub fn validate_settings(payload: &[u8]) -> CallResult {
    let verdict = match serde_json::from_slice::<Option<Settings>>(payload) {
        Ok(settings) => settings.unwrap_or_default().validate(),
        Err(error) => Err(error.to_string()),
    };
    let response = kubewarden_policy_sdk::settings::SettingsValidationResponse {
        valid: verdict.is_ok(),
        message: verdict.err(),
    };
    Ok(serde_json::to_vec(&response)?)
}
