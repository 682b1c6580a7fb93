//! The whole stack of a real-cluster test: the control plane, the policy
//! server with the policies of `examples/*.yaml`, and their webhook
//! configurations, installed as kubewarden-controller installs them.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value, json};

use cluster_model::backend::PolicyId;

use crate::cluster::{MUTATING_LABEL, VALIDATING_LABEL};
use crate::control_plane::ControlPlane;
use crate::manifests::{Endpoint, Policy};
use crate::policy_server::PolicyServer;

/// What a stack is made of: where the binaries and the module are.
#[derive(Debug, Clone)]
pub struct Tools {
    /// kube-apiserver, kube-controller-manager, etcd (scripts/kubernetes-1.20.sh).
    pub kubernetes: PathBuf,
    pub policy_server: PathBuf,
    /// The annotated policy module (`make annotated-policy.wasm`).
    pub module: PathBuf,
    /// The repository's root, for `examples/`.
    pub repository: PathBuf,
}

/// A control plane, and a policy server with every policy a test uses.
pub struct Stack {
    pub plane: ControlPlane,
    pub server: PolicyServer,
    pub tools: Tools,
    /// The policies the policy server serves.
    pub policies: Vec<Policy>,
}

impl Tools {
    /// The policies of `examples/FILE`.
    pub fn example(&self, file: &str) -> Result<Vec<Policy>, String> {
        let path = self.repository.join("examples").join(file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Policy::read_all(&text)
    }

    fn module_url(&self) -> String {
        format!("file://{}", self.module.display())
    }
}

impl Stack {
    /// Starts the control plane and a policy server with `policies`.
    pub fn start(tools: Tools, policies: Vec<Policy>) -> Result<Stack, String> {
        let plane = ControlPlane::start(&tools.kubernetes)?;
        let server = serve(&tools, &plane, &policies)?;
        let stack = Stack {
            plane,
            server,
            tools,
            policies,
        };
        stack.install(&stack.policies, &stack.endpoint(stack.server.port)?)?;
        Ok(stack)
    }

    /// A policy server of its own for `policies` (an example's, with their
    /// settings), beside the stack's.
    pub fn serve(&self, policies: &[Policy]) -> Result<PolicyServer, String> {
        serve(&self.tools, &self.plane, policies)
    }

    /// Creates the namespace `name`. 1.20 labels no namespace with its name
    /// (1.21 does): an AdmissionPolicy's webhook, and a selector by name,
    /// select on that label, so it is set here.
    pub fn namespace(&self, name: &str) -> Result<(), String> {
        let labels = [("kubernetes.io/metadata.name", name)];
        self.plane.api.create_namespace(name, &labels)
    }

    /// Where the webhooks call the policy server (`port`: the server's own,
    /// or a proxy's in front of it).
    pub fn endpoint(&self, port: u16) -> Result<Endpoint, String> {
        let ca = self.plane.pki.ca_pem()?;
        Ok(Endpoint {
            base_url: format!("https://127.0.0.1:{port}"),
            ca_bundle: base64::engine::general_purpose::STANDARD.encode(ca),
        })
    }

    /// Creates (or replaces) the webhook configurations of `policies`.
    /// New configurations are written before old ones go, never the other
    /// way round: a moment without a webhook lets writes through unjudged.
    pub fn install(&self, policies: &[Policy], endpoint: &Endpoint) -> Result<(), String> {
        for policy in policies {
            let config = policy.webhook_configuration(endpoint);
            let path = configuration_path(&config);
            let existing = self
                .plane
                .api
                .get(&format!("{path}/{}", policy.unique_name()))?;
            let answer = match existing.ok() {
                true => {
                    let mut config = config;
                    config["metadata"]["resourceVersion"] =
                        existing.body["metadata"]["resourceVersion"].clone();
                    self.plane
                        .api
                        .put(&format!("{path}/{}", policy.unique_name()), &config)?
                }
                false => self.plane.api.post(&path, &config)?,
            };
            if !answer.ok() {
                return Err(format!("{}: {}", policy.unique_name(), answer.message()));
            }
        }
        Ok(())
    }

    /// Deletes the webhook configurations of `policies`.
    pub fn uninstall(&self, policies: &[Policy]) -> Result<(), String> {
        for policy in policies {
            let config = policy.webhook_configuration(&Endpoint {
                base_url: String::new(),
                ca_bundle: String::new(),
            });
            self.plane.api.delete(&format!(
                "{}/{}",
                configuration_path(&config),
                policy.unique_name()
            ))?;
        }
        Ok(())
    }
}

/// A policy server with `policies`, loading the tools' module.
fn serve(tools: &Tools, plane: &ControlPlane, policies: &[Policy]) -> Result<PolicyServer, String> {
    let entries: Map<String, Value> = policies
        .iter()
        .map(|p| (p.unique_name(), p.policies_entry(&tools.module_url())))
        .collect();
    PolicyServer::start(&tools.policy_server, &plane.pki, &Value::Object(entries))
}

fn configuration_path(config: &Value) -> String {
    let resource = match config["kind"].as_str() {
        Some("MutatingWebhookConfiguration") => "mutatingwebhookconfigurations",
        _ => "validatingwebhookconfigurations",
    };
    format!("/apis/admissionregistration.k8s.io/v1/{resource}")
}

/// The cluster model's policies (each mode, with and without the model's
/// exemptions), each derived from the pair of `examples/mutate-and-validate.yaml`
/// with the model's settings, and a namespace selector on the label a
/// scenario's namespaces carry once the policy is installed for them.
pub fn model_policies(tools: &Tools) -> Result<Vec<Policy>, String> {
    let pair = tools.example("mutate-and-validate.yaml")?;
    let mut policies = Vec::new();
    for id in PolicyId::all() {
        let Some(example) = pair.iter().find(|p| p.mutating() == id.mutates()) else {
            return Err("examples/mutate-and-validate.yaml lacks a policy".to_owned());
        };
        let label = match id.mutates() {
            true => MUTATING_LABEL,
            false => VALIDATING_LABEL,
        };
        let mut policy = example.clone();
        policy.name = format!("model-{}", id.name());
        // What docs/behaviour.md tells the operator of a cluster older than
        // 1.21 to add: CronJobs are served at batch/v1beta1 there.
        if let Some(rules) = policy.spec["rules"].as_array_mut() {
            rules.push(json!({"apiGroups": ["batch"], "apiVersions": ["v1beta1"], "resources": ["cronjobs"], "operations": ["CREATE", "UPDATE"]}));
        }
        policy.spec["settings"] = id.settings();
        policy.spec["namespaceSelector"] = json!({"matchExpressions": [
            {"key": label, "operator": "In", "values": [id.name()]},
        ]});
        policies.push(policy);
    }
    Ok(policies)
}

/// The module the tests load, checked to exist.
pub fn existing(path: &Path) -> Result<PathBuf, String> {
    match path.is_file() {
        true => Ok(path.to_owned()),
        false => Err(format!(
            "{} is missing: `make annotated-policy.wasm`",
            path.display()
        )),
    }
}
