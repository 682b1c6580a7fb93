//! `make control-plane-up`: a real Kubernetes 1.20.2 control plane on
//! 127.0.0.1 (etcd, kube-apiserver, kube-controller-manager), the real
//! policy-server over TLS, and the webhooks of one example
//! (`EXAMPLE=mutate-and-validate.yaml` by default), installed as
//! kubewarden-controller installs them. It prints how to reach it with
//! kubectl and runs until Enter (or Ctrl-C); then every process it started
//! is stopped by its pid and its folder removed.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use real_cluster::stack::{Stack, Tools, existing};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("control-plane: {why}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let env = |name: &str| {
        std::env::var_os(name).map(PathBuf::from).ok_or(format!(
            "{name} is not set (run it with make control-plane-up)"
        ))
    };
    let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tools = Tools {
        kubernetes: env("KUBERNETES_BIN")?,
        policy_server: env("POLICY_SERVER")?,
        module: existing(&env("ANNOTATED_POLICY_WASM")?)?,
        repository,
    };
    let example =
        std::env::var("EXAMPLE").unwrap_or_else(|_| "mutate-and-validate.yaml".to_owned());
    let policies = tools.example(&example)?;
    let names: Vec<String> = policies.iter().map(|p| p.unique_name()).collect();
    let stack = Stack::start(tools, policies)?;
    let kubectl = stack.tools.kubernetes.join("kubectl");
    let kubeconfig = stack.plane.dir.join("kubeconfig");
    println!(
        "A Kubernetes 1.20.2 control plane at {}, with examples/{example} ({}).",
        stack.plane.server,
        names.join(", ")
    );
    for (name, pid) in stack.plane.pids() {
        println!("  {name}: pid {pid}");
    }
    println!(
        "  policy-server: pid {:?}, port {}",
        stack.server.pid(),
        stack.server.port
    );
    println!("No kubelet or scheduler runs: Pods are judged and stored, never started.\n");
    println!("  export KUBECONFIG={}", kubeconfig.display());
    println!(
        "  {} create deployment web --image=nginx:1.25",
        kubectl.display()
    );
    println!(
        "  {} get deployment web -o jsonpath='{{.spec.template.spec.containers[0].imagePullPolicy}}'\n",
        kubectl.display()
    );
    println!("Press Enter to stop it.");
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    drop(stack);
    println!("Stopped.");
    Ok(())
}
