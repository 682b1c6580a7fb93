//! What the model remembers of who set a template: an object's template is
//! vouched for when a user's admitted write set it after the install, or a
//! controller made it from a vouched template. A controller's write made
//! from a vouched template must never stall (`no silent stall`).

use serde_json::Value;

use super::{Actor, Cluster, Operation, template};
use crate::objects::{self, Key, Kind};

impl Cluster<'_> {
    pub(super) fn store(
        &mut self,
        actor: &Actor,
        operation: Operation,
        kind: Kind,
        key: &Key,
        object: Value,
        template_changed: bool,
    ) {
        let text = objects::canonical(template(kind, &object));
        if self.installed && kind == Kind::Pod && operation == Operation::Create {
            self.created_after_install.insert(key.clone());
        }
        // A Job's template is judged when the Job is created; a later change
        // (a suspended Job's scheduling directives) is not vouched for; nor
        // is a workload that names an owner, which the policy accepts as
        // written (its Pods are judged).
        let named_owner = kind != Kind::Pod && !objects::owner_uids(&object).is_empty();
        let job_update = kind == Kind::Job && operation == Operation::Update;
        let judged = !job_update && !named_owner;
        let vouched = match actor {
            Actor::User => self.installed && judged,
            Actor::Controller(owner) => self.is_vouched(owner),
        };
        if template_changed && vouched {
            self.vouched.insert(key.clone(), text.clone());
        } else if template_changed {
            self.vouched.remove(key);
        }
        self.revision += 1;
        self.template_history
            .entry(key.clone())
            .or_default()
            .insert(text);
        self.objects.insert(key.clone(), object);
    }

    /// A controller's write made from its owner's vouched template (a Pod:
    /// from the current one, not an older revision).
    pub(super) fn made_from_vouched_template(
        &self,
        actor: &Actor,
        kind: Kind,
        object: &Value,
    ) -> bool {
        match actor {
            Actor::Controller(owner) => {
                self.is_vouched(owner)
                    && (kind != Kind::Pod || self.made_from_current_template(owner, object))
            }
            Actor::User => false,
        }
    }

    /// Whether a Pod's spec is its owner's current template's (not an older
    /// revision's, as a StatefulSet makes below its partition).
    fn made_from_current_template(&self, owner: &Key, pod: &Value) -> bool {
        let template = self
            .objects
            .get(owner)
            .and_then(|owner_object| template(owner.kind, owner_object));
        template.and_then(|t| t.get("spec")) == pod.get("spec")
    }

    /// Whether the object's current template is one a user's admitted write set.
    pub fn is_vouched(&self, key: &Key) -> bool {
        let current = self
            .objects
            .get(key)
            .map(|object| objects::canonical(template(key.kind, object)));
        current.is_some() && self.vouched.get(key) == current.as_ref()
    }
}
