//! A user's edits of an object, on its JSON: what `kubectl set`, `kubectl
//! rollout`, `kubectl scale` and hand edits change.

use serde_json::{Value, json};

use super::Action;
use crate::objects::{self, Kind};

/// The entries of a pod spec in order, as (list, index) pointers.
fn entry_pointers(spec: &Value) -> Vec<String> {
    let mut pointers = Vec::new();
    for list in ["initContainers", "containers"] {
        let count = spec.get(list).and_then(Value::as_array).map_or(0, Vec::len);
        pointers.extend((0..count).map(|i| format!("/{list}/{i}")));
    }
    let volumes = spec.get("volumes").and_then(Value::as_array);
    for (i, volume) in volumes.into_iter().flatten().enumerate() {
        if volume.get("image").is_some() {
            pointers.push(format!("/volumes/{i}/image"));
        }
    }
    pointers
}

/// Applies a user's edit to `object`; whether there is anything to write.
pub(super) fn edit_object(object: &mut Value, kind: Kind, edit: &Action, step: usize) -> bool {
    let Some(spec) = object.pointer_mut(kind.pod_spec_pointer()) else {
        return false;
    };
    match edit {
        Action::SetEnv { .. }
        | Action::SetImage { .. }
        | Action::SetPullPolicy { .. }
        | Action::AddEntry { .. }
        | Action::RemoveEntry { .. } => edit_pod_spec(spec, edit, step),
        _ => edit_workload(object, kind, edit),
    }
}

/// Applies an edit of the pod spec's entries; whether there is anything to write.
fn edit_pod_spec(spec: &mut Value, edit: &Action, step: usize) -> bool {
    let pointers = entry_pointers(spec);
    let pick = |i: usize| pointers.get(i % pointers.len().max(1)).cloned();
    match edit {
        Action::SetEnv { value, .. } => {
            spec["containers"][0]["env"] = json!([{"name": "V", "value": value.to_string()}]);
        }
        Action::SetImage { entry, image, .. } => {
            let Some(at) = pick(*entry) else { return false };
            set_image(spec, &at, image);
        }
        Action::SetPullPolicy { entry, policy, .. } => {
            let Some(at) = pick(*entry) else { return false };
            set_pull_policy(spec, &at, *policy);
        }
        Action::AddEntry { entry, .. } => objects::add_entry(spec, entry, &format!("s{step}")),
        Action::RemoveEntry { entry, .. } => {
            let Some(at) = pick(*entry) else { return false };
            return remove_entry(spec, &at);
        }
        _ => return false,
    }
    true
}

/// The image of the entry at `at`: a volume's `reference`, a container's `image`.
fn set_image(spec: &mut Value, at: &str, image: &str) {
    let member = if at.contains("/volumes/") {
        "reference"
    } else {
        "image"
    };
    if let Some(item) = spec.pointer_mut(at) {
        item[member] = json!(image);
    }
}

/// The pull policy of the entry at `at`, set or (`None`) removed.
fn set_pull_policy(spec: &mut Value, at: &str, policy: Option<&str>) {
    let member = if at.contains("/volumes/") {
        "pullPolicy"
    } else {
        "imagePullPolicy"
    };
    if let Some(item) = spec.pointer_mut(at).and_then(Value::as_object_mut) {
        match policy {
            Some(policy) => item.insert(member.into(), json!(policy)),
            None => item.remove(member),
        };
    }
}

/// Removes the entry at `at`, never the last container; whether it did.
fn remove_entry(spec: &mut Value, at: &str) -> bool {
    let at = at.trim_end_matches("/image");
    let (list, index) = at.rsplit_once('/').unwrap_or(("", ""));
    let index: usize = index.parse().unwrap_or(0);
    let removable =
        list != "/containers" || spec["containers"].as_array().is_some_and(|c| c.len() > 1);
    match spec.pointer_mut(list).and_then(Value::as_array_mut) {
        Some(items) if removable && index < items.len() => {
            items.remove(index);
            true
        }
        _ => false,
    }
}

/// Applies an edit of the object or its template's metadata; whether there
/// is anything to write.
fn edit_workload(object: &mut Value, kind: Kind, edit: &Action) -> bool {
    let template = kind.template_pointer().unwrap_or("");
    match edit {
        Action::RolloutRestart { at, .. } => {
            let Some(template) = object.pointer_mut(template).filter(|_| kind != Kind::Pod) else {
                return false;
            };
            template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
                json!(format!("2026-12-02T05:{:02}:00Z", at % 60));
        }
        Action::Scale { replicas, .. } => match kind {
            Kind::Deployment
            | Kind::ReplicaSet
            | Kind::StatefulSet
            | Kind::ReplicationController
            | Kind::Rollout => object["spec"]["replicas"] = json!(replicas),
            Kind::Job => object["spec"]["parallelism"] = json!(replicas),
            _ => return false,
        },
        Action::UpdateStrategy { strategy, .. } if kind == Kind::StatefulSet => {
            object["spec"]["updateStrategy"] = match strategy {
                0 => json!({"type": "RollingUpdate"}),
                3 => json!({"type": "OnDelete"}),
                partition => {
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": partition}})
                }
            };
        }
        Action::Pause { paused, .. } if matches!(kind, Kind::Deployment | Kind::Rollout) => {
            object["spec"]["paused"] = json!(paused);
        }
        Action::Relabel { value, .. } => {
            object["metadata"]["labels"]["tier"] = json!(format!("t{value}"));
        }
        Action::AddFinalizer { .. } => {
            object["metadata"]["finalizers"] = json!(["example.com/protect"]);
        }
        Action::Suspend { suspend, .. } => match kind {
            Kind::Job | Kind::CronJob => object["spec"]["suspend"] = json!(suspend),
            _ => return false,
        },
        _ => return false,
    }
    true
}
