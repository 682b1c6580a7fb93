//! The objects of the model: how users write pod specs, the API
//! server's defaulting, and the oracle of what complies (written apart from
//! the policy's code, so the model can catch the policy out).

use serde_json::{Map, Value, json};

pub use crate::kinds::{Key, Kind};

/// The images users write: plain tags, a bare name (defaults to `Always`),
/// a trusted registry's, a digest-pinned one, and the injector's.
pub const IMAGES: [&str; 6] = [
    "nginx:1.25",
    "nginx",
    "busybox:1.36",
    "registry.example.com/shop/api:2.4.1",
    "ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "redis:7",
];
pub const INJECTED_IMAGE: &str = "docker.io/istio/proxyv2:1.24.2";
pub const POLICIES: [Option<&str>; 4] = [None, Some("Always"), Some("IfNotPresent"), Some("Never")];
pub const NAMESPACES: [&str; 2] = ["default", "team-a"];

/// Where an entry of a pod spec goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Init,
    /// An init container with `restartPolicy: Always` (a native sidecar).
    Sidecar,
    Container,
    ImageVolume,
}

/// An entry as a user writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySpec {
    pub slot: Slot,
    pub image: &'static str,
    pub policy: Option<&'static str>,
}

/// Adds `entry` to the pod spec `spec`, named `name`.
pub fn add_entry(spec: &mut Value, entry: &EntrySpec, name: &str) {
    let (list, item) = match entry.slot {
        Slot::ImageVolume => {
            let mut image = json!({"reference": entry.image});
            if let Some(policy) = entry.policy {
                image["pullPolicy"] = json!(policy);
            }
            ("volumes", json!({"name": name, "image": image}))
        }
        slot => {
            let mut container = json!({
                "name": name,
                "image": entry.image,
                "resources": {},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            });
            if let Some(policy) = entry.policy {
                container["imagePullPolicy"] = json!(policy);
            }
            if slot == Slot::Sidecar {
                container["restartPolicy"] = json!("Always");
            }
            let list = match slot {
                Slot::Container => "containers",
                _ => "initContainers",
            };
            (list, container)
        }
    };
    if let Some(map) = spec.as_object_mut() {
        let items = map.entry(list).or_insert_with(|| json!([]));
        if let Some(items) = items.as_array_mut() {
            items.push(item);
        }
    }
}

/// A pod spec with these entries (the first container always present).
pub fn pod_spec(entries: &[EntrySpec], restart_policy: &str) -> Value {
    let mut spec = json!({
        "containers": [],
        "restartPolicy": restart_policy,
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "schedulerName": "default-scheduler",
    });
    for (i, entry) in entries.iter().enumerate() {
        add_entry(&mut spec, entry, &format!("e{i}"));
    }
    spec
}

/// The pull policy the API server writes into an empty field
/// (`SetDefaults_Container` in pkg/apis/core/v1/defaults.go: `Always` for a
/// `latest` or absent tag, `IfNotPresent` otherwise, a digest included).
pub fn default_policy(image: &str) -> &'static str {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, tag)| tag);
    match (tag, image.contains('@')) {
        (Some("latest"), _) | (None, false) => "Always",
        _ => "IfNotPresent",
    }
}

const CONTAINER_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Fills every empty pull policy of the pod spec `spec`, as the API server's
/// defaulting does before admission and after each mutating webhook.
pub fn default_pod_spec(spec: &mut Value) {
    for list in CONTAINER_LISTS {
        for container in items_mut(spec, list) {
            fill(container, "image", "imagePullPolicy");
        }
    }
    for volume in items_mut(spec, "volumes") {
        if let Some(image) = volume.get_mut("image") {
            fill(image, "reference", "pullPolicy");
        }
    }
}

fn fill(item: &mut Value, image: &str, policy: &str) {
    let image = item.get(image).and_then(Value::as_str).unwrap_or_default();
    let empty = item
        .get(policy)
        .and_then(Value::as_str)
        .is_none_or(str::is_empty);
    if empty {
        let default = default_policy(image);
        item[policy] = json!(default);
    }
}

fn items_mut<'v>(spec: &'v mut Value, list: &str) -> impl Iterator<Item = &'v mut Value> {
    spec.get_mut(list)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// Each entry of a pod spec as ((list, name), image, pull policy).
pub fn named_entries(spec: &Value) -> Vec<((String, String), String, String)> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let mut found = Vec::new();
    for list in CONTAINER_LISTS {
        for c in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = (list.to_owned(), text(c, "name"));
            found.push((key, text(c, "image"), text(c, "imagePullPolicy")));
        }
    }
    for v in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(image) = v.get("image") {
            let key = ("volumes".to_owned(), text(v, "name"));
            found.push((key, text(image, "reference"), text(image, "pullPolicy")));
        }
    }
    found
}

/// Every (image, pull policy) of a pod spec.
pub fn entries(spec: &Value) -> Vec<(String, String)> {
    named_entries(spec)
        .into_iter()
        .map(|(_, image, policy)| (image, policy))
        .collect()
}

/// The settings of the model's policies: none, or these exemptions.
pub const EXEMPTIONS: &str = r#"{"exemptNamespaces": ["kube-system", "team-*"], "trustedRegistries": ["registry.example.com/shop", "docker.io/istio"], "exemptDigestPinned": true}"#;

/// Whether an entry complies, by the README's rules, with or without the
/// exemptions of [`EXEMPTIONS`] (the namespace is judged by the caller).
pub fn entry_complies(image: &str, policy: &str, exemptions: bool) -> bool {
    policy == "Always" || (exemptions && image_exempt(image))
}

/// Whether the exemptions of [`EXEMPTIONS`] exempt `image`: a trusted
/// registry's, or pinned by digest.
pub fn image_exempt(image: &str) -> bool {
    image.starts_with("registry.example.com/shop/")
        || image.starts_with("docker.io/istio/")
        || image.contains("@sha256:")
}

pub fn namespace_exempt(namespace: &str, exemptions: bool) -> bool {
    exemptions && (namespace == "kube-system" || namespace.starts_with("team-"))
}

/// Whether every entry of a pod spec complies.
pub fn spec_complies(spec: &Value, exemptions: bool) -> bool {
    entries(spec)
        .iter()
        .all(|(image, policy)| entry_complies(image, policy, exemptions))
}

/// Object metadata for `name` in `namespace`, with a uid.
pub fn metadata(name: &str, namespace: &str, uid: u64) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("name".into(), json!(name));
    map.insert("namespace".into(), json!(namespace));
    map.insert("uid".into(), json!(format!("uid-{uid}")));
    map.insert("labels".into(), json!({"app": name}));
    map
}

/// The owner reference a controller writes (`metav1.NewControllerRef`).
pub fn controller_ref(kind: Kind, owner: &Value) -> Value {
    json!({
        "apiVersion": kind.api_version(),
        "kind": kind.name(),
        "name": owner.pointer("/metadata/name").cloned().unwrap_or(Value::Null),
        "uid": owner.pointer("/metadata/uid").cloned().unwrap_or(Value::Null),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// The uid of the object's controller, if it has one.
pub fn controller_uid(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|owner| owner.get("controller") == Some(&Value::Bool(true)))?
        .get("uid")?
        .as_str()
}

pub fn uid(object: &Value) -> &str {
    object
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A text of a JSON value that depends on its value alone: members sorted by
/// name whether or not serde_json keeps insertion order (`preserve_order`,
/// which another crate of a workspace may turn on).
pub fn canonical(value: Option<&Value>) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut members: Vec<_> = map.iter().collect();
                members.sort_by_key(|(name, _)| *name);
                out.push('{');
                for (i, (name, value)) in members.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(name.clone()).to_string());
                    out.push(':');
                    write(value, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    if let Some(value) = value {
        write(value, &mut out);
    }
    out
}

/// A short hash of a text (FNV-1a), as controllers name revisions.
pub fn short_hash(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:x}", hash & 0xff_ffff_ffff)
}

/// The uids of every owner the object names, controlling or not.
pub fn owner_uids(object: &Value) -> Vec<&str> {
    object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|owner| owner.get("uid").and_then(Value::as_str))
        .collect()
}

/// Whether the object is being deleted (`metadata.deletionTimestamp`).
pub fn terminating(object: &Value) -> bool {
    object.pointer("/metadata/deletionTimestamp").is_some()
}

/// Whether the object names finalizers, which hold its deletion.
pub fn has_finalizers(object: &Value) -> bool {
    object
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|finalizers| !finalizers.is_empty())
}
