//! Why an object cannot be checked. The policy rejects what it cannot check.

use crate::json_view::JsonType;
use crate::vocabulary::FieldPath;

/// Each error names the field path it is about, written out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("the request carries no object")]
    NoObject,
    #[error("the object is not valid JSON: {0}")]
    Malformed(String),
    #[error("{0} is missing")]
    Missing(String),
    #[error("{0} is empty: a pod spec needs at least one container")]
    NoContainers(String),
    #[error("{path} is {found}, must be {expected}")]
    WrongType {
        path: String,
        found: JsonType,
        expected: JsonType,
    },
}

impl ReadError {
    /// The error of a part read on its own (a custom resource's pod spec),
    /// its path put under `at`, where the part stands.
    pub(crate) fn under(self, at: &str) -> ReadError {
        // `at` is never empty: a place's path has at least one member.
        let join = |path: String| match path.as_str() {
            "object" | "" => at.to_owned(),
            _ => format!("{at}.{path}"),
        };
        match self {
            ReadError::Missing(path) => ReadError::Missing(join(path)),
            ReadError::NoContainers(path) => ReadError::NoContainers(join(path)),
            ReadError::WrongType {
                path,
                found,
                expected,
            } => ReadError::WrongType {
                path: join(path),
                found,
                expected,
            },
            other => other,
        }
    }

    pub(crate) fn missing(path: FieldPath<'_>) -> ReadError {
        ReadError::Missing(path.to_string())
    }

    pub(crate) fn no_containers(path: FieldPath<'_>) -> ReadError {
        ReadError::NoContainers(path.to_string())
    }

    pub(crate) fn wrong_type(
        path: FieldPath<'_>,
        found: JsonType,
        expected: JsonType,
    ) -> ReadError {
        ReadError::WrongType {
            path: path.to_string(),
            found,
            expected,
        }
    }
}
