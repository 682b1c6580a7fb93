//! The words of every rejection and warning: they name the object, the entry,
//! its field path, its value and the way out.

use std::fmt::Write as _;

use crate::decision::{Leniency, Remedy, Violation};
use crate::pull_policy::{EffectivePolicy, PullPolicy};
use crate::warnings::{Piece, WARNING_MAX, Warnings, fit};
use crate::workload::Workload;

/// How many entries a rejection lists before it summarises the rest.
const LISTED_MAX: usize = 10;
/// The most one listed entry of a rejection holds, in bytes: its values are
/// shortened (never its field path), so that the whole rejection stays
/// within [`REJECTION_MAX`] whatever the input.
const LISTED_ENTRY_MAX: usize = 320;
/// The most a rejection holds, in bytes (so at most as many characters):
/// rejections land in events, audit logs and `kubectl` output.
pub(crate) const REJECTION_MAX: usize = 4_096;

/// Who the object is, for messages: `Deployment default/web`.
pub(crate) struct Subject<'r> {
    pub kind: &'r str,
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

impl<'r> Subject<'r> {
    /// `Deployment default/web: `, with the namespace and name as values a
    /// warning may shorten.
    fn pieces(&self) -> Vec<Piece<'r>> {
        let mut pieces = vec![Piece::Plain(self.kind), Piece::Fixed(" ")];
        match (self.namespace, self.name) {
            ("", Some(name)) => pieces.push(Piece::Plain(name)),
            (namespace, Some(name)) => {
                pieces.extend([
                    Piece::Plain(namespace),
                    Piece::Fixed("/"),
                    Piece::Plain(name),
                ]);
            }
            ("", None) => pieces.push(Piece::Fixed("(unnamed)")),
            (namespace, None) => {
                pieces.extend([
                    Piece::Fixed("(unnamed) in namespace "),
                    Piece::Plain(namespace),
                ]);
            }
        }
        pieces.push(Piece::Fixed(": "));
        pieces
    }
}

/// The rejection: every violation (up to [`LISTED_MAX`]) and the way out.
/// `digest_exemption` says whether `exemptDigestPinned` is still off, so
/// suggesting it could help.
pub(crate) fn rejection(
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    violations: &[Violation<'_, '_>],
    remedy: Remedy,
    digest_exemption: bool,
) -> String {
    let mut pieces = subject.pieces();
    pieces.push(Piece::Fixed("every image must be pulled with imagePullPolicy \"Always\" (always-pull-images, CIS Kubernetes 1.2.11): "));
    let mut message = fit(&pieces, LISTED_ENTRY_MAX);
    for (n, violation) in violations.iter().take(LISTED_MAX).enumerate() {
        if n > 0 {
            message.push_str("; ");
        }
        // The same pieces as a warning's, within their own budget.
        let facts = Facts::of(workload, violation);
        let mut pieces = vec![
            Piece::Fixed(&facts.path),
            Piece::Fixed(" is "),
            facts.value(),
        ];
        pieces.push(Piece::Fixed(" ("));
        facts.label(&mut pieces);
        pieces.push(Piece::Fixed("), must be \"Always\""));
        message.push_str(&fit(&pieces, LISTED_ENTRY_MAX));
    }
    if violations.len() > LISTED_MAX {
        let _ = write!(message, "; and {} more", violations.len() - LISTED_MAX);
    }
    let unparsable = violations.iter().all(|v| v.unparsable.is_some());
    message.push_str(match (remedy, unparsable, digest_exemption) {
        (Remedy::RecreatePod, _, _) => ". A Pod's pull policy cannot change after creation, so this update cannot be fixed in place: recreate the Pod with imagePullPolicy \"Always\", or change the template of the controller that owns it.",
        (Remedy::FixOrExempt, true, _) => ". Correct the image reference and pull it with \"Always\": an image that cannot be parsed is never exempt, only its namespace can be (policy setting exemptNamespaces).",
        (Remedy::FixOrExempt, false, true) => ". Set the pull policy to \"Always\", or ask the cluster operator to exempt the image (policy settings trustedRegistries, exemptDigestPinned) or the namespace (exemptNamespaces).",
        (Remedy::FixOrExempt, false, false) => ". Set the pull policy to \"Always\", or ask the cluster operator to exempt the image (policy setting trustedRegistries) or the namespace (exemptNamespaces).",
    });
    message
}

/// The warning of a kind the policy does not know: it names the kind and
/// the way to have it judged.
pub(crate) fn unknown_kind(subject: &Subject<'_>, group: &str) -> String {
    let mut pieces = subject.pieces();
    pieces.push(Piece::Fixed("always-pull-images does not know "));
    match group {
        "" => pieces.extend([Piece::Plain(subject.kind), Piece::Fixed(" (core group)")]),
        _ => pieces.extend([
            Piece::Plain(group),
            Piece::Fixed("/"),
            Piece::Plain(subject.kind),
        ]),
    }
    pieces.push(Piece::Fixed(" and did not read it: name its pod templates in the customResources setting, or take it out of the policy's rules"));
    fit(&pieces, WARNING_MAX)
}

/// One warning per patched entry:
/// `Pod default/web: spec.containers[0].imagePullPolicy set to "Always" (was "IfNotPresent"; container "app", image "nginx:1.25")`.
pub(crate) fn mutation_warnings(
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    violations: &[Violation<'_, '_>],
) -> Vec<String> {
    warnings(subject, workload, violations, |facts, pieces| {
        pieces.extend([
            Piece::Fixed(" set to \"Always\" (was "),
            facts.was(),
            Piece::Fixed("; "),
        ]);
        facts.label(pieces);
        pieces.push(Piece::Fixed(")"));
    })
    .finish(|more| {
        format!("{more} more entries of this {} set to \"Always\" (not listed: the API server keeps 4 KiB of warnings)", subject.kind)
    })
}

/// One warning per violation of a request accepted unchanged.
pub(crate) fn leniency_warnings(
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    violations: &[Violation<'_, '_>],
    leniency: Leniency,
) -> Vec<String> {
    let tail = match leniency {
        Leniency::WarnOnly(Remedy::FixOrExempt) => {
            "; set it to \"Always\": always-pull-images rejects this when warnOnly is off"
        }
        Leniency::WarnOnly(Remedy::RecreatePod) => {
            "; recreate the Pod with \"Always\": always-pull-images rejects this when warnOnly is off"
        }
        Leniency::ControlledTemplate => {
            "; another object owns it, so accepted as is: its Pods must pull \"Always\""
        }
    };
    warnings(subject, workload, violations, |facts, pieces| {
        pieces.extend([Piece::Fixed(" is "), facts.value()]);
        pieces.push(Piece::Fixed(" ("));
        facts.label(pieces);
        pieces.extend([Piece::Fixed(")"), Piece::Fixed(tail)]);
    })
    .finish(|more| {
        let what = match leniency {
            Leniency::WarnOnly(_) => "would be rejected",
            Leniency::ControlledTemplate => "do not pull \"Always\"",
        };
        format!("{more} more entries of this {} {what} (not listed: the API server keeps 4 KiB of warnings)", subject.kind)
    })
}

/// The warnings of `violations`, each `subject: path` followed by what
/// `describe` adds, within the warnings budget.
fn warnings<'v>(
    subject: &Subject<'_>,
    workload: &Workload<'_>,
    violations: &'v [Violation<'v, '_>],
    describe: impl for<'f> Fn(&'f Facts<'v>, &mut Vec<Piece<'f>>),
) -> Warnings {
    let mut warnings = Warnings::new();
    for violation in violations {
        if !warnings.has_room() {
            warnings.skip();
            continue;
        }
        let facts = Facts::of(workload, violation);
        let mut pieces = subject.pieces();
        pieces.push(Piece::Fixed(&facts.path));
        describe(&facts, &mut pieces);
        warnings.push(&pieces);
    }
    warnings
}

/// What a message says of one violation.
struct Facts<'v> {
    /// `spec.containers[0].imagePullPolicy`.
    path: String,
    effective: EffectivePolicy<'v>,
    /// `container`, `image volume`, ...
    noun: &'static str,
    name: Option<&'v str>,
    image: &'v str,
    /// Why the image cannot be parsed, when it cannot.
    unparsable: Option<String>,
}

impl<'v> Facts<'v> {
    fn of(workload: &Workload<'_>, violation: &'v Violation<'v, '_>) -> Facts<'v> {
        let entry = violation.entry;
        Facts {
            path: workload.policy_path(entry).to_string(),
            effective: violation.effective,
            noun: entry.list.noun(),
            name: entry.name.as_deref(),
            image: &entry.image,
            unparsable: violation
                .unparsable
                .map(|reason| format!(", which cannot be parsed: {reason}")),
        }
    }

    /// `"IfNotPresent"`, or `unset, which defaults to "IfNotPresent"`.
    fn value(&self) -> Piece<'v> {
        match self.effective {
            EffectivePolicy::Declared(value) => Piece::Quoted(value),
            EffectivePolicy::Defaulted(policy) => Piece::Fixed(defaulted(policy).0),
        }
    }

    /// `"IfNotPresent"`, or `unset, defaulting to "IfNotPresent"`.
    fn was(&self) -> Piece<'v> {
        match self.effective {
            EffectivePolicy::Declared(value) => Piece::Quoted(value),
            EffectivePolicy::Defaulted(policy) => Piece::Fixed(defaulted(policy).1),
        }
    }

    /// `container "app", image "nginx:1.25"`.
    fn label<'p>(&'p self, pieces: &mut Vec<Piece<'p>>) {
        pieces.push(Piece::Fixed(self.noun));
        if let Some(name) = self.name {
            pieces.extend([Piece::Fixed(" "), Piece::Quoted(name)]);
        }
        pieces.extend([Piece::Fixed(", image "), Piece::Quoted(self.image)]);
        if let Some(reason) = &self.unparsable {
            pieces.push(Piece::Fixed(reason));
        }
    }
}

/// The words for an unset pull policy: (in "is …", in "was …").
const fn defaulted(policy: PullPolicy) -> (&'static str, &'static str) {
    match policy {
        PullPolicy::Always => (
            "unset, which defaults to \"Always\"",
            "unset, defaulting to \"Always\"",
        ),
        PullPolicy::IfNotPresent => (
            "unset, which defaults to \"IfNotPresent\"",
            "unset, defaulting to \"IfNotPresent\"",
        ),
    }
}
