//! The cluster model (crates/cluster-model) played through the real policy-server:
//! the same 300 sequences from the same seed as the native test, each
//! admission request an AdmissionReview over HTTP to the annotated module,
//! under one policy per mode and settings. Without `policy-server` on PATH
//! it plays them in process (with `REQUIRE_KUBEWARDEN=1`, CI, it fails).
//!
//! `make policy-server-tests` runs it; `make sim SECONDS=N` plays fresh seeds
//! for N seconds instead.

mod common;

use std::time::{Duration, Instant};

use cluster_model::backend::{InProcess, PolicyBackend, PolicyId, Review};
use cluster_model::sequences;
use cluster_model::{SEED, Tally};
use common::policy_server::{PolicyServer, annotated_module};
use serde_json::Value;

const SEQUENCES: u32 = 300;

/// The policy server as the model's admission backend.
struct Server<'s>(&'s PolicyServer);

impl PolicyBackend for Server<'_> {
    fn review(&mut self, policy: PolicyId, request: &Value) -> Result<Review, String> {
        let answer = self.0.review("validate", &policy.name(), request)?;
        Ok(Review {
            allowed: answer.allowed,
            message: answer.message().map(str::to_owned),
            patch: answer.decoded_patch(),
            warnings: answer.warnings.clone().unwrap_or_default(),
        })
    }
}

/// The named sequences (an Argo Rollout's ReplicaSets, a
/// ReplicaSet re-created under a Deployment made before the policy, a Pod
/// entry changed to another entry's image, a preempted Job, ...) keep every
/// invariant and what their names promise.
fn play_named(backend: &mut dyn PolicyBackend) {
    for named in sequences::all() {
        named
            .play(backend)
            .unwrap_or_else(|breach| panic!("{}: {breach}", named.name));
    }
}

fn play(backend: &mut dyn PolicyBackend) -> Tally {
    let seconds = std::env::var("SIM_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let outcome = match seconds {
        Some(seconds) => cluster_model::run_for(backend, Duration::from_secs(seconds)),
        None => cluster_model::run(backend, SEQUENCES, SEED),
    };
    outcome.unwrap_or_else(|failure| panic!("{failure}"))
}

#[test]
fn the_cluster_model_keeps_every_invariant_through_the_policy_server() {
    let (tally, through, seconds) = match common::kubewarden_tool("policy-server") {
        Some(binary) => {
            let configurations: Vec<(String, Value)> = PolicyId::all()
                .into_iter()
                .map(|policy| (policy.name(), policy.settings()))
                .collect();
            let server = PolicyServer::start(&binary, &annotated_module(), &configurations);
            play_named(&mut Server(&server));
            let started = Instant::now();
            let tally = play(&mut Server(&server));
            let elapsed = started.elapsed().as_secs_f64();
            if std::env::var_os("SIM_SECONDS").is_none() {
                // The same sequences in process: every answer alike, so every
                // count alike.
                assert_eq!(
                    tally,
                    play(&mut InProcess),
                    "the policy server and the policy in process disagree"
                );
            }
            (tally, "the policy server", elapsed)
        }
        None => {
            let started = Instant::now();
            let tally = play(&mut InProcess);
            (tally, "in process", started.elapsed().as_secs_f64())
        }
    };

    eprintln!(
        "cluster model, {through}, {seconds:.1} s: {} sequences, {} steps, {} writes ({} refused, {} patched), {} admission calls ({:.0} a second)",
        tally.sequences,
        tally.steps,
        tally.writes,
        tally.refused,
        tally.patched,
        tally.admission_calls,
        tally.admission_calls as f64 / seconds
    );
    if std::env::var_os("SIM_SECONDS").is_none() {
        assert!(tally.sequences >= u64::from(SEQUENCES));
    }
}
