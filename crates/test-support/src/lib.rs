//! Shared by the native tests (`tests/`), the host's tests (`host/tests/`) and
//! the fuzz targets (`fuzz/`).

pub mod files;
pub mod invariants;
pub mod module_graph;
pub mod scenarios;
pub mod structured;
pub mod verdicts;
