//! Native benchmarks: one whole `validate` call per scenario, and its parts
//! (reading the object, the decision). `make bench` runs them.

use std::hint::black_box;

use always_pull_images::decision::{self, Operation, Target};
use always_pull_images::settings::Settings;
use always_pull_images::workload;
use always_pull_images::workload_kind::WorkloadKind;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/test_data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn payload(name: &str, settings: Value) -> Vec<u8> {
    json!({"request": fixture(name), "settings": settings})
        .to_string()
        .into_bytes()
}

/// (scenario, fixture, settings): the same list as the wasm benchmark.
fn scenarios() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "pod_1_container",
            "pod_create_one_container.json",
            json!({}),
        ),
        ("pod_2_containers", "pod_create_compliant.json", json!({})),
        (
            "deployment_3c_2i_validate",
            "deployment_create.json",
            json!({}),
        ),
        (
            "deployment_3c_2i_mutate",
            "deployment_create.json",
            json!({"mutate": true}),
        ),
        (
            "deployment_3c_2i_warn_only",
            "deployment_create.json",
            json!({"warnOnly": true}),
        ),
        (
            "pod_100_containers",
            "pod_create_100_containers.json",
            json!({}),
        ),
        (
            "exempt_namespace",
            "pod_create_if_not_present.json",
            json!({"exemptNamespaces": ["kube-system", "default"]}),
        ),
        (
            "update_no_new_image",
            "pod_update_labels_only.json",
            json!({}),
        ),
        (
            "deployment_update_template_unchanged",
            "deployment_update_scale.json",
            json!({}),
        ),
        (
            "deployment_update_template_changed",
            "deployment_update_set_env.json",
            json!({}),
        ),
        (
            "trusted_registry",
            "pod_create_trusted_registry.json",
            json!({"trustedRegistries": ["registry.example.com"]}),
        ),
    ]
}

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("native_validate");
    for (name, fixture, settings) in scenarios() {
        let payload = payload(fixture, settings);
        group.bench_function(name, |b| {
            b.iter(|| always_pull_images::evaluation::validate(black_box(&payload)))
        });
    }
    group.finish();
}

fn parts(c: &mut Criterion) {
    let mut group = c.benchmark_group("native_parts");
    for (name, fixture, kind) in [
        (
            "read_deployment",
            "deployment_create.json",
            WorkloadKind::Deployment,
        ),
        (
            "read_pod_100_containers",
            "pod_create_100_containers.json",
            WorkloadKind::Pod,
        ),
    ] {
        let object = fixture_object(fixture);
        group.bench_function(name, |b| {
            b.iter(|| workload::read(kind, black_box(&object)).unwrap())
        });
    }
    let object = fixture_object("deployment_create.json");
    let (workload, _) = workload::read(WorkloadKind::Deployment, &object).unwrap();
    let rules = Settings::default().rules().unwrap();
    let target = Target {
        kind: WorkloadKind::Deployment,
        operation: Operation::Create,
        ephemeral_containers: false,
    };
    group.bench_function("decide_deployment", |b| {
        b.iter(|| decision::decide(target, black_box(&workload), None, &rules))
    });
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
