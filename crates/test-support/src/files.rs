//! Listing test inputs. Shared by the native and the host test crates (the
//! host includes this file by path).

use std::path::{Path, PathBuf};

/// The files of a directory, in name order; a missing directory fails the test.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{} holds no files", dir.display());
    paths
}
