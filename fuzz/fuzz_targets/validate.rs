//! Any bytes as the `validate` payload: always a clean, consistent answer.
#![no_main]

use test_support::invariants;

libfuzzer_sys::fuzz_target!(|payload: &[u8]| {
    invariants::check_validate(payload);
});
