//! Safety: what runs and what is stored complies, and what the policy
//! writes (patches, warnings) stays within bounds.

use super::{Breach, breach, changed_entries};
use crate::api_server::{Actor, Cluster, Mode, Operation};
use crate::objects::{self, Kind};

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

/// An admitted Pod UPDATE (validate, mutate, pair; `kubectl debug` too)
/// stores no changed entry ([`changed_entries`]) unless it pulls `Always`
/// or is exempt.
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
        for (key, image, policy) in changed_entries(old, new) {
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

/// After a person's admitted template change, the stored template complies
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
        // A person's workload that names an owner is accepted as written
        // (its Pods are judged): what a forged reference buys.
        let named_owner = event.owner_referenced && event.key.kind != Kind::Pod;
        if event.actor != Actor::User
            || named_owner
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
