//! The admission chain of one write, as the API server runs it.

use serde_json::{Value, json};

use super::validation::{
    apply_patch, patch_sets_only_pull_policies, validate_update, warnings_within_limits,
};
use super::{Cluster, Operation, Outcome, Write, default};
use crate::backend::{PolicyId, Review};
use crate::objects::{INJECTED_IMAGE, Kind};
use crate::setup::{Injector, Mode};

/// What admission made of a write.
pub(super) struct Admission {
    pub outcome: Outcome,
    pub patched: bool,
    /// In the pair: whether the validating policy alone admits the write.
    pub validate_alone: Option<bool>,
    /// A policy answered with warnings.
    pub warned: bool,
}

impl Admission {
    fn ending(self, outcome: Outcome) -> Admission {
        Admission { outcome, ..self }
    }
}

impl Cluster<'_> {
    /// The admission chain. Before the policy is installed, every write is
    /// admitted as it is.
    pub(super) fn admit(&mut self, write: &Write<'_>, object: &mut Value) -> Admission {
        let admitted = Admission {
            outcome: Outcome::Admitted,
            patched: false,
            validate_alone: None,
            warned: false,
        };
        if !self.installed {
            return admitted;
        }
        let validate_alone = match self.setup.mode {
            Mode::Pair => self.validate_alone(write, object.clone()),
            _ => None,
        };
        let admission = self.chain(write, object);
        Admission {
            validate_alone,
            ..admission
        }
    }

    fn chain(&mut self, write: &Write<'_>, object: &mut Value) -> Admission {
        let mut admission = Admission {
            outcome: Outcome::Admitted,
            patched: false,
            validate_alone: None,
            warned: false,
        };
        if let Some(policy) = self.setup.mutating() {
            let request = self.request(write, object);
            let review = match self.review(policy, &request) {
                Ok(review) => review,
                Err(outcome) => return admission.ending(outcome),
            };
            admission.warned |= !review.warnings.is_empty();
            if let Some(patch) = review.patch {
                admission.patched = true;
                if let Err(fault) = apply_patch(object, &patch) {
                    self.faults.push(fault);
                    let why = "the patch does not apply".to_owned();
                    return admission.ending(Outcome::Invalid(why));
                }
                default(write.kind, object);
            }
        }
        self.inject(write, object);
        if let Some(old) = write.old
            && let Err(why) = validate_update(write.kind, old, object, write.sub_resource)
        {
            return admission.ending(Outcome::Invalid(why));
        }
        if let Some(policy) = self.setup.validating() {
            let request = self.request(write, object);
            match self.review(policy, &request) {
                Ok(review) => admission.warned |= !review.warnings.is_empty(),
                Err(outcome) => return admission.ending(outcome),
            }
        }
        admission
    }

    /// Whether the validating policy alone (no mutating policy before it)
    /// admits the write as sent; `None` when the API server's own
    /// validation refuses it anyway.
    fn validate_alone(&mut self, write: &Write<'_>, mut object: Value) -> Option<bool> {
        let policy = self.setup.validating()?;
        self.inject(write, &mut object);
        if let Some(old) = write.old
            && validate_update(write.kind, old, &object, write.sub_resource).is_err()
        {
            return None;
        }
        let request = self.request(write, &object);
        self.calls += 1;
        self.backend
            .review(policy, &request)
            .ok()
            .map(|review| review.allowed)
    }

    /// The sidecar of the injector webhook, on a Pod CREATE.
    fn inject(&self, write: &Write<'_>, object: &mut Value) {
        if self.setup.injector != Injector::None
            && write.kind == Kind::Pod
            && write.operation == Operation::Create
        {
            inject(self.setup.injector, object);
            default(write.kind, object);
        }
    }

    /// One policy's answer; a denial as the outcome. Checks what the API
    /// server would keep of the warnings, and the patch's shape.
    fn review(&mut self, policy: PolicyId, request: &Value) -> Result<Review, Outcome> {
        self.calls += 1;
        let review = self.backend.review(policy, request).map_err(|e| {
            self.faults
                .push(format!("{}: no answer: {e}", policy.name()));
            Outcome::Rejected(e)
        })?;
        if let Err(fault) = warnings_within_limits(&review.warnings) {
            self.faults.push(format!("{}: {fault}", policy.name()));
        }
        if let Some(patch) = &review.patch
            && let Err(fault) = patch_sets_only_pull_policies(patch)
        {
            self.faults.push(format!("{}: {fault}", policy.name()));
        }
        if review.patch.is_some() && !policy.mutates() {
            self.faults
                .push(format!("{}: a validating policy patched", policy.name()));
        }
        match review.allowed {
            true => Ok(review),
            false => Err(Outcome::Rejected(review.message.unwrap_or_default())),
        }
    }
}

/// Adds the sidecar an injector webhook adds (Istio's proxy, say).
fn inject(injector: Injector, pod: &mut Value) {
    let mut proxy = json!({"name": "istio-proxy", "image": INJECTED_IMAGE});
    proxy["imagePullPolicy"] = match injector {
        Injector::Always => json!("Always"),
        _ => json!("IfNotPresent"),
    };
    if let Some(containers) = pod
        .pointer_mut("/spec/containers")
        .and_then(Value::as_array_mut)
    {
        containers.push(proxy);
    }
}
