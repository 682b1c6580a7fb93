//! Any string as an image reference.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|input: &str| {
    invariants::check_image_reference(input);
});
