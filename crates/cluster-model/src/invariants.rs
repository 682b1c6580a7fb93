//! What must hold after every step, each a named function. A breach is the
//! invariant's name and what broke it.

use crate::api_server::{Actor, Cluster, Mode, Operation, Outcome, WriteEvent};
use crate::objects::{self, Kind};

pub type Breach = String;

/// Every invariant, in the order they are checked.
pub fn check_all(cluster: &Cluster<'_>) -> Result<(), Breach> {
    patches_and_warnings_in_bounds(cluster)?;
    safety(cluster)?;
    no_silent_stall(cluster)?;
    stored_compliance(cluster)?;
    no_surprise_rollout(cluster)?;
    what_runs_keeps_working(cluster)?;
    no_loops(cluster)
}

fn breach(name: &str, event: &WriteEvent) -> Breach {
    let who = match &event.actor {
        Actor::User => "a user".to_owned(),
        Actor::Controller(owner) => format!("the controller of {owner}"),
    };
    format!(
        "{name}: {:?} of {} by {who} (sub-resource {:?}, template changed: {}): {:?}, patched: {}",
        event.operation,
        event.key,
        event.sub_resource,
        event.template_changed,
        event.outcome,
        event.patched
    )
}

/// Patches touch only pull-policy fields and apply; warnings stay within the
/// API server's limits (found while writing).
pub fn patches_and_warnings_in_bounds(cluster: &Cluster<'_>) -> Result<(), Breach> {
    match cluster.faults.first() {
        Some(fault) => Err(format!("patches and warnings in bounds: {fault}")),
        None => Ok(()),
    }
}

/// Every Pod created after the install, outside exempt namespaces, pulls
/// `Always` or is exempt (validate, mutate, pair).
pub fn safety(cluster: &Cluster<'_>) -> Result<(), Breach> {
    let setup = cluster.setup;
    if !setup.enforces() {
        return Ok(());
    }
    for key in &cluster.created_after_install {
        let Some(pod) = cluster.get(key) else {
            continue;
        };
        if objects::namespace_exempt(&key.namespace, setup.exemptions) {
            continue;
        }
        if !objects::spec_complies(&pod["spec"], setup.exemptions) {
            return Err(format!(
                "safety: {key} runs {:?}",
                objects::entries(&pod["spec"])
            ));
        }
    }
    Ok(())
}

/// When a user's write that changed a template is admitted, every object the
/// controllers then make from that template is admitted too. (The injector
/// of the README's known limitation, with neither way out, is excluded: its
/// Pods are rejected by design.)
pub fn no_silent_stall(cluster: &Cluster<'_>) -> Result<(), Breach> {
    for event in &cluster.events {
        let stalls = matches!(event.actor, Actor::Controller(_))
            && event.from_vouched_template
            && event.outcome != Outcome::Admitted;
        let by_design = cluster.setup.injector_without_way_out() && event.key.kind == Kind::Pod;
        if stalls && !by_design {
            return Err(breach("no silent stall", event));
        }
    }
    Ok(())
}

/// After an admitted template change, the stored template complies
/// (validate, mutate, pair). Not for a Pod UPDATE (only its new images are
/// judged) nor a Job UPDATE (its template is immutable but for a suspended
/// Job's scheduling directives; its Pods are judged).
pub fn stored_compliance(cluster: &Cluster<'_>) -> Result<(), Breach> {
    if cluster.setup.mode == Mode::WarnOnly {
        return Ok(());
    }
    for event in &cluster.events {
        let judged_whole = event.operation == Operation::Create
            || !matches!(event.key.kind, Kind::Pod | Kind::Job);
        let Some(spec) = &event.stored_spec else {
            continue;
        };
        if event.actor != Actor::User
            || !event.template_changed
            || !judged_whole
            || objects::namespace_exempt(&event.key.namespace, cluster.setup.exemptions)
        {
            continue;
        }
        if event.key.kind == Kind::Pod && cluster.setup.injector_without_way_out() {
            continue;
        }
        if !objects::spec_complies(spec, cluster.setup.exemptions) {
            return Err(breach("stored compliance", event));
        }
    }
    Ok(())
}

/// No admitted UPDATE that left the template unchanged was patched.
pub fn no_surprise_rollout(cluster: &Cluster<'_>) -> Result<(), Breach> {
    for event in &cluster.events {
        if event.operation == Operation::Update && !event.template_changed && event.patched {
            return Err(breach("no surprise rollout", event));
        }
    }
    Ok(())
}

/// Every UPDATE that leaves the template unchanged is admitted.
pub fn what_runs_keeps_working(cluster: &Cluster<'_>) -> Result<(), Breach> {
    for event in &cluster.events {
        if event.operation == Operation::Update
            && !event.template_changed
            && event.outcome != Outcome::Admitted
        {
            return Err(breach("what runs keeps working", event));
        }
    }
    Ok(())
}

/// ReplicaSets per Deployment never outnumber the distinct templates the
/// Deployment has had.
pub fn no_loops(cluster: &Cluster<'_>) -> Result<(), Breach> {
    for key in cluster.keys_of(Kind::Deployment) {
        let Some(deployment) = cluster.get(&key) else {
            continue;
        };
        let replica_sets = cluster.owned_by(Kind::ReplicaSet, deployment).len();
        let templates = cluster.template_history.get(&key).map_or(0, |t| t.len());
        if replica_sets > templates {
            return Err(format!(
                "no loops: {key} has {replica_sets} ReplicaSets for {templates} templates"
            ));
        }
    }
    Ok(())
}
