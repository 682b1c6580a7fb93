//! Pull policies, and the one in effect when the field is left empty.

use crate::image_reference::ImageReference;

/// The pull policies the policy names: `Always`, and the two the API server
/// writes into an empty field (`Never` is only ever declared, never defaulted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PullPolicy {
    Always,
    IfNotPresent,
}

impl PullPolicy {
    /// An unset field that defaults to this policy, in the evidence.
    pub(crate) const fn unset(self) -> &'static str {
        match self {
            PullPolicy::Always => "unset (Always)",
            PullPolicy::IfNotPresent => "unset (IfNotPresent)",
        }
    }

    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
        }
    }

    /// What the API server writes into an empty pull-policy field
    /// (`SetDefaults_Container`, `SetDefaults_ImageVolumeSource`): `Always` for an
    /// image without tag and digest or tagged `latest`, `IfNotPresent` otherwise,
    /// including for an image it cannot parse.
    pub(crate) fn default_for(reference: Option<&ImageReference<'_>>) -> PullPolicy {
        match reference {
            Some(r) if r.tag() == Some("latest") => PullPolicy::Always,
            Some(r) if r.tag().is_none() && r.digest().is_none() => PullPolicy::Always,
            _ => PullPolicy::IfNotPresent,
        }
    }
}

/// The pull policy an entry runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EffectivePolicy<'v> {
    /// The field holds this value (possibly one the API server will refuse).
    Declared(&'v str),
    /// The field is absent, `null` or empty: the API server defaults it.
    Defaulted(PullPolicy),
}

impl<'v> EffectivePolicy<'v> {
    pub(crate) fn of(declared: Option<&'v str>, reference: Option<&ImageReference<'_>>) -> Self {
        match declared {
            Some(value) if !value.is_empty() => EffectivePolicy::Declared(value),
            _ => EffectivePolicy::Defaulted(PullPolicy::default_for(reference)),
        }
    }

    /// Pull-policy values are case-sensitive, as in the API server.
    pub(crate) fn is_always(self) -> bool {
        match self {
            EffectivePolicy::Declared(value) => value == PullPolicy::Always.as_str(),
            EffectivePolicy::Defaulted(policy) => policy == PullPolicy::Always,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::no_tag_no_digest("nginx", PullPolicy::Always)]
    #[case::latest_tag("nginx:latest", PullPolicy::Always)]
    #[case::latest_tag_with_digest(
        "nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        PullPolicy::Always
    )]
    #[case::versioned_tag("nginx:1.25", PullPolicy::IfNotPresent)]
    #[case::tag_is_case_sensitive("nginx:Latest", PullPolicy::IfNotPresent)]
    #[case::digest_only(
        "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        PullPolicy::IfNotPresent
    )]
    #[case::registry_port_is_not_a_tag("localhost:5000/app", PullPolicy::Always)]
    #[case::unparsable_image("Not A Valid Image", PullPolicy::IfNotPresent)]
    #[case::empty_image("", PullPolicy::IfNotPresent)]
    fn api_server_default(#[case] image: &str, #[case] expected: PullPolicy) {
        let reference = ImageReference::parse(image).ok();
        assert_eq!(PullPolicy::default_for(reference.as_ref()), expected);
    }

    #[rstest]
    #[case::declared_always(Some("Always"), "nginx:1.25", true)]
    #[case::declared_if_not_present(Some("IfNotPresent"), "nginx", false)]
    #[case::declared_never(Some("Never"), "nginx", false)]
    #[case::values_are_case_sensitive(Some("always"), "nginx", false)]
    #[case::unknown_value(Some("Sometimes"), "nginx", false)]
    #[case::unset_latest_defaults_to_always(None, "nginx", true)]
    #[case::unset_versioned_defaults_to_if_not_present(None, "nginx:1.25", false)]
    #[case::empty_string_is_unset(Some(""), "nginx", true)]
    fn effective_policy(#[case] declared: Option<&str>, #[case] image: &str, #[case] always: bool) {
        let reference = ImageReference::parse(image).ok();
        assert_eq!(
            EffectivePolicy::of(declared, reference.as_ref()).is_always(),
            always
        );
    }
}
