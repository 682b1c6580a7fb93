//! `artifacthub-pkg.yml`, generated from `metadata.yml` and `questions-ui.yml`
//! the way `kwctl scaffold artifacthub` does (same fields, order and format),
//! so the committed file can be checked where kwctl is not installed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

const HEADER: &str = "# Kubewarden Artifacthub Package config
#
# Use this config to submit the policy to https://artifacthub.io.
#
# This config can be saved to its default location with:
#   kwctl scaffold artifacthub > artifacthub-pkg.yml 
";

/// The parts of `metadata.yml` the package is made from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub rules: Vec<Rule>,
    pub mutating: bool,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub api_groups: Vec<String>,
    pub api_versions: Vec<String>,
    pub resources: Vec<String>,
    pub operations: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    version: String,
    name: String,
    display_name: String,
    created_at: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
    #[serde(rename = "homeURL", skip_serializing_if = "Option::is_none")]
    home_url: Option<String>,
    containers_images: Vec<NamedImage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Vec<Link>>,
    install: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    maintainers: Option<Vec<Maintainer>>,
    provider: Provider,
    recommendations: Vec<Recommendation>,
    annotations: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct NamedImage {
    name: String,
    image: String,
}

#[derive(Serialize)]
struct Link {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct Maintainer {
    name: String,
    email: String,
}

#[derive(Serialize)]
struct Provider {
    name: String,
}

#[derive(Serialize)]
struct Recommendation {
    url: String,
}

pub fn parse_metadata(text: &str) -> Result<Metadata, String> {
    serde_yaml::from_str(text).map_err(|e| format!("metadata.yml: {e}"))
}

/// The package file for `metadata.yml` and `questions-ui.yml`, created at `created_at`.
pub fn scaffold(
    metadata_yml: &str,
    questions_yml: &str,
    created_at: &str,
) -> Result<String, String> {
    let metadata = parse_metadata(metadata_yml)?;
    let annotation = |key: &str| metadata.annotations.get(key).cloned();
    let required = |key: &str| {
        annotation(key).ok_or_else(|| format!("metadata.yml: annotation {key} is required"))
    };
    let version = required("io.kubewarden.policy.version")?;
    let oci_url = required("io.kubewarden.policy.ociUrl")?;
    let image = format!("{oci_url}:v{version}");
    let links = annotation("io.kubewarden.policy.source").map(|source| {
        let mut links = Vec::new();
        if source.starts_with("https://github.com/") {
            let tag = annotation("com.github.release.tag")
                .map_or_else(|| format!("v{version}"), |t| t.replace('/', "%2F"));
            links.push(Link {
                name: "policy".into(),
                url: format!("{source}/releases/download/{tag}/policy.wasm"),
            });
        }
        links.push(Link {
            name: "source".into(),
            url: source,
        });
        links
    });
    let maintainers = annotation("io.kubewarden.policy.author").map(|authors| {
        authors
            .split(',')
            .filter_map(|author| {
                let (name, email) = author.trim().split_once('<')?;
                Some(Maintainer {
                    name: name.trim().to_owned(),
                    email: email.trim_end_matches('>').trim().to_owned(),
                })
            })
            .collect()
    });
    let mut annotations = BTreeMap::new();
    annotations.insert(
        "kubewarden/mutation".to_owned(),
        metadata.mutating.to_string(),
    );
    if !questions_yml.trim().is_empty() {
        annotations.insert(
            "kubewarden/questions-ui".to_owned(),
            questions_yml.to_owned(),
        );
    }
    if let Some(resources) = annotation("io.artifacthub.resources") {
        annotations.insert("kubewarden/resources".to_owned(), resources);
    }
    annotations.insert(
        "kubewarden/rules".to_owned(),
        serde_yaml::to_string(&metadata.rules).map_err(|e| e.to_string())?,
    );
    let package = Package {
        version,
        name: required("io.kubewarden.policy.title")?,
        display_name: required("io.artifacthub.displayName")?,
        created_at: created_at.to_owned(),
        description: required("io.kubewarden.policy.description")?,
        license: annotation("io.kubewarden.policy.license"),
        home_url: annotation("io.kubewarden.policy.url"),
        containers_images: vec![NamedImage {
            name: "policy".into(),
            image: image.clone(),
        }],
        keywords: annotation("io.artifacthub.keywords").map(|k| {
            k.split(',')
                .map(|w| w.trim().to_owned())
                .filter(|w| !w.is_empty())
                .collect()
        }),
        links,
        install: format!(
            "The policy can be obtained using [`kwctl`](https://github.com/kubewarden/kwctl):\n\
             ```console\nkwctl pull {image}\n```\n\
             Then, generate the policy manifest and tune it to your liking. For example:\n\
             ```console\nkwctl scaffold manifest -t ClusterAdmissionPolicy registry://{image}\n```\n"
        ),
        maintainers,
        provider: Provider {
            name: "kubewarden".into(),
        },
        recommendations: vec![Recommendation {
            url: "https://artifacthub.io/packages/helm/kubewarden/kubewarden-controller".into(),
        }],
        annotations,
    };
    let body = serde_yaml::to_string(&package).map_err(|e| e.to_string())?;
    Ok(format!("{HEADER}{body}"))
}
