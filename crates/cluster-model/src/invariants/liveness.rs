//! Liveness: nothing a controller makes from what the policy admitted is
//! refused, nothing runs into a rollout nobody asked for, and controllers
//! stand still.

use super::{Breach, breach};
use crate::api_server::{Actor, Cluster, Mode, Operation, Outcome};
use crate::objects::{self, Kind};

/// In the pair and in mutate mode, every object a controller makes is
/// admitted, and every Pod it makes is admitted patched or compliant (but
/// for the injector of the known limitation of docs/behaviour.md, whose Pods are
/// rejected, or stored with its sidecar, by design).
pub fn the_pair_never_stalls(cluster: &Cluster<'_>) -> Result<(), Breach> {
    let setup = cluster.setup;
    if !matches!(setup.mode, Mode::Pair | Mode::Mutate) {
        return Ok(());
    }
    for event in &cluster.events {
        if !matches!(event.actor, Actor::Controller(_))
            || !event.after_install
            || (setup.injector_without_way_out() && event.key.kind == Kind::Pod)
        {
            continue;
        }
        if event.outcome != Outcome::Admitted {
            return Err(breach("the pair never stalls", event));
        }
        let stored_complies = event
            .stored_spec
            .as_ref()
            .is_none_or(|spec| objects::spec_complies(spec, setup.exemptions));
        if event.key.kind == Kind::Pod
            && event.operation == Operation::Create
            && !stored_complies
            && !objects::namespace_exempt(&event.key.namespace, setup.exemptions)
        {
            return Err(breach(
                "the pair never stalls: a Pod stored non-compliant",
                event,
            ));
        }
    }
    Ok(())
}

/// When a user's write that changed a template is admitted, every object the
/// controllers then make from that template is admitted too. (The injector
/// of the known limitation of docs/behaviour.md, with neither way out, is excluded: its
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

/// ReplicaSets per Deployment (or Rollout) never outnumber the distinct
/// templates it has had.
pub fn no_loops(cluster: &Cluster<'_>) -> Result<(), Breach> {
    let owners = [Kind::Deployment, Kind::Rollout];
    for key in owners.into_iter().flat_map(|kind| cluster.keys_of(kind)) {
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

/// After every step the controllers stand still: none of them fights what
/// admission stored (an operator that re-applies its template would undo a
/// patch of the workload it owns on every reconcile, for ever).
pub fn controllers_settle(cluster: &Cluster<'_>) -> Result<(), Breach> {
    match cluster.settled {
        true => Ok(()),
        false => Err(format!(
            "controllers settle: still writing after the last round; last writes: {:?}",
            cluster
                .events
                .iter()
                .rev()
                .take(2)
                .map(|e| (&e.key, e.operation, e.patched))
                .collect::<Vec<_>>()
        )),
    }
}
