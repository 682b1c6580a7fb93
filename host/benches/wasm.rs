//! The wasm benchmark: one `validate` call of the release policy.wasm per
//! scenario, beside the baseline policy (parse the request, read one field) on
//! the same request, in two measures a shared machine cannot blur in the same
//! way:
//!
//! - **Instructions** (valgrind's callgrind): the instructions executed by one
//!   warm `validate` call through this harness's waPC host (the wasmi
//!   interpreter), counted from entering the call to its answer. The same
//!   module, request and harness give the same count on every run, whatever
//!   else the machine does, so a change of 1% shows.
//! - **Time through the real `kwctl bench`** (wasmtime, the runtime of the
//!   policy server), the median of its `validate` benchmark, where kwctl is on
//!   PATH. Repeated runs here differ by up to 40%: read it for the order of
//!   magnitude, and the instructions for changes.
//!
//! `make bench` builds both modules and runs this (`harness = false`). It
//! runs itself under valgrind once per scenario and module; the child is
//! told what to measure by `WASM_BENCH_ONE`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use policy_host::{Instance, PolicyModule};
use serde_json::{Value, json};
use test_support::scenarios::SCENARIOS;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn module_path(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(default))
}

fn payload(fixture: &str, settings: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(root().join("test_data").join(fixture)).unwrap();
    let request: Value = serde_json::from_str(&text).unwrap();
    let settings: Value = serde_json::from_str(settings).unwrap();
    json!({"request": request, "settings": settings})
        .to_string()
        .into_bytes()
}

/// The one call callgrind counts (`--toggle-collect`).
#[inline(never)]
fn measured_validate(instance: &Instance, payload: &[u8]) -> Vec<u8> {
    instance.call("validate", black_box(payload)).unwrap()
}

/// In the child: a warm instance (two calls first: lazy compilation, memory
/// growth), then the measured call.
fn run_one(spec: &str) {
    let (module, scenario) = spec.split_once('\t').unwrap();
    let (_, fixture, settings) = SCENARIOS.iter().find(|s| s.0 == scenario).unwrap();
    let payload = payload(fixture, settings);
    let module = PolicyModule::load(Path::new(module))
        .unwrap_or_else(|e| panic!("{module}: {e} (run `make bench`)"));
    let instance = module.instantiate().unwrap();
    for _ in 0..2 {
        instance.call("validate", &payload).unwrap();
    }
    black_box(measured_validate(&instance, &payload));
}

/// The instructions of one measured call, by callgrind.
fn instructions(module: &Path, scenario: &str) -> u64 {
    let out = std::env::temp_dir().join(format!("callgrind.{}.{scenario}", std::process::id()));
    let status = Command::new("valgrind")
        .args(["--tool=callgrind", "--toggle-collect=*measured_validate*"])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(std::env::current_exe().unwrap())
        .env(
            "WASM_BENCH_ONE",
            format!("{}\t{scenario}", module.display()),
        )
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "valgrind failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals: ")
                .or(line.strip_prefix("summary: "))
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no instruction total in callgrind's output"))
}

/// The median of `kwctl bench`'s `validate` benchmark, in µs.
fn kwctl_median(module: &Path, fixture: &str, settings: &str) -> Option<f64> {
    let output = Command::new("kwctl")
        .args(["bench", "--warm-up-time", "1", "--measurement-time", "2"])
        .arg("--request-path")
        .arg(root().join("test_data").join(fixture))
        .args(["--settings-json", settings])
        .arg(module)
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .skip_while(|l| !strip_ansi(l).starts_with("validate ["))
        .nth(1)?;
    let line = strip_ansi(line);
    let median = line.split("med = ").nth(1)?.split(',').next()?.trim();
    let (number, unit) = median.split_at(median.find(|c: char| c.is_alphabetic() || c == 'µ')?);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "ns" => number / 1000.0,
        "ms" => number * 1000.0,
        _ => number,
    })
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

fn on_path(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn main() {
    if let Ok(spec) = std::env::var("WASM_BENCH_ONE") {
        return run_one(&spec);
    }
    let policy = module_path("POLICY_WASM", "policy.wasm");
    let baseline = module_path(
        "BASELINE_WASM",
        "target/wasm32-wasip1/release/baseline_policy.wasm",
    );
    assert!(
        on_path("valgrind"),
        "valgrind is needed (apt-get install valgrind)"
    );
    let kwctl = on_path("kwctl");
    println!(
        "| scenario | instructions, baseline | instructions, always-pull-images | ratio | kwctl bench, baseline | kwctl bench, always-pull-images | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, fixture, settings) in SCENARIOS {
        let (base, ours) = (instructions(&baseline, name), instructions(&policy, name));
        let times = kwctl
            .then(|| {
                Some((
                    kwctl_median(&baseline, fixture, settings)?,
                    kwctl_median(&policy, fixture, settings)?,
                ))
            })
            .flatten();
        let times = times.map_or("– | – | –".to_owned(), |(b, p)| {
            format!("{b:.1} µs | {p:.1} µs | {:.2}x", p / b)
        });
        println!(
            "| {name} | {base} | {ours} | {:.3}x | {times} |",
            ours as f64 / base as f64
        );
    }
    if !kwctl {
        println!("\n(kwctl is not on PATH: no wall-clock figures for the policy server's runtime)");
    }
}
