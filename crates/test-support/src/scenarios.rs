//! The benchmark scenarios, one list for the native benchmark
//! (`crates/core/benches/native.rs`) and the wasm one (`host/benches/wasm.rs`):
//! (scenario, fixture in `test_data/`, settings as JSON).

/// Every scenario both benchmarks measure, in the order BENCHMARKS.md lists them.
pub const SCENARIOS: [(&str, &str, &str); 20] = [
    ("pod_1_container", "pod_create_one_container.json", "{}"),
    ("pod_2_containers", "pod_create_compliant.json", "{}"),
    ("deployment_3c_2i_validate", "deployment_create.json", "{}"),
    (
        "deployment_3c_2i_mutate",
        "deployment_create.json",
        r#"{"mutate": true}"#,
    ),
    (
        "deployment_3c_2i_warn_only",
        "deployment_create.json",
        r#"{"warnOnly": true}"#,
    ),
    ("pod_100_containers", "pod_create_100_containers.json", "{}"),
    (
        "exempt_namespace",
        "pod_create_if_not_present.json",
        r#"{"exemptNamespaces": ["kube-system", "default"]}"#,
    ),
    ("update_no_new_image", "pod_update_labels_only.json", "{}"),
    (
        "deployment_update_template_unchanged",
        "deployment_update_scale.json",
        "{}",
    ),
    (
        "deployment_update_template_changed",
        "deployment_update_set_env.json",
        "{}",
    ),
    (
        "replicaset_controller_owned_mutate",
        "replicaset_create_argo_rollout.json",
        r#"{"mutate": true}"#,
    ),
    (
        "pod_update_entry_image_changed",
        "pod_update_entry_image_changed.json",
        "{}",
    ),
    (
        "trusted_registry",
        "pod_create_trusted_registry.json",
        r#"{"trustedRegistries": ["registry.example.com"]}"#,
    ),
    // Custom resources (issue 27): a known kind found by group and kind, its
    // places walked over the object's text.
    ("rollout_validate", "rollout_create.json", "{}"),
    (
        "rollout_mutate",
        "rollout_create.json",
        r#"{"mutate": true}"#,
    ),
    (
        "rollout_update_template_unchanged",
        "rollout_update_scale.json",
        "{}",
    ),
    ("workflow_validate", "workflow_create.json", "{}"),
    ("pipeline_task_validate", "task_create.json", "{}"),
    (
        "custom_resource_setting_validate",
        "widget_create.json",
        r#"{"customResources": [{"group": "example.com", "kind": "Widget", "podTemplates": ["spec.template"], "containers": ["spec.runner"]}]}"#,
    ),
    ("unknown_kind", "widget_create.json", "{}"),
];
