use super::*;
use rstest::rstest;

fn trusted(entry: &str, image: &str) -> bool {
    let registry = TrustedRegistry::parse(entry).unwrap_or_else(|e| panic!("{entry:?}: {e}"));
    ImageReference::parse(image).is_ok_and(|reference| registry.trusts(&reference))
}

#[rstest]
#[case::host_matches_its_images("ghcr.io", "ghcr.io/org/app:1", true)]
#[case::hub_entry_trusts_official_images("docker.io", "nginx", true)]
#[case::hub_entry_trusts_legacy_host("docker.io", "index.docker.io/nginx", true)]
#[case::legacy_entry_is_folded("index.docker.io", "nginx:1.25", true)]
#[case::hub_entry_does_not_fold_mirror_host(
    "docker.io",
    "registry-1.docker.io/library/nginx",
    false
)]
#[case::library_prefix_trusts_official_images("docker.io/library", "nginx", true)]
#[case::library_prefix_not_other_hub_orgs("docker.io/library", "bitnami/nginx", false)]
#[case::hub_org_prefix("docker.io/bitnami", "bitnami/redis:7", true)]
#[case::uppercase_namespace_is_a_host_not_docker_hub("docker.io", "Trusted/x", false)]
#[case::host_case_is_ignored("ghcr.io", "GHCR.IO/org/app", true)]
#[case::entry_case_is_ignored("GHCR.io", "ghcr.io/org/app", true)]
#[case::path_prefix_on_segment_boundary("ghcr.io/my-org", "ghcr.io/my-org/app", true)]
#[case::path_prefix_exact_repository("ghcr.io/my-org/app", "ghcr.io/my-org/app:1", true)]
#[case::path_prefix_not_a_string_prefix("ghcr.io/my-org", "ghcr.io/my-org-evil/app", false)]
#[case::path_prefix_not_another_org("ghcr.io/my-org", "ghcr.io/other/my-org", false)]
#[case::port_is_part_of_the_host("trusted.io", "trusted.io:443/x", false)]
#[case::port_entry_needs_the_port("trusted.io:443", "trusted.io/x", false)]
#[case::port_entry_matches_the_port("trusted.io:443", "trusted.io:443/x", true)]
#[case::port_spelling_matters("trusted.io:443", "trusted.io:0443/x", false)]
#[case::lone_host_and_port_is_a_hub_image("trusted.io", "trusted.io:443", false)]
#[case::localhost_port("localhost:5000", "localhost:5000/app", true)]
#[case::localhost_without_port("localhost", "localhost:5000/app", false)]
#[case::wildcard_matches_subdomain("*.corp.com", "registry.corp.com/app", true)]
#[case::wildcard_matches_deep_subdomain("*.corp.com", "a.b.corp.com/app", true)]
#[case::wildcard_not_the_apex("*.corp.com", "corp.com/app", false)]
#[case::wildcard_not_a_suffix_string("*.corp.com", "evilcorp.com/app", false)]
#[case::wildcard_not_a_prefix("*.corp.com", "corp.com.evil.io/app", false)]
#[case::wildcard_not_with_a_port("*.corp.com", "registry.corp.com:5000/app", false)]
#[case::wildcard_with_port("*.corp.com:5000", "registry.corp.com:5000/app", true)]
#[case::wildcard_ecr(
    "*.dkr.ecr.eu-west-1.amazonaws.com",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1",
    true
)]
#[case::wildcard_ecr_other_region(
    "*.dkr.ecr.eu-west-1.amazonaws.com",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
    false
)]
#[case::wildcard_with_path("*.corp.com/team", "r.corp.com/team/app", true)]
#[case::wildcard_with_path_elsewhere("*.corp.com/team", "r.corp.com/other/app", false)]
#[case::ipv6_literal("[::1]:5000", "[::1]:5000/x", true)]
#[case::look_alike_host_with_suffix("trusted.io", "trusted.io.evil.com/x", false)]
#[case::trusted_name_in_the_path("trusted.io", "evil.com/trusted.io/x", false)]
#[case::hub_path_named_like_the_host("trusted.io", "trusted.io:443", false)]
#[case::digest_does_not_change_the_registry(
    "ghcr.io",
    "ghcr.io/o/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    true
)]
#[case::unparsable_image_is_never_trusted("ghcr.io", "ghcr.io/Org/app", false)]
#[case::path_without_domain_is_never_trusted("docker.io", "a_b.io/x", false)]
fn trust(#[case] entry: &str, #[case] image: &str, #[case] expected: bool) {
    assert_eq!(
        trusted(entry, image),
        expected,
        "{entry:?} trusting {image:?}"
    );
}

#[rstest]
#[case::empty("")]
#[case::scheme("https://ghcr.io")]
#[case::tag("ghcr.io/org/app:1.0")]
#[case::digest(
    "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)]
#[case::user_info("user@ghcr.io")]
#[case::uppercase_path("ghcr.io/MyOrg")]
#[case::trailing_slash("ghcr.io/")]
#[case::empty_path_component("ghcr.io//org")]
#[case::space_inside("ghcr .io")]
#[case::leading_space(" ghcr.io")]
#[case::trailing_space("ghcr.io ")]
#[case::star_in_the_middle("registry.*.com")]
#[case::star_without_dot("*corp.com")]
#[case::bare_star("*")]
#[case::two_wildcards("*.*.corp.com")]
#[case::star_in_path("ghcr.io/org/*")]
#[case::wildcard_over_a_tld("*.com")]
#[case::wildcard_with_a_non_numeric_port("*.corp.com:https")]
#[case::single_label_is_a_hub_namespace("myregistry")]
#[case::uppercase_single_label("Registry")]
#[case::trailing_dot("ghcr.io.")]
#[case::empty_port("ghcr.io:")]
#[case::non_numeric_port("ghcr.io:https")]
#[case::unicode_host("ｇhcr.io")]
#[case::percent_encoding("ghcr.io%2Forg")]
#[case::dot_dot_path("ghcr.io/org/../other")]
#[case::bad_ipv6("[::1")]
fn refused_entries(#[case] entry: &str) {
    assert!(
        TrustedRegistry::parse(entry).is_err(),
        "{entry:?} should be refused"
    );
}

#[rstest]
#[case::host("registry.example.com")]
#[case::host_with_port("localhost:5000")]
#[case::localhost("localhost")]
#[case::path_prefix("ghcr.io/my-org")]
#[case::deep_path_prefix("ghcr.io/my-org/team/app")]
#[case::wildcard("*.dkr.ecr.eu-west-1.amazonaws.com")]
#[case::ipv4_with_port("10.0.0.1:5000")]
#[case::ipv6_with_port("[fd00::1]:5000")]
fn accepted_entries(#[case] entry: &str) {
    assert!(
        TrustedRegistry::parse(entry).is_ok(),
        "{entry:?} should be accepted"
    );
}
