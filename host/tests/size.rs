//! The module every policy server pulls and compiles at start-up stays small.
//! Bytes are deterministic for a given toolchain, so this is a test, not a benchmark.

mod common;

/// The hard budget; the goal (250 KB) and the measured size are in BENCHMARKS.md.
const BUDGET_BYTES: u64 = 350 * 1000;

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
