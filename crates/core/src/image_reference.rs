//! Image references, read exactly the way the container runtime reads them.
//! (A little over 300 lines: the grammar below and the predicates that follow
//! it rule by rule are kept in one file, so they can be checked side by side.)
//!
//! containerd, Docker, CRI-O and the kubelet all use Go's `distribution/reference`
//! (`ParseNormalizedNamed`). Deciding "which registry does this image come from"
//! any other way lets a cleverly spelled name slip past a trusted-registry rule,
//! so this module follows that grammar to the letter:
//!
//! ```text
//! reference      := name [ ":" tag ] [ "@" digest ]
//! name           := [ domain "/" ] remote-name          (remote-name at most 255 bytes)
//! domain         := host [ ":" port ]
//! host           := domain-name | "[" ipv6 "]"
//! domain-name    := label ( "." label )*
//! label          := [a-zA-Z0-9] | [a-zA-Z0-9] [a-zA-Z0-9-]* [a-zA-Z0-9]
//! ipv6           := [a-fA-F0-9:]+
//! port           := [0-9]+
//! remote-name    := path-component ( "/" path-component )*
//! path-component := alnum ( separator alnum )*
//! alnum          := [a-z0-9]+
//! separator      := "." | "_" | "__" | "-"+
//! tag            := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest         := "sha256:" hex{64} | "sha384:" hex{96} | "sha512:" hex{128}   (hex: [a-f0-9])
//! ```
//!
//! Normalization is a separate step, as in Go: the first path component is a
//! registry only when it contains `.` or `:`, is `localhost`, or has an uppercase
//! letter; otherwise the registry is `docker.io`. `index.docker.io` is folded into
//! `docker.io`, and a one-component Docker Hub name gets `library/`.

use std::borrow::Cow;
use std::fmt;

/// The registry of names that carry none (Docker Hub).
pub(crate) const DEFAULT_DOMAIN: &str = "docker.io";
/// Docker Hub's old name, which the runtime folds into [`DEFAULT_DOMAIN`].
pub(crate) const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
const OFFICIAL_REPO_PREFIX: &str = "library/";
const PATH_LENGTH_MAX: usize = 255;
const TAG_LENGTH_MAX: usize = 128;
/// An image ID: a sha256 digest's hex, alone (`docker images --no-trunc`).
const IMAGE_ID_LENGTH: usize = 64;

/// A normalized image reference: `domain/path[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference<'a> {
    domain: Cow<'a, str>,
    path: Cow<'a, str>,
    tag: Option<&'a str>,
    digest: Option<&'a str>,
}

/// Why the runtime would refuse an image reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("the image reference is empty")]
    Empty,
    #[error("a 64-character hexadecimal string is an image ID, not a repository name")]
    IdentifierOnly,
    #[error("the repository name must be lowercase")]
    Uppercase,
    #[error("the image reference does not follow the reference grammar")]
    InvalidFormat,
    #[error("the repository name is longer than 255 characters")]
    NameTooLong,
    #[error("the digest is not a valid sha256, sha384 or sha512 digest")]
    InvalidDigest,
}

impl<'a> ImageReference<'a> {
    /// Parses and normalizes `image` as `ParseNormalizedNamed` does.
    pub fn parse(image: &'a str) -> Result<Self, ReferenceError> {
        if image.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if image.len() == IMAGE_ID_LENGTH && image.bytes().all(is_lower_hex) {
            return Err(ReferenceError::IdentifierOnly);
        }
        let (domain, remainder) = split_docker_domain(image);
        let remote = remainder.split(':').next().unwrap_or_default();
        if remote.chars().any(char::is_uppercase) {
            return Err(ReferenceError::Uppercase);
        }

        let (name_and_tag, digest) = match remainder.split_once('@') {
            Some((left, digest)) => (left, Some(digest)),
            None => (remainder.as_ref(), None),
        };
        let (name, tag) = match name_and_tag.rsplit_once(':') {
            Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
            _ => (name_and_tag, None),
        };
        if tag.is_some_and(|tag| !is_tag(tag)) || !is_remote_name(name) {
            return Err(ReferenceError::InvalidFormat);
        }
        let (domain, path) = domain_and_path(domain, &remainder, name)?;
        // distribution/reference v0.6 bounds the repository path (after
        // normalization, without the domain), not the whole name.
        if path.len() > PATH_LENGTH_MAX {
            return Err(ReferenceError::NameTooLong);
        }
        // Tag and digest end `image` (the `library/` prefix only ever precedes
        // them), so they are borrowed from it, counting from its end.
        let digest = digest.map(|digest| ending_of(image, 0, digest.len()));
        let tag = tag.map(|tag| ending_of(image, digest.map_or(0, |d| d.len() + 1), tag.len()));
        if digest.is_some_and(|digest| !is_digest(digest)) {
            return Err(ReferenceError::InvalidDigest);
        }
        Ok(ImageReference {
            domain,
            path,
            tag,
            digest,
        })
    }

    /// The registry host, with its port if any (`docker.io`, `localhost:5000`).
    /// Empty for the rare names the grammar reads as having no domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The repository path within the registry (`library/nginx`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The tag (`1.25`), if the reference has one.
    pub fn tag(&self) -> Option<&str> {
        self.tag
    }

    /// The digest (`sha256:…`), if the reference has one.
    pub fn digest(&self) -> Option<&str> {
        self.digest
    }
}

impl fmt::Display for ImageReference<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.domain.is_empty() {
            write!(f, "{}/", self.domain)?;
        }
        f.write_str(&self.path)?;
        if let Some(tag) = self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// The registry and the repository path of `name` (a prefix of `remainder`)
/// whose first component was split off as `domain`.
fn domain_and_path<'a>(
    domain: &'a str,
    remainder: &Cow<'a, str>,
    name: &str,
) -> Result<(Cow<'a, str>, Cow<'a, str>), ReferenceError> {
    if is_domain_and_port(domain) {
        Ok((Cow::Borrowed(domain), owned_like(remainder, name)))
    } else if is_path_component(domain) {
        // Not a valid host (e.g. `a_b.io`): Go's grammar then reads the whole
        // name as a path with no domain. Such a name is never trusted.
        Ok((Cow::Borrowed(""), Cow::Owned(format!("{domain}/{name}"))))
    } else {
        Err(ReferenceError::InvalidFormat)
    }
}

/// `splitDockerDomain`: the registry part and the rest, with Docker Hub defaults.
fn split_docker_domain(image: &str) -> (&str, Cow<'_, str>) {
    let (domain, remainder) = match image.split_once('/') {
        Some((first, rest)) if is_registry_host_component(first) => (first, rest),
        _ => (DEFAULT_DOMAIN, image),
    };
    let domain = if domain == LEGACY_DEFAULT_DOMAIN {
        DEFAULT_DOMAIN
    } else {
        domain
    };
    if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        (
            domain,
            Cow::Owned(format!("{OFFICIAL_REPO_PREFIX}{remainder}")),
        )
    } else {
        (domain, Cow::Borrowed(remainder))
    }
}

/// Whether `image` names its registry (`ghcr.io/app`), rather than being a
/// short name the runtime resolves (`nginx`, `org/app`).
pub(crate) fn names_registry(image: &str) -> bool {
    image
        .split_once('/')
        .is_some_and(|(first, _)| is_registry_host_component(first))
}

/// Whether the runtime reads a first path component as a registry host.
fn is_registry_host_component(component: &str) -> bool {
    component.contains(['.', ':'])
        || component == "localhost"
        || component.chars().any(char::is_uppercase)
}

/// `name`, a prefix of `remainder`, borrowed when `remainder` is borrowed.
fn owned_like<'a>(remainder: &Cow<'a, str>, name: &str) -> Cow<'a, str> {
    match remainder {
        Cow::Borrowed(whole) => whole
            .get(..name.len())
            .map_or_else(|| Cow::Owned(name.to_owned()), Cow::Borrowed),
        Cow::Owned(_) => Cow::Owned(name.to_owned()),
    }
}

/// The `len` bytes of `image` that end `skip` bytes before its end.
fn ending_of(image: &str, skip: usize, len: usize) -> &str {
    image
        .len()
        .checked_sub(skip)
        .and_then(|end| Some((end.checked_sub(len)?, end)))
        .and_then(|(start, end)| image.get(start..end))
        .unwrap_or_default()
}

fn is_lower_hex(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)
}

fn is_tag(tag: &str) -> bool {
    let mut bytes = tag.bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    tag.len() <= TAG_LENGTH_MAX
        && bytes.next().is_some_and(word)
        && bytes.all(|b| word(b) || b == b'.' || b == b'-')
}

fn is_digest(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    let length = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    encoded.len() == length && encoded.bytes().all(is_lower_hex)
}

/// `host[:port]` per the grammar.
pub(crate) fn is_domain_and_port(domain: &str) -> bool {
    let (host, port) = split_host_port(domain);
    let port_ok =
        port.is_none_or(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    port_ok && (is_domain_name(host) || is_ipv6_literal(host))
}

/// Splits `host[:port]`, where host may be a bracketed IPv6 literal.
pub(crate) fn split_host_port(domain: &str) -> (&str, Option<&str>) {
    if domain.starts_with('[') {
        if let Some(close) = domain.find(']') {
            let (host, rest) = domain.split_at(close + 1);
            return match rest.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                // Nothing after `]` (then `domain` is the host), or anything
                // else but a port, which stays in the host so that
                // validation fails.
                None => (domain, None),
            };
        }
        return (domain, None);
    }
    match domain.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (domain, None),
    }
}

fn is_ipv6_literal(host: &str) -> bool {
    host.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|inner| {
            !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
        })
}

/// `label ("." label)*`.
pub(crate) fn is_domain_name(name: &str) -> bool {
    name.split('.').all(|label| {
        let bytes = label.as_bytes();
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(last)) => {
                first.is_ascii_alphanumeric()
                    && last.is_ascii_alphanumeric()
                    && bytes
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            }
            _ => false,
        }
    })
}

/// `path-component ("/" path-component)*`.
pub(crate) fn is_remote_name(name: &str) -> bool {
    name.split('/').all(is_path_component)
}

/// `alnum (separator alnum)*`, with separator one of `.`, `_`, `__`, `-`+.
fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: &u8| b.is_ascii_digit() || b.is_ascii_lowercase();
    if !bytes.first().is_some_and(alnum) || !bytes.last().is_some_and(alnum) {
        return false;
    }
    bytes
        .split(alnum)
        .filter(|separator| !separator.is_empty())
        .all(|separator| {
            matches!(separator, b"." | b"_" | b"__") || separator.iter().all(|b| *b == b'-')
        })
}

#[cfg(test)]
mod tests;
