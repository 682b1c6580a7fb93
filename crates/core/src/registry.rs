//! Trusted registries: which image references the `trustedRegistries` setting exempts.
//!
//! An entry is `host[:port][/path]` or `*.domain[:port][/path]`. It is compared
//! with the *normalized* image reference (see [`crate::image_reference`]):
//! hosts case-insensitively, the port as part of the host, the path on whole
//! `/`-separated segments.

use crate::image_reference::{
    DEFAULT_DOMAIN, ImageReference, LEGACY_DEFAULT_DOMAIN, is_domain_and_port, is_domain_name,
    is_remote_name, split_host_port,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    /// This host exactly (lowercase; an IPv6 literal keeps its brackets).
    Exact(String),
    /// Any host ending in `.` + this suffix (lowercase), never the suffix itself.
    Subdomains(String),
}

/// One parsed `trustedRegistries` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedRegistry {
    host: HostPattern,
    port: Option<String>,
    path: Option<String>,
}

/// Why a `trustedRegistries` entry cannot be applied, and how to write it;
/// shown after the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegistryEntryError {
    #[error("is empty")]
    Empty,
    #[error("contains white space")]
    WhiteSpace,
    #[error(
        "has a URL scheme: write the registry host alone (\"ghcr.io\", not \"https://ghcr.io\")"
    )]
    Scheme,
    #[error(
        "has an '@' (a digest or user info): an entry names a registry and an optional repository path, not an image"
    )]
    At,
    #[error("has a tag: an entry names a registry and an optional repository path, not an image")]
    Tag,
    #[error("has uppercase letters in its repository path (repository paths are lowercase)")]
    UppercasePath,
    #[error(
        "has an invalid repository path (lowercase components separated by '/', no empty component or trailing '/')"
    )]
    InvalidPath,
    #[error(
        "has an invalid wildcard host: write \"*.\" followed by a domain name (\"*.dkr.ecr.eu-west-1.amazonaws.com\")"
    )]
    InvalidWildcard,
    #[error(
        "has a wildcard over a whole top-level domain: name at least two labels after \"*.\" (\"*.corp.example\")"
    )]
    TopLevelWildcard,
    #[error(
        "has a '*' that is not a leading \"*.\": only subdomain wildcards (\"*.example.com\") are supported"
    )]
    StarInside,
    #[error("has an invalid registry host (a DNS name or [IPv6] literal, with an optional :port)")]
    InvalidHost,
    #[error(
        "is not a registry host: the runtime reads a first component without '.' or ':' (other than \"localhost\") as a Docker Hub namespace; write \"docker.io/<namespace>\" to trust one"
    )]
    DockerHubNamespace,
}

impl TrustedRegistry {
    /// Parses one entry: `host[:port][/path]` or `*.domain[:port][/path]`.
    pub fn parse(entry: &str) -> Result<Self, RegistryEntryError> {
        if entry.is_empty() {
            return Err(RegistryEntryError::Empty);
        }
        if entry.chars().any(char::is_whitespace) {
            return Err(RegistryEntryError::WhiteSpace);
        }
        if entry.contains("://") {
            return Err(RegistryEntryError::Scheme);
        }
        if entry.contains('@') {
            return Err(RegistryEntryError::At);
        }
        let (domain, path) = match entry.split_once('/') {
            Some((domain, path)) => (domain, Some(parse_path(path)?)),
            None => (entry, None),
        };
        let host = parse_host(domain)?;
        let (_, port) = split_host_port(domain);
        Ok(TrustedRegistry {
            host,
            port: port.map(str::to_owned),
            path,
        })
    }

    /// Whether the runtime would pull `image` from the place this entry names.
    pub fn trusts(&self, image: &ImageReference<'_>) -> bool {
        let (host, port) = split_host_port(image.domain());
        if host.is_empty() || port != self.port.as_deref() {
            return false;
        }
        let host_matches = match &self.host {
            HostPattern::Exact(expected) => host.eq_ignore_ascii_case(expected),
            HostPattern::Subdomains(suffix) => is_subdomain_of(host, suffix),
        };
        host_matches
            && self.path.as_deref().is_none_or(|prefix| {
                let path = image.path();
                path.strip_prefix(prefix)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
    }
}

/// The repository path prefix of an entry (what follows the first `/`).
fn parse_path(path: &str) -> Result<String, RegistryEntryError> {
    if path.contains(':') {
        return Err(RegistryEntryError::Tag);
    }
    if path.chars().any(char::is_uppercase) {
        return Err(RegistryEntryError::UppercasePath);
    }
    if !is_remote_name(path) {
        return Err(RegistryEntryError::InvalidPath);
    }
    Ok(path.to_owned())
}

/// The host of an entry (`host[:port]` or `*.domain[:port]`), lowercase, with
/// Docker Hub's legacy name folded as the runtime folds it.
fn parse_host(domain: &str) -> Result<HostPattern, RegistryEntryError> {
    if let Some(suffix) = domain.strip_prefix("*.") {
        let (name, _) = split_host_port(suffix);
        if name.contains('*') || !is_domain_and_port(suffix) || !is_domain_name(name) {
            return Err(RegistryEntryError::InvalidWildcard);
        }
        if !name.contains('.') {
            return Err(RegistryEntryError::TopLevelWildcard);
        }
        return Ok(HostPattern::Subdomains(name.to_ascii_lowercase()));
    }
    if domain.contains('*') {
        return Err(RegistryEntryError::StarInside);
    }
    if !is_domain_and_port(domain) {
        return Err(RegistryEntryError::InvalidHost);
    }
    if !domain.contains(['.', ':']) && domain != "localhost" {
        return Err(RegistryEntryError::DockerHubNamespace);
    }
    let name = split_host_port(domain).0.to_ascii_lowercase();
    Ok(HostPattern::Exact(if name == LEGACY_DEFAULT_DOMAIN {
        DEFAULT_DOMAIN.to_owned()
    } else {
        name
    }))
}

/// `host` is `<one or more labels>.suffix`, compared case-insensitively.
fn is_subdomain_of(host: &str, suffix: &str) -> bool {
    let Some(split) = host.len().checked_sub(suffix.len() + 1) else {
        return false;
    };
    match (host.get(..split), host.get(split..)) {
        (Some(labels), Some(rest)) => {
            !labels.is_empty()
                && rest
                    .strip_prefix('.')
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
