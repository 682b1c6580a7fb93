//! Where the pod spec sits in each kind of object, and the image entries in it:
//! init containers, containers, ephemeral containers and image volumes, each
//! with its field path and the place a mutation would write its pull policy.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json_view::{List, Member, Object, Scalar};
use crate::mutation::Edit;

/// The kinds whose objects are, or make, Pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Pod,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    ReplicationController,
}

impl WorkloadKind {
    /// The kind of an admission request's `kind` (group and kind; any version).
    pub fn from_group_kind(group: &str, kind: &str) -> Option<Self> {
        Some(match (group, kind) {
            ("", "Pod") => WorkloadKind::Pod,
            ("", "ReplicationController") => WorkloadKind::ReplicationController,
            ("apps", "Deployment") => WorkloadKind::Deployment,
            ("apps", "ReplicaSet") => WorkloadKind::ReplicaSet,
            ("apps", "StatefulSet") => WorkloadKind::StatefulSet,
            ("apps", "DaemonSet") => WorkloadKind::DaemonSet,
            ("batch", "Job") => WorkloadKind::Job,
            ("batch", "CronJob") => WorkloadKind::CronJob,
            _ => return None,
        })
    }

    pub const fn name(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "Pod",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::ReplicationController => "ReplicationController",
        }
    }

    /// The field path of the pod spec in an object of this kind.
    pub const fn pod_spec_path(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "spec",
            WorkloadKind::CronJob => "spec.jobTemplate.spec.template.spec",
            _ => "spec.template.spec",
        }
    }
}

/// The lists of a pod spec that name images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryList {
    InitContainers,
    Containers,
    EphemeralContainers,
    Volumes,
}

impl EntryList {
    pub const fn field(self) -> &'static str {
        match self {
            EntryList::InitContainers => "initContainers",
            EntryList::Containers => "containers",
            EntryList::EphemeralContainers => "ephemeralContainers",
            EntryList::Volumes => "volumes",
        }
    }

    /// The pull-policy member, relative to the entry.
    pub const fn policy_field(self) -> &'static str {
        match self {
            EntryList::Volumes => "image.pullPolicy",
            _ => "imagePullPolicy",
        }
    }

    /// What an entry of this list is called in messages.
    pub const fn noun(self) -> &'static str {
        match self {
            EntryList::InitContainers => "init container",
            EntryList::Containers => "container",
            EntryList::EphemeralContainers => "ephemeral container",
            EntryList::Volumes => "image volume",
        }
    }
}

/// One image a Pod will run or mount, with its declared pull policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageEntry<'a> {
    pub list: EntryList,
    pub index: usize,
    /// The container or volume name, when it is a string.
    pub name: Option<Cow<'a, str>>,
    /// `image`, or `image.reference` for an image volume.
    pub image: Cow<'a, str>,
    /// The declared pull policy; `None` when absent or `null`.
    pub pull_policy: Option<Cow<'a, str>>,
    /// Where a mutation writes `Always` for this entry.
    pub edit: Edit,
}

/// A Pod or workload as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload<'a> {
    pub kind: WorkloadKind,
    /// `metadata.name`, or `metadata.generateName` followed by `*`.
    pub name: Option<Cow<'a, str>>,
    /// Carries the `kubernetes.io/config.mirror` annotation (kubelet-owned).
    pub mirror: bool,
    pub entries: Vec<ImageEntry<'a>>,
}

impl Workload<'_> {
    /// `spec.template.spec.containers[0].imagePullPolicy` and the like.
    pub fn policy_path(&self, entry: &ImageEntry<'_>) -> FieldPath {
        FieldPath {
            prefix: self.kind.pod_spec_path(),
            list: entry.list,
            index: Some(entry.index),
            member: Some(entry.list.policy_field()),
        }
    }
}

/// A field path inside a pod spec, written out only when a message needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldPath {
    prefix: &'static str,
    list: EntryList,
    index: Option<usize>,
    member: Option<&'static str>,
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.prefix, self.list.field())?;
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        if let Some(member) = self.member {
            write!(f, ".{member}")?;
        }
        Ok(())
    }
}

/// Why an object cannot be checked. The policy rejects what it cannot check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the request carries no object")]
    NoObject,
    #[error("the object is not valid JSON: {0}")]
    Malformed(String),
    #[error("{0} is missing")]
    Missing(String),
    #[error("{0} is empty: a pod spec needs at least one container")]
    NoContainers(String),
    #[error("{path} is {found}, must be {expected}")]
    WrongType {
        path: String,
        found: &'static str,
        expected: &'static str,
    },
    #[error("internal error: a value of {0} lies outside the object text")]
    Offset(String),
}

/// Reads the image entries of an object of `kind` from its JSON text.
pub fn read<'a>(kind: WorkloadKind, text: &'a str) -> Result<Workload<'a>, ReadError> {
    let malformed = |e: serde_json::Error| ReadError::Malformed(e.to_string());
    let (metadata, spec) = match kind {
        WorkloadKind::Pod => {
            let object = serde_json::from_str::<Object<PodObject<'a>>>(text).map_err(malformed)?;
            let object = into_object(object, "object")?;
            let spec = into_object(required(object.spec, "spec")?, "spec")?;
            (object.metadata, spec)
        }
        WorkloadKind::CronJob => {
            let object =
                serde_json::from_str::<Object<CronJobObject<'a>>>(text).map_err(malformed)?;
            let object = into_object(object, "object")?;
            let spec = into_object(required(object.spec, "spec")?, "spec")?;
            let job = required(spec.job_template, "spec.jobTemplate")?;
            let job = into_object(job, "spec.jobTemplate")?;
            let job_spec = into_object(
                required(job.spec, "spec.jobTemplate.spec")?,
                "spec.jobTemplate.spec",
            )?;
            (
                object.metadata,
                template_spec(
                    job_spec,
                    [
                        "spec.jobTemplate.spec.template",
                        "spec.jobTemplate.spec.template.spec",
                    ],
                )?,
            )
        }
        _ => {
            let object =
                serde_json::from_str::<Object<TemplatedObject<'a>>>(text).map_err(malformed)?;
            let object = into_object(object, "object")?;
            let spec = into_object(required(object.spec, "spec")?, "spec")?;
            (
                object.metadata,
                template_spec(spec, ["spec.template", "spec.template.spec"])?,
            )
        }
    };
    let metadata = match metadata {
        Some(metadata) => into_object(metadata, "metadata")?,
        None => Metadata::default(),
    };
    let entries = read_entries(kind.pod_spec_path(), spec, text)?;
    Ok(Workload {
        kind,
        name: metadata.display_name(),
        mirror: metadata.is_mirror(),
        entries,
    })
}

/// The pod spec under `template`; `at` names `template` and `template.spec`
/// for messages (static, so nothing is built unless a message is needed).
fn template_spec<'a>(
    holder: TemplateHolder<'a>,
    at: [&str; 2],
) -> Result<PodSpecFields<'a>, ReadError> {
    let [template_path, spec_path] = at;
    let template = into_object(required(holder.template, template_path)?, template_path)?;
    into_object(required(template.spec, spec_path)?, spec_path)
}

fn required<T>(value: Option<T>, path: &str) -> Result<T, ReadError> {
    value.ok_or_else(|| ReadError::Missing(path.to_owned()))
}

fn into_object<T>(value: Object<T>, path: &str) -> Result<T, ReadError> {
    match value {
        Object::Is(inner) => Ok(inner),
        Object::Not(found) => Err(ReadError::WrongType {
            path: path.to_owned(),
            found,
            expected: "an object",
        }),
    }
}

fn read_entries<'a>(
    prefix: &'static str,
    spec: PodSpecFields<'a>,
    text: &'a str,
) -> Result<Vec<ImageEntry<'a>>, ReadError> {
    let at = |list: EntryList, index: Option<usize>, member: Option<&'static str>| {
        FieldPath {
            prefix,
            list,
            index,
            member,
        }
        .to_string()
    };
    let list_of = |list: EntryList, value: Option<List<Object<ContainerFields<'a>>>>| match value {
        None => Ok(Vec::new()),
        Some(List::Is(items)) => Ok(items),
        Some(List::Not(found)) => Err(ReadError::WrongType {
            path: at(list, None, None),
            found,
            expected: "a list",
        }),
    };
    let Some(containers) = spec.containers else {
        return Err(ReadError::Missing(at(EntryList::Containers, None, None)));
    };
    let containers = list_of(EntryList::Containers, Some(containers))?;
    if containers.is_empty() {
        return Err(ReadError::NoContainers(at(
            EntryList::Containers,
            None,
            None,
        )));
    }
    let lists = [
        (
            EntryList::InitContainers,
            list_of(EntryList::InitContainers, spec.init_containers)?,
        ),
        (EntryList::Containers, containers),
        (
            EntryList::EphemeralContainers,
            list_of(EntryList::EphemeralContainers, spec.ephemeral_containers)?,
        ),
    ];
    let volumes = match spec.volumes {
        None => Vec::new(),
        Some(List::Is(items)) => items,
        Some(List::Not(found)) => {
            return Err(ReadError::WrongType {
                path: at(EntryList::Volumes, None, None),
                found,
                expected: "a list",
            });
        }
    };
    let mut entries = Vec::with_capacity(lists.iter().map(|(_, items)| items.len()).sum::<usize>());
    for (list, items) in lists {
        for (index, item) in items.into_iter().enumerate() {
            let container = match item {
                Object::Is(container) => container,
                Object::Not(found) => {
                    return Err(ReadError::WrongType {
                        path: at(list, Some(index), None),
                        found,
                        expected: "an object",
                    });
                }
            };
            let image = required_string(container.image, || at(list, Some(index), Some("image")))?;
            entries.push(ImageEntry {
                list,
                index,
                name: container.name.scalar().into_str(),
                pull_policy: optional_string(container.image_pull_policy, || {
                    at(list, Some(index), Some("imagePullPolicy"))
                })?,
                edit: edit_for(
                    container.image_pull_policy,
                    container.image,
                    "imagePullPolicy",
                    text,
                )?,
                image,
            });
        }
    }
    for (index, item) in volumes.into_iter().enumerate() {
        let list = EntryList::Volumes;
        let volume = match item {
            Object::Is(volume) => volume,
            Object::Not(found) => {
                return Err(ReadError::WrongType {
                    path: at(list, Some(index), None),
                    found,
                    expected: "an object",
                });
            }
        };
        let image = match volume.image {
            None => continue,
            Some(Object::Is(image)) => image,
            Some(Object::Not(found)) => {
                return Err(ReadError::WrongType {
                    path: at(list, Some(index), Some("image")),
                    found,
                    expected: "an object",
                });
            }
        };
        entries.push(ImageEntry {
            list,
            index,
            name: volume.name.scalar().into_str(),
            image: required_string(image.reference, || {
                at(list, Some(index), Some("image.reference"))
            })?,
            pull_policy: optional_string(image.pull_policy, || {
                at(list, Some(index), Some("image.pullPolicy"))
            })?,
            edit: edit_for(image.pull_policy, image.reference, "pullPolicy", text)?,
        });
    }
    Ok(entries)
}

fn required_string<'a>(
    member: Member<'a>,
    path: impl Fn() -> String,
) -> Result<Cow<'a, str>, ReadError> {
    match member.scalar() {
        Scalar::Str(value) => Ok(value),
        Scalar::Absent | Scalar::Null => Err(ReadError::Missing(path())),
        Scalar::Other(found) => Err(ReadError::WrongType {
            path: path(),
            found,
            expected: "a string",
        }),
    }
}

fn optional_string<'a>(
    member: Member<'a>,
    path: impl Fn() -> String,
) -> Result<Option<Cow<'a, str>>, ReadError> {
    match member.scalar() {
        Scalar::Str(value) => Ok(Some(value)),
        Scalar::Absent | Scalar::Null => Ok(None),
        Scalar::Other(found) => Err(ReadError::WrongType {
            path: path(),
            found,
            expected: "a string",
        }),
    }
}

/// Replace the policy value where there is one; otherwise insert the member
/// after the image value, which every checked entry has.
fn edit_for(
    policy: Member<'_>,
    anchor: Member<'_>,
    member: &'static str,
    text: &str,
) -> Result<Edit, ReadError> {
    match (policy.0, anchor.0) {
        (Some(value), _) => {
            let start = offset_in(text, value)?;
            Ok(Edit::Replace {
                start,
                end: start + value.get().len(),
            })
        }
        (None, Some(anchor)) => Ok(Edit::Insert {
            at: offset_in(text, anchor)? + anchor.get().len(),
            member,
        }),
        (None, None) => Err(ReadError::Missing(format!("the value to anchor {member}"))),
    }
}

/// The byte offset of a borrowed raw value inside the text it was read from.
fn offset_in(text: &str, value: &RawValue) -> Result<usize, ReadError> {
    let start = (value.get().as_ptr() as usize).checked_sub(text.as_ptr() as usize);
    match start {
        Some(start) if start + value.get().len() <= text.len() => Ok(start),
        _ => Err(ReadError::Offset(value.get().chars().take(40).collect())),
    }
}

// The shapes the policy reads; every other member is skipped unread.

#[derive(Deserialize, Default)]
struct Metadata<'a> {
    #[serde(borrow, default)]
    name: Member<'a>,
    #[serde(borrow, default, rename = "generateName")]
    generate_name: Member<'a>,
    #[serde(borrow)]
    annotations: Option<Object<Annotations<'a>>>,
}

impl<'a> Metadata<'a> {
    fn display_name(&self) -> Option<Cow<'a, str>> {
        match (self.name.scalar(), self.generate_name.scalar()) {
            (Scalar::Str(name), _) if !name.is_empty() => Some(name),
            (_, Scalar::Str(prefix)) if !prefix.is_empty() => {
                Some(Cow::Owned(format!("{prefix}*")))
            }
            _ => None,
        }
    }

    fn is_mirror(&self) -> bool {
        matches!(&self.annotations, Some(Object::Is(annotations)) if annotations.mirror.0.is_some())
    }
}

#[derive(Deserialize)]
struct Annotations<'a> {
    #[serde(borrow, default, rename = "kubernetes.io/config.mirror")]
    mirror: Member<'a>,
}

#[derive(Deserialize)]
struct PodObject<'a> {
    #[serde(borrow)]
    metadata: Option<Object<Metadata<'a>>>,
    #[serde(borrow)]
    spec: Option<Object<PodSpecFields<'a>>>,
}

#[derive(Deserialize)]
struct TemplatedObject<'a> {
    #[serde(borrow)]
    metadata: Option<Object<Metadata<'a>>>,
    #[serde(borrow)]
    spec: Option<Object<TemplateHolder<'a>>>,
}

#[derive(Deserialize)]
struct CronJobObject<'a> {
    #[serde(borrow)]
    metadata: Option<Object<Metadata<'a>>>,
    #[serde(borrow)]
    spec: Option<Object<CronJobSpec<'a>>>,
}

#[derive(Deserialize)]
struct CronJobSpec<'a> {
    #[serde(borrow, rename = "jobTemplate")]
    job_template: Option<Object<JobTemplate<'a>>>,
}

#[derive(Deserialize)]
struct JobTemplate<'a> {
    #[serde(borrow)]
    spec: Option<Object<TemplateHolder<'a>>>,
}

#[derive(Deserialize)]
struct TemplateHolder<'a> {
    #[serde(borrow)]
    template: Option<Object<PodTemplate<'a>>>,
}

#[derive(Deserialize)]
struct PodTemplate<'a> {
    #[serde(borrow)]
    spec: Option<Object<PodSpecFields<'a>>>,
}

#[derive(Deserialize)]
struct PodSpecFields<'a> {
    #[serde(borrow, rename = "initContainers")]
    init_containers: Option<List<Object<ContainerFields<'a>>>>,
    #[serde(borrow)]
    containers: Option<List<Object<ContainerFields<'a>>>>,
    #[serde(borrow, rename = "ephemeralContainers")]
    ephemeral_containers: Option<List<Object<ContainerFields<'a>>>>,
    #[serde(borrow)]
    volumes: Option<List<Object<VolumeFields<'a>>>>,
}

#[derive(Deserialize)]
struct ContainerFields<'a> {
    #[serde(borrow, default)]
    name: Member<'a>,
    #[serde(borrow, default)]
    image: Member<'a>,
    #[serde(borrow, default, rename = "imagePullPolicy")]
    image_pull_policy: Member<'a>,
}

#[derive(Deserialize)]
struct VolumeFields<'a> {
    #[serde(borrow, default)]
    name: Member<'a>,
    #[serde(borrow)]
    image: Option<Object<ImageVolumeFields<'a>>>,
}

#[derive(Deserialize)]
struct ImageVolumeFields<'a> {
    #[serde(borrow, default)]
    reference: Member<'a>,
    #[serde(borrow, default, rename = "pullPolicy")]
    pull_policy: Member<'a>,
}

#[cfg(test)]
mod tests;
