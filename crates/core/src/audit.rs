//! The evidence an auditor reads: the audit annotations of every judged
//! request. The policy server passes them on in the AdmissionResponse, and
//! the API server records them in its audit log, each key prefixed with the
//! webhook's name (`clusterwide-always-pull-images.kubewarden.admission/decision`).
//!
//! A small fixed set of keys, each a valid annotation name part, and values
//! of at most [`VALUE_MAX`] bytes whatever the object: a 1,000-container
//! Deployment lists entries until the budget is spent, then counts the rest.
//! DELETE and other subresources get none; a kind the policy does not know
//! gets `unknown-kind`.

use std::fmt::Write as _;

use crate::decision::{Accepted, Decision, Evidence, Exemption, Leniency, Violation};
use crate::pod_spec::ImageEntry;
use crate::pull_policy::EffectivePolicy;
use crate::settings::Rules;
use crate::warnings::{Piece, fit};
use crate::workload::Workload;

/// `accepted`, `rejected`, `mutated` or `warned`.
pub(crate) const DECISION: &str = "decision";
/// Why, in one word (see [`Reason`]).
pub(crate) const REASON: &str = "reason";
/// `validate`, `mutate` or `warn-only`: the policy's mode.
pub(crate) const MODE: &str = "mode";
/// The `exemptNamespaces` entry that matched: `exemptNamespaces[1] "team-*"`.
pub(crate) const EXEMPT_NAMESPACE: &str = "exempt-namespace";
/// Entries not pulling `Always` that a setting exempts, each with the setting:
/// `spec.containers[0] trustedRegistries[0] "ghcr.io/my-org"`.
pub(crate) const EXEMPT_ENTRIES: &str = "exempt-entries";
/// Entries not pulling `Always` that an update left as they were (a Pod's
/// running containers, `kubectl debug`'s other containers): not judged.
pub(crate) const UNCHANGED_ENTRIES: &str = "unchanged-entries";
/// Entries whose pull policy is not `Always` and no setting exempts, with
/// their value: rejected, warned about, or (in mutate mode) set to `Always`.
pub(crate) const NOT_ALWAYS: &str = "not-always";
/// The pull-policy fields a mutation set to `Always`.
pub(crate) const SET_TO_ALWAYS: &str = "set-to-always";
/// A kind the policy does not know: `group/Kind`.
pub(crate) const UNKNOWN_KIND: &str = "unknown-kind";

/// The most one annotation value holds, in bytes. The audit log keeps one
/// entry per request; a bound per value keeps it small for any object.
pub(crate) const VALUE_MAX: usize = 1_024;
/// The most one listed item of a value holds (its quoted values shortened).
const ITEM_MAX: usize = 256;
/// Room kept at the end of a value for `; and 99999 more`.
const MORE_ROOM: usize = 24;

/// Why a judged request got its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    Accepted(Accepted),
    ExemptNamespace,
    /// Entries do not pull `Always` (rejected, warned, or set to `Always`).
    NotAlways,
    /// A kind the policy does not know: accepted unread, with a warning.
    UnknownKind,
    /// A controller owns this template: warned, its Pods are judged.
    ControlledTemplate,
    /// The object cannot be read, or the mutation cannot be written.
    Unreadable,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Accepted(Accepted::MirrorPod) => "mirror-pod",
            Reason::Accepted(Accepted::NoNewImage) => "no-new-image",
            Reason::Accepted(Accepted::TemplateUnchanged) => "template-unchanged",
            Reason::Accepted(Accepted::JobUpdate) => "job-update",
            Reason::Accepted(Accepted::ImmutableSpec) => "immutable-spec",
            Reason::Accepted(Accepted::Compliant) => "compliant",
            Reason::ExemptNamespace => "exempt-namespace",
            Reason::NotAlways => "not-always",
            Reason::UnknownKind => "unknown-kind",
            Reason::ControlledTemplate => "controlled-template",
            Reason::Unreadable => "unreadable",
        }
    }
}

/// The annotations of one response, in a fixed order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Annotations(pub Vec<(&'static str, String)>);

impl Annotations {
    /// `decision`, `reason` and `mode`: what every judged request carries.
    pub(crate) fn new(decision: &str, reason: Reason, rules: &Rules) -> Annotations {
        let mode = match (rules.mutate, rules.warn_only) {
            (true, _) => "mutate",
            (_, true) => "warn-only",
            _ => "validate",
        };
        Annotations(vec![
            (DECISION, decision.to_owned()),
            (REASON, reason.as_str().to_owned()),
            (MODE, mode.to_owned()),
        ])
    }

    /// An accepted request in an exempt namespace, named by its entry.
    pub(crate) fn exempt_namespace(entry: usize, rules: &Rules) -> Annotations {
        let mut annotations = Annotations::new("accepted", Reason::ExemptNamespace, rules);
        if let Some(pattern) = rules.exempt_namespaces.get(entry) {
            let item = fit(
                &[
                    Piece::Fixed(&format!("exemptNamespaces[{entry}] ")),
                    Piece::Quoted(&pattern.text),
                ],
                ITEM_MAX,
            );
            annotations.0.push((EXEMPT_NAMESPACE, item));
        }
        annotations
    }

    /// An accepted request of a kind the policy does not know, naming it.
    pub(crate) fn unknown_kind(group: &str, kind: &str, rules: &Rules) -> Annotations {
        let mut annotations = Annotations::new("accepted", Reason::UnknownKind, rules);
        let item = match group {
            "" => fit(
                &[Piece::Plain(kind), Piece::Fixed(" (core group)")],
                ITEM_MAX,
            ),
            _ => fit(
                &[Piece::Plain(group), Piece::Fixed("/"), Piece::Plain(kind)],
                ITEM_MAX,
            ),
        };
        annotations.0.push((UNKNOWN_KIND, item));
        annotations
    }

    /// The annotations of a decision on `workload`, with its evidence.
    pub(crate) fn of(
        decision: &Decision<'_, '_>,
        evidence: &Evidence<'_, '_>,
        workload: &Workload<'_>,
        rules: &Rules,
    ) -> Annotations {
        let (name, reason, violations): (_, _, &[Violation<'_, '_>]) = match decision {
            Decision::Accept(accepted) => ("accepted", Reason::Accepted(*accepted), &[]),
            Decision::Reject(violations, _) => ("rejected", Reason::NotAlways, violations),
            Decision::Warn(violations, Leniency::WarnOnly(_)) => {
                ("warned", Reason::NotAlways, violations)
            }
            Decision::Warn(violations, Leniency::ControlledTemplate) => {
                ("warned", Reason::ControlledTemplate, violations)
            }
            Decision::Mutate(violations) => ("mutated", Reason::NotAlways, violations),
        };
        let mut annotations = Annotations::new(name, reason, rules);
        annotations.list(EXEMPT_ENTRIES, evidence.exempt.len(), &|n| {
            evidence
                .exempt
                .get(n)
                .map(|(entry, exemption)| exempt_entry(workload, entry, *exemption, rules))
        });
        annotations.list(UNCHANGED_ENTRIES, evidence.unchanged.len(), &|n| {
            let entry = evidence.unchanged.get(n)?;
            Some(workload.entry_path(entry).to_string())
        });
        annotations.list(NOT_ALWAYS, violations.len(), &|n| {
            violations
                .get(n)
                .map(|violation| not_always(workload, violation))
        });
        if let Decision::Mutate(violations) = decision {
            annotations.list(SET_TO_ALWAYS, violations.len(), &|n| {
                let violation = violations.get(n)?;
                Some(workload.policy_path(violation.entry).to_string())
            });
        }
        annotations
    }

    /// The annotations of a request rejected because it cannot be read.
    pub(crate) fn unreadable(rules: &Rules) -> Annotations {
        Annotations::new("rejected", Reason::Unreadable, rules)
    }

    /// `key`: the `count` items, `; `-separated, while they fit
    /// [`VALUE_MAX`]; then how many more there are. Nothing when there are
    /// no items.
    fn list(&mut self, key: &'static str, count: usize, item: &dyn Fn(usize) -> Option<String>) {
        if count == 0 {
            return;
        }
        let mut value = String::new();
        for n in 0..count {
            let text = item(n).unwrap_or_default();
            if value.len() + text.len() + 2 > VALUE_MAX - MORE_ROOM {
                let _ = write!(value, "; and {} more", count - n);
                break;
            }
            if n > 0 {
                value.push_str("; ");
            }
            value.push_str(&text);
        }
        self.0.push((key, value));
    }
}

/// `spec.containers[0] trustedRegistries[0] "ghcr.io/my-org"`.
fn exempt_entry(
    workload: &Workload<'_>,
    entry: &ImageEntry<'_>,
    exemption: Exemption,
    rules: &Rules,
) -> String {
    let path = workload.entry_path(entry).to_string();
    match exemption {
        Exemption::DigestPinned => fit(
            &[Piece::Fixed(&path), Piece::Fixed(" exemptDigestPinned")],
            ITEM_MAX,
        ),
        Exemption::TrustedRegistry(index) => {
            let text = rules
                .trusted_registries
                .get(index)
                .map_or("", |registry| registry.text.as_str());
            let setting = format!("{path} trustedRegistries[{index}] ");
            fit(&[Piece::Fixed(&setting), Piece::Quoted(text)], ITEM_MAX)
        }
    }
}

/// `spec.containers[0].imagePullPolicy "IfNotPresent"`, or `… unset (IfNotPresent)`.
fn not_always(workload: &Workload<'_>, violation: &Violation<'_, '_>) -> String {
    let path = workload.policy_path(violation.entry).to_string();
    let value = match violation.effective {
        EffectivePolicy::Declared(value) => Piece::Quoted(value),
        EffectivePolicy::Defaulted(policy) => Piece::Fixed(policy.unset()),
    };
    fit(&[Piece::Fixed(&path), Piece::Fixed(" "), value], ITEM_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason, listed by hand. The match with no catch-all makes a new
    /// reason fail to compile here, the reminder to list it (and document it).
    fn every_reason() -> Vec<Reason> {
        let all = [
            Reason::Accepted(Accepted::MirrorPod),
            Reason::Accepted(Accepted::NoNewImage),
            Reason::Accepted(Accepted::TemplateUnchanged),
            Reason::Accepted(Accepted::JobUpdate),
            Reason::Accepted(Accepted::ImmutableSpec),
            Reason::Accepted(Accepted::Compliant),
            Reason::ExemptNamespace,
            Reason::NotAlways,
            Reason::UnknownKind,
            Reason::ControlledTemplate,
            Reason::Unreadable,
        ];
        for reason in all {
            match reason {
                Reason::Accepted(
                    Accepted::MirrorPod
                    | Accepted::NoNewImage
                    | Accepted::TemplateUnchanged
                    | Accepted::JobUpdate
                    | Accepted::ImmutableSpec
                    | Accepted::Compliant,
                )
                | Reason::ExemptNamespace
                | Reason::NotAlways
                | Reason::UnknownKind
                | Reason::ControlledTemplate
                | Reason::Unreadable => {}
            }
        }
        all.to_vec()
    }

    /// docs/compliance.md's table of annotations names every key and, in
    /// its `reason` row, every reason.
    #[test]
    fn the_auditors_docs_name_every_key_and_reason() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/compliance.md");
        let docs = std::fs::read_to_string(path).unwrap();
        for key in [
            DECISION,
            REASON,
            MODE,
            EXEMPT_NAMESPACE,
            EXEMPT_ENTRIES,
            UNCHANGED_ENTRIES,
            NOT_ALWAYS,
            SET_TO_ALWAYS,
            UNKNOWN_KIND,
        ] {
            assert!(docs.contains(&format!("\n| `{key}` |")), "key {key}");
        }
        let row = docs
            .lines()
            .find(|line| line.starts_with("| `reason` |"))
            .unwrap();
        for reason in every_reason() {
            let name = reason.as_str();
            assert!(row.contains(&format!("`{name}`")), "reason {name}");
        }
    }

    /// The value `list` writes for `count` items.
    fn listed(count: usize, item: impl Fn(usize) -> String) -> String {
        let mut annotations = Annotations(Vec::new());
        annotations.list("key", count, &|n| Some(item(n)));
        annotations
            .0
            .pop()
            .map(|(_, value)| value)
            .unwrap_or_default()
    }

    #[test]
    fn items_are_listed_with_separators() {
        assert_eq!(listed(2, |n| ["a", "b"][n].to_owned()), "a; b");
        assert_eq!(listed(0, |_| "a".to_owned()), "");
    }

    /// The bound, to the byte: an item that fills the room left is listed,
    /// one byte more is counted instead.
    #[test]
    fn an_item_is_listed_while_it_fits_to_the_byte() {
        let room = VALUE_MAX - MORE_ROOM;
        let second = |len: usize| {
            move |n: usize| {
                if n == 0 {
                    "a".to_owned()
                } else {
                    "b".repeat(len)
                }
            }
        };
        let fits = listed(2, second(room - 3));
        assert_eq!(fits.len(), room, "{fits}");
        assert_eq!(listed(2, second(room - 2)), "a; and 1 more");
    }
}
