//! Feedback: the policy refuses and patches no more than it must. A
//! compliant write by a person is admitted; warn-only never refuses; exempt
//! namespaces and exempt images are never refused or patched, on UPDATE
//! too; the pair admits everything the validating policy alone admits; and
//! mutate mode patches what it admits, but for the cases it documents.

use super::{Breach, breach, changed_entries};
use crate::api_server::{Actor, Cluster, Mode, Operation, Outcome, WriteEvent};
use crate::objects::{self, Kind};

/// Whether a policy refused the write (not the API server's own validation).
fn refused_by_a_policy(event: &WriteEvent) -> bool {
    matches!(event.outcome, Outcome::Rejected(_))
}

/// Whether every entry a Pod UPDATE judges complies as sent: the changed
/// entries of [`changed_entries`] (for `kubectl debug`, the new ephemeral
/// container).
fn changed_entries_comply(event: &WriteEvent, exemptions: bool) -> bool {
    let (Some(old), Some(sent)) = (&event.old_spec, &event.sent_spec) else {
        return event.sent_complies;
    };
    changed_entries(old, sent)
        .iter()
        .all(|(_, image, policy)| objects::entry_complies(image, policy, exemptions))
}

/// Mutate mode patches: every non-compliant write that mutate mode (alone or
/// first in the pair) admits comes back patched, except the documented
/// cases, which it accepts as they are: a workload that names an owner,
/// a Job UPDATE, an UPDATE that leaves the template unchanged, and a Pod
/// UPDATE (`kubectl debug` too) whose changed entries comply (the others
/// run already). Mutate mode alone rejects nothing but a Pod UPDATE whose
/// changed entries do not comply (its pull policies are immutable).
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
        // Only a Pod UPDATE through the Pod itself cannot be patched.
        let unpatchable = pod_update && event.sub_resource.is_none();
        if setup.mode == Mode::Mutate && refused_by_a_policy(event) && !unpatchable {
            return Err(breach("mutate mode patches: rejected", event));
        }
        let excused = (event.owner_referenced && kind != Kind::Pod)
            || (update && (kind == Kind::Job || !event.template_changed))
            || (pod_update && changed_entries_comply(event, setup.exemptions));
        if event.outcome == Outcome::Admitted && !event.sent_complies && !event.patched && !excused
        {
            return Err(breach("mutate mode patches: admitted unpatched", event));
        }
    }
    Ok(())
}

/// A person's write that complies as sent (or, on a Pod UPDATE, whose
/// changed entries comply) is admitted, whatever the mode. Only the API
/// server's own validation may refuse it.
pub fn compliant_writes_are_admitted(cluster: &Cluster<'_>) -> Result<(), Breach> {
    let exemptions = cluster.setup.exemptions;
    for event in &cluster.events {
        if event.actor != Actor::User || !event.after_install {
            continue;
        }
        let pod_update = event.key.kind == Kind::Pod && event.operation == Operation::Update;
        let complies = match pod_update {
            true => changed_entries_comply(event, exemptions),
            false => event.sent_complies,
        };
        // The known limitation of docs/behaviour.md: a later webhook adds a sidecar
        // that does not comply, and the policy's ways out are unused.
        let injected = event.key.kind == Kind::Pod && cluster.setup.injector_without_way_out();
        if complies && !injected && refused_by_a_policy(event) {
            return Err(breach("compliant writes are admitted", event));
        }
    }
    Ok(())
}

/// Warn-only mode refuses nothing.
pub fn warn_only_never_refuses(cluster: &Cluster<'_>) -> Result<(), Breach> {
    if cluster.setup.mode != Mode::WarnOnly {
        return Ok(());
    }
    match cluster.events.iter().find(|e| refused_by_a_policy(e)) {
        Some(event) => Err(breach("warn-only never refuses", event)),
        None => Ok(()),
    }
}

/// Exempt namespaces are never refused or patched, on UPDATE too; neither is
/// an entry whose image is exempt (trusted, or pinned by digest): its pull
/// policy is stored as it was sent.
pub fn exemptions_are_left_alone(cluster: &Cluster<'_>) -> Result<(), Breach> {
    if !cluster.setup.exemptions {
        return Ok(());
    }
    for event in &cluster.events {
        if !event.after_install {
            continue;
        }
        if objects::namespace_exempt(&event.key.namespace, true)
            && (refused_by_a_policy(event) || event.patched)
        {
            return Err(breach("exemptions are left alone: a namespace", event));
        }
        let (Some(sent), Some(stored)) = (&event.sent_spec, &event.stored_spec) else {
            continue;
        };
        let stored = objects::named_entries(stored);
        for (key, image, policy) in objects::named_entries(sent) {
            let now = stored.iter().find(|(k, _, _)| *k == key);
            if objects::image_exempt(&image) && now.is_some_and(|(_, _, now)| *now != policy) {
                return Err(breach("exemptions are left alone: an image", event));
            }
        }
    }
    Ok(())
}

/// The pair admits every write the validating policy alone admits: its
/// mutating policy only ever helps.
pub fn the_pair_admits_what_validate_admits(cluster: &Cluster<'_>) -> Result<(), Breach> {
    for event in &cluster.events {
        if event.validate_alone == Some(true) && refused_by_a_policy(event) {
            return Err(breach("the pair admits what validate admits", event));
        }
    }
    Ok(())
}
