//! The release policy.wasm, replayed through the waPC host as the policy server
//! runs it: every workload kind, CREATE and UPDATE, both modes, settings,
//! malformed input. Patches are computed by the host (JSON-patch diff), as
//! policy-evaluator computes them.

mod common;

use std::path::PathBuf;

use common::{fixture, instance};
use rstest::rstest;
use serde_json::{Value, json};
use test_support::verdicts::{Verdict, Verdicts};

fn evaluate(name: &str, settings: Value) -> policy_host::AdmissionResponse {
    instance().evaluate(&fixture(name), &settings)
}

/// Asserts the patch only writes "Always" into pull-policy fields, and returns its paths.
fn pull_policy_paths(response: &policy_host::AdmissionResponse) -> Vec<String> {
    let patch = response.decoded_patch().expect("a patch");
    patch
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            let path = op["path"].as_str().unwrap().to_owned();
            assert!(
                path.ends_with("/imagePullPolicy") || path.ends_with("/image/pullPolicy"),
                "{op}"
            );
            assert!(matches!(op["op"].as_str(), Some("add" | "replace")), "{op}");
            assert_eq!(op["value"], "Always", "{op}");
            path
        })
        .collect()
}

#[test]
fn speaks_protocol_v1() {
    assert_eq!(instance().protocol_version().unwrap(), "v1");
}

/// Every fixture under every configuration of `test_data/verdicts.tsv`,
/// through the compiled module.
#[rstest]
fn verdicts(#[files("../test_data/*.json")] path: PathBuf) {
    let table = Verdicts::load(&common::repo_root().join("test_data"));
    let fixture = path.file_name().unwrap().to_str().unwrap();
    let request: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let instance = instance();
    for (configuration, settings, expected) in table.of(fixture) {
        let response = instance.evaluate(&request, settings);
        let got = common::verdict_of(&response);
        assert_eq!(
            got, expected,
            "{fixture} under {configuration}: {response:?}"
        );
        assert_eq!(response.uid, request["uid"].as_str().unwrap(), "uid echoed");
        if expected == Verdict::Reject {
            assert!(response.message().unwrap().contains("must be \"Always\""));
        }
    }
}

#[test]
fn every_kind_in_mutate_mode() {
    let table: [(&str, &[&str]); 11] = [
        (
            "pod_create_if_not_present.json",
            &[
                "/spec/initContainers/0/imagePullPolicy",
                "/spec/containers/0/imagePullPolicy",
            ],
        ),
        (
            "pod_create_raw_manifest.json",
            &["/spec/containers/0/imagePullPolicy"],
        ),
        (
            "pod_create_image_volume.json",
            &["/spec/volumes/1/image/pullPolicy"],
        ),
        (
            "pod_ephemeral_containers.json",
            &["/spec/ephemeralContainers/1/imagePullPolicy"],
        ),
        (
            "deployment_create.json",
            &[
                "/spec/template/spec/initContainers/0/imagePullPolicy",
                "/spec/template/spec/containers/0/imagePullPolicy",
                "/spec/template/spec/containers/2/imagePullPolicy",
            ],
        ),
        (
            "deployment_update_new_image.json",
            &[
                "/spec/template/spec/initContainers/0/imagePullPolicy",
                "/spec/template/spec/containers/0/imagePullPolicy",
                "/spec/template/spec/containers/2/imagePullPolicy",
            ],
        ),
        (
            "statefulset_create.json",
            &["/spec/template/spec/containers/0/imagePullPolicy"],
        ),
        (
            "daemonset_create.json",
            &["/spec/template/spec/containers/0/imagePullPolicy"],
        ),
        (
            "job_create.json",
            &["/spec/template/spec/containers/0/imagePullPolicy"],
        ),
        (
            "cronjob_create.json",
            &["/spec/jobTemplate/spec/template/spec/containers/0/imagePullPolicy"],
        ),
        (
            "replicationcontroller_create.json",
            &["/spec/template/spec/containers/0/imagePullPolicy"],
        ),
    ];
    let instance = instance();
    for (name, expected) in table {
        let response = instance.evaluate(&fixture(name), &json!({"mutate": true}));
        assert!(response.allowed, "{name}: {:?}", response.message());
        let mut paths = pull_policy_paths(&response);
        let mut expected: Vec<String> = expected.iter().map(|p| p.to_string()).collect();
        paths.sort();
        expected.sort();
        assert_eq!(paths, expected, "{name}");
        assert_eq!(
            response.warnings.as_ref().map(Vec::len),
            Some(expected.len()),
            "{name}: one warning per change"
        );
    }
}

#[test]
fn mutate_mode_rejects_pod_updates_and_warns_on_replicasets() {
    let pod = evaluate("pod_update_new_image.json", json!({"mutate": true}));
    assert!(!pod.allowed);
    assert!(
        pod.message().unwrap().contains("recreate the Pod"),
        "{:?}",
        pod.message()
    );
    let replicaset = evaluate("replicaset_create.json", json!({"mutate": true}));
    assert!(replicaset.allowed && replicaset.patch.is_none());
    assert!(replicaset.warnings.unwrap()[0].contains("another object owns it, so accepted as is"));
}

#[test]
fn fields_no_rust_type_knows_survive_the_patch() {
    let request = fixture("deployment_create_future_fields.json");
    let response = instance().evaluate(&request, &json!({"mutate": true}));
    assert_eq!(
        pull_policy_paths(&response),
        ["/spec/template/spec/containers/0/imagePullPolicy"]
    );
    let mut object = request["object"].clone();
    let patch: json_patch::Patch =
        serde_json::from_value(response.decoded_patch().unwrap()).unwrap();
    json_patch::patch(&mut object, &patch).unwrap();
    assert_eq!(
        object["spec"]["someFutureField"],
        json!({"enabled": true, "ratio": 0.25})
    );
    assert_eq!(
        object["spec"]["template"]["spec"]["someFutureField"],
        "keep-me"
    );
    assert_eq!(
        object["spec"]["template"]["spec"]["containers"][0]["futureField"],
        json!({"nested": [1, 2.5, "x", null, true]})
    );
    assert_eq!(object["metadata"]["someUnknownKey"], "kept");
    assert_eq!(
        object["metadata"]["annotations"]["example.com/escaped"],
        "line1\nline2\t\"quoted\""
    );
}

#[test]
fn settings_exemptions() {
    let table = [
        (
            "pod_create_if_not_present.json",
            json!({"exemptNamespaces": ["default"]}),
            true,
        ),
        (
            "pod_create_if_not_present.json",
            json!({"exemptNamespaces": ["defaul*"]}),
            true,
        ),
        (
            "pod_create_if_not_present.json",
            json!({"exemptNamespaces": ["kube-system"]}),
            false,
        ),
        (
            "pod_create_trusted_registry.json",
            json!({"trustedRegistries": ["registry.example.com"]}),
            true,
        ),
        (
            "pod_create_trusted_registry.json",
            json!({"trustedRegistries": ["*.example.com"]}),
            true,
        ),
        (
            "pod_create_trusted_registry.json",
            json!({"trustedRegistries": ["registry.example.com:443"]}),
            false,
        ),
        (
            "pod_create_trusted_registry.json",
            json!({"trustedRegistries": ["registry.example.com/shop-evil"]}),
            false,
        ),
        (
            "pod_create_digest_pinned.json",
            json!({"exemptDigestPinned": true}),
            true,
        ),
        ("pod_create_digest_pinned.json", json!({}), false),
    ];
    let instance = instance();
    for (name, settings, allowed) in table {
        let response = instance.evaluate(&fixture(name), &settings);
        assert_eq!(
            response.allowed,
            allowed,
            "{name} with {settings}: {:?}",
            response.message()
        );
    }
}

#[test]
fn validate_settings_names_what_is_wrong() {
    let table = [
        (json!({}), None),
        (json!(null), None),
        (
            json!({"mutate": true, "exemptNamespaces": ["kube-*"], "trustedRegistries": ["ghcr.io/org"], "exemptDigestPinned": true}),
            None,
        ),
        (json!({"mutat": true}), Some("unknown field `mutat`")),
        (json!({"warnOnly": true}), None),
        (
            json!({"warnOnly": true, "mutate": true}),
            Some("mutate and warnOnly cannot both be true"),
        ),
        (json!({"mutate": "yes"}), Some("expected a boolean")),
        (
            json!({"exemptNamespaces": ["Kube"]}),
            Some("exemptNamespaces[0] \"Kube\""),
        ),
        (
            json!({"trustedRegistries": ["ok.io", "ghcr.io/org:1"]}),
            Some("trustedRegistries[1] \"ghcr.io/org:1\" has a tag"),
        ),
        (
            json!({"trustedRegistries": ["*"]}),
            Some("trustedRegistries[0]"),
        ),
        (json!([1, 2]), Some("invalid type")),
    ];
    let instance = instance();
    for (settings, problem) in table {
        let verdict = instance.validate_settings(&settings).unwrap();
        match problem {
            None => assert!(verdict.valid, "{settings}: {:?}", verdict.message),
            Some(text) => {
                assert!(!verdict.valid, "{settings} should be refused");
                let message = verdict.message.unwrap();
                assert!(message.contains(text), "{settings}: {message}");
            }
        }
    }
}

#[test]
fn malformed_payloads_get_a_clean_rejection() {
    let instance = instance();
    let payloads: [&[u8]; 8] = [
        b"",
        b"{",
        b"null",
        b"[]",
        b"{\"settings\": {}}",
        b"{\"request\": {\"kind\": {\"kind\": \"Pod\"}}, \"settings\": {}}",
        b"\xff\xfe{}",
        b"{\"request\": {\"kind\": {\"kind\": \"Pod\"}, \"operation\": \"CREATE\", \"object\": {\"spec\": {\"containers\": 5}}}}",
    ];
    for payload in payloads {
        let answer = instance
            .call("validate", payload)
            .expect("an answer, not a trap");
        let response: policy_host::GuestResponse = serde_json::from_slice(&answer).unwrap();
        assert!(!response.accepted, "{}", String::from_utf8_lossy(payload));
        assert!(response.message.is_some_and(|m| !m.is_empty()));
    }
    // The instance stays healthy.
    assert!(
        instance
            .evaluate(&fixture("pod_create_compliant.json"), &json!({}))
            .allowed
    );
}

#[test]
fn admission_review_files_are_unwrapped_like_kwctl() {
    let review = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": fixture("pod_create_compliant.json")});
    let request = policy_host::request_from_document(review).unwrap();
    assert_eq!(request["kind"]["kind"], "Pod");
    assert!(policy_host::request_from_document(json!({"kind": "AdmissionReview"})).is_err());
    assert!(policy_host::request_from_document(json!("x")).is_err());
}
