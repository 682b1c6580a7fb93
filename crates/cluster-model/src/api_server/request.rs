//! The AdmissionRequest the API server sends a webhook for a write.

use serde_json::{Value, json};

use super::{Actor, Cluster, Operation, Write};
use crate::objects::Key;

impl Cluster<'_> {
    /// The AdmissionRequest of `write`, with `object` as it stands at this
    /// point of the chain.
    pub(super) fn request(&mut self, write: &Write<'_>, object: &Value) -> Value {
        let (kind, operation, old) = (write.kind, write.operation, write.old);
        let key = Key::of(kind, object);
        let (group, version) = (kind.group(), kind.version());
        let group_kind = json!({"group": group, "version": version, "kind": kind.name()});
        let resource = json!({"group": group, "version": version, "resource": kind.resource()});
        let username = match write.actor {
            Actor::User => "kubernetes-admin".to_owned(),
            Actor::Controller(owner) => format!(
                "system:serviceaccount:kube-system:{}-controller",
                owner.kind.name().to_lowercase()
            ),
        };
        let (operation, options) = match operation {
            Operation::Create => ("CREATE", "CreateOptions"),
            Operation::Update => ("UPDATE", "UpdateOptions"),
        };
        let uid = self.fresh_uid();
        let mut request = json!({
            "uid": format!("request-{uid}"),
            "kind": group_kind,
            "resource": resource,
            "requestKind": group_kind,
            "requestResource": resource,
            "name": key.name,
            "namespace": key.namespace,
            "operation": operation,
            "userInfo": {"username": username, "groups": ["system:authenticated"]},
            "object": object,
            "oldObject": old.cloned().unwrap_or(Value::Null),
            "dryRun": false,
            "options": {"kind": options, "apiVersion": "meta.k8s.io/v1"},
        });
        if let Some(sub_resource) = write.sub_resource {
            request["subResource"] = json!(sub_resource);
            request["requestSubResource"] = json!(sub_resource);
        }
        request
    }
}
