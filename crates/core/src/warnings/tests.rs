use super::*;
use rstest::rstest;

fn total(warnings: &[String]) -> usize {
    warnings.iter().map(String::len).sum()
}

#[test]
fn short_pieces_are_written_as_they_are() {
    let pieces = [
        Piece::Fixed("Pod "),
        Piece::Plain("web"),
        Piece::Fixed(": image "),
        Piece::Quoted("nginx:1.25"),
    ];
    assert_eq!(fit(&pieces, WARNING_MAX), "Pod web: image \"nginx:1.25\"");
}

#[rstest]
#[case::long_image(&"a".repeat(600), "web")]
#[case::long_name("nginx:1.25", &"w".repeat(300))]
#[case::both_long(&"a".repeat(600), &"w".repeat(300))]
#[case::multibyte_characters(&"é".repeat(300), &"☃".repeat(100))]
fn long_values_are_shortened_with_an_ellipsis_never_the_path(
    #[case] image: &str,
    #[case] name: &str,
) {
    let path = "spec.template.spec.containers[12].imagePullPolicy";
    let pieces = [
        Piece::Fixed("Deployment "),
        Piece::Plain(name),
        Piece::Fixed(": "),
        Piece::Fixed(path),
        Piece::Fixed(" is \"IfNotPresent\" (container, image "),
        Piece::Quoted(image),
        Piece::Fixed(")"),
    ];
    let warning = fit(&pieces, WARNING_MAX);
    assert!(
        warning.len() <= WARNING_MAX,
        "{} bytes: {warning}",
        warning.len()
    );
    assert!(warning.contains(path), "{warning}");
    assert!(warning.contains("..."), "{warning}");
    assert!(warning.starts_with("Deployment "), "{warning}");
    assert!(warning.ends_with(')'), "{warning}");
}

#[test]
fn a_warning_of_fixed_words_only_is_cut_rather_than_kept_too_long() {
    let long = "x".repeat(400);
    let warning = fit(&[Piece::Fixed(&long)], WARNING_MAX);
    assert_eq!(warning.len(), WARNING_MAX);
}

#[test]
fn warnings_stop_at_the_budget_and_count_the_rest() {
    let mut warnings = Warnings::new();
    let image = "i".repeat(400);
    for _ in 0..1000 {
        warnings.push(&[Piece::Fixed("entry, image "), Piece::Quoted(&image)]);
    }
    let listed = warnings.finish(|more| format!("{more} more"));
    let (summary, full) = listed.split_last().unwrap();
    assert_eq!(summary, &format!("{} more", 1000 - full.len()));
    assert!(total(&listed) <= WARNINGS_BUDGET && WARNINGS_BUDGET < 4096);
    assert!(listed.iter().all(|w| w.len() <= WARNING_MAX));
}

#[test]
fn no_summary_when_everything_is_listed() {
    let mut warnings = Warnings::new();
    warnings.push(&[Piece::Fixed("one")]);
    assert_eq!(warnings.finish(|_| unreachable!()), ["one"]);
}

/// Fixed words longer than the bound beside a value: the value goes down to
/// its minimum, then the whole is cut.
#[test]
fn fixed_words_over_the_bound_with_a_value_are_cut() {
    let long = "x".repeat(400);
    let warning = fit(
        &[Piece::Fixed(&long), Piece::Quoted(&"v".repeat(40))],
        WARNING_MAX,
    );
    assert_eq!(warning, "x".repeat(WARNING_MAX));
}

#[test]
fn a_cut_never_splits_a_character() {
    assert_eq!(truncate("é", 1), "");
    assert_eq!(truncate("aé", 2), "a");
    assert_eq!(truncate("aé", 3), "aé");
}

/// Once a warning did not fit, the rest are counted, even the short ones:
/// the list stays in the order of the entries.
#[test]
fn after_one_warning_is_counted_the_rest_are_too() {
    let mut warnings = Warnings::new();
    let image = "i".repeat(400);
    for _ in 0..20 {
        warnings.push(&[Piece::Fixed("entry, image "), Piece::Quoted(&image)]);
    }
    assert!(!warnings.has_room());
    warnings.push(&[Piece::Fixed("short")]);
    let listed = warnings.finish(|more| format!("{more} more"));
    assert!(!listed.iter().any(|w| w == "short"), "{listed:?}");
    let (summary, full) = listed.split_last().unwrap();
    assert_eq!(summary, &format!("{} more", 21 - full.len()));
}
