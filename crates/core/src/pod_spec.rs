//! The walk over a pod spec: its init containers, containers, ephemeral
//! containers and image volumes, each entry with its image, its declared pull
//! policy, and the place a mutation would write that pull policy.

use std::borrow::Cow;

use crate::json_view::{JsonType, List, Member, Object, Scalar};
use crate::manifest::{ContainerFields, PodSpecFields, VolumeFields};
use crate::read_error::ReadError;
use crate::vocabulary::{EditSite, EntryList, FieldPath};

/// One image a Pod will run or mount, with its declared pull policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageEntry<'a> {
    pub list: EntryList,
    pub index: usize,
    /// The container or volume name, when it is a string.
    pub name: Option<Cow<'a, str>>,
    /// `image`, or `image.reference` for an image volume.
    pub image: Cow<'a, str>,
    /// The declared pull policy; `None` when absent or `null`.
    pub pull_policy: Option<Cow<'a, str>>,
    /// Where a mutation writes this entry's pull policy.
    pub site: EditSite<'a>,
}

/// The entries of a pod spec, in the order of its lists.
struct Entries<'a>(Vec<ImageEntry<'a>>);

/// Reads the entries of the pod spec `spec`, found at `location`.
pub(crate) fn read<'a>(
    spec: PodSpecFields<'a>,
    location: &'static [&'static str],
) -> Result<Vec<ImageEntry<'a>>, ReadError> {
    let path = |list| FieldPath::list(location, list);
    let containers_path = path(EntryList::Containers);
    let containers = spec.containers.ok_or(ReadError::Missing(containers_path))?;
    let containers = list_at(Some(containers), containers_path)?;
    if containers.is_empty() {
        return Err(ReadError::NoContainers(containers_path));
    }
    let init_containers = list_at(spec.init_containers, path(EntryList::InitContainers))?;
    let ephemeral_containers = list_at(
        spec.ephemeral_containers,
        path(EntryList::EphemeralContainers),
    )?;
    let volumes = list_at(spec.volumes, path(EntryList::Volumes))?;

    let count = init_containers.len() + containers.len() + ephemeral_containers.len();
    let mut read = Entries(Vec::with_capacity(count));
    for (list, items) in [
        (EntryList::InitContainers, init_containers),
        (EntryList::Containers, containers),
        (EntryList::EphemeralContainers, ephemeral_containers),
    ] {
        for (index, item) in items.into_iter().enumerate() {
            let at = path(list).at(index);
            read.container(list, index, object_at(item, at)?, at)?;
        }
    }
    let at = path(EntryList::Volumes);
    for (index, item) in volumes.into_iter().enumerate() {
        read.volume(index, object_at(item, at.at(index))?, at.at(index))?;
    }
    Ok(read.0)
}

impl<'a> Entries<'a> {
    fn container(
        &mut self,
        list: EntryList,
        index: usize,
        container: ContainerFields<'a>,
        at: FieldPath,
    ) -> Result<(), ReadError> {
        let image = required_string(container.image, at.member("image"))?;
        let pull_policy = string_at(container.image_pull_policy, at.member("imagePullPolicy"))?;
        self.0.push(ImageEntry {
            list,
            index,
            name: container.name.scalar().into_str(),
            image,
            pull_policy,
            site: EditSite::new(
                container.image_pull_policy.0,
                container.image.0,
                "imagePullPolicy",
            ),
        });
        Ok(())
    }

    /// An image volume; other volumes name no image and are skipped.
    fn volume(
        &mut self,
        index: usize,
        volume: VolumeFields<'a>,
        at: FieldPath,
    ) -> Result<(), ReadError> {
        let image = match volume.image {
            None => return Ok(()),
            Some(image) => object_at(image, at.member("image"))?,
        };
        let reference = required_string(image.reference, at.member("image.reference"))?;
        let pull_policy = string_at(image.pull_policy, at.member("image.pullPolicy"))?;
        self.0.push(ImageEntry {
            list: EntryList::Volumes,
            index,
            name: volume.name.scalar().into_str(),
            image: reference,
            pull_policy,
            site: EditSite::new(image.pull_policy.0, image.reference.0, "pullPolicy"),
        });
        Ok(())
    }
}

/// A list, or none when absent or `null`.
fn list_at<T>(value: Option<List<T>>, path: FieldPath) -> Result<Vec<T>, ReadError> {
    match value {
        None => Ok(Vec::new()),
        Some(List::Is(items)) => Ok(items),
        Some(List::Not(found)) => Err(ReadError::wrong_type(path, found, JsonType::List)),
    }
}

fn object_at<T>(value: Object<T>, path: FieldPath) -> Result<T, ReadError> {
    match value {
        Object::Is(inner) => Ok(inner),
        Object::Not(found) => Err(ReadError::wrong_type(path, found, JsonType::Object)),
    }
}

/// A string, or none when absent or `null`.
fn string_at(member: Member<'_>, path: FieldPath) -> Result<Option<Cow<'_, str>>, ReadError> {
    match member.scalar() {
        Scalar::Str(value) => Ok(Some(value)),
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Other(found) => Err(ReadError::wrong_type(path, found, JsonType::String)),
    }
}

fn required_string(member: Member<'_>, path: FieldPath) -> Result<Cow<'_, str>, ReadError> {
    string_at(member, path)?.ok_or(ReadError::Missing(path))
}
