//! The real Kubewarden policy-server on 127.0.0.1, over TLS with the
//! control plane's certificate, as the API server's webhooks call it:
//! stopped, restarted on the same port, or put behind a slow proxy for the
//! fault tests.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::pki::Pki;
use crate::process::scratch_dir;
use crate::process::{Process, free_port};
use crate::waiting::wait_for;

/// How long the policy server may take to load its policies.
const READY_WITHIN: Duration = Duration::from_secs(120);

/// A policy server serving `policies.yml` over TLS.
pub struct PolicyServer {
    binary: PathBuf,
    dir: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    pub port: u16,
    readiness_port: u16,
    process: Option<Process>,
}

impl PolicyServer {
    /// Starts `binary` with `policies` (policy id to entry, as
    /// kubewarden-controller writes `policies.yml`).
    pub fn start(binary: &Path, pki: &Pki, policies: &Value) -> Result<PolicyServer, String> {
        let dir = scratch_dir("policy-server")?;
        // JSON is YAML: kubewarden-controller writes policies.yml as JSON too.
        std::fs::write(dir.join("policies.yml"), policies.to_string())
            .map_err(|e| e.to_string())?;
        let mut server = PolicyServer {
            binary: binary.to_owned(),
            dir,
            cert: pki.serving_cert.clone(),
            key: pki.serving_key.clone(),
            port: free_port()?,
            readiness_port: free_port()?,
            process: None,
        };
        server.restart()?;
        Ok(server)
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// Stops the process (by its pid).
    pub fn stop(&mut self) {
        self.process = None;
    }

    /// Starts it again, on the same port, and waits until it is ready.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop();
        let mut command = Command::new(&self.binary);
        command
            .args([
                "--ignore-kubernetes-connection-failure",
                "--addr",
                "127.0.0.1",
            ])
            .args(["--port", &self.port.to_string()])
            .args(["--readiness-probe-port", &self.readiness_port.to_string()])
            .arg("--cert-file")
            .arg(&self.cert)
            .arg("--key-file")
            .arg(&self.key)
            .arg("--policies")
            .arg(self.dir.join("policies.yml"))
            .arg("--policies-download-dir")
            .arg(self.dir.join("download"))
            .args(["--log-level", "warn", "--log-no-color"]);
        let mut process = Process::start("policy-server", command, &self.dir)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        let url = format!("http://127.0.0.1:{}/readiness", self.readiness_port);
        wait_for("the policy server ready", READY_WITHIN, || {
            process.check_running()?;
            let ready = agent
                .get(&url)
                .call()
                .is_ok_and(|r| r.status().is_success());
            Ok(ready.then_some(()))
        })?;
        self.process = Some(process);
        Ok(())
    }

    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(Process::pid)
    }
}

impl Drop for PolicyServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A TCP proxy on 127.0.0.1 that holds every connection for `delay`
/// before passing it on to `target`: a policy server slower than the
/// webhook's `timeoutSeconds`. Stopped when dropped.
pub struct SlowProxy {
    pub port: u16,
    stopping: Arc<AtomicBool>,
}

impl SlowProxy {
    pub fn start(target: u16, delay: Duration) -> Result<SlowProxy, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopping);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(client) = client {
                    std::thread::spawn(move || relay_later(client, target, delay));
                }
            }
        });
        Ok(SlowProxy { port, stopping })
    }
}

impl Drop for SlowProxy {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::Relaxed);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn relay_later(client: TcpStream, target: u16, delay: Duration) {
    std::thread::sleep(delay);
    let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
        return;
    };
    let (Ok(client_in), Ok(server_in)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let upstream = std::thread::spawn(move || copy(client_in, server));
    copy(server_in, client);
    let _ = upstream.join();
}

fn copy(mut from: TcpStream, mut to: TcpStream) {
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buffer) {
        if n == 0 || to.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
