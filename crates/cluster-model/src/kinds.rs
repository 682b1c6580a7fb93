//! The kinds of object the model knows and how it names them: their API
//! group and version, where their pod template and pod spec are, and the key
//! an object is stored under.

use serde_json::Value;

/// The kinds the policy judges: Kubernetes' workloads, and two custom
/// resources whose controllers write them (the policy knows both, and the
/// model's rules name them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Pod,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    ReplicationController,
    /// An Argo Rollout (`argoproj.io/v1alpha1`): its controller makes
    /// ReplicaSets as a Deployment's does.
    Rollout,
    /// A Knative Service (`serving.knative.dev/v1`): its operator owns a
    /// Deployment and re-applies its template on every reconcile.
    KnativeService,
}

impl Kind {
    pub const TOP_LEVEL: [Kind; 10] = [
        Kind::Pod,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::Job,
        Kind::CronJob,
        Kind::ReplicationController,
        Kind::Rollout,
        Kind::KnativeService,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Pod => "Pod",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
            Kind::ReplicationController => "ReplicationController",
            Kind::Rollout => "Rollout",
            Kind::KnativeService => "Service",
        }
    }

    pub fn group(self) -> &'static str {
        match self {
            Kind::Pod | Kind::ReplicationController => "",
            Kind::Job | Kind::CronJob => "batch",
            Kind::Rollout => "argoproj.io",
            Kind::KnativeService => "serving.knative.dev",
            _ => "apps",
        }
    }

    pub fn version(self) -> &'static str {
        match self {
            Kind::Rollout => "v1alpha1",
            _ => "v1",
        }
    }

    pub fn api_version(self) -> String {
        match self.group() {
            "" => self.version().to_owned(),
            group => format!("{group}/{}", self.version()),
        }
    }

    pub fn resource(self) -> String {
        format!("{}s", self.name().to_lowercase())
    }

    /// Where the pod template is (JSON pointer); a Pod has none.
    pub fn template_pointer(self) -> Option<&'static str> {
        match self {
            Kind::Pod => None,
            Kind::CronJob => Some("/spec/jobTemplate/spec/template"),
            _ => Some("/spec/template"),
        }
    }

    /// Where the pod spec is (JSON pointer).
    pub fn pod_spec_pointer(self) -> &'static str {
        match self {
            Kind::Pod => "/spec",
            Kind::CronJob => "/spec/jobTemplate/spec/template/spec",
            _ => "/spec/template/spec",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl Key {
    pub fn of(kind: Kind, object: &Value) -> Key {
        let text = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Key {
            kind,
            namespace: text("/metadata/namespace"),
            name: text("/metadata/name"),
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind.name(), self.namespace, self.name)
    }
}
