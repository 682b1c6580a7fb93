//! The real cluster's modules import one another only downwards (the same
//! check as the core crate's and the model's): waiting and processes below
//! the control plane, the control plane below the cluster that uses it.

#![allow(clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use test_support::module_graph::assert_no_circle;

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = assert_no_circle(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.len() > 8, "the modules of src/: {graph:?}");
    assert!(
        !graph["cluster"].contains("control_plane"),
        "the cluster waits as everything does, not through the control plane"
    );
}
