use super::*;
use crate::vocabulary::EntryList;
use rstest::rstest;
use serde_json::json;

/// An entry as (list, index, image, declared policy).
type Row = (EntryList, usize, String, Option<String>);

fn read_json(kind: WorkloadKind, object: serde_json::Value) -> Result<Vec<Row>, String> {
    let text = object.to_string();
    read(kind, &text)
        .map(|w| {
            w.entries
                .into_iter()
                .map(|e| {
                    (
                        e.list,
                        e.index,
                        e.image.into_owned(),
                        e.pull_policy.map(Cow::into_owned),
                    )
                })
                .collect()
        })
        .map_err(|e| e.to_string())
}

fn containers(list: serde_json::Value) -> serde_json::Value {
    json!({"spec": {"containers": list}})
}

#[rstest]
#[case::pod(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a:1"}]}}))]
#[case::deployment(WorkloadKind::Deployment, json!({"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}))]
#[case::replicaset(WorkloadKind::ReplicaSet, json!({"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}))]
#[case::statefulset(WorkloadKind::StatefulSet, json!({"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}))]
#[case::daemonset(WorkloadKind::DaemonSet, json!({"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}))]
#[case::job(WorkloadKind::Job, json!({"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}))]
#[case::replicationcontroller(WorkloadKind::ReplicationController, json!({"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}))]
#[case::cronjob(WorkloadKind::CronJob, json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}}}))]
fn finds_the_pod_spec_of_every_kind(#[case] kind: WorkloadKind, #[case] object: serde_json::Value) {
    assert_eq!(
        read_json(kind, object),
        Ok(vec![(EntryList::Containers, 0, "a:1".into(), None)])
    );
}

#[test]
fn reads_every_list_in_order_with_declared_policies() {
    let object = json!({"spec": {
        "volumes": [{"name": "cfg", "configMap": {"name": "x"}}, {"name": "m", "image": {"reference": "m:1", "pullPolicy": "Never"}}, {"name": "n", "image": null}],
        "ephemeralContainers": [{"name": "d", "image": "d:1", "imagePullPolicy": null}],
        "containers": [{"name": "c", "image": "c:1", "imagePullPolicy": "Always"}],
        "initContainers": [{"name": "i", "image": "i:1", "imagePullPolicy": "IfNotPresent"}],
    }});
    assert_eq!(
        read_json(WorkloadKind::Pod, object),
        Ok(vec![
            (
                EntryList::InitContainers,
                0,
                "i:1".into(),
                Some("IfNotPresent".into())
            ),
            (
                EntryList::Containers,
                0,
                "c:1".into(),
                Some("Always".into())
            ),
            (EntryList::EphemeralContainers, 0, "d:1".into(), None),
            (EntryList::Volumes, 1, "m:1".into(), Some("Never".into())),
        ])
    );
}

#[rstest]
#[case::object_not_an_object(WorkloadKind::Pod, json!("pod"), "object is a string, must be an object")]
#[case::no_spec(WorkloadKind::Pod, json!({"metadata": {}}), "spec is missing")]
#[case::null_spec(WorkloadKind::Pod, json!({"spec": null}), "spec is missing")]
#[case::spec_not_an_object(WorkloadKind::Pod, json!({"spec": [1]}), "spec is a list, must be an object")]
#[case::no_template(WorkloadKind::Deployment, json!({"spec": {"replicas": 1}}), "spec.template is missing")]
#[case::no_template_spec(WorkloadKind::StatefulSet, json!({"spec": {"template": {"metadata": {}}}}), "spec.template.spec is missing")]
#[case::template_not_an_object(WorkloadKind::Job, json!({"spec": {"template": 3}}), "spec.template is a number, must be an object")]
#[case::no_job_template(WorkloadKind::CronJob, json!({"spec": {"schedule": "* * * * *"}}), "spec.jobTemplate is missing")]
#[case::cronjob_no_pod_spec(WorkloadKind::CronJob, json!({"spec": {"jobTemplate": {"spec": {"template": {}}}}}), "spec.jobTemplate.spec.template.spec is missing")]
#[case::no_containers(WorkloadKind::Pod, json!({"spec": {"initContainers": [{"image": "a:1"}]}}), "spec.containers is missing")]
#[case::empty_containers(WorkloadKind::Pod, containers(json!([])), "spec.containers is empty")]
#[case::containers_not_a_list(WorkloadKind::Pod, containers(json!({"image": "a"})), "spec.containers is an object, must be a list")]
#[case::init_containers_not_a_list(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a"}], "initContainers": "x"}}), "spec.initContainers is a string, must be a list")]
#[case::ephemeral_not_a_list(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a"}], "ephemeralContainers": 1}}), "spec.ephemeralContainers is a number, must be a list")]
#[case::volumes_not_a_list(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a"}], "volumes": true}}), "spec.volumes is a boolean, must be a list")]
#[case::entry_not_an_object(WorkloadKind::Pod, containers(json!([{"image": "a"}, "b"])), "spec.containers[1] is a string, must be an object")]
#[case::entry_null(WorkloadKind::Pod, containers(json!([null])), "spec.containers[0] is null, must be an object")]
#[case::image_missing(WorkloadKind::Pod, containers(json!([{"name": "a"}])), "spec.containers[0].image is missing")]
#[case::image_not_a_string(WorkloadKind::Deployment, json!({"spec": {"template": {"spec": {"containers": [{"image": 7}]}}}}), "spec.template.spec.containers[0].image is a number, must be a string")]
#[case::policy_not_a_string(WorkloadKind::Pod, containers(json!([{"image": "a", "imagePullPolicy": ["Always"]}])), "spec.containers[0].imagePullPolicy is a list, must be a string")]
#[case::volume_not_an_object(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a"}], "volumes": [1]}}), "spec.volumes[0] is a number, must be an object")]
#[case::image_volume_not_an_object(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a"}], "volumes": [{"image": "x"}]}}), "spec.volumes[0].image is a string, must be an object")]
#[case::image_volume_without_reference(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a"}], "volumes": [{"image": {}}]}}), "spec.volumes[0].image.reference is missing")]
#[case::image_volume_policy_not_a_string(WorkloadKind::Pod, json!({"spec": {"containers": [{"image": "a"}], "volumes": [{"image": {"reference": "r", "pullPolicy": false}}]}}), "spec.volumes[0].image.pullPolicy is a boolean, must be a string")]
#[case::object_null(WorkloadKind::Pod, json!(null), "is null, must be an object")]
fn unreadable_objects_are_named_precisely(
    #[case] kind: WorkloadKind,
    #[case] object: serde_json::Value,
    #[case] expected: &str,
) {
    let error = read_json(kind, object).expect_err("must not be readable");
    assert!(
        error.contains(expected),
        "{error:?} should contain {expected:?}"
    );
}

#[rstest]
#[case::truncated(r#"{"spec": {"containers": [{"image": "a"}"#)]
#[case::duplicate_image(r#"{"spec": {"containers": [{"image": "a:1", "image": "b:1"}]}}"#)]
#[case::duplicate_containers(r#"{"spec": {"containers": [{"image": "a"}], "containers": []}}"#)]
#[case::duplicate_spec(
    r#"{"spec": {"containers": [{"image": "a"}]}, "spec": {"containers": [{"image": "b"}]}}"#
)]
#[case::duplicate_metadata(r#"{"metadata": {"name": "a"}, "metadata": {"name": "b"}, "spec": {"containers": [{"image": "a"}]}}"#)]
fn malformed_json_is_an_error(#[case] text: &str) {
    assert!(matches!(
        read(WorkloadKind::Pod, text),
        Err(ReadError::Malformed(_))
    ));
}

#[rstest]
#[case::name(json!({"metadata": {"name": "web"}}), Some("web"), false)]
#[case::generate_name(json!({"metadata": {"generateName": "web-"}}), Some("web-*"), false)]
#[case::an_empty_name_gives_way_to_generate_name(json!({"metadata": {"name": "", "generateName": "web-"}}), Some("web-*"), false)]
#[case::an_empty_generate_name_is_no_name(json!({"metadata": {"generateName": ""}}), None, false)]
#[case::no_metadata(json!({}), None, false)]
#[case::mirror(json!({"metadata": {"annotations": {"kubernetes.io/config.mirror": "abc"}}}), None, true)]
#[case::mirror_any_value(json!({"metadata": {"annotations": {"kubernetes.io/config.mirror": ""}}}), None, true)]
#[case::other_annotations(json!({"metadata": {"annotations": {"kubernetes.io/config.hash": "abc"}}}), None, false)]
fn metadata(
    #[case] mut object: serde_json::Value,
    #[case] name: Option<&str>,
    #[case] mirror: bool,
) {
    object["spec"] = json!({"containers": [{"image": "a"}]});
    let text = object.to_string();
    let workload = read(WorkloadKind::Pod, &text).unwrap();
    assert_eq!((workload.name.as_deref(), workload.mirror), (name, mirror));
}

/// The object's metadata is its own: its template's names nothing, whatever
/// its shape.
#[rstest]
#[case::named(json!({"name": "from-template", "generateName": "t-"}))]
#[case::not_an_object(json!("x"))]
fn a_templates_metadata_is_not_the_objects(#[case] template_metadata: serde_json::Value) {
    let object = json!({"spec": {"template": {"metadata": template_metadata, "spec": {"containers": [{"image": "a"}]}}}});
    let text = object.to_string();
    let workload = read(WorkloadKind::Deployment, &text).unwrap();
    assert_eq!(workload.name, None);
}

fn owner_of(metadata: serde_json::Value) -> Option<(String, String, bool)> {
    let object = json!({"metadata": metadata, "spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}});
    let text = object.to_string();
    let workload = read(WorkloadKind::ReplicaSet, &text).unwrap();
    workload.owner.map(|o| {
        (
            o.api_version.into_owned(),
            o.kind.into_owned(),
            o.controller,
        )
    })
}

#[rstest]
#[case::a_deployment_controls_it(json!({"ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u", "controller": true, "blockOwnerDeletion": true}]}), Some(("apps/v1", "Deployment", true)))]
#[case::the_controller_among_other_owners(json!({"ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "c", "uid": "1"}, {"kind": "DeploymentConfig", "apiVersion": "apps.openshift.io/v1", "controller": true}]}), Some(("apps.openshift.io/v1", "DeploymentConfig", true)))]
#[case::an_owner_that_is_not_the_controller(json!({"ownerReferences": [{"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment", "controller": false}]}), Some(("flink.apache.org/v1beta1", "FlinkDeployment", false)))]
#[case::the_first_of_owners_none_controls(json!({"ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap"}, {"apiVersion": "v1", "kind": "Secret"}]}), Some(("v1", "ConfigMap", false)))]
#[case::no_owner_references(json!({"name": "x"}), None)]
#[case::owner_references_of_the_wrong_type(json!({"ownerReferences": {"controller": true}}), None)]
#[case::an_owner_reference_of_the_wrong_type(json!({"ownerReferences": ["controller", 1, null]}), None)]
#[case::escaped_kind(json!({"ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deploy\u{0000}ment", "controller": true}]}), Some(("apps/v1", "Deploy\u{0000}ment", true)))]
fn reads_the_owner(
    #[case] metadata: serde_json::Value,
    #[case] expected: Option<(&str, &str, bool)>,
) {
    assert_eq!(
        owner_of(metadata),
        expected.map(|(a, k, c)| (a.to_owned(), k.to_owned(), c))
    );
}

#[rstest]
#[case::deployment(WorkloadKind::Deployment, json!({"spec": {"template": {"metadata": {}, "spec": {"containers": [{"image": "a:1"}]}}}}), r#"{"metadata": {}, "spec": {"containers": [{"image": "a:1"}]}}"#)]
#[case::cronjob(WorkloadKind::CronJob, json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": "a:1"}]}}}}}}), r#"{"spec": {"containers": [{"image": "a:1"}]}}"#)]
fn an_update_reads_the_template_first_then_the_rest(
    #[case] kind: WorkloadKind,
    #[case] object: serde_json::Value,
    #[case] expected: &str,
) {
    let text = object.to_string();
    let head = read_head(kind, &text).unwrap();
    let value = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    assert_eq!(value(template(&head).0.get()), value(expected));
    let workload = read_rest(kind, head).unwrap();
    assert_eq!(workload.entries.len(), 1);
    // Its edit site: after the image, as the pull policy is absent.
    assert_eq!(
        workload.entries[0].site.anchor.map(|a| a.get()),
        Some("\"a:1\"")
    );
    assert!(workload.template.is_some());
    // The one-pass read, for CREATEs and Pods, keeps no template.
    assert!(read(kind, &text).unwrap().template.is_none());
}

#[rstest]
#[case::template_is_null(json!({"spec": {"template": null}}), "spec.template is missing")]
#[case::template_is_a_list(json!({"spec": {"template": []}}), "spec.template is a list, must be an object")]
#[case::no_template(json!({"spec": {}}), "spec.template is missing")]
#[case::template_without_spec(json!({"spec": {"template": {"metadata": {}}}}), "spec.template.spec is missing")]
fn an_unreadable_template_is_named(#[case] object: serde_json::Value, #[case] expected: &str) {
    let text = object.to_string();
    let error = read_head(WorkloadKind::Deployment, &text)
        .and_then(|head| read_rest(WorkloadKind::Deployment, head).map(drop))
        .unwrap_err();
    assert_eq!(error.to_string(), expected);
}
