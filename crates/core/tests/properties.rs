//! Property tests over generated pod specs, settings and image references.

// A test may unwrap and index: a panic is a failing test, not a trapped request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use always_pull_images_core::ImageReference;
use always_pull_images_core::TrustedRegistry;
use proptest::prelude::*;
use serde_json::{Value, json};
use test_support::invariants::{check_image_reference, check_validate};

fn image() -> impl Strategy<Value = String> {
    let host = prop::sample::select(vec![
        "",
        "docker.io/",
        "index.docker.io/",
        "ghcr.io/",
        "GHCR.io/",
        "localhost:5000/",
        "registry.corp.com/",
        "corp.com/",
        "evilcorp.com/",
        "a.corp.com:5000/",
        "[::1]:5000/",
        "Trusted/",
        "trusted.io./",
    ]);
    let path = prop::collection::vec(
        prop::sample::select(vec!["acme", "acme-evil", "library", "app", "x", "a_b", "A"]),
        1..4,
    );
    let tag = prop::sample::select(vec!["", ":latest", ":1.25", ":443", ":Latest"]);
    let digest = prop::sample::select(vec![
        "",
        "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "@sha256:abc",
    ]);
    (host, path, tag, digest).prop_map(|(h, p, t, d)| format!("{h}{}{t}{d}", p.join("/")))
}

fn pull_policy() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        prop::sample::select(vec!["Always", "IfNotPresent", "Never", ""])
            .prop_map(|p| Some(json!(p))),
    ]
}

fn entry(volume: bool) -> impl Strategy<Value = Value> {
    (image(), pull_policy(), any::<u8>()).prop_map(move |(image, policy, n)| {
        let name = format!("e{}", n % 5);
        if volume {
            let mut source = json!({"reference": image});
            if let Some(p) = policy {
                source["pullPolicy"] = p;
            }
            json!({"name": name, "image": source, "futureField": n})
        } else {
            let mut c = json!({"name": name, "image": image, "futureField": {"n": n}});
            if let Some(p) = policy {
                c["imagePullPolicy"] = p;
            }
            c
        }
    })
}

fn pod_spec() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(entry(false), 0..3),
        prop::collection::vec(entry(false), 1..4),
        prop::collection::vec(entry(false), 0..3),
        prop::collection::vec(entry(true), 0..2),
    )
        .prop_map(|(init, containers, ephemeral, volumes)| {
            json!({"initContainers": init, "containers": containers, "ephemeralContainers": ephemeral, "volumes": volumes, "someFutureField": [1, "two"]})
        })
}

fn wrap(kind: &str, spec: Value) -> Value {
    let spec = match kind {
        "Pod" => spec,
        "CronJob" => json!({"jobTemplate": {"spec": {"template": {"spec": spec}}}}),
        _ => json!({"template": {"spec": spec}}),
    };
    json!({"kind": kind, "metadata": {"name": "w", "unknown": true}, "spec": spec})
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    let kind = prop::sample::select(vec![
        ("", "Pod"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("batch", "CronJob"),
        ("batch", "Job"),
    ]);
    let op = prop::sample::select(vec!["CREATE", "UPDATE"]);
    let sub = prop::sample::select(vec!["", "ephemeralcontainers"]);
    let registries = prop::collection::vec(
        prop::sample::select(vec![
            "ghcr.io/acme",
            "*.corp.com",
            "docker.io/library",
            "localhost:5000",
        ]),
        0..3,
    );
    (kind, op, sub, pod_spec(), prop::option::of(pod_spec()), any::<bool>(), any::<bool>(), registries).prop_map(
        |((group, kind), op, sub, spec, old, mutate, pinned, registries)| {
            let request = json!({
                "uid": "u", "kind": {"group": group, "version": "v1", "kind": kind}, "subResource": sub,
                "namespace": "default", "operation": op,
                "object": wrap(kind, spec), "oldObject": old.map(|o| wrap(kind, o)),
            });
            let settings = json!({"mutate": mutate, "exemptDigestPinned": pinned, "trustedRegistries": registries});
            json!({"request": request, "settings": settings}).to_string().into_bytes()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// mutate(mutate(x)) == mutate(x); validate(mutate(x)) accepts; the diff of x
    /// and mutate(x) only sets pull-policy members to "Always".
    #[test]
    fn mutation_is_minimal_idempotent_and_valid(payload in payload()) {
        check_validate(&payload);
    }

    /// A formatted reference parses back to itself.
    #[test]
    fn references_round_trip(image in image()) {
        check_image_reference(&image);
    }

    /// Trusted only if the normalized host is the entry's host (or a subdomain of
    /// a `*.` entry), the ports agree, and the path starts at a segment boundary.
    #[test]
    fn trust_needs_host_port_and_path_to_match(
        image in image(),
        entry in prop::sample::select(vec![
            "ghcr.io", "ghcr.io/acme", "docker.io", "docker.io/library", "*.corp.com", "*.corp.com:5000",
            "localhost:5000", "localhost:5000/acme", "[::1]:5000", "trusted.io",
        ]),
    ) {
        let registry = TrustedRegistry::parse(entry).unwrap();
        let Ok(reference) = ImageReference::parse(&image) else {
            return Ok(());
        };
        let (entry_host, entry_path) = match entry.split_once('/') {
            Some((h, p)) => (h, Some(p)),
            None => (entry, None),
        };
        let domain = reference.domain().to_ascii_lowercase();
        let host_ok = match entry_host.strip_prefix("*.") {
            Some(suffix) => domain.ends_with(&format!(".{suffix}")) && domain.len() > suffix.len() + 1,
            None => domain == entry_host,
        };
        let path_ok = entry_path.is_none_or(|p| reference.path() == p || reference.path().starts_with(&format!("{p}/")));
        prop_assert_eq!(registry.trusts(&reference), host_ok && path_ok, "{} vs {}", entry, image);
    }
}
