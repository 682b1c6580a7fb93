//! The evidence an auditor reads and the words a user reads, through the
//! public `validate`: audit annotations on every judged request (none on an
//! ignored one), rejections that name the real reason and only remedies that
//! would help, and every value bounded whatever the input.

// A test may unwrap and index: a panic is a failing test, not a trapped request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use rstest::rstest;
use serde_json::{Value, json};

const DIGEST: &str = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn pod(namespace: &str, containers: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": namespace},
        "spec": {"containers": containers},
    })
}

fn request(operation: &str, object: Value, old: Option<Value>) -> Value {
    let namespace = object["metadata"]["namespace"].clone();
    let kind = object["kind"].as_str().unwrap_or("Pod").to_owned();
    let group = if kind == "Pod" { "" } else { "apps" };
    json!({
        "uid": "1", "operation": operation, "name": "web", "namespace": namespace,
        "kind": {"group": group, "version": "v1", "kind": kind},
        "object": object, "oldObject": old,
    })
}

fn answer(request: Value, settings: Value) -> Value {
    let payload = json!({"request": request, "settings": settings}).to_string();
    serde_json::from_slice(&always_pull_images_core::validate(payload.as_bytes())).unwrap()
}

/// The audit annotations of an answer, sorted by key.
fn annotations(answer: &Value) -> Vec<(String, String)> {
    let mut annotations: Vec<(String, String)> = answer["audit_annotations"]
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    annotations.sort();
    annotations
}

fn container(name: &str, image: &str, policy: Option<&str>) -> Value {
    match policy {
        Some(policy) => json!({"name": name, "image": image, "imagePullPolicy": policy}),
        None => json!({"name": name, "image": image}),
    }
}

#[rstest]
#[case::compliant(
    request("CREATE", pod("shop", json!([container("app", "nginx:1.25", Some("Always"))])), None),
    json!({}),
    &[("decision", "accepted"), ("mode", "validate"), ("reason", "compliant")]
)]
#[case::exempt_namespace_recorded_without_reading_the_object(
    request("CREATE", json!({"kind": "Pod", "metadata": {"namespace": "team-a"}, "spec": "unreadable"}), None),
    json!({"exemptNamespaces": ["kube-system", "team-*"]}),
    &[("decision", "accepted"), ("exempt-namespace", "exemptNamespaces[1] \"team-*\""), ("mode", "validate"), ("reason", "exempt-namespace")]
)]
#[case::trusted_registry(
    request("CREATE", pod("shop", json!([container("app", "ghcr.io/my-org/app:1", Some("IfNotPresent"))])), None),
    json!({"trustedRegistries": ["quay.io", "ghcr.io/my-org"]}),
    &[("decision", "accepted"), ("exempt-entries", "spec.containers[0] trustedRegistries[1] \"ghcr.io/my-org\""), ("mode", "validate"), ("reason", "compliant")]
)]
#[case::digest_pinned(
    request("CREATE", pod("shop", json!([container("app", &format!("nginx{DIGEST}"), None)])), None),
    json!({"exemptDigestPinned": true}),
    &[("decision", "accepted"), ("exempt-entries", "spec.containers[0] exemptDigestPinned"), ("mode", "validate"), ("reason", "compliant")]
)]
#[case::an_update_leaves_running_containers_alone(
    request("UPDATE",
        pod("shop", json!([container("a", "nginx:1.25", Some("IfNotPresent")), container("b", "redis:7", Some("Always"))])),
        Some(pod("shop", json!([container("a", "nginx:1.25", Some("IfNotPresent")), container("b", "redis:6", Some("Always"))])))),
    json!({}),
    &[("decision", "accepted"), ("mode", "validate"), ("reason", "compliant"), ("unchanged-entries", "spec.containers[0]")]
)]
#[case::mutation(
    request("CREATE", pod("shop", json!([container("app", "nginx:1.25", None)])), None),
    json!({"mutate": true}),
    &[("decision", "mutated"), ("mode", "mutate"), ("not-always", "spec.containers[0].imagePullPolicy unset (IfNotPresent)"), ("reason", "not-always"), ("set-to-always", "spec.containers[0].imagePullPolicy")]
)]
#[case::warn_only_would_have_rejected(
    request("CREATE", pod("shop", json!([container("app", "nginx:1.25", Some("Never"))])), None),
    json!({"warnOnly": true}),
    &[("decision", "warned"), ("mode", "warn-only"), ("not-always", "spec.containers[0].imagePullPolicy \"Never\""), ("reason", "not-always")]
)]
#[case::rejection(
    request("CREATE", pod("shop", json!([container("app", "nginx:1.25", Some("IfNotPresent"))])), None),
    json!({}),
    &[("decision", "rejected"), ("mode", "validate"), ("not-always", "spec.containers[0].imagePullPolicy \"IfNotPresent\""), ("reason", "not-always")]
)]
#[case::mirror_pod(
    request("CREATE", json!({"kind": "Pod", "metadata": {"namespace": "kube-system", "annotations": {"kubernetes.io/config.mirror": "x"}},
        "spec": {"containers": [container("etcd", "etcd:3", Some("IfNotPresent"))]}}), None),
    json!({}),
    &[("decision", "accepted"), ("mode", "validate"), ("reason", "mirror-pod")]
)]
#[case::an_unreadable_object(
    request("CREATE", json!({"kind": "Pod", "metadata": {"namespace": "shop"}, "spec": {}}), None),
    json!({}),
    &[("decision", "rejected"), ("mode", "validate"), ("reason", "unreadable")]
)]
#[case::a_deleted_pod_is_ignored_and_records_nothing(
    request("DELETE", pod("shop", json!([container("app", "nginx:1.25", Some("IfNotPresent"))])), None),
    json!({}),
    &[]
)]
fn every_judged_request_records_why(
    #[case] request: Value,
    #[case] settings: Value,
    #[case] expected: &[(&str, &str)],
) {
    let answer = answer(request, settings);
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(annotations(&answer), expected, "{answer}");
}

#[test]
fn annotation_keys_are_valid_name_parts() {
    let answer = answer(
        request(
            "CREATE",
            pod("shop", json!([container("a", "nginx:1", None)])),
            None,
        ),
        json!({"mutate": true}),
    );
    for (key, _) in annotations(&answer) {
        assert!(key.len() <= 63, "{key}");
        assert!(
            key.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{key}"
        );
    }
}

#[test]
fn a_thousand_containers_give_bounded_annotations_and_messages() {
    let containers: Vec<Value> = (0..1_000)
        .map(|i| {
            container(
                &format!("c{i}"),
                &format!("registry.example.com/app{i}:1"),
                None,
            )
        })
        .collect();
    for settings in [
        json!({}),
        json!({"mutate": true}),
        json!({"warnOnly": true}),
    ] {
        let answer = answer(
            request("CREATE", pod("shop", json!(containers)), None),
            settings,
        );
        for (key, value) in annotations(&answer) {
            assert!(value.len() <= 1_024, "{key}: {} bytes", value.len());
            if key == "not-always" || key == "set-to-always" {
                assert!(value.ends_with(" more"), "{key}: {value}");
            }
        }
        if let Some(message) = answer["message"].as_str() {
            assert!(message.len() <= 4_096, "{} bytes", message.len());
            assert!(message.contains("; and 990 more"), "{message}");
        }
    }
}

#[test]
fn a_one_mebibyte_image_gives_a_bounded_rejection_with_its_field_path() {
    let image = format!("registry.example.com/{}:1", "a".repeat(1 << 20));
    let name = "n".repeat(1 << 20);
    let answer = answer(
        request(
            "CREATE",
            pod(
                "shop",
                json!([container(&name, &image, Some("IfNotPresent"))]),
            ),
            None,
        ),
        json!({}),
    );
    let message = answer["message"].as_str().unwrap();
    assert!(message.len() <= 4_096, "{} bytes", message.len());
    assert!(
        message.contains("spec.containers[0].imagePullPolicy is \"IfNotPresent\""),
        "{message}"
    );
    assert!(message.contains("..."), "{message}");
    for (key, value) in annotations(&answer) {
        assert!(value.len() <= 1_024, "{key}");
    }
}

#[test]
fn a_huge_unreadable_value_is_cut_to_the_bound() {
    // The parser's error quotes the value it did not expect.
    let answer = answer(
        request(
            "CREATE",
            json!({"kind": "Pod", "metadata": {"namespace": "shop"}, "spec": {"containers": "x".repeat(1 << 20)}}),
            None,
        ),
        json!({}),
    );
    assert!(answer["message"].as_str().unwrap().len() <= 4_096);
}

#[rstest]
#[case::an_invalid_digest_with_digest_exemption_on(
    "nginx@sha256:abc", json!({"exemptDigestPinned": true}),
    "which cannot be parsed: the digest is not a valid sha256, sha384 or sha512 digest",
    "Correct the image reference and pull it with \"Always\": an image that cannot be parsed is never exempt, only its namespace can be (policy setting exemptNamespaces)."
)]
#[case::digest_exemption_already_on(
    "nginx:1.25", json!({"exemptDigestPinned": true}),
    "(container \"app\", image \"nginx:1.25\")",
    "or ask the cluster operator to exempt the image (policy setting trustedRegistries) or the namespace (exemptNamespaces)."
)]
#[case::every_exemption_still_possible(
    "nginx:1.25", json!({}),
    "(container \"app\", image \"nginx:1.25\")",
    "exempt the image (policy settings trustedRegistries, exemptDigestPinned) or the namespace (exemptNamespaces)."
)]
#[case::an_uppercase_repository(
    "ghcr.io/acme/App:1", json!({"trustedRegistries": ["ghcr.io/acme"]}),
    "which cannot be parsed: the repository name must be lowercase",
    "an image that cannot be parsed is never exempt"
)]
fn a_rejection_names_the_real_reason_and_only_remedies_that_help(
    #[case] image: &str,
    #[case] settings: Value,
    #[case] reason: &str,
    #[case] remedy: &str,
) {
    let answer = answer(
        request(
            "CREATE",
            pod(
                "shop",
                json!([container("app", image, Some("IfNotPresent"))]),
            ),
            None,
        ),
        settings,
    );
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains(reason), "{message}");
    assert!(
        message.ends_with(remedy) || message.contains(remedy),
        "{message}"
    );
}

/// A kind the policy does not know is named, group and all, in its warning
/// and its `unknown-kind` annotation; the core group, which has no name,
/// is said to be the core group.
#[rstest]
#[case::core_group("", "ConfigMap", "ConfigMap (core group)")]
#[case::a_custom_resources_group("example.com", "Widget", "example.com/Widget")]
fn an_unknown_kind_is_named(#[case] group: &str, #[case] kind: &str, #[case] named: &str) {
    let request = json!({
        "uid": "1", "operation": "CREATE", "name": "thing", "namespace": "default",
        "kind": {"group": group, "version": "v1", "kind": kind},
        "object": {"apiVersion": "v1", "kind": kind, "metadata": {"name": "thing"}},
    });
    let answer = answer(request, json!({}));
    assert_eq!(answer["accepted"], true);
    assert_eq!(
        annotations(&answer),
        [
            ("decision".to_owned(), "accepted".to_owned()),
            ("mode".to_owned(), "validate".to_owned()),
            ("reason".to_owned(), "unknown-kind".to_owned()),
            ("unknown-kind".to_owned(), named.to_owned()),
        ]
    );
    let warning = answer["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains(&format!("does not know {named}")),
        "{warning}"
    );
}

/// The facade lists every custom resource the policy knows, by group and
/// kind, for the packaging tests and the docs.
#[test]
fn the_known_custom_resources_are_listed() {
    let known = always_pull_images_core::known_custom_resources();
    assert_eq!(known.len(), 43);
    for expected in [
        ("argoproj.io", "Rollout"),
        ("serving.knative.dev", "Service"),
        ("jobset.x-k8s.io", "JobSet"),
        ("tekton.dev", "PipelineRun"),
        ("sparkoperator.k8s.io", "ScheduledSparkApplication"),
    ] {
        assert!(known.contains(&expected), "{expected:?}");
    }
}
