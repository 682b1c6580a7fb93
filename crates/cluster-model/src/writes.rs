//! A write to the API server: who makes it, what it does, and what became
//! of it. Both the model's API server and the real cluster's reading speak
//! these words, and the world's controllers write with them.

use serde_json::Value;

use crate::objects::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
}

/// Who writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User,
    /// A controller writing on behalf of this object (its owner).
    Controller(Key),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Admitted,
    /// A policy said no.
    Rejected(String),
    /// The API server's own validation said no (an immutable field).
    Invalid(String),
}

/// One write and what became of it.
#[derive(Debug, Clone)]
pub struct WriteEvent {
    pub actor: Actor,
    pub key: Key,
    pub operation: Operation,
    pub sub_resource: Option<&'static str>,
    /// Whether the write changes the pod template (a Pod: its spec), as sent.
    pub template_changed: bool,
    pub outcome: Outcome,
    pub patched: bool,
    /// The pod spec as stored, when admitted.
    pub stored_spec: Option<Value>,
    /// A controller's write on behalf of an object whose current template a
    /// user's admitted write set (or that was made from one).
    pub from_vouched_template: bool,
    /// Written after the policy was installed, of a kind its rules name
    /// (judged by it).
    pub after_install: bool,
    /// The pod spec as sent (after the API server's defaulting).
    pub sent_spec: Option<Value>,
    /// The pod spec as sent complies (pulls `Always`, or exempt).
    pub sent_complies: bool,
    /// The object as sent names a controlling owner (`controller: true`).
    pub controller_owned: bool,
    /// The object as sent names an owner, controlling or not.
    pub owner_referenced: bool,
    /// In the pair: whether the validating policy alone admits the write
    /// as sent (`None` elsewhere, or when the API server refuses it anyway).
    pub validate_alone: Option<bool>,
    /// A policy answered with warnings.
    pub warned: bool,
    /// The pod spec stored before an UPDATE.
    pub old_spec: Option<Value>,
}
