pub mod invariants;
pub mod structured;
