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
    #[error(
        "the object holds a \\u escape of a lone UTF-16 surrogate, which is no Unicode text; it cannot be returned mutated"
    )]
    LoneSurrogate,
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

/// Whether JSON text holds a `\\u` escape of a lone UTF-16 surrogate: valid
/// JSON grammar, but no Unicode string, so the policy server could not read an
/// object that carries one. The policy server never sends such text; a request
/// that does is refused rather than echoed.
pub fn has_lone_surrogate(text: &str) -> bool {
    let bytes = text.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        let hex = bytes.get(at..at + 4)?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    let mut i = 0;
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|b| *b == b'\\'))
    {
        i += offset;
        match bytes.get(i + 1) {
            Some(b'u') => match unit(i + 2) {
                Some(0xD800..=0xDBFF) => {
                    let low = (bytes.get(i + 6..i + 8) == Some(b"\\u"))
                        .then(|| unit(i + 8))
                        .flatten();
                    if !matches!(low, Some(0xDC00..=0xDFFF)) {
                        return true;
                    }
                    i += 12;
                }
                Some(0xDC00..=0xDFFF) => return true,
                _ => i += 6,
            },
            _ => i += 2,
        }
    }
    false
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
    fn lone_surrogate_escapes_are_found() {
        for (text, lone) in [
            (r#"{"a":"\ud83d\ude00"}"#, false),
            (r#"{"a":"\u00e9 \\ud800"}"#, false),
            (r#"{"a":"x\ud800"}"#, true),
            (r#"{"a":"\ude00"}"#, true),
            (r#"{"a":"\ud800\u0041"}"#, true),
            (r#"{"a":"\uD83D"}"#, true),
            ("plain", false),
        ] {
            assert_eq!(has_lone_surrogate(text), lone, "{text}");
        }
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
