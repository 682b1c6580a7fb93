//! The annotated module in the real Kubewarden `policy-server`, fed
//! AdmissionReviews over HTTP on 127.0.0.1, as the API server feeds it:
//!
//! - every request fixture under every configuration of `test_data/verdicts.tsv`
//!   (one policy each), on `/validate/<id>` and `/audit/<id>`, and this
//!   project's host must answer exactly as the policy server does;
//! - the malformed corpus: every payload gets an answer and the server stays up;
//! - 32 concurrent clients for a few seconds: no errors, and every patch,
//!   applied to the request object, gives an object the validating policy accepts.
//!
//! `make policy-server-tests` runs it. Without `policy-server` on PATH it skips
//! with a reason; with `REQUIRE_KUBEWARDEN=1` (CI) that is a failure.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::policy_server::{PolicyServer, annotated_module};
use policy_host::AdmissionResponse;
use serde_json::{Value, json};
use test_support::verdicts::{Verdict, Verdicts};

const CLIENTS: usize = 32;
const LOAD_DURATION: Duration = Duration::from_secs(4);

/// `request` with its object replaced by the object the response's patch makes.
fn patched_request(request: &Value, response: &AdmissionResponse) -> Result<Value, String> {
    let patch = response
        .decoded_patch()
        .ok_or("the patch is not base64 JSON")?;
    let patch: json_patch::Patch = serde_json::from_value(patch).map_err(|e| e.to_string())?;
    let mut request = request.clone();
    json_patch::patch(&mut request["object"], &patch).map_err(|e| e.to_string())?;
    Ok(request)
}

fn request_fixtures() -> Vec<(String, Value)> {
    test_support::files::files_in(&common::repo_root().join("test_data"))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

#[test]
fn the_real_policy_server_serves_the_annotated_module() {
    let Some(binary) = common::kubewarden_tool("policy-server") else {
        return;
    };
    let table = Verdicts::load(&common::repo_root().join("test_data"));
    let server = PolicyServer::start(&binary, &annotated_module(), &table.configurations);
    let host = common::instance();
    let fixtures = request_fixtures();

    let mut failures = Vec::new();
    for (fixture, request) in &fixtures {
        for (policy, settings, expected) in table.of(fixture) {
            let case = format!("{fixture} under {policy}");
            let answer = match server.review("validate", policy, request) {
                Ok(answer) => answer,
                Err(error) => {
                    failures.push(format!("{case}: {error}"));
                    continue;
                }
            };
            if common::verdict_of(&answer) != expected {
                failures.push(format!("{case}: expected {expected:?}, got {answer:?}"));
            }
            // What the API server keeps of admission warnings.
            let warnings = answer.warnings.as_deref().unwrap_or_default();
            let total: usize = warnings.iter().map(String::len).sum();
            if warnings.iter().any(|w| w.len() > 256) || total >= 4096 {
                failures.push(format!("{case}: warnings too long: {warnings:?}"));
            }
            // This project's host must say exactly what the policy server says.
            let from_host = host.evaluate(request, settings);
            if from_host != answer {
                failures.push(format!(
                    "{case}: the host and policy-server differ\n  host:          {from_host:?}\n  policy-server: {answer:?}"
                ));
            }
            // The audit endpoint reports the same answer (for a mutating
            // policy that is "allowed", which is why only validating
            // policies should audit).
            match server.review("audit", policy, request) {
                Ok(audit) if audit.allowed == answer.allowed => {}
                Ok(audit) => failures.push(format!("{case}: audit says {audit:?}")),
                Err(error) => failures.push(format!("{case}: audit: {error}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture answers are wrong:\n{}",
        failures.len(),
        fixtures.len() * table.configurations.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} fixtures x {} policies answered as expected, host and policy-server agree",
        fixtures.len(),
        table.configurations.len()
    );

    malformed_payloads_get_an_answer(&server);
    concurrent_clients(&server, &table, &fixtures);
}

/// Audit reports what the policy answers: a mutating policy allows (and would
/// patch) a non-compliant object, so its audit result is a pass.
#[test]
fn audit_of_a_mutating_policy_reports_a_pass() {
    let Some(binary) = common::kubewarden_tool("policy-server") else {
        return;
    };
    let configurations = [
        ("validate".to_owned(), json!({})),
        ("mutate".to_owned(), json!({"mutate": true})),
    ];
    let server = PolicyServer::start(&binary, &annotated_module(), &configurations);
    let request = common::fixture("deployment_create.json");
    let validate = server.review("audit", "validate", &request).unwrap();
    let mutate = server.review("audit", "mutate", &request).unwrap();
    assert!(!validate.allowed, "{validate:?}");
    assert!(mutate.allowed, "{mutate:?}");
}

/// Each payload of the malformed corpus, as an AdmissionReview when it holds a
/// request object and as the raw body otherwise: every one gets an HTTP answer
/// (the policy's, or the server's own 4xx for what is no AdmissionReview), and
/// the server still answers normally afterwards.
fn malformed_payloads_get_an_answer(server: &PolicyServer) {
    let dir = common::repo_root().join("test_data/malformed");
    let mut statuses = std::collections::BTreeMap::new();
    for path in test_support::files::files_in(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let payload = std::fs::read(&path).unwrap();
        let body = match serde_json::from_slice::<Value>(&payload) {
            Ok(Value::Object(mut payload)) => json!({
                "apiVersion": "admission.k8s.io/v1",
                "kind": "AdmissionReview",
                "request": payload.remove("request"),
            })
            .to_string()
            .into_bytes(),
            _ => payload,
        };
        for policy in ["validate", "mutate"] {
            match server.post(&format!("/validate/{policy}"), &body) {
                Ok((status, _)) => *statuses.entry(status).or_insert(0) += 1,
                Err(error) => panic!("{name} to {policy}: no answer: {error}\n{}", server.log()),
            }
        }
    }
    assert!(server.is_ready(), "the server went down:\n{}", server.log());
    let compliant = common::fixture("pod_create_compliant.json");
    assert!(
        server
            .review("validate", "validate", &compliant)
            .unwrap()
            .allowed
    );
    eprintln!("malformed corpus answered, by HTTP status: {statuses:?}; the server stayed up");
}

/// `CLIENTS` threads send fixtures to every policy for `LOAD_DURATION`. Each
/// answer must be the expected one, and each patch must give an object that
/// the validating policy accepts.
fn concurrent_clients(server: &PolicyServer, table: &Verdicts, fixtures: &[(String, Value)]) {
    let cases: Vec<(&str, &Value, &str, Verdict)> = fixtures
        .iter()
        .flat_map(|(fixture, request)| {
            table
                .of(fixture)
                .into_iter()
                .map(move |(policy, _, verdict)| (fixture.as_str(), request, policy, verdict))
        })
        .collect();
    let sent = AtomicUsize::new(0);
    let errors = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let (cases, sent, errors) = (&cases, &sent, &errors);
            scope.spawn(move || {
                let mut next = client;
                while started.elapsed() < LOAD_DURATION {
                    let (fixture, request, policy, expected) = cases[next % cases.len()];
                    next += CLIENTS;
                    let outcome = server
                        .review("validate", policy, request)
                        .and_then(|answer| {
                            sent.fetch_add(1, Ordering::Relaxed);
                            if common::verdict_of(&answer) != expected {
                                return Err(format!("expected {expected:?}, got {answer:?}"));
                            }
                            if expected != Verdict::Patch {
                                return Ok(());
                            }
                            let patched = patched_request(request, &answer)?;
                            let recheck = server.review("validate", "validate", &patched)?;
                            sent.fetch_add(1, Ordering::Relaxed);
                            match recheck.allowed {
                                true => Ok(()),
                                false => {
                                    Err(format!("the patched object is rejected: {recheck:?}"))
                                }
                            }
                        });
                    if let Err(error) = outcome {
                        errors
                            .lock()
                            .unwrap()
                            .push(format!("{fixture} under {policy}: {error}"));
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap();
    let sent = sent.into_inner();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{CLIENTS} concurrent clients: {sent} requests in {seconds:.1} s ({:.0}/s), {} errors",
        sent as f64 / seconds,
        errors.len()
    );
    assert!(sent > 0);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
