//! Why an object cannot be checked. The policy rejects what it cannot check.

use crate::json_view::JsonType;
use crate::vocabulary::FieldPath;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("the request carries no object")]
    NoObject,
    #[error("the object is not valid JSON: {0}")]
    Malformed(String),
    #[error("{0} is missing")]
    Missing(FieldPath),
    #[error("{0} is empty: a pod spec needs at least one container")]
    NoContainers(FieldPath),
    #[error("{path} is {found}, must be {expected}")]
    WrongType {
        path: FieldPath,
        found: JsonType,
        expected: JsonType,
    },
}

impl ReadError {
    pub(crate) fn wrong_type(path: FieldPath, found: JsonType, expected: JsonType) -> ReadError {
        ReadError::WrongType {
            path,
            found,
            expected,
        }
    }
}
