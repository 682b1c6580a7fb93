use super::*;
use crate::audit::Annotations;
use crate::decision::{Accepted, Remedy};
use crate::message::Subject;
use crate::pod_spec::ImageEntry;
use crate::pull_policy::EffectivePolicy;
use crate::vocabulary::{EditSite, EntryList, WorkloadKind};
use std::borrow::Cow;

fn workload(count: usize) -> Workload<'static> {
    Workload {
        location: WorkloadKind::Deployment.pod_spec_location(),
        places: Vec::new(),
        name: None,
        mirror: false,
        owner: None,
        template: None,
        templates: Vec::new(),
        entries: (0..count)
            .map(|index| ImageEntry {
                list: EntryList::Containers,
                index,
                name: Some(Cow::Owned(format!("c{index}"))),
                image: Cow::Borrowed("nginx:1.25"),
                pull_policy: Some(Cow::Borrowed("IfNotPresent")),
                site: EditSite::new(None, None, "imagePullPolicy"),
                place: 0,
                whole_place: false,
                defaults_by_tag: true,
            })
            .collect(),
    }
}

fn violations<'w>(workload: &'w Workload<'static>) -> Vec<Violation<'w, 'static>> {
    workload
        .entries
        .iter()
        .map(|entry| Violation {
            entry,
            effective: EffectivePolicy::Declared("IfNotPresent"),
            unparsable: None,
        })
        .collect()
}

const SUBJECT: Subject<'static> = Subject {
    kind: "Deployment",
    namespace: "shop",
    name: Some("api"),
};

fn decode(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

/// The response to `decision` under the default settings, without evidence.
fn respond_to(decision: &Decision<'_, '_>, workload: &Workload<'_>, text: &str) -> Vec<u8> {
    let rules = crate::settings::Settings::default().rules().unwrap();
    respond(
        (decision, &Evidence::default()),
        &SUBJECT,
        workload,
        text,
        &rules,
    )
}

#[test]
fn accept_is_minimal() {
    assert_eq!(
        decode(&accept(&Annotations::default())),
        serde_json::json!({"accepted": true})
    );
}

#[test]
fn a_rejection_lists_entries_and_says_what_to_do() {
    let workload = workload(2);
    let decision = Decision::Reject(violations(&workload), Remedy::FixOrExempt);
    let response = decode(&respond_to(&decision, &workload, "{}"));
    assert_eq!(response["accepted"], false);
    assert_eq!(
        response["message"],
        "Deployment shop/api: every image must be pulled with imagePullPolicy \"Always\" (always-pull-images, CIS Kubernetes 1.2.11): \
         spec.template.spec.containers[0].imagePullPolicy is \"IfNotPresent\" (container \"c0\", image \"nginx:1.25\"), must be \"Always\"; \
         spec.template.spec.containers[1].imagePullPolicy is \"IfNotPresent\" (container \"c1\", image \"nginx:1.25\"), must be \"Always\". \
         Set the pull policy to \"Always\", or ask the cluster operator to exempt the image (policy settings trustedRegistries, exemptDigestPinned) or the namespace (exemptNamespaces)."
    );
}

/// The message rejecting a Deployment of `containers` non-compliant entries.
fn rejection_of(containers: usize) -> String {
    let workload = workload(containers);
    let decision = Decision::Reject(violations(&workload), Remedy::FixOrExempt);
    decode(&respond_to(&decision, &workload, "{}"))["message"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Ten entries are all listed, with nothing to count after them.
#[test]
fn ten_rejected_entries_are_listed_without_a_count() {
    let message = rejection_of(10);
    assert!(
        message.contains("containers[9].imagePullPolicy"),
        "{message}"
    );
    assert!(!message.contains("more"), "{message}");
}

#[test]
fn long_rejections_are_summarised() {
    let message = rejection_of(10_000);
    assert!(message.contains("containers[9].imagePullPolicy"));
    assert!(!message.contains("containers[10].imagePullPolicy"));
    assert!(message.contains("; and 9990 more."), "{message}");
}

#[test]
fn subjects_without_namespace_or_name_still_read_well() {
    let named = |namespace, name| {
        Subject {
            kind: "Pod",
            namespace,
            name,
        }
        .to_string()
    };
    assert_eq!(named("", Some("p")), "Pod p");
    assert_eq!(named("ns", None), "Pod (unnamed) in namespace ns");
    assert_eq!(named("", None), "Pod (unnamed)");
}

#[test]
fn a_broken_mutation_fails_closed() {
    // The violation's edit site points nowhere: a bug, answered with a rejection.
    let workload = workload(1);
    let decision = Decision::Mutate(violations(&workload));
    let response = decode(&respond_to(&decision, &workload, r#"{"a":1}"#));
    assert_eq!(response["accepted"], false);
    assert!(
        response["message"]
            .as_str()
            .unwrap()
            .contains("internal error")
    );
}

#[test]
fn accepted_decisions_carry_only_their_evidence() {
    let workload = workload(1);
    let decision = Decision::Accept(Accepted::NoNewImage);
    let response = decode(&respond_to(&decision, &workload, "{}"));
    assert_eq!(
        response,
        serde_json::json!({"accepted": true, "audit_annotations": {
            "decision": "accepted", "reason": "no-new-image", "mode": "validate"}})
    );
}
