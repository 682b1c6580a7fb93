//! The paths of a custom resource's places: member names separated by `.`,
//! `*` for every member of an object (a map keyed by replica type), and
//! `[*]` after a name for every item of a list (`spec.steps[*][*].inline`).

/// One step of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step<'p> {
    /// The member of that name.
    Member(&'p str),
    /// Every member's value (`*`).
    Values,
    /// Every item of a list (`[*]`).
    Items,
}

/// The steps of a path.
pub(crate) type Steps<'p> = Vec<Step<'p>>;

/// Why a path cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PathError {
    #[error("is empty")]
    Empty,
    #[error("has an empty member name (two dots, or a dot at an end)")]
    EmptyMember,
    #[error("has {0:?} in a member name: names are letters, digits, '-' and '_'")]
    Character(char),
    #[error("has a '[' that does not open \"[*]\" (only every item of a list can be named)")]
    Index,
}

/// The steps of `text`, or why it is not a path.
pub(crate) fn steps(text: &str) -> Result<Steps<'_>, PathError> {
    if text.is_empty() {
        return Err(PathError::Empty);
    }
    let mut steps = Vec::new();
    for segment in text.split('.') {
        let (name, mut items) = match segment.find('[') {
            Some(at) => segment.split_at(at),
            None => (segment, ""),
        };
        steps.push(match name {
            "" => return Err(PathError::EmptyMember),
            "*" => Step::Values,
            _ => match name
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            {
                Some(c) => return Err(PathError::Character(c)),
                None => Step::Member(name),
            },
        });
        while !items.is_empty() {
            items = items.strip_prefix("[*]").ok_or(PathError::Index)?;
            steps.push(Step::Items);
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::members("spec.template", Ok(vec![Step::Member("spec"), Step::Member("template")]))]
    #[case::items("spec.steps[*]", Ok(vec![Step::Member("spec"), Step::Member("steps"), Step::Items]))]
    #[case::items_of_items("steps[*][*].inline", Ok(vec![Step::Member("steps"), Step::Items, Step::Items, Step::Member("inline")]))]
    #[case::values("spec.tfReplicaSpecs.*.template", Ok(vec![Step::Member("spec"), Step::Member("tfReplicaSpecs"), Step::Values, Step::Member("template")]))]
    #[case::one_member("spec", Ok(vec![Step::Member("spec")]))]
    #[case::dashes_and_underscores("spec.job-spec.pod_template", Ok(vec![Step::Member("spec"), Step::Member("job-spec"), Step::Member("pod_template")]))]
    #[case::a_dash_alone("spec.x-y", Ok(vec![Step::Member("spec"), Step::Member("x-y")]))]
    #[case::an_underscore_alone("spec.x_y", Ok(vec![Step::Member("spec"), Step::Member("x_y")]))]
    #[case::empty("", Err(PathError::Empty))]
    #[case::two_dots("spec..template", Err(PathError::EmptyMember))]
    #[case::trailing_dot("spec.", Err(PathError::EmptyMember))]
    #[case::an_index("spec.steps[0]", Err(PathError::Index))]
    #[case::an_unclosed_bracket("spec.steps[*", Err(PathError::Index))]
    #[case::a_space("spec.my template", Err(PathError::Character(' ')))]
    #[case::a_json_pointer("/spec/template", Err(PathError::Character('/')))]
    #[case::items_without_a_name("[*]", Err(PathError::EmptyMember))]
    fn paths_read_as_written(#[case] text: &str, #[case] expected: Result<Steps<'_>, PathError>) {
        assert_eq!(steps(text), expected);
    }
}
