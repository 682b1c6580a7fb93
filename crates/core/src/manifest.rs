//! The shape of an object as the policy reads it: its metadata, and the pod
//! spec at the location its kind keeps it. One walk serves every kind: it
//! follows the location's members, skipping every other member unread, and
//! names the first member that is missing or not an object.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::json_view::{JsonType, Object};
use crate::read_error::ReadError;
use crate::vocabulary::FieldPath;

mod fields;

pub(crate) use fields::{ContainerFields, Metadata, Owner, PodSpecFields, VolumeFields};

/// What the policy reads of an object: its metadata and pod spec.
pub(crate) struct Manifest<'a> {
    pub metadata: Metadata<'a>,
    pub pod_spec: PodSpecFields<'a>,
}

/// What a workload UPDATE is decided on first: the metadata and the pod
/// template's text, its pod spec unread.
pub(crate) struct Head<'a> {
    pub metadata: Metadata<'a>,
    pub template: &'a RawValue,
}

/// Reads `text`, an object whose pod spec is at `location`, in one pass.
pub(crate) fn read<'a>(text: &'a str, location: &[&str]) -> Result<Manifest<'a>, ReadError> {
    let reached = walk(text, location, 0, NO_CAPTURE)?;
    Ok(Manifest {
        metadata: reached.metadata.unwrap_or_default(),
        pod_spec: reached
            .pod_spec
            .ok_or_else(|| missing(location, location.len()))?,
    })
}

/// Reads `text` as far as the pod template (the value that holds the pod
/// spec at `location`), keeping the template as text.
pub(crate) fn read_head<'a>(text: &'a str, location: &[&str]) -> Result<Head<'a>, ReadError> {
    let template_depth = location.len().saturating_sub(1);
    let reached = walk(text, location, 0, template_depth)?;
    Ok(Head {
        metadata: reached.metadata.unwrap_or_default(),
        template: reached
            .template
            .ok_or_else(|| missing(location, template_depth))?,
    })
}

/// Reads the pod spec `spec`, wherever it stands (a custom resource's).
/// Its errors name paths from the pod spec (`containers[0].image`).
pub(crate) fn read_pod_spec(spec: &str) -> Result<PodSpecFields<'_>, ReadError> {
    let reached = walk(spec, &[], 0, NO_CAPTURE)?;
    reached
        .pod_spec
        .ok_or_else(|| ReadError::Missing(String::new()))
}

/// Reads the pod spec of a template that [`read_head`] kept.
pub(crate) fn read_template<'a>(
    template: &'a RawValue,
    location: &[&str],
) -> Result<PodSpecFields<'a>, ReadError> {
    let depth = location.len().saturating_sub(1);
    let reached = walk(template.get(), location, depth, NO_CAPTURE)?;
    reached
        .pod_spec
        .ok_or_else(|| missing(location, location.len()))
}

/// What a walk that found nothing at `location[..depth]` reports (the walk
/// itself names a missing member; this is only its fallback).
fn missing(location: &[&str], depth: usize) -> ReadError {
    ReadError::missing(FieldPath::within(location, depth))
}

fn walk<'a>(
    text: &'a str,
    location: &[&str],
    depth: usize,
    capture_at: usize,
) -> Result<Reached<'a>, ReadError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let walk = Walk {
        location,
        depth,
        capture_at,
    };
    walk.deserialize(&mut deserializer)
        .and_then(|found| deserializer.end().map(|()| found))
        .map_err(|e| ReadError::Malformed(e.to_string()))?
}

/// What the walk finds: the metadata (top level only), the pod spec and the
/// template that holds it, or the first member on the way that is missing or
/// of the wrong type. That finding is data, not a parse error, so the rest of
/// the text is still checked.
type Found<'a> = Result<Reached<'a>, ReadError>;

struct Reached<'a> {
    metadata: Option<Metadata<'a>>,
    pod_spec: Option<PodSpecFields<'a>>,
    template: Option<&'a RawValue>,
}

/// A walk that keeps no value as text.
const NO_CAPTURE: usize = usize::MAX;

/// The value at `location[..depth]`: the object itself at depth 0.
struct Walk<'l> {
    location: &'l [&'l str],
    depth: usize,
    /// The depth whose value is kept as text instead of walked into.
    capture_at: usize,
}

impl Walk<'_> {
    fn path(&self) -> FieldPath<'_> {
        FieldPath::within(self.location, self.depth)
    }

    fn wrong<'a>(&self, found: JsonType) -> Found<'a> {
        Err(ReadError::wrong_type(self.path(), found, JsonType::Object))
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = Found<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Found<'de>, D::Error> {
        if self.depth == self.capture_at {
            let template = <&'de RawValue>::deserialize(deserializer)?;
            return Ok(match JsonType::of(template) {
                JsonType::Object => Ok(Reached {
                    metadata: None,
                    pod_spec: None,
                    template: Some(template),
                }),
                JsonType::Null => Err(ReadError::missing(self.path())),
                found => self.wrong(found),
            });
        }
        if self.depth < self.location.len() {
            return deserializer.deserialize_any(self);
        }
        // The pod spec itself.
        Ok(
            match Option::<Object<PodSpecFields<'de>>>::deserialize(deserializer)? {
                Some(Object::Is(pod_spec)) => Ok(Reached {
                    metadata: None,
                    pod_spec: Some(pod_spec),
                    template: None,
                }),
                Some(Object::Not(found)) => self.wrong(found),
                None => Err(ReadError::missing(self.path())),
            },
        )
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<'de>, A::Error> {
        // `deserialize` visits a map only above the pod spec's depth, where
        // `location` names the member to follow.
        let next = self.location.get(self.depth).copied().unwrap_or_default();
        let top_level = self.depth == 0;
        let mut metadata: Option<Option<Object<Metadata<'de>>>> = None;
        let mut inner: Option<Found<'de>> = None;
        while let Some(key) = map.next_key_seed(KeyOf { next, top_level })? {
            match key {
                Key::Next if inner.is_some() => {
                    return Err(de::Error::custom(format_args!("duplicate field `{next}`")));
                }
                Key::Next => {
                    let walk = Walk {
                        location: self.location,
                        depth: self.depth + 1,
                        capture_at: self.capture_at,
                    };
                    inner = Some(map.next_value_seed(walk)?);
                }
                Key::Metadata if metadata.is_some() => {
                    return Err(de::Error::duplicate_field("metadata"));
                }
                Key::Metadata => metadata = Some(map.next_value()?),
                Key::Other => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        // The way to the pod spec is reported before the metadata, as it is
        // the part the policy cannot do without.
        let reached = match inner {
            Some(Ok(reached)) => reached,
            Some(Err(error)) => return Ok(Err(error)),
            None => {
                let missing = FieldPath::within(self.location, self.depth + 1);
                return Ok(Err(ReadError::missing(missing)));
            }
        };
        Ok(match metadata.flatten() {
            None => Ok(reached),
            Some(Object::Is(metadata)) => Ok(Reached {
                metadata: Some(metadata),
                ..reached
            }),
            Some(Object::Not(found)) => {
                let path = FieldPath::within(&["metadata"], 1);
                Err(ReadError::wrong_type(path, found, JsonType::Object))
            }
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Found<'de>, E> {
        // A null member is a missing one, as for any optional Kubernetes field.
        Ok(match self.depth {
            0 => self.wrong(JsonType::Null),
            _ => Err(ReadError::missing(self.path())),
        })
    }
    fn visit_none<E: de::Error>(self) -> Result<Found<'de>, E> {
        self.visit_unit()
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Found<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.wrong(JsonType::List))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Found<'de>, E> {
        Ok(self.wrong(JsonType::Boolean))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Found<'de>, E> {
        Ok(self.wrong(JsonType::Number))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Found<'de>, E> {
        Ok(self.wrong(JsonType::Number))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Found<'de>, E> {
        Ok(self.wrong(JsonType::Number))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Found<'de>, E> {
        Ok(self.wrong(JsonType::String))
    }
}

/// Which member a key names, compared without allocating.
enum Key {
    Next,
    Metadata,
    Other,
}

struct KeyOf<'l> {
    next: &'l str,
    top_level: bool,
}

impl<'de> DeserializeSeed<'de> for KeyOf<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyOf<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match key {
            _ if key == self.next => Key::Next,
            "metadata" if self.top_level => Key::Metadata,
            _ => Key::Other,
        })
    }
}
