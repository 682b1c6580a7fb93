//! A small deterministic model of what a cluster does with this policy, to
//! prove it over sequences rather than one request at a time: objects made
//! before the policy is installed, then user actions, each followed by the
//! controllers' writes, with every invariant checked after every step.
//!
//! - [`kinds`] and [`objects`]: what is stored, and the oracle of what complies;
//! - [`setup`]: how the policy is installed;
//! - [`api_server`]: admission as the API server runs it;
//! - [`controllers`]: Deployment, ReplicaSet, ReplicationController,
//!   StatefulSet, DaemonSet, Job and CronJob controllers, an Argo Rollout's
//!   and a Knative Service's operator;
//! - [`writes`]: who writes, what, and what became of it;
//! - [`world`]: what actions write to, the model or a real cluster;
//! - [`actions`]: user actions, generated with proptest;
//! - [`invariants`]: what must hold after every step;
//! - [`summary`]: what a step leaves in a cluster, to compare with a real one;
//! - [`backend`]: the policy in process, or behind a policy server;
//! - [`faults`]: the policy's rules broken on purpose;
//! - [`sequences`]: named sequences real clusters make.

pub mod actions;
pub mod api_server;
pub mod backend;
pub mod controllers;
pub mod faults;
pub mod invariants;
pub mod kinds;
pub mod objects;
pub mod sequences;
pub mod setup;
pub mod summary;
pub mod world;
pub mod writes;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use actions::{Action, Profile};
use api_server::{Cluster, Injector, Mode, Setup};
use backend::PolicyBackend;

/// One sequence: a setup, what existed before the install, what users do.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub setup: Setup,
    pub before_install: Vec<Action>,
    pub steps: Vec<Action>,
}

/// The least number of steps after the install.
pub const MIN_STEPS: usize = 12;

fn setup(profile: Profile) -> impl Strategy<Value = Setup> {
    let mode = prop::sample::select(vec![
        Mode::Validate,
        Mode::Mutate,
        Mode::WarnOnly,
        Mode::Pair,
    ]);
    // A real control plane runs no injector webhook.
    let injector = match profile {
        Profile::Model => vec![
            Injector::None,
            Injector::None,
            Injector::IfNotPresent,
            Injector::Always,
        ],
        Profile::Kubernetes120 => vec![Injector::None],
    };
    let injector = prop::sample::select(injector);
    (mode, any::<bool>(), injector).prop_map(|(mode, exemptions, injector)| Setup {
        mode,
        exemptions,
        injector,
    })
}

pub fn scenario() -> impl Strategy<Value = Scenario> {
    scenario_within(Profile::Model)
}

/// Scenarios a cluster of `profile` can play.
pub fn scenario_within(profile: Profile) -> impl Strategy<Value = Scenario> {
    (
        setup(profile),
        prop::collection::vec(actions::create(profile), 0..4),
        prop::collection::vec(actions::action_within(profile), MIN_STEPS..MIN_STEPS + 8),
    )
        .prop_map(|(setup, before_install, steps)| Scenario {
            setup,
            before_install,
            steps,
        })
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub sequences: u64,
    pub steps: u64,
    pub admission_calls: u64,
    /// Writes after the install: all, refused (by a policy or the API
    /// server), patched.
    pub writes: u64,
    pub refused: u64,
    pub patched: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.sequences += other.sequences;
        self.steps += other.steps;
        self.admission_calls += other.admission_calls;
        self.writes += other.writes;
        self.refused += other.refused;
        self.patched += other.patched;
    }
}

/// Plays `scenario` against `backend`; the first invariant breach, with the
/// step it happened at.
pub fn play(
    scenario: &Scenario,
    backend: &mut dyn PolicyBackend,
    tally: &mut Tally,
) -> Result<(), String> {
    play_recorded(scenario, backend, tally).map(drop)
}

/// [`play`], returning every write made after the install.
pub fn play_recorded(
    scenario: &Scenario,
    backend: &mut dyn PolicyBackend,
    tally: &mut Tally,
) -> Result<Vec<api_server::WriteEvent>, String> {
    play_to_end(scenario, backend, tally).map(|(_, written)| written)
}

/// [`play_recorded`], with the cluster as the scenario left it.
pub fn play_to_end<'b>(
    scenario: &Scenario,
    backend: &'b mut dyn PolicyBackend,
    tally: &mut Tally,
) -> Result<(Cluster<'b>, Vec<api_server::WriteEvent>), String> {
    let mut cluster = Cluster::new(scenario.setup, backend);
    for (step, action) in scenario.before_install.iter().enumerate() {
        actions::apply(&mut cluster, action, step);
        controllers::reconcile(&mut cluster);
    }
    cluster.installed = true;
    let offset = scenario.before_install.len();
    let mut written = Vec::new();
    for (step, action) in scenario.steps.iter().enumerate() {
        cluster.events.clear();
        actions::apply(&mut cluster, action, offset + step);
        controllers::reconcile(&mut cluster);
        tally.steps += 1;
        for event in &cluster.events {
            tally.writes += 1;
            tally.refused += u64::from(event.outcome != api_server::Outcome::Admitted);
            tally.patched += u64::from(event.patched);
        }
        invariants::check_all(&cluster)
            .map_err(|breach| format!("step {step} ({action:?}): {breach}"))?;
        written.append(&mut cluster.events);
    }
    tally.sequences += 1;
    tally.admission_calls += cluster.calls;
    Ok((cluster, written))
}

/// Plays `cases` scenarios generated from `seed`, shrinking a failing one to
/// a minimal sequence.
pub fn run(backend: &mut dyn PolicyBackend, cases: u32, seed: [u8; 32]) -> Result<Tally, String> {
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let backend = RefCell::new(backend);
    let tally = RefCell::new(Tally::default());
    let result = runner.run(&scenario(), |scenario| {
        let mut backend = backend.borrow_mut();
        let mut scratch = Tally::default();
        let outcome = play(&scenario, &mut **backend, &mut scratch);
        if outcome.is_ok() {
            tally.borrow_mut().add(scratch);
        }
        outcome.map_err(TestCaseError::fail)
    });
    result.map_err(|e| format!("{e}"))?;
    Ok(tally.into_inner())
}

/// Plays scenarios from fresh seeds, a batch at a time, for `budget`.
pub fn run_for(backend: &mut dyn PolicyBackend, budget: Duration) -> Result<Tally, String> {
    const BATCH: u32 = 25;
    let started = Instant::now();
    let mut tally = Tally::default();
    while started.elapsed() < budget {
        let seed: [u8; 32] = rand_seed(started.elapsed().as_nanos());
        eprintln!("seed {}", hex(&seed));
        tally.add(run(backend, BATCH, seed)?);
    }
    Ok(tally)
}

/// `count` scenarios a cluster of `profile` can play, generated from
/// `seed` as `run` generates them (without shrinking: a real cluster
/// replays a scenario too slowly to shrink it).
pub fn generate(seed: [u8; 32], profile: Profile, count: usize) -> Result<Vec<Scenario>, String> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = scenario_within(profile);
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .map(|tree| tree.current())
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// A seed no run used before (the clock, mixed).
pub fn fresh_seed(salt: u128) -> [u8; 32] {
    rand_seed(salt)
}

/// The seed as hex, to replay a run.
pub fn seed_hex(seed: &[u8; 32]) -> String {
    hex(seed)
}

fn rand_seed(salt: u128) -> [u8; 32] {
    let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(&(now ^ salt).to_le_bytes());
    for byte in &mut seed[16..] {
        *byte = rng.random();
    }
    seed
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fixed seed `make test` plays.
pub const SEED: [u8; 32] = *b"always-pull-images cluster model";
