//! The floor every SDK policy pays: parse the request once (the SDK's
//! `ValidationRequest`, object as a `serde_json::Value`), read one field, answer.
//! Built with the same release profile as the policy; benchmarks report the
//! policy's cost as a ratio to this one's.

use kubewarden_policy_sdk::request::ValidationRequest;
use kubewarden_policy_sdk::settings::Validatable;
use kubewarden_policy_sdk::{accept_request, protocol_version_guest, reject_request};
use serde::Deserialize;
use wapc_guest::{CallResult, register_function};

/// Accepts any settings (unknown keys are ignored).
#[derive(Deserialize, Default)]
struct Settings {}

impl Validatable for Settings {
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

#[allow(unsafe_code)] // the waPC export, as in the policy
#[unsafe(no_mangle)]
pub extern "C" fn wapc_init() {
    register_function("validate", validate);
    register_function(
        "validate_settings",
        kubewarden_policy_sdk::validate_settings::<Settings>,
    );
    register_function("protocol_version", protocol_version_guest);
}

fn validate(payload: &[u8]) -> CallResult {
    let request = ValidationRequest::<Settings>::new(payload)?;
    match request.request.object.get("spec") {
        Some(_) => accept_request(),
        None => reject_request(Some("no spec".to_owned()), None, None, None),
    }
}
