//! Any string as an image reference.
#![no_main]

use test_support::invariants;

libfuzzer_sys::fuzz_target!(|input: &str| {
    invariants::check_image_reference(input);
});
