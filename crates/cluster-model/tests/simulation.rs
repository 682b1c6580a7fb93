//! The cluster model (this crate) played against the policy in process:
//! at least 300 sequences of at least 12 steps from a fixed seed, every
//! invariant checked after every step, and the regressions it found, each a
//! named case. The host's `simulation` test plays the same sequences through
//! the real policy-server.

use cluster_model::actions::Action;
use cluster_model::api_server::Mode;
use cluster_model::backend::InProcess;
use cluster_model::faults::{Fault, Faulty};
use cluster_model::objects::{EntrySpec, Kind, Slot};
use cluster_model::sequences::Expect;
use cluster_model::{MIN_STEPS, SEED, Scenario, Tally};
use rstest::rstest;

/// Sequences `make test` plays.
const SEQUENCES: u32 = 300;

#[test]
fn three_hundred_sequences_keep_every_invariant() {
    let tally = cluster_model::run(&mut InProcess, SEQUENCES, SEED)
        .unwrap_or_else(|failure| panic!("{failure}"));
    report(&tally);
    assert!(tally.sequences >= u64::from(SEQUENCES));
    assert!(tally.steps >= u64::from(SEQUENCES) * MIN_STEPS as u64);
}

/// The model's own mutants: each rule of the policy broken on purpose (in
/// the model's backend, never in policy.wasm) makes the invariant (or the
/// named sequence's promise) that names it fail, on a named sequence.
#[rstest]
#[case::pod_updates_unjudged(Fault::PodUpdatesUnjudged, "safety of changed entries")]
#[case::only_new_images_judged(Fault::OnlyNewImagesJudged, "safety of changed entries")]
#[case::job_updates_patched(Fault::JobUpdatesPatched, "the pair never stalls")]
#[case::controlled_workloads_patched(Fault::ControlledPatched, "controllers settle")]
#[case::controlled_workloads_rejected(Fault::ControlledRejected, "the pair never stalls")]
#[case::mutate_mode_rejects_pods(Fault::MutateRejectsPods, "the pair never stalls")]
#[case::mutate_mode_rejects_workloads(Fault::MutateRejectsWorkloads, "mutate mode patches")]
#[case::unchanged_templates_patched(Fault::UnchangedTemplatePatched, "no surprise rollout")]
#[case::warn_only_rejects(Fault::WarnOnlyRejects, "warn-only never refuses")]
#[case::exempt_namespaces_ignored_on_update(
    Fault::ExemptNamespacesIgnoredOnUpdate,
    "exemptions are left alone"
)]
#[case::trusted_registries_ignored_on_update(
    Fault::TrustedRegistriesIgnoredOnUpdate,
    "exemptions are left alone"
)]
#[case::owned_pods_unjudged(Fault::OwnedPodsUnjudged, "safety")]
#[case::pod_update_ignores_init_containers(
    Fault::PodUpdateIgnoresInitContainers,
    "safety of changed entries"
)]
fn a_broken_rule_breaks_its_invariant(#[case] fault: Fault, #[case] invariant: &str) {
    let mut broken = Faulty {
        inner: InProcess,
        fault,
    };
    let mut found = Vec::new();
    for named in cluster_model::sequences::all() {
        if let Err(failure) = named.play(&mut broken) {
            let breach = failure.lines().next().unwrap_or_default().to_owned();
            eprintln!("{fault:?} ({}): {breach}", named.name);
            found.push(breach);
        }
    }
    if found.is_empty() {
        match cluster_model::run(&mut broken, SEQUENCES, SEED) {
            Ok(tally) => panic!(
                "{fault:?} kept every invariant over {} sequences",
                tally.sequences
            ),
            Err(failure) => eprintln!(
                "{fault:?} (random only): {}",
                failure.lines().next().unwrap_or_default()
            ),
        }
    }
    assert!(
        found.iter().any(|breach| breach.contains(invariant)),
        "{fault:?} broke no named sequence through {invariant:?}: {found:#?}"
    );
}

/// The operator of a Knative Service re-applies its template: a patch of the
/// Deployment it owns would be undone on every reconcile, and the model says
/// so by the invariant that names it.
#[test]
fn an_operator_fights_a_patch_of_its_deployment() {
    let knative = cluster_model::sequences::all()
        .into_iter()
        .find(|named| named.name == cluster_model::sequences::KNATIVE_IN_MUTATE_MODE)
        .expect("the Knative sequence");
    let mut broken = Faulty {
        inner: InProcess,
        fault: Fault::ControlledPatched,
    };
    let failure = cluster_model::play(&knative.scenario, &mut broken, &mut Tally::default())
        .expect_err("patching the operator's Deployment must break an invariant");
    assert!(failure.contains("controllers settle"), "{failure}");
}

#[test]
fn every_fault_has_a_case() {
    assert_eq!(
        Fault::ALL.len(),
        13,
        "add a case to a_broken_rule_breaks_its_invariant"
    );
}

/// Each named sequence keeps every invariant and what its name promises.
#[test]
fn the_named_sequences_keep_every_invariant_and_their_promise() {
    for named in cluster_model::sequences::all() {
        named
            .play(&mut InProcess)
            .unwrap_or_else(|breach| panic!("{}: {breach}", named.name));
    }
}

/// A promise can fail: on each named sequence's writes, every other promise
/// does.
#[test]
fn each_promise_tells_its_sequence_apart() {
    for named in cluster_model::sequences::all() {
        let written =
            cluster_model::play_recorded(&named.scenario, &mut InProcess, &mut Tally::default())
                .unwrap_or_else(|breach| panic!("{}: {breach}", named.name));
        let rivals = Expect::ALL
            .into_iter()
            .filter(|e| *e != named.expect && e.subject() == named.expect.subject());
        for other in rivals {
            assert!(
                other.check(&written).is_err(),
                "{}: {other:?} holds too",
                named.name
            );
        }
    }
}

fn report(tally: &Tally) {
    eprintln!(
        "cluster model: {} sequences, {} steps, {} writes ({} refused, {} patched), {} admission calls",
        tally.sequences,
        tally.steps,
        tally.writes,
        tally.refused,
        tally.patched,
        tally.admission_calls
    );
}

/// `make sim SECONDS=N`: fresh seeds for N seconds (ignored unless asked for).
#[test]
#[ignore = "run by `make sim SECONDS=N`"]
fn fresh_seeds_for_a_while() {
    let seconds: u64 = std::env::var("SIM_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let budget = std::time::Duration::from_secs(seconds);
    let tally = cluster_model::run_for(&mut InProcess, budget)
        .unwrap_or_else(|failure| panic!("{failure}"));
    report(&tally);
}

use cluster_model::sequences::{ALWAYS, IF_NOT_PRESENT, create, setup};

/// The minimal sequences that broke an invariant before the policy judged
/// workload updates on their template (cases 1 to 7), and sequences that must
/// keep working (8 to 10).
#[rstest]
#[case::set_env_on_a_template_made_before_the_policy_no_longer_stalls_its_rollout(
    Mode::Validate,
    vec![create(Kind::Deployment, "nginx:1.25", IF_NOT_PRESENT, false)],
    vec![Action::SetEnv { target: 0, value: 2 }]
)]
#[case::rollout_restart_of_a_statefulset_made_before_the_policy(
    Mode::Validate,
    vec![create(Kind::StatefulSet, "nginx:1.25", IF_NOT_PRESENT, false)],
    vec![Action::RolloutRestart { target: 0, at: 1 }]
)]
#[case::a_container_added_with_an_image_the_template_has_is_judged(
    Mode::Validate,
    vec![],
    vec![
        create(Kind::Deployment, "nginx:1.25", ALWAYS, false),
        Action::AddEntry { target: 0, entry: EntrySpec { slot: Slot::Container, image: "nginx:1.25", policy: None } },
    ]
)]
#[case::a_pull_policy_regression_is_not_stored(
    Mode::Validate,
    vec![],
    vec![
        create(Kind::DaemonSet, "nginx:1.25", ALWAYS, false),
        Action::SetPullPolicy { target: 0, entry: 0, policy: IF_NOT_PRESENT },
    ]
)]
#[case::a_pull_policy_regression_is_patched(
    Mode::Mutate,
    vec![],
    vec![
        create(Kind::Deployment, "nginx:1.25", ALWAYS, false),
        Action::SetPullPolicy { target: 0, entry: 0, policy: IF_NOT_PRESENT },
    ]
)]
#[case::mutate_mode_fixes_a_template_made_before_the_policy_when_it_changes(
    Mode::Mutate,
    vec![create(Kind::CronJob, "nginx:1.25", IF_NOT_PRESENT, false)],
    vec![Action::RolloutRestart { target: 0, at: 1 }, Action::CronTick]
)]
#[case::a_replicaset_no_deployment_owns_is_patched(
    Mode::Mutate,
    vec![],
    vec![create(Kind::ReplicaSet, "nginx:1.25", IF_NOT_PRESENT, false)]
)]
#[case::scaling_a_deployment_made_before_the_policy_keeps_working(
    Mode::Pair,
    vec![create(Kind::Deployment, "nginx:1.25", IF_NOT_PRESENT, false)],
    vec![Action::Scale { target: 0, replicas: 3 }, Action::Relabel { target: 0, value: 1 }, Action::AddFinalizer { target: 0 }]
)]
#[case::a_queue_controller_resumes_a_suspended_job_made_before_the_policy(
    Mode::Validate,
    vec![create(Kind::Job, "nginx:1.25", IF_NOT_PRESENT, true)],
    vec![Action::QueueAdmit { target: 0 }]
)]
#[case::a_queue_controller_resumes_a_suspended_job_in_mutate_mode(
    Mode::Pair,
    vec![],
    vec![create(Kind::Job, "nginx:1.25", ALWAYS, true), Action::QueueAdmit { target: 0 }]
)]
fn regressions(
    #[case] mode: Mode,
    #[case] before_install: Vec<Action>,
    #[case] steps: Vec<Action>,
) {
    let scenario = Scenario {
        setup: setup(mode),
        before_install,
        steps,
    };
    let mut tally = Tally::default();
    cluster_model::play(&scenario, &mut InProcess, &mut tally)
        .unwrap_or_else(|breach| panic!("{breach}"));
}

/// `updateStatefulSet` ends its sync at a refused create, before it deletes
/// anything: a StatefulSet scaled down from 2 to 1 while its Pod 0 cannot be
/// made again keeps Pod 1 (Kubernetes 1.20 on the real-cluster tests did;
/// the model once deleted it first).
#[test]
fn a_stateful_set_deletes_nothing_while_a_create_is_refused() {
    let named = cluster_model::sequences::all()
        .into_iter()
        .find(|n| {
            n.name
                .contains("scaled down while its first Pod cannot be made again")
        })
        .expect("the named sequence");
    let mut backend = InProcess;
    let (cluster, _) =
        cluster_model::play_to_end(&named.scenario, &mut backend, &mut Tally::default())
            .unwrap_or_else(|breach| panic!("{breach}"));
    let pods: Vec<&str> = cluster
        .objects
        .keys()
        .filter(|key| key.kind == Kind::Pod)
        .map(|key| key.name.as_str())
        .collect();
    assert_eq!(pods, ["statefulset-0-1"]);
}
