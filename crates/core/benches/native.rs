//! Native benchmarks: one whole `validate` call per scenario, and its parts
//! (reading the object, the decision). `make bench` runs them.

// A benchmark's setup may panic: it measures, it does not serve requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;

use always_pull_images_core::bench;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use test_support::scenarios::SCENARIOS;

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../test_data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn payload(name: &str, settings: Value) -> Vec<u8> {
    json!({"request": fixture(name), "settings": settings})
        .to_string()
        .into_bytes()
}

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("native_validate");
    for (name, fixture, settings) in SCENARIOS {
        let payload = payload(fixture, serde_json::from_str(settings).unwrap());
        group.bench_function(name, |b| {
            b.iter(|| always_pull_images_core::validate(black_box(&payload)))
        });
    }
    group.finish();
}

fn parts(c: &mut Criterion) {
    let mut group = c.benchmark_group("native_parts");
    for (name, fixture, kind) in [
        ("read_deployment", "deployment_create.json", "Deployment"),
        (
            "read_pod_100_containers",
            "pod_create_100_containers.json",
            "Pod",
        ),
    ] {
        let object = fixture_object(fixture);
        assert!(bench::read(kind, &object));
        group.bench_function(name, |b| b.iter(|| bench::read(kind, black_box(&object))));
    }
    let object = fixture_object("deployment_create.json");
    let decide = bench::decide_deployment(&object).expect("the Deployment reads");
    group.bench_function("decide_deployment", |b| b.iter(&decide));
    group.finish();
}

fn fixture_object(name: &str) -> String {
    fixture(name)["object"].to_string()
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = validate, parts
}
criterion_main!(benches);
