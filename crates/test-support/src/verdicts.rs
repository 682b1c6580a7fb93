//! `test_data/verdicts.tsv`: every request fixture and its expected verdict
//! under each named policy configuration. Shared by the native and the host
//! test crates (the host includes this file by path).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// What the policy answers for one fixture under one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed untouched, no warning.
    Accept,
    /// Denied, with a message.
    Reject,
    /// Allowed with a patch of pull policies.
    Patch,
    /// Allowed untouched, with warnings.
    Warn,
}

impl Verdict {
    /// The verdict of an answer: whether it allowed the request, carried a
    /// patch (or mutated object), and carried warnings.
    pub fn of(allowed: bool, patched: bool, warned: bool) -> Verdict {
        match (allowed, patched, warned) {
            (false, _, _) => Verdict::Reject,
            (true, true, _) => Verdict::Patch,
            (true, false, true) => Verdict::Warn,
            (true, false, false) => Verdict::Accept,
        }
    }

    fn parse(word: &str) -> Verdict {
        match word {
            "accept" => Verdict::Accept,
            "reject" => Verdict::Reject,
            "patch" => Verdict::Patch,
            "warn" => Verdict::Warn,
            other => panic!("verdicts.tsv: unknown verdict {other:?}"),
        }
    }
}

/// The whole table.
pub struct Verdicts {
    /// Configuration name and its settings, in column order.
    pub configurations: Vec<(String, Value)>,
    /// Fixture file name and its verdict per configuration.
    pub rows: BTreeMap<String, Vec<Verdict>>,
}

impl Verdicts {
    pub fn load(test_data: &Path) -> Verdicts {
        let path = test_data.join("verdicts.tsv");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut configurations = Vec::new();
        let mut rows = BTreeMap::new();
        for line in text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["settings", name, json] => {
                    let settings = serde_json::from_str(json)
                        .unwrap_or_else(|e| panic!("verdicts.tsv: settings of {name}: {e}"));
                    configurations.push(((*name).to_owned(), settings));
                }
                ["fixture", names @ ..] => {
                    let declared: Vec<&str> =
                        configurations.iter().map(|(n, _)| n.as_str()).collect();
                    assert_eq!(names, declared, "verdicts.tsv: header and settings lines");
                }
                [fixture, verdicts @ ..] => {
                    assert_eq!(verdicts.len(), configurations.len(), "verdicts.tsv: {line}");
                    let verdicts = verdicts.iter().map(|v| Verdict::parse(v)).collect();
                    assert!(
                        rows.insert((*fixture).to_owned(), verdicts).is_none(),
                        "verdicts.tsv: {fixture} twice"
                    );
                }
                [] => unreachable!("empty lines are skipped"),
            }
        }
        Verdicts {
            configurations,
            rows,
        }
    }

    /// The verdicts of one fixture, paired with each configuration's name and settings.
    pub fn of(&self, fixture: &str) -> Vec<(&str, &Value, Verdict)> {
        let verdicts = self
            .rows
            .get(fixture)
            .unwrap_or_else(|| panic!("test_data/verdicts.tsv has no row for {fixture}"));
        self.configurations
            .iter()
            .zip(verdicts)
            .map(|((name, settings), verdict)| (name.as_str(), settings, *verdict))
            .collect()
    }
}
