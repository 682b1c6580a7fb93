//! The real Kubewarden `policy-server` on 127.0.0.1, started by a test with
//! one policy per configuration and fed AdmissionReviews over HTTP.
//!
//! Each test binary uses a part of this module.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use policy_host::AdmissionResponse;
use serde_json::{Value, json};

const READY_WITHIN: Duration = Duration::from_secs(120);

/// A policy-server on loopback, stopped (killed and reaped) when dropped,
/// whatever the test did.
pub struct PolicyServer {
    child: Child,
    port: u16,
    readiness_port: u16,
    dir: PathBuf,
    agent: ureq::Agent,
}

impl PolicyServer {
    /// Starts `binary` with one policy per configuration, all on `module`.
    pub fn start(binary: &Path, module: &Path, configurations: &[(String, Value)]) -> PolicyServer {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "policy-server-test-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let policies_file = write_policies(&dir, module, configurations);
        let (port, readiness_port) = (free_port(), free_port());
        let child = spawn(binary, &dir, &policies_file, port, readiness_port);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let mut server = PolicyServer {
            child,
            port,
            readiness_port,
            dir,
            agent,
        };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < READY_WITHIN {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("policy-server exited with {status}:\n{}", self.log());
            }
            if self.is_ready() {
                eprintln!(
                    "policy-server ready on 127.0.0.1:{} after {:.1} s",
                    self.port,
                    started.elapsed().as_secs_f64()
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "policy-server not ready within {READY_WITHIN:?}:\n{}",
            self.log()
        );
    }

    pub fn is_ready(&self) -> bool {
        let url = format!("http://127.0.0.1:{}/readiness", self.readiness_port);
        self.agent
            .get(&url)
            .call()
            .is_ok_and(|r| r.status().is_success())
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("policy-server.log")).unwrap_or_default()
    }

    /// POSTs `body` to `path`; the HTTP status and body, or why there was none.
    pub fn post(&self, path: &str, body: &[u8]) -> Result<(u16, Vec<u8>), String> {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let mut response = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body)
            .map_err(|e| format!("POST {path}: {e}"))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(256 << 20)
            .read_to_vec()
            .map_err(|e| format!("POST {path}: reading the body: {e}"))?;
        Ok((status, body))
    }

    /// The AdmissionResponse of `policy` (at `endpoint`: validate or audit) for `request`.
    pub fn review(
        &self,
        endpoint: &str,
        policy: &str,
        request: &Value,
    ) -> Result<AdmissionResponse, String> {
        let review = json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": request,
        });
        let path = format!("/{endpoint}/{policy}");
        let (status, body) = self.post(&path, review.to_string().as_bytes())?;
        let text = String::from_utf8_lossy(&body);
        if status != 200 {
            return Err(format!("POST {path}: HTTP {status}: {text}"));
        }
        let answer: Value =
            serde_json::from_slice(&body).map_err(|e| format!("POST {path}: {e}: {text}"))?;
        serde_json::from_value(answer["response"].clone())
            .map_err(|e| format!("POST {path}: no AdmissionResponse ({e}): {text}"))
    }
}

impl Drop for PolicyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("policy-server log:\n{}", self.log());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on 127.0.0.1")
}

/// The annotated module the policy server loads (`make annotated-policy.wasm`).
pub fn annotated_module() -> PathBuf {
    let path = std::env::var_os("ANNOTATED_POLICY_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| super::repo_root().join("annotated-policy.wasm"));
    let annotated = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): `make annotated-policy.wasm`",
                path.display()
            )
        });
    let built = std::fs::metadata(super::policy_wasm_path())
        .and_then(|m| m.modified())
        .expect("policy.wasm");
    assert!(
        annotated >= built,
        "{} is older than policy.wasm: `make annotated-policy.wasm`",
        path.display()
    );
    path
}

/// Writes `policies.yml` in `dir`: one policy per configuration, on `module`.
fn write_policies(dir: &Path, module: &Path, configurations: &[(String, Value)]) -> PathBuf {
    let mut policies = serde_json::Map::new();
    for (name, settings) in configurations {
        let mutates = settings.get("mutate") == Some(&Value::Bool(true));
        policies.insert(
            name.clone(),
            json!({
                "module": format!("file://{}", module.display()),
                "allowedToMutate": mutates,
                "settings": settings,
            }),
        );
    }
    // JSON is YAML: policies.yml is written with serde_json.
    let policies_file = dir.join("policies.yml");
    std::fs::write(&policies_file, Value::Object(policies).to_string()).unwrap();
    policies_file
}

/// Starts the policy-server process on loopback, its log in `dir`.
fn spawn(binary: &Path, dir: &Path, policies: &Path, port: u16, readiness_port: u16) -> Child {
    let log = std::fs::File::create(dir.join("policy-server.log")).unwrap();
    Command::new(binary)
        .args([
            "--ignore-kubernetes-connection-failure",
            "--addr",
            "127.0.0.1",
        ])
        .args(["--port", &port.to_string()])
        .args(["--readiness-probe-port", &readiness_port.to_string()])
        .arg("--policies")
        .arg(policies)
        .arg("--policies-download-dir")
        .arg(dir.join("download"))
        .args(["--log-level", "warn", "--log-no-color"])
        .env("RUST_BACKTRACE", "0")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()))
}
