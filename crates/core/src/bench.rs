//! The parts of one `validate` call, callable alone for the native benchmarks
//! (the `bench` feature; never in policy.wasm).

use crate::decision::{self, Kind, Operation, Target};
use crate::settings::Settings;
use crate::vocabulary::WorkloadKind;
use crate::workload;

/// Reads a Deployment's or a Pod's JSON text as a CREATE does; whether it read.
pub fn read(kind: &str, object: &str) -> bool {
    let kind = match kind {
        "Pod" => WorkloadKind::Pod,
        _ => WorkloadKind::Deployment,
    };
    workload::read(kind, object).is_ok()
}

/// Reads a Deployment CREATE's object once, and returns the decision on it
/// under the default settings as a function to call again and again.
pub fn decide_deployment(object: &str) -> Option<impl Fn() -> bool + '_> {
    let target = Target {
        kind: Kind::Workload(WorkloadKind::Deployment),
        operation: Operation::Create,
        ephemeral_containers: false,
    };
    let deployment = workload::read(WorkloadKind::Deployment, object).ok()?;
    let rules = Settings::default().rules().ok()?;
    Some(move || {
        let decision = decision::decide(target, &deployment, None, &rules);
        matches!(
            std::hint::black_box(decision),
            decision::Decision::Accept(_)
        )
    })
}
