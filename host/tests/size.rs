//! The module every policy server pulls and compiles at start-up stays small.
//! Bytes are deterministic for a given toolchain, so this is a test, not a benchmark.

mod common;

/// A regression guard under the 215,000-byte budget of the annotated module
/// (e2e.bats and the release replay check that one; the annotation adds the
/// README and metadata, about 7 KB); the measured size is in BENCHMARKS.md.
const BUDGET_BYTES: u64 = 208 * 1000;

#[test]
fn policy_wasm_fits_the_size_budget() {
    common::instance(); // fails if policy.wasm is missing or stale
    let path = common::policy_wasm_path();
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!("{}: {size} bytes", path.display());
    assert!(
        size <= BUDGET_BYTES,
        "{} is {size} bytes, over the {BUDGET_BYTES}-byte budget",
        path.display()
    );
}
