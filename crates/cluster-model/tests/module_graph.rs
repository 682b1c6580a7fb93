//! The model's modules import one another only downwards (the same check as
//! the core crate's): the API server, the world its controllers write to and
//! the words of a write stay three places, not a loop.

#![allow(clippy::panic)]

use std::path::Path;

use test_support::module_graph::assert_no_circle;

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = assert_no_circle(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.len() > 10, "the modules of src/: {graph:?}");
    assert!(
        !graph["writes"].contains("api_server") && !graph["world"].contains("api_server"),
        "the words of a write and the world stand below the API server"
    );
}
