//! What must hold after every step, each a named function. A breach is the
//! invariant's name and what broke it.
//!
//! - [`safety`]: what runs and what is stored complies; patches and
//!   warnings stay within bounds;
//! - [`liveness`]: what the policy admitted never stalls a controller, never
//!   rolls out by surprise, and controllers settle;
//! - [`feedback`]: the policy refuses and patches no more than it must:
//!   compliant writes, warn-only, exemptions, the pair against validate alone.

mod feedback;
mod liveness;
mod safety;

use serde_json::Value;

use crate::api_server::{Actor, Cluster, WriteEvent};
use crate::objects;

pub use feedback::{
    compliant_writes_are_admitted, exemptions_are_left_alone, mutate_mode_patches,
    the_pair_admits_what_validate_admits, warn_only_never_refuses,
};
pub use liveness::{
    controllers_settle, no_loops, no_silent_stall, no_surprise_rollout, the_pair_never_stalls,
    what_runs_keeps_working,
};
pub use safety::{
    patches_and_warnings_in_bounds, safety, safety_of_changed_entries, stored_compliance,
};

pub type Breach = String;

/// Every invariant, in the order they are checked.
pub fn check_all(cluster: &Cluster<'_>) -> Result<(), Breach> {
    patches_and_warnings_in_bounds(cluster)?;
    safety(cluster)?;
    safety_of_changed_entries(cluster)?;
    stored_compliance(cluster)?;
    no_silent_stall(cluster)?;
    the_pair_never_stalls(cluster)?;
    mutate_mode_patches(cluster)?;
    no_surprise_rollout(cluster)?;
    what_runs_keeps_working(cluster)?;
    no_loops(cluster)?;
    controllers_settle(cluster)?;
    compliant_writes_are_admitted(cluster)?;
    warn_only_never_refuses(cluster)?;
    exemptions_are_left_alone(cluster)?;
    the_pair_admits_what_validate_admits(cluster)
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

/// An entry, as ((list, name), image, pull policy).
type NamedEntry = ((String, String), String, String);

/// The entries of the pod spec `new` that a Pod UPDATE changed from `old`:
/// an entry new to the Pod (by list and name: `kubectl debug`'s ephemeral
/// container), or whose image is new to the Pod, or another than the same
/// entry's image before.
fn changed_entries(old: &Value, new: &Value) -> Vec<NamedEntry> {
    let old = objects::named_entries(old);
    let old_images: Vec<&String> = old.iter().map(|(_, image, _)| image).collect();
    objects::named_entries(new)
        .into_iter()
        .filter(|(key, image, _)| {
            !old_images.contains(&image)
                || old.iter().all(|(k, _, _)| k != key)
                || old.iter().any(|(k, i, _)| k == key && i != image)
        })
        .collect()
}
