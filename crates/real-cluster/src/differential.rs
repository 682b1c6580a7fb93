//! One scenario played on the cluster model and on the real cluster side by
//! side. After every step the model's invariants are checked, the users'
//! writes must come out alike (admitted, refused, invalid; patched or not),
//! and the real cluster must reach the model's [`Summary`] within a
//! deadline (its controllers work asynchronously). Where it does not, the
//! difference is reported with the step and stops the scenario.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;

use cluster_model::Scenario;
use cluster_model::actions::{self, Action};
use cluster_model::api_server::{Actor, Cluster, Outcome, WriteEvent};
use cluster_model::backend::InProcess;
use cluster_model::objects::Kind;
use cluster_model::summary::{Summary, note_failed_creates};
use cluster_model::{controllers, invariants};

use crate::api::{Api, collection};
use crate::cluster::RealCluster;
use crate::waiting::wait_for;

/// How long the real cluster may take to reach the model's state after a step.
pub const SETTLE_WITHIN: Duration = Duration::from_secs(20);

/// Where the model and the real cluster parted.
#[derive(Debug, Clone)]
pub struct Difference {
    /// `before install` or `step N`.
    pub at: String,
    pub action: Action,
    pub lines: Vec<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:?}):", self.at, self.action)?;
        for line in &self.lines {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

/// What playing a scenario on both came to.
#[derive(Debug, Default)]
pub struct Played {
    pub steps: u64,
    /// The writes the scenario's actions made on the real API server.
    pub writes: u64,
    /// The model's writes after the install.
    pub model_writes: Vec<WriteEvent>,
    /// The real cluster's: the actions' writes, and what the controllers
    /// made or failed to make.
    pub real_writes: Vec<WriteEvent>,
    pub difference: Option<Difference>,
}

/// Plays `scenario` on the model and on the real cluster (namespaces of
/// scenario `number`). `Err` only when the real cluster cannot be used or
/// the model breaks an invariant.
pub fn play(api: &Api, scenario: &Scenario, number: usize) -> Result<Played, String> {
    let mut backend = InProcess;
    let mut model = Cluster::new(scenario.setup, &mut backend);
    let mut real = RealCluster::new(api, number, scenario.setup)?;
    let mut played = Played::default();
    let mut failed = BTreeSet::new();
    if let Some(difference) = before_install(&mut model, &mut real, &scenario.before_install)? {
        played.difference = Some(difference);
        return Ok(played);
    }
    model.installed = true;
    real.install(judged)?;
    let offset = scenario.before_install.len();
    for (step, action) in scenario.steps.iter().enumerate() {
        model.events.clear();
        actions::apply(&mut model, action, offset + step);
        controllers::reconcile(&mut model);
        invariants::check_all(&model)
            .map_err(|breach| format!("step {step} ({action:?}): {breach}"))?;
        note_failed_creates(&model, &model.events, &mut failed);
        let mark = real.writes.len();
        actions::apply(&mut real, action, offset + step);
        played.steps += 1;
        let real_users = users(real.writes.get(mark..).unwrap_or_default());
        let mut lines = differ_in_writes(&users(&model.events), &real_users);
        if lines.is_empty() {
            lines =
                reach(&mut real, &Summary::of(&model.objects, failed.clone()))?.unwrap_or_default();
        }
        played.model_writes.append(&mut model.events);
        if !lines.is_empty() {
            let at = format!("step {step}");
            played.difference = Some(Difference {
                at,
                action: action.clone(),
                lines,
            });
            break;
        }
    }
    played.writes = real.writes.len() as u64;
    played.real_writes = std::mem::take(&mut real.writes);
    played.real_writes.extend(real.controller_writes()?);
    Ok(played)
}

/// What existed before the policy, made on both; the first difference.
fn before_install(
    model: &mut Cluster<'_>,
    real: &mut RealCluster<'_>,
    actions: &[Action],
) -> Result<Option<Difference>, String> {
    for (step, action) in actions.iter().enumerate() {
        actions::apply(model, action, step);
        controllers::reconcile(model);
        actions::apply(real, action, step);
        if let Some(lines) = reach(real, &Summary::of(&model.objects, BTreeSet::new()))? {
            let at = format!("before install, step {step}");
            return Ok(Some(Difference {
                at,
                action: action.clone(),
                lines,
            }));
        }
    }
    Ok(None)
}

/// Waits until the real cluster's summary is `model`'s; what still differs
/// when the deadline passes.
fn reach(real: &mut RealCluster<'_>, model: &Summary) -> Result<Option<Vec<String>>, String> {
    let mut last = Vec::new();
    let reached = wait_for("the model's state", SETTLE_WITHIN, || {
        let objects = real.settle()?;
        let summary = Summary::of(&objects, real.failed_creates()?);
        last = model.differences(&summary);
        Ok(last.is_empty().then_some(()))
    });
    match reached {
        Ok(()) => Ok(None),
        Err(_) if !last.is_empty() => {
            if std::env::var_os("CLUSTER_SIM_DEBUG").is_some() {
                for (key, object) in real.settle()? {
                    eprintln!(
                        "real {key}: uid {} owners {} deletion {}",
                        object["metadata"]["uid"],
                        object["metadata"]["ownerReferences"],
                        object["metadata"]["deletionTimestamp"]
                    );
                }
                for (key, object) in &model.written {
                    eprintln!("model written {key}: {object:?}");
                }
            }
            let events = real.failed_create_messages()?;
            last.extend(events.into_iter().map(|event| format!("event: {event}")));
            Ok(Some(last))
        }
        Err(why) => Err(why),
    }
}

/// A user's write, as both sides must agree on it.
type Seen = (String, &'static str, bool);

fn users(writes: &[WriteEvent]) -> Vec<Seen> {
    writes
        .iter()
        .filter(|w| w.actor == Actor::User)
        .map(|w| {
            let outcome = match w.outcome {
                Outcome::Admitted => "admitted",
                Outcome::Rejected(_) => "refused by a policy",
                Outcome::Invalid(_) => "invalid",
            };
            (
                format!("{:?} of {}", w.operation, w.key),
                outcome,
                w.patched,
            )
        })
        .collect()
}

fn differ_in_writes(model: &[Seen], real: &[Seen]) -> Vec<String> {
    match model == real {
        true => Vec::new(),
        false => vec![format!(
            "users' writes (what, outcome, patched): model {model:?}, real {real:?}"
        )],
    }
}

/// Whether the API server applies the scenario's policies in `namespace`: a
/// dry-run Pod that pulls `IfNotPresent` is refused, patched, or warned about.
pub fn judged(api: &Api, namespace: &str) -> Result<bool, String> {
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "install-probe"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"}]},
    });
    let answer = api.post(
        &format!("{}?dryRun=All", collection(Kind::Pod, namespace)),
        &pod,
    )?;
    let patched =
        answer.body.pointer("/spec/containers/0/imagePullPolicy") == Some(&json!("Always"));
    Ok(!answer.ok() || patched || !answer.warnings.is_empty())
}
