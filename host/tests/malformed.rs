//! The malformed-request corpus replayed through policy.wasm: no input traps
//! the module; each gets the answer its name says. Reports the slowest one
//! (a figure, not an assertion: timings live in benchmarks).

mod common;

use std::time::{Duration, Instant};

#[test]
fn malformed_payloads_never_trap_the_wasm() {
    let dir = common::repo_root().join("test_data/malformed");
    let paths = test_support::files::files_in(&dir);
    let instance = common::instance();
    let mut slowest = (Duration::ZERO, String::new());
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let payload = std::fs::read(&path).unwrap();
        let started = Instant::now();
        let answer = instance
            .call("validate", &payload)
            .unwrap_or_else(|e| panic!("{name} trapped: {e}"));
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (took, name.clone());
        }
        let response: policy_host::GuestResponse = serde_json::from_slice(&answer)
            .unwrap_or_else(|e| panic!("{name}: unreadable answer: {e}"));
        assert_eq!(
            response.accepted,
            name.starts_with("accept-"),
            "{name}: {:?}",
            response.message
        );
        test_support::invariants::assert_warnings_survive_the_api_server(
            response.warnings.as_deref().unwrap_or_default(),
        );
        if !response.accepted {
            assert!(
                response.message.is_some_and(|m| !m.is_empty()),
                "{name}: a rejection explains itself"
            );
        }
    }
    // The same instance still answers normally after all of that.
    let ok = instance.evaluate(
        &common::fixture("pod_create_compliant.json"),
        &serde_json::json!({}),
    );
    assert!(ok.allowed);
    eprintln!(
        "slowest malformed payload through the wasm: {} in {:.1} ms",
        slowest.1,
        slowest.0.as_secs_f64() * 1e3
    );
}
