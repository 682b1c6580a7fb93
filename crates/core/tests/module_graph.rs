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

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The code of a file before its `#[cfg(test)]` module, which comes last.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// Every module of `src/` and the modules of this crate it names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap().flatten() {
        let path = entry.path();
        let Some(module) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "rs") || module == "lib" {
            continue;
        }
        let mut code = without_tests(&std::fs::read_to_string(&path).unwrap()).to_owned();
        // A module's folder holds its tests (excluded) and its own submodules.
        if let Ok(folder) = std::fs::read_dir(src.join(module)) {
            for file in folder.flatten().map(|e| e.path()) {
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                if file.is_file() && !name.starts_with("tests") {
                    code.push_str(without_tests(&std::fs::read_to_string(&file).unwrap()));
                }
            }
        }
        let named = code
            .split("crate::")
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|name| !name.is_empty() && name != module)
            .collect();
        graph.insert(module.to_owned(), named);
    }
    graph
}

/// A path of imports from `from` back to `from`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == from {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push([path.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = imports();
    assert!(graph.len() > 10, "the modules of src/: {graph:?}");
    for module in graph.keys() {
        if let Some(path) = circle(&graph, module) {
            panic!("a circle of imports: {}", path.join(" -> "));
        }
    }
}

#[test]
fn the_vocabulary_and_the_json_views_are_leaves() {
    let graph = imports();
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
