//! Writing the answer to `validate`: the waPC `ValidationResponse` JSON for
//! each decision (the words are in `message`, the mutated text in `mutation`).

use serde::Serialize;
use serde_json::value::RawValue;

use crate::decision::{Decision, Violation};
use crate::message::{self, Subject};
use crate::mutation::{self, MutationError};
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
}

impl ValidationResponse<'_> {
    fn to_bytes(&self) -> Vec<u8> {
        // Serializing these types cannot fail; the fallback still fails closed.
        serde_json::to_vec(self).unwrap_or_else(|_| {
            br#"{"accepted":false,"message":"internal error: cannot write the response"}"#.to_vec()
        })
    }
}

pub(crate) fn accept() -> Vec<u8> {
    accepted(None, &[])
}

pub(crate) fn reject(message: &str) -> Vec<u8> {
    ValidationResponse {
        accepted: false,
        message: Some(message),
        mutated_object: None,
        warnings: &[],
    }
    .to_bytes()
}

/// The response for a decision on `workload`, read from `object_text`.
pub(crate) fn respond(
    decision: &Decision<'_, '_>,
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    object_text: &str,
) -> Vec<u8> {
    match decision {
        Decision::Accept(_) => accept(),
        Decision::Reject(violations, remedy) => {
            reject(&message::rejection(subject, workload, violations, *remedy))
        }
        Decision::Warn(violations, leniency) => accepted(
            None,
            &message::leniency_warnings(subject, workload, violations, *leniency),
        ),
        Decision::Mutate(violations) => match mutated(object_text, violations) {
            Ok(object) => accepted(
                Some(&object),
                &message::mutation_warnings(subject, workload, violations),
            ),
            Err(error) => reject(&format!("{subject}: {error}")),
        },
    }
}

fn accepted(mutated_object: Option<&RawValue>, warnings: &[String]) -> Vec<u8> {
    ValidationResponse {
        accepted: true,
        message: None,
        mutated_object,
        warnings,
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
