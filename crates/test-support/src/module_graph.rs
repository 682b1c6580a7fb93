//! Which modules of a crate import which, read from its sources: a module is
//! `src/NAME.rs` or `src/NAME/mod.rs`, with the files of its folder (its own
//! submodules; files named `tests*` and every `#[cfg(test)]` module left
//! out). A test asserts there is no circle, so a new one fails `make test`
//! with its path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name -> the crate's modules it names (`crate::NAME`).
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The code of a file before its `#[cfg(test)]` module, which comes last.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// A folder's files, nested folders included, but for its tests.
fn code_under(folder: &Path, code: &mut String) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            code_under(&path, code);
        } else if path.extension().is_some_and(|e| e == "rs") && !name.starts_with("tests") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            code.push_str(without_tests(&text));
        }
    }
}

/// Every top-level module of `src` and the modules of the crate it names.
pub fn imports(src: &Path) -> Graph {
    let mut graph = Graph::new();
    let entries = std::fs::read_dir(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    for path in entries.flatten().map(|e| e.path()) {
        let is_source = path.extension().is_some_and(|e| e == "rs");
        if !is_source && !path.join("mod.rs").is_file() {
            continue;
        }
        let Some(module) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if module == "lib" || module == "main" {
            continue;
        }
        let mut code = String::new();
        if is_source {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            code.push_str(without_tests(&text));
        }
        code_under(&src.join(module), &mut code);
        let named = code
            .split("crate::")
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|name| !name.is_empty() && name != module)
            .collect::<BTreeSet<_>>();
        graph.entry(module.to_owned()).or_default().extend(named);
    }
    graph
}

/// A path of imports from `from` back to `from`, if there is one.
pub fn circle(graph: &Graph, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last()?;
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

/// Fails with the first circle of imports among the modules of `src`.
pub fn assert_no_circle(src: &Path) -> Graph {
    let graph = imports(src);
    for module in graph.keys() {
        if let Some(path) = circle(&graph, module) {
            panic!(
                "a circle of imports in {}: {}",
                src.display(),
                path.join(" -> ")
            );
        }
    }
    graph
}
