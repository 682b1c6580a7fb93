//! What the API server checks besides the policy: a patch that applies, the
//! warnings it keeps, and the immutable fields of an UPDATE.

use serde_json::Value;

use crate::objects::Kind;

/// Applies an RFC 6902 patch as the API server does (evanphx/json-patch).
pub(super) fn apply_patch(object: &mut Value, patch: &Value) -> Result<(), String> {
    let patch: json_patch::Patch =
        serde_json::from_value(patch.clone()).map_err(|e| format!("not a JSON patch: {e}"))?;
    json_patch::patch(object, &patch).map_err(|e| format!("the patch does not apply: {e}"))
}

/// Every operation sets a pull-policy member to "Always".
pub(super) fn patch_sets_only_pull_policies(patch: &Value) -> Result<(), String> {
    for op in patch.as_array().into_iter().flatten() {
        let path = op["path"].as_str().unwrap_or_default();
        let kind = op["op"].as_str().unwrap_or_default();
        let policy_field = path.ends_with("/imagePullPolicy") || path.ends_with("/pullPolicy");
        if !matches!(kind, "add" | "replace") || !policy_field || op["value"] != "Always" {
            return Err(format!("the patch does more than set a pull policy: {op}"));
        }
    }
    Ok(())
}

/// What `k8s.io/apiserver/pkg/endpoints/filters/warning.go` keeps: each
/// warning 256 runes, 4,096 runes in all.
pub(super) fn warnings_within_limits(warnings: &[String]) -> Result<(), String> {
    let runes = |w: &String| w.chars().count();
    if let Some(long) = warnings.iter().find(|w| runes(w) > 256) {
        return Err(format!("a warning of {} characters: {long}", runes(long)));
    }
    let total: usize = warnings.iter().map(runes).sum();
    match total > 4096 {
        true => Err(format!("{total} characters of warnings")),
        false => Ok(()),
    }
}

/// The API server's validation of an UPDATE's immutable fields.
pub(super) fn validate_update(
    kind: Kind,
    old: &Value,
    new: &Value,
    sub_resource: Option<&str>,
) -> Result<(), String> {
    match (kind, sub_resource) {
        (Kind::Pod, Some("ephemeralcontainers")) => ephemeral_update(old, new),
        (Kind::Pod, _) => pod_update(old, new),
        (Kind::Job, _) => job_update(old, new),
        _ => Ok(()),
    }
}

/// `ValidatePodUpdate` (pkg/apis/core/validation/validation.go): of the
/// containers, only `image` may change.
fn pod_update(old: &Value, new: &Value) -> Result<(), String> {
    let mut expected = old["spec"].clone();
    for list in ["initContainers", "containers"] {
        let (Some(was), Some(now)) = (
            expected.get_mut(list).and_then(Value::as_array_mut),
            new["spec"].get(list).and_then(Value::as_array),
        ) else {
            continue;
        };
        if was.len() != now.len() {
            return Err(format!("pod updates may not add or remove {list}"));
        }
        for (was, now) in was.iter_mut().zip(now) {
            was["image"] = now["image"].clone();
        }
    }
    match expected == new["spec"] {
        true => Ok(()),
        false => Err("pod updates may not change fields other than image".into()),
    }
}

/// `ValidatePodEphemeralContainersUpdate`: ephemeral containers are only added.
fn ephemeral_update(old: &Value, new: &Value) -> Result<(), String> {
    let list = |pod: &Value| {
        pod.pointer("/spec/ephemeralContainers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (was, now) = (list(old), list(new));
    let without = |pod: &Value| {
        let mut spec = pod["spec"].clone();
        if let Some(spec) = spec.as_object_mut() {
            spec.remove("ephemeralContainers");
        }
        spec
    };
    match now.starts_with(&was) && without(old) == without(new) {
        true => Ok(()),
        false => Err("ephemeral containers may only be added".into()),
    }
}

/// `validatePodTemplateUpdate` (pkg/apis/batch/validation/validation.go): a
/// Job's template is immutable, but for the scheduling directives of a Job
/// that is suspended and never started (`validationOptionsForJob`).
fn job_update(old: &Value, new: &Value) -> Result<(), String> {
    let mut expected = old["spec"]["template"].clone();
    let now = &new["spec"]["template"];
    let suspended = old["spec"]["suspend"] == true;
    let never_started = old.pointer("/status/startTime").is_none();
    if suspended && never_started {
        for member in ["labels", "annotations"] {
            expected["metadata"][member] = now["metadata"][member].clone();
        }
        for member in ["nodeSelector", "tolerations", "affinity", "schedulingGates"] {
            expected["spec"][member] = now["spec"][member].clone();
        }
        strip_nulls(&mut expected);
    }
    let mut now = now.clone();
    strip_nulls(&mut now);
    match expected == now {
        true => Ok(()),
        false => Err("spec.template: field is immutable".into()),
    }
}

fn strip_nulls(value: &mut Value) {
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
        map.values_mut().for_each(strip_nulls);
    }
}
