//! Any bytes as the `validate_settings` payload.
#![no_main]

use test_support::invariants;

libfuzzer_sys::fuzz_target!(|payload: &[u8]| {
    invariants::check_validate_settings(payload);
});
