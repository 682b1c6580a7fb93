//! The words the reader, the decision and the writers share: the built-in
//! kinds the policy judges, the lists of a pod spec that name images, field
//! paths as messages write them, and where a pull policy is written. A leaf:
//! it imports nothing of this crate.

use std::fmt;

use serde_json::value::RawValue;

/// A built-in kind the policy judges (custom resources are read from their
/// own table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkloadKind {
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
    pub(crate) fn from_group_kind(group: &str, kind: &str) -> Option<Self> {
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

    pub(crate) const fn name(self) -> &'static str {
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

    /// The members that lead from the object to its pod spec: the one place
    /// these paths are spelled (messages and the reader both use it).
    pub(crate) const fn pod_spec_location(self) -> &'static [&'static str] {
        match self {
            WorkloadKind::Pod => &["spec"],
            WorkloadKind::CronJob => &["spec", "jobTemplate", "spec", "template", "spec"],
            _ => &["spec", "template", "spec"],
        }
    }
}

/// The lists of a pod spec that name images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryList {
    InitContainers,
    Containers,
    EphemeralContainers,
    Volumes,
}

impl EntryList {
    pub(crate) const fn field(self) -> &'static str {
        match self {
            EntryList::InitContainers => "initContainers",
            EntryList::Containers => "containers",
            EntryList::EphemeralContainers => "ephemeralContainers",
            EntryList::Volumes => "volumes",
        }
    }

    /// The pull-policy member, relative to the entry.
    pub(crate) const fn policy_field(self) -> &'static str {
        match self {
            EntryList::Volumes => "image.pullPolicy",
            _ => "imagePullPolicy",
        }
    }

    /// What an entry of this list is called in messages.
    pub(crate) const fn noun(self) -> &'static str {
        match self {
            EntryList::InitContainers => "init container",
            EntryList::Containers => "container",
            EntryList::EphemeralContainers => "ephemeral container",
            EntryList::Volumes => "image volume",
        }
    }
}

/// Where a field path starts: the members of a built-in kind's pod spec
/// location, or a custom resource's path as written (`spec.tasks[1].template.spec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location<'p> {
    Members(&'p [&'p str]),
    Written(&'p str),
}

/// A field path inside an object: a location (the members leading to a pod
/// spec, or a custom resource's container), then optionally a list of the
/// pod spec, an index in it and a member of the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldPath<'p> {
    location: Location<'p>,
    list: Option<EntryList>,
    index: Option<usize>,
    member: Option<&'static str>,
}

impl<'p> FieldPath<'p> {
    /// The path of the first `depth` members of `location` (`spec.template`;
    /// `object` for none).
    pub(crate) const fn within(location: &'p [&'p str], depth: usize) -> FieldPath<'p> {
        let (location, _) = location.split_at(depth);
        FieldPath {
            location: Location::Members(location),
            list: None,
            index: None,
            member: None,
        }
    }

    /// A list of the pod spec at `location` (`spec.containers`).
    #[cfg(test)]
    pub(crate) const fn list(location: &'p [&'p str], list: EntryList) -> FieldPath<'p> {
        FieldPath::list_at(Location::Members(location), list)
    }

    /// A list of the pod spec at `location`, wherever that is.
    pub(crate) const fn list_at(location: Location<'p>, list: EntryList) -> FieldPath<'p> {
        FieldPath {
            location,
            list: Some(list),
            index: None,
            member: None,
        }
    }

    /// The object at `location` itself (a custom resource's container).
    pub(crate) const fn at_location(location: Location<'p>) -> FieldPath<'p> {
        FieldPath {
            location,
            list: None,
            index: None,
            member: None,
        }
    }

    /// The entry at `index` of this list (`spec.containers[2]`).
    pub(crate) const fn at(self, index: usize) -> FieldPath<'p> {
        FieldPath {
            index: Some(index),
            ..self
        }
    }

    /// A member of this entry (`spec.containers[2].image`).
    pub(crate) const fn member(self, member: &'static str) -> FieldPath<'p> {
        FieldPath {
            member: Some(member),
            ..self
        }
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut separator = "";
        match self.location {
            Location::Members([]) | Location::Written("") if self.list.is_none() => {
                return f.write_str("object");
            }
            Location::Members(members) => {
                for member in members {
                    write!(f, "{separator}{member}")?;
                    separator = ".";
                }
            }
            Location::Written(path) => {
                f.write_str(path)?;
                separator = if path.is_empty() { "" } else { "." };
            }
        }
        if let Some(list) = self.list {
            write!(f, "{separator}{}", list.field())?;
        }
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        if let Some(member) = self.member {
            write!(f, ".{member}")?;
        }
        Ok(())
    }
}

/// Where an entry's pull policy is written, as the reader found it: the
/// member's value when it exists (possibly `null`), and the value it follows
/// otherwise (the image, which every entry has). Turned into byte offsets only
/// when a mutation is written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EditSite<'a> {
    /// The pull-policy member's value, when the member exists.
    pub(crate) value: Option<&'a RawValue>,
    /// The value a new member is written after (the entry's image).
    pub(crate) anchor: Option<&'a RawValue>,
    /// The pull-policy member's name within its object.
    pub(crate) member: &'static str,
}

impl<'a> EditSite<'a> {
    pub(crate) fn new(
        value: Option<&'a RawValue>,
        anchor: Option<&'a RawValue>,
        member: &'static str,
    ) -> Self {
        EditSite {
            value,
            anchor,
            member,
        }
    }
}

/// Two sites are the same when they name the same text: what a reader's
/// tests compare.
impl PartialEq for EditSite<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.value.map(RawValue::get) == other.value.map(RawValue::get)
            && self.anchor.map(RawValue::get) == other.anchor.map(RawValue::get)
            && self.member == other.member
    }
}

impl Eq for EditSite<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sites compare by the text they name, wherever it was read from.
    #[test]
    fn sites_are_equal_when_they_name_the_same_text() {
        let raw = |text: &str| RawValue::from_string(text.to_owned()).unwrap();
        let (a, b, other) = (
            raw(r#""IfNotPresent""#),
            raw(r#""IfNotPresent""#),
            raw(r#""Never""#),
        );
        let site = |value, anchor, member| EditSite::new(value, anchor, member);
        let key = "imagePullPolicy";
        assert_eq!(
            site(Some(&*a), Some(&*b), key),
            site(Some(&*b), Some(&*a), key)
        );
        assert_ne!(site(Some(&*a), None, key), site(Some(&*other), None, key));
        assert_ne!(site(None, Some(&*a), key), site(None, Some(&*other), key));
        assert_ne!(
            site(Some(&*a), None, key),
            site(Some(&*a), None, "pullPolicy")
        );
    }

    #[test]
    fn paths_read_as_in_the_api() {
        let cronjob = WorkloadKind::CronJob.pod_spec_location();
        assert_eq!(
            FieldPath::within(cronjob, 2).to_string(),
            "spec.jobTemplate"
        );
        let path = FieldPath::list(cronjob, EntryList::InitContainers).at(3);
        assert_eq!(
            path.member("imagePullPolicy").to_string(),
            "spec.jobTemplate.spec.template.spec.initContainers[3].imagePullPolicy"
        );
        let pod = WorkloadKind::Pod.pod_spec_location();
        assert_eq!(
            FieldPath::list(pod, EntryList::Volumes)
                .at(0)
                .member("image.pullPolicy")
                .to_string(),
            "spec.volumes[0].image.pullPolicy"
        );
        assert_eq!(
            FieldPath::list(pod, EntryList::Containers).to_string(),
            "spec.containers"
        );
        assert_eq!(FieldPath::within(pod, 0).to_string(), "object");
        // A pod spec read on its own (a custom resource's) names its lists
        // from itself; the whole object is "object" only without a list.
        assert_eq!(
            FieldPath::list_at(Location::Written(""), EntryList::Containers).to_string(),
            "containers"
        );
        assert_eq!(
            FieldPath::list(&[], EntryList::Containers).to_string(),
            "containers"
        );
        assert_eq!(
            FieldPath::at_location(Location::Written("")).to_string(),
            "object"
        );
        assert_eq!(
            FieldPath::at_location(Location::Written("spec.steps[2]"))
                .member("imagePullPolicy")
                .to_string(),
            "spec.steps[2].imagePullPolicy"
        );
    }
}
