//! The crate's modules import one another only downwards: no module imports
//! one that imports it back, directly or through others. Read from the
//! sources (each module's file and folder, without its tests), so a new
//! circle fails `make test` with its path.

// A test may unwrap and index: a panic is a failing test, not a trapped request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::Path;

use test_support::module_graph::{Graph, assert_no_circle, imports};

fn graph() -> Graph {
    imports(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = assert_no_circle(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.len() > 10, "the modules of src/: {graph:?}");
}

#[test]
fn the_vocabulary_and_the_json_views_are_leaves() {
    let graph = graph();
    for leaf in ["vocabulary", "json_view", "image_reference"] {
        assert_eq!(
            graph[leaf],
            BTreeSet::new(),
            "{leaf} imports nothing of the crate"
        );
    }
    assert!(
        !graph["pod_spec"].contains("mutation"),
        "the reader never imports the writer"
    );
    assert!(
        !graph["decision"].contains("request"),
        "the decision sees a view, not the wire type"
    );
}

/// The module table of CONTRIBUTING.md: each row's modules and the modules
/// they import, as written.
fn documented() -> Vec<(BTreeSet<String>, BTreeSet<String>)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../CONTRIBUTING.md"),
    )
    .unwrap();
    let at = text.find("| module | holds | imports |").unwrap();
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    text[at..]
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.split(" | ").collect();
            (names(cells[0]), names(cells[cells.len() - 1]))
        })
        .collect()
}

#[test]
fn the_contributors_module_table_is_the_code() {
    let graph = graph();
    let rows = documented();
    let listed: BTreeSet<String> = rows.iter().flat_map(|(m, _)| m.clone()).collect();
    assert_eq!(
        listed,
        graph.keys().cloned().collect(),
        "CONTRIBUTING.md lists every module of src/"
    );
    let rows_total: usize = rows.iter().map(|(m, _)| m.len()).sum();
    assert_eq!(
        rows_total,
        listed.len(),
        "CONTRIBUTING.md lists each module once"
    );
    for (modules, imports) in rows {
        let actual: BTreeSet<String> = modules
            .iter()
            .flat_map(|m| graph[m].clone())
            .filter(|i| !modules.contains(i))
            .collect();
        assert_eq!(imports, actual, "CONTRIBUTING.md: what {modules:?} import");
    }
}
