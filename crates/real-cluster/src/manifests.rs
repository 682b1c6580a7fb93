//! The policies of this repository's `examples/*.yaml`, and what
//! kubewarden-controller (v1.35.0) derives from each: its webhook
//! configuration (`internal/controller/policy_subreconciler_webhook.go`) and
//! its entry in the policy server's `policies.yml`
//! (`policyserver_controller_configmap.go`). The real-cluster tests install
//! exactly these, so the manifests users copy are the ones tested.
//!
//! One difference, by necessity: the webhook calls the policy server at a
//! URL on 127.0.0.1, not through the `policy-server-default` Service (a bare
//! control plane has no Service routing).

use serde_json::{Map, Value, json};

/// The namespace kubewarden-controller deploys the policy server to (its
/// `--deployments-namespace`, `kubewarden` in the Helm chart): a
/// ClusterAdmissionPolicy's webhook never selects it.
pub const DEPLOYMENTS_NAMESPACE: &str = "kubewarden";

/// `spec.timeoutSeconds` when a policy leaves it out (the CRD's default).
const TIMEOUT_SECONDS: u64 = 10;

/// A `ClusterAdmissionPolicy` or a namespaced `AdmissionPolicy`.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` of an `AdmissionPolicy`; `None` for a
    /// `ClusterAdmissionPolicy`.
    pub namespace: Option<String>,
    /// `spec`, as written.
    pub spec: Value,
}

/// Where the webhooks send their requests.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `https://127.0.0.1:PORT`.
    pub base_url: String,
    /// The policy server's CA certificate, base64 (the `caBundle`).
    pub ca_bundle: String,
}

impl Policy {
    /// The policies of a YAML stream (documents of other kinds are skipped).
    pub fn read_all(yaml: &str) -> Result<Vec<Policy>, String> {
        let mut policies = Vec::new();
        for document in serde_yaml::Deserializer::from_str(yaml) {
            let value: Value = serde::Deserialize::deserialize(document)
                .map_err(|e| format!("not a YAML document: {e}"))?;
            let text = |pointer: &str| value.pointer(pointer).and_then(Value::as_str);
            let namespace = match text("/kind") {
                Some("ClusterAdmissionPolicy") => None,
                Some("AdmissionPolicy") => Some(text("/metadata/namespace").unwrap_or("default")),
                _ => continue,
            };
            policies.push(Policy {
                name: text("/metadata/name")
                    .ok_or("a policy without metadata.name")?
                    .to_owned(),
                namespace: namespace.map(str::to_owned),
                spec: value.get("spec").cloned().unwrap_or(Value::Null),
            });
        }
        Ok(policies)
    }

    /// `clusterwide-NAME` or `namespaced-NAMESPACE-NAME`: the webhook
    /// configuration's name and the policy server's id for the policy.
    pub fn unique_name(&self) -> String {
        match &self.namespace {
            None => format!("clusterwide-{}", self.name),
            Some(namespace) => format!("namespaced-{namespace}-{}", self.name),
        }
    }

    /// `spec.mutating`: a MutatingWebhookConfiguration, and the policy server
    /// lets the policy mutate.
    pub fn mutating(&self) -> bool {
        self.spec.get("mutating") == Some(&Value::Bool(true))
    }

    fn spec_member(&self, member: &str) -> Option<&Value> {
        self.spec.get(member).filter(|value| !value.is_null())
    }

    /// The webhook configuration kubewarden-controller writes for the
    /// policy, calling `endpoint`.
    pub fn webhook_configuration(&self, endpoint: &Endpoint) -> Value {
        let unique = self.unique_name();
        let kind = match self.mutating() {
            true => "MutatingWebhookConfiguration",
            false => "ValidatingWebhookConfiguration",
        };
        let mut webhook = Map::new();
        webhook.insert(
            "name".into(),
            json!(format!("{unique}.kubewarden.admission")),
        );
        webhook.insert(
            "clientConfig".into(),
            json!({
                "url": format!("{}/validate/{unique}", endpoint.base_url),
                "caBundle": endpoint.ca_bundle,
            }),
        );
        webhook.insert("rules".into(), self.rules());
        // Passed on as written; the API server defaults them (Fail, Equivalent, {}).
        for member in [
            "failurePolicy",
            "matchPolicy",
            "objectSelector",
            "matchConditions",
        ] {
            if let Some(value) = self.spec_member(member) {
                webhook.insert(member.into(), value.clone());
            }
        }
        webhook.insert("namespaceSelector".into(), self.namespace_selector());
        let side_effects = self.spec_member("sideEffects").cloned();
        webhook.insert("sideEffects".into(), side_effects.unwrap_or(json!("None")));
        let timeout = self.spec_member("timeoutSeconds").cloned();
        webhook.insert(
            "timeoutSeconds".into(),
            timeout.unwrap_or(json!(TIMEOUT_SECONDS)),
        );
        webhook.insert("admissionReviewVersions".into(), json!(["v1"]));
        json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": kind,
            "metadata": {
                "name": unique,
                "labels": {"app.kubernetes.io/part-of": "kubewarden"},
                "annotations": {
                    "kubewardenPolicyName": self.name,
                    "kubewardenPolicyNamespace": self.namespace.clone().unwrap_or_default(),
                },
            },
            "webhooks": [Value::Object(webhook)],
        })
    }

    /// `spec.rules`; an AdmissionPolicy's each scoped to `Namespaced`.
    fn rules(&self) -> Value {
        let mut rules = self.spec_member("rules").cloned().unwrap_or(json!([]));
        if self.namespace.is_some() {
            for rule in rules.as_array_mut().into_iter().flatten() {
                rule["scope"] = json!("Namespaced");
            }
        }
        rules
    }

    /// A ClusterAdmissionPolicy's webhook leaves out the deployments
    /// namespace and adds the policy's own `matchExpressions` (its
    /// `matchLabels` are dropped, as the controller drops them); an
    /// AdmissionPolicy's selects its own namespace by name.
    fn namespace_selector(&self) -> Value {
        if let Some(namespace) = &self.namespace {
            return json!({"matchLabels": {"kubernetes.io/metadata.name": namespace}});
        }
        let inside = self.spec_member("allowInsideAdmissionControllerNamespace");
        if inside == Some(&Value::Bool(true)) {
            return self
                .spec_member("namespaceSelector")
                .cloned()
                .unwrap_or(json!({}));
        }
        let mut expressions = vec![json!({
            "key": "kubernetes.io/metadata.name",
            "operator": "NotIn",
            "values": [DEPLOYMENTS_NAMESPACE],
        })];
        if let Some(own) = self
            .spec_member("namespaceSelector")
            .and_then(|selector| selector.get("matchExpressions"))
            .and_then(Value::as_array)
        {
            expressions.extend(own.iter().cloned());
        }
        json!({"matchExpressions": expressions})
    }

    /// The policy's entry in the policy server's `policies.yml`, its module
    /// at `module` (a `file://` URL of the annotated module).
    pub fn policies_entry(&self, module: &str) -> Value {
        let mut entry = json!({
            "namespacedName": {
                "Namespace": self.namespace.clone().unwrap_or_default(),
                "Name": self.name,
            },
            "module": module,
            "policyMode": self.spec_member("mode").cloned().unwrap_or(json!("protect")),
            "allowedToMutate": self.mutating(),
        });
        for member in ["settings", "message", "timeoutEvalSeconds"] {
            if let Some(value) = self.spec_member(member) {
                entry[member] = value.clone();
            }
        }
        entry
    }
}

#[cfg(test)]
mod tests;
