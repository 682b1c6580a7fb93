//! Each of `examples/*.yaml` as users copy it: its webhook configurations
//! derived as kubewarden-controller derives them, its policies (with their
//! own settings) on a policy server of their own, and writes that show what
//! the example promises: rejected, patched or warned about in the
//! namespaces it covers, left alone where its settings exempt.

use serde_json::{Value, json};

use cluster_model::objects::Kind;
use real_cluster::api::{Api, collection};
use real_cluster::cluster::outcome;
use real_cluster::differential::judged;
use real_cluster::manifests::Policy;
use real_cluster::stack::Stack;
use real_cluster::waiting::wait_for;

use cluster_model::api_server::Outcome;

use crate::Seen;

/// An example, the namespace it covers, and what a non-compliant
/// Deployment there, one in `kube-system` and one from a trusted registry
/// come to.
struct Case {
    file: &'static str,
    namespace: &'static str,
    seen: Seen,
    in_kube_system: Seen,
    trusted_image: (&'static str, Seen),
}

const CASES: [Case; 5] = [
    Case {
        file: "validate.yaml",
        namespace: "example-validate",
        seen: Seen::Refused,
        in_kube_system: Seen::AsWritten,
        trusted_image: ("registry.k8s.io/pause:3.9", Seen::AsWritten),
    },
    Case {
        file: "mutate.yaml",
        namespace: "example-mutate",
        seen: Seen::Patched,
        in_kube_system: Seen::AsWritten,
        trusted_image: ("registry.k8s.io/pause:3.9", Seen::Patched),
    },
    Case {
        file: "mutate-and-validate.yaml",
        namespace: "example-pair",
        seen: Seen::Patched,
        in_kube_system: Seen::AsWritten,
        trusted_image: ("registry.k8s.io/pause:3.9", Seen::AsWritten),
    },
    Case {
        file: "warn-only.yaml",
        namespace: "example-warn-only",
        seen: Seen::Warned,
        in_kube_system: Seen::AsWritten,
        trusted_image: ("registry.k8s.io/pause:3.9", Seen::AsWritten),
    },
    // An AdmissionPolicy covers its own namespace only (kube-system too is
    // outside it).
    Case {
        file: "namespaced.yaml",
        namespace: "team-payments",
        seen: Seen::Patched,
        in_kube_system: Seen::AsWritten,
        trusted_image: (
            "registry.payments.example.com/team-payments/api:1.0",
            Seen::AsWritten,
        ),
    },
];

pub fn as_written(stack: &mut Stack) -> Result<String, String> {
    let mut writes = 0;
    for case in &CASES {
        writes += check(stack, case).map_err(|e| format!("{}: {e}", case.file))?;
    }
    Ok(format!(
        "{} examples, {writes} writes as their comments promise",
        CASES.len()
    ))
}

fn check(stack: &Stack, case: &Case) -> Result<usize, String> {
    let api = &stack.plane.api;
    let policies = stack.tools.example(case.file)?;
    let server = stack.serve(&policies)?;
    stack.namespace(case.namespace)?;
    stack.install(&policies, &stack.endpoint(server.port)?)?;
    let result = writes(api, case, &policies);
    stack.uninstall(&policies)?;
    api.delete(&format!("/api/v1/namespaces/{}", case.namespace))?;
    for name in ["example-in-kube-system"] {
        api.delete(&format!(
            "{}/{name}",
            collection(Kind::Deployment, "kube-system")
        ))?;
    }
    result
}

fn writes(api: &Api, case: &Case, policies: &[Policy]) -> Result<usize, String> {
    wait_for(
        "the example's webhooks judging",
        std::time::Duration::from_secs(30),
        || Ok(judged(api, case.namespace)?.then_some(())),
    )?;
    let expect = |what: &str, seen: Seen, expected: Seen| match seen == expected {
        true => Ok(()),
        false => Err(format!(
            "{what}: {seen:?}, the example promises {expected:?} ({} policies)",
            policies.len()
        )),
    };
    let seen = write(
        api,
        case.namespace,
        &deployment("example-if-not-present", "nginx:1.25"),
    )?;
    expect("a Deployment that pulls IfNotPresent", seen, case.seen)?;
    let seen = write(
        api,
        "kube-system",
        &deployment("example-in-kube-system", "nginx:1.25"),
    )?;
    expect("the same in kube-system", seen, case.in_kube_system)?;
    let (image, expected) = case.trusted_image;
    let seen = write(api, case.namespace, &deployment("example-trusted", image))?;
    expect(&format!("a Deployment of {image}"), seen, expected)?;
    let compliant = write(
        api,
        case.namespace,
        &deployment_pulling("example-always", "nginx:1.25", "Always"),
    )?;
    expect("a Deployment that pulls Always", compliant, Seen::AsWritten)?;
    // 1.20 serves CronJobs at batch/v1beta1 only, which the examples'
    // `batch/v1` rule does not reach (docs/behaviour.md says to add it
    // there): its write is not judged.
    let cron = write(
        api,
        case.namespace,
        &cronjob("example-cronjob", "nginx:1.25"),
    )?;
    expect(
        "a batch/v1beta1 CronJob (not in the examples' rules)",
        cron,
        Seen::AsWritten,
    )?;
    Ok(5)
}

fn write(api: &Api, namespace: &str, object: &Value) -> Result<Seen, String> {
    let kind = match object["kind"].as_str() {
        Some("CronJob") => Kind::CronJob,
        _ => Kind::Deployment,
    };
    let answer = api.post(&collection(kind, namespace), object)?;
    let stored = answer.body.pointer(&format!(
        "{}/containers/0/imagePullPolicy",
        kind.pod_spec_pointer()
    ));
    let sent = object.pointer(&format!(
        "{}/containers/0/imagePullPolicy",
        kind.pod_spec_pointer()
    ));
    Ok(match outcome(&answer) {
        Outcome::Admitted if stored != sent => Seen::Patched,
        Outcome::Admitted if !answer.warnings.is_empty() => Seen::Warned,
        Outcome::Admitted => Seen::AsWritten,
        Outcome::Rejected(_) => Seen::Refused,
        Outcome::Invalid(why) => return Err(format!("the API server refused the write: {why}")),
    })
}

fn template(name: &str, image: &str, policy: &str) -> Value {
    json!({"metadata": {"labels": {"app": name}}, "spec": {"containers": [
        {"name": "app", "image": image, "imagePullPolicy": policy},
    ]}})
}

fn deployment(name: &str, image: &str) -> Value {
    deployment_pulling(name, image, "IfNotPresent")
}

fn deployment_pulling(name: &str, image: &str, policy: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
           "spec": {"replicas": 0, "selector": {"matchLabels": {"app": name}}, "template": template(name, image, policy)}})
}

fn cronjob(name: &str, image: &str) -> Value {
    let mut template = template(name, image, "IfNotPresent");
    template["spec"]["restartPolicy"] = json!("Never");
    json!({"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": name},
           "spec": {"schedule": cluster_model::actions::NEVER, "jobTemplate": {"spec": {"template": template}}}})
}
