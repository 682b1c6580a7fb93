//! Loading the release policy.wasm for tests: built by `make`, never skipped.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::SystemTime;

use policy_host::{Instance, Policy};
use serde_json::Value;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `POLICY_WASM`, or `policy.wasm` at the repository root.
pub fn policy_wasm_path() -> PathBuf {
    std::env::var_os("POLICY_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("policy.wasm"))
}

fn newest_source(dir: &Path, newest: &mut (SystemTime, PathBuf)) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            newest_source(&path, newest);
        } else if let Ok(modified) = entry.metadata().and_then(|m| m.modified())
            && modified > newest.0
        {
            *newest = (modified, path);
        }
    }
}

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let path = policy_wasm_path();
    let built = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): build it with `make policy.wasm`",
                path.display()
            )
        });
    let root = repo_root();
    let mut newest = (SystemTime::UNIX_EPOCH, PathBuf::new());
    newest_source(&root.join("src"), &mut newest);
    for file in ["Cargo.toml", "Cargo.lock"] {
        let modified = std::fs::metadata(root.join(file))
            .unwrap()
            .modified()
            .unwrap();
        if modified > newest.0 {
            newest = (modified, root.join(file));
        }
    }
    assert!(
        built >= newest.0,
        "{} is older than {}: rebuild it with `make policy.wasm`",
        path.display(),
        newest.1.display()
    );
    Policy::load(&path).unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
});

/// A fresh instance of the compiled policy (the module is compiled once per test binary).
pub fn instance() -> Instance {
    POLICY.instantiate().expect("instantiate policy.wasm")
}

pub fn fixture(name: &str) -> Value {
    let path = repo_root().join("test_data").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The files of a directory, in name order.
pub fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
}
