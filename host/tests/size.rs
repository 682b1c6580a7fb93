//! The module every policy server pulls and compiles at start-up stays small.
//! Bytes are deterministic for a given toolchain, so this is a test, not a benchmark.

mod common;

/// A regression guard beside the 240,000-byte budget of the annotated module
/// (e2e.bats and the release replay check that one: `kwctl annotate` adds the
/// README and metadata, and drops the toolchain's custom sections); the
/// measured sizes are in BENCHMARKS.md. Custom resources (issue 27) cost
/// about 29 KB, of which reading the payload as text checked once (one
/// reader compiled instead of two) won back 10 KB.
const BUDGET_BYTES: u64 = 240 * 1000;

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
