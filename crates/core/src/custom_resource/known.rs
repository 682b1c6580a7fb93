//! The custom resources the policy knows: a line `@group`, then one line
//! for each of its kinds, `Kind` (`Kind!` when its spec is immutable) and
//! its places, each `<shape>:<path>`, read from the project's own type definitions (the file
//! each line cites, in the project's repository). A `customResources`
//! setting of the same group and kind replaces a line.
//!
//! Shapes: `t` a pod template, `s` a pod spec, `c` a container, `d` a
//! container whose unset pull policy its operator makes `IfNotPresent`, `w`
//! an Argo workflow spec and `k` a Tekton task spec (each stands for the
//! places it holds). Text, not a table of structs: a few kilobytes less of
//! policy.wasm, read only for a request of a kind the policy does not own.

use std::borrow::Cow;

use super::{CustomResource, Place, Shape, Unset};

static KNOWN: &str = concat!(
    // argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/types.go (`RolloutSpec.Template`;
    // a `workloadRef` leaves it empty: nothing of the Rollout is judged, its Pods are),
    // experiment_types.go (`TemplateSpec.Template`), analysis_types.go (`JobMetric.Spec`).
    "@argoproj.io\n",
    "Rollout t:spec.template\n",
    "Experiment t:spec.templates[*].template\n",
    "AnalysisTemplate t:spec.metrics[*].provider.job.spec.template\n",
    "ClusterAnalysisTemplate t:spec.metrics[*].provider.job.spec.template\n",
    "AnalysisRun t:spec.metrics[*].provider.job.spec.template\n",
    // argoproj/argo-workflows pkg/apis/workflow/v1alpha1/workflow_types.go
    // (`WorkflowSpec`, `Template`), cron_workflow_types.go (`CronWorkflowSpec.WorkflowSpec`).
    "Workflow w:spec\n",
    "WorkflowTemplate w:spec\n",
    "ClusterWorkflowTemplate w:spec\n",
    "CronWorkflow w:spec.workflowSpec\n",
    // knative/serving pkg/apis/serving/v1: a RevisionTemplateSpec (a change
    // of its metadata too makes a Revision) whose spec inlines a PodSpec;
    // revision_validation.go (a Revision's spec is immutable).
    "@serving.knative.dev\n",
    "Service t:spec.template\n",
    "Configuration t:spec.template\n",
    "Revision! s:spec\n",
    // kedacore/keda apis/keda/v1alpha1/scaledjob_types.go (`JobTargetRef`, a JobSpec).
    "@keda.sh\n",
    "ScaledJob t:spec.jobTargetRef.template\n",
    // kubernetes-sigs/jobset api/jobset/v1alpha2/jobset_types.go; its webhook
    // refuses template changes (pkg/webhooks/jobset_webhook.go).
    "@jobset.x-k8s.io\n",
    "JobSet! t:spec.replicatedJobs[*].template.spec.template\n",
    // kubernetes-sigs/lws api/leaderworkerset/v1/leaderworkerset_types.go.
    "@leaderworkerset.x-k8s.io\n",
    "LeaderWorkerSet t:spec.leaderWorkerTemplate.leaderTemplate t:spec.leaderWorkerTemplate.workerTemplate\n",
    // openkruise/kruise apis/apps/v1alpha1 and v1beta1 (`*_types.go`); its
    // webhook refuses an AdvancedCronJob's template changes.
    "@apps.kruise.io\n",
    "CloneSet t:spec.template\n",
    "StatefulSet t:spec.template\n",
    "DaemonSet t:spec.template\n",
    "BroadcastJob t:spec.template\n",
    "AdvancedCronJob! t:spec.template.jobTemplate.spec.template t:spec.template.broadcastJobTemplate.spec.template\n",
    "UnitedDeployment t:spec.template.statefulSetTemplate.spec.template t:spec.template.advancedStatefulSetTemplate.spec.template t:spec.template.cloneSetTemplate.spec.template t:spec.template.deploymentTemplate.spec.template\n",
    "SidecarSet c:spec.containers[*] c:spec.initContainers[*]\n",
    // kubeflow/trainer branch release-1.9 pkg/apis/kubeflow.org/v1 (`*ReplicaSpecs`,
    // maps keyed by replica type; MXJob from training-operator v1.8.0, removed
    // in 1.9); kubeflow/mpi-operator pkg/apis/kubeflow/v2beta1/types.go.
    "@kubeflow.org\n",
    "TFJob t:spec.tfReplicaSpecs.*.template\n",
    "PyTorchJob t:spec.pytorchReplicaSpecs.*.template\n",
    "MXJob t:spec.mxReplicaSpecs.*.template\n",
    "XGBoostJob t:spec.xgbReplicaSpecs.*.template\n",
    "PaddleJob t:spec.paddleReplicaSpecs.*.template\n",
    "JAXJob t:spec.jaxReplicaSpecs.*.template\n",
    "MPIJob t:spec.mpiReplicaSpecs.*.template\n",
    // kubeflow/trainer v2 pkg/apis/trainer/v1alpha1: a TrainJob names no
    // pull policy (its runtime's template does), and its trainer is immutable.
    "@trainer.kubeflow.org\n",
    "TrainJob!\n",
    "TrainingRuntime t:spec.template.spec.replicatedJobs[*].template.spec.template\n",
    "ClusterTrainingRuntime t:spec.template.spec.replicatedJobs[*].template.spec.template\n",
    // ray-project/kuberay ray-operator/apis/ray/v1 (raycluster_types.go,
    // rayjob_types.go, rayservice_types.go): the autoscaler's unset policy is IfNotPresent.
    "@ray.io\n",
    "RayCluster t:spec.headGroupSpec.template t:spec.workerGroupSpecs[*].template d:spec.autoscalerOptions\n",
    "RayJob t:spec.rayClusterSpec.headGroupSpec.template t:spec.rayClusterSpec.workerGroupSpecs[*].template d:spec.rayClusterSpec.autoscalerOptions t:spec.submitterPodTemplate\n",
    "RayService t:spec.rayClusterConfig.headGroupSpec.template t:spec.rayClusterConfig.workerGroupSpecs[*].template d:spec.rayClusterConfig.autoscalerOptions\n",
    // volcano-sh/apis pkg/apis/batch/v1alpha1/job.go; its webhook allows only
    // replicas, minAvailable and priorityClassName to change.
    "@batch.volcano.sh\n",
    "Job! t:spec.tasks[*].template\n",
    // tektoncd/pipeline pkg/apis/pipeline/v1 (container_types.go, task_types.go,
    // pipeline_types.go); a run's spec is immutable (taskrun_validation.go,
    // pipelinerun_validation.go).
    "@tekton.dev\n",
    "Task k:spec\n",
    "TaskRun! k:spec.taskSpec\n",
    "Pipeline k:spec.tasks[*].taskSpec k:spec.finally[*].taskSpec\n",
    "PipelineRun! k:spec.pipelineSpec.tasks[*].taskSpec k:spec.pipelineSpec.finally[*].taskSpec\n",
    // apache/flink-kubernetes-operator FlinkDeploymentSpec.java: its
    // `imagePullPolicy` (IfNotPresent when unset) is the main container's.
    "@flink.apache.org\n",
    "FlinkDeployment d:spec t:spec.podTemplate t:spec.jobManager.podTemplate t:spec.taskManager.podTemplate\n",
    // kubeflow/spark-operator api/v1beta2/sparkapplication_types.go and
    // scheduledsparkapplication_types.go.
    "@sparkoperator.k8s.io\n",
    "SparkApplication d:spec t:spec.driver.template t:spec.executor.template c:spec.driver.sidecars[*] c:spec.driver.initContainers[*] c:spec.executor.sidecars[*] c:spec.executor.initContainers[*]\n",
    "ScheduledSparkApplication d:spec.template t:spec.template.driver.template t:spec.template.executor.template c:spec.template.driver.sidecars[*] c:spec.template.driver.initContainers[*] c:spec.template.executor.sidecars[*] c:spec.template.executor.initContainers[*]\n",
);

/// Where an Argo Workflows template keeps containers (`Template`): its
/// container, script, container set, init containers and sidecars.
const ARGO_TEMPLATE: [&str; 5] = [
    ".container",
    ".script",
    ".containerSet.containers[*]",
    ".initContainers[*]",
    ".sidecars[*]",
];

/// The templates of a workflow spec: each of its templates, the inline
/// templates of their steps and DAG tasks (one level deep), and its
/// `templateDefaults`.
const ARGO_TEMPLATES: [&str; 4] = [
    ".templates[*]",
    ".templates[*].steps[*][*].inline",
    ".templates[*].dag.tasks[*].inline",
    ".templateDefaults",
];

/// A Tekton step: its unset policy is its task's `stepTemplate`'s.
const STEP: Shape = Shape::Container {
    inherits: Some("stepTemplate"),
    unset: Unset::ByTag,
};

/// The known custom resource of `group` and `kind`.
pub(crate) fn find(group: &str, kind: &str) -> Option<CustomResource> {
    let (line_group, line) = lines().find(|(g, line)| *g == group && kind_of(line).0 == kind)?;
    let mut words = line.split(' ');
    let (line_kind, immutable) = kind_of(words.next()?);
    let mut all = Vec::new();
    for word in words {
        all.append(&mut places(word));
    }
    Some(CustomResource {
        group: Cow::Borrowed(line_group),
        kind: Cow::Borrowed(line_kind),
        places: all,
        immutable,
    })
}

/// Each kind's line, with its group.
fn lines() -> impl Iterator<Item = (&'static str, &'static str)> {
    let mut group = "";
    KNOWN
        .lines()
        .filter_map(move |line| match line.strip_prefix('@') {
            Some(next) => {
                group = next;
                None
            }
            None => Some((group, line)),
        })
}

/// Every known (group, kind).
pub(crate) fn known_kinds() -> Vec<(&'static str, &'static str)> {
    lines()
        .map(|(group, line)| (group, kind_of(line).0))
        .collect()
}

/// A line's kind, and whether its spec is immutable.
fn kind_of(line: &'static str) -> (&'static str, bool) {
    let kind = line.split(' ').next().unwrap_or_default();
    (kind.trim_end_matches('!'), kind.ends_with('!'))
}

/// Every known custom resource, for the tests and the docs.
#[cfg(test)]
pub(crate) fn all() -> Vec<CustomResource> {
    lines()
        .filter_map(|(group, line)| find(group, kind_of(line).0))
        .collect()
}

/// The places one `<shape>:<path>` word stands for.
fn places(word: &'static str) -> Vec<Place> {
    let (shape, path) = word.split_once(':').unwrap_or(("", word));
    let one = |shape| vec![Place::at(Cow::Borrowed(path), shape)];
    match shape {
        "t" => one(Shape::PodTemplate),
        "s" => one(Shape::PodSpec),
        "c" => one(Shape::CONTAINER),
        "d" => one(Shape::Container {
            inherits: None,
            unset: Unset::IfNotPresent,
        }),
        "w" => {
            let mut all = Vec::with_capacity(ARGO_TEMPLATES.len() * ARGO_TEMPLATE.len());
            for template in ARGO_TEMPLATES {
                for container in ARGO_TEMPLATE {
                    let at = [path, template, container].concat();
                    all.push(Place::at(Cow::Owned(at), Shape::CONTAINER));
                }
            }
            all
        }
        "k" => vec![
            Place::at(Cow::Owned([path, ".steps[*]"].concat()), STEP),
            Place::at(
                Cow::Owned([path, ".sidecars[*]"].concat()),
                Shape::CONTAINER,
            ),
            Place::at(
                Cow::Owned([path, ".stepTemplate"].concat()),
                Shape::CONTAINER,
            ),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line reads: a known group and kind, and each word a shape the
    /// reader knows (a typo would leave a place unread).
    #[test]
    fn every_line_is_a_known_resource() {
        for (group, line) in lines() {
            let mut words = line.split(' ');
            let kind = words.next().unwrap_or_default();
            assert!(
                super::super::group_problem(group).is_none(),
                "{group} {line}"
            );
            assert!(
                super::super::kind_problem(kind_of(kind).0).is_none(),
                "{group} {line}"
            );
            for word in words {
                assert!(!places(word).is_empty(), "{group} {line}: {word}");
            }
        }
        assert_eq!(all().len(), lines().count());
        assert_eq!(all().len(), 43);
    }

    #[test]
    fn a_workflow_spec_and_a_task_spec_stand_for_their_places() {
        let workflow = find("argoproj.io", "CronWorkflow").unwrap();
        assert_eq!(workflow.places.len(), 20);
        assert_eq!(
            workflow.places[0].path,
            "spec.workflowSpec.templates[*].container"
        );
        let pipeline = find("tekton.dev", "Pipeline").unwrap();
        let paths: Vec<&str> = pipeline.places.iter().map(|p| p.path.as_ref()).collect();
        assert_eq!(
            paths,
            [
                "spec.tasks[*].taskSpec.steps[*]",
                "spec.tasks[*].taskSpec.sidecars[*]",
                "spec.tasks[*].taskSpec.stepTemplate",
                "spec.finally[*].taskSpec.steps[*]",
                "spec.finally[*].taskSpec.sidecars[*]",
                "spec.finally[*].taskSpec.stepTemplate",
            ]
        );
        assert!(find("tekton.dev", "PipelineRun").unwrap().immutable);
        assert!(!pipeline.immutable);
    }

    /// A line as docs/behaviour.md's table shows it: group, kind, places
    /// and whether its spec is immutable.
    fn row(group: &str, line: &'static str) -> String {
        let mut words = line.split(' ');
        let (kind, immutable) = kind_of(words.next().unwrap_or_default());
        let places: Vec<String> = words
            .map(|word| {
                let (shape, path) = word.split_once(':').unwrap_or_default();
                let what = match shape {
                    "t" => "pod template",
                    "s" => "pod spec",
                    "c" => "container",
                    "d" => "image and pull policy, unset is IfNotPresent",
                    "w" => "workflow spec",
                    "k" => "task spec",
                    _ => "?",
                };
                format!("`{path}` ({what})")
            })
            .collect();
        let places = match places.is_empty() {
            true => "none (its runtime's templates)".to_owned(),
            false => places.join("<br>"),
        };
        let immutable = if immutable { "yes" } else { "" };
        format!("| `{group}` | {kind} | {places} | {immutable} |")
    }

    /// docs/behaviour.md lists every known kind with its places, and no
    /// other: `cargo test -p always-pull-images-core -- --ignored
    /// print_the_docs_table` prints the table's rows.
    #[test]
    fn the_docs_table_is_the_known_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/behaviour.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let section = docs
            .split("\n## ")
            .find(|section| section.starts_with("Custom resources\n"))
            .unwrap();
        let documented: Vec<&str> = section
            .lines()
            .filter(|line| line.starts_with("| `"))
            .collect();
        for (group, line) in lines() {
            let row = row(group, line);
            assert!(
                documented.iter().any(|d| d.starts_with(&row)),
                "docs/behaviour.md lacks the row {row}"
            );
        }
        assert_eq!(documented.len(), lines().count(), "{documented:#?}");
    }

    #[test]
    #[ignore = "prints the rows of docs/behaviour.md's table"]
    fn print_the_docs_table() {
        for (group, line) in lines() {
            println!("{}", row(group, line));
        }
    }

    #[test]
    fn a_kind_of_another_group_is_not_known() {
        assert!(find("apps", "StatefulSet").is_none());
        assert!(find("apps.kruise.io", "StatefulSet").is_some());
        assert!(find("argoproj.io", "rollout").is_none());
    }
}
