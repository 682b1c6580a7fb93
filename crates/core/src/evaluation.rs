//! One `validate` call, end to end: read the payload once, decide, respond.

use crate::audit::{Annotations, Reason};
use crate::decision::{self, Accepted, Ignored, Kind, Operation, Scope, Target};
use crate::message::{self, Subject};
use crate::read_error::ReadError;
use crate::request::{AdmissionRequest, ValidationPayload};
use crate::response;
use crate::settings::Rules;
use crate::vocabulary::WorkloadKind;
use crate::workload::{self, Workload};

/// The `validate` answer for a raw waPC payload. Every input yields a response:
/// what cannot be read is rejected with the reason, never a trap.
pub(crate) fn validate(payload: &[u8]) -> Vec<u8> {
    let none = Annotations::default();
    let ValidationPayload { request, settings } = match ValidationPayload::parse(payload) {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = format!(
                "always-pull-images cannot read the admission request, so it rejects it: {error}"
            );
            return response::reject(&message, &none);
        }
    };
    let mut rules = match settings.unwrap_or_default().rules() {
        Ok(rules) => rules,
        Err(error) => {
            let message = format!("always-pull-images settings are not valid: {error}");
            return response::reject(&message, &none);
        }
    };
    let view = request.view();
    if WorkloadKind::from_group_kind(view.group, view.kind).is_none() {
        rules.learn(view.group, view.kind);
    }
    match decision::scope(&view, &rules) {
        Scope::Judge(target) => judge(target, &request, &rules),
        // Recorded without reading the object.
        Scope::Skip(Ignored::ExemptNamespace(entry)) => {
            response::accept(&Annotations::exempt_namespace(entry, &rules))
        }
        Scope::Skip(Ignored::UnknownKind) => {
            let subject = Subject {
                kind: view.kind,
                namespace: view.namespace,
                name: Some(request.name.as_ref()).filter(|name| !name.is_empty()),
            };
            let warning = message::unknown_kind(&subject, view.group);
            let annotations = Annotations::unknown_kind(view.group, view.kind, &rules);
            response::warn(&[warning], &annotations)
        }
        // Other operations and subresources: no evidence to record.
        Scope::Skip(_) => response::accept(&none),
    }
}

/// The answer to a request the policy judges.
fn judge(target: Target<'_>, request: &AdmissionRequest<'_>, rules: &Rules) -> Vec<u8> {
    let mut subject = Subject {
        kind: target.kind.name(),
        namespace: &request.namespace,
        name: Some(request.name.as_ref()).filter(|name| !name.is_empty()),
    };
    let unreadable = |subject: &Subject<'_>, error: &ReadError| {
        let message =
            format!("{subject} cannot be checked, so always-pull-images rejects it: {error}");
        response::reject(&message, &Annotations::unreadable(rules))
    };
    let Some(object_text) = request.object.map(|raw| raw.get()) else {
        return unreadable(&subject, &ReadError::NoObject);
    };
    let old_text = request.old_object.map(|raw| raw.get());
    let (object, old_object) = match read(target, object_text, old_text) {
        Read::Settled(accepted) => {
            let annotations = Annotations::new("accepted", Reason::Accepted(accepted), rules);
            return response::accept(&annotations);
        }
        Read::Object(Ok(read)) => read,
        Read::Object(Err(error)) => return unreadable(&subject, &error),
    };
    if subject.name.is_none() {
        subject.name = object.name.as_deref();
    }
    let (decision, evidence) =
        decision::decide_with_evidence(target, &object, old_object.as_ref(), rules);
    response::respond(
        (&decision, &evidence),
        &subject,
        &object,
        object_text,
        rules,
    )
}

/// What reading a request's objects came to (a value on the stack, once per
/// request: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum Read<'a> {
    /// A workload UPDATE settled by its pod templates alone.
    Settled(Accepted),
    /// The object and the old object the decision needs (an old Pod, for its
    /// images), or why the object cannot be read.
    Object(Result<(Workload<'a>, Option<Workload<'a>>), ReadError>),
}

/// Reads as little as the decision needs. A workload UPDATE reads both
/// objects as far as their pod templates first: an unchanged template (or a
/// Job's) settles it without reading an entry. An old object that cannot be
/// read is treated as absent: the request is then judged as a CREATE, the
/// stricter reading.
fn read<'a>(target: Target<'_>, text: &'a str, old_text: Option<&'a str>) -> Read<'a> {
    let old_text = old_text.filter(|_| target.operation == Operation::Update);
    let kind = match target.kind {
        Kind::Workload(kind) => kind,
        // A custom resource is read whole, its old object too: its places
        // are compared on an UPDATE.
        Kind::Custom(resource) => {
            let old = old_text.and_then(|old| workload::read_custom(resource, old).ok());
            return Read::Object(workload::read_custom(resource, text).map(|object| (object, old)));
        }
    };
    if target.updates_workload() {
        let head = match workload::read_head(kind, text) {
            Ok(head) => head,
            Err(error) => return Read::Object(Err(error)),
        };
        let old_head = old_text.and_then(|old| workload::read_head(kind, old).ok());
        let template = workload::template(&head);
        let old_template = old_head.as_ref().map(workload::template);
        if let Some(accepted) =
            decision::settled_by_template(target, Some(&template), old_template.as_ref())
        {
            return Read::Settled(accepted);
        }
        // The template changed: the old object has nothing more to say.
        return Read::Object(workload::read_rest(kind, head).map(|object| (object, None)));
    }
    let old = old_text.and_then(|old| workload::read(kind, old).ok());
    Read::Object(workload::read(kind, text).map(|object| (object, old)))
}
