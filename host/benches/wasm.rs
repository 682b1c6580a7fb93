//! The figure users see: `validate` calls on the release policy.wasm through the
//! waPC host, one warm instance as the policy server keeps, measured beside the
//! baseline policy (parse the request, read one field) in the same run.
//! `make bench` builds both modules and runs this; `policy-host bench-report`
//! turns the results into the ratio table of BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_host::PolicyModule;
use serde_json::{Value, json};
use test_support::scenarios::SCENARIOS;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn module(variable: &str, default: &str) -> PolicyModule {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(default));
    PolicyModule::load(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `make bench`)", path.display()))
}

fn payload(name: &str, settings: Value) -> Vec<u8> {
    let text = std::fs::read_to_string(root().join("test_data").join(name)).unwrap();
    let request: Value = serde_json::from_str(&text).unwrap();
    json!({"request": request, "settings": settings})
        .to_string()
        .into_bytes()
}

fn wasm(c: &mut Criterion) {
    let policy = module("POLICY_WASM", "policy.wasm").instantiate().unwrap();
    let baseline = module(
        "BASELINE_WASM",
        "bench/baseline-policy/target/wasm32-wasip1/release/baseline_policy.wasm",
    )
    .instantiate()
    .unwrap();
    for (name, fixture, settings) in SCENARIOS {
        let payload = payload(fixture, serde_json::from_str(settings).unwrap());
        let mut group = c.benchmark_group(format!("wasm_{name}"));
        group.bench_function("policy", |b| {
            b.iter(|| policy.call("validate", black_box(&payload)).unwrap())
        });
        group.bench_function("baseline", |b| {
            b.iter(|| baseline.call("validate", black_box(&payload)).unwrap())
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(60).measurement_time(std::time::Duration::from_secs(4));
    targets = wasm
}
criterion_main!(benches);
