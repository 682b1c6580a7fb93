//! Writing the answer to `validate`: the waPC `ValidationResponse` JSON, with
//! messages that name the object, the entry, its field path and the way out.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::decision::{Decision, Remedy, Violation};
use crate::mutation::{self, EditSite, MutationError};
use crate::pull_policy::{EffectivePolicy, PullPolicy};
use crate::workload::Workload;

/// How many entries a message lists before it summarises the rest.
const LISTED_MAX: usize = 10;

/// The guest's answer, as the Kubewarden policy server reads it.
#[derive(Serialize)]
struct ValidationResponse<'a> {
    accepted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mutated_object: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

impl ValidationResponse<'_> {
    fn to_bytes(&self) -> Vec<u8> {
        // Serializing these types cannot fail; the fallback still fails closed.
        serde_json::to_vec(self).unwrap_or_else(|_| {
            br#"{"accepted":false,"message":"internal error: cannot write the response"}"#.to_vec()
        })
    }
}

pub fn accept() -> Vec<u8> {
    ValidationResponse {
        accepted: true,
        message: None,
        mutated_object: None,
        warnings: &[],
    }
    .to_bytes()
}

pub fn reject(message: &str) -> Vec<u8> {
    ValidationResponse {
        accepted: false,
        message: Some(message),
        mutated_object: None,
        warnings: &[],
    }
    .to_bytes()
}

/// Who the object is, for messages: `Deployment default/web`.
pub struct Subject<'r> {
    pub kind: &'static str,
    pub namespace: &'r str,
    pub name: Option<&'r str>,
}

impl std::fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.namespace, self.name) {
            ("", Some(name)) => write!(f, "{} {name}", self.kind),
            (namespace, Some(name)) => write!(f, "{} {namespace}/{name}", self.kind),
            ("", None) => write!(f, "{} (unnamed)", self.kind),
            (namespace, None) => write!(f, "{} (unnamed) in namespace {namespace}", self.kind),
        }
    }
}

/// The response for a decision on `workload`, read from `object_text` with
/// these edit sites.
pub fn respond(
    decision: &Decision<'_, '_>,
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    object_text: &str,
    edit_sites: &[EditSite<'_>],
) -> Vec<u8> {
    match decision {
        Decision::Accept(_) => accept(),
        Decision::Reject(violations, remedy) => {
            reject(&rejection(subject, workload, violations, *remedy))
        }
        Decision::Warn(violations) => {
            let warnings: Vec<String> = violations
                .iter()
                .map(|v| {
                    format!(
                        "{subject}: {}; ReplicaSets are not mutated (their Deployment would replace them in a loop), their Pods get imagePullPolicy \"Always\" when they are created",
                        describe(workload, v)
                    )
                })
                .collect();
            ValidationResponse {
                accepted: true,
                message: None,
                mutated_object: None,
                warnings: &warnings,
            }
            .to_bytes()
        }
        Decision::Mutate(violations) => match mutated(object_text, edit_sites, violations) {
            Ok(object) => {
                let warnings: Vec<String> = violations
                    .iter()
                    .map(|v| format!("{subject}: {}", change(workload, v)))
                    .collect();
                ValidationResponse {
                    accepted: true,
                    message: None,
                    mutated_object: Some(&object),
                    warnings: &warnings,
                }
                .to_bytes()
            }
            Err(error) => reject(&format!("{subject}: {error}")),
        },
    }
}

/// The object with the violating entries' pull policies set to `Always`.
fn mutated(
    object_text: &str,
    edit_sites: &[EditSite<'_>],
    violations: &[Violation<'_, '_>],
) -> Result<Box<RawValue>, MutationError> {
    let sites = violations
        .iter()
        .map(|v| edit_sites.get(v.position).ok_or(MutationError::OutsideText))
        .collect::<Result<Vec<&EditSite<'_>>, MutationError>>()?;
    mutation::mutated(object_text, sites)
}

fn rejection(
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    violations: &[Violation<'_, '_>],
    remedy: Remedy,
) -> String {
    let mut message = format!(
        "{subject}: every image must be pulled with imagePullPolicy \"Always\" (always-pull-images, CIS Kubernetes 1.2.11): "
    );
    for (n, violation) in violations.iter().take(LISTED_MAX).enumerate() {
        if n > 0 {
            message.push_str("; ");
        }
        let _ = write!(
            message,
            "{}, must be \"Always\"",
            describe(workload, violation)
        );
    }
    if violations.len() > LISTED_MAX {
        let _ = write!(message, "; and {} more", violations.len() - LISTED_MAX);
    }
    message.push_str(match remedy {
        Remedy::FixOrExempt => ". Set the pull policy to \"Always\", or ask the cluster operator to exempt the image (policy settings trustedRegistries, exemptDigestPinned) or the namespace (exemptNamespaces).",
        Remedy::RecreatePod => ". A Pod's pull policy cannot change after creation, so this update cannot be fixed in place: recreate the Pod with imagePullPolicy \"Always\", or change the template of the controller that owns it.",
    });
    message
}

/// `spec.containers[0].imagePullPolicy is "IfNotPresent" (container "app", image "nginx:1.25")`
fn describe(workload: &Workload<'_>, violation: &Violation<'_, '_>) -> String {
    let entry = violation.entry;
    let value = match violation.effective {
        EffectivePolicy::Declared(value) => format!("is {value:?}"),
        EffectivePolicy::Defaulted(policy) => {
            format!("is unset, which defaults to {:?}", policy.as_str())
        }
    };
    format!(
        "{} {value} ({})",
        workload.policy_path(entry),
        entry_label(violation)
    )
}

/// `spec.containers[0].imagePullPolicy set to "Always" (was "IfNotPresent"; container "app", image "nginx:1.25")`
fn change(workload: &Workload<'_>, violation: &Violation<'_, '_>) -> String {
    let was = match violation.effective {
        EffectivePolicy::Declared(value) => format!("{value:?}"),
        EffectivePolicy::Defaulted(policy) => format!("unset, defaulting to {:?}", policy.as_str()),
    };
    format!(
        "{} set to {:?} (was {was}; {})",
        workload.policy_path(violation.entry),
        PullPolicy::Always.as_str(),
        entry_label(violation)
    )
}

fn entry_label(violation: &Violation<'_, '_>) -> String {
    let entry = violation.entry;
    match &entry.name {
        Some(name) => format!("{} {name:?}, image {:?}", entry.list.noun(), entry.image),
        None => format!("{}, image {:?}", entry.list.noun(), entry.image),
    }
}

#[cfg(test)]
mod tests;
