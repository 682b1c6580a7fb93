//! The cluster model's scenarios on the real cluster, each played on the
//! model beside it and compared after every step: the named sequences with
//! their promises, scenarios from the fixed seed, and fresh seeds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cluster_model::actions::Profile;
use cluster_model::sequences;
use cluster_model::{SEED, Scenario, fresh_seed, generate, seed_hex};
use real_cluster::differential::{self, Played};
use real_cluster::stack::Stack;

/// Scenarios from the fixed seed that `make test` plays on the real cluster.
const SEEDED: usize = 4;

/// A number no other scenario of this run used (its namespaces' suffix).
pub fn next_number() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What a set of scenarios came to.
#[derive(Default)]
struct Totals {
    scenarios: u64,
    steps: u64,
    writes: u64,
    started: Option<Instant>,
}

impl Totals {
    fn add(&mut self, played: &Played) {
        self.scenarios += 1;
        self.steps += played.steps;
        self.writes += played.writes;
    }

    /// What was played; `differing` scenarios ended at a difference.
    fn report(&self, differing: usize) -> String {
        let seconds = self.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        format!(
            "{} scenarios, {} steps, {} writes by the scenarios ({:.1} a second), {} differences",
            self.scenarios + differing as u64,
            self.steps,
            self.writes,
            self.writes as f64 / seconds.max(0.001),
            differing
        )
    }
}

/// Every named sequence a Kubernetes 1.20 control plane can play: no
/// difference from the model, and its promise kept by the real cluster's
/// writes as by the model's.
pub fn named(stack: &mut Stack) -> Result<String, String> {
    let mut totals = Totals {
        started: Some(Instant::now()),
        ..Totals::default()
    };
    let mut unplayable = Vec::new();
    for named in sequences::all() {
        if !named.playable(Profile::Kubernetes120) {
            unplayable.push(named.name);
            continue;
        }
        let played = differential::play(&stack.plane.api, &named.scenario, next_number())
            .map_err(|e| format!("{}: {e}", named.name))?;
        if let Some(difference) = &played.difference {
            return Err(format!("{}: {difference}", named.name));
        }
        named
            .expect
            .check(&played.model_writes)
            .map_err(|e| format!("{} (model): {e}", named.name))?;
        named
            .expect
            .check(&played.real_writes)
            .map_err(|e| format!("{} (real cluster): {e}", named.name))?;
        totals.add(&played);
    }
    Ok(format!(
        "{}; not playable on 1.20: {}",
        totals.report(0),
        unplayable.len()
    ))
}

/// `SEEDED` scenarios from the fixed seed.
pub fn seeded(stack: &mut Stack) -> Result<String, String> {
    let scenarios = generate(SEED, Profile::Kubernetes120, SEEDED)?;
    let mut totals = Totals {
        started: Some(Instant::now()),
        ..Totals::default()
    };
    for (n, scenario) in scenarios.iter().enumerate() {
        let played =
            play(stack, scenario).map_err(|e| format!("scenario {n} of the fixed seed: {e}"))?;
        totals.add(&played);
    }
    Ok(totals.report(0))
}

fn play(stack: &Stack, scenario: &Scenario) -> Result<Played, String> {
    let played = differential::play(&stack.plane.api, scenario, next_number())?;
    match &played.difference {
        Some(difference) => Err(format!("{difference}\nscenario: {scenario:?}")),
        None => Ok(played),
    }
}

/// Fresh seeds for `seconds` (`make cluster-sim SECONDS=N`): every
/// difference is reported, with its seed, at the end.
pub fn fresh_seeds(stack: &mut Stack, seconds: u64) -> Result<String, String> {
    let budget = Duration::from_secs(seconds);
    let mut totals = Totals {
        started: Some(Instant::now()),
        ..Totals::default()
    };
    let mut differences = Vec::new();
    let replay = std::env::var("SIM_SEED")
        .ok()
        .map(|hex| parse_seed(&hex))
        .transpose()?;
    while totals.started.is_some_and(|s| s.elapsed() < budget) {
        let seed = replay.unwrap_or_else(|| fresh_seed(totals.scenarios.into()));
        let scenario = generate(seed, Profile::Kubernetes120, 1)?.remove(0);
        match play(stack, &scenario) {
            Ok(played) => totals.add(&played),
            Err(why) => {
                eprintln!("seed {}: {why}", seed_hex(&seed));
                differences.push(format!("seed {}: {why}", seed_hex(&seed)));
            }
        }
        if replay.is_some() {
            break;
        }
    }
    match differences.is_empty() {
        true => Ok(totals.report(0)),
        false => Err(format!(
            "{}:\n{}",
            totals.report(differences.len()),
            differences.join("\n")
        )),
    }
}

/// A seed as `seed_hex` writes it (`SIM_SEED=... make cluster-sim` replays it).
fn parse_seed(hex: &str) -> Result<[u8; 32], String> {
    let mut seed = [0u8; 32];
    for (i, byte) in seed.iter_mut().enumerate() {
        let pair = hex.get(2 * i..2 * i + 2).ok_or("SIM_SEED: 64 hex digits")?;
        *byte = u8::from_str_radix(pair, 16).map_err(|e| format!("SIM_SEED: {e}"))?;
    }
    Ok(seed)
}
