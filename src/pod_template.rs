//! A workload's pod template (`spec.template`, a CronJob's
//! `spec.jobTemplate.spec.template`) as raw JSON, compared by value: the one
//! fact an UPDATE of a workload is decided on first, because only a changed
//! template makes new Pods.

use serde_json::Value;
use serde_json::value::RawValue;

/// The template's JSON text, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub struct PodTemplate<'a>(pub &'a RawValue);

impl PodTemplate<'_> {
    /// Whether both templates hold the same JSON value: member order and white
    /// space do not count. The API server writes both objects of an UPDATE with
    /// the same encoder, so equal text, checked first, is the common case.
    pub fn same_value(&self, other: &PodTemplate<'_>) -> bool {
        let (a, b) = (self.0.get(), other.0.get());
        if a == b {
            return true;
        }
        // Text that differs: compare values. Text that cannot become a value
        // (it was read once already, so this is only a defence) is a change,
        // the stricter reading.
        match (
            serde_json::from_str::<Value>(a),
            serde_json::from_str::<Value>(b),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq for PodTemplate<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.same_value(other)
    }
}

impl Eq for PodTemplate<'_> {}

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
    fn templates_compare_by_value(#[case] a: &str, #[case] b: &str, #[case] expected: bool) {
        assert_eq!(same(a, b), expected);
        assert_eq!(same(b, a), expected);
    }
}
