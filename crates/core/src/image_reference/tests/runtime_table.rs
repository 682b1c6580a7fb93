//! Image references as the container runtime normalizes them: Go
//! `distribution/reference` v0.6 (`ParseNormalizedNamed`) and the Kubernetes
//! parser tests, one named case per reference. Expected parts for the ones it
//! accepts; the ones it refuses must be refused.

use super::*;
use rstest::rstest;

#[rstest]
#[case::of_docker_docker("docker/docker", "docker.io", "docker/docker", None, None)]
#[case::of_library_debian("library/debian", "docker.io", "library/debian", None, None)]
#[case::of_debian("debian", "docker.io", "library/debian", None, None)]
#[case::of_docker_io_docker_docker(
    "docker.io/docker/docker",
    "docker.io",
    "docker/docker",
    None,
    None
)]
#[case::of_docker_io_library_debian(
    "docker.io/library/debian",
    "docker.io",
    "library/debian",
    None,
    None
)]
#[case::of_docker_io_debian("docker.io/debian", "docker.io", "library/debian", None, None)]
#[case::of_index_docker_io_docker_docker(
    "index.docker.io/docker/docker",
    "docker.io",
    "docker/docker",
    None,
    None
)]
#[case::of_index_docker_io_library_debian(
    "index.docker.io/library/debian",
    "docker.io",
    "library/debian",
    None,
    None
)]
#[case::of_index_docker_io_debian(
    "index.docker.io/debian",
    "docker.io",
    "library/debian",
    None,
    None
)]
#[case::of_127_0_0_1_5000_docker_docker(
    "127.0.0.1:5000/docker/docker",
    "127.0.0.1:5000",
    "docker/docker",
    None,
    None
)]
#[case::of_127_0_0_1_5000_library_debian(
    "127.0.0.1:5000/library/debian",
    "127.0.0.1:5000",
    "library/debian",
    None,
    None
)]
#[case::of_127_0_0_1_5000_debian("127.0.0.1:5000/debian", "127.0.0.1:5000", "debian", None, None)]
#[case::of_192_168_0_1("192.168.0.1", "docker.io", "library/192.168.0.1", None, None)]
#[case::of_192_168_0_1_80("192.168.0.1:80", "docker.io", "library/192.168.0.1", Some("80"), None)]
#[case::of_192_168_0_1_8_debian("192.168.0.1:8/debian", "192.168.0.1:8", "debian", None, None)]
#[case::of_192_168_0_2_25000_debian(
    "192.168.0.2:25000/debian",
    "192.168.0.2:25000",
    "debian",
    None,
    None
)]
#[case::of_thisisthesongthatneverendsitgoesonandonandonthis(
    "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    "docker.io",
    "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    None,
    None
)]
#[case::of_fc00_1_5000_docker("[fc00::1]:5000/docker", "[fc00::1]:5000", "docker", None, None)]
#[case::of_fc00_1_5000_docker_docker(
    "[fc00::1]:5000/docker/docker",
    "[fc00::1]:5000",
    "docker/docker",
    None,
    None
)]
#[case::of_fc00_1_2_3_4_5_6_7_5000_library_debian(
    "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
    "[fc00:1:2:3:4:5:6:7]:5000",
    "library/debian",
    None,
    None
)]
#[case::of_docker_io_1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a(
    "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
    "docker.io",
    "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
    None,
    None
)]
#[case::of_docker_docker_2("Docker/docker", "Docker", "docker", None, None)]
#[case::of_docker_docker_3("DOCKER/docker", "DOCKER", "docker", None, None)]
#[case::of_docker_rules_docker(
    "docker-rules/docker",
    "docker.io",
    "docker-rules/docker",
    None,
    None
)]
#[case::of_docker_rules_docker_2(
    "docker---rules/docker",
    "docker.io",
    "docker---rules/docker",
    None,
    None
)]
#[case::of_doc_docker("doc/docker", "docker.io", "doc/docker", None, None)]
#[case::of_d_docker("d/docker", "docker.io", "d/docker", None, None)]
#[case::of_jess_t("jess/t", "docker.io", "jess/t", None, None)]
#[case::of_dock_er_docker("dock__er/docker", "docker.io", "dock__er/docker", None, None)]
#[case::of_fooo_bar("fooo/bar", "docker.io", "fooo/bar", None, None)]
#[case::of_docker_io_fooo_bar("docker.io/fooo/bar", "docker.io", "fooo/bar", None, None)]
#[case::of_index_docker_io_fooo_bar(
    "index.docker.io/fooo/bar",
    "docker.io",
    "fooo/bar",
    None,
    None
)]
#[case::of_ubuntu("ubuntu", "docker.io", "library/ubuntu", None, None)]
#[case::of_docker_io_library_ubuntu(
    "docker.io/library/ubuntu",
    "docker.io",
    "library/ubuntu",
    None,
    None
)]
#[case::of_library_ubuntu("library/ubuntu", "docker.io", "library/ubuntu", None, None)]
#[case::of_nonlibrary_ubuntu("nonlibrary/ubuntu", "docker.io", "nonlibrary/ubuntu", None, None)]
#[case::of_docker_io_nonlibrary_ubuntu(
    "docker.io/nonlibrary/ubuntu",
    "docker.io",
    "nonlibrary/ubuntu",
    None,
    None
)]
#[case::of_other_library("other/library", "docker.io", "other/library", None, None)]
#[case::of_docker_io_other_library(
    "docker.io/other/library",
    "docker.io",
    "other/library",
    None,
    None
)]
#[case::of_127_0_0_1_8000_private_moonbase(
    "127.0.0.1:8000/private/moonbase",
    "127.0.0.1:8000",
    "private/moonbase",
    None,
    None
)]
#[case::of_127_0_0_1_8000_privatebase(
    "127.0.0.1:8000/privatebase",
    "127.0.0.1:8000",
    "privatebase",
    None,
    None
)]
#[case::of_example_com_private_moonbase(
    "example.com/private/moonbase",
    "example.com",
    "private/moonbase",
    None,
    None
)]
#[case::of_example_com_privatebase(
    "example.com/privatebase",
    "example.com",
    "privatebase",
    None,
    None
)]
#[case::of_example_com_8000_private_moonbase(
    "example.com:8000/private/moonbase",
    "example.com:8000",
    "private/moonbase",
    None,
    None
)]
#[case::of_example_com_8000_privatebasee(
    "example.com:8000/privatebasee",
    "example.com:8000",
    "privatebasee",
    None,
    None
)]
#[case::of_ubuntu_12_04_base(
    "ubuntu-12.04-base",
    "docker.io",
    "library/ubuntu-12.04-base",
    None,
    None
)]
#[case::of_docker_io_library_ubuntu_12_04_base(
    "docker.io/library/ubuntu-12.04-base",
    "docker.io",
    "library/ubuntu-12.04-base",
    None,
    None
)]
#[case::of_index_docker_io_library_ubuntu_12_04_base(
    "index.docker.io/library/ubuntu-12.04-base",
    "docker.io",
    "library/ubuntu-12.04-base",
    None,
    None
)]
#[case::of_foo("foo", "docker.io", "library/foo", None, None)]
#[case::of_docker_io_library_foo("docker.io/library/foo", "docker.io", "library/foo", None, None)]
#[case::of_docker_io_foo("docker.io/foo", "docker.io", "library/foo", None, None)]
#[case::of_library_foo_bar("library/foo/bar", "docker.io", "library/foo/bar", None, None)]
#[case::of_docker_io_library_foo_bar(
    "docker.io/library/foo/bar",
    "docker.io",
    "library/foo/bar",
    None,
    None
)]
#[case::of_store_foo_bar("store/foo/bar", "docker.io", "store/foo/bar", None, None)]
#[case::of_docker_io_store_foo_bar(
    "docker.io/store/foo/bar",
    "docker.io",
    "store/foo/bar",
    None,
    None
)]
#[case::of_foo_bar("Foo/bar", "Foo", "bar", None, None)]
#[case::of_foo_bar_2("FOO/bar", "FOO", "bar", None, None)]
#[case::of_busybox_latest_sha256_86e0e091d0da6bde2456dbb483(
    "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
    "docker.io",
    "library/busybox",
    Some("latest"),
    Some("sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa")
)]
#[case::of_test_com_foo("test.com/foo", "test.com", "foo", None, None)]
#[case::of_test_com_foo_2("test_com/foo", "docker.io", "test_com/foo", None, None)]
#[case::of_docker_migrator("docker/migrator", "docker.io", "docker/migrator", None, None)]
#[case::of_test_com_8080_foo("test.com:8080/foo", "test.com:8080", "foo", None, None)]
#[case::of_test_com_8080_foo_2("test-com:8080/foo", "test-com:8080", "foo", None, None)]
#[case::of_xn_n3h_com_foo("xn--n3h.com/foo", "xn--n3h.com", "foo", None, None)]
#[case::of_xn_n3h_com_18080_foo("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", None, None)]
#[case::of_localhost("localhost", "docker.io", "library/localhost", None, None)]
#[case::of_localhost_5000("localhost:5000", "docker.io", "library/localhost", Some("5000"), None)]
#[case::of_localhost_foo("localhost/foo", "localhost", "foo", None, None)]
#[case::of_localhost_5000_foo("localhost:5000/foo", "localhost:5000", "foo", None, None)]
#[case::of_localhost_foo_2("LOCALHOST/foo", "LOCALHOST", "foo", None, None)]
#[case::of_example_com("example.com", "docker.io", "library/example.com", None, None)]
#[case::of_example_com_foo("example.com/foo", "example.com", "foo", None, None)]
#[case::of_index_docker_io_foo("index.docker.io/foo", "docker.io", "library/foo", None, None)]
#[case::of_index_docker_io_library_foo_bar(
    "index.docker.io/library/foo/bar",
    "docker.io",
    "library/foo/bar",
    None,
    None
)]
#[case::of_ubuntu_latest("ubuntu:Latest", "docker.io", "library/ubuntu", Some("Latest"), None)]
#[case::of_foo_a_x128(&format!("foo:{}", "a".repeat(128)), "docker.io", "library/foo", Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), None)]
#[case::of_foo_bar_6("foo:_bar", "docker.io", "library/foo", Some("_bar"), None)]
#[case::of_a_x127a(&format!("{}a", "a/".repeat(127)), "docker.io", &format!("{}a", "a/".repeat(127)), None, None)]
#[case::of_docker_io_a_x247(&format!("docker.io/{}", "a".repeat(247)), "docker.io", &format!("library/{}", "a".repeat(247)), None, None)]
#[case::of_sha256_f_x64(&format!("sha256:{}", "f".repeat(64)), "docker.io", "library/sha256", Some("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), None)]
#[case::of_foo_f_x64(&format!("foo/{}", "f".repeat(64)), "docker.io", &format!("foo/{}", "f".repeat(64)), None, None)]
#[case::of_f_x64_tag(&format!("{}:tag", "f".repeat(64)), "docker.io", &format!("library/{}", "f".repeat(64)), Some("tag"), None)]
#[case::of_nginx("nginx", "docker.io", "library/nginx", None, None)]
#[case::of_nginx_1_25("nginx:1.25", "docker.io", "library/nginx", Some("1.25"), None)]
#[case::of_index_docker_io_nginx("index.docker.io/nginx", "docker.io", "library/nginx", None, None)]
#[case::of_registry_1_docker_io_library_nginx(
    "registry-1.docker.io/library/nginx",
    "registry-1.docker.io",
    "library/nginx",
    None,
    None
)]
#[case::of_trusted_x("Trusted/x", "Trusted", "x", None, None)]
#[case::of_localhost_x("localhost/x", "localhost", "x", None, None)]
#[case::of_localhost_5000_x("localhost:5000/x", "localhost:5000", "x", None, None)]
#[case::of_trusted_io_443("trusted.io:443", "docker.io", "library/trusted.io", Some("443"), None)]
#[case::of_1_5000_x("[::1]:5000/x", "[::1]:5000", "x", None, None)]
#[case::of_1_x("[::1]/x", "[::1]", "x", None, None)]
#[case::of_trusted_io_x_1_0_sha256_0123456789abcdef01234567(
    "trusted.io/x:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "trusted.io",
    "x",
    Some("1.0"),
    Some("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
)]
#[case::of_trusted_io_x_sha256_0123456789abcdef0123456789ab(
    "trusted.io/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "trusted.io",
    "x",
    None,
    Some("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
)]
#[case::of_a_b_io_x("a_b.io/x", "", "a_b.io/x", None, None)]
#[case::of_trusted_io_x_6("tRusted.io/x", "tRusted.io", "x", None, None)]
#[case::of_trusted_io_443_x("trusted.io:443/x", "trusted.io:443", "x", None, None)]
#[case::of_trusted_io_0443_x("trusted.io:0443/x", "trusted.io:0443", "x", None, None)]
#[case::of_trusted_io_x_10("TRUSTED.IO/x", "TRUSTED.IO", "x", None, None)]
#[case::of_trusted_io_evil_com_x("trusted.io.evil.com/x", "trusted.io.evil.com", "x", None, None)]
#[case::of_evil_com_trusted_io_x("evil.com/trusted.io/x", "evil.com", "trusted.io/x", None, None)]
#[case::of_trusted_io_x_sha384_aaaaaaaaaaaaaaaaaaaaaaaaaaaa(
    "trusted.io/x@sha384:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "trusted.io",
    "x",
    None,
    Some(
        "sha384:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    )
)]
#[case::of_trusted_io_x_sha512_aaaaaaaaaaaaaaaaaaaaaaaaaaaa(
    "trusted.io/x@sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "trusted.io",
    "x",
    None,
    Some(
        "sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    )
)]
#[case::of_docker_io("docker.io", "docker.io", "library/docker.io", None, None)]
#[case::of_library("library", "docker.io", "library/library", None, None)]
#[case::of_docker_io_nginx("Docker.io/nginx", "Docker.io", "nginx", None, None)]
#[case::of_127_0_0_1_x("127.0.0.1/x", "127.0.0.1", "x", None, None)]
#[case::of_127_0_0_1_5000_x("127.0.0.1:5000/x", "127.0.0.1:5000", "x", None, None)]
#[case::of_trusted_io_x_y_z_tag("trusted.io/x/y/z:tag", "trusted.io", "x/y/z", Some("tag"), None)]
#[case::of_trusted_io_x_y_3("trusted.io/x__y", "trusted.io", "x__y", None, None)]
#[case::of_a_b_c_d_e("a/b/c/d/e", "docker.io", "a/b/c/d/e", None, None)]
fn accepted_as_the_runtime_reads_it(
    #[case] image: &str,
    #[case] domain: &str,
    #[case] path: &str,
    #[case] tag: Option<&str>,
    #[case] digest: Option<&str>,
) {
    let reference =
        ImageReference::parse(image).unwrap_or_else(|e| panic!("{image:?} must parse: {e}"));
    assert_eq!(
        (
            reference.domain(),
            reference.path(),
            reference.tag(),
            reference.digest()
        ),
        (domain, path, tag, digest),
        "{image:?}"
    );
}

#[rstest]
#[case::of_https_github_com_docker_docker("https://github.com/docker/docker")]
#[case::of_docker_docker_4("docker/Docker")]
#[case::of_docker("-docker")]
#[case::of_docker_docker_5("-docker/docker")]
#[case::of_docker_io_docker_docker_2("-docker.io/docker/docker")]
#[case::of_docker_docker_6("docker///docker")]
#[case::of_docker_io_docker_docker_3("docker.io/docker/Docker")]
#[case::of_docker_io_docker_docker_4("docker.io/docker///docker")]
#[case::of_fc00_1("[fc00::1]")]
#[case::of_fc00_1_5000("[fc00::1]:5000")]
#[case::of_fc00_1_5000_debian("fc00::1:5000/debian")]
#[case::of_fe80_1_eth0_5000_debian("[fe80::1%eth0]:5000/debian")]
#[case::of_2001_db8_3_4_192_0_2_33_5000_debian("[2001:db8:3:4::192.0.2.33]:5000/debian")]
#[case::of_1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c(
    "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"
)]
#[case::of_docker_docker_7("docker-/docker")]
#[case::of_docker_docker_8("-docker-/docker")]
#[case::of_empty("____/____")]
#[case::of_docker_docker_9("_docker/_docker")]
#[case::of_dock_er_docker_2("dock..er/docker")]
#[case::of_dock_er_docker_3("dock_.er/docker")]
#[case::of_dock_er_docker_4("dock-.er/docker")]
#[case::of_docker_2("docker/")]
#[case::of_this_is_not_a_valid_namespace_because_its_lenth(
    "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker"
)]
#[case::of_foo_2("-foo")]
#[case::of_root("ROOT")]
#[case::of_http_root("http://root")]
#[case::of_e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c(
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)]
#[case::of_foo_3("foo:")]
#[case::of_foo_4("foo@")]
#[case::of_foo_latest("foo:latest@")]
#[case::of_ubuntu_2("Ubuntu")]
#[case::of_a_b_c("a/B/c")]
#[case::of_foo_bar_3("Foo/Bar")]
#[case::of_foo_sha256_f_x64(&format!("foo@sha256:{}", "F".repeat(64)))]
#[case::of_foo_sha256_f_x64_2(&format!("foo@SHA256:{}", "f".repeat(64)))]
#[case::of_foo_sha256_f_x63(&format!("foo@sha256:{}", "f".repeat(63)))]
#[case::of_foo_sha256_f_x65(&format!("foo@sha256:{}", "f".repeat(65)))]
#[case::of_foo_sha512_f_x64(&format!("foo@sha512:{}", "f".repeat(64)))]
#[case::of_foo_md5_f_x32(&format!("foo@md5:{}", "f".repeat(32)))]
#[case::of_foo_sha256_f_x31(&format!("foo@sha256:{}", "f".repeat(31)))]
#[case::of_foo_a_x129(&format!("foo:{}", "a".repeat(129)))]
#[case::of_foo_bar_4("foo:-bar")]
#[case::of_foo_bar_5("foo:.bar")]
#[case::of_foo_bar_7("foo:bar~")]
#[case::of_docker_io_a_x248(&format!("docker.io/{}", "a".repeat(248)))]
#[case::of_x_x256(&"x".repeat(256))]
#[case::of_trusted_io_x("trusted.io/X")]
#[case::of_trusted_io_x_2("trusted.io//x")]
#[case::of_trusted_io_x_3("trusted.io/x:")]
#[case::of_a_io_x("-a.io/x")]
#[case::of_a_io_x_sha256_abc("a.io/x@sha256:abc")]
#[case::of_0123456789abcdef0123456789abcdef0123456789abcdef(
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)]
#[case::of_nginx_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(
    "nginx:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)]
#[case::of_snginx(" nginx")]
#[case::of_nginx_s("nginx ")]
#[case::of_https_a_io_x("https://a.io/x")]
#[case::of_trusted_io_x_4("trusted.io./x")]
#[case::of_user_trusted_io_x("user@trusted.io/x")]
#[case::of_trusted_io_2fevil_x("trusted.io%2fevil/x")]
#[case::of_trusted_io_x_5("trusted.io/../x")]
#[case::of_trusted_io_x_y("trusted.io/x/../y")]
#[case::of_trusted_io_x_7("trusted.io:/x")]
#[case::of_1_x_2("[::1/x")]
#[case::of_trusted_io_5000_6000_x("trusted.io:5000:6000/x")]
#[case::of_rusted_io_x("\u{FF54}rusted.io/x")]
#[case::of_trusted_io_x_8("trusted.io\u{200B}/x")]
#[case::of_trusted_io_x_9("trusted.io/x\u{301}")]
#[case::of_trusted_io_evil_com_x_2("trusted.io@evil.com/x")]
#[case::of_evil_com_trusted_io_x_2("evil.com#trusted.io/x")]
#[case::of_trusted_io_x_sha256_0123456789abcdef0123456789ab_2(
    "trusted.io/x@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
)]
#[case::of_trusted_io_x_md5_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(
    "trusted.io/x@md5:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)]
#[case::of_trusted_io_x_v1("trusted.io/x:v1@")]
#[case::of_docker_io_2("docker.io/")]
#[case::of_fe80_1_25eth0_5000_x("[fe80::1%25eth0]:5000/x")]
#[case::of_trusted_io_x_11("trusted.io/-x")]
#[case::of_trusted_io_x_12("trusted.io/x-")]
#[case::of_trusted_io_x_y_2("trusted.io/x___y")]
#[case::of_trusted_io_x_y_4("trusted.io/x.-y")]
fn refused_as_the_runtime_refuses_it(#[case] image: &str) {
    let parsed = ImageReference::parse(image);
    assert!(parsed.is_err(), "{image:?} must be refused, got {parsed:?}");
}
