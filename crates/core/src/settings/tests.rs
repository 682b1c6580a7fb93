use super::*;
use rstest::rstest;
use serde_json::json;

fn validate(settings: serde_json::Value) -> Result<(), String> {
    serde_json::from_value::<Settings>(settings)
        .map_err(|e| e.to_string())
        .and_then(|settings| settings.validate())
}

#[rstest]
#[case::empty(json!({}))]
#[case::every_setting(json!({"mutate": true, "exemptNamespaces": ["kube-system", "team-*"], "trustedRegistries": ["registry.example.com", "localhost:5000", "ghcr.io/my-org", "*.dkr.ecr.eu-west-1.amazonaws.com"], "exemptDigestPinned": true}))]
#[case::empty_lists(json!({"exemptNamespaces": [], "trustedRegistries": []}))]
#[case::warn_only(json!({"warnOnly": true, "exemptNamespaces": ["kube-system"]}))]
#[case::warn_only_off_with_mutate(json!({"warnOnly": false, "mutate": true}))]
#[case::a_custom_resource(json!({"customResources": [{"group": "example.com", "kind": "Widget", "podTemplates": ["spec.template", "spec.workers[*].template"], "podSpecs": ["spec.pod"], "containers": ["spec.steps[*]", "spec.runner"], "immutable": true}]}))]
#[case::a_map_keyed_by_replica_type(json!({"customResources": [{"group": "ml.example.com", "kind": "TrainingJob", "podTemplates": ["spec.replicaSpecs.*.template"]}]}))]
#[case::a_known_kind_replaced(json!({"customResources": [{"group": "argoproj.io", "kind": "Rollout", "podTemplates": ["spec.template"]}]}))]
fn accepted(#[case] settings: serde_json::Value) {
    assert_eq!(validate(settings), Ok(()));
}

#[rstest]
#[case::unknown_key(json!({"mutat": true}), "unknown field `mutat`")]
#[case::warn_only_with_mutate(json!({"mutate": true, "warnOnly": true}), "mutate and warnOnly cannot both be true")]
#[case::warn_only_not_a_bool(json!({"warnOnly": "yes"}), "invalid type: string \"yes\", expected a boolean")]
#[case::snake_case_key(json!({"exempt_namespaces": []}), "unknown field `exempt_namespaces`")]
#[case::mutate_not_a_bool(json!({"mutate": "true"}), "invalid type: string \"true\", expected a boolean")]
#[case::namespaces_not_a_list(json!({"exemptNamespaces": "kube-system"}), "invalid type: string \"kube-system\", expected a sequence")]
#[case::registry_not_a_string(json!({"trustedRegistries": [5]}), "invalid type: integer `5`, expected a string")]
#[case::empty_namespace(json!({"exemptNamespaces": [""]}), "exemptNamespaces[0] \"\" is empty")]
#[case::uppercase_namespace(json!({"exemptNamespaces": ["ok", "Kube-System"]}), "exemptNamespaces[1] \"Kube-System\" is not a namespace name")]
#[case::bare_star_namespace(json!({"exemptNamespaces": ["*"]}), "exemptNamespaces[0] \"*\" a bare \"*\" would exempt every namespace")]
#[case::empty_registry(json!({"trustedRegistries": [""]}), "trustedRegistries[0] \"\" is empty")]
#[case::registry_with_scheme(json!({"trustedRegistries": ["https://ghcr.io"]}), "trustedRegistries[0] \"https://ghcr.io\" has a URL scheme")]
#[case::registry_with_tag(json!({"trustedRegistries": ["ghcr.io/org/app:1"]}), "trustedRegistries[0] \"ghcr.io/org/app:1\" has a tag")]
#[case::registry_with_digest(json!({"trustedRegistries": ["ghcr.io/org/app@sha256:abc"]}), "has an '@'")]
#[case::registry_uppercase_path(json!({"trustedRegistries": ["ghcr.io/MyOrg"]}), "has uppercase letters in its repository path")]
#[case::registry_with_space(json!({"trustedRegistries": ["ghcr.io "]}), "contains white space")]
#[case::registry_star_inside(json!({"trustedRegistries": ["registry.*.com"]}), "only subdomain wildcards")]
#[case::registry_single_label(json!({"trustedRegistries": ["myregistry"]}), "is not a registry host")]
#[case::a_custom_resource_without_a_group(json!({"customResources": [{"kind": "Widget", "podTemplates": ["spec.template"]}]}), "missing field `group`")]
#[case::a_custom_resource_without_a_kind(json!({"customResources": [{"group": "example.com", "podTemplates": ["spec.template"]}]}), "missing field `kind`")]
#[case::a_custom_resource_with_an_unknown_member(json!({"customResources": [{"group": "example.com", "kind": "Widget", "templates": ["spec.template"]}]}), "unknown field `templates`, expected one of `group`, `kind`, `podTemplates`, `podSpecs`, `containers`, `immutable`")]
#[case::custom_resources_not_a_list(json!({"customResources": {"group": "example.com"}}), "invalid type: map, expected a sequence")]
#[case::a_custom_resource_not_an_object(json!({"customResources": ["example.com/Widget"]}), "expected a custom resource: group, kind, and the paths of its places")]
#[case::a_workloads_group(json!({"customResources": [{"group": "apps", "kind": "Deployment", "podTemplates": ["spec.template"]}]}), "customResources[0] \"apps/Deployment\" has a group that has no dot")]
#[case::the_core_group(json!({"customResources": [{"group": "", "kind": "Pod", "podSpecs": ["spec"]}]}), "customResources[0] \"/Pod\" has a group that is empty")]
#[case::an_uppercase_group(json!({"customResources": [{"group": "Example.com", "kind": "Widget", "podTemplates": ["spec.template"]}]}), "has a group that is no DNS subdomain")]
#[case::a_lowercase_kind_is_fine_but_a_dot_is_not(json!({"customResources": [{"group": "example.com", "kind": "my.Widget", "podTemplates": ["spec.template"]}]}), "has a kind that holds other than letters and digits")]
#[case::no_place(json!({"customResources": [{"group": "example.com", "kind": "Widget"}]}), "customResources[0] \"example.com/Widget\" names no place (podTemplates, podSpecs or containers)")]
#[case::an_index_in_a_path(json!({"customResources": [{"group": "example.com", "kind": "Widget", "podTemplates": ["spec.workers[0].template"]}]}), "has podTemplates[0] \"spec.workers[0].template\" that has a '[' that does not open \"[*]\"")]
#[case::a_json_pointer(json!({"customResources": [{"group": "example.com", "kind": "Widget", "containers": ["/spec/runner"]}]}), "has containers[0] \"/spec/runner\" that has '/' in a member name")]
#[case::a_group_longer_than_a_dns_name(json!({"customResources": [{"group": format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62)), "kind": "Widget", "podSpecs": ["spec"]}]}), "has a group that is longer than 253 characters")]
#[case::an_empty_kind(json!({"customResources": [{"group": "example.com", "kind": "", "podSpecs": ["spec"]}]}), "customResources[0] \"example.com/\" has a kind that is empty")]
#[case::a_kind_starting_with_a_digit(json!({"customResources": [{"group": "example.com", "kind": "2Widget", "podSpecs": ["spec"]}]}), "has a kind that does not start with a letter")]
#[case::named_twice(json!({"customResources": [{"group": "example.com", "kind": "Widget", "podSpecs": ["spec"]}, {"group": "example.com", "kind": "Widget", "podSpecs": ["spec"]}]}), "customResources[1] \"example.com/Widget\" is named twice")]
fn refused(#[case] settings: serde_json::Value, #[case] expected: &str) {
    let error = validate(settings).expect_err("must be refused");
    assert!(
        error.contains(expected),
        "{error:?} should contain {expected:?}"
    );
}

/// A group of exactly 253 characters, the most a DNS name holds, is one.
#[test]
fn a_group_of_253_characters_is_accepted() {
    let group = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(61)
    );
    assert_eq!(group.len(), 253);
    validate(
        json!({"customResources": [{"group": group, "kind": "Widget", "podSpecs": ["spec"]}]}),
    )
    .unwrap();
}

/// A custom resource whose every path is refused is told so path by path,
/// not also that it names no place.
#[test]
fn a_custom_resource_with_only_bad_paths_is_told_of_each_path() {
    let error = validate(json!({"customResources": [
        {"group": "example.com", "kind": "Widget", "podTemplates": ["spec..template"]},
    ]}))
    .unwrap_err();
    assert!(error.contains("podTemplates[0]"), "{error}");
    assert!(!error.contains("names no place"), "{error}");
}

#[test]
fn every_bad_entry_is_reported_at_once() {
    let error = validate(
        json!({"exemptNamespaces": ["A"], "trustedRegistries": ["ok.io", "x y", "https://z"]}),
    )
    .unwrap_err();
    for part in [
        "exemptNamespaces[0]",
        "trustedRegistries[1]",
        "trustedRegistries[2]",
    ] {
        assert!(error.contains(part), "{error}");
    }
    assert!(!error.contains("trustedRegistries[0]"), "{error}");
}

#[test]
fn defaults_validate_and_trust_nothing() {
    let settings: Settings = serde_json::from_value(json!({})).unwrap();
    assert_eq!(settings, Settings::default());
    let rules = settings.rules().unwrap();
    assert_eq!(
        rules,
        Rules {
            short_name_registry: Some("docker.io".to_owned()),
            ..Rules::default()
        }
    );
}

#[rstest]
#[case::docker_hub("docker.io", Some("docker.io"))]
#[case::a_search_registry("registry.example.com", Some("registry.example.com"))]
#[case::with_a_port("registry.example.com:5000", Some("registry.example.com:5000"))]
#[case::localhost("localhost:5000", Some("localhost:5000"))]
#[case::none_means_short_names_are_never_trusted("", None)]
fn short_name_registries_that_apply(#[case] value: &str, #[case] expected: Option<&str>) {
    let settings: Settings = serde_json::from_value(json!({"shortNameRegistry": value})).unwrap();
    let rules = settings.rules().unwrap();
    assert_eq!(rules.short_name_registry.as_deref(), expected);
}

#[rstest]
#[case::a_path("registry.example.com/library")]
#[case::a_scheme("https://registry.example.com")]
#[case::white_space("registry example.com")]
#[case::an_empty_port("registry.example.com:")]
#[case::a_wildcard("*.example.com")]
fn short_name_registries_that_are_refused(#[case] value: &str) {
    let settings: Settings = serde_json::from_value(json!({"shortNameRegistry": value})).unwrap();
    let error = settings.validate().unwrap_err();
    assert!(error.starts_with("shortNameRegistry"), "{error}");
    assert!(error.contains("is not a registry host"), "{error}");
}

#[test]
fn setting_names_match_the_serialized_form() {
    let serialized = serde_json::to_value(Settings::default()).unwrap();
    let mut names: Vec<&str> = serialized
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = SETTING_NAMES.to_vec();
    names.sort_unstable();
    expected.sort_unstable();
    assert_eq!(names, expected);
}
