//! Editing pull policies in the object's own JSON text.
//!
//! The mutated object is the request's object text with a few byte ranges
//! rewritten, so every other field, known to any Rust type or not, comes back
//! exactly as it came in: nothing is re-serialized.

/// The value a mutation writes.
const ALWAYS: &str = "\"Always\"";

/// One change to the object text, at byte offsets into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The pull-policy member exists (possibly `null` or empty): replace the
    /// value at `start..end` with `"Always"`.
    Replace { start: usize, end: usize },
    /// The member is absent: insert `,"<member>":"Always"` at `at`, the end of
    /// a sibling member's value (after a value, a new member is always valid JSON).
    Insert { at: usize, member: &'static str },
}

impl Edit {
    fn start(self) -> usize {
        match self {
            Edit::Replace { start, .. } => start,
            Edit::Insert { at, .. } => at,
        }
    }

    fn end(self) -> usize {
        match self {
            Edit::Replace { end, .. } => end,
            Edit::Insert { at, .. } => at,
        }
    }
}

/// A mutation that went wrong: a bug, reported (and rejected) instead of a trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MutationError {
    #[error("internal error: a pull-policy edit at byte {at} does not fit the object")]
    Misplaced { at: usize },
    #[error("internal error: the mutated object is not valid JSON")]
    InvalidOutput,
}

/// Applies `edits` (in any order, not overlapping) to `text`.
pub fn apply(text: &str, edits: impl IntoIterator<Item = Edit>) -> Result<String, MutationError> {
    let mut edits: Vec<Edit> = edits.into_iter().collect();
    edits.sort_by_key(|edit| edit.start());
    let mut out = String::with_capacity(text.len() + edits.len() * 32);
    let mut copied = 0;
    for edit in edits {
        let error = MutationError::Misplaced { at: edit.start() };
        let before = text.get(copied..edit.start()).ok_or(error)?;
        if edit.end() < edit.start() {
            return Err(error);
        }
        out.push_str(before);
        match edit {
            Edit::Replace { .. } => out.push_str(ALWAYS),
            Edit::Insert { member, .. } => {
                out.push_str(",\"");
                out.push_str(member);
                out.push_str("\":");
                out.push_str(ALWAYS);
            }
        }
        copied = edit.end();
    }
    out.push_str(
        text.get(copied..)
            .ok_or(MutationError::Misplaced { at: copied })?,
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_inserts_without_touching_anything_else() {
        let text = r#"{"a":{"image":"x","imagePullPolicy":"Never"},"b":{"image":"y"} }"#;
        let replace_at = text.find("\"Never\"").unwrap();
        let insert_at = text.find("\"y\"").unwrap() + 3;
        let edits = [
            Edit::Insert {
                at: insert_at,
                member: "imagePullPolicy",
            },
            Edit::Replace {
                start: replace_at,
                end: replace_at + 7,
            },
        ];
        assert_eq!(
            apply(text, edits).unwrap(),
            r#"{"a":{"image":"x","imagePullPolicy":"Always"},"b":{"image":"y","imagePullPolicy":"Always"} }"#
        );
    }

    #[test]
    fn no_edit_is_the_identity() {
        assert_eq!(apply("{ \"k\" : 1 }", []).unwrap(), "{ \"k\" : 1 }");
    }

    #[test]
    fn overlapping_or_out_of_range_edits_are_errors_not_traps() {
        let text = r#"{"k":"v"}"#;
        assert!(apply(text, [Edit::Replace { start: 5, end: 50 }]).is_err());
        assert!(
            apply(
                text,
                [Edit::Insert {
                    at: 50,
                    member: "m"
                }]
            )
            .is_err()
        );
        assert!(
            apply(
                text,
                [
                    Edit::Replace { start: 1, end: 6 },
                    Edit::Replace { start: 3, end: 8 }
                ]
            )
            .is_err()
        );
        assert!(
            apply("é", [Edit::Insert { at: 1, member: "m" }]).is_err(),
            "not a char boundary"
        );
    }
}
