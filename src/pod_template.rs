//! A workload's pod template (`spec.template`, a CronJob's
//! `spec.jobTemplate.spec.template`) as raw JSON, compared by value: the one
//! fact an UPDATE of a workload is decided on first, because only a changed
//! template makes new Pods.

use serde_json::value::RawValue;

use crate::json_text::{decoded, parts};

/// Deeper than this, two values that differ in text count as different (the
/// stricter reading); serde_json reads no deeper than 128 levels anyway.
const MAX_DEPTH: usize = 128;

/// The template's JSON text, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub struct PodTemplate<'a>(pub &'a RawValue);

impl PodTemplate<'_> {
    /// Whether both templates hold the same JSON value: member order and white
    /// space do not count. The API server writes both objects of an UPDATE with
    /// the same encoder, so equal text, checked first, is the common case.
    pub fn same_value(&self, other: &PodTemplate<'_>) -> bool {
        same_value(self.0.get(), other.0.get(), MAX_DEPTH)
    }
}

impl PartialEq for PodTemplate<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.same_value(other)
    }
}

impl Eq for PodTemplate<'_> {}

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
                sort_by_name(&mut a);
                sort_by_name(&mut b);
                a.iter()
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

/// Sorts members by name: a heapsort, in place, O(n log n) whatever the
/// input, and a few hundred bytes of wasm where the standard sort costs 6 KB.
fn sort_by_name(parts: &mut [(&str, &str)]) {
    let len = parts.len();
    for root in (0..len / 2).rev() {
        sift_down(parts, root, len);
    }
    for end in (1..len).rev() {
        parts.swap(0, end);
        sift_down(parts, 0, end);
    }
}

fn sift_down(parts: &mut [(&str, &str)], mut root: usize, end: usize) {
    fn name<'p>(parts: &[(&'p str, &str)], i: usize) -> Option<&'p str> {
        parts.get(i).map(|(name, _)| *name)
    }
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && name(parts, child) < name(parts, child + 1) {
            child += 1;
        }
        if name(parts, root) >= name(parts, child) {
            return;
        }
        parts.swap(root, child);
        root = child;
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
}
