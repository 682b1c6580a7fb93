//! Namespace patterns of the `exemptNamespaces` setting.

/// An exact namespace name, or a prefix written with a trailing `*` (`team-*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NamespacePattern {
    Exact(String),
    Prefix(String),
}

const DNS_LABEL_MAX: usize = 63;

/// Why an `exemptNamespaces` entry cannot be applied; shown after the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NamespaceError {
    #[error("is empty")]
    Empty,
    #[error("a bare \"*\" would exempt every namespace; remove the policy instead")]
    EveryNamespace,
    #[error("\"*\" is only allowed at the end, as a prefix wildcard (\"team-*\")")]
    StarInside,
    #[error(
        "is not a namespace name (a DNS label: at most 63 lowercase letters, digits \
         and '-', starting and ending with a letter or digit), optionally ending in '*'"
    )]
    NotADnsLabel,
}

impl NamespacePattern {
    /// Parses one entry; the error says what is wrong with it.
    pub(crate) fn parse(entry: &str) -> Result<Self, NamespaceError> {
        let (name, is_prefix) = match entry.strip_suffix('*') {
            Some(prefix) => (prefix, true),
            None => (entry, false),
        };
        if entry.is_empty() {
            return Err(NamespaceError::Empty);
        }
        if is_prefix && name.is_empty() {
            return Err(NamespaceError::EveryNamespace);
        }
        if name.contains('*') {
            return Err(NamespaceError::StarInside);
        }
        let bytes = name.as_bytes();
        let valid_chars = bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        let starts_ok = bytes.first().is_some_and(u8::is_ascii_alphanumeric);
        let ends_ok = is_prefix || bytes.last().is_some_and(u8::is_ascii_alphanumeric);
        if !valid_chars || !starts_ok || !ends_ok || name.len() > DNS_LABEL_MAX {
            return Err(NamespaceError::NotADnsLabel);
        }
        Ok(if is_prefix {
            NamespacePattern::Prefix(name.to_owned())
        } else {
            NamespacePattern::Exact(name.to_owned())
        })
    }

    pub(crate) fn matches(&self, namespace: &str) -> bool {
        match self {
            NamespacePattern::Exact(name) => namespace == name,
            NamespacePattern::Prefix(prefix) => namespace.starts_with(prefix.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::exact_name_matches_itself("kube-system", "kube-system", true)]
    #[case::exact_name_is_not_a_prefix("kube", "kube-system", false)]
    #[case::exact_name_does_not_match_longer("team", "team-a", false)]
    #[case::prefix_matches_longer("team-*", "team-a", true)]
    #[case::prefix_matches_exactly_the_prefix("team-*", "team-", true)]
    #[case::prefix_is_case_sensitive("team-*", "Team-a", false)]
    #[case::prefix_does_not_match_other("team-*", "teams", false)]
    #[case::empty_namespace_never_matches("kube-system", "", false)]
    fn matching(#[case] entry: &str, #[case] namespace: &str, #[case] expected: bool) {
        let pattern = NamespacePattern::parse(entry).expect("valid entry");
        assert_eq!(pattern.matches(namespace), expected);
    }

    #[rstest]
    #[case::empty("")]
    #[case::bare_star("*")]
    #[case::uppercase("Kube-system")]
    #[case::underscore("kube_system")]
    #[case::dot("kube.system")]
    #[case::leading_dash("-kube")]
    #[case::trailing_dash("kube-")]
    #[case::star_in_the_middle("team-*-a")]
    #[case::leading_star("*-system")]
    #[case::two_stars("team**")]
    #[case::space("kube system")]
    #[case::too_long(&"a".repeat(64))]
    fn invalid_entries(#[case] entry: &str) {
        assert!(
            NamespacePattern::parse(entry).is_err(),
            "{entry:?} should be refused"
        );
    }

    #[rstest]
    #[case::longest_label(&"a".repeat(63))]
    #[case::digits_only("123")]
    #[case::prefix_ending_in_dash("kube-*")]
    fn valid_entries(#[case] entry: &str) {
        assert!(
            NamespacePattern::parse(entry).is_ok(),
            "{entry:?} should be accepted"
        );
    }
}
