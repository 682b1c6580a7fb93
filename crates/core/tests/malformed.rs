//! The malformed-request corpus (`test_data/malformed/`), natively: each file is
//! a whole `validate` payload named `accept-…` or `reject-…`, and gets that
//! answer cleanly. `host/tests/malformed.rs` replays it through the wasm.

// A test may unwrap and index: a panic is a failing test, not a trapped request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[test]
fn every_malformed_payload_gets_the_expected_clean_answer() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/malformed");
    let paths = test_support::files::files_in(&dir);
    assert!(paths.len() >= 40, "the corpus shrank");
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let payload = std::fs::read(&path).unwrap();
        let response = test_support::invariants::check_validate(&payload);
        let expected = name.starts_with("accept-");
        assert!(
            expected || name.starts_with("reject-"),
            "{name}: name it accept-… or reject-…"
        );
        assert_eq!(
            response["accepted"], expected,
            "{name}: {}",
            response["message"]
        );
    }
}
