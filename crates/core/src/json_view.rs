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

/// The most items a list reserves room for before it has read them: a
/// hostile size hint cannot make it allocate.
const PREALLOCATED_MAX: usize = 64;

/// An object member's raw value, kept even when it is `null`; `None` only when
/// the member is absent. Use with `#[serde(default)]`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Member<'a>(pub Option<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for Member<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'a RawValue>::deserialize(deserializer).map(|raw| Member(Some(raw)))
    }
}

/// The type of a JSON value, named as messages name it ("a number").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonType {
    String,
    Object,
    List,
    Boolean,
    Number,
    Null,
}

impl JsonType {
    /// The type of a raw value. serde_json hands out raw values without
    /// surrounding white space, so the first byte decides.
    pub(crate) fn of(raw: &RawValue) -> JsonType {
        JsonType::of_text(raw.get())
    }

    /// The type of a JSON value's text (valid JSON, without surrounding
    /// white space: a `RawValue`'s, or a part `json_text` split off).
    pub(crate) fn of_text(text: &str) -> JsonType {
        match text.as_bytes().first() {
            Some(b'"') => JsonType::String,
            Some(b'{') => JsonType::Object,
            Some(b'[') => JsonType::List,
            Some(b't' | b'f') => JsonType::Boolean,
            Some(b'n') => JsonType::Null,
            _ => JsonType::Number,
        }
    }

    pub(crate) const fn name(self) -> &'static str {
        match self {
            JsonType::String => "a string",
            JsonType::Object => "an object",
            JsonType::List => "a list",
            JsonType::Boolean => "a boolean",
            JsonType::Number => "a number",
            JsonType::Null => "null",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a member holds, as the policy needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scalar<'a> {
    Absent,
    Null,
    Str(Cow<'a, str>),
    /// Any other JSON type (a string only when it cannot be decoded).
    Other(JsonType),
}

impl<'a> Member<'a> {
    pub(crate) fn scalar(self) -> Scalar<'a> {
        let Some(raw) = self.0 else {
            return Scalar::Absent;
        };
        match JsonType::of(raw) {
            JsonType::Null => Scalar::Null,
            JsonType::String => {
                decode_string(raw.get()).map_or(Scalar::Other(JsonType::String), Scalar::Str)
            }
            other => Scalar::Other(other),
        }
    }
}

impl<'a> Scalar<'a> {
    /// The string, if the member holds one.
    pub(crate) fn into_str(self) -> Option<Cow<'a, str>> {
        match self {
            Scalar::Str(value) => Some(value),
            _ => None,
        }
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
pub(crate) enum Object<T> {
    Is(T),
    Not(JsonType),
}

/// A value that should be a JSON list of `T`, or the type it was instead.
#[derive(Debug)]
pub(crate) enum List<T> {
    Is(Vec<T>),
    Not(JsonType),
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
    const EXPECTED: JsonType;
    fn wrong(found: JsonType) -> Self;
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error>;
}

impl<'de, T: Deserialize<'de>> Shape<'de> for Object<T> {
    const EXPECTED: JsonType = JsonType::Object;
    fn wrong(found: JsonType) -> Self {
        Object::Not(found)
    }
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Object::Is)
    }
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        drain_seq(seq).map(|()| Object::Not(JsonType::List))
    }
}

impl<'de, T: Deserialize<'de>> Shape<'de> for List<T> {
    const EXPECTED: JsonType = JsonType::List;
    fn wrong(found: JsonType) -> Self {
        List::Not(found)
    }
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(List::Not(JsonType::Object))
    }
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        // Cap the pre-allocation: the size hint comes from untrusted input.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(PREALLOCATED_MAX));
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
        f.write_str(S::EXPECTED.name())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S, A::Error> {
        S::from_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S, A::Error> {
        S::from_seq(seq)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<S, E> {
        Ok(S::wrong(JsonType::Boolean))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<S, E> {
        Ok(S::wrong(JsonType::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<S, E> {
        Ok(S::wrong(JsonType::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<S, E> {
        Ok(S::wrong(JsonType::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<S, E> {
        Ok(S::wrong(JsonType::String))
    }
    fn visit_unit<E: de::Error>(self) -> Result<S, E> {
        Ok(S::wrong(JsonType::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<S, E> {
        Ok(S::wrong(JsonType::Null))
    }
}

#[cfg(test)]
mod tests;
