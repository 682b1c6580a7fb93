//! The walk over a pod spec: its init containers, containers, ephemeral
//! containers and image volumes, each entry with its image, its declared pull
//! policy, and the place a mutation would write that pull policy.

use std::borrow::Cow;

use crate::json_view::{JsonType, List, Member, Object, Scalar};
use crate::manifest::{ContainerFields, PodSpecFields, VolumeFields};
use crate::read_error::ReadError;
use crate::vocabulary::{EditSite, EntryList, FieldPath, Location};

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
    /// Which of a custom resource's places holds the entry (0 for a
    /// built-in's one pod spec).
    pub place: u16,
    /// The entry is its place itself (a custom resource's container), not
    /// an item of one of its pod spec's lists.
    pub whole_place: bool,
    /// An unset pull policy defaults by the image's tag, as the API server
    /// defaults a Pod's; `false` where an operator defaults it to
    /// `IfNotPresent` whatever the tag.
    pub defaults_by_tag: bool,
}

/// How much of a pod spec the API server guarantees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completeness {
    /// A Pod's or a built-in workload's: at least one container, each with
    /// an image.
    Complete,
    /// A custom resource's, which its operator completes: containers may be
    /// missing, and an entry without an image (Flink's main container in a
    /// pod template) pulls nothing of its own and is skipped.
    Partial,
}

/// The entries of a pod spec, in the order of its lists.
struct Entries<'a> {
    read: Vec<ImageEntry<'a>>,
    completeness: Completeness,
    place: u16,
}

/// Reads the entries of the pod spec `spec`, found at `location`.
pub(crate) fn read<'a>(
    spec: PodSpecFields<'a>,
    location: Location<'_>,
    completeness: Completeness,
    place: u16,
) -> Result<Vec<ImageEntry<'a>>, ReadError> {
    let path = |list| FieldPath::list_at(location, list);
    let containers_path = path(EntryList::Containers);
    let containers = match (spec.containers, completeness) {
        (None, Completeness::Complete) => return Err(ReadError::missing(containers_path)),
        (containers, _) => list_at(containers, containers_path)?,
    };
    if containers.is_empty() && completeness == Completeness::Complete {
        return Err(ReadError::no_containers(containers_path));
    }
    let init_containers = list_at(spec.init_containers, path(EntryList::InitContainers))?;
    let ephemeral_containers = list_at(
        spec.ephemeral_containers,
        path(EntryList::EphemeralContainers),
    )?;
    let volumes = list_at(spec.volumes, path(EntryList::Volumes))?;

    let count = init_containers.len() + containers.len() + ephemeral_containers.len();
    let mut read = Entries {
        read: Vec::with_capacity(count),
        completeness,
        place,
    };
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
    Ok(read.read)
}

/// Reads a custom resource's container (an object with `image` and
/// `imagePullPolicy`) at `location`, as entry `index` of `list`; `None` when
/// it names no image (a step template, a pod template's main container that
/// the operator completes).
pub(crate) fn read_container<'a>(
    container: ContainerFields<'a>,
    location: Location<'_>,
    place: u16,
) -> Result<Option<ImageEntry<'a>>, ReadError> {
    let mut read = Entries {
        read: Vec::with_capacity(1),
        completeness: Completeness::Partial,
        place,
    };
    let at = FieldPath::at_location(location);
    read.container(EntryList::Containers, 0, container, at)?;
    Ok(read.read.pop().map(|entry| ImageEntry {
        whole_place: true,
        ..entry
    }))
}

impl<'a> Entries<'a> {
    #[inline(always)]
    fn container(
        &mut self,
        list: EntryList,
        index: usize,
        container: ContainerFields<'a>,
        at: FieldPath<'_>,
    ) -> Result<(), ReadError> {
        let Some(image) = self.image(container.image, at.member("image"))? else {
            return Ok(());
        };
        let pull_policy = string_at(container.image_pull_policy, at.member("imagePullPolicy"))?;
        self.read.push(ImageEntry {
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
            place: self.place,
            whole_place: false,
            defaults_by_tag: true,
        });
        Ok(())
    }

    /// The entry's image: required in a complete pod spec, else optional.
    #[inline(always)]
    fn image<'m>(
        &self,
        member: Member<'m>,
        path: FieldPath<'_>,
    ) -> Result<Option<Cow<'m, str>>, ReadError> {
        match self.completeness {
            Completeness::Complete => required_string(member, path).map(Some),
            Completeness::Partial => string_at(member, path),
        }
    }

    /// An image volume; other volumes name no image and are skipped.
    fn volume(
        &mut self,
        index: usize,
        volume: VolumeFields<'a>,
        at: FieldPath<'_>,
    ) -> Result<(), ReadError> {
        let image = match volume.image {
            None => return Ok(()),
            Some(image) => object_at(image, at.member("image"))?,
        };
        let Some(reference) = self.image(image.reference, at.member("image.reference"))? else {
            return Ok(());
        };
        let pull_policy = string_at(image.pull_policy, at.member("image.pullPolicy"))?;
        self.read.push(ImageEntry {
            list: EntryList::Volumes,
            index,
            name: volume.name.scalar().into_str(),
            image: reference,
            pull_policy,
            site: EditSite::new(image.pull_policy.0, image.reference.0, "pullPolicy"),
            place: self.place,
            whole_place: false,
            defaults_by_tag: true,
        });
        Ok(())
    }
}

/// A list, or none when absent or `null`.
fn list_at<T>(value: Option<List<T>>, path: FieldPath<'_>) -> Result<Vec<T>, ReadError> {
    match value {
        None => Ok(Vec::new()),
        Some(List::Is(items)) => Ok(items),
        Some(List::Not(found)) => Err(ReadError::wrong_type(path, found, JsonType::List)),
    }
}

fn object_at<T>(value: Object<T>, path: FieldPath<'_>) -> Result<T, ReadError> {
    match value {
        Object::Is(inner) => Ok(inner),
        Object::Not(found) => Err(ReadError::wrong_type(path, found, JsonType::Object)),
    }
}

/// A string, or none when absent or `null`.
fn string_at<'m>(
    member: Member<'m>,
    path: FieldPath<'_>,
) -> Result<Option<Cow<'m, str>>, ReadError> {
    match member.scalar() {
        Scalar::Str(value) => Ok(Some(value)),
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Other(found) => Err(ReadError::wrong_type(path, found, JsonType::String)),
    }
}

fn required_string<'m>(member: Member<'m>, path: FieldPath<'_>) -> Result<Cow<'m, str>, ReadError> {
    string_at(member, path)?.ok_or_else(|| ReadError::missing(path))
}
