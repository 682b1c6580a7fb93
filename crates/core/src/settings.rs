//! The policy settings, as users write them and as the policy applies them.

use kubewarden_policy_sdk::settings::Validatable;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::custom_resource::{self, CustomResource};
use crate::image_reference::{self, DEFAULT_DOMAIN, ImageReference};
use crate::namespace::NamespacePattern;
use crate::registry::TrustedRegistry;

/// The settings of a `ClusterAdmissionPolicy` (camelCase, all optional).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Settings {
    /// Patch non-compliant pull policies to `Always` instead of rejecting.
    pub mutate: bool,
    /// Accept non-compliant requests unchanged, with a warning per entry that
    /// would be rejected (a roll-out mode; not together with `mutate`).
    pub warn_only: bool,
    /// Namespaces whose requests are accepted untouched: exact names, or a
    /// prefix ending in `*`.
    pub exempt_namespaces: Vec<String>,
    /// Registries (and repository prefixes) whose images are exempt.
    pub trusted_registries: Vec<String>,
    /// Images pinned by digest are exempt.
    pub exempt_digest_pinned: bool,
    /// The registry the nodes' runtime pulls an image from when its name has
    /// none (`nginx`): `docker.io` for containerd and Docker; for CRI-O, the
    /// one search registry of `registries.conf`; `""` when short names must
    /// never be exempted through `trustedRegistries`.
    pub short_name_registry: String,
    /// Custom resources whose pod templates, pod specs or containers the
    /// policy judges, beyond those it knows (a setting for a kind it knows
    /// replaces what it knows of it).
    pub custom_resources: Vec<CustomResourceSetting>,
}

/// Where a custom resource keeps what makes Pods, as the `customResources`
/// setting names it: paths of member names separated by `.`, `[*]` after a
/// name for every item of a list, `*` for every member of an object.
#[derive(Serialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceSetting {
    /// The API group (`example.com`).
    pub group: String,
    /// The kind (`Widget`).
    pub kind: String,
    /// Paths of `PodTemplateSpec`s (`spec.template`, `spec.workers[*].template`).
    pub pod_templates: Vec<String>,
    /// Paths of `PodSpec`s (`spec.podSpec`).
    pub pod_specs: Vec<String>,
    /// Paths of containers: objects with `image` and `imagePullPolicy`
    /// (`spec.steps[*]`, `spec.runner`).
    pub containers: Vec<String>,
    /// The spec cannot change after creation: an UPDATE is never rejected
    /// or patched (its Pods are judged).
    pub immutable: bool,
}

/// The members of a `customResources` entry.
const CUSTOM_RESOURCE_FIELDS: &[&str] = &[
    "group",
    "kind",
    "podTemplates",
    "podSpecs",
    "containers",
    "immutable",
];

/// Read as an object only (a derived reader also takes a list, in more
/// bytes of policy.wasm): unknown members and a missing group or kind are
/// refused by name, as for every other setting.
impl<'de> Deserialize<'de> for CustomResourceSetting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CustomResourceVisitor)
    }
}

struct CustomResourceVisitor;

impl<'de> Visitor<'de> for CustomResourceVisitor {
    type Value = CustomResourceSetting;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a custom resource: group, kind, and the paths of its places")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut setting = CustomResourceSetting::default();
        let (mut group, mut kind) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "group" => (setting.group, group) = (map.next_value()?, true),
                "kind" => (setting.kind, kind) = (map.next_value()?, true),
                "podTemplates" => setting.pod_templates = map.next_value()?,
                "podSpecs" => setting.pod_specs = map.next_value()?,
                "containers" => setting.containers = map.next_value()?,
                "immutable" => setting.immutable = map.next_value()?,
                other => return Err(de::Error::unknown_field(other, CUSTOM_RESOURCE_FIELDS)),
            }
        }
        match (group, kind) {
            (false, _) => Err(de::Error::missing_field("group")),
            (_, false) => Err(de::Error::missing_field("kind")),
            _ => Ok(setting),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mutate: false,
            warn_only: false,
            exempt_namespaces: Vec::new(),
            trusted_registries: Vec::new(),
            exempt_digest_pinned: false,
            short_name_registry: DEFAULT_DOMAIN.to_owned(),
            custom_resources: Vec::new(),
        }
    }
}

/// Every setting name, as users write them; docs and UI files are tested against it.
pub const SETTING_NAMES: [&str; 7] = [
    "mutate",
    "warnOnly",
    "exemptNamespaces",
    "trustedRegistries",
    "exemptDigestPinned",
    "shortNameRegistry",
    "customResources",
];

/// A parsed settings entry, with the text it was written as (the evidence
/// names it: `trustedRegistries[0] "ghcr.io/my-org"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry<T> {
    pub parsed: T,
    pub text: String,
}

/// The settings parsed into the matchers the decision applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Rules {
    pub mutate: bool,
    pub warn_only: bool,
    pub exempt_namespaces: Vec<Entry<NamespacePattern>>,
    pub trusted_registries: Vec<Entry<TrustedRegistry>>,
    pub exempt_digest_pinned: bool,
    /// Where short names come from; `None` when they are never trusted.
    pub short_name_registry: Option<String>,
    /// The custom resources the settings name.
    pub custom_resources: Vec<CustomResource>,
}

/// Settings entries that cannot be applied, each named by position and value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join("; "))]
pub(crate) struct SettingsError(pub Vec<String>);

impl Settings {
    pub(crate) fn rules(&self) -> Result<Rules, SettingsError> {
        let mut problems = Vec::new();
        if self.mutate && self.warn_only {
            problems.push(
                "mutate and warnOnly cannot both be true: mutate patches non-compliant requests, \
                 warnOnly accepts them unchanged with warnings; choose one"
                    .to_owned(),
            );
        }
        let exempt_namespaces = parse_all(
            "exemptNamespaces",
            &self.exempt_namespaces,
            NamespacePattern::parse,
            &mut problems,
        );
        let trusted_registries = parse_all(
            "trustedRegistries",
            &self.trusted_registries,
            TrustedRegistry::parse,
            &mut problems,
        );
        let registry = &self.short_name_registry;
        if !registry.is_empty() && !image_reference::is_domain_and_port(registry) {
            problems.push(format!(
                "shortNameRegistry {registry:?} is not a registry host (a DNS name or [IPv6] literal, with an optional :port; \"\" for none)"
            ));
        }
        let custom_resources = custom_resources(&self.custom_resources, &mut problems);
        if !problems.is_empty() {
            return Err(SettingsError(problems));
        }
        Ok(Rules {
            mutate: self.mutate,
            warn_only: self.warn_only,
            exempt_namespaces,
            trusted_registries,
            exempt_digest_pinned: self.exempt_digest_pinned,
            short_name_registry: Some(registry.clone()).filter(|r| !r.is_empty()),
            custom_resources,
        })
    }
}

impl Rules {
    /// The custom resource of `group` and `kind` the settings name, or that
    /// the policy knows and [`Rules::learn`] added.
    pub(crate) fn custom_resource(&self, group: &str, kind: &str) -> Option<&CustomResource> {
        self.custom_resources
            .iter()
            .find(|resource| resource.is(group, kind))
    }

    /// Adds what the policy knows of `group` and `kind`, unless the settings
    /// name it: called once a request, for a kind that is no Kubernetes
    /// workload, so that the table is read only for such requests.
    pub(crate) fn learn(&mut self, group: &str, kind: &str) {
        if self.custom_resource(group, kind).is_none()
            && let Some(known) = custom_resource::find_known(group, kind)
        {
            self.custom_resources.push(known);
        }
    }

    /// The first `exemptNamespaces` entry that matches `namespace`.
    pub(crate) fn exempt_namespace(&self, namespace: &str) -> Option<usize> {
        self.exempt_namespaces
            .iter()
            .position(|entry| entry.parsed.matches(namespace))
    }

    /// The first `trustedRegistries` entry that trusts `image` (parsed as
    /// `reference`), as the nodes resolve it: a short name comes from
    /// `shortNameRegistry`, or is never trusted when that is `""`.
    pub(crate) fn trusted_registry(
        &self,
        image: &str,
        reference: &ImageReference<'_>,
    ) -> Option<usize> {
        let position = |reference: &ImageReference<'_>| {
            self.trusted_registries
                .iter()
                .position(|entry| entry.parsed.trusts(reference))
        };
        if self.trusted_registries.is_empty() || image_reference::names_registry(image) {
            return position(reference);
        }
        match self.short_name_registry.as_deref() {
            None => None,
            Some(DEFAULT_DOMAIN) => position(reference),
            Some(registry) => {
                let qualified = format!("{registry}/{image}");
                ImageReference::parse(&qualified)
                    .ok()
                    .as_ref()
                    .and_then(position)
            }
        }
    }
}

fn parse_all<T, E: std::fmt::Display>(
    setting: &str,
    entries: &[String],
    parse: fn(&str) -> Result<T, E>,
    problems: &mut Vec<String>,
) -> Vec<Entry<T>> {
    entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| match parse(entry) {
            Ok(parsed) => Some(Entry {
                parsed,
                text: entry.clone(),
            }),
            Err(reason) => {
                problems.push(format!("{setting}[{index}] {entry:?} {reason}"));
                None
            }
        })
        .collect()
}

/// The `customResources` entries as the decision reads them; every entry
/// that cannot be applied is a problem, named by position.
fn custom_resources(
    settings: &[CustomResourceSetting],
    problems: &mut Vec<String>,
) -> Vec<CustomResource> {
    let mut resources: Vec<CustomResource> = Vec::with_capacity(settings.len());
    for (index, setting) in settings.iter().enumerate() {
        let name = format!(
            "customResources[{index}] \"{}/{}\"",
            setting.group, setting.kind
        );
        let mut problem = |what: String| problems.push(format!("{name} {what}"));
        // A Kubernetes workload's group has no dot: it is refused here too.
        let why = custom_resource::group_problem(&setting.group)
            .map(|why| ("group", why))
            .or_else(|| custom_resource::kind_problem(&setting.kind).map(|why| ("kind", why)));
        if let Some((what, why)) = why {
            problem(format!("has a {what} that {why}"));
        }
        if resources
            .iter()
            .any(|r| r.is(&setting.group, &setting.kind))
        {
            problem("is named twice".to_owned());
        }
        let named = custom_resource::Named {
            pod_templates: &setting.pod_templates,
            pod_specs: &setting.pod_specs,
            containers: &setting.containers,
        };
        let resource = custom_resource::from_setting(
            &setting.group,
            &setting.kind,
            &named,
            setting.immutable,
            &mut problem,
        );
        resources.push(resource);
    }
    resources
}

impl Validatable for Settings {
    fn validate(&self) -> Result<(), String> {
        self.rules().map(drop).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests;
