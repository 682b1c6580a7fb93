//! A real Kubernetes 1.20.2 control plane on 127.0.0.1: etcd,
//! kube-apiserver and kube-controller-manager (the workload controllers
//! and the garbage collector), two Node objects for DaemonSets, and no
//! kubelet or scheduler (Pods stay unscheduled, so the API server deletes
//! them at once; [`crate::cluster`] marks them ready as a kubelet would).
//! Every process is stopped by its pid when the control plane is dropped,
//! and its folder removed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::api::Api;
use crate::pki::Pki;
use crate::process::{Process, free_port, scratch_dir};
use crate::waiting::wait_for;

/// How long the API server and the controllers may take to be ready.
const READY_WITHIN: Duration = Duration::from_secs(90);
/// The nodes a DaemonSet runs a Pod on (the cluster model's).
pub const NODES: [&str; 2] = cluster_model::controllers::NODES;
/// The controllers of kube-controller-manager that the scenarios need.
const CONTROLLERS: &str = "deployment,replicaset,replicationcontroller,statefulset,daemonset,job,cronjob,garbagecollector,namespace";

/// A running control plane.
pub struct ControlPlane {
    pub dir: PathBuf,
    pub pki: Pki,
    pub api: Api,
    /// `https://127.0.0.1:PORT` of the API server.
    pub server: String,
    /// etcd, the API server, the controllers: stopped in reverse order.
    processes: Vec<Process>,
}

impl ControlPlane {
    /// Starts etcd, kube-apiserver and kube-controller-manager from `bin`
    /// (what `scripts/kubernetes-1.20.sh` prints), in a fresh folder.
    pub fn start(bin: &Path) -> Result<ControlPlane, String> {
        let dir = scratch_dir("control-plane")?;
        let pki = Pki::make(&dir)?;
        let etcd = start_etcd(bin, &dir)?;
        let (api_server, server) = start_api_server(bin, &dir, &pki, &etcd.1)?;
        let api = Api::new(&server, &pki.ca_pem()?, &pki.token)?;
        let mut started = (etcd.0, api_server);
        wait_for("the API server ready", READY_WITHIN, || {
            started.0.check_running()?;
            started.1.check_running()?;
            let answer = api.get("/readyz")?;
            Ok(answer.ok().then_some(()))
        })?;
        let kubeconfig = write_kubeconfig(&dir, &server, &pki)?;
        let controller_manager = start_controller_manager(bin, &dir, &kubeconfig)?;
        let plane = ControlPlane {
            dir,
            pki,
            api,
            server,
            processes: vec![started.0, started.1, controller_manager],
        };
        plane.add_nodes()?;
        plane.await_controllers()?;
        Ok(plane)
    }

    /// The processes' names and pids, for the report.
    pub fn pids(&self) -> Vec<(&'static str, u32)> {
        self.processes.iter().map(|p| (p.name, p.pid())).collect()
    }

    /// Whether every process still runs (with the end of the log of one
    /// that does not).
    pub fn check_running(&mut self) -> Result<(), String> {
        self.processes
            .iter_mut()
            .try_for_each(Process::check_running)
    }

    /// Two Nodes, ready, for DaemonSets (no kubelet runs on them).
    fn add_nodes(&self) -> Result<(), String> {
        for node in NODES {
            let body = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": node, "labels": {"kubernetes.io/hostname": node}}});
            let created = self.api.post("/api/v1/nodes", &body)?;
            if !created.ok() {
                return Err(format!("Node {node}: {}", created.message()));
            }
            let status = json!({"status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "lastHeartbeatTime": null}],
                "allocatable": {"pods": "250", "cpu": "8", "memory": "32Gi"},
                "capacity": {"pods": "250", "cpu": "8", "memory": "32Gi"},
            }});
            self.api
                .merge_patch(&format!("/api/v1/nodes/{node}/status"), &status)?;
        }
        Ok(())
    }

    /// The controllers run once a ReplicaSet's status is observed.
    fn await_controllers(&self) -> Result<(), String> {
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "control-plane-probe"}});
        self.api.post("/api/v1/namespaces", &namespace)?;
        let probe = json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "probe"},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"probe": "yes"}},
                     "template": {"metadata": {"labels": {"probe": "yes"}},
                                  "spec": {"containers": [{"name": "c", "image": "probe"}]}}},
        });
        let path = "/apis/apps/v1/namespaces/control-plane-probe/replicasets";
        self.api.post(path, &probe)?;
        wait_for("the controllers running", READY_WITHIN, || {
            let replica_set = self.api.read(&format!("{path}/probe"))?;
            Ok(
                (replica_set.pointer("/status/observedGeneration") == Some(&json!(1)))
                    .then_some(()),
            )
        })?;
        self.api.delete("/api/v1/namespaces/control-plane-probe")?;
        Ok(())
    }
}

impl Drop for ControlPlane {
    fn drop(&mut self) {
        while let Some(process) = self.processes.pop() {
            drop(process);
        }
        if std::env::var_os("KEEP_CONTROL_PLANE_LOGS").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// etcd on two free ports, its data on tmpfs when there is one.
fn start_etcd(bin: &Path, dir: &Path) -> Result<(Process, String), String> {
    let (client, peer) = (free_port()?, free_port()?);
    let client_url = format!("http://127.0.0.1:{client}");
    let peer_url = format!("http://127.0.0.1:{peer}");
    let data = dir.join("etcd");
    let mut command = Command::new(bin.join("etcd"));
    command
        .arg("--name=test")
        .arg(format!("--data-dir={}", data.display()))
        .arg(format!("--listen-client-urls={client_url}"))
        .arg(format!("--advertise-client-urls={client_url}"))
        .arg(format!("--listen-peer-urls={peer_url}"))
        .arg(format!("--initial-advertise-peer-urls={peer_url}"))
        .arg(format!("--initial-cluster=test={peer_url}"))
        .arg("--log-level=warn");
    Ok((Process::start("etcd", command, dir)?, client_url))
}

fn start_api_server(
    bin: &Path,
    dir: &Path,
    pki: &Pki,
    etcd: &str,
) -> Result<(Process, String), String> {
    let port = free_port()?;
    let mut command = Command::new(bin.join("kube-apiserver"));
    command
        .arg(format!("--etcd-servers={etcd}"))
        .args(["--bind-address=127.0.0.1", "--advertise-address=127.0.0.1"])
        .arg(format!("--secure-port={port}"))
        .arg(format!("--tls-cert-file={}", pki.serving_cert.display()))
        .arg(format!(
            "--tls-private-key-file={}",
            pki.serving_key.display()
        ))
        .arg(format!("--token-auth-file={}", pki.tokens.display()))
        .arg("--authorization-mode=AlwaysAllow")
        .arg(format!(
            "--service-account-key-file={}",
            pki.service_account_public.display()
        ))
        .arg(format!(
            "--service-account-signing-key-file={}",
            pki.service_account_key.display()
        ))
        .arg("--service-account-issuer=https://kubernetes.default.svc")
        .arg("--service-cluster-ip-range=10.0.0.0/24")
        // No token controller runs, so Pods need no service account; no
        // node lifecycle controller either, which would lift the not-ready
        // taint that TaintNodesByCondition puts on the (kubelet-less) Nodes.
        .arg("--disable-admission-plugins=ServiceAccount,TaintNodesByCondition")
        .arg(format!("--cert-dir={}", dir.join("certs").display()))
        .arg("--v=0");
    let process = Process::start("kube-apiserver", command, dir)?;
    Ok((process, format!("https://127.0.0.1:{port}")))
}

fn write_kubeconfig(dir: &Path, server: &str, pki: &Pki) -> Result<PathBuf, String> {
    let path = dir.join("kubeconfig");
    let config = json!({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "local", "cluster": {"server": server, "certificate-authority": pki.ca}}],
        "users": [{"name": "admin", "user": {"token": pki.token}}],
        "contexts": [{"name": "local", "context": {"cluster": "local", "user": "admin"}}],
        "current-context": "local",
    });
    // JSON is YAML: kubectl and the controllers read it as it is.
    std::fs::write(&path, config.to_string()).map_err(|e| e.to_string())?;
    Ok(path)
}

fn start_controller_manager(bin: &Path, dir: &Path, kubeconfig: &Path) -> Result<Process, String> {
    let mut command = Command::new(bin.join("kube-controller-manager"));
    command
        .arg(format!("--kubeconfig={}", kubeconfig.display()))
        .args(["--bind-address=127.0.0.1", "--secure-port=0", "--port=0"])
        .arg(format!("--controllers={CONTROLLERS}"))
        .args(["--leader-elect=false", "--v=0"]);
    Process::start("kube-controller-manager", command, dir)
}
