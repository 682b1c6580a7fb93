//! Faults of the real stack: the policy server stopped, restarted in the
//! middle of a rollout, slower than the webhook's `timeoutSeconds`; and a
//! burst of Pods from one controller.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use cluster_model::objects::{self, Kind};
use real_cluster::api::{Api, collection};
use real_cluster::cluster::{MUTATING_LABEL, VALIDATING_LABEL, outcome};
use real_cluster::differential::judged;
use real_cluster::policy_server::SlowProxy;
use real_cluster::stack::Stack;
use real_cluster::waiting::wait_for;

use cluster_model::api_server::Outcome;

const WITHIN: Duration = Duration::from_secs(90);

/// A namespace with these labels (the model's policies select on them).
fn namespace(api: &Api, name: &str, labels: &[(&str, &str)]) -> Result<String, String> {
    api.create_namespace(name, labels).map(|()| name.to_owned())
}

/// The labels of the recommended pair (the model's validate and mutate policies).
const PAIR: [(&str, &str); 2] = [(MUTATING_LABEL, "mutate"), (VALIDATING_LABEL, "validate")];

fn await_judged(api: &Api, namespace: &str) -> Result<(), String> {
    wait_for("the policy judging", WITHIN, || {
        Ok(judged(api, namespace)?.then_some(()))
    })
}

fn deployment(name: &str, replicas: u64, policy: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                    "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [
                        {"name": "app", "image": "nginx:1.25", "imagePullPolicy": policy}]}}}})
}

/// The stand-in kubelet of one namespace: every Pod made ready.
fn ready_all(api: &Api, namespace: &str) -> Result<Vec<Value>, String> {
    let pods = api.read(&collection(Kind::Pod, namespace))?;
    let pods = pods["items"].as_array().cloned().unwrap_or_default();
    for pod in &pods {
        if pod.pointer("/status/phase") != Some(&json!("Running")) {
            let name = pod["metadata"]["name"].as_str().unwrap_or_default();
            let status = json!({"status": {"phase": "Running", "conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": "2026-12-07T00:00:00Z"}]}});
            api.merge_patch(
                &format!("{}/{name}/status", collection(Kind::Pod, namespace)),
                &status,
            )?;
        }
    }
    Ok(pods)
}

fn failed_creates(api: &Api, namespace: &str) -> Result<usize, String> {
    let events = api.read(&format!("/api/v1/namespaces/{namespace}/events"))?;
    Ok(events["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["reason"] == "FailedCreate")
        .count())
}

fn pull_policies(pods: &[Value]) -> Vec<String> {
    pods.iter()
        .flat_map(|pod| objects::entries(&pod["spec"]))
        .map(|(_, policy)| policy)
        .collect()
}

/// Stopped: a write is refused with the API server's word for it, and
/// nothing is stored; once restarted, the same write is judged again.
pub fn stopped(stack: &mut Stack) -> Result<String, String> {
    let api = &stack.plane.api;
    let ns = namespace(api, "fault-stopped", &[(VALIDATING_LABEL, "validate")])?;
    await_judged(api, &ns)?;
    stack.server.stop();
    let path = collection(Kind::Deployment, &ns);
    let answer = api.post(&path, &deployment("web", 1, "Always"))?;
    let message = answer.message();
    let refused = matches!(outcome(&answer), Outcome::Rejected(_))
        && message.contains("failed calling webhook");
    let stored = api.get(&format!("{path}/web"))?.ok();
    stack.server.restart()?;
    let again = stack
        .plane
        .api
        .post(&path, &deployment("web", 1, "Always"))?;
    stack
        .plane
        .api
        .delete(&format!("/api/v1/namespaces/{ns}"))?;
    match (refused, stored, again.ok()) {
        (true, false, true) => Ok(format!(
            "refused ({}), nothing stored; admitted after the restart",
            excerpt(&message)
        )),
        _ => Err(format!(
            "refused {refused}, stored {stored}, admitted after the restart {}: {message}",
            again.ok()
        )),
    }
}

/// Restarted during a rollout: while the policy server is down, a Pod of
/// the rollout is evicted and its replacement refused (a `FailedCreate`);
/// once the policy server is back, the ReplicaSet controller retries: the
/// rollout completes, every Pod patched.
pub fn restarted_during_rollout(stack: &mut Stack) -> Result<String, String> {
    let ns = namespace(&stack.plane.api, "fault-restart", &PAIR)?;
    await_judged(&stack.plane.api, &ns)?;
    let path = collection(Kind::Deployment, &ns);
    let created = stack
        .plane
        .api
        .post(&path, &deployment("web", 3, "IfNotPresent"))?;
    if !created.ok() {
        return Err(format!("the Deployment: {}", created.message()));
    }
    let rolled_out = |api: &Api, generation: u64| -> Result<Option<()>, String> {
        ready_all(api, &ns)?;
        let d = api.read(&format!("{path}/web"))?;
        let status = |f: &str| d["status"][f].as_u64().unwrap_or(0);
        let done = status("observedGeneration") >= generation
            && status("updatedReplicas") == 3
            && status("availableReplicas") == 3
            && status("replicas") == 3;
        Ok(done.then_some(()))
    };
    wait_for("the first rollout", WITHIN, || {
        rolled_out(&stack.plane.api, 1)
    })?;
    let mut web = stack.plane.api.read(&format!("{path}/web"))?;
    web["spec"]["template"]["metadata"]["annotations"] =
        json!({"kubectl.kubernetes.io/restartedAt": "2026-12-07T18:00:00Z"});
    let restart = stack.plane.api.put(&format!("{path}/web"), &web)?;
    if !restart.ok() {
        return Err(format!("kubectl rollout restart: {}", restart.message()));
    }
    // The new ReplicaSet's first Pod, not yet ready: the rollout waits for it.
    let new_pod = wait_for("the rollout's first new Pod", WITHIN, || {
        let pods = stack.plane.api.read(&collection(Kind::Pod, &ns))?;
        let pods = pods["items"].as_array().cloned().unwrap_or_default();
        let waiting = pods
            .iter()
            .find(|p| p.pointer("/status/phase") != Some(&json!("Running")));
        Ok(waiting
            .and_then(|p| p["metadata"]["name"].as_str())
            .map(str::to_owned))
    })?;
    // The outage: that Pod is evicted, and its ReplicaSet's next create is refused.
    stack.server.stop();
    stack
        .plane
        .api
        .delete(&format!("{}/{new_pod}", collection(Kind::Pod, &ns)))?;
    wait_for("a refused create (FailedCreate)", WITHIN, || {
        Ok((failed_creates(&stack.plane.api, &ns)? > 0).then_some(()))
    })?;
    let down = Instant::now();
    stack.server.restart()?;
    wait_for("the rollout completed", WITHIN, || {
        rolled_out(&stack.plane.api, 2)
    })?;
    let pods = ready_all(&stack.plane.api, &ns)?;
    let policies = pull_policies(&pods);
    let refused = failed_creates(&stack.plane.api, &ns)?;
    stack
        .plane
        .api
        .delete(&format!("/api/v1/namespaces/{ns}"))?;
    match policies.iter().all(|p| p == "Always") && policies.len() == 3 {
        true => Ok(format!(
            "{refused} FailedCreate while down; rollout complete {:.1} s after the restart, 3 Pods pulling Always",
            down.elapsed().as_secs_f64()
        )),
        false => Err(format!("the Pods pull {policies:?}")),
    }
}

/// Slower than `timeoutSeconds` (2 s, behind a proxy that holds each
/// connection 4 s): the write is refused, nothing stored.
pub fn slower_than_the_timeout(stack: &mut Stack) -> Result<String, String> {
    let proxy = SlowProxy::start(stack.server.port, Duration::from_secs(4))?;
    let mut slow = stack
        .policies
        .iter()
        .find(|p| p.name == "model-validate")
        .cloned()
        .ok_or("no model-validate policy")?;
    slow.spec["timeoutSeconds"] = json!(2);
    slow.spec["namespaceSelector"] = json!({"matchExpressions": [{"key": "always-pull-images.test/slow", "operator": "In", "values": ["yes"]}]});
    let mut config = slow.webhook_configuration(&stack.endpoint(proxy.port)?);
    config["metadata"]["name"] = json!("slow-validate");
    config["webhooks"][0]["name"] = json!("slow-validate.kubewarden.admission");
    let configs = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
    let api = &stack.plane.api;
    api.post(configs, &config)?;
    let ns = namespace(
        api,
        "fault-slow",
        &[("always-pull-images.test/slow", "yes")],
    )?;
    await_judged(api, &ns)?;
    let path = collection(Kind::Deployment, &ns);
    let started = Instant::now();
    let answer = api.post(&path, &deployment("web", 1, "Always"))?;
    let took = started.elapsed().as_secs_f64();
    let stored = api.get(&format!("{path}/web"))?.ok();
    api.delete(&format!("{configs}/slow-validate"))?;
    api.delete(&format!("/api/v1/namespaces/{ns}"))?;
    let message = answer.message();
    match (outcome(&answer), stored) {
        (Outcome::Rejected(_), false) => Ok(format!(
            "refused after {took:.1} s ({}), nothing stored",
            excerpt(&message)
        )),
        (seen, stored) => Err(format!("{seen:?}, stored {stored}: {message}")),
    }
}

/// A burst: a Deployment made before the policy (pulling `IfNotPresent`)
/// scaled from 0 to 200 under the pair. Every Pod comes out patched, which
/// only a judgement does (their ReplicaSet's template was never patched),
/// and none is refused.
pub fn burst(stack: &mut Stack) -> Result<String, String> {
    let api = &stack.plane.api;
    let ns = namespace(api, "fault-burst", &[])?;
    let path = collection(Kind::Deployment, &ns);
    api.post(&path, &deployment("burst", 0, "IfNotPresent"))?;
    let pair: serde_json::Map<String, Value> = PAIR
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    api.merge_patch(
        &format!("/api/v1/namespaces/{ns}"),
        &json!({"metadata": {"labels": pair}}),
    )?;
    await_judged(api, &ns)?;
    let scaled = api.merge_patch(
        &format!("{path}/burst"),
        &json!({"spec": {"replicas": 200}}),
    )?;
    if !scaled.ok() {
        return Err(format!("the scale: {}", scaled.message()));
    }
    let started = Instant::now();
    let pods = wait_for("200 Pods", WITHIN, || {
        let pods = api.read(&collection(Kind::Pod, &ns))?;
        let pods = pods["items"].as_array().cloned().unwrap_or_default();
        Ok((pods.len() >= 200).then_some(pods))
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let policies = pull_policies(&pods);
    let refused = failed_creates(api, &ns)?;
    let replica_sets = api.read(&collection(Kind::ReplicaSet, &ns))?;
    let template_policies = pull_policies(
        &replica_sets["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|rs| json!({"spec": rs["spec"]["template"]["spec"]}))
            .collect::<Vec<_>>(),
    );
    api.delete(&format!("/api/v1/namespaces/{ns}"))?;
    let all_patched = policies.len() == 200 && policies.iter().all(|p| p == "Always");
    match (all_patched, refused, template_policies.as_slice()) {
        (true, 0, [template]) if template == "IfNotPresent" => Ok(format!(
            "200 Pods in {seconds:.1} s ({:.0} Pod creates a second, 400 admission calls), each patched, none refused",
            200.0 / seconds
        )),
        _ => Err(format!(
            "{} Pods, all patched {all_patched}, {refused} refused, templates {template_policies:?}",
            policies.len()
        )),
    }
}

fn excerpt(message: &str) -> String {
    message.chars().take(160).collect()
}
