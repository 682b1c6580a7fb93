//! Which modules of a crate import which, read from its sources: a module is
//! `src/NAME.rs` or `src/NAME/mod.rs`, with the files of its folder (its own
//! submodules; files named `tests*` and every `#[cfg(test)]` module left
//! out). A test asserts there is no circle, so a new one fails `make test`
//! with its path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name -> the crate's modules it names (`crate::NAME`).
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The code of a file before its `#[cfg(test)] mod`, which comes last
/// (a single test-only item above it stays), without its comments (a doc
/// link names a module without importing it).
fn without_tests(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let test_module = line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "));
        if test_module {
            break;
        }
        if !line.trim_start().starts_with("//") {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

/// A folder's files, nested folders included, but for its tests.
fn code_under(folder: &Path, code: &mut String) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("tests") {
            continue;
        }
        if path.is_dir() {
            code_under(&path, code);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            code.push_str(&without_tests(&text));
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
            code.push_str(&without_tests(&text));
        }
        code_under(&src.join(module), &mut code);
        let named = code
            .split("crate::")
            .skip(1)
            .flat_map(named_modules)
            .filter(|name| !name.is_empty() && name != module)
            .collect::<BTreeSet<_>>();
        graph.entry(module.to_owned()).or_default().extend(named);
    }
    graph
}

/// The names that follow a `crate::`: one (`crate::a::X`), or each of a
/// group's (`crate::{a, b::X}`; an item of `lib` reads as a name too, and
/// matches no module).
fn named_modules(rest: &str) -> Vec<String> {
    let first = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    match rest.strip_prefix('{') {
        Some(group) => {
            let mut depth = 0_usize;
            let end = group
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => return true,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    false
                })
                .map_or(group.len(), |(at, _)| at);
            let mut names = Vec::new();
            let mut depth = 0_usize;
            let mut start = 0;
            for (at, c) in group[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => {
                        names.push(first(&group[start..at]));
                        start = at + 1;
                    }
                    _ => {}
                }
            }
            names.push(first(&group[start..end]));
            names
        }
        None => vec![first(rest)],
    }
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
