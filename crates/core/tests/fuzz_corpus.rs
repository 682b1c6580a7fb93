//! Replays the fuzzers' committed corpora natively: fast and deterministic, so
//! a regression on a known input fails CI without running a fuzzer.

// A test may unwrap and index: a panic is a failing test, not a trapped request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use test_support::invariants::{check_image_reference, check_validate, check_validate_settings};
use test_support::structured;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let inputs: Vec<Vec<u8>> = test_support::files::files_in(&dir)
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(!inputs.is_empty(), "the {target} corpus is empty");
    inputs
}

#[test]
fn validate_corpus() {
    for input in corpus("validate") {
        check_validate(&input);
    }
}

#[test]
fn validate_structured_corpus() {
    for input in corpus("validate_structured") {
        // As libfuzzer-sys builds a typed input: the whole buffer, `arbitrary_take_rest`.
        let data = arbitrary::Unstructured::new(&input);
        if let Ok(request) =
            <structured::Request as arbitrary::Arbitrary>::arbitrary_take_rest(data)
        {
            check_validate(&structured::payload(&request));
        }
    }
}

#[test]
fn validate_settings_corpus() {
    for input in corpus("validate_settings") {
        check_validate_settings(&input);
    }
}

#[test]
fn image_reference_corpus() {
    for input in corpus("image_reference") {
        // As libfuzzer-sys builds a `&str`: the longest valid UTF-8 prefix.
        let valid = match std::str::from_utf8(&input) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&input[..e.valid_up_to()]).unwrap(),
        };
        check_image_reference(valid);
    }
}
