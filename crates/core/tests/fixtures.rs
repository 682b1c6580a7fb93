//! Real-shaped AdmissionRequests from `test_data/`, judged through the policy's
//! `validate` entry point with the SDK's `Testcase`.

// A test may unwrap and index: a panic is a failing test, not a trapped request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use always_pull_images_core::Settings;
use kubewarden_policy_sdk::response::ValidationResponse;
use kubewarden_policy_sdk::test::Testcase;
use rstest::rstest;
use serde_json::Value;
use std::path::{Path, PathBuf};
use test_support::verdicts::{Verdict, Verdicts};

fn settings(json: Value) -> Settings {
    serde_json::from_value(json).expect("valid settings")
}

fn eval(fixture: &str, settings_json: Value, accepted: bool) -> ValidationResponse {
    let case = Testcase {
        name: fixture.to_owned(),
        fixture_file: format!("../../test_data/{fixture}"),
        expected_validation_result: accepted,
        settings: settings(settings_json),
    };
    case.eval(|payload| Ok(always_pull_images_core::validate(payload)))
        .expect("a response")
}

fn request_object(fixture: &str) -> Value {
    let text = std::fs::read_to_string(format!("../../test_data/{fixture}")).unwrap();
    let request: Value = serde_json::from_str(&text).unwrap();
    request["object"].clone()
}

/// Every pull-policy value of an object, wherever it is.
fn pull_policies(object: &Value) -> Vec<String> {
    let mut found: Vec<String> = jsonpath_lib::select(object, "$..imagePullPolicy")
        .unwrap()
        .into_iter()
        .chain(jsonpath_lib::select(object, "$..volumes[*].image.pullPolicy").unwrap())
        .map(|v| v.as_str().unwrap_or("<not a string>").to_owned())
        .collect();
    found.sort();
    found
}

/// Every fixture, under every configuration of `test_data/verdicts.tsv`.
#[rstest]
fn verdicts(#[files("../../test_data/*.json")] path: PathBuf) {
    let table = Verdicts::load(Path::new("../../test_data"));
    let fixture = path.file_name().unwrap().to_str().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let request: Value = serde_json::from_str(&text).unwrap();
    for (configuration, settings, verdict) in table.of(fixture) {
        let payload = serde_json::json!({"request": request, "settings": settings}).to_string();
        let raw = always_pull_images_core::validate(payload.as_bytes());
        let response: ValidationResponse = serde_json::from_slice(&raw).unwrap();
        let warned = response.warnings.as_ref().is_some_and(|w| !w.is_empty());
        let patched = response.mutated_object.is_some();
        let got = Verdict::of(response.accepted, patched, warned);
        assert_eq!(
            got, verdict,
            "{fixture} under {configuration}: {response:?}"
        );
        // The audit annotations say the same, on every judged request.
        let decision = response
            .audit_annotations
            .as_ref()
            .and_then(|annotations| annotations.get("decision"))
            .map(String::as_str);
        // The kinds of the fixtures the policy does not know: a ConfigMap,
        // and a custom resource its settings do not name.
        let kind = request["kind"]["kind"].as_str().unwrap_or_default();
        let known = !(kind == "ConfigMap" || (kind == "Widget" && configuration != "custom"));
        // A kind the policy does not know is accepted (and says so, with a
        // warning): its decision is "accepted".
        let expected = match verdict {
            Verdict::Accept => "accepted",
            Verdict::Warn if !known => "accepted",
            Verdict::Reject => "rejected",
            Verdict::Patch => "mutated",
            Verdict::Warn => "warned",
        };
        let ignored = request["operation"] == "DELETE"
            || !matches!(
                request["subResource"].as_str(),
                None | Some("") | Some("ephemeralcontainers")
            );
        assert_eq!(
            decision,
            (!ignored).then_some(expected),
            "{fixture} under {configuration}: {response:?}"
        );
        if verdict == Verdict::Reject {
            let message = response.message.expect("a rejection explains itself");
            assert!(message.contains("must be \"Always\""), "{message}");
        }
    }
}

#[rstest]
#[case::pod(
    "pod_create_if_not_present.json",
    "spec.initContainers[0].imagePullPolicy is \"Never\" (init container \"migrate\", image \"busybox:1.36\"), must be \"Always\""
)]
#[case::pod_container(
    "pod_create_if_not_present.json",
    "spec.containers[0].imagePullPolicy is \"IfNotPresent\" (container \"app\", image \"registry.example.com/shop/api:2.4.1\")"
)]
#[case::object_named("pod_create_if_not_present.json", "Pod default/web:")]
#[case::generated_name("pod_create_generate_name.json", "Pod default/web-7d9f8c6b5-*:")]
#[case::unset_policy(
    "pod_create_raw_manifest.json",
    "spec.containers[0].imagePullPolicy is unset, which defaults to \"IfNotPresent\" (container \"app\", image \"nginx:1.25\")"
)]
#[case::image_volume(
    "pod_create_image_volume.json",
    "spec.volumes[1].image.pullPolicy is \"IfNotPresent\" (image volume \"weights\", image \"ghcr.io/acme/llm-weights:7b\")"
)]
#[case::deployment_init("deployment_create.json", "Deployment default/shop-api: ")]
#[case::deployment_path(
    "deployment_create.json",
    "spec.template.spec.initContainers[0].imagePullPolicy is \"IfNotPresent\" (init container \"migrate\", image \"busybox:1.36\")"
)]
#[case::cronjob_path(
    "cronjob_create.json",
    "spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy is \"IfNotPresent\""
)]
#[case::ephemeral_path(
    "pod_ephemeral_containers.json",
    "spec.ephemeralContainers[1].imagePullPolicy is \"IfNotPresent\" (ephemeral container \"debugger-x7k2p\""
)]
#[case::points_at_settings("deployment_create.json", "trustedRegistries, exemptDigestPinned")]
#[case::injected_sidecar(
    "pod_create_injected_sidecar.json",
    "spec.containers[1].imagePullPolicy is \"IfNotPresent\" (container \"istio-proxy\", image \"docker.io/istio/proxyv2:1.24.2\")"
)]
#[case::injected_init_container(
    "pod_create_injected_sidecar.json",
    "spec.initContainers[0].imagePullPolicy is \"IfNotPresent\" (init container \"istio-init\""
)]
#[case::injected_sidecar_way_out(
    "pod_create_injected_sidecar.json",
    "exempt the image (policy settings trustedRegistries"
)]
fn rejection_messages(#[case] fixture: &str, #[case] expected: &str) {
    let message = eval(fixture, serde_json::json!({}), false).message.unwrap();
    assert!(
        message.contains(expected),
        "message:\n{message}\nexpected to contain:\n{expected}"
    );
}

#[test]
fn only_new_ephemeral_containers_are_judged() {
    let message = eval(
        "pod_ephemeral_containers.json",
        serde_json::json!({}),
        false,
    )
    .message
    .unwrap();
    assert!(!message.contains("debugger-old"), "{message}");
}

#[test]
fn a_deployment_lists_every_non_compliant_entry_and_only_those() {
    let message = eval("deployment_create.json", serde_json::json!({}), false)
        .message
        .unwrap();
    for path in ["initContainers[0]", "containers[0]", "containers[2]"] {
        assert!(
            message.contains(&format!("spec.template.spec.{path}.imagePullPolicy")),
            "{path}: {message}"
        );
    }
    // `busybox` (no tag) and an explicit Always comply.
    for path in ["initContainers[1]", "containers[1]"] {
        assert!(
            !message.contains(&format!("spec.template.spec.{path}.imagePullPolicy")),
            "{path}: {message}"
        );
    }
}

#[rstest]
#[case::exempt_namespace(serde_json::json!({"exemptNamespaces": ["default"]}), true)]
#[case::exempt_namespace_prefix(serde_json::json!({"exemptNamespaces": ["def*"]}), true)]
#[case::other_namespace_exempt(serde_json::json!({"exemptNamespaces": ["kube-system"]}), false)]
#[case::trusted_registry(serde_json::json!({"trustedRegistries": ["registry.example.com"]}), true)]
#[case::trusted_repository_prefix(serde_json::json!({"trustedRegistries": ["registry.example.com/shop"]}), true)]
#[case::other_repository_prefix(serde_json::json!({"trustedRegistries": ["registry.example.com/sho"]}), false)]
#[case::look_alike_registry(serde_json::json!({"trustedRegistries": ["example.com", "*.example.co"]}), false)]
#[case::wildcard_registry(serde_json::json!({"trustedRegistries": ["*.example.com"]}), true)]
fn settings_exemptions(#[case] settings_json: Value, #[case] accepted: bool) {
    eval("pod_create_trusted_registry.json", settings_json, accepted);
}

#[rstest]
#[case::digest_pinned_exempt(serde_json::json!({"exemptDigestPinned": true}), true)]
#[case::digest_pinned_not_exempt_by_default(serde_json::json!({}), false)]
fn digest_pinning(#[case] settings_json: Value, #[case] accepted: bool) {
    eval("pod_create_digest_pinned.json", settings_json, accepted);
}

#[rstest]
#[case::pod("pod_create_if_not_present.json", 2, 0)]
#[case::raw_manifest("pod_create_raw_manifest.json", 1, 0)]
#[case::image_volume("pod_create_image_volume.json", 1, 0)]
#[case::deployment("deployment_create.json", 3, 0)]
#[case::statefulset("statefulset_create.json", 1, 0)]
#[case::daemonset("daemonset_create.json", 1, 0)]
#[case::job("job_create.json", 1, 0)]
#[case::cronjob("cronjob_create.json", 1, 0)]
#[case::replicationcontroller("replicationcontroller_create.json", 1, 0)]
#[case::kubectl_debug_leaves_the_earlier_debugger_alone("pod_ephemeral_containers.json", 1, 1)]
#[case::future_fields("deployment_create_future_fields.json", 1, 0)]
fn mutate_mode_patches_every_non_compliant_entry(
    #[case] fixture: &str,
    #[case] changed: usize,
    #[case] untouched: usize,
) {
    let response = eval(fixture, serde_json::json!({"mutate": true}), true);
    let mutated = response.mutated_object.expect("a mutated object");
    let original = request_object(fixture);
    let not_always = pull_policies(&mutated)
        .iter()
        .filter(|p| *p != "Always")
        .count();
    assert_eq!(not_always, untouched, "{:?}", pull_policies(&mutated));
    assert_eq!(
        response.warnings.as_ref().map(Vec::len),
        Some(changed),
        "{:?}",
        response.warnings
    );
    test_support::invariants::assert_only_pull_policies_changed(&original, &mutated, "$");
}

#[test]
fn mutation_keeps_fields_no_rust_type_knows() {
    let mutated = eval(
        "deployment_create_future_fields.json",
        serde_json::json!({"mutate": true}),
        true,
    )
    .mutated_object
    .unwrap();
    let select = |path: &str| {
        jsonpath_lib::select(&mutated, path)
            .unwrap()
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        select("$.spec.someFutureField.ratio"),
        [serde_json::json!(0.25)]
    );
    assert_eq!(
        select("$.spec.template.spec.someFutureField"),
        [serde_json::json!("keep-me")]
    );
    assert_eq!(
        select("$.spec.template.spec.containers[0].futureField.nested[1]"),
        [serde_json::json!(2.5)]
    );
    assert_eq!(
        select("$.metadata.someUnknownKey"),
        [serde_json::json!("kept")]
    );
    assert_eq!(
        select("$.metadata.annotations['example.com/unicode']"),
        [serde_json::json!("h\u{e9}llo \u{2603}")]
    );
    assert_eq!(
        select("$.spec.template.spec.containers[0].imagePullPolicy"),
        [serde_json::json!("Always")]
    );
}

#[rstest]
#[case::compliant_pod("pod_create_compliant.json")]
#[case::label_update("pod_update_labels_only.json")]
#[case::mirror_pod("pod_create_mirror.json")]
fn mutate_mode_leaves_compliant_and_ignored_requests_alone(#[case] fixture: &str) {
    let response = eval(fixture, serde_json::json!({"mutate": true}), true);
    assert!(response.mutated_object.is_none());
    assert!(response.warnings.is_none());
}

/// A kind the policy does not know is accepted untouched, with one warning
/// that names it and the way to have it judged, in every mode.
#[rstest]
#[case::validate(serde_json::json!({}))]
#[case::mutate(serde_json::json!({"mutate": true}))]
#[case::warn_only(serde_json::json!({"warnOnly": true}))]
fn an_unknown_kind_is_accepted_with_a_warning_that_names_it(#[case] settings: serde_json::Value) {
    let response = eval("configmap_create.json", settings, true);
    assert!(response.mutated_object.is_none());
    let warnings = response.warnings.unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("ConfigMap default/settings: always-pull-images does not know ConfigMap (core group) and did not read it"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("customResources"), "{}", warnings[0]);
}

#[test]
fn mutate_mode_rejects_a_pod_update_it_cannot_fix() {
    let message = eval(
        "pod_update_new_image.json",
        serde_json::json!({"mutate": true}),
        false,
    )
    .message
    .unwrap();
    assert!(
        message.contains("cannot change after creation"),
        "{message}"
    );
    assert!(
        message.contains("registry.example.com/shop/api:2.4.2"),
        "{message}"
    );
}

#[test]
fn controller_owned_workloads_are_warned_about_never_patched_nor_rejected() {
    for (fixture, settings) in [
        (
            "replicaset_create.json",
            serde_json::json!({"mutate": true}),
        ),
        ("replicaset_create.json", serde_json::json!({})),
        ("replicaset_create_argo_rollout.json", serde_json::json!({})),
        (
            "replicaset_create_argo_rollout.json",
            serde_json::json!({"mutate": true}),
        ),
        (
            "replicaset_create_argo_rollout.json",
            serde_json::json!({"warnOnly": true}),
        ),
        (
            "deployment_create_non_controlling_owner.json",
            serde_json::json!({}),
        ),
        (
            "deployment_create_non_controlling_owner.json",
            serde_json::json!({"mutate": true}),
        ),
    ] {
        controller_owned_is_warned(fixture, settings);
    }
}

fn controller_owned_is_warned(fixture: &str, settings: serde_json::Value) {
    let response = eval(fixture, settings, true);
    assert!(response.mutated_object.is_none());
    let warnings = response.warnings.unwrap();
    assert!(!warnings.is_empty());
    assert!(
        warnings[0].contains("another object owns it, so accepted as is: its Pods must pull"),
        "{}",
        warnings[0]
    );
}

#[test]
fn mutate_mode_warns_per_changed_entry() {
    let warnings = eval(
        "deployment_create.json",
        serde_json::json!({"mutate": true}),
        true,
    )
    .warnings
    .unwrap();
    assert_eq!(
        warnings[0],
        "Deployment default/shop-api: spec.template.spec.initContainers[0].imagePullPolicy set to \"Always\" (was \"IfNotPresent\"; init container \"migrate\", image \"busybox:1.36\")"
    );
    assert!(warnings[2].contains("containers[2].imagePullPolicy set to \"Always\" (was unset, defaulting to \"IfNotPresent\""), "{}", warnings[2]);
}

#[rstest]
#[case::pod("pod_create_if_not_present.json")]
#[case::raw_manifest("pod_create_raw_manifest.json")]
#[case::image_volume("pod_create_image_volume.json")]
#[case::deployment("deployment_create.json")]
#[case::cronjob("cronjob_create.json")]
#[case::future_fields("deployment_create_future_fields.json")]
fn a_mutated_object_is_a_fixed_point_and_passes_validation(#[case] fixture: &str) {
    let mutated = eval(fixture, serde_json::json!({"mutate": true}), true)
        .mutated_object
        .unwrap();
    let text = std::fs::read_to_string(format!("../../test_data/{fixture}")).unwrap();
    let mut request: Value = serde_json::from_str(&text).unwrap();
    request["object"] = mutated;
    for (settings_json, mode) in [
        (serde_json::json!({"mutate": true}), "mutate"),
        (serde_json::json!({}), "validate"),
    ] {
        let payload =
            serde_json::json!({"request": request, "settings": settings_json}).to_string();
        let raw = always_pull_images_core::validate(payload.as_bytes());
        let response: ValidationResponse = serde_json::from_slice(&raw).unwrap();
        assert!(response.accepted, "{mode}: {:?}", response.message);
        assert!(response.mutated_object.is_none(), "{mode}: mutated twice");
    }
}

#[test]
fn an_injected_sidecar_is_the_only_entry_named() {
    let message = eval(
        "pod_create_injected_sidecar.json",
        serde_json::json!({}),
        false,
    )
    .message
    .unwrap();
    assert!(!message.contains("container \"cart\""), "{message}");
}

#[rstest]
#[case::deployment(
    "deployment_create.json",
    "Deployment default/shop-api: spec.template.spec.initContainers[0].imagePullPolicy is \"IfNotPresent\" (init container \"migrate\", image \"busybox:1.36\"); set it to \"Always\": always-pull-images rejects this when warnOnly is off"
)]
#[case::defaulted_policy(
    "pod_create_raw_manifest.json",
    "spec.containers[0].imagePullPolicy is unset, which defaults to \"IfNotPresent\" (container \"app\", image \"nginx:1.25\"); set it to \"Always\""
)]
#[case::pod_update(
    "pod_update_new_image.json",
    "(container \"app\", image \"registry.example.com/shop/api:2.4.2\"); recreate the Pod with \"Always\": always-pull-images rejects this when warnOnly is off"
)]
#[case::kubectl_debug(
    "pod_ephemeral_containers.json",
    "spec.ephemeralContainers[1].imagePullPolicy is \"IfNotPresent\" (ephemeral container \"debugger-x7k2p\""
)]
#[case::injected_sidecar("pod_create_injected_sidecar.json", "container \"istio-proxy\"")]
fn warn_only_accepts_unchanged_and_says_what_would_be_rejected(
    #[case] fixture: &str,
    #[case] expected: &str,
) {
    let response = eval(fixture, serde_json::json!({"warnOnly": true}), true);
    assert!(response.mutated_object.is_none());
    let warnings = response.warnings.expect("warnings");
    assert!(
        warnings.iter().any(|w| w.contains(expected)),
        "{warnings:#?}\nexpected one to contain:\n{expected}"
    );
}

#[test]
fn warn_only_warns_once_per_entry_that_would_be_rejected() {
    let response = eval(
        "deployment_create.json",
        serde_json::json!({"warnOnly": true}),
        true,
    );
    let rejected = eval("deployment_create.json", serde_json::json!({}), false);
    let warnings = response.warnings.unwrap();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    for path in ["initContainers[0]", "containers[0]", "containers[2]"] {
        let path = format!("spec.template.spec.{path}.imagePullPolicy");
        assert!(
            warnings.iter().any(|w| w.contains(&path)),
            "{path}: {warnings:#?}"
        );
        assert!(rejected.message.as_ref().unwrap().contains(&path));
    }
}

/// A request with `containers` non-compliant containers of `image`, made by
/// `name`, in the shape of `deployment_create.json`.
fn wide_deployment(containers: usize, image: &str, name: &str) -> Value {
    let text = std::fs::read_to_string("../../test_data/deployment_create.json").unwrap();
    let mut request: Value = serde_json::from_str(&text).unwrap();
    let list: Vec<Value> = (0..containers)
        .map(|i| serde_json::json!({"name": format!("{name}-{i}"), "image": image, "imagePullPolicy": "IfNotPresent"}))
        .collect();
    let spec = &mut request["object"]["spec"]["template"]["spec"];
    spec["containers"] = Value::Array(list);
    spec["initContainers"] = Value::Array(Vec::new());
    request["object"]["metadata"]["name"] = Value::String(name.to_owned());
    request["name"] = Value::String(name.to_owned());
    request
}

#[rstest]
#[case::mutate_1000_containers(1000, "nginx:1.25", "web", serde_json::json!({"mutate": true}), "more entries of this Deployment set to \"Always\"")]
#[case::warn_only_1000_containers(1000, "nginx:1.25", "web", serde_json::json!({"warnOnly": true}), "more entries of this Deployment would be rejected")]
#[case::long_image(3, &format!("registry.example.com/{}:1", "a".repeat(240)), "web", serde_json::json!({"mutate": true}), "...")]
#[case::long_names(3, "nginx:1.25", &"n".repeat(240), serde_json::json!({"warnOnly": true}), "...")]
#[case::long_everything(1000, &format!("registry.example.com/{}:1", "a".repeat(240)), &"n".repeat(240), serde_json::json!({"warnOnly": true}), "would be rejected")]
fn warnings_fit_what_the_api_server_keeps(
    #[case] containers: usize,
    #[case] image: &str,
    #[case] name: &str,
    #[case] settings: Value,
    #[case] expected: &str,
) {
    let request = wide_deployment(containers, image, name);
    let payload = serde_json::json!({"request": request, "settings": settings}).to_string();
    let raw = always_pull_images_core::validate(payload.as_bytes());
    let response: ValidationResponse = serde_json::from_slice(&raw).unwrap();
    assert!(response.accepted);
    test_support::invariants::assert_warnings_survive_the_api_server(
        response.warnings.as_deref().unwrap_or_default(),
    );
    let warnings = response.warnings.unwrap();
    assert!(
        warnings.iter().any(|w| w.contains(expected)),
        "{warnings:#?}"
    );
    // Every listed warning keeps its whole field path.
    for (i, warning) in warnings
        .iter()
        .enumerate()
        .take(warnings.len().min(containers))
    {
        if warning.contains("more entries") {
            continue;
        }
        let path = format!("spec.template.spec.containers[{i}].imagePullPolicy");
        assert!(warning.contains(&path), "{warning}");
    }
    if containers == 1000 {
        let summary = warnings.last().unwrap();
        let listed = warnings.len() - 1;
        assert!(
            summary.starts_with(&format!("{} more entries", containers - listed)),
            "{summary}"
        );
    }
}
