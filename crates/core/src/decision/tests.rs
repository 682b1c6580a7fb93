use super::*;
use crate::manifest::Owner;
use crate::pod_template::PodTemplate;
use crate::request::AdmissionRequest;
use crate::settings::Settings;
use crate::vocabulary::{EditSite, EntryList};
use rstest::rstest;
use serde_json::value::RawValue;
use std::borrow::Cow;

const DIGEST: &str = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn entry(
    list: EntryList,
    index: usize,
    name: &str,
    image: &str,
    policy: Option<&str>,
) -> ImageEntry<'static> {
    ImageEntry {
        list,
        index,
        name: Some(Cow::Owned(name.to_owned())),
        image: Cow::Owned(image.to_owned()),
        pull_policy: policy.map(|p| Cow::Owned(p.to_owned())),
        site: EditSite::new(None, None, list.policy_field()),
        place: 0,
        whole_place: false,
        defaults_by_tag: true,
    }
}

fn container(index: usize, image: &str, policy: Option<&str>) -> ImageEntry<'static> {
    entry(
        EntryList::Containers,
        index,
        &format!("c{index}"),
        image,
        policy,
    )
}

fn workload(kind: WorkloadKind, entries: Vec<ImageEntry<'static>>) -> Workload<'static> {
    Workload {
        location: kind.pod_spec_location(),
        places: Vec::new(),
        name: Some(Cow::Borrowed("w")),
        mirror: false,
        owner: None,
        template: None,
        templates: Vec::new(),
        entries,
    }
}

fn rules(settings: serde_json::Value) -> Rules {
    serde_json::from_value::<Settings>(settings)
        .unwrap()
        .rules()
        .unwrap()
}

fn create(kind: WorkloadKind) -> Target<'static> {
    Target {
        kind: Kind::Workload(kind),
        operation: Operation::Create,
        ephemeral_containers: false,
    }
}

fn update(kind: WorkloadKind) -> Target<'static> {
    Target {
        kind: Kind::Workload(kind),
        operation: Operation::Update,
        ephemeral_containers: false,
    }
}

const EPHEMERAL: Target<'static> = Target {
    kind: Kind::Workload(WorkloadKind::Pod),
    operation: Operation::Update,
    ephemeral_containers: true,
};

/// The indexes of the entries a decision names, and which verdict it is.
fn verdict(decision: &Decision<'_, '_>) -> (&'static str, Vec<(EntryList, usize)>) {
    let named = |v: &[Violation<'_, '_>]| v.iter().map(|v| (v.entry.list, v.entry.index)).collect();
    match decision {
        Decision::Accept(_) => ("accept", vec![]),
        Decision::Reject(v, Remedy::FixOrExempt) => ("reject", named(v)),
        Decision::Reject(v, Remedy::RecreatePod) => ("reject: recreate the pod", named(v)),
        Decision::Warn(v, Leniency::ControlledTemplate) => ("warn", named(v)),
        Decision::Warn(v, Leniency::WarnOnly(Remedy::FixOrExempt)) => ("warn only", named(v)),
        Decision::Warn(v, Leniency::WarnOnly(Remedy::RecreatePod)) => {
            ("warn only: recreate the pod", named(v))
        }
        Decision::Mutate(v) => ("mutate", named(v)),
    }
}

use EntryList::{Containers as C, EphemeralContainers as E, Volumes as V};

#[rstest]
#[case::always_complies(Some("Always"), "nginx:1.25", serde_json::json!({}), "accept")]
#[case::if_not_present_is_rejected(Some("IfNotPresent"), "nginx:1.25", serde_json::json!({}), "reject")]
#[case::never_is_rejected(Some("Never"), "nginx:1.25", serde_json::json!({}), "reject")]
#[case::lowercase_always_is_not_always(Some("always"), "nginx:1.25", serde_json::json!({}), "reject")]
#[case::unset_with_latest_defaults_to_always(None, "nginx", serde_json::json!({}), "accept")]
#[case::unset_with_tag_defaults_to_if_not_present(None, "nginx:1.25", serde_json::json!({}), "reject")]
#[case::empty_policy_is_unset(Some(""), "nginx:latest", serde_json::json!({}), "accept")]
#[case::trusted_registry_exempts(Some("IfNotPresent"), "ghcr.io/acme/app:1", serde_json::json!({"trustedRegistries": ["ghcr.io/acme"]}), "accept")]
#[case::other_registry_is_not_exempt(Some("IfNotPresent"), "ghcr.io/other/app:1", serde_json::json!({"trustedRegistries": ["ghcr.io/acme"]}), "reject")]
#[case::unparsable_image_is_never_trusted(Some("IfNotPresent"), "ghcr.io/acme/App:1", serde_json::json!({"trustedRegistries": ["ghcr.io"]}), "reject")]
#[case::digest_pinned_exempt_when_enabled(Some("IfNotPresent"), &format!("nginx{DIGEST}"), serde_json::json!({"exemptDigestPinned": true}), "accept")]
#[case::digest_pinned_judged_by_default(Some("IfNotPresent"), &format!("nginx{DIGEST}"), serde_json::json!({}), "reject")]
#[case::invalid_digest_is_not_pinned(Some("IfNotPresent"), "nginx@sha256:abc", serde_json::json!({"exemptDigestPinned": true}), "reject")]
#[case::mutate_mode_patches(Some("IfNotPresent"), "nginx:1.25", serde_json::json!({"mutate": true}), "mutate")]
#[case::warn_only_accepts_with_a_warning(Some("IfNotPresent"), "nginx:1.25", serde_json::json!({"warnOnly": true}), "warn only")]
#[case::warn_only_leaves_compliant_alone(Some("Always"), "nginx:1.25", serde_json::json!({"warnOnly": true}), "accept")]
#[case::warn_only_respects_trusted_registries(Some("IfNotPresent"), "ghcr.io/acme/app:1", serde_json::json!({"warnOnly": true, "trustedRegistries": ["ghcr.io/acme"]}), "accept")]
#[case::mutate_mode_leaves_compliant_alone(Some("Always"), "nginx:1.25", serde_json::json!({"mutate": true}), "accept")]
#[case::a_short_name_is_on_docker_hub_by_default(Some("IfNotPresent"), "nginx:1.25", serde_json::json!({"trustedRegistries": ["docker.io/library"]}), "accept")]
#[case::a_short_name_from_a_search_registry(Some("IfNotPresent"), "nginx:1.25", serde_json::json!({"trustedRegistries": ["docker.io/library"], "shortNameRegistry": "registry.example.com"}), "reject")]
#[case::a_short_name_trusted_at_its_search_registry(Some("IfNotPresent"), "team/app:1", serde_json::json!({"trustedRegistries": ["registry.example.com/team"], "shortNameRegistry": "registry.example.com"}), "accept")]
#[case::no_short_name_registry_never_trusts_a_short_name(Some("IfNotPresent"), "nginx:1.25", serde_json::json!({"trustedRegistries": ["docker.io"], "shortNameRegistry": ""}), "reject")]
#[case::no_short_name_registry_still_trusts_a_qualified_name(Some("IfNotPresent"), "docker.io/library/nginx:1.25", serde_json::json!({"trustedRegistries": ["docker.io"], "shortNameRegistry": ""}), "accept")]
#[case::no_short_name_registry_keeps_digest_exemptions(Some("IfNotPresent"), &format!("nginx{DIGEST}"), serde_json::json!({"exemptDigestPinned": true, "shortNameRegistry": ""}), "accept")]
fn rules_for_one_container(
    #[case] declared: Option<&str>,
    #[case] image: &str,
    #[case] settings: serde_json::Value,
    #[case] expected: &str,
) {
    let object = workload(WorkloadKind::Pod, vec![container(0, image, declared)]);
    let decision = decide(create(WorkloadKind::Pod), &object, None, &rules(settings));
    assert_eq!(verdict(&decision).0, expected);
}

#[test]
fn every_list_is_judged_and_named() {
    let object = workload(
        WorkloadKind::Deployment,
        vec![
            entry(
                EntryList::InitContainers,
                0,
                "init",
                "busybox:1.36",
                Some("IfNotPresent"),
            ),
            container(0, "nginx:1.25", Some("Always")),
            container(1, "nginx:1.25", None),
            entry(E, 0, "dbg", "busybox:1.36", Some("Never")),
            entry(V, 3, "vol", "ghcr.io/x/model:1", Some("IfNotPresent")),
        ],
    );
    let decision = decide(
        create(WorkloadKind::Deployment),
        &object,
        None,
        &rules(serde_json::json!({})),
    );
    assert_eq!(
        verdict(&decision),
        (
            "reject",
            vec![(EntryList::InitContainers, 0), (C, 1), (E, 0), (V, 3)]
        )
    );
}

#[test]
fn mirror_pods_are_accepted_untouched() {
    let mut object = workload(
        WorkloadKind::Pod,
        vec![container(0, "nginx:1.25", Some("Never"))],
    );
    object.mirror = true;
    let decision = decide(
        create(WorkloadKind::Pod),
        &object,
        None,
        &rules(serde_json::json!({"mutate": true})),
    );
    assert_eq!(decision, Decision::Accept(Accepted::MirrorPod));
}

#[test]
fn the_mirror_annotation_only_counts_on_pods() {
    let mut object = workload(
        WorkloadKind::Deployment,
        vec![container(0, "nginx:1.25", Some("Never"))],
    );
    object.mirror = true;
    let decision = decide(
        create(WorkloadKind::Deployment),
        &object,
        None,
        &rules(serde_json::json!({})),
    );
    assert_eq!(verdict(&decision).0, "reject");
}

#[test]
fn pod_updates_without_a_new_image_are_accepted() {
    let kind = WorkloadKind::Pod;
    let old = workload(
        kind,
        vec![
            container(0, "nginx:1.25", Some("IfNotPresent")),
            container(1, "redis:7", None),
        ],
    );
    // Each entry (matched by name) keeps its image, in any order: labels changed.
    let new = workload(
        kind,
        vec![
            entry(C, 0, "c1", "redis:7", None),
            entry(C, 1, "c0", "nginx:1.25", Some("IfNotPresent")),
        ],
    );
    let decision = decide(
        update(kind),
        &new,
        Some(&old),
        &rules(serde_json::json!({"mutate": true})),
    );
    assert_eq!(decision, Decision::Accept(Accepted::NoNewImage));
}

#[test]
fn only_a_workload_update_is_settled_by_its_template() {
    let template: &'static RawValue = serde_json::from_str::<Box<RawValue>>(r#"{"spec":{}}"#)
        .map(|t| &*Box::leak(t))
        .unwrap();
    let same = Some(PodTemplate(template));
    for target in [
        create(WorkloadKind::Job),
        create(WorkloadKind::Deployment),
        update(WorkloadKind::Pod),
    ] {
        assert_eq!(
            settled_by_template(target, same.as_ref(), same.as_ref()),
            None,
            "{target:?}"
        );
    }
    assert_eq!(
        settled_by_template(
            update(WorkloadKind::Deployment),
            same.as_ref(),
            same.as_ref()
        ),
        Some(Accepted::TemplateUnchanged)
    );
}

/// A workload of `kind` with one container and the pod template `template`.
fn templated(kind: WorkloadKind, template: &'static RawValue, policy: &str) -> Workload<'static> {
    let mut object = workload(kind, vec![container(0, "nginx:1.25", Some(policy))]);
    object.template = Some(PodTemplate(template));
    object
}

fn raw(text: &str) -> &'static RawValue {
    Box::leak(RawValue::from_string(text.to_owned()).unwrap())
}

const TEMPLATE_V1: &str = r#"{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c0","image":"nginx:1.25","imagePullPolicy":"IfNotPresent","env":[{"name":"V","value":"1"}]}]}}"#;
const TEMPLATE_V1_REORDERED: &str = r#"{"spec":{"containers":[{"imagePullPolicy":"IfNotPresent","env":[{"value":"1","name":"V"}],"image":"nginx:1.25","name":"c0"}]}, "metadata":{"labels":{"app":"web"}}}"#;
const TEMPLATE_V2: &str = r#"{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c0","image":"nginx:1.25","imagePullPolicy":"IfNotPresent","env":[{"name":"V","value":"2"}]}]}}"#;

const VALIDATE: &str = "{}";
const MUTATE: &str = r#"{"mutate": true}"#;
const WARN_ONLY: &str = r#"{"warnOnly": true}"#;

#[rstest]
#[case::labels_replicas_finalizers_keep_working_in_validate_mode(
    WorkloadKind::Deployment,
    TEMPLATE_V1,
    TEMPLATE_V1,
    VALIDATE,
    "accept"
)]
#[case::an_unchanged_template_is_never_patched(
    WorkloadKind::Deployment,
    TEMPLATE_V1,
    TEMPLATE_V1,
    MUTATE,
    "accept"
)]
#[case::an_unchanged_template_is_not_warned_about(
    WorkloadKind::StatefulSet,
    TEMPLATE_V1,
    TEMPLATE_V1,
    WARN_ONLY,
    "accept"
)]
#[case::member_order_and_white_space_are_no_change(
    WorkloadKind::DaemonSet,
    TEMPLATE_V1,
    TEMPLATE_V1_REORDERED,
    MUTATE,
    "accept"
)]
#[case::set_env_is_judged_as_a_create(
    WorkloadKind::Deployment,
    TEMPLATE_V1,
    TEMPLATE_V2,
    VALIDATE,
    "reject"
)]
#[case::set_env_patches_the_whole_template(
    WorkloadKind::Deployment,
    TEMPLATE_V1,
    TEMPLATE_V2,
    MUTATE,
    "mutate"
)]
#[case::set_env_warns_in_warn_only_mode(
    WorkloadKind::CronJob,
    TEMPLATE_V1,
    TEMPLATE_V2,
    WARN_ONLY,
    "warn only"
)]
#[case::a_statefulset_template_change_is_judged(
    WorkloadKind::StatefulSet,
    TEMPLATE_V1,
    TEMPLATE_V2,
    MUTATE,
    "mutate"
)]
#[case::an_unowned_replicaset_template_change_is_patched(
    WorkloadKind::ReplicaSet,
    TEMPLATE_V1,
    TEMPLATE_V2,
    MUTATE,
    "mutate"
)]
#[case::a_replicationcontroller_template_change_is_patched(
    WorkloadKind::ReplicationController,
    TEMPLATE_V1,
    TEMPLATE_V2,
    MUTATE,
    "mutate"
)]
#[case::a_job_update_is_never_patched(
    WorkloadKind::Job,
    TEMPLATE_V1,
    TEMPLATE_V2,
    MUTATE,
    "accept"
)]
#[case::a_job_update_is_never_rejected(
    WorkloadKind::Job,
    TEMPLATE_V1,
    TEMPLATE_V2,
    VALIDATE,
    "accept"
)]
fn workload_updates_are_decided_on_the_template(
    #[case] kind: WorkloadKind,
    #[case] old: &str,
    #[case] new: &str,
    #[case] settings: &str,
    #[case] expected: &str,
) {
    let old = templated(kind, raw(old), "IfNotPresent");
    let new = templated(kind, raw(new), "IfNotPresent");
    let settings = serde_json::from_str(settings).unwrap();
    let decision = decide(update(kind), &new, Some(&old), &rules(settings));
    assert_eq!(verdict(&decision).0, expected);
}

#[rstest]
#[case::unchanged(TEMPLATE_V1, Accepted::TemplateUnchanged)]
#[case::changed(TEMPLATE_V2, Accepted::JobUpdate)]
fn job_updates_say_why_they_are_accepted(#[case] new: &str, #[case] expected: Accepted) {
    let old = templated(WorkloadKind::Job, raw(TEMPLATE_V1), "IfNotPresent");
    let new = templated(WorkloadKind::Job, raw(new), "IfNotPresent");
    let decision = decide(
        update(WorkloadKind::Job),
        &new,
        Some(&old),
        &rules(serde_json::json!({})),
    );
    assert_eq!(decision, Decision::Accept(expected));
}

#[test]
fn a_regression_to_if_not_present_is_judged() {
    // Images unchanged, only the pull policy turned from Always to IfNotPresent.
    let old = templated(WorkloadKind::Deployment, raw(r#"{"p":"Always"}"#), "Always");
    let new = templated(
        WorkloadKind::Deployment,
        raw(r#"{"p":"IfNotPresent"}"#),
        "IfNotPresent",
    );
    for (settings, expected) in [(VALIDATE, "reject"), (MUTATE, "mutate")] {
        let rules = rules(serde_json::from_str(settings).unwrap());
        let decision = decide(update(WorkloadKind::Deployment), &new, Some(&old), &rules);
        assert_eq!(verdict(&decision).0, expected, "{settings}");
    }
}

/// (image, declared policy) of each container.
type Containers = &'static [(&'static str, Option<&'static str>)];

fn containers(kind: WorkloadKind, list: Containers) -> Workload<'static> {
    workload(
        kind,
        list.iter()
            .enumerate()
            .map(|(i, (image, policy))| container(i, image, *policy))
            .collect(),
    )
}

const OLD: Containers = &[
    ("nginx:1.25", Some("IfNotPresent")),
    ("redis:7", Some("IfNotPresent")),
];

#[rstest]
#[case::pod_update_judges_only_entries_with_a_new_image(
    WorkloadKind::Pod, Some(OLD), &[("nginx:1.25", Some("IfNotPresent")), ("redis:7.2", Some("IfNotPresent"))], false,
    ("reject", vec![(C, 1)])
)]
#[case::pod_update_judges_an_entry_changed_to_an_image_another_entry_runs(
    WorkloadKind::Pod, Some(OLD), &[("redis:7", Some("IfNotPresent")), ("redis:7", Some("IfNotPresent"))], false,
    ("reject", vec![(C, 0)])
)]
#[case::pod_update_swapping_two_images_judges_both(
    WorkloadKind::Pod, Some(OLD), &[("redis:7", Some("IfNotPresent")), ("nginx:1.25", Some("IfNotPresent"))], false,
    ("reject", vec![(C, 0), (C, 1)])
)]
#[case::pod_update_keeping_every_image_is_accepted(
    WorkloadKind::Pod, Some(OLD), &[("nginx:1.25", Some("IfNotPresent")), ("redis:7", Some("IfNotPresent"))], false,
    ("accept", vec![])
)]
#[case::pod_update_with_a_compliant_new_image_is_accepted(
    WorkloadKind::Pod, Some(OLD), &[("nginx:1.25", Some("IfNotPresent")), ("redis:7.2", Some("Always"))], false,
    ("accept", vec![])
)]
#[case::pod_update_is_rejected_in_mutate_mode_too_as_pull_policies_are_immutable(
    WorkloadKind::Pod, Some(OLD), &[("nginx:1.26", Some("IfNotPresent")), ("redis:7", Some("IfNotPresent"))], true,
    ("reject: recreate the pod", vec![(C, 0)])
)]
#[case::workload_update_with_a_new_image_judges_the_whole_template(
    WorkloadKind::Deployment, Some(OLD), &[("nginx:1.25", Some("IfNotPresent")), ("redis:7.2", Some("Always"))], true,
    ("mutate", vec![(C, 0)])
)]
#[case::update_without_old_object_is_judged_as_a_create(
    WorkloadKind::Deployment, None, &[("nginx:1.25", Some("IfNotPresent"))], false,
    ("reject", vec![(C, 0)])
)]
fn updates_with_a_new_image(
    #[case] kind: WorkloadKind,
    #[case] old: Option<Containers>,
    #[case] new: Containers,
    #[case] mutate: bool,
    #[case] expected: (&str, Vec<(EntryList, usize)>),
) {
    let old = old.map(|old| containers(kind, old));
    let new = containers(kind, new);
    let decision = decide(
        update(kind),
        &new,
        old.as_ref(),
        &rules(serde_json::json!({"mutate": mutate})),
    );
    assert_eq!(verdict(&decision), expected);
}

#[rstest]
#[case::pod_update_warns_that_the_pod_must_be_recreated(
    WorkloadKind::Pod, &[("nginx:1.26", Some("IfNotPresent")), ("redis:7", Some("IfNotPresent"))],
    ("warn only: recreate the pod", vec![(C, 0)])
)]
#[case::workload_update_warns_about_the_whole_template(
    WorkloadKind::Deployment, &[("nginx:1.25", Some("IfNotPresent")), ("redis:7.2", Some("Always"))],
    ("warn only", vec![(C, 0)])
)]
fn updates_in_warn_only_mode(
    #[case] kind: WorkloadKind,
    #[case] new: Containers,
    #[case] expected: (&str, Vec<(EntryList, usize)>),
) {
    let old = containers(kind, OLD);
    let new = containers(kind, new);
    let rules = rules(serde_json::json!({"warnOnly": true}));
    assert_eq!(
        verdict(&decide(update(kind), &new, Some(&old), &rules)),
        expected
    );
}

#[rstest]
#[case::validate_mode(serde_json::json!({}), "reject")]
#[case::mutate_mode(serde_json::json!({"mutate": true}), "mutate")]
#[case::warn_only_mode(serde_json::json!({"warnOnly": true}), "warn only")]
fn kubectl_debug_judges_only_the_new_ephemeral_containers(
    #[case] settings: serde_json::Value,
    #[case] expected: &str,
) {
    let old = workload(
        WorkloadKind::Pod,
        vec![
            container(0, "nginx:1.25", Some("IfNotPresent")),
            entry(E, 0, "debugger-1", "busybox:1.36", Some("IfNotPresent")),
        ],
    );
    let new = workload(
        WorkloadKind::Pod,
        vec![
            container(0, "nginx:1.25", Some("IfNotPresent")),
            entry(E, 0, "debugger-1", "busybox:1.36", Some("IfNotPresent")),
            // A new debugger with an image the Pod already uses is judged all the same.
            entry(E, 1, "debugger-2", "busybox:1.36", Some("IfNotPresent")),
        ],
    );
    let decision = decide(EPHEMERAL, &new, Some(&old), &rules(settings));
    assert_eq!(verdict(&decision), (expected, vec![(E, 1)]));
}

#[test]
fn kubectl_debug_without_old_object_judges_every_ephemeral_container() {
    let new = workload(
        WorkloadKind::Pod,
        vec![
            container(0, "nginx:1.25", Some("IfNotPresent")),
            entry(E, 0, "d", "busybox:1.36", None),
        ],
    );
    let decision = decide(EPHEMERAL, &new, None, &rules(serde_json::json!({})));
    assert_eq!(verdict(&decision), ("reject", vec![(E, 0)]));
}

fn owned_by(kind: &'static str, api_version: &'static str) -> Option<Owner<'static>> {
    Some(Owner {
        api_version: Cow::Borrowed(api_version),
        kind: Cow::Borrowed(kind),
        controller: true,
    })
}

/// An owner reference with `controller: false` (the Flink operator's).
fn owned_not_controlled_by(
    kind: &'static str,
    api_version: &'static str,
) -> Option<Owner<'static>> {
    owned_by(kind, api_version).map(|owner| Owner {
        controller: false,
        ..owner
    })
}

#[rstest]
#[case::deployment_owned_replicaset_warned_in_validate_mode(
    WorkloadKind::ReplicaSet,
    owned_by("Deployment", "apps/v1"),
    VALIDATE,
    "warn"
)]
#[case::deployment_owned_replicaset_warned_and_never_patched(
    WorkloadKind::ReplicaSet,
    owned_by("Deployment", "apps/v1"),
    MUTATE,
    "warn"
)]
#[case::deployment_owned_replicaset_warned_as_controlled_in_warn_only_mode(
    WorkloadKind::ReplicaSet,
    owned_by("Deployment", "apps/v1"),
    WARN_ONLY,
    "warn"
)]
#[case::argo_rollout_replicaset_admitted_in_validate_mode(
    WorkloadKind::ReplicaSet,
    owned_by("Rollout", "argoproj.io/v1alpha1"),
    VALIDATE,
    "warn"
)]
#[case::replicaset_of_another_controller_never_patched(
    WorkloadKind::ReplicaSet,
    owned_by("Rollout", "argoproj.io/v1alpha1"),
    MUTATE,
    "warn"
)]
#[case::deploymentconfig_owned_replicationcontroller_never_patched(
    WorkloadKind::ReplicationController,
    owned_by("DeploymentConfig", "apps.openshift.io/v1"),
    MUTATE,
    "warn"
)]
#[case::knative_owned_deployment_never_patched(
    WorkloadKind::Deployment,
    owned_by("Revision", "serving.knative.dev/v1"),
    MUTATE,
    "warn"
)]
#[case::operator_owned_statefulset_admitted_in_validate_mode(
    WorkloadKind::StatefulSet,
    owned_by("Cluster", "postgresql.cnpg.io/v1"),
    VALIDATE,
    "warn"
)]
#[case::cronjob_owned_job_admitted_in_validate_mode(
    WorkloadKind::Job,
    owned_by("CronJob", "batch/v1"),
    VALIDATE,
    "warn"
)]
#[case::a_pod_is_judged_whoever_owns_it(
    WorkloadKind::Pod,
    owned_by("ReplicaSet", "apps/v1"),
    VALIDATE,
    "reject"
)]
#[case::a_pod_is_patched_whoever_owns_it(
    WorkloadKind::Pod,
    owned_by("ReplicaSet", "apps/v1"),
    MUTATE,
    "mutate"
)]
#[case::flink_owned_deployment_admitted_in_validate_mode(
    WorkloadKind::Deployment,
    owned_not_controlled_by("FlinkDeployment", "flink.apache.org/v1beta1"),
    VALIDATE,
    "warn"
)]
#[case::a_pod_is_judged_whatever_it_names_as_owner(
    WorkloadKind::Pod,
    owned_not_controlled_by("FlinkDeployment", "flink.apache.org/v1beta1"),
    VALIDATE,
    "reject"
)]
#[case::unowned_replicaset_rejected(WorkloadKind::ReplicaSet, None, VALIDATE, "reject")]
#[case::unowned_replicaset_patched(WorkloadKind::ReplicaSet, None, MUTATE, "mutate")]
#[case::unowned_replicationcontroller_patched(
    WorkloadKind::ReplicationController,
    None,
    MUTATE,
    "mutate"
)]
#[case::unowned_deployment_patched(WorkloadKind::Deployment, None, MUTATE, "mutate")]
#[case::unowned_deployment_warned_in_warn_only_mode(
    WorkloadKind::Deployment,
    None,
    WARN_ONLY,
    "warn only"
)]
fn controlled_templates(
    #[case] kind: WorkloadKind,
    #[case] owner: Option<Owner<'static>>,
    #[case] settings: &str,
    #[case] expected: &str,
) {
    let mut object = workload(kind, vec![container(0, "nginx:1.25", Some("IfNotPresent"))]);
    object.owner = owner;
    let settings = serde_json::from_str(settings).unwrap();
    let decision = decide(create(kind), &object, None, &rules(settings));
    assert_eq!(verdict(&decision), (expected, vec![(C, 0)]));
}

fn request(json: serde_json::Value) -> String {
    json.to_string()
}

#[rstest]
#[case::pod_create("", "v1", "Pod", "", "CREATE", "default", Ok(()))]
#[case::deployment_update("apps", "v1", "Deployment", "", "UPDATE", "default", Ok(()))]
#[case::kubectl_debug("", "v1", "Pod", "ephemeralcontainers", "UPDATE", "default", Ok(()))]
#[case::every_workload_kind_cronjob("batch", "v1", "CronJob", "", "CREATE", "default", Ok(()))]
#[case::configmap(
    "",
    "v1",
    "ConfigMap",
    "",
    "CREATE",
    "default",
    Err(Ignored::UnknownKind)
)]
#[case::deployment_of_another_group(
    "example.com",
    "v1",
    "Deployment",
    "",
    "CREATE",
    "default",
    Err(Ignored::UnknownKind)
)]
#[case::pod_of_another_group(
    "example.com",
    "v1",
    "Pod",
    "",
    "CREATE",
    "default",
    Err(Ignored::UnknownKind)
)]
#[case::a_known_custom_resource("argoproj.io", "v1alpha1", "Rollout", "", "CREATE", "default", Ok(()))]
#[case::openkruise_statefulset_is_its_own_kind("apps.kruise.io", "v1beta1", "StatefulSet", "", "UPDATE", "default", Ok(()))]
#[case::a_custom_resource_of_the_settings("example.com", "v1", "Widget", "", "CREATE", "default", Ok(()))]
#[case::kubernetes_1_20s_ephemeral_containers(
    "",
    "v1",
    "EphemeralContainers",
    "ephemeralcontainers",
    "UPDATE",
    "default",
    Err(Ignored::UnknownKind)
)]
#[case::a_custom_resources_status(
    "argoproj.io",
    "v1alpha1",
    "Rollout",
    "status",
    "UPDATE",
    "default",
    Err(Ignored::SubResource)
)]
#[case::an_unknown_kinds_delete(
    "example.com",
    "v1",
    "Gadget",
    "",
    "DELETE",
    "default",
    Err(Ignored::Operation)
)]
#[case::an_unknown_kind_in_an_exempt_namespace(
    "example.com",
    "v1",
    "Gadget",
    "",
    "CREATE",
    "kube-system",
    Err(Ignored::ExemptNamespace(0))
)]
#[case::delete("", "v1", "Pod", "", "DELETE", "default", Err(Ignored::Operation))]
#[case::connect("", "v1", "Pod", "", "CONNECT", "default", Err(Ignored::Operation))]
#[case::pod_status(
    "",
    "v1",
    "Pod",
    "status",
    "UPDATE",
    "default",
    Err(Ignored::SubResource)
)]
#[case::pod_binding(
    "",
    "v1",
    "Pod",
    "binding",
    "CREATE",
    "default",
    Err(Ignored::SubResource)
)]
#[case::scale(
    "apps",
    "v1",
    "Deployment",
    "scale",
    "UPDATE",
    "default",
    Err(Ignored::SubResource)
)]
#[case::ephemeralcontainers_of_a_deployment(
    "apps",
    "v1",
    "Deployment",
    "ephemeralcontainers",
    "UPDATE",
    "default",
    Err(Ignored::SubResource)
)]
#[case::exempt_namespace(
    "",
    "v1",
    "Pod",
    "",
    "CREATE",
    "kube-system",
    Err(Ignored::ExemptNamespace(0))
)]
#[case::exempt_namespace_prefix(
    "apps",
    "v1",
    "Deployment",
    "",
    "CREATE",
    "team-a",
    Err(Ignored::ExemptNamespace(1))
)]
#[case::exemption_applies_to_debugging_too(
    "",
    "v1",
    "Pod",
    "ephemeralcontainers",
    "UPDATE",
    "kube-system",
    Err(Ignored::ExemptNamespace(0))
)]
fn scope_of_a_request(
    #[case] group: &str,
    #[case] version: &str,
    #[case] kind: &str,
    #[case] sub_resource: &str,
    #[case] operation: &str,
    #[case] namespace: &str,
    #[case] expected: Result<(), Ignored>,
) {
    let text = request(serde_json::json!({
        "kind": {"group": group, "version": version, "kind": kind},
        "subResource": sub_resource,
        "operation": operation,
        "namespace": namespace,
    }));
    let request: AdmissionRequest<'_> = serde_json::from_str(&text).unwrap();
    let rules = rules(serde_json::json!({
        "exemptNamespaces": ["kube-system", "team-*"],
        "customResources": [{"group": "example.com", "kind": "Widget", "podTemplates": ["spec.template"]}],
    }));
    let mut rules = rules;
    rules.learn(group, kind);
    let outcome = match scope(&request.view(), &rules) {
        Scope::Judge(_) => Ok(()),
        Scope::Skip(reason) => Err(reason),
    };
    assert_eq!(outcome, expected);
}

#[test]
fn the_evidence_names_each_exemption_and_what_an_update_left_alone() {
    let settings = serde_json::json!({
        "exemptDigestPinned": true,
        "trustedRegistries": ["quay.io/other", "ghcr.io/acme"],
    });
    let object = workload(
        WorkloadKind::Pod,
        vec![
            container(0, "ghcr.io/acme/app:1", Some("IfNotPresent")),
            container(1, &format!("nginx{DIGEST}"), None),
            container(2, "nginx:1.25", Some("Always")),
            entry(E, 0, "old", "busybox:1.36", Some("IfNotPresent")),
            entry(E, 1, "new", "busybox:1.36", Some("IfNotPresent")),
        ],
    );
    let old = workload(
        WorkloadKind::Pod,
        vec![entry(E, 0, "old", "busybox:1.36", Some("IfNotPresent"))],
    );
    let debug = Target {
        ephemeral_containers: true,
        ..update(WorkloadKind::Pod)
    };
    let (decision, evidence) = decide_with_evidence(debug, &object, Some(&old), &rules(settings));
    assert_eq!(verdict(&decision), ("reject", vec![(E, 1)]));
    let exempt: Vec<_> = evidence.exempt.iter().map(|(e, x)| (e.index, *x)).collect();
    assert_eq!(exempt, []);
    let unchanged: Vec<_> = evidence
        .unchanged
        .iter()
        .map(|e| (e.list, e.index))
        .collect();
    // The containers are not judged by `kubectl debug`: the two that do not
    // pull "Always" are recorded, exempt or not.
    assert_eq!(unchanged, [(C, 0), (C, 1), (E, 0)]);
}

#[test]
fn the_evidence_names_the_setting_that_exempts_each_entry() {
    let object = workload(
        WorkloadKind::Pod,
        vec![
            container(0, "ghcr.io/acme/app:1", Some("IfNotPresent")),
            container(1, &format!("nginx{DIGEST}"), None),
            container(2, "nginx:1.25", Some("Always")),
        ],
    );
    let (_, evidence) = decide_with_evidence(
        create(WorkloadKind::Pod),
        &object,
        None,
        &rules(
            serde_json::json!({"exemptDigestPinned": true, "trustedRegistries": ["quay.io/other", "ghcr.io/acme"]}),
        ),
    );
    let exempt: Vec<_> = evidence
        .exempt
        .iter()
        .map(|(e, x)| (e.list, e.index, *x))
        .collect();
    assert_eq!(
        exempt,
        [
            (C, 0, Exemption::TrustedRegistry(1)),
            (C, 1, Exemption::DigestPinned)
        ]
    );
}

#[test]
fn an_unparsable_image_says_why() {
    let object = workload(
        WorkloadKind::Pod,
        vec![container(0, "nginx@sha256:abc", Some("IfNotPresent"))],
    );
    let rules = rules(serde_json::json!({"exemptDigestPinned": true}));
    let Decision::Reject(violations, _) = decide(create(WorkloadKind::Pod), &object, None, &rules)
    else {
        panic!("rejected");
    };
    assert_eq!(
        violations[0].unparsable,
        Some(crate::image_reference::ReferenceError::InvalidDigest)
    );
}
