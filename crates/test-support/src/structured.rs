//! Mostly-valid AdmissionRequests built from fuzzer bytes: real kinds,
//! operations and pod specs, with hostile values where the policy reads.
//! Shared by the `validate_structured` fuzz target and the corpus replay test.

use arbitrary::Arbitrary;
use serde_json::{Value, json};

#[derive(Arbitrary, Debug)]
pub struct Request {
    kind: u8,
    operation: u8,
    sub_resource: u8,
    namespace: u8,
    mirror: bool,
    pod: Spec,
    old: Option<Spec>,
    settings: Settings,
}

#[derive(Arbitrary, Debug)]
pub struct Spec {
    init: Vec<Entry>,
    containers: Vec<Entry>,
    ephemeral: Vec<Entry>,
    volumes: Vec<Entry>,
    odd_shape: Option<(u8, Json)>,
}

#[derive(Arbitrary, Debug)]
pub struct Entry {
    name: u8,
    image: Image,
    policy: Policy,
    extra: Option<(String, Json)>,
}

#[derive(Arbitrary, Debug)]
pub enum Image {
    Known(u8),
    Any(String),
    Wrong(Json),
}

#[derive(Arbitrary, Debug)]
pub enum Policy {
    Absent,
    Null,
    Value(u8),
    Any(String),
    Wrong(Json),
}

#[derive(Arbitrary, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Int(i64),
    Str(String),
    List(Vec<u8>),
    Object(Vec<(String, u8)>),
}

#[derive(Arbitrary, Debug)]
pub struct Settings {
    mutate: bool,
    exempt_digest_pinned: bool,
    namespaces: Vec<u8>,
    registries: Vec<u8>,
}

const KINDS: [(&str, &str); 10] = [
    ("", "Pod"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("", "ReplicationController"),
    ("", "ConfigMap"),
    ("example.com", "Pod"),
];
const IMAGES: [&str; 12] = [
    "nginx",
    "nginx:1.25",
    "nginx:latest",
    "ghcr.io/acme/app:1",
    "ghcr.io/acme-evil/app:1",
    "localhost:5000/x",
    "Trusted/x",
    "trusted.io:443",
    "registry.corp.com/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "[::1]:5000/x:2",
    "",
    "a_b.io/x",
];
const POLICIES: [&str; 5] = ["Always", "IfNotPresent", "Never", "", "always"];
const NAMESPACES: [&str; 4] = ["default", "kube-system", "team-a", ""];
const REGISTRIES: [&str; 5] = [
    "ghcr.io/acme",
    "*.corp.com",
    "docker.io/library",
    "localhost:5000",
    "[::1]:5000",
];

impl Json {
    fn value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => json!(b),
            Json::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Json::Int(i) => json!(i),
            Json::Str(s) => json!(s),
            Json::List(items) => json!(items),
            Json::Object(members) => {
                Value::Object(members.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
            }
        }
    }
}

impl Entry {
    fn value(&self, volume: bool) -> Value {
        let mut entry = serde_json::Map::new();
        entry.insert("name".into(), json!(format!("e{}", self.name % 4)));
        let image = match &self.image {
            Image::Known(i) => json!(IMAGES[*i as usize % IMAGES.len()]),
            Image::Any(s) => json!(s),
            Image::Wrong(j) => j.value(),
        };
        let policy = match &self.policy {
            Policy::Absent => None,
            Policy::Null => Some(Value::Null),
            Policy::Value(i) => Some(json!(POLICIES[*i as usize % POLICIES.len()])),
            Policy::Any(s) => Some(json!(s)),
            Policy::Wrong(j) => Some(j.value()),
        };
        if let Some((key, value)) = &self.extra {
            entry.insert(key.clone(), value.value());
        }
        if volume {
            let mut source = serde_json::Map::new();
            source.insert("reference".into(), image);
            if let Some(policy) = policy {
                source.insert("pullPolicy".into(), policy);
            }
            entry.insert("image".into(), Value::Object(source));
        } else {
            entry.insert("image".into(), image);
            if let Some(policy) = policy {
                entry.insert("imagePullPolicy".into(), policy);
            }
        }
        Value::Object(entry)
    }
}

impl Spec {
    fn value(&self) -> Value {
        let list = |entries: &[Entry], volume| {
            Value::Array(entries.iter().map(|e| e.value(volume)).collect())
        };
        let mut spec = serde_json::Map::new();
        spec.insert("containers".into(), list(&self.containers, false));
        if !self.init.is_empty() {
            spec.insert("initContainers".into(), list(&self.init, false));
        }
        if !self.ephemeral.is_empty() {
            spec.insert("ephemeralContainers".into(), list(&self.ephemeral, false));
        }
        if !self.volumes.is_empty() {
            spec.insert("volumes".into(), list(&self.volumes, true));
        }
        if let Some((field, value)) = &self.odd_shape {
            let key = [
                "containers",
                "initContainers",
                "ephemeralContainers",
                "volumes",
                "futureField",
            ][*field as usize % 5];
            spec.insert(key.into(), value.value());
        }
        Value::Object(spec)
    }
}

fn object(kind: &str, spec: Value, mirror: bool) -> Value {
    let spec = match kind {
        "Pod" => spec,
        "CronJob" => {
            json!({"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": spec}}}})
        }
        _ => json!({"replicas": 1, "template": {"metadata": {"labels": {"a": "b"}}, "spec": spec}}),
    };
    let mut metadata = json!({"name": "x", "namespace": "default"});
    if mirror {
        metadata["annotations"] = json!({"kubernetes.io/config.mirror": "h"});
    }
    json!({"kind": kind, "metadata": metadata, "spec": spec, "status": {}})
}

/// The `validate` payload for one generated request.
pub fn payload(input: &Request) -> Vec<u8> {
    let (group, kind) = KINDS[input.kind as usize % KINDS.len()];
    let operation = ["CREATE", "UPDATE", "DELETE", "CONNECT"][input.operation as usize % 4];
    let sub_resource = ["", "", "ephemeralcontainers", "status"][input.sub_resource as usize % 4];
    let request = json!({
        "uid": "u",
        "kind": {"group": group, "version": "v1", "kind": kind},
        "resource": {"group": group, "version": "v1", "resource": "x"},
        "subResource": sub_resource,
        "namespace": NAMESPACES[input.namespace as usize % NAMESPACES.len()],
        "operation": operation,
        "userInfo": {"username": "u"},
        "object": object(kind, input.pod.value(), input.mirror),
        "oldObject": input.old.as_ref().map(|old| object(kind, old.value(), input.mirror)),
    });
    let settings = json!({
        "mutate": input.settings.mutate,
        "exemptDigestPinned": input.settings.exempt_digest_pinned,
        "exemptNamespaces": input.settings.namespaces.iter().map(|i| ["kube-system", "team-*"][*i as usize % 2]).collect::<Vec<_>>(),
        "trustedRegistries": input.settings.registries.iter().map(|i| REGISTRIES[*i as usize % REGISTRIES.len()]).collect::<Vec<_>>(),
    });
    let payload = json!({"request": request, "settings": settings}).to_string();
    payload.into_bytes()
}
