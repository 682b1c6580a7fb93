//! `policy-host run ...`: the one `kwctl run` form `make run` (scripts/demo.sh)
//! uses, for machines without kwctl.

// Smaller pieces in the harness itself (its tests may be long tables).
#![deny(clippy::too_many_lines)]

use std::path::PathBuf;
use std::process::ExitCode;

use policy_host::{PolicyModule, request_from_document};
use serde_json::{Value, json};

const USAGE: &str = "usage:
  policy-host run --request-path FILE [--settings-json JSON] POLICY.wasm";

fn main() -> ExitCode {
    let mut args = lexopt::Parser::from_env();
    let result = match args.next() {
        Ok(Some(lexopt::Arg::Value(command))) => match command.to_str() {
            Some("run") => run(args),
            _ => Err(USAGE.to_owned()),
        },
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

/// An argument error, with the usage.
fn usage(error: impl std::fmt::Display) -> String {
    format!("{error}\n{USAGE}")
}

/// The value of the option just read, as a string.
fn string_value(args: &mut lexopt::Parser) -> Result<String, String> {
    args.value()
        .map_err(usage)?
        .into_string()
        .map_err(|value| format!("{value:?} is not UTF-8"))
}

/// What `policy-host run` was asked to do.
struct RunArgs {
    request_path: String,
    settings: Value,
    policy: PathBuf,
}

/// Reads `run`'s arguments, as kwctl names them.
fn run_args(mut args: lexopt::Parser) -> Result<RunArgs, String> {
    use lexopt::Arg::{Long, Short, Value as Positional};
    let mut request_path = None;
    let mut settings = json!({});
    let mut policy = None;
    while let Some(arg) = args.next().map_err(usage)? {
        match arg {
            Short('r') | Long("request-path") => request_path = Some(string_value(&mut args)?),
            Long("settings-json") => {
                settings = serde_json::from_str(&string_value(&mut args)?)
                    .map_err(|e| format!("--settings-json is not JSON: {e}"))?;
            }
            Positional(value) if policy.is_none() => {
                policy = Some(PathBuf::from(value));
            }
            other => return Err(usage(other.unexpected())),
        }
    }
    if !(settings.is_object() || settings.is_null()) {
        return Err("settings must be an object".to_owned());
    }
    Ok(RunArgs {
        request_path: request_path.ok_or_else(|| format!("--request-path is required\n{USAGE}"))?,
        settings,
        policy: policy.ok_or_else(|| format!("no policy given\n{USAGE}"))?,
    })
}

/// The AdmissionRequest in a request file (`-`: standard input).
fn read_request(request_path: &str) -> Result<Value, String> {
    let text = if request_path == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| e.to_string())?
    } else {
        std::fs::read_to_string(request_path)
            .map_err(|e| format!("cannot read {request_path}: {e}"))?
    };
    let document: Value =
        serde_json::from_str(&text).map_err(|e| format!("{request_path} is not JSON: {e}"))?;
    request_from_document(document)
}

fn run(args: lexopt::Parser) -> Result<(), String> {
    let RunArgs {
        request_path,
        settings,
        policy,
    } = run_args(args)?;
    let request = read_request(&request_path)?;
    let instance = PolicyModule::load(&policy)
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
