//! Any bytes as the `validate` payload: always a clean, consistent answer.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|payload: &[u8]| {
    invariants::check_validate(payload);
});
