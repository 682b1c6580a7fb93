//! Waiting for the cluster: a condition polled until it holds or its time
//! passes. Every part of the stack and the tests wait the same way.

use std::time::{Duration, Instant};

/// Where a condition is awaited: polls `check` until it gives a value or
/// `within` passes; the error names what was awaited and the last reason.
pub fn wait_for<T>(
    what: &str,
    within: Duration,
    mut check: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < within {
        match check() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(reason) => last = reason,
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{what}: not within {within:?} ({last})"))
}
