//! The shipped metadata, package files, examples and README agree with each
//! other and with the code; a test fails when any of them drifts.

mod common;

use std::collections::BTreeSet;

use always_pull_images_core::{SETTING_NAMES, Settings};
use serde::Deserialize;
use serde_yaml::Value;

/// The parts of `metadata.yml` these tests compare.
#[derive(Debug, Deserialize)]
struct Metadata {
    rules: Vec<Rule>,
    mutating: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    api_groups: Vec<String>,
    api_versions: Vec<String>,
    resources: Vec<String>,
    operations: Vec<String>,
}

fn parse_metadata(text: &str) -> Result<Metadata, String> {
    serde_yaml::from_str(text).map_err(|e| format!("metadata.yml: {e}"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(common::repo_root().join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> Value {
    serde_yaml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cargo_version() -> String {
    let cargo = read("Cargo.toml");
    let line = cargo.lines().find(|l| l.starts_with("version = ")).unwrap();
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_owned()
}

/// (apiGroup, resource, operation) triples of a rule list.
fn triples(rules: &[Rule]) -> BTreeSet<(String, String, String)> {
    let mut set = BTreeSet::new();
    for rule in rules {
        // Built-in groups at v1; a custom resource at any version it serves
        // (the policy reads the same fields in each).
        let builtin = rule
            .api_groups
            .iter()
            .all(|g| ["", "apps", "batch"].contains(&g.as_str()));
        let expected: &[&str] = if builtin { &["v1"] } else { &["*"] };
        assert_eq!(rule.api_versions, expected, "{rule:?}");
        for group in &rule.api_groups {
            for resource in &rule.resources {
                for op in &rule.operations {
                    set.insert((group.clone(), resource.clone(), op.clone()));
                }
            }
        }
    }
    set
}

#[test]
fn metadata_rules_are_exactly_the_handled_resources() {
    let metadata = parse_metadata(&read("metadata.yml")).unwrap();
    let create_and_update = [
        ("", "pods"),
        ("", "replicationcontrollers"),
        ("apps", "deployments"),
        ("apps", "replicasets"),
        ("apps", "statefulsets"),
        ("apps", "daemonsets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
    ];
    let mut expected: BTreeSet<_> = create_and_update
        .iter()
        .flat_map(|(g, r)| {
            ["CREATE", "UPDATE"].map(|op| (g.to_string(), r.to_string(), op.to_string()))
        })
        .collect();
    // `kubectl debug` adds ephemeral containers with an UPDATE of the subresource.
    expected.insert((
        String::new(),
        "pods/ephemeralcontainers".to_owned(),
        "UPDATE".to_owned(),
    ));
    assert_eq!(triples(&metadata.rules), expected);
    assert!(metadata.mutating);
}

/// The audit scanner maps the resources of every rule with CREATE through the
/// REST mapper, which knows no subresources, and drops a policy that names one
/// from background audit as misconfigured.
#[test]
fn no_create_rule_names_a_subresource() {
    let mut rule_sets = vec![(
        "metadata.yml".to_owned(),
        parse_metadata(&read("metadata.yml")).unwrap().rules,
    )];
    rule_sets.extend(
        examples()
            .into_iter()
            .map(|(path, spec)| (path, spec.rules)),
    );
    for (path, rules) in rule_sets {
        for rule in rules
            .iter()
            .filter(|r| r.operations.iter().any(|o| o == "CREATE"))
        {
            for resource in &rule.resources {
                assert!(
                    !resource.contains('/'),
                    "{path}: a CREATE rule names the subresource {resource}; give it an UPDATE-only rule"
                );
            }
        }
    }
}

#[test]
fn metadata_declares_what_kubewarden_needs() {
    let metadata = yaml("metadata.yml");
    assert_eq!(metadata["backgroundAudit"], Value::Bool(true));
    assert_eq!(metadata["executionMode"], "kubewarden-wapc");
    assert_eq!(metadata["policyType"], "kubernetes");
    assert_eq!(metadata["contextAwareResources"], Value::Sequence(vec![]));
    let annotations = &metadata["annotations"];
    for key in [
        "io.kubewarden.policy.title",
        "io.kubewarden.policy.description",
        "io.kubewarden.policy.author",
        "io.kubewarden.policy.url",
        "io.kubewarden.policy.source",
        "io.kubewarden.policy.license",
        "io.kubewarden.policy.severity",
        "io.kubewarden.policy.category",
        "io.kubewarden.policy.ociUrl",
        "io.kubewarden.policy.version",
        "io.artifacthub.displayName",
        "io.artifacthub.resources",
        "io.artifacthub.keywords",
    ] {
        assert!(
            annotations[key].as_str().is_some_and(|v| !v.is_empty()),
            "annotation {key}"
        );
    }
    let oci_url = annotations["io.kubewarden.policy.ociUrl"].as_str().unwrap();
    assert!(
        !oci_url.contains(':') && !oci_url.starts_with("registry://"),
        "ociUrl has no tag or scheme"
    );
    assert!(
        read("Makefile").contains(&format!("OCI_REPO ?= {oci_url}\n")),
        "Makefile OCI_REPO"
    );
}

#[test]
fn the_version_agrees_everywhere() {
    let version = cargo_version();
    let metadata = yaml("metadata.yml");
    assert_eq!(
        metadata["annotations"]["io.kubewarden.policy.version"],
        version.as_str()
    );
    let package = yaml("artifacthub-pkg.yml");
    assert_eq!(package["version"], version.as_str());
    let tag = format!(":v{version}");
    assert!(
        package["containersImages"][0]["image"]
            .as_str()
            .unwrap()
            .ends_with(&tag)
    );
    for (path, policy) in examples() {
        assert!(policy.module.ends_with(&tag), "{path}: {}", policy.module);
    }
    assert!(
        read("README.md").contains(&format!("always-pull-images{tag}")),
        "README install commands"
    );
}

/// The committed package file is what the real `kwctl scaffold artifacthub`
/// makes of metadata.yml and questions-ui.yml, but for its creation time.
#[test]
fn artifacthub_pkg_is_what_kwctl_scaffold_generates() {
    let Some(kwctl) = common::kubewarden_tool("kwctl") else {
        return;
    };
    let root = common::repo_root();
    let output = std::process::Command::new(kwctl)
        .current_dir(&root)
        .args(["scaffold", "artifacthub", "--metadata-path", "metadata.yml"])
        .args(["--questions-path", "questions-ui.yml"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let without_creation_time = |text: &str| {
        text.trim_end()
            .lines()
            .filter(|line| !line.starts_with("createdAt:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_creation_time(&read("artifacthub-pkg.yml")),
        without_creation_time(&String::from_utf8(output.stdout).unwrap()),
        "regenerate it with `make artifacthub-pkg.yml`"
    );
}

#[test]
fn artifacthub_annotations_agree_with_metadata() {
    let package = yaml("artifacthub-pkg.yml");
    let metadata = yaml("metadata.yml");
    let annotations = &package["annotations"];
    assert_eq!(annotations["kubewarden/mutation"], "true");
    assert_eq!(
        annotations["kubewarden/resources"],
        metadata["annotations"]["io.artifacthub.resources"]
    );
    let rules: Vec<Rule> =
        serde_yaml::from_str(annotations["kubewarden/rules"].as_str().unwrap()).unwrap();
    assert_eq!(rules, parse_metadata(&read("metadata.yml")).unwrap().rules);
    assert_eq!(
        annotations["kubewarden/questions-ui"].as_str().unwrap(),
        read("questions-ui.yml")
    );
    assert_eq!(
        package["name"],
        metadata["annotations"]["io.kubewarden.policy.title"]
    );
    assert_eq!(
        package["displayName"],
        metadata["annotations"]["io.artifacthub.displayName"]
    );
}

#[test]
fn questions_ui_asks_for_exactly_the_settings_with_their_defaults() {
    let questions = yaml("questions-ui.yml");
    let defaults = serde_json::to_value(Settings::default()).unwrap();
    let mut asked = Vec::new();
    for question in questions["questions"].as_sequence().unwrap() {
        let variable = question["variable"].as_str().unwrap();
        asked.push(variable.to_owned());
        let default: serde_json::Value =
            serde_yaml::from_value(question["default"].clone()).unwrap();
        assert_eq!(default, defaults[variable], "default of {variable}");
        let expected_type = match default {
            serde_json::Value::Bool(_) => "boolean",
            serde_json::Value::String(_) => "string",
            // A list of objects: the questions of each, one per member.
            _ if question["sequence_questions"].is_sequence() => "sequence[",
            _ => "array[",
        };
        assert_eq!(question["type"], expected_type, "type of {variable}");
        if let Some(members) = question["sequence_questions"].as_sequence() {
            let names: Vec<&str> = members
                .iter()
                .filter_map(|m| m["variable"].as_str())
                .collect();
            let example =
                serde_json::to_value(always_pull_images_core::CustomResourceSetting::default())
                    .unwrap();
            let expected: Vec<&str> = example
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let (mut sorted, mut expected) = (names.clone(), expected);
            sorted.sort_unstable();
            expected.sort_unstable();
            assert_eq!(sorted, expected, "the members of {variable}");
        }
        for field in ["label", "description", "group"] {
            assert!(
                question[field].as_str().is_some_and(|v| !v.is_empty()),
                "{variable} needs a {field}"
            );
        }
    }
    assert_eq!(asked, SETTING_NAMES);
}

#[test]
fn the_readme_documents_every_setting_with_its_default() {
    let readme = read("README.md");
    let defaults = serde_json::to_value(Settings::default()).unwrap();
    for name in SETTING_NAMES {
        let row = format!("| `{name}` | `{}` |", defaults[name]);
        assert!(
            readme.contains(&row),
            "README settings table needs the row starting {row}"
        );
    }
}

/// The README's settings example is one the policy accepts, and it shows
/// every setting that takes a list.
#[test]
fn the_readme_settings_example_passes_the_policys_settings_validation() {
    let readme = read("README.md");
    let block = readme
        .split("```yaml\nsettings:\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```yaml block starting with settings: in the README");
    let example: Value = serde_yaml::from_str(block).unwrap();
    let settings = serde_json::to_value(&example).unwrap();
    for list in ["exemptNamespaces", "trustedRegistries", "customResources"] {
        assert!(settings[list].is_array(), "the README example shows {list}");
    }
    let verdict = common::instance().validate_settings(&settings).unwrap();
    assert!(
        verdict.valid,
        "the README's settings: {:?}",
        verdict.message
    );
}

#[derive(Debug, Deserialize)]
struct PolicyDoc {
    kind: String,
    spec: PolicySpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicySpec {
    module: String,
    mutating: bool,
    background_audit: Option<bool>,
    rules: Vec<Rule>,
    #[serde(default)]
    settings: serde_json::Value,
}

fn examples() -> Vec<(String, PolicySpec)> {
    let dir = common::repo_root().join("examples");
    let mut found = Vec::new();
    let paths = test_support::files::files_in(&dir);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for document in serde_yaml::Deserializer::from_str(&text) {
            let doc = PolicyDoc::deserialize(document)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                matches!(
                    doc.kind.as_str(),
                    "ClusterAdmissionPolicy" | "AdmissionPolicy"
                ),
                "{}",
                doc.kind
            );
            found.push((path.display().to_string(), doc.spec));
        }
    }
    found
}

#[test]
fn examples_match_metadata_and_pass_the_policys_settings_validation() {
    let examples = examples();
    assert!(
        examples.len() >= 6,
        "validate, mutate, the pair, warn-only and a namespaced policy"
    );
    let metadata_rules = triples(&parse_metadata(&read("metadata.yml")).unwrap().rules);
    let known_groups: BTreeSet<&str> = always_pull_images_core::known_custom_resources()
        .into_iter()
        .map(|(group, _)| group)
        .collect();
    let instance = common::instance();
    for (path, spec) in &examples {
        let rules = triples(&spec.rules);
        // The custom resources' example adds rules, each for a group of a
        // custom resource the policy knows, to metadata.yml's.
        let (own, added): (BTreeSet<_>, BTreeSet<_>) = rules
            .into_iter()
            .partition(|rule| metadata_rules.contains(rule));
        assert_eq!(own, metadata_rules, "{path}: rules");
        for (group, _, _) in &added {
            assert!(
                path.ends_with("custom-resources.yaml") && known_groups.contains(group.as_str()),
                "{path}: a rule for {group}"
            );
        }
        if path.ends_with("custom-resources.yaml") {
            let named: BTreeSet<&str> = added.iter().map(|(g, _, _)| g.as_str()).collect();
            assert_eq!(
                named, known_groups,
                "{path}: a rule for every group the policy knows"
            );
            for (group, kind) in always_pull_images_core::known_custom_resources() {
                let plural = format!("{}s", kind.to_ascii_lowercase());
                for op in ["CREATE", "UPDATE"] {
                    let rule = (group.to_owned(), plural.clone(), op.to_owned());
                    assert!(added.contains(&rule), "{path}: no rule for {rule:?}");
                }
            }
        }
        let mutate = spec
            .settings
            .get("mutate")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        assert_eq!(
            spec.mutating, mutate,
            "{path}: spec.mutating must agree with settings.mutate"
        );
        let warn_only = spec.settings.get("warnOnly") == Some(&serde_json::Value::Bool(true));
        if spec.mutating || warn_only {
            assert_eq!(
                spec.background_audit,
                Some(false),
                "{path}: audit reports every allowed answer as a pass, and this policy allows \
                 non-compliant objects; set backgroundAudit: false and audit with a validating policy"
            );
        }
        let verdict = instance.validate_settings(&spec.settings).unwrap();
        assert!(verdict.valid, "{path}: {:?}", verdict.message);
    }
}

/// The examples conform to the Kubewarden CRDs' fields and enums (copies of
/// the CRDs of kubewarden-controller, in `test_data/crds/`).
#[test]
fn examples_use_fields_the_crds_define() {
    let mut checked = 0;
    for path in test_support::files::files_in(&common::repo_root().join("examples")) {
        let text = std::fs::read_to_string(&path).unwrap();
        for document in serde_yaml::Deserializer::from_str(&text) {
            let doc = Value::deserialize(document).unwrap();
            assert_eq!(doc["apiVersion"], "policies.kubewarden.io/v1");
            let kind = doc["kind"].as_str().unwrap();
            let crd = match kind {
                "ClusterAdmissionPolicy" => "clusteradmissionpolicies",
                "AdmissionPolicy" => "admissionpolicies",
                other => panic!("{}: unexpected kind {other}", path.display()),
            };
            let crd = yaml(&format!("test_data/crds/policies.kubewarden.io_{crd}.yaml"));
            let v1 = crd["spec"]["versions"]
                .as_sequence()
                .unwrap()
                .iter()
                .find(|v| v["name"] == "v1")
                .unwrap();
            let spec_schema = &v1["schema"]["openAPIV3Schema"]["properties"]["spec"];
            let known: BTreeSet<&str> = spec_schema["properties"]
                .as_mapping()
                .unwrap()
                .keys()
                .filter_map(Value::as_str)
                .collect();
            let spec = doc["spec"].as_mapping().unwrap();
            for key in spec.keys().filter_map(Value::as_str) {
                assert!(
                    known.contains(key),
                    "{}: spec.{key} is not in the {kind} CRD",
                    path.display()
                );
            }
            for key in spec_schema["required"].as_sequence().unwrap() {
                assert!(
                    spec.contains_key(key),
                    "{}: spec.{key:?} is required",
                    path.display()
                );
            }
            let mode = doc["spec"]["mode"].as_str().unwrap_or("protect");
            assert!(["protect", "monitor"].contains(&mode));
            checked += 1;
        }
    }
    assert!(checked >= 5, "every example is checked");
}

/// The links of a Markdown text: the targets of `[text](target)`.
fn markdown_links(text: &str) -> Vec<&str> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target))
        .collect()
}

/// The README is embedded in the module and shown on Artifact Hub and by
/// `kwctl inspect`, where a relative link leads nowhere: every link is
/// absolute, every link into this repository names a file or folder that
/// exists, and the README stays short enough to read in five minutes.
#[test]
fn readme_is_short_and_its_links_work_anywhere() {
    let metadata = yaml("metadata.yml");
    let source = metadata["annotations"]["io.kubewarden.policy.source"]
        .as_str()
        .unwrap()
        .to_owned();
    let readme = read("README.md");
    assert!(
        readme.len() <= 10_000,
        "README.md is {} bytes",
        readme.len()
    );
    for document in ["README.md", "docs/behaviour.md"] {
        for link in markdown_links(&read(document)) {
            assert!(
                link.starts_with("https://"),
                "{document}: the link {link} is not absolute"
            );
            let Some(path) = ["/blob/main/", "/tree/main/"]
                .iter()
                .find_map(|at| link.strip_prefix(&format!("{source}{at}")))
            else {
                continue;
            };
            let path = path.split('#').next().unwrap();
            assert!(
                common::repo_root().join(path).exists(),
                "{document}: {link} names {path}, which does not exist"
            );
        }
    }
}
