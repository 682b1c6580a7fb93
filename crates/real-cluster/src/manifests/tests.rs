//! The derivation, checked against what kubewarden-controller v1.35.0
//! writes (`policy_subreconciler_webhook.go`, its `_test.go`).

use super::*;

fn example(file: &str) -> Vec<Policy> {
    let path = format!("{}/../../examples/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Policy::read_all(&text).unwrap()
}

fn endpoint() -> Endpoint {
    Endpoint {
        base_url: "https://127.0.0.1:8443".to_owned(),
        ca_bundle: "Q0E=".to_owned(),
    }
}

#[test]
fn a_cluster_policy_is_named_and_called_as_the_controller_does() {
    let policies = example("validate.yaml");
    let [policy] = policies.as_slice() else {
        panic!("one policy: {policies:?}")
    };
    let config = policy.webhook_configuration(&endpoint());
    assert_eq!(config["kind"], "ValidatingWebhookConfiguration");
    assert_eq!(config["metadata"]["name"], "clusterwide-always-pull-images");
    let webhook = &config["webhooks"][0];
    assert_eq!(
        webhook["name"],
        "clusterwide-always-pull-images.kubewarden.admission"
    );
    assert_eq!(
        webhook["clientConfig"]["url"],
        "https://127.0.0.1:8443/validate/clusterwide-always-pull-images"
    );
    assert_eq!(webhook["sideEffects"], "None");
    assert_eq!(webhook["timeoutSeconds"], 10);
    assert_eq!(webhook["admissionReviewVersions"], json!(["v1"]));
    assert!(
        webhook.get("failurePolicy").is_none(),
        "the API server defaults it to Fail"
    );
    assert_eq!(
        webhook["namespaceSelector"],
        json!({"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kubewarden"]}]})
    );
    assert_eq!(webhook["rules"], policy.spec["rules"]);
}

#[test]
fn the_pair_is_a_mutating_and_a_validating_webhook() {
    let kinds: Vec<Value> = example("mutate-and-validate.yaml")
        .iter()
        .map(|policy| policy.webhook_configuration(&endpoint())["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            json!("MutatingWebhookConfiguration"),
            json!("ValidatingWebhookConfiguration")
        ]
    );
}

#[test]
fn a_namespaced_policy_selects_its_namespace_and_scopes_its_rules() {
    let policies = example("namespaced.yaml");
    let [policy] = policies.as_slice() else {
        panic!("one policy: {policies:?}")
    };
    assert_eq!(
        policy.unique_name(),
        "namespaced-team-payments-always-pull-images"
    );
    let webhook = &policy.webhook_configuration(&endpoint())["webhooks"][0];
    assert_eq!(
        webhook["namespaceSelector"],
        json!({"matchLabels": {"kubernetes.io/metadata.name": "team-payments"}})
    );
    assert!(
        webhook["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|rule| rule["scope"] == "Namespaced")
    );
}

#[test]
fn a_policys_own_selector_keeps_only_its_match_expressions() {
    let mut policy = example("validate.yaml").remove(0);
    policy.spec["namespaceSelector"] = json!({
        "matchLabels": {"dropped": "yes"},
        "matchExpressions": [{"key": "team", "operator": "In", "values": ["a"]}],
    });
    let selector = &policy.webhook_configuration(&endpoint())["webhooks"][0]["namespaceSelector"];
    assert!(selector.get("matchLabels").is_none(), "{selector}");
    assert_eq!(selector["matchExpressions"][1]["key"], "team");
}

#[test]
fn the_policy_server_entry_carries_mode_settings_and_the_right_to_mutate() {
    for policy in example("mutate-and-validate.yaml") {
        let entry = policy.policies_entry("file:///policy.wasm");
        assert_eq!(entry["module"], "file:///policy.wasm");
        assert_eq!(entry["policyMode"], "protect");
        assert_eq!(entry["allowedToMutate"], policy.mutating());
        assert_eq!(entry["settings"]["mutate"], policy.mutating());
    }
}
