//! Mostly-valid AdmissionRequests: real kinds, operations and pod specs, with
//! hostile values where the policy reads (images, policies, wrong types).
#![no_main]

use test_support::invariants;
use test_support::structured;

libfuzzer_sys::fuzz_target!(|input: structured::Request| {
    invariants::check_validate(&structured::payload(&input));
});
