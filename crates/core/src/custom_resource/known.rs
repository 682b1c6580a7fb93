//! The custom resources the policy knows: one row each, its places read
//! from the project's own type definitions (the file each row cites, in the
//! project's repository). A `customResources` setting of the same group and
//! kind replaces a row.

use std::borrow::Cow;

use super::{CustomResource, Place, Shape, Unset};

const fn place(path: &'static str, shape: Shape) -> Place {
    Place {
        path: Cow::Borrowed(path),
        shape,
    }
}

const fn template(path: &'static str) -> Place {
    place(path, Shape::PodTemplate)
}

const fn pod_spec(path: &'static str) -> Place {
    place(path, Shape::PodSpec)
}

const fn container(path: &'static str) -> Place {
    place(path, Shape::CONTAINER)
}

/// A container whose unset policy its operator makes `IfNotPresent`.
const fn operator_defaulted(path: &'static str) -> Place {
    place(
        path,
        Shape::Container {
            inherits: None,
            unset: Unset::IfNotPresent,
        },
    )
}

const fn row(
    group: &'static str,
    kind: &'static str,
    places: &'static [Place],
    immutable: bool,
) -> CustomResource {
    CustomResource {
        group: Cow::Borrowed(group),
        kind: Cow::Borrowed(kind),
        places: Cow::Borrowed(places),
        immutable,
    }
}

/// A workflow spec at `$s` (workflow_types.go, `WorkflowSpec` and
/// `Template`): each template's container, script, container set, init
/// containers and sidecars, for its templates, the inline templates of their
/// steps and DAG tasks (one level deep), and its `templateDefaults`.
macro_rules! argo_workflow_spec {
    ($s:literal) => {
        [
            container(concat!($s, ".templates[*].container")),
            container(concat!($s, ".templates[*].script")),
            container(concat!($s, ".templates[*].containerSet.containers[*]")),
            container(concat!($s, ".templates[*].initContainers[*]")),
            container(concat!($s, ".templates[*].sidecars[*]")),
            container(concat!($s, ".templates[*].steps[*][*].inline.container")),
            container(concat!($s, ".templates[*].steps[*][*].inline.script")),
            container(concat!($s, ".templates[*].steps[*][*].inline.containerSet.containers[*]")),
            container(concat!($s, ".templates[*].steps[*][*].inline.initContainers[*]")),
            container(concat!($s, ".templates[*].steps[*][*].inline.sidecars[*]")),
            container(concat!($s, ".templates[*].dag.tasks[*].inline.container")),
            container(concat!($s, ".templates[*].dag.tasks[*].inline.script")),
            container(concat!($s, ".templates[*].dag.tasks[*].inline.containerSet.containers[*]")),
            container(concat!($s, ".templates[*].dag.tasks[*].inline.initContainers[*]")),
            container(concat!($s, ".templates[*].dag.tasks[*].inline.sidecars[*]")),
            container(concat!($s, ".templateDefaults.container")),
            container(concat!($s, ".templateDefaults.script")),
            container(concat!($s, ".templateDefaults.containerSet.containers[*]")),
            container(concat!($s, ".templateDefaults.initContainers[*]")),
            container(concat!($s, ".templateDefaults.sidecars[*]")),
        ]
    };
}

/// A Tekton task spec at `$t` (pipeline/v1 `TaskSpec`): its steps (whose
/// unset policy is their `stepTemplate`'s), sidecars and step template.
macro_rules! tekton_task {
    ($t:literal) => {
        [
            place(concat!($t, ".steps[*]"), STEP),
            container(concat!($t, ".sidecars[*]")),
            container(concat!($t, ".stepTemplate")),
        ]
    };
}

/// Two task specs' places (a Pipeline's tasks and its `finally` tasks).
macro_rules! tekton_tasks {
    ($a:literal, $b:literal) => {
        [
            place(concat!($a, ".steps[*]"), STEP),
            container(concat!($a, ".sidecars[*]")),
            container(concat!($a, ".stepTemplate")),
            place(concat!($b, ".steps[*]"), STEP),
            container(concat!($b, ".sidecars[*]")),
            container(concat!($b, ".stepTemplate")),
        ]
    };
}

/// A Tekton step: its unset policy is its task's `stepTemplate`'s.
const STEP: Shape = Shape::Container {
    inherits: Some("stepTemplate"),
    unset: Unset::ByTag,
};

/// A Spark application spec at `$s`: its image (IfNotPresent when unset),
/// the driver's and executors' pod templates, sidecars and init containers.
macro_rules! spark {
    ($s:literal) => {
        [
            operator_defaulted($s),
            template(concat!($s, ".driver.template")),
            template(concat!($s, ".executor.template")),
            container(concat!($s, ".driver.sidecars[*]")),
            container(concat!($s, ".driver.initContainers[*]")),
            container(concat!($s, ".executor.sidecars[*]")),
            container(concat!($s, ".executor.initContainers[*]")),
        ]
    };
}

static ARGO_WORKFLOW: [Place; 20] = argo_workflow_spec!("spec");
static ARGO_CRON_WORKFLOW: [Place; 20] = argo_workflow_spec!("spec.workflowSpec");
static TEKTON_TASK: [Place; 3] = tekton_task!("spec");
static TEKTON_TASK_RUN: [Place; 3] = tekton_task!("spec.taskSpec");
static TEKTON_PIPELINE: [Place; 6] = tekton_tasks!("spec.tasks[*].taskSpec", "spec.finally[*].taskSpec");
static TEKTON_PIPELINE_RUN: [Place; 6] = tekton_tasks!(
    "spec.pipelineSpec.tasks[*].taskSpec",
    "spec.pipelineSpec.finally[*].taskSpec"
);
// A RevisionTemplateSpec: a change of its metadata too makes a new Revision.
static KNATIVE: [Place; 1] = [template("spec.template")];
static ROLLOUT_ANALYSIS: [Place; 1] = [template("spec.metrics[*].provider.job.spec.template")];
static KRUISE: [Place; 1] = [template("spec.template")];
static TRAINING_RUNTIME: [Place; 1] = [template("spec.template.spec.replicatedJobs[*].template.spec.template")];
static RAY_CLUSTER: [Place; 3] = [
    template("spec.headGroupSpec.template"),
    template("spec.workerGroupSpecs[*].template"),
    operator_defaulted("spec.autoscalerOptions"),
];
static SPARK: [Place; 7] = spark!("spec");
static SCHEDULED_SPARK: [Place; 7] = spark!("spec.template");

/// Every known custom resource, each with the type definition its places
/// come from.
static ROLLOUT: [Place; 1] = [template("spec.template")];
static EXPERIMENT: [Place; 1] = [template("spec.templates[*].template")];
static REVISION: [Place; 1] = [pod_spec("spec")];
static SCALED_JOB: [Place; 1] = [template("spec.jobTargetRef.template")];
static JOB_SET: [Place; 1] = [template("spec.replicatedJobs[*].template.spec.template")];
static LEADER_WORKER_SET: [Place; 2] = [template("spec.leaderWorkerTemplate.leaderTemplate"), template("spec.leaderWorkerTemplate.workerTemplate")];
static ADVANCED_CRON_JOB: [Place; 2] = [template("spec.template.jobTemplate.spec.template"), template("spec.template.broadcastJobTemplate.spec.template")];
static UNITED_DEPLOYMENT: [Place; 4] = [template("spec.template.statefulSetTemplate.spec.template"), template("spec.template.advancedStatefulSetTemplate.spec.template"), template("spec.template.cloneSetTemplate.spec.template"), template("spec.template.deploymentTemplate.spec.template")];
static SIDECAR_SET: [Place; 2] = [container("spec.containers[*]"), container("spec.initContainers[*]")];
static TF_JOB: [Place; 1] = [template("spec.tfReplicaSpecs.*.template")];
static PYTORCH_JOB: [Place; 1] = [template("spec.pytorchReplicaSpecs.*.template")];
static MX_JOB: [Place; 1] = [template("spec.mxReplicaSpecs.*.template")];
static XGBOOST_JOB: [Place; 1] = [template("spec.xgbReplicaSpecs.*.template")];
static PADDLE_JOB: [Place; 1] = [template("spec.paddleReplicaSpecs.*.template")];
static JAX_JOB: [Place; 1] = [template("spec.jaxReplicaSpecs.*.template")];
static MPI_JOB: [Place; 1] = [template("spec.mpiReplicaSpecs.*.template")];
static TRAIN_JOB: [Place; 0] = [];
static RAY_JOB: [Place; 4] = [template("spec.rayClusterSpec.headGroupSpec.template"), template("spec.rayClusterSpec.workerGroupSpecs[*].template"), operator_defaulted("spec.rayClusterSpec.autoscalerOptions"), template("spec.submitterPodTemplate")];
static RAY_SERVICE: [Place; 3] = [template("spec.rayClusterConfig.headGroupSpec.template"), template("spec.rayClusterConfig.workerGroupSpecs[*].template"), operator_defaulted("spec.rayClusterConfig.autoscalerOptions")];
static VOLCANO_JOB: [Place; 1] = [template("spec.tasks[*].template")];
static FLINK_DEPLOYMENT: [Place; 4] = [operator_defaulted("spec"), template("spec.podTemplate"), template("spec.jobManager.podTemplate"), template("spec.taskManager.podTemplate")];

pub(crate) static KNOWN: [CustomResource; 43] = [
    // argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/types.go (`RolloutSpec.Template`;
    // a `workloadRef` leaves it empty: nothing of the Rollout is judged, its Pods are).
    row("argoproj.io", "Rollout", &ROLLOUT, false),
    // experiment_types.go (`TemplateSpec.Template`).
    row("argoproj.io", "Experiment", &EXPERIMENT, false),
    // analysis_types.go (`JobMetric.Spec`, a JobSpec).
    row("argoproj.io", "AnalysisTemplate", &ROLLOUT_ANALYSIS, false),
    row("argoproj.io", "ClusterAnalysisTemplate", &ROLLOUT_ANALYSIS, false),
    row("argoproj.io", "AnalysisRun", &ROLLOUT_ANALYSIS, false),
    // argoproj/argo-workflows pkg/apis/workflow/v1alpha1/workflow_types.go,
    // cron_workflow_types.go (`CronWorkflowSpec.WorkflowSpec`).
    row("argoproj.io", "Workflow", &ARGO_WORKFLOW, false),
    row("argoproj.io", "WorkflowTemplate", &ARGO_WORKFLOW, false),
    row("argoproj.io", "ClusterWorkflowTemplate", &ARGO_WORKFLOW, false),
    row("argoproj.io", "CronWorkflow", &ARGO_CRON_WORKFLOW, false),
    // knative/serving pkg/apis/serving/v1/service_types.go and
    // configuration_types.go (`RevisionTemplateSpec`), revision_types.go
    // (`RevisionSpec` inlines a PodSpec); revision_validation.go (a
    // Revision's spec is immutable).
    row("serving.knative.dev", "Service", &KNATIVE, false),
    row("serving.knative.dev", "Configuration", &KNATIVE, false),
    row("serving.knative.dev", "Revision", &REVISION, true),
    // kedacore/keda apis/keda/v1alpha1/scaledjob_types.go (`JobTargetRef`, a JobSpec).
    row("keda.sh", "ScaledJob", &SCALED_JOB, false),
    // kubernetes-sigs/jobset api/jobset/v1alpha2/jobset_types.go; its
    // webhook refuses template changes (pkg/webhooks/jobset_webhook.go).
    row("jobset.x-k8s.io", "JobSet", &JOB_SET, true),
    // kubernetes-sigs/lws api/leaderworkerset/v1/leaderworkerset_types.go.
    row("leaderworkerset.x-k8s.io", "LeaderWorkerSet", &LEADER_WORKER_SET,
        false,
    ),
    // openkruise/kruise apis/apps/v1alpha1 and v1beta1 (`*_types.go`); its
    // webhook refuses an AdvancedCronJob's template changes.
    row("apps.kruise.io", "CloneSet", &KRUISE, false),
    row("apps.kruise.io", "StatefulSet", &KRUISE, false),
    row("apps.kruise.io", "DaemonSet", &KRUISE, false),
    row("apps.kruise.io", "BroadcastJob", &KRUISE, false),
    row("apps.kruise.io", "AdvancedCronJob", &ADVANCED_CRON_JOB,
        true,
    ),
    row("apps.kruise.io", "UnitedDeployment", &UNITED_DEPLOYMENT,
        false,
    ),
    row("apps.kruise.io", "SidecarSet", &SIDECAR_SET, false),
    // kubeflow/trainer v1 pkg/apis/kubeflow.org/v1 (`*ReplicaSpecs`, maps
    // keyed by replica type); kubeflow/mpi-operator pkg/apis/kubeflow/v2beta1/types.go.
    row("kubeflow.org", "TFJob", &TF_JOB, false),
    row("kubeflow.org", "PyTorchJob", &PYTORCH_JOB, false),
    row("kubeflow.org", "MXJob", &MX_JOB, false),
    row("kubeflow.org", "XGBoostJob", &XGBOOST_JOB, false),
    row("kubeflow.org", "PaddleJob", &PADDLE_JOB, false),
    row("kubeflow.org", "JAXJob", &JAX_JOB, false),
    row("kubeflow.org", "MPIJob", &MPI_JOB, false),
    // kubeflow/trainer v2 pkg/apis/trainer/v1alpha1: a TrainJob names no
    // pull policy (its runtime's template does) and its trainer is immutable.
    row("trainer.kubeflow.org", "TrainJob", &TRAIN_JOB, true),
    row("trainer.kubeflow.org", "TrainingRuntime", &TRAINING_RUNTIME, false),
    row("trainer.kubeflow.org", "ClusterTrainingRuntime", &TRAINING_RUNTIME, false),
    // ray-project/kuberay ray-operator/apis/ray/v1 (raycluster_types.go,
    // rayjob_types.go, rayservice_types.go); the autoscaler's unset policy
    // is IfNotPresent.
    row("ray.io", "RayCluster", &RAY_CLUSTER, false),
    row("ray.io", "RayJob", &RAY_JOB,
        false,
    ),
    row("ray.io", "RayService", &RAY_SERVICE,
        false,
    ),
    // volcano-sh/apis pkg/apis/batch/v1alpha1/job.go; its webhook allows only
    // replicas, minAvailable and priorityClassName to change.
    row("batch.volcano.sh", "Job", &VOLCANO_JOB, true),
    // tektoncd/pipeline pkg/apis/pipeline/v1 (container_types.go,
    // task_types.go, pipeline_types.go); a run's spec is immutable
    // (taskrun_validation.go, pipelinerun_validation.go).
    row("tekton.dev", "Task", &TEKTON_TASK, false),
    row("tekton.dev", "TaskRun", &TEKTON_TASK_RUN, true),
    row("tekton.dev", "Pipeline", &TEKTON_PIPELINE, false),
    row("tekton.dev", "PipelineRun", &TEKTON_PIPELINE_RUN, true),
    // apache/flink-kubernetes-operator FlinkDeploymentSpec.java: its
    // `imagePullPolicy` (IfNotPresent when unset) is the main container's.
    row("flink.apache.org", "FlinkDeployment", &FLINK_DEPLOYMENT,
        false,
    ),
    // kubeflow/spark-operator api/v1beta2/sparkapplication_types.go and
    // scheduledsparkapplication_types.go.
    row("sparkoperator.k8s.io", "SparkApplication", &SPARK, false),
    row("sparkoperator.k8s.io", "ScheduledSparkApplication", &SCHEDULED_SPARK, false),
];

/// The known custom resource of `group` and `kind`.
pub(crate) fn find(group: &str, kind: &str) -> Option<&'static CustomResource> {
    KNOWN.iter().find(|resource| resource.is(group, kind))
}
