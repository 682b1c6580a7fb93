use super::*;
use crate::custom_resource::find_known;
use rstest::rstest;
use serde_json::json;

/// Each entry as (its pull-policy path, image, declared or inherited policy).
fn entries_of(
    group: &str,
    kind: &str,
    object: &serde_json::Value,
) -> Result<Vec<(String, String, Option<String>)>, String> {
    let resource = find_known(group, kind).unwrap();
    let text = object.to_string();
    let workload = read(&resource, &text).map_err(|e| e.to_string())?;
    Ok(workload
        .entries
        .iter()
        .map(|e| {
            (
                workload.policy_path(e).to_string(),
                e.image.to_string(),
                e.pull_policy.as_deref().map(str::to_owned),
            )
        })
        .collect())
}

fn row(path: &str, image: &str, policy: Option<&str>) -> (String, String, Option<String>) {
    (path.to_owned(), image.to_owned(), policy.map(str::to_owned))
}

fn pod_spec(image: &str) -> serde_json::Value {
    json!({"containers": [{"name": "main", "image": image, "imagePullPolicy": "IfNotPresent"}]})
}

#[rstest]
#[case::argo_rollout(
    "argoproj.io", "Rollout",
    json!({"spec": {"replicas": 2, "template": {"metadata": {}, "spec": pod_spec("a:1")}}}),
    vec![row("spec.template.spec.containers[0].imagePullPolicy", "a:1", Some("IfNotPresent"))]
)]
#[case::a_rollout_that_refers_to_a_workload_holds_nothing(
    "argoproj.io", "Rollout",
    json!({"spec": {"workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}),
    vec![]
)]
#[case::jobset_each_replicated_job(
    "jobset.x-k8s.io", "JobSet",
    json!({"spec": {"replicatedJobs": [
        {"name": "leader", "template": {"spec": {"template": {"spec": pod_spec("l:1")}}}},
        {"name": "workers", "template": {"spec": {"template": {"spec": pod_spec("w:1")}}}},
    ]}}),
    vec![
        row("spec.replicatedJobs[0].template.spec.template.spec.containers[0].imagePullPolicy", "l:1", Some("IfNotPresent")),
        row("spec.replicatedJobs[1].template.spec.template.spec.containers[0].imagePullPolicy", "w:1", Some("IfNotPresent")),
    ]
)]
#[case::kubeflow_replica_specs_keyed_by_type(
    "kubeflow.org", "TFJob",
    json!({"spec": {"tfReplicaSpecs": {
        "Chief": {"replicas": 1, "template": {"spec": pod_spec("c:1")}},
        "Worker": {"replicas": 4, "template": {"spec": pod_spec("w:1")}},
    }}}),
    vec![
        row("spec.tfReplicaSpecs.Chief.template.spec.containers[0].imagePullPolicy", "c:1", Some("IfNotPresent")),
        row("spec.tfReplicaSpecs.Worker.template.spec.containers[0].imagePullPolicy", "w:1", Some("IfNotPresent")),
    ]
)]
#[case::knative_service_pod_spec(
    "serving.knative.dev", "Service",
    json!({"spec": {"template": {"spec": {"containers": [{"image": "ghcr.io/acme/hello:1"}], "initContainers": [{"name": "init", "image": "busybox:1.36", "imagePullPolicy": "Always"}]}}}}),
    vec![
        row("spec.template.spec.initContainers[0].imagePullPolicy", "busybox:1.36", Some("Always")),
        row("spec.template.spec.containers[0].imagePullPolicy", "ghcr.io/acme/hello:1", None),
    ]
)]
#[case::argo_workflow_templates(
    "argoproj.io", "Workflow",
    json!({"spec": {"entrypoint": "main", "templates": [
        {"name": "main", "steps": [[{"name": "a", "template": "say"}, {"name": "b", "inline": {"container": {"image": "b:1"}}}]]},
        {"name": "say", "container": {"image": "s:1", "imagePullPolicy": "Never"}, "sidecars": [{"name": "db", "image": "db:1"}]},
        {"name": "js", "script": {"image": "node:22", "source": "1"}, "initContainers": [{"name": "i", "image": "i:1"}]},
        {"name": "set", "containerSet": {"containers": [{"name": "x", "image": "x:1"}]}},
    ]}}),
    vec![
        row("spec.templates[1].container.imagePullPolicy", "s:1", Some("Never")),
        row("spec.templates[2].script.imagePullPolicy", "node:22", None),
        row("spec.templates[3].containerSet.containers[0].imagePullPolicy", "x:1", None),
        row("spec.templates[2].initContainers[0].imagePullPolicy", "i:1", None),
        row("spec.templates[1].sidecars[0].imagePullPolicy", "db:1", None),
        row("spec.templates[0].steps[0][1].inline.container.imagePullPolicy", "b:1", None),
    ]
)]
#[case::cron_workflow_under_its_workflow_spec(
    "argoproj.io", "CronWorkflow",
    json!({"spec": {"schedule": "* * * * *", "workflowSpec": {"templates": [{"name": "t", "container": {"image": "t:1"}}]}}}),
    vec![row("spec.workflowSpec.templates[0].container.imagePullPolicy", "t:1", None)]
)]
#[case::tekton_steps_inherit_the_step_template(
    "tekton.dev", "Task",
    json!({"spec": {"stepTemplate": {"imagePullPolicy": "Always"}, "steps": [
        {"name": "own", "image": "o:1", "imagePullPolicy": "IfNotPresent"},
        {"name": "inherits", "image": "i:1"},
    ], "sidecars": [{"name": "s", "image": "s:1"}]}}),
    vec![
        row("spec.steps[0].imagePullPolicy", "o:1", Some("IfNotPresent")),
        row("spec.steps[1].imagePullPolicy", "i:1", Some("Always")),
        row("spec.sidecars[0].imagePullPolicy", "s:1", None),
    ]
)]
#[case::tekton_pipeline_task_specs(
    "tekton.dev", "Pipeline",
    json!({"spec": {"tasks": [{"name": "ref", "taskRef": {"name": "x"}}, {"name": "inline", "taskSpec": {"steps": [{"image": "a:1"}]}}], "finally": [{"name": "f", "taskSpec": {"steps": [{"image": "f:1"}]}}]}}),
    vec![
        row("spec.tasks[1].taskSpec.steps[0].imagePullPolicy", "a:1", None),
        row("spec.finally[0].taskSpec.steps[0].imagePullPolicy", "f:1", None),
    ]
)]
#[case::flink_image_and_pod_templates(
    "flink.apache.org", "FlinkDeployment",
    json!({"spec": {"image": "flink:1.20", "flinkVersion": "v1_20",
        "podTemplate": {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "flink-main-container", "volumeMounts": []}, {"name": "log", "image": "fluent-bit:3"}]}}}}),
    vec![
        row("spec.imagePullPolicy", "flink:1.20", None),
        row("spec.podTemplate.spec.containers[1].imagePullPolicy", "fluent-bit:3", None),
    ]
)]
#[case::null_places_hold_nothing(
    "ray.io", "RayCluster",
    json!({"spec": {"headGroupSpec": {"template": null}, "workerGroupSpecs": null, "autoscalerOptions": null}}),
    vec![]
)]
fn finds_every_place_of_a_known_resource(
    #[case] group: &str,
    #[case] kind: &str,
    #[case] object: serde_json::Value,
    #[case] expected: Vec<(String, String, Option<String>)>,
) {
    assert_eq!(entries_of(group, kind, &object), Ok(expected));
}

#[rstest]
#[case::templates_not_a_list(
    "argoproj.io", "Workflow",
    json!({"spec": {"templates": "main"}}),
    "spec.templates is a string, must be a list"
)]
#[case::a_container_not_an_object(
    "tekton.dev", "Task",
    json!({"spec": {"steps": [7]}}),
    "spec.steps[0] is a number, must be an object"
)]
#[case::an_image_not_a_string(
    "argoproj.io", "Rollout",
    json!({"spec": {"template": {"spec": {"containers": [{"image": ["a"]}]}}}}),
    "spec.template.spec.containers[0].image is a list, must be a string"
)]
#[case::a_policy_not_a_string(
    "flink.apache.org", "FlinkDeployment",
    json!({"spec": {"image": "flink:1.20", "imagePullPolicy": 1}}),
    "spec.imagePullPolicy is a number, must be a string"
)]
#[case::a_templates_spec_not_an_object(
    "argoproj.io", "Rollout",
    json!({"spec": {"template": {"spec": "x"}}}),
    "spec.template.spec is a string, must be an object"
)]
#[case::containers_not_a_list(
    "serving.knative.dev", "Revision",
    json!({"spec": {"containers": "app"}}),
    "spec.containers is a string, must be a list"
)]
#[case::the_object_not_an_object("argoproj.io", "Rollout", json!([1]), "object is a list, must be an object")]
#[case::metadata_not_an_object(
    "argoproj.io", "Rollout",
    json!({"metadata": "x", "spec": {}}),
    "metadata is a string, must be an object"
)]
fn an_unreadable_place_is_named(
    #[case] group: &str,
    #[case] kind: &str,
    #[case] object: serde_json::Value,
    #[case] expected: &str,
) {
    assert_eq!(entries_of(group, kind, &object), Err(expected.to_owned()));
}

/// An operator that defaults an unset policy to `IfNotPresent` (Flink's
/// image, KubeRay's autoscaler) does so whatever the tag; a pod template's
/// container is defaulted by its tag, as the Pod's will be.
#[test]
fn an_operators_default_does_not_read_the_tag() {
    let text = json!({"spec": {"image": "flink", "podTemplate": {"spec": {"containers": [{"name": "c", "image": "c"}]}}}}).to_string();
    let resource = find_known("flink.apache.org", "FlinkDeployment").unwrap();
    let workload = read(&resource, &text).unwrap();
    let by_tag: Vec<bool> = workload.entries.iter().map(|e| e.defaults_by_tag).collect();
    assert_eq!(by_tag, [false, true]);
}

/// Every known path reads: a typo in the table would fail every request of
/// its kind.
#[test]
fn every_known_path_is_a_path() {
    for resource in crate::custom_resource::all_known() {
        for place in resource.places.iter() {
            assert!(
                crate::custom_resource::path_steps(&place.path).is_ok(),
                "{}/{}: {}",
                resource.group,
                resource.kind,
                place.path
            );
        }
    }
}

/// The templates an UPDATE compares: one per place found, in order.
#[test]
fn each_place_keeps_its_value() {
    let object = json!({"spec": {"replicatedJobs": [
        {"template": {"spec": {"template": {"spec": pod_spec("a:1")}}}},
        {"template": {"spec": {"template": {"spec": pod_spec("b:1")}}}},
    ]}});
    let text = object.to_string();
    let resource = find_known("jobset.x-k8s.io", "JobSet").unwrap();
    let workload = read(&resource, &text).unwrap();
    assert_eq!(workload.templates.len(), 2);
    assert_eq!(
        workload.places,
        [
            "spec.replicatedJobs[0].template.spec.template.spec",
            "spec.replicatedJobs[1].template.spec.template.spec"
        ]
    );
}
