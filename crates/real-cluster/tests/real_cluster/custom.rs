//! Custom resources on the real API server: the CRDs of Argo Rollouts,
//! Knative Serving, JobSet and Argo Workflows as their projects ship them
//! (test_data/crds/custom), the policies of examples/custom-resources.yaml
//! in each mode, and writes of each resource through the webhooks. A
//! non-compliant one is refused, patched or warned about; a patched one is
//! read back, so the patch survived the schema's pruning; an update that
//! changes the template is judged the same way, one that leaves it alone is
//! not, and a JobSet's template update (its spec is immutable: JobSet's own
//! webhook refuses it) is accepted as written.

use std::time::Duration;

use serde_json::{Value, json};

use real_cluster::api::{Answer, Api};
use real_cluster::cluster::outcome;
use real_cluster::differential::judged;
use real_cluster::manifests::Policy;
use real_cluster::stack::Stack;
use real_cluster::waiting::wait_for;

use cluster_model::api_server::Outcome;

use crate::Seen;

/// A custom resource: its CRD, where it is served, and one of it.
struct Resource {
    crd: &'static str,
    /// `/apis/GROUP/VERSION/namespaces/{}/PLURAL`.
    collection: &'static str,
    /// Where its first container's pull policy is.
    pointer: &'static str,
    /// Its spec cannot change: an update is accepted as written.
    immutable: bool,
    make: fn(&str, Value) -> Value,
}

const RESOURCES: [Resource; 4] = [
    Resource {
        crd: "argoproj.io_rollouts.yaml",
        collection: "/apis/argoproj.io/v1alpha1/namespaces/{}/rollouts",
        pointer: "/spec/template/spec/containers/0/imagePullPolicy",
        immutable: false,
        make: |name, container| {
            json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": name},
                   "spec": {"replicas": 0, "selector": {"matchLabels": {"app": name}},
                            "strategy": {"canary": {"steps": [{"setWeight": 50}]}},
                            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}}}})
        },
    },
    Resource {
        crd: "serving.knative.dev_services.yaml",
        collection: "/apis/serving.knative.dev/v1/namespaces/{}/services",
        pointer: "/spec/template/spec/containers/0/imagePullPolicy",
        immutable: false,
        make: |name, container| {
            json!({"apiVersion": "serving.knative.dev/v1", "kind": "Service", "metadata": {"name": name},
                   "spec": {"template": {"spec": {"containers": [container]}}}})
        },
    },
    Resource {
        crd: "jobset.x-k8s.io_jobsets.yaml",
        collection: "/apis/jobset.x-k8s.io/v1alpha2/namespaces/{}/jobsets",
        pointer: "/spec/replicatedJobs/0/template/spec/template/spec/containers/0/imagePullPolicy",
        immutable: true,
        make: |name, container| {
            json!({"apiVersion": "jobset.x-k8s.io/v1alpha2", "kind": "JobSet", "metadata": {"name": name},
                   "spec": {"replicatedJobs": [{"name": "workers", "replicas": 1, "template": {"spec": {
                       "template": {"spec": {"restartPolicy": "Never", "containers": [container]}}}}}]}})
        },
    },
    Resource {
        crd: "argoproj.io_workflows.yaml",
        collection: "/apis/argoproj.io/v1alpha1/namespaces/{}/workflows",
        pointer: "/spec/templates/0/container/imagePullPolicy",
        immutable: false,
        make: |name, container| {
            json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": name},
                   "spec": {"entrypoint": "main", "templates": [{"name": "main", "container": container}]}})
        },
    },
];

/// A namespace, the policies that cover it and what a non-compliant write
/// there comes to.
struct Mode {
    namespace: &'static str,
    seen: Seen,
}

const MODES: [Mode; 3] = [
    Mode {
        namespace: "custom-validate",
        seen: Seen::Refused,
    },
    Mode {
        namespace: "custom-mutate",
        seen: Seen::Patched,
    },
    Mode {
        namespace: "custom-warn-only",
        seen: Seen::Warned,
    },
];

pub fn in_each_mode(stack: &mut Stack) -> Result<String, String> {
    let api = &stack.plane.api;
    let crds = install_crds(stack)?;
    let policies = policies(stack)?;
    let server = stack.serve(&policies)?;
    for mode in &MODES {
        stack.namespace(mode.namespace)?;
    }
    stack.install(&policies, &stack.endpoint(server.port)?)?;
    let result = every_write(api);
    stack.uninstall(&policies)?;
    for mode in &MODES {
        api.delete(&format!("/api/v1/namespaces/{}", mode.namespace))?;
    }
    for name in crds {
        api.delete(&format!(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"
        ))?;
    }
    result.map(|writes| {
        format!(
            "{} CRDs in {} modes, {writes} writes judged as written, patches stored",
            RESOURCES.len(),
            MODES.len()
        )
    })
}

/// Creates each resource's CRD and waits until its resources are served.
fn install_crds(stack: &Stack) -> Result<Vec<String>, String> {
    let api = &stack.plane.api;
    let dir = stack.tools.repository.join("test_data/crds/custom");
    let mut names = Vec::new();
    for resource in &RESOURCES {
        let path = dir.join(resource.crd);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut crd: Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", resource.crd))?;
        drop_empty_string_defaults(&mut crd);
        let answer = api.post(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            &crd,
        )?;
        if !answer.ok() && answer.status != 409 {
            return Err(format!("{}: {}", resource.crd, answer.message()));
        }
        names.push(
            crd["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    for resource in &RESOURCES {
        let path = resource.collection.replace("{}", "default");
        wait_for(
            &format!("{} served", resource.crd),
            Duration::from_secs(30),
            || Ok(api.get(&path)?.ok().then_some(())),
        )?;
    }
    Ok(names)
}

/// Kubernetes 1.20 refuses a CRD whose schema defaults a string to `""`
/// (it reads the default as null), which controller-gen writes for every
/// `LocalObjectReference.name` since Kubernetes 1.29's API types: those
/// defaults go, and a list-map key that loses its default (1.20 wants one,
/// or the key required) becomes required. Nothing else changes.
fn drop_empty_string_defaults(schema: &mut Value) {
    let Some(members) = schema.as_object_mut() else {
        if let Value::Array(items) = schema {
            items.iter_mut().for_each(drop_empty_string_defaults);
        }
        return;
    };
    let keys: Vec<String> = members
        .get("x-kubernetes-list-map-keys")
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(items) = members.get_mut("items") {
        for key in keys {
            if items["properties"][&key].get("default") == Some(&json!("")) {
                match items.get_mut("required").and_then(Value::as_array_mut) {
                    Some(required) if required.contains(&json!(key)) => {}
                    Some(required) => required.push(json!(key)),
                    None => items["required"] = json!([key]),
                }
            }
        }
    }
    if members.get("default") == Some(&json!("")) {
        members.remove("default");
    }
    members.values_mut().for_each(drop_empty_string_defaults);
}

/// The pair of examples/custom-resources.yaml for `custom-mutate`, its
/// validating policy for `custom-validate`, and that one with `warnOnly`
/// for `custom-warn-only`, each selecting its namespace by name.
fn policies(stack: &Stack) -> Result<Vec<Policy>, String> {
    let example = stack.tools.example("custom-resources.yaml")?;
    let (mutating, validating) = match (
        example.iter().find(|p| p.mutating()),
        example.iter().find(|p| !p.mutating()),
    ) {
        (Some(m), Some(v)) => (m, v),
        _ => return Err("examples/custom-resources.yaml lacks a policy".to_owned()),
    };
    let covering = |policy: &Policy, name: &str, namespace: &str, warn_only: bool| {
        let mut policy = policy.clone();
        policy.name = name.to_owned();
        // Expressions: kubewarden-controller drops a ClusterAdmissionPolicy's
        // `matchLabels`.
        policy.spec["namespaceSelector"] = json!({"matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "In", "values": [namespace]},
        ]});
        if warn_only {
            policy.spec["settings"]["warnOnly"] = json!(true);
        }
        policy
    };
    Ok(vec![
        covering(validating, "custom-validate", "custom-validate", false),
        covering(mutating, "custom-pair-mutate", "custom-mutate", false),
        covering(validating, "custom-pair-validate", "custom-mutate", false),
        covering(validating, "custom-warn-only", "custom-warn-only", true),
    ])
}

/// Every resource created and updated in every mode, once the mode's
/// policies judge its namespace; the writes made.
fn every_write(api: &Api) -> Result<usize, String> {
    let mut writes = 0;
    for mode in &MODES {
        wait_for("the policies judging", Duration::from_secs(30), || {
            Ok(judged(api, mode.namespace)?.then_some(()))
        })?;
        for resource in &RESOURCES {
            writes += writes_of(api, mode, resource)
                .map_err(|why| format!("{} in {}: {why}", resource.crd, mode.namespace))?;
        }
    }
    Ok(writes)
}

/// Creates and updates `resource` in `mode`'s namespace; the writes made.
fn writes_of(api: &Api, mode: &Mode, resource: &Resource) -> Result<usize, String> {
    let collection = resource.collection.replace("{}", mode.namespace);
    let expect = |what: &str, seen: Seen, expected: Seen| match seen == expected {
        true => Ok(()),
        false => Err(format!("{what}: {seen:?}, expected {expected:?}")),
    };
    // Unset, on a tag other than `latest`: the Pods would pull IfNotPresent.
    // A patch adds the field, which the schema must keep.
    let unset = (resource.make)("unset", json!({"name": "app", "image": "nginx:1.25"}));
    let (seen, _) = write(api, "POST", &collection, &unset, resource.pointer)?;
    expect("a create with the pull policy unset", seen, mode.seen)?;
    let compliant = (resource.make)("always", container("Always"));
    let (seen, stored) = write(api, "POST", &collection, &compliant, resource.pointer)?;
    expect("a compliant create", seen, Seen::AsWritten)?;
    let mut changed = stored.ok_or("the compliant create stored nothing")?;
    set(&mut changed, resource.pointer, "IfNotPresent")?;
    let item = format!("{collection}/always");
    let expected = match resource.immutable {
        true => Seen::AsWritten,
        false => mode.seen,
    };
    let (seen, _) = write(api, "PUT", &item, &changed, resource.pointer)?;
    expect("an update to IfNotPresent", seen, expected)?;
    // A label on what is stored now, the template left as it is.
    let mut labelled = api.read(&item)?;
    labelled["metadata"]["labels"] = json!({"team": "payments"});
    let (seen, _) = write(api, "PUT", &item, &labelled, resource.pointer)?;
    expect("an update of a label only", seen, Seen::AsWritten)?;
    Ok(4)
}

fn container(policy: &str) -> Value {
    json!({"name": "app", "image": "nginx:1.25", "imagePullPolicy": policy})
}

fn set(object: &mut Value, pointer: &str, policy: &str) -> Result<(), String> {
    let field = object
        .pointer_mut(pointer)
        .ok_or_else(|| format!("nothing at {pointer} in what was stored"))?;
    *field = json!(policy);
    Ok(())
}

/// Writes `object`; what came of it, and what was stored.
fn write(
    api: &Api,
    method: &str,
    path: &str,
    object: &Value,
    pointer: &str,
) -> Result<(Seen, Option<Value>), String> {
    let answer: Answer = match method {
        "PUT" => api.put(path, object)?,
        _ => api.post(path, object)?,
    };
    let stored = answer.body.pointer(pointer);
    let seen = match outcome(&answer) {
        Outcome::Admitted if stored != object.pointer(pointer) => {
            match stored == Some(&json!("Always")) {
                true => Seen::Patched,
                false => {
                    return Err(format!(
                        "stored {stored:?} at {pointer}, neither what was sent nor Always"
                    ));
                }
            }
        }
        Outcome::Admitted if !answer.warnings.is_empty() => Seen::Warned,
        Outcome::Admitted => Seen::AsWritten,
        Outcome::Rejected(_) => Seen::Refused,
        Outcome::Invalid(why) => return Err(format!("the API server refused the write: {why}")),
    };
    let stored = answer.ok().then_some(answer.body);
    Ok((seen, stored))
}
