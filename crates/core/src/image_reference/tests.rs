use super::*;
use rstest::rstest;

mod runtime_table;

const SHA: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[rstest]
#[case::official_image("nginx", "docker.io", "library/nginx", None, None)]
#[case::official_image_with_tag("nginx:1.25", "docker.io", "library/nginx", Some("1.25"), None)]
#[case::legacy_hub_host_is_folded(
    "index.docker.io/nginx",
    "docker.io",
    "library/nginx",
    None,
    None
)]
#[case::hub_mirror_host_is_not_folded(
    "registry-1.docker.io/library/nginx",
    "registry-1.docker.io",
    "library/nginx",
    None,
    None
)]
#[case::uppercase_first_component_is_a_host("Trusted/x", "Trusted", "x", None, None)]
#[case::localhost_is_a_host("localhost/x", "localhost", "x", None, None)]
#[case::localhost_with_port("localhost:5000/x", "localhost:5000", "x", None, None)]
#[case::lone_host_and_port_is_a_hub_image_and_tag(
    "localhost:5000",
    "docker.io",
    "library/localhost",
    Some("5000"),
    None
)]
#[case::lone_domain_and_port_is_a_hub_image_and_tag(
    "trusted.io:443",
    "docker.io",
    "library/trusted.io",
    Some("443"),
    None
)]
#[case::ipv6_host("[::1]:5000/x", "[::1]:5000", "x", None, None)]
#[case::tag_and_digest(
    "trusted.io/x:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "trusted.io",
    "x",
    Some("1.0"),
    Some(SHA)
)]
#[case::first_component_without_dot_is_a_hub_namespace(
    "myorg/app",
    "docker.io",
    "myorg/app",
    None,
    None
)]
#[case::invalid_host_reads_as_a_path_without_domain("a_b.io/x", "", "a_b.io/x", None, None)]
fn parses(
    #[case] image: &str,
    #[case] domain: &str,
    #[case] path: &str,
    #[case] tag: Option<&str>,
    #[case] digest: Option<&str>,
) {
    let reference = ImageReference::parse(image).expect("valid reference");
    assert_eq!(
        (
            reference.domain(),
            reference.path(),
            reference.tag(),
            reference.digest()
        ),
        (domain, path, tag, digest)
    );
}

#[rstest]
#[case::empty("", ReferenceError::Empty)]
#[case::uppercase_repository("trusted.io/X", ReferenceError::Uppercase)]
#[case::uppercase_hub_name("Nginx", ReferenceError::Uppercase)]
#[case::empty_path_component("trusted.io//x", ReferenceError::InvalidFormat)]
#[case::empty_tag("trusted.io/x:", ReferenceError::InvalidFormat)]
#[case::host_starting_with_dash("-a.io/x", ReferenceError::InvalidFormat)]
#[case::short_digest("a.io/x@sha256:abc", ReferenceError::InvalidDigest)]
#[case::uppercase_digest_hex(
    "a.io/x@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
    ReferenceError::InvalidDigest
)]
#[case::unknown_digest_algorithm(
    "a.io/x@md5:0123456789abcdef0123456789abcdef",
    ReferenceError::InvalidDigest
)]
#[case::bare_image_id(
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ReferenceError::IdentifierOnly
)]
#[case::tag_over_128_characters(&format!("nginx:{}", "a".repeat(129)), ReferenceError::InvalidFormat)]
#[case::leading_space(" nginx", ReferenceError::InvalidFormat)]
#[case::trailing_space("nginx ", ReferenceError::InvalidFormat)]
#[case::url_scheme("https://a.io/x", ReferenceError::InvalidFormat)]
#[case::text_after_an_ipv6_literal("[::1]x/repo", ReferenceError::InvalidFormat)]
#[case::path_over_255_characters(&format!("a.io/{}", "a".repeat(256)), ReferenceError::NameTooLong)]
fn refuses(#[case] image: &str, #[case] expected: ReferenceError) {
    assert_eq!(ImageReference::parse(image), Err(expected));
}

#[rstest]
#[case::official("nginx", "docker.io/library/nginx")]
#[case::tag_and_digest(
    "ghcr.io/o/a:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "ghcr.io/o/a:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)]
#[case::no_domain("a_b.io/x:1", "a_b.io/x:1")]
#[case::ipv6("[::1]:5000/x", "[::1]:5000/x")]
fn formats_the_full_name_and_parses_back(#[case] image: &str, #[case] full: &str) {
    let reference = ImageReference::parse(image).unwrap();
    assert_eq!(reference.to_string(), full);
    assert_eq!(ImageReference::parse(full).unwrap(), reference);
}

#[test]
fn common_names_borrow_from_the_input() {
    let reference = ImageReference::parse("ghcr.io/org/app:1").unwrap();
    assert!(matches!(reference.domain, Cow::Borrowed(_)));
    assert!(matches!(reference.path, Cow::Borrowed(_)));
}
