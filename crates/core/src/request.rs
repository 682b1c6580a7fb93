//! The `validate` payload, read once and borrowed: the request envelope is
//! decoded, the object and old object are kept as raw JSON text until (and
//! unless) the decision needs them.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::decision::RequestView;
use crate::settings::Settings;

/// What the policy server sends to `validate`.
#[derive(Deserialize, Debug)]
pub(crate) struct ValidationPayload<'a> {
    #[serde(borrow)]
    pub request: AdmissionRequest<'a>,
    /// Absent or `null` means the defaults.
    #[serde(default)]
    pub settings: Option<Settings>,
}

/// The parts of a Kubernetes `AdmissionRequest` the policy reads. Aliases
/// accept the snake_case spelling some tools (the Rust SDK's own type) write.
#[derive(Deserialize, Debug)]
pub(crate) struct AdmissionRequest<'a> {
    #[serde(borrow)]
    pub kind: GroupVersionKind<'a>,
    #[serde(borrow, default, rename = "subResource", alias = "sub_resource")]
    pub sub_resource: Cow<'a, str>,
    #[serde(borrow, default)]
    pub name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub namespace: Cow<'a, str>,
    #[serde(borrow)]
    pub operation: Cow<'a, str>,
    #[serde(borrow, default)]
    pub object: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "oldObject", alias = "old_object")]
    pub old_object: Option<&'a RawValue>,
}

#[derive(Deserialize, Debug, Default)]
pub(crate) struct GroupVersionKind<'a> {
    #[serde(borrow, default)]
    pub group: Cow<'a, str>,
    #[serde(borrow, default)]
    pub kind: Cow<'a, str>,
}

impl<'a> ValidationPayload<'a> {
    pub(crate) fn parse(payload: &'a [u8]) -> Result<Self, serde_json::Error> {
        // One UTF-8 check of the whole payload, then a reader that trusts it:
        // cheaper than checking each string and each raw value on its own.
        let text = std::str::from_utf8(payload)
            .map_err(<serde_json::Error as serde::de::Error>::custom)?;
        serde_json::from_str(text)
    }
}

impl AdmissionRequest<'_> {
    /// The fields the decision reads.
    pub(crate) fn view(&self) -> RequestView<'_> {
        RequestView {
            group: &self.kind.group,
            kind: &self.kind.kind,
            sub_resource: &self.sub_resource,
            namespace: &self.namespace,
            operation: &self.operation,
        }
    }
}
