//! `policy-host run ...`: a drop-in for the subset of `kwctl run` that
//! `e2e.bats` and `scripts/demo.sh` use, for machines without kwctl.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use policy_host::{Policy, request_from_document};
use serde_json::{Value, json};

const USAGE: &str = "usage:
  policy-host run --request-path FILE [--settings-json JSON | --settings-path FILE] POLICY.wasm
  policy-host scaffold-artifacthub [--created-at RFC3339]   (reads metadata.yml, questions-ui.yml)
  policy-host bench-report [CRITERION_DIR]                    (after `make bench`)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("scaffold-artifacthub") => scaffold_artifacthub(&args[1..]),
        Some("bench-report") => bench_report(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `file://` URIs and plain paths, as kwctl maps them.
fn policy_path(uri: &str) -> Result<PathBuf, String> {
    match uri.split_once("://") {
        Some(("file", path)) => Ok(PathBuf::from(path)),
        Some((scheme, _)) => Err(format!(
            "{scheme}:// policies need kwctl (pull them with `kwctl pull`); this host runs local files"
        )),
        None => Ok(PathBuf::from(uri)),
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut request_path = None;
    let mut settings = json!({});
    let mut policy = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "-r" | "--request-path" => request_path = Some(value()?),
            "--settings-json" => {
                settings = serde_json::from_str(&value()?)
                    .map_err(|e| format!("--settings-json is not JSON: {e}"))?;
            }
            "-s" | "--settings-path" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                settings =
                    serde_yaml::from_str(&text).map_err(|e| format!("{path} is not YAML: {e}"))?;
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown option {other}\n{USAGE}"));
            }
            other => policy = Some(other.to_owned()),
        }
    }
    if !(settings.is_object() || settings.is_null()) {
        return Err("settings must be an object".to_owned());
    }
    let request_path =
        request_path.ok_or_else(|| format!("--request-path is required\n{USAGE}"))?;
    let policy = policy_path(&policy.ok_or_else(|| format!("no policy given\n{USAGE}"))?)?;
    let text = if request_path == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| e.to_string())?
    } else {
        std::fs::read_to_string(&request_path)
            .map_err(|e| format!("cannot read {request_path}: {e}"))?
    };
    let document: Value =
        serde_json::from_str(&text).map_err(|e| format!("{request_path} is not JSON: {e}"))?;
    let request = request_from_document(document)?;

    let instance = Policy::load(&policy)
        .and_then(|p| p.instantiate())
        .map_err(|e| e.to_string())?;
    let verdict = instance
        .validate_settings(&settings)
        .map_err(|e| format!("Error invoking settings validation callback: {e}"))?;
    if !verdict.valid {
        return Err(format!(
            "Provided settings are not valid: {}",
            verdict.message.unwrap_or_default()
        ));
    }
    let response = instance.evaluate(&request, &settings);
    println!(
        "{}",
        serde_json::to_string(&response).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Prints artifacthub-pkg.yml as `kwctl scaffold artifacthub` would.
fn scaffold_artifacthub(args: &[String]) -> Result<(), String> {
    let created_at = match args {
        [] => now_rfc3339(),
        [flag, value] if flag == "--created-at" => value.clone(),
        _ => return Err(USAGE.to_owned()),
    };
    let read =
        |path: &str| std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"));
    let package = policy_host::artifacthub::scaffold(
        &read("metadata.yml")?,
        &read("questions-ui.yml")?,
        &created_at,
    )?;
    print!("{package}");
    Ok(())
}

/// The current UTC time as RFC 3339, from the system clock alone.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// The median (ns) of one criterion benchmark, from its estimates file.
fn median_ns(dir: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join("new/estimates.json")).ok()?;
    let estimates: Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Prints the wasm benchmark medians as ratios to the baseline policy.
fn bench_report(args: &[String]) -> Result<(), String> {
    let dir = PathBuf::from(args.first().map_or("target/criterion", String::as_str));
    let mut groups: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e} (run `make bench` first)", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("wasm_"))
        })
        .collect();
    groups.sort();
    let micros = |ns: f64| format!("{:.1} µs", ns / 1000.0);
    println!(
        "| scenario | baseline (parse + read one field) | always-pull-images | ratio | native `validate` |"
    );
    println!("|---|---:|---:|---:|---:|");
    let mut per_scenario = std::collections::BTreeMap::new();
    for group in &groups {
        let name = group
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .trim_start_matches("wasm_")
            .to_owned();
        let (Some(policy), Some(baseline)) = (
            median_ns(&group.join("policy")),
            median_ns(&group.join("baseline")),
        ) else {
            continue;
        };
        let native =
            median_ns(&dir.join("native_validate").join(&name)).map_or("–".to_owned(), micros);
        println!(
            "| {name} | {} | {} | {:.2}x | {native} |",
            micros(baseline),
            micros(policy),
            policy / baseline
        );
        per_scenario.insert(name, policy);
    }
    if let (Some(one), Some(hundred)) = (
        per_scenario.get("pod_1_container"),
        per_scenario.get("pod_100_containers"),
    ) {
        println!(
            "\nCost per extra container (wasm, (100 containers - 1 container) / 99): {:.2} µs",
            (hundred - one) / 99.0 / 1000.0
        );
    }
    Ok(())
}
