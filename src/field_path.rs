//! Field paths as messages write them (`spec.template.spec.containers[0].imagePullPolicy`),
//! formatted only when a message needs one.

use std::fmt;

use crate::pod_spec::EntryList;

/// A field path inside an object: the members leading to its pod spec, then
/// optionally a list of the pod spec, an index in it and a member of the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldPath {
    location: &'static [&'static str],
    list: Option<EntryList>,
    index: Option<usize>,
    member: Option<&'static str>,
}

impl FieldPath {
    /// The path of the first `depth` members of `location` (`spec.template`;
    /// `object` for none).
    pub const fn within(location: &'static [&'static str], depth: usize) -> FieldPath {
        let (location, _) = location.split_at(depth);
        FieldPath {
            location,
            list: None,
            index: None,
            member: None,
        }
    }

    /// A list of the pod spec at `location` (`spec.containers`).
    pub const fn list(location: &'static [&'static str], list: EntryList) -> FieldPath {
        FieldPath {
            location,
            list: Some(list),
            index: None,
            member: None,
        }
    }

    /// The entry at `index` of this list (`spec.containers[2]`).
    pub const fn at(self, index: usize) -> FieldPath {
        FieldPath {
            index: Some(index),
            ..self
        }
    }

    /// A member of this entry (`spec.containers[2].image`).
    pub const fn member(self, member: &'static str) -> FieldPath {
        FieldPath {
            member: Some(member),
            ..self
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() && self.list.is_none() {
            return f.write_str("object");
        }
        let mut separator = "";
        for member in self.location {
            write!(f, "{separator}{member}")?;
            separator = ".";
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload_kind::WorkloadKind;

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
    }
}
