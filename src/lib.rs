//! always-pull-images: a Kubewarden policy that makes every container pull its
//! image on start (the `AlwaysPullImages` admission plugin, for any cluster).
//!
//! This crate is policy.wasm: it only registers the waPC entry points. The
//! policy itself is `always-pull-images-core` (crates/core).

use kubewarden_policy_sdk::protocol_version_guest;
use wapc_guest::{CallResult, register_function};

/// Registers the policy's waPC functions; the policy server calls it once.
// The one export the waPC protocol needs; `no_mangle` is why it is unsafe.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn wapc_init() {
    register_function("validate", validate);
    register_function("validate_settings", validate_settings);
    register_function("protocol_version", protocol_version_guest);
}

/// Judges one admission request; always answers, never traps.
fn validate(payload: &[u8]) -> CallResult {
    Ok(always_pull_images_core::validate(payload))
}

/// Checks the settings of a policy before the policy server loads it.
fn validate_settings(payload: &[u8]) -> CallResult {
    Ok(always_pull_images_core::validate_settings(payload))
}
