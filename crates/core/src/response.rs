//! Writing the answer to `validate`: the waPC `ValidationResponse` JSON for
//! each decision (the words are in `message`, the mutated text in `mutation`).

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::audit::Annotations;
use crate::decision::{Decision, Evidence, Violation};
use crate::message::{self, REJECTION_MAX, Subject};
use crate::mutation::{self, MutationError};
use crate::settings::Rules;
use crate::warnings::truncate;
use crate::workload::Workload;

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
    #[serde(
        skip_serializing_if = "annotations_are_empty",
        serialize_with = "annotations_as_map"
    )]
    audit_annotations: &'a Annotations,
}

fn annotations_are_empty(annotations: &&Annotations) -> bool {
    annotations.0.is_empty()
}

fn annotations_as_map<S: Serializer>(annotations: &&Annotations, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(annotations.0.iter().map(|(key, value)| (key, value)))
}

impl ValidationResponse<'_> {
    fn to_bytes(&self) -> Vec<u8> {
        // Serializing these types cannot fail; the fallback still fails closed.
        serde_json::to_vec(self).unwrap_or_else(|_| {
            br#"{"accepted":false,"message":"internal error: cannot write the response"}"#.to_vec()
        })
    }
}

/// Accepted untouched, with these annotations (none for an ignored request).
pub(crate) fn accept(annotations: &Annotations) -> Vec<u8> {
    accepted(None, &[], annotations)
}

/// Accepted untouched, with these warnings (each within the bounds of
/// `warnings`) and annotations.
pub(crate) fn warn(warnings: &[String], annotations: &Annotations) -> Vec<u8> {
    accepted(None, warnings, annotations)
}

/// Rejected with `message`, cut to [`REJECTION_MAX`] bytes whatever its
/// source (the messages this crate writes fit already; a parser's error
/// quoting a huge value would not).
pub(crate) fn reject(message: &str, annotations: &Annotations) -> Vec<u8> {
    ValidationResponse {
        accepted: false,
        message: Some(truncate(message, REJECTION_MAX)),
        mutated_object: None,
        warnings: &[],
        audit_annotations: annotations,
    }
    .to_bytes()
}

/// The response for a decision on `workload`, read from `object_text`.
pub(crate) fn respond(
    (decision, evidence): (&Decision<'_, '_>, &Evidence<'_, '_>),
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    object_text: &str,
    rules: &Rules,
) -> Vec<u8> {
    let annotations = Annotations::of(decision, evidence, workload, rules);
    match decision {
        Decision::Accept(_) => accept(&annotations),
        Decision::Reject(violations, remedy) => {
            let digest_exemption = !rules.exempt_digest_pinned;
            let message =
                message::rejection(subject, workload, violations, *remedy, digest_exemption);
            reject(&message, &annotations)
        }
        Decision::Warn(violations, leniency) => accepted(
            None,
            &message::leniency_warnings(subject, workload, violations, *leniency),
            &annotations,
        ),
        Decision::Mutate(violations) => match mutated(object_text, violations) {
            Ok(object) => accepted(
                Some(&object),
                &message::mutation_warnings(subject, workload, violations),
                &annotations,
            ),
            Err(error) => reject(
                &format!("{subject}: {error}"),
                &Annotations::unreadable(rules),
            ),
        },
    }
}

fn accepted(
    mutated_object: Option<&RawValue>,
    warnings: &[String],
    annotations: &Annotations,
) -> Vec<u8> {
    ValidationResponse {
        accepted: true,
        message: None,
        mutated_object,
        warnings,
        audit_annotations: annotations,
    }
    .to_bytes()
}

/// The object with the violating entries' pull policies set to `Always`.
fn mutated(
    object_text: &str,
    violations: &[Violation<'_, '_>],
) -> Result<Box<RawValue>, MutationError> {
    mutation::mutated(object_text, violations.iter().map(|v| &v.entry.site))
}

#[cfg(test)]
mod tests;
