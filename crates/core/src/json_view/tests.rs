use super::*;
use rstest::rstest;

#[derive(Debug, serde::Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default)]
    field: Member<'a>,
}

#[rstest]
#[case::absent(r#"{}"#, Scalar::Absent)]
#[case::null(r#"{"field": null}"#, Scalar::Null)]
#[case::plain_string(r#"{"field": "Always"}"#, Scalar::Str(Cow::Borrowed("Always")))]
#[case::escaped_string(r#"{"field": "Al\u0077ays"}"#, Scalar::Str(Cow::Owned("Always".into())))]
#[case::number(r#"{"field": 1}"#, Scalar::Other(JsonType::Number))]
#[case::negative_number(r#"{"field": -1.5e3}"#, Scalar::Other(JsonType::Number))]
#[case::boolean(r#"{"field": false}"#, Scalar::Other(JsonType::Boolean))]
#[case::object(r#"{"field": {"a": 1}}"#, Scalar::Other(JsonType::Object))]
#[case::list(r#"{"field": [1]}"#, Scalar::Other(JsonType::List))]
fn member_scalars(#[case] json: &str, #[case] expected: Scalar<'_>) {
    let probe: Probe<'_> = serde_json::from_str(json).expect("valid JSON");
    assert_eq!(probe.field.scalar(), expected);
}

#[test]
fn escaped_strings_are_borrowed_only_when_plain() {
    let probe: Probe<'_> = serde_json::from_str(r#"{"field": "a\"b"}"#).unwrap();
    assert_eq!(probe.field.scalar(), Scalar::Str(Cow::Owned("a\"b".into())));
}

#[rstest]
#[case::list_of_objects(r#"[{"field": "x"}, {}]"#, Ok(2))]
#[case::empty_list("[]", Ok(0))]
#[case::object_instead(r#"{"a": [1, 2]}"#, Err(JsonType::Object))]
#[case::string_instead(r#""x""#, Err(JsonType::String))]
#[case::null_instead("null", Err(JsonType::Null))]
fn lists(#[case] json: &str, #[case] expected: Result<usize, JsonType>) {
    let list: List<Object<Probe<'_>>> = serde_json::from_str(json).expect("valid JSON");
    let got = match list {
        List::Is(items) => Ok(items.len()),
        List::Not(found) => Err(found),
    };
    assert_eq!(got, expected);
}

#[rstest]
#[case::number("[1]", JsonType::Number)]
#[case::list("[[{}]]", JsonType::List)]
#[case::null("[null]", JsonType::Null)]
#[case::boolean("[true]", JsonType::Boolean)]
fn entries_of_the_wrong_type(#[case] json: &str, #[case] expected: JsonType) {
    let list: List<Object<Probe<'_>>> = serde_json::from_str(json).expect("valid JSON");
    match list {
        List::Is(items) => {
            assert!(matches!(items.as_slice(), [Object::Not(found)] if *found == expected))
        }
        List::Not(found) => panic!("list read as {found}"),
    }
}

#[test]
fn duplicate_known_members_fail_the_parse() {
    assert!(serde_json::from_str::<Probe<'_>>(r#"{"field": 1, "field": 2}"#).is_err());
}
