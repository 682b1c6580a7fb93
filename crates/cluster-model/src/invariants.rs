//! What must hold after every step, each a named function. A breach is the
//! invariant's name and what broke it.

use crate::api_server::{Actor, Cluster, Mode, Operation, Outcome, WriteEvent};
use crate::objects::{self, Kind};

pub type Breach = String;

/// Every invariant, in the order they are checked.
pub fn check_all(cluster: &Cluster<'_>) -> Result<(), Breach> {
    patches_and_warnings_in_bounds(cluster)?;
    safety(cluster)?;
    safety_of_changed_entries(cluster)?;
    no_silent_stall(cluster)?;
    the_pair_never_stalls(cluster)?;
    mutate_mode_patches(cluster)?;
    stored_compliance(cluster)?;
    no_surprise_rollout(cluster)?;
    what_runs_keeps_working(cluster)?;
    no_loops(cluster)?;
    controllers_settle(cluster)
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

/// An admitted Pod UPDATE (validate, mutate, pair) stores no entry whose
/// image changed (new to the Pod, or another than the same entry's before,
/// matched by list and name) unless it pulls `Always` or is exempt.
pub fn safety_of_changed_entries(cluster: &Cluster<'_>) -> Result<(), Breach> {
    if !cluster.setup.enforces() {
        return Ok(());
    }
    for event in &cluster.events {
        let (Some(old), Some(new)) = (&event.old_spec, &event.stored_spec) else {
            continue;
        };
        if event.key.kind != Kind::Pod
            || !event.after_install
            || objects::namespace_exempt(&event.key.namespace, cluster.setup.exemptions)
        {
            continue;
        }
        let old = objects::named_entries(old);
        let old_images: Vec<&String> = old.iter().map(|(_, image, _)| image).collect();
        let changed = objects::named_entries(new)
            .into_iter()
            .filter(|(key, image, _)| {
                !old_images.contains(&image) || old.iter().any(|(k, i, _)| k == key && i != image)
            });
        for (key, image, policy) in changed {
            if !objects::entry_complies(&image, &policy, cluster.setup.exemptions) {
                return Err(format!(
                    "{}: {key:?} runs {image} with {policy:?}",
                    breach("safety of changed entries", event)
                ));
            }
        }
    }
    Ok(())
}

/// In the pair and in mutate mode, every object a controller makes is
/// admitted, and every Pod it makes is admitted patched or compliant (but
/// for the injector of the README's known limitation, whose Pods are
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

/// Mutate mode patches: every non-compliant write that mutate mode (alone or
/// first in the pair) admits comes back patched, except the documented
/// cases, which it accepts as they are with a warning: a workload that a
/// controller owns, a Job UPDATE, a Pod UPDATE (its pull policies are
/// immutable), an UPDATE that leaves the template unchanged, and `kubectl
/// debug` (only its new ephemeral container is judged). Mutate mode alone
/// rejects nothing but a Pod UPDATE whose changed entries do not comply.
pub fn mutate_mode_patches(cluster: &Cluster<'_>) -> Result<(), Breach> {
    let setup = cluster.setup;
    if !matches!(setup.mode, Mode::Pair | Mode::Mutate) {
        return Ok(());
    }
    for event in &cluster.events {
        let kind = event.key.kind;
        let update = event.operation == Operation::Update;
        if !event.after_install || objects::namespace_exempt(&event.key.namespace, setup.exemptions)
        {
            continue;
        }
        let pod_update = update && kind == Kind::Pod;
        if setup.mode == Mode::Mutate
            && matches!(event.outcome, Outcome::Rejected(_))
            && !pod_update
        {
            return Err(breach("mutate mode patches: rejected", event));
        }
        let excused = (event.controller_owned && kind != Kind::Pod)
            || (update && (kind == Kind::Job || kind == Kind::Pod || !event.template_changed))
            || event.sub_resource.is_some();
        if event.outcome == Outcome::Admitted && !event.sent_complies && !event.patched && !excused
        {
            return Err(breach("mutate mode patches: admitted unpatched", event));
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
            || !event.after_install
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
