//! How the policy is installed in a model cluster: its mode, whether the
//! exemptions are set, and a sidecar injector after it.

use crate::backend::{Exemptions, PolicyId, PolicyMode};

/// How the policy is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Validate,
    Mutate,
    WarnOnly,
    /// The recommended pair: the mutating policy, then the validating one.
    Pair,
}

/// A webhook after the mutating policy that adds a sidecar to every new Pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injector {
    None,
    /// With `IfNotPresent`: a way out is trusting its registry (with the
    /// model's exemptions, `docker.io/istio` is trusted).
    IfNotPresent,
    /// With `Always`: the injector's own pull policy, the other way out.
    Always,
}

/// One cluster configuration of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    pub mode: Mode,
    pub exemptions: bool,
    pub injector: Injector,
}

impl Setup {
    fn policy(self, mode: PolicyMode) -> PolicyId {
        let exemptions = match self.exemptions {
            true => Exemptions::All,
            false => Exemptions::None,
        };
        PolicyId { mode, exemptions }
    }

    pub fn mutating(self) -> Option<PolicyId> {
        matches!(self.mode, Mode::Mutate | Mode::Pair).then(|| self.policy(PolicyMode::Mutate))
    }

    pub fn validating(self) -> Option<PolicyId> {
        match self.mode {
            Mode::Validate | Mode::Pair => Some(self.policy(PolicyMode::Validate)),
            Mode::WarnOnly => Some(self.policy(PolicyMode::WarnOnly)),
            Mode::Mutate => None,
        }
    }

    /// An injector that adds `IfNotPresent` sidecars from an untrusted
    /// registry: the known limitation of docs/behaviour.md, with its two ways out unused.
    pub fn injector_without_way_out(self) -> bool {
        self.injector == Injector::IfNotPresent && !self.exemptions
    }

    /// Whether the policy as installed keeps non-compliant Pods out.
    pub fn enforces(self) -> bool {
        match self.mode {
            Mode::WarnOnly => false,
            // A mutating policy alone cannot see what a later webhook adds.
            Mode::Mutate => !self.injector_without_way_out(),
            Mode::Validate | Mode::Pair => true,
        }
    }
}
