//! What the host's tests share: the release policy.wasm (built by `make`,
//! never skipped), the fixtures, and the real Kubewarden tools.
//!
//! Each test binary uses a part of this module, so unused-item lints are
//! silenced per item where a binary leaves it unused.

pub mod policy_server;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::SystemTime;

use policy_host::{Instance, PolicyModule};
use serde_json::Value;

#[allow(dead_code)]
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[allow(dead_code)]
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

static POLICY: LazyLock<PolicyModule> = LazyLock::new(|| {
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
    newest_source(&root.join("crates/core/src"), &mut newest);
    for file in ["Cargo.toml", "Cargo.lock", "crates/core/Cargo.toml"] {
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
    PolicyModule::load(&path).unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
});

#[allow(dead_code)]
/// A fresh instance of the compiled policy (the module is compiled once per test binary).
pub fn instance() -> Instance {
    POLICY.instantiate().expect("instantiate policy.wasm")
}

#[allow(dead_code)]
pub fn fixture(name: &str) -> Value {
    let path = repo_root().join("test_data").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A real Kubewarden tool (`kwctl`, `policy-server`) on PATH. Without it the
/// caller skips with a one-line reason, unless `REQUIRE_KUBEWARDEN=1` (CI),
/// where a missing tool fails the test.
#[allow(dead_code)]
pub fn kubewarden_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("REQUIRE_KUBEWARDEN").as_deref() != Ok("1"),
            "REQUIRE_KUBEWARDEN=1 but {name} is not on PATH"
        );
        eprintln!(
            "skipped: {name} is not on PATH (install it, or set REQUIRE_KUBEWARDEN=1 to make this a failure)"
        );
    }
    found
}

/// What kind of answer an AdmissionResponse is, in the words of `verdicts.tsv`.
#[allow(dead_code)]
pub fn verdict_of(response: &policy_host::AdmissionResponse) -> test_support::verdicts::Verdict {
    let warned = response.warnings.as_ref().is_some_and(|w| !w.is_empty());
    test_support::verdicts::Verdict::of(response.allowed, response.patch.is_some(), warned)
}
