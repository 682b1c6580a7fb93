//! Splitting JSON text that is known to be valid (it came from a
//! `RawValue`) into its parts, without building values: what the policy needs
//! to compare two templates and to read an object's owner references, in fewer
//! bytes of wasm than serde's generic code for each shape.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::json_view::Member;

/// The members (name text, value text) of an object's text, or the items
/// (with empty names) of a list's.
pub(crate) fn parts(text: &str, object: bool) -> Option<Vec<(&str, &str)>> {
    let mut parts = Vec::new();
    let mut at = skip_space(text, 1);
    if matches!(text.as_bytes().get(at), Some(b'}' | b']')) {
        return Some(parts);
    }
    loop {
        let mut name = "";
        if object {
            let end = value_end(text, at)?;
            name = text.get(at..end)?;
            at = skip_space(text, end);
            (text.as_bytes().get(at) == Some(&b':')).then_some(())?;
            at = skip_space(text, at + 1);
        }
        let end = value_end(text, at)?;
        parts.push((name, text.get(at..end)?));
        at = skip_space(text, end);
        match text.as_bytes().get(at)? {
            b',' => at = skip_space(text, at + 1),
            b'}' | b']' => return Some(parts),
            _ => return None,
        }
    }
}

pub(crate) fn skip_space(text: &str, mut at: usize) -> usize {
    while matches!(text.as_bytes().get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Where the value that starts at `start` ends.
pub(crate) fn value_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = start;
            loop {
                match *bytes.get(at)? {
                    b'"' => {
                        at = string_end(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            let rest = bytes.get(start..)?;
            let delimiter = |b: &u8| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r');
            Some(start + rest.iter().position(delimiter).unwrap_or(rest.len()))
        }
    }
}

/// Where the string that starts (with its quote) at `start` ends.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        match *bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// A string literal's decoded text.
pub(crate) fn decoded(literal: &str) -> Option<Cow<'_, str>> {
    let raw: &RawValue = serde_json::from_str(literal).ok()?;
    Member(Some(raw)).scalar().into_str()
}
