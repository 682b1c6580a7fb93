//! The policy on a real Kubernetes 1.20.2 control plane: etcd,
//! kube-apiserver and kube-controller-manager (scripts/kubernetes-1.20.sh),
//! the real policy-server over TLS, webhooks derived from examples/*.yaml as
//! kubewarden-controller derives them. `make real-cluster-tests` runs every
//! check below; `make cluster-sim SECONDS=N` plays the cluster model's
//! random scenarios against it for N seconds instead.
//!
//! Without the tools (the control plane, `policy-server` on PATH) it says so
//! in one line and passes, unless `REQUIRE_KUBEWARDEN=1` (CI), where it fails.

mod custom;
mod examples;
mod faults;
mod scenarios;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use real_cluster::stack::{Stack, Tools, existing, model_policies};

fn main() -> ExitCode {
    let tools = match tools() {
        Ok(Some(tools)) => tools,
        Ok(None) => return ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("real-cluster tests: {why}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let stack =
        match model_policies(&tools).and_then(|policies| Stack::start(tools.clone(), policies)) {
            Ok(stack) => stack,
            Err(why) => {
                eprintln!("real-cluster tests: the stack did not start: {why}");
                return ExitCode::FAILURE;
            }
        };
    let pids: Vec<String> = stack
        .plane
        .pids()
        .iter()
        .map(|(name, pid)| format!("{name} {pid}"))
        .collect();
    eprintln!(
        "control plane ready in {:.1} s on {} ({}), policy-server {:?} on port {}",
        started.elapsed().as_secs_f64(),
        stack.plane.server,
        pids.join(", "),
        stack.server.pid(),
        stack.server.port
    );
    let seconds: Option<u64> = std::env::var("SIM_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let checks: Vec<(&str, Check)> = match seconds {
        Some(seconds) => vec![(
            "the model and the real cluster agree on fresh seeds",
            Box::new(move |s| scenarios::fresh_seeds(s, seconds)),
        )],
        None => vec![
            (
                "webhooks from the examples judge as the examples say",
                Box::new(examples::as_written),
            ),
            (
                "custom resources from their projects' CRDs, judged in each mode",
                Box::new(custom::in_each_mode),
            ),
            (
                "every named sequence 1.20 can play, with its promise",
                Box::new(scenarios::named),
            ),
            (
                "the model and the real cluster agree on seeded scenarios",
                Box::new(scenarios::seeded),
            ),
            (
                "a stopped policy server: writes refused, nothing stored",
                Box::new(faults::stopped),
            ),
            (
                "a policy server restarted during a rollout: the rollout completes, patched",
                Box::new(faults::restarted_during_rollout),
            ),
            (
                "a policy server slower than timeoutSeconds: writes refused, nothing stored",
                Box::new(faults::slower_than_the_timeout),
            ),
            (
                "a burst of 200 Pods from a controller: each judged, none refused",
                Box::new(faults::burst),
            ),
        ],
    };
    // `REAL_CLUSTER_ONLY=words`: only the checks whose names contain them.
    let only = std::env::var("REAL_CLUSTER_ONLY").unwrap_or_default();
    let mut failed = 0;
    let mut stack = stack;
    for (name, check) in checks.into_iter().filter(|(name, _)| name.contains(&only)) {
        let started = Instant::now();
        let outcome =
            check(&mut stack).and_then(|summary| stack.plane.check_running().map(|()| summary));
        match outcome {
            Ok(summary) => eprintln!(
                "ok     {name} ({:.1} s): {summary}",
                started.elapsed().as_secs_f64()
            ),
            Err(why) => {
                failed += 1;
                eprintln!(
                    "FAILED {name} ({:.1} s): {why}",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    eprintln!(
        "real cluster: {failed} failed, {:.1} s in all",
        started.elapsed().as_secs_f64()
    );
    drop(stack);
    match failed {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

type Check = Box<dyn Fn(&mut Stack) -> Result<String, String>>;

/// What a write through the webhooks came to, in short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Refused,
    Patched,
    Warned,
    AsWritten,
}

/// The tools, or `None` after saying why the tests are skipped (an error
/// instead under `REQUIRE_KUBEWARDEN=1`).
fn tools() -> Result<Option<Tools>, String> {
    let required = std::env::var("REQUIRE_KUBEWARDEN").as_deref() == Ok("1");
    let kubernetes = std::env::var_os("KUBERNETES_BIN").map(PathBuf::from);
    let policy_server = on_path("policy-server");
    let missing = match (&kubernetes, &policy_server) {
        (None, _) => {
            Some("KUBERNETES_BIN is not set (make real-cluster-tests builds the control plane)")
        }
        (_, None) => Some("policy-server is not on PATH"),
        _ => None,
    };
    if let Some(missing) = missing {
        if required {
            return Err(format!("REQUIRE_KUBEWARDEN=1 but {missing}"));
        }
        eprintln!(
            "skipped: the real-cluster tests need the control plane and the Kubewarden tools: {missing}"
        );
        return Ok(None);
    }
    let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let module = std::env::var_os("ANNOTATED_POLICY_WASM")
        .map_or_else(|| repository.join("annotated-policy.wasm"), PathBuf::from);
    Ok(Some(Tools {
        kubernetes: kubernetes.unwrap_or_default(),
        policy_server: policy_server.unwrap_or_default(),
        module: existing(&module)?,
        repository,
    }))
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}
