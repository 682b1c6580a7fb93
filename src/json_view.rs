//! Borrowed, lenient views of JSON values, for reading objects the policy must
//! not trust: a value of the wrong type is recorded (so the caller can name the
//! field in its rejection) instead of failing the whole parse, and member values
//! keep their place in the request text (so a mutation can edit them in place).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// An object member's raw value, kept even when it is `null`; `None` only when
/// the member is absent. Use with `#[serde(default)]`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Member<'a>(pub Option<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for Member<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'a RawValue>::deserialize(deserializer).map(|raw| Member(Some(raw)))
    }
}

/// What a member holds, as the policy needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar<'a> {
    Absent,
    Null,
    Str(Cow<'a, str>),
    /// Any other JSON type, named for a message ("a number").
    Other(&'static str),
}

impl<'a> Member<'a> {
    pub fn scalar(self) -> Scalar<'a> {
        let Some(raw) = self.0 else {
            return Scalar::Absent;
        };
        match type_name(raw) {
            "null" => Scalar::Null,
            "a string" => decode_string(raw.get()).map_or(Scalar::Other("a string"), Scalar::Str),
            other => Scalar::Other(other),
        }
    }
}

impl<'a> Scalar<'a> {
    /// The string, if the member holds one.
    pub fn into_str(self) -> Option<Cow<'a, str>> {
        match self {
            Scalar::Str(value) => Some(value),
            _ => None,
        }
    }
}

/// The JSON type of a raw value, for messages. serde_json hands out raw values
/// without surrounding white space, so the first byte decides.
pub fn type_name(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A JSON string literal's value, borrowed when it holds no escape.
fn decode_string(literal: &str) -> Option<Cow<'_, str>> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(literal).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// A value that should be a JSON object read as `T`, or the type it was instead.
#[derive(Debug)]
pub enum Object<T> {
    Is(T),
    Not(&'static str),
}

/// A value that should be a JSON list of `T`, or the type it was instead.
#[derive(Debug)]
pub enum List<T> {
    Is(Vec<T>),
    Not(&'static str),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Expect::<Object<T>>(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Expect::<List<T>>(PhantomData))
    }
}

/// How a lenient view is built from the JSON type it meets.
trait Shape<'de>: Sized {
    const EXPECTED: &'static str;
    fn wrong(found: &'static str) -> Self;
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error>;
}

impl<'de, T: Deserialize<'de>> Shape<'de> for Object<T> {
    const EXPECTED: &'static str = "an object";
    fn wrong(found: &'static str) -> Self {
        Object::Not(found)
    }
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Object::Is)
    }
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        drain_seq(seq).map(|()| Object::Not("a list"))
    }
}

impl<'de, T: Deserialize<'de>> Shape<'de> for List<T> {
    const EXPECTED: &'static str = "a list";
    fn wrong(found: &'static str) -> Self {
        List::Not(found)
    }
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(List::Not("an object"))
    }
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        // Cap the pre-allocation: the size hint comes from untrusted input.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(List::Is(items))
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

struct Expect<S>(PhantomData<S>);

impl<'de, S: Shape<'de>> Visitor<'de> for Expect<S> {
    type Value = S;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(S::EXPECTED)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S, A::Error> {
        S::from_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S, A::Error> {
        S::from_seq(seq)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<S, E> {
        Ok(S::wrong("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<S, E> {
        Ok(S::wrong("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<S, E> {
        Ok(S::wrong("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<S, E> {
        Ok(S::wrong("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<S, E> {
        Ok(S::wrong("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<S, E> {
        Ok(S::wrong("null"))
    }
    fn visit_none<E: de::Error>(self) -> Result<S, E> {
        Ok(S::wrong("null"))
    }
}

#[cfg(test)]
mod tests {
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
    #[case::number(r#"{"field": 1}"#, Scalar::Other("a number"))]
    #[case::negative_number(r#"{"field": -1.5e3}"#, Scalar::Other("a number"))]
    #[case::boolean(r#"{"field": false}"#, Scalar::Other("a boolean"))]
    #[case::object(r#"{"field": {"a": 1}}"#, Scalar::Other("an object"))]
    #[case::list(r#"{"field": [1]}"#, Scalar::Other("a list"))]
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
    #[case::object_instead(r#"{"a": [1, 2]}"#, Err("an object"))]
    #[case::string_instead(r#""x""#, Err("a string"))]
    #[case::null_instead("null", Err("null"))]
    fn lists(#[case] json: &str, #[case] expected: Result<usize, &str>) {
        let list: List<Object<Probe<'_>>> = serde_json::from_str(json).expect("valid JSON");
        let got = match list {
            List::Is(items) => Ok(items.len()),
            List::Not(found) => Err(found),
        };
        assert_eq!(got, expected);
    }

    #[rstest]
    #[case::number("[1]", "a number")]
    #[case::list("[[{}]]", "a list")]
    #[case::null("[null]", "null")]
    #[case::boolean("[true]", "a boolean")]
    fn entries_of_the_wrong_type(#[case] json: &str, #[case] expected: &str) {
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
}
