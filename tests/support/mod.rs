#![allow(dead_code)]

pub mod files;
pub mod invariants;
pub mod structured;
pub mod verdicts;
