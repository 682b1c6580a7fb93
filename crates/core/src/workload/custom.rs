//! Reading a custom resource: each of its places found by walking its path
//! over the object's JSON text (members, every member's value, every item),
//! each pod template, pod spec or container read where it stands, so that
//! every entry keeps its place in the request text for a mutation.

use std::borrow::Cow;
use std::rc::Rc;

use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use super::Workload;
use crate::custom_resource::{CustomResource, Place, Shape, Step, Unset};
use crate::json_text::{decoded, parts};
use crate::json_view::{JsonType, Object};
use crate::manifest::{self, ContainerFields, Metadata};
use crate::pod_spec::{self, Completeness, ImageEntry};
use crate::pod_template::PodTemplate;
use crate::read_error::ReadError;
use crate::vocabulary::{FieldPath, Location};

/// The most places one object may hold: an object with more is refused
/// (every place is an entry of the workload's path table, numbered by a `u16`).
const PLACES_MAX: usize = 4_096;

/// Reads `text`, an object of `resource`.
pub(crate) fn read<'a>(
    resource: &CustomResource,
    text: &'a str,
) -> Result<Workload<'a>, ReadError> {
    // The whole text is JSON, as the built-in kinds' one pass checks.
    serde_json::from_str::<IgnoredAny>(text).map_err(|e| ReadError::Malformed(e.to_string()))?;
    let metadata = match member(text, "metadata")? {
        Some(value) => match from_text::<Object<Metadata<'a>>>(value)? {
            Object::Is(metadata) => metadata,
            Object::Not(found) => return Err(wrong("metadata", found, JsonType::Object)),
        },
        None => Metadata::default(),
    };
    let mut found = Found::default();
    for place in resource.places.iter() {
        let steps = crate::custom_resource::path_steps(&place.path)
            .map_err(|e| ReadError::Malformed(format!("{}: the path {e}", place.path)))?;
        walk(text, &steps, String::new(), None, place, &mut found)?;
    }
    Ok(Workload {
        location: &[],
        places: found.places,
        name: metadata.display_name(),
        mirror: false,
        owner: metadata.owner(),
        template: None,
        templates: found.templates,
        entries: found.entries,
    })
}

/// The members (name, value) or items (empty name, value) of one value.
type Parts<'a> = Rc<[(&'a str, &'a str)]>;

/// What the walk found: each place's path, its value (to compare on an
/// UPDATE), and the entries there.
#[derive(Default)]
struct Found<'a> {
    places: Vec<String>,
    templates: Vec<PodTemplate<'a>>,
    entries: Vec<ImageEntry<'a>>,
    /// The parts of each value already split, by where its text starts:
    /// places that share a path's beginning (an Argo workflow spec's twenty)
    /// split the object and its lists once, not once each.
    /// Sorted by that offset (a vector: less code than a map); shared, so
    /// a hit copies nothing.
    split: Vec<(usize, Parts<'a>)>,
}

impl<'a> Found<'a> {
    /// The members or items of `value`, split once per read.
    fn parts(&mut self, value: &'a str, object: bool) -> Option<Parts<'a>> {
        let key = value.as_ptr() as usize;
        match self.split.binary_search_by_key(&key, |(at, _)| *at) {
            Ok(known) => self.split.get(known).map(|(_, parts)| Rc::clone(parts)),
            Err(slot) => {
                let parts: Rc<[_]> = parts(value, object)?.into();
                self.split.insert(slot, (key, Rc::clone(&parts)));
                Some(parts)
            }
        }
    }
}

/// Follows `steps` from `value` (found at `at`); `holder` is the object
/// that holds the list or member being walked (where a step template is).
fn walk<'a>(
    value: &'a str,
    steps: &[Step<'_>],
    at: String,
    holder: Option<&'a str>,
    place: &Place,
    found: &mut Found<'a>,
) -> Result<(), ReadError> {
    let Some((step, rest)) = steps.split_first() else {
        return take(value, at, holder, place, found);
    };
    let expected = match step {
        Step::Items => JsonType::List,
        _ => JsonType::Object,
    };
    match JsonType::of_text(value) {
        JsonType::Null => return Ok(()),
        found_type if found_type != expected => return Err(wrong(&at, found_type, expected)),
        _ => {}
    }
    let items = found
        .parts(value, expected == JsonType::Object)
        .ok_or_else(|| malformed(&at))?;
    for (index, &(name, item)) in items.iter().enumerate() {
        let (next, holder) = match step {
            Step::Items => (format!("{at}[{index}]"), holder),
            Step::Values => (
                join(&at, &decoded(name).ok_or_else(|| malformed(&at))?),
                Some(value),
            ),
            Step::Member(wanted) => match decoded(name) {
                Some(name) if name == *wanted => (join(&at, wanted), Some(value)),
                Some(_) => continue,
                None => return Err(malformed(&at)),
            },
        };
        walk(item, rest, next, holder, place, found)?;
    }
    Ok(())
}

/// Reads what stands at a place.
fn take<'a>(
    value: &'a str,
    at: String,
    holder: Option<&'a str>,
    place: &Place,
    found: &mut Found<'a>,
) -> Result<(), ReadError> {
    match JsonType::of_text(value) {
        JsonType::Null => return Ok(()),
        JsonType::Object => {}
        other => return Err(wrong(&at, other, JsonType::Object)),
    }
    if found.places.len() >= PLACES_MAX {
        return Err(ReadError::Malformed(format!(
            "more than {PLACES_MAX} pod templates and containers"
        )));
    }
    let number = u16::try_from(found.places.len()).unwrap_or(u16::MAX);
    found
        .templates
        .push(PodTemplate(from_text::<&RawValue>(value)?));
    match place.shape {
        Shape::PodTemplate => {
            let Some(spec) = member(value, "spec")? else {
                found.places.push(at);
                return Ok(());
            };
            let at = join(&at, "spec");
            pod_spec_at(spec, at, number, found)
        }
        Shape::PodSpec => pod_spec_at(value, at, number, found),
        Shape::Container { inherits, unset } => {
            let container = match from_text::<Object<ContainerFields<'a>>>(value)? {
                Object::Is(container) => container,
                Object::Not(other) => return Err(wrong(&at, other, JsonType::Object)),
            };
            let entry = pod_spec::read_container(container, Location::Written(&at), number)?;
            found.places.push(at);
            if let Some(mut entry) = entry {
                if entry.pull_policy.is_none() {
                    entry.pull_policy = inherited(holder, inherits)?;
                }
                entry.defaults_by_tag = unset == Unset::ByTag;
                found.entries.push(entry);
            }
            Ok(())
        }
    }
}

fn pod_spec_at<'a>(
    value: &'a str,
    at: String,
    number: u16,
    found: &mut Found<'a>,
) -> Result<(), ReadError> {
    let spec = manifest::read_pod_spec(value).map_err(|error| error.under(&at))?;
    let entries = pod_spec::read(spec, Location::Written(&at), Completeness::Partial, number)?;
    found.places.push(at);
    found.entries.extend(entries);
    Ok(())
}

/// The pull policy the member `inherits` of `holder` declares (Tekton's
/// `stepTemplate.imagePullPolicy`), if any.
fn inherited<'a>(
    holder: Option<&'a str>,
    inherits: Option<&str>,
) -> Result<Option<Cow<'a, str>>, ReadError> {
    let (Some(holder), Some(inherits)) = (holder, inherits) else {
        return Ok(None);
    };
    let Some(template) = member(holder, inherits)? else {
        return Ok(None);
    };
    Ok(match from_text::<Object<ContainerFields<'a>>>(template)? {
        Object::Is(template) => template.image_pull_policy.scalar().into_str(),
        Object::Not(_) => None,
    })
}

/// The value of the member `name` of the object `value`, if it is one and
/// has it (`null` reads as absent).
fn member<'a>(value: &'a str, name: &str) -> Result<Option<&'a str>, ReadError> {
    if JsonType::of_text(value) != JsonType::Object {
        return Ok(None);
    }
    let members = parts(value, true).ok_or_else(|| malformed(name))?;
    Ok(members
        .into_iter()
        .find(|(n, _)| decoded(n).is_some_and(|n| n == name))
        .map(|(_, v)| v)
        .filter(|v| JsonType::of_text(v) != JsonType::Null))
}

fn from_text<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Result<T, ReadError> {
    serde_json::from_str(text).map_err(|e| ReadError::Malformed(e.to_string()))
}

fn join(at: &str, name: &str) -> String {
    match at.is_empty() {
        true => name.to_owned(),
        false => format!("{at}.{name}"),
    }
}

fn wrong(at: &str, found: JsonType, expected: JsonType) -> ReadError {
    let path = FieldPath::at_location(Location::Written(if at.is_empty() { "object" } else { at }));
    ReadError::wrong_type(path, found, expected)
}

fn malformed(at: &str) -> ReadError {
    ReadError::Malformed(format!("cannot split the value at {at}"))
}

#[cfg(test)]
mod tests;
