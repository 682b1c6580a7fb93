//! Editing pull policies in the object's own JSON text.
//!
//! The mutated object is the request's object text with a few byte ranges
//! rewritten, so every other field, known to any Rust type or not, comes back
//! exactly as it came in: nothing is re-serialized.

use serde_json::value::RawValue;

use crate::vocabulary::EditSite;

/// The value a mutation writes.
const ALWAYS: &str = "\"Always\"";
/// The most one edit adds to the text: `,"imagePullPolicy":"Always"`.
const EDIT_GROWTH_MAX: usize = 32;
/// UTF-16 surrogates: a high one (`\uD800`-`\uDBFF`) must be followed by a
/// low one (`\uDC00`-`\uDFFF`); alone, either is no Unicode text.
const HIGH_SURROGATE_FIRST: u16 = 0xD800;
const HIGH_SURROGATE_LAST: u16 = 0xDBFF;
const LOW_SURROGATE_FIRST: u16 = 0xDC00;
const LOW_SURROGATE_LAST: u16 = 0xDFFF;

/// The edit at `site` of `text`, the text the site was read from.
fn edit(site: &EditSite<'_>, text: &str) -> Result<Edit, MutationError> {
    match (site.value, site.anchor) {
        (Some(value), _) => {
            let start = offset_in(text, value)?;
            Ok(Edit::Replace {
                start,
                end: start + value.get().len(),
            })
        }
        (None, Some(anchor)) => Ok(Edit::Insert {
            at: offset_in(text, anchor)? + anchor.get().len(),
            member: site.member,
        }),
        (None, None) => Err(MutationError::NoAnchor {
            member: site.member,
        }),
    }
}

/// The byte offset of a borrowed raw value inside the text it was read from.
fn offset_in(text: &str, value: &RawValue) -> Result<usize, MutationError> {
    let start = (value.get().as_ptr() as usize).checked_sub(text.as_ptr() as usize);
    match start {
        Some(start) if start + value.get().len() <= text.len() => Ok(start),
        _ => Err(MutationError::OutsideText),
    }
}

/// One change to the object text, at byte offsets into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
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
pub(crate) enum MutationError {
    #[error("internal error: a pull-policy edit at byte {at} does not fit the object")]
    Misplaced { at: usize },
    #[error("internal error: a pull-policy value lies outside the object text")]
    OutsideText,
    #[error("internal error: no value to write {member} after")]
    NoAnchor { member: &'static str },
    #[error("internal error: the mutated object is not valid JSON")]
    InvalidOutput,
    #[error(
        "the object holds a \\u escape of a lone UTF-16 surrogate, which is no Unicode text; it cannot be returned mutated"
    )]
    LoneSurrogate,
}

/// `text` with `Always` written at each of `sites` (read from `text`): the
/// mutated object, checked to be JSON that the policy server can read.
pub(crate) fn mutated<'s>(
    text: &str,
    sites: impl IntoIterator<Item = &'s EditSite<'s>>,
) -> Result<Box<RawValue>, MutationError> {
    let edits = sites
        .into_iter()
        .map(|site| edit(site, text))
        .collect::<Result<Vec<Edit>, MutationError>>()?;
    let text = apply(text, edits)?;
    if has_lone_surrogate(&text) {
        return Err(MutationError::LoneSurrogate);
    }
    // Re-validating the edited text keeps a bug from ever emitting broken JSON.
    RawValue::from_string(text).map_err(|_| MutationError::InvalidOutput)
}

/// Applies `edits` (in any order, not overlapping) to `text`.
fn apply(text: &str, mut edits: Vec<Edit>) -> Result<String, MutationError> {
    edits.sort_by_key(|edit| edit.start());
    let mut out = String::with_capacity(text.len() + edits.len() * EDIT_GROWTH_MAX);
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
fn has_lone_surrogate(text: &str) -> bool {
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
                Some(HIGH_SURROGATE_FIRST..=HIGH_SURROGATE_LAST) => {
                    let low = (bytes.get(i + 6..i + 8) == Some(b"\\u"))
                        .then(|| unit(i + 8))
                        .flatten();
                    if !matches!(low, Some(LOW_SURROGATE_FIRST..=LOW_SURROGATE_LAST)) {
                        return true;
                    }
                    i += 12;
                }
                Some(LOW_SURROGATE_FIRST..=LOW_SURROGATE_LAST) => return true,
                _ => i += 6,
            },
            _ => i += 2,
        }
    }
    false
}

#[cfg(test)]
mod tests;
