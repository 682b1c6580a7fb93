//! Jobs and CronJobs.

use serde_json::{Value, json};

use super::{create_pod, pod_from_template};
use crate::api_server::{Actor, Cluster, Operation};
use crate::objects::{self, Kind};
use crate::world::{World, keys_of};

/// `manageJob` (pkg/controller/job/job_controller.go): a suspended Job has
/// no Pods; a running one `parallelism` of them (made, or the extra ones
/// deleted), and a start time.
pub(super) fn jobs(cluster: &mut Cluster<'_>) {
    for key in cluster.managed(Kind::Job) {
        let Some(job) = cluster.get(&key).cloned() else {
            continue;
        };
        let pods = cluster.owned_by(Kind::Pod, &job);
        if job.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
            pods.iter().for_each(|pod| cluster.delete(pod));
            continue;
        }
        cluster.set_status(&key, "startTime", json!("2026-12-02T00:00:00Z"));
        let want = job
            .pointer("/spec/parallelism")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        let want = usize::try_from(want).unwrap_or(usize::MAX);
        // `active > parallelism`: the extra active Pods are deleted.
        for extra in pods.iter().skip(want) {
            cluster.delete(extra);
        }
        let template = job
            .pointer("/spec/template")
            .cloned()
            .unwrap_or(Value::Null);
        for _ in pods.len()..want {
            let pod = pod_from_template(cluster, Kind::Job, &job, &template, None);
            if !create_pod(cluster, &key, pod) {
                break;
            }
        }
    }
}

/// `getJobFromTemplate2` (pkg/controller/cronjob/utils.go): a Job from
/// `spec.jobTemplate`, at each schedule (here: each tick) of a CronJob that
/// is not suspended.
pub fn cron_tick(world: &mut dyn World, tick: u64) {
    let objects = world.objects();
    for key in keys_of(&objects, Kind::CronJob) {
        let Some(cron) = objects.get(&key).cloned() else {
            continue;
        };
        if cron.pointer("/spec/suspend") == Some(&Value::Bool(true)) || objects::terminating(&cron)
        {
            continue;
        }
        let uid = world.fresh_uid();
        let name = format!("{}-{tick}", key.name);
        let mut metadata = objects::metadata(&name, &key.namespace, uid);
        for member in ["labels", "annotations"] {
            if let Some(value) = cron.pointer(&format!("/spec/jobTemplate/metadata/{member}")) {
                metadata.insert(member.into(), value.clone());
            }
        }
        metadata.insert(
            "ownerReferences".into(),
            json!([objects::controller_ref(Kind::CronJob, &cron)]),
        );
        let job = json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": metadata,
            "spec": cron.pointer("/spec/jobTemplate/spec").cloned().unwrap_or(Value::Null),
        });
        world.write(
            Actor::Controller(key),
            Operation::Create,
            Kind::Job,
            job,
            None,
        );
    }
}
