//! A small REST client of the Kubernetes API server: JSON in, JSON out,
//! every answer with its HTTP status and the warnings the API server passed
//! on (the `Warning` headers a policy's warnings become). Objects stay
//! `serde_json::Value`s, as the cluster model writes them: nothing is
//! round-tripped through typed structs.

use std::time::Duration;

use serde_json::Value;
use ureq::Agent;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use cluster_model::objects::Kind;

/// How long one call may take (a webhook's timeout is at most 30 s).
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The API server at `base`, as the holder of `token`.
pub struct Api {
    agent: Agent,
    base: String,
    token: String,
}

/// One answer: the HTTP status, the body, the warnings.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub warnings: Vec<String>,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The `Status` message of a refusal.
    pub fn message(&self) -> String {
        self.body["message"]
            .as_str()
            .map_or_else(|| self.body.to_string(), str::to_owned)
    }
}

impl Api {
    /// A client that trusts only `ca_pem`.
    pub fn new(base: &str, ca_pem: &[u8], token: &str) -> Result<Api, String> {
        let ca = Certificate::from_pem(ca_pem).map_err(|e| format!("the CA certificate: {e}"))?;
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&[ca]))
            .build();
        let agent = Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_global(Some(CALL_TIMEOUT))
            .build()
            .into();
        Ok(Api {
            agent,
            base: base.to_owned(),
            token: format!("Bearer {token}"),
        })
    }

    pub fn get(&self, path: &str) -> Result<Answer, String> {
        self.call("GET", path, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Result<Answer, String> {
        self.call("POST", path, Some(("application/json", body)))
    }

    /// Creates the namespace `name` with `labels`; an error names it.
    pub fn create_namespace(&self, name: &str, labels: &[(&str, &str)]) -> Result<(), String> {
        let labels: serde_json::Map<String, Value> = labels
            .iter()
            .map(|(key, value)| ((*key).to_owned(), Value::from(*value)))
            .collect();
        let namespace = serde_json::json!({"apiVersion": "v1", "kind": "Namespace",
                                           "metadata": {"name": name, "labels": labels}});
        let answer = self.post("/api/v1/namespaces", &namespace)?;
        match answer.ok() {
            true => Ok(()),
            false => Err(format!("namespace {name}: {}", answer.message())),
        }
    }

    pub fn put(&self, path: &str, body: &Value) -> Result<Answer, String> {
        self.call("PUT", path, Some(("application/json", body)))
    }

    /// A JSON merge patch (RFC 7386).
    pub fn merge_patch(&self, path: &str, body: &Value) -> Result<Answer, String> {
        self.call("PATCH", path, Some(("application/merge-patch+json", body)))
    }

    pub fn delete(&self, path: &str) -> Result<Answer, String> {
        self.call("DELETE", path, None)
    }

    /// `GET path`, which must succeed: the object or list.
    pub fn read(&self, path: &str) -> Result<Value, String> {
        let answer = self.get(path)?;
        match answer.ok() {
            true => Ok(answer.body),
            false => Err(format!(
                "GET {path}: HTTP {}: {}",
                answer.status,
                answer.message()
            )),
        }
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &Value)>,
    ) -> Result<Answer, String> {
        let url = format!("{}{path}", self.base);
        let failed = |e: ureq::Error| format!("{method} {path}: {e}");
        let auth = ("Authorization", self.token.as_str());
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).header(auth.0, auth.1).call(),
            ("DELETE", _) => self.agent.delete(&url).header(auth.0, auth.1).call(),
            (_, Some((content_type, body))) => {
                let request = match method {
                    "POST" => self.agent.post(&url),
                    "PUT" => self.agent.put(&url),
                    _ => self.agent.patch(&url),
                };
                request
                    .header(auth.0, auth.1)
                    .header("Content-Type", content_type)
                    .send(body.to_string().as_bytes())
            }
            (_, None) => return Err(format!("{method} {path}: no body")),
        }
        .map_err(failed)?;
        let status = response.status().as_u16();
        let warnings = response
            .headers()
            .get_all("warning")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(warning_text)
            .collect();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .map_err(failed)?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Answer {
            status,
            body,
            warnings,
        })
    }
}

/// The text of a `Warning: 299 - "text"` header.
fn warning_text(header: &str) -> String {
    let text = header.strip_prefix("299 - ").unwrap_or(header);
    serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_owned())
}

/// The API path of `kind`'s objects in `namespace`, as Kubernetes 1.20
/// serves them (CronJob at `batch/v1beta1`: `batch/v1` came in 1.21).
pub fn collection(kind: Kind, namespace: &str) -> String {
    let (group_version, resource) = match kind {
        Kind::Pod => ("api/v1", "pods"),
        Kind::ReplicationController => ("api/v1", "replicationcontrollers"),
        Kind::Deployment => ("apis/apps/v1", "deployments"),
        Kind::ReplicaSet => ("apis/apps/v1", "replicasets"),
        Kind::StatefulSet => ("apis/apps/v1", "statefulsets"),
        Kind::DaemonSet => ("apis/apps/v1", "daemonsets"),
        Kind::Job => ("apis/batch/v1", "jobs"),
        Kind::CronJob => ("apis/batch/v1beta1", "cronjobs"),
        Kind::Rollout => ("apis/argoproj.io/v1alpha1", "rollouts"),
        Kind::KnativeService => ("apis/serving.knative.dev/v1", "services"),
    };
    format!("/{group_version}/namespaces/{namespace}/{resource}")
}

/// The `apiVersion` Kubernetes 1.20 serves `kind` at.
pub fn api_version(kind: Kind) -> String {
    match kind {
        Kind::CronJob => "batch/v1beta1".to_owned(),
        _ => kind.api_version(),
    }
}
