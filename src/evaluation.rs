//! One `validate` call, end to end: read the payload once, decide, respond.

use crate::decision::{self, Operation};
use crate::message::Subject;
use crate::read_error::ReadError;
use crate::request::ValidationPayload;
use crate::response;
use crate::workload;

/// The `validate` answer for a raw waPC payload. Every input yields a response:
/// what cannot be read is rejected with the reason, never a trap.
pub fn validate(payload: &[u8]) -> Vec<u8> {
    let ValidationPayload { request, settings } = match ValidationPayload::parse(payload) {
        Ok(parsed) => parsed,
        Err(error) => {
            return response::reject(&format!(
                "always-pull-images cannot read the admission request, so it rejects it: {error}"
            ));
        }
    };
    let rules = match settings.unwrap_or_default().rules() {
        Ok(rules) => rules,
        Err(error) => {
            return response::reject(&format!(
                "always-pull-images settings are not valid: {error}"
            ));
        }
    };
    let target = match decision::scope(&request, &rules) {
        Ok(target) => target,
        Err(_ignored) => return response::accept(),
    };

    let mut subject = Subject {
        kind: target.kind.name(),
        namespace: &request.namespace,
        name: Some(request.name.as_ref()).filter(|name| !name.is_empty()),
    };
    let Some(object_text) = request.object.map(|raw| raw.get()) else {
        return response::reject(&unreadable(&subject, &ReadError::NoObject));
    };
    let (object, edit_sites) = match workload::read(target.kind, object_text) {
        Ok(read) => read,
        Err(error) => return response::reject(&unreadable(&subject, &error)),
    };
    if subject.name.is_none() {
        subject.name = object.name.as_deref();
    }
    // An old object that cannot be read is treated as absent: the request is
    // then judged as a CREATE, the stricter reading.
    let old_object = match (target.operation, request.old_object) {
        (Operation::Update, Some(old)) => workload::read(target.kind, old.get())
            .ok()
            .map(|(old, _)| old),
        _ => None,
    };
    let decision = decision::decide(target, &object, old_object.as_ref(), &rules);
    response::respond(&decision, &subject, &object, object_text, &edit_sites)
}

fn unreadable(subject: &Subject<'_>, error: &ReadError) -> String {
    format!("{subject} cannot be checked, so always-pull-images rejects it: {error}")
}
