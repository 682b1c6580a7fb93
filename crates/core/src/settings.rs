//! The policy settings, as users write them and as the policy applies them.

use kubewarden_policy_sdk::settings::Validatable;
use serde::{Deserialize, Serialize};

use crate::namespace::NamespacePattern;
use crate::registry::TrustedRegistry;

/// The settings of a `ClusterAdmissionPolicy` (camelCase, all optional).
#[derive(Serialize, Deserialize, Default, Debug, Clone, PartialEq, Eq)]
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
}

/// Every setting name, as users write them; docs and UI files are tested against it.
pub const SETTING_NAMES: [&str; 5] = [
    "mutate",
    "warnOnly",
    "exemptNamespaces",
    "trustedRegistries",
    "exemptDigestPinned",
];

/// The settings parsed into the matchers the decision applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Rules {
    pub mutate: bool,
    pub warn_only: bool,
    pub exempt_namespaces: Vec<NamespacePattern>,
    pub trusted_registries: Vec<TrustedRegistry>,
    pub exempt_digest_pinned: bool,
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
        if !problems.is_empty() {
            return Err(SettingsError(problems));
        }
        Ok(Rules {
            mutate: self.mutate,
            warn_only: self.warn_only,
            exempt_namespaces,
            trusted_registries,
            exempt_digest_pinned: self.exempt_digest_pinned,
        })
    }
}

fn parse_all<T, E: std::fmt::Display>(
    setting: &str,
    entries: &[String],
    parse: fn(&str) -> Result<T, E>,
    problems: &mut Vec<String>,
) -> Vec<T> {
    entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| match parse(entry) {
            Ok(parsed) => Some(parsed),
            Err(reason) => {
                problems.push(format!("{setting}[{index}] {entry:?} {reason}"));
                None
            }
        })
        .collect()
}

impl Validatable for Settings {
    fn validate(&self) -> Result<(), String> {
        self.rules().map(drop).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests;
