//! A workload's pod template (`spec.template`, a CronJob's
//! `spec.jobTemplate.spec.template`) as raw JSON, compared by value: the one
//! fact an UPDATE of a workload is decided on first, because only a changed
//! template makes new Pods.

use serde_json::value::RawValue;

use crate::heapsort;
use crate::json_text::{decoded, parts, skip_space, value_end};

/// Deeper than this, two values that differ in text count as different (the
/// stricter reading); serde_json reads no deeper than 128 levels anyway.
const MAX_DEPTH: usize = 128;

/// The template's JSON text, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PodTemplate<'a>(pub &'a RawValue);

impl PodTemplate<'_> {
    /// Whether both templates hold the same JSON value: member order and white
    /// space do not count. The API server writes both objects of an UPDATE with
    /// the same encoder, so equal text, checked first, is the common case.
    pub(crate) fn same_value(&self, other: &PodTemplate<'_>) -> bool {
        let (a, b) = (self.0.get(), other.0.get());
        a == b || in_step(a, b)
    }
}

impl PartialEq for PodTemplate<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.same_value(other)
    }
}

impl Eq for PodTemplate<'_> {}

/// An object or list the in-step walk is inside: where it starts in each text.
struct Open {
    object: bool,
    a: usize,
    b: usize,
}

/// Walks both texts token by token, as far as they agree. Two texts of one
/// encoder differ where their values differ, so a difference is usually
/// final and found without reading the rest: a value under the same name or
/// position. Only where an object's member names differ may the two hold the
/// same members in another order; those two objects are then compared whole,
/// members matched by name (`same_value`), and the walk goes on after them.
/// Duplicate member names (never sent by the API server) read as a change.
fn in_step(a: &str, b: &str) -> bool {
    let (mut ta, mut tb) = (Tokens { text: a, at: 0 }, Tokens { text: b, at: 0 });
    let mut open: Vec<Open> = Vec::new();
    let mut at_name = false;
    loop {
        match (ta.next(), tb.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.same(&y) => match x.kind {
                Token::Open(object) if open.len() < MAX_DEPTH => {
                    open.push(Open {
                        object,
                        a: x.start,
                        b: y.start,
                    });
                    at_name = object;
                }
                Token::Open(_) => return false,
                Token::Close => {
                    open.pop();
                    at_name = false;
                }
                Token::Comma => at_name = open.last().is_some_and(|o| o.object),
                Token::Colon | Token::Text => at_name = false,
            },
            _ => {
                let Some(object) = open.pop().filter(|o| o.object && at_name) else {
                    return false;
                };
                let (Some(end_a), Some(end_b)) = (value_end(a, object.a), value_end(b, object.b))
                else {
                    return false;
                };
                match (a.get(object.a..end_a), b.get(object.b..end_b)) {
                    (Some(x), Some(y)) if same_value(x, y, MAX_DEPTH) => {}
                    _ => return false,
                }
                (ta.at, tb.at, at_name) = (end_a, end_b, false);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `{` (an object) or `[`.
    Open(bool),
    Close,
    Colon,
    Comma,
    /// A string, number, `true`, `false` or `null`.
    Text,
}

struct Lexeme<'t> {
    kind: Token,
    start: usize,
    text: &'t str,
}

impl Lexeme<'_> {
    /// The same token: the same text, or strings of the same decoded text.
    fn same(&self, other: &Lexeme<'_>) -> bool {
        self.kind == other.kind
            && (self.text == other.text
                || (self.text.starts_with('"')
                    && matches!((decoded(self.text), decoded(other.text)), (Some(a), Some(b)) if a == b)))
    }
}

/// The tokens of a JSON text, white space skipped.
struct Tokens<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Tokens<'t> {
    fn next(&mut self) -> Option<Lexeme<'t>> {
        let start = skip_space(self.text, self.at);
        let (kind, end) = match self.text.as_bytes().get(start)? {
            b'{' => (Token::Open(true), start + 1),
            b'[' => (Token::Open(false), start + 1),
            b'}' | b']' => (Token::Close, start + 1),
            b':' => (Token::Colon, start + 1),
            b',' => (Token::Comma, start + 1),
            _ => (Token::Text, value_end(self.text, start)?),
        };
        self.at = end;
        Some(Lexeme {
            kind,
            start,
            text: self.text.get(start..end)?,
        })
    }
}

/// Compares two values of JSON text (valid JSON: it came from a `RawValue`),
/// without building either: an object's members are matched by name, a
/// list's items by position, a string by its decoded text, anything else by
/// its text. What cannot be split (only a defence) is a change.
fn same_value(a: &str, b: &str, depth: usize) -> bool {
    if a == b {
        return true;
    }
    let Some(depth) = depth.checked_sub(1) else {
        return false;
    };
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(b'{'), Some(b'{')) => match (parts(a, true), parts(b, true)) {
            (Some(mut a), Some(mut b)) if a.len() == b.len() => {
                heapsort::sort_by_key(&mut a, |(name, _)| *name);
                heapsort::sort_by_key(&mut b, |(name, _)| *name);
                // A name given twice (never sent by the API server) reads as a
                // change: which of its values counts is the reader's choice.
                let unique = |parts: &[(&str, &str)]| {
                    parts.windows(2).all(|pair| match pair {
                        [(x, _), (y, _)] => x != y,
                        _ => true,
                    })
                };
                unique(&a)
                    && unique(&b)
                    && a.iter()
                        .zip(&b)
                        .all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb, depth))
            }
            _ => false,
        },
        (Some(b'['), Some(b'[')) => match (parts(a, false), parts(b, false)) {
            (Some(a), Some(b)) if a.len() == b.len() => a
                .iter()
                .zip(&b)
                .all(|((_, x), (_, y))| same_value(x, y, depth)),
            _ => false,
        },
        (Some(b'"'), Some(b'"')) => {
            matches!((decoded(a), decoded(b)), (Some(a), Some(b)) if a == b)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn same(a: &str, b: &str) -> bool {
        let (a, b) = (
            RawValue::from_string(a.to_owned()).unwrap(),
            RawValue::from_string(b.to_owned()).unwrap(),
        );
        PodTemplate(&a).same_value(&PodTemplate(&b))
    }

    /// An object of 300 members, in order or reversed.
    fn many(reversed: bool) -> String {
        let mut members: Vec<String> = (0..300).map(|i| format!("\"k{i}\":{i}")).collect();
        if reversed {
            members.reverse();
        }
        format!("{{{}}}", members.join(","))
    }

    #[rstest]
    #[case::identical_text(
        r#"{"spec":{"containers":[{"image":"a"}]}}"#,
        r#"{"spec":{"containers":[{"image":"a"}]}}"#,
        true
    )]
    #[case::member_order_does_not_count(
        r#"{"metadata":{},"spec":{"a":1,"b":2}}"#,
        r#"{"spec":{"b":2,"a":1},"metadata":{}}"#,
        true
    )]
    #[case::white_space_does_not_count("{\"spec\": {\"a\": 1}}", "{\"spec\":{\"a\":1}}", true)]
    #[case::escapes_are_values(r#"{"a":"\u0041"}"#, r#"{"a":"A"}"#, true)]
    #[case::an_env_var_is_a_change(
        r#"{"spec":{"env":[{"name":"V","value":"1"}]}}"#,
        r#"{"spec":{"env":[{"name":"V","value":"2"}]}}"#,
        false
    )]
    #[case::list_order_is_a_change(r#"{"a":[1,2]}"#, r#"{"a":[2,1]}"#, false)]
    #[case::a_template_annotation_is_a_change(
        r#"{"metadata":{}}"#,
        r#"{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"now"}}}"#,
        false
    )]
    #[case::null_is_not_absent(r#"{"a":null}"#, r#"{}"#, false)]
    #[case::nested_member_order_does_not_count(
        r#"{"a":[{"x":1,"y":[{"p":1,"q":2}]}]}"#,
        r#"{"a":[{"y":[{"q":2,"p":1}],"x":1}]}"#,
        true
    )]
    #[case::a_member_more_is_a_change(r#"{"a":1}"#, r#"{"a":1,"b":2}"#, false)]
    #[case::a_type_change_is_a_change(r#"{"a":"1"}"#, r#"{"a":1}"#, false)]
    #[case::reordered_deep_inside_equal_text_around(
        r#"{"m":{},"s":{"c":[{"n":"a","i":"x"}],"z":1}}"#,
        r#"{"m":{},"s":{"c":[{"i":"x","n":"a"}],"z":1}}"#,
        true
    )]
    #[case::reordered_then_changed_after(
        r#"{"s":{"a":1,"b":2},"z":1}"#,
        r#"{"s":{"b":2,"a":1},"z":2}"#,
        false
    )]
    #[case::a_member_less_at_the_end(r#"{"a":1,"b":2}"#, r#"{"a":1}"#, false)]
    #[case::a_longer_list(r#"{"a":[1,2]}"#, r#"{"a":[1,2,3]}"#, false)]
    #[case::reordered_with_an_escaped_value(r#"{"b":1,"a":"A"}"#, r#"{"a":"\u0041","b":1}"#, true)]
    #[case::reordered_with_a_longer_list(r#"{"b":[1,2],"a":1}"#, r#"{"a":1,"b":[1,2,3]}"#, false)]
    #[case::duplicate_names_read_as_a_change(r#"{"a":1,"a":2}"#, r#"{"a":2}"#, false)]
    #[case::duplicate_names_in_another_order_read_as_a_change(
        r#"{"x":0,"a":1,"a":2}"#,
        r#"{"a":2,"a":1,"x":0}"#,
        false
    )]
    #[case::closing_kinds_differ(r#"{"a":[]}"#, r#"{"a":{}}"#, false)]
    #[case::many_members_in_reverse_order(&many(false), &many(true), true)]
    #[case::scalars_end_at_their_delimiter(
        r#"{"a":[1, true,null ,-2.5e3]}"#,
        r#"{"a":[1,true,null,-2.5e3]}"#,
        true
    )]
    #[case::escaped_quotes_stay_inside_strings(
        r#"{"a":"x\"}","b":1}"#,
        r#"{"b":1,"a":"x\"}"}"#,
        true
    )]
    fn templates_compare_by_value(#[case] a: &str, #[case] b: &str, #[case] expected: bool) {
        assert_eq!(same(a, b), expected);
        assert_eq!(same(b, a), expected);
    }

    /// `depth` nested lists around `1`, compact or spaced (equal values,
    /// different texts).
    fn nested(depth: usize, spaced: bool) -> String {
        let (open, close) = if spaced { ("[ ", " ]") } else { ("[", "]") };
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    }

    /// The walk is bounded: templates nested up to `MAX_DEPTH` are compared,
    /// deeper ones read as a change.
    #[test]
    fn nesting_past_the_bound_reads_as_a_change() {
        assert!(same(&nested(MAX_DEPTH, false), &nested(MAX_DEPTH, true)));
        let deeper = MAX_DEPTH + 1;
        assert!(!same(&nested(deeper, false), &nested(deeper, true)));
    }
}
