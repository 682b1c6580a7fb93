use super::*;

#[test]
fn replaces_and_inserts_without_touching_anything_else() {
    let text = r#"{"a":{"image":"x","imagePullPolicy":"Never"},"b":{"image":"y"} }"#;
    let replace_at = text.find("\"Never\"").unwrap();
    let insert_at = text.find("\"y\"").unwrap() + 3;
    let edits = [
        Edit::Insert {
            at: insert_at,
            member: "imagePullPolicy",
        },
        Edit::Replace {
            start: replace_at,
            end: replace_at + 7,
        },
    ];
    assert_eq!(
        apply(text, edits.to_vec()).unwrap(),
        r#"{"a":{"image":"x","imagePullPolicy":"Always"},"b":{"image":"y","imagePullPolicy":"Always"} }"#
    );
}

#[test]
fn lone_surrogate_escapes_are_found() {
    for (text, lone) in [
        (r#"{"a":"\ud83d\ude00"}"#, false),
        (r#"{"a":"\u00e9 \\ud800"}"#, false),
        (r#"{"a":"x\ud800"}"#, true),
        (r#"{"a":"\ude00"}"#, true),
        (r#"{"a":"\ud800\u0041"}"#, true),
        (r#"{"a":"\uD83D"}"#, true),
        // Each escape is stepped over by its own length: the next one is
        // still found, wherever the first is.
        (r"abc\udc00", true),
        (r"ab\ud83d\ude00\udc00", true),
        (r"ab\u0041\udc00", true),
        (r"abc\n\udc00", true),
        ("plain", false),
    ] {
        assert_eq!(has_lone_surrogate(text), lone, "{text}");
    }
}

fn edits_of(text: &str) -> Vec<Edit> {
    let pod = crate::workload::read(crate::vocabulary::WorkloadKind::Pod, text).unwrap();
    pod.entries
        .iter()
        .map(|entry| edit(&entry.site, text).unwrap())
        .collect()
}

#[test]
fn edits_point_at_the_policy_value_or_after_the_image() {
    let text = r#"{"spec":{"containers":[{"image":"a:1","imagePullPolicy":"Never"},{"name":"b","image" : "b:1" }],"volumes":[{"image":{"reference":"v:1"}}]}}"#;
    let never = text.find("\"Never\"").unwrap();
    let after_b = text.find("\"b:1\"").unwrap() + 5;
    let after_v = text.find("\"v:1\"").unwrap() + 5;
    assert_eq!(
        edits_of(text),
        [
            Edit::Replace {
                start: never,
                end: never + 7
            },
            Edit::Insert {
                at: after_b,
                member: "imagePullPolicy"
            },
            Edit::Insert {
                at: after_v,
                member: "pullPolicy"
            },
        ]
    );
}

#[test]
fn a_null_policy_is_replaced_not_duplicated() {
    let text = r#"{"spec":{"containers":[{"image":"a:1","imagePullPolicy":null}]}}"#;
    let null = text.find("null").unwrap();
    assert_eq!(
        edits_of(text),
        [Edit::Replace {
            start: null,
            end: null + 4
        }]
    );
}

#[test]
fn a_site_from_another_text_is_an_error_not_a_trap() {
    let other = r#"{"spec":{"containers":[{"image":"a:1"}]}}"#.to_owned();
    let pod = crate::workload::read(crate::vocabulary::WorkloadKind::Pod, &other).unwrap();
    let text = r#"{"spec":{"containers":[{"image":"a:1"}]}}"#;
    assert!(mutated(text, pod.entries.iter().map(|entry| &entry.site)).is_err());
}

#[test]
fn no_edit_is_the_identity() {
    assert_eq!(apply("{ \"k\" : 1 }", vec![]).unwrap(), "{ \"k\" : 1 }");
}

#[test]
fn overlapping_or_out_of_range_edits_are_errors_not_traps() {
    let text = r#"{"k":"v"}"#;
    assert!(apply(text, vec![Edit::Replace { start: 5, end: 50 }]).is_err());
    assert!(
        apply(
            text,
            vec![Edit::Insert {
                at: 50,
                member: "m"
            }]
        )
        .is_err()
    );
    assert!(
        apply(
            text,
            vec![
                Edit::Replace { start: 1, end: 6 },
                Edit::Replace { start: 3, end: 8 }
            ]
        )
        .is_err()
    );
    assert!(
        apply("é", vec![Edit::Insert { at: 1, member: "m" }]).is_err(),
        "not a char boundary"
    );
}

/// A value that is not wholly inside the text has no offset in it (a
/// defence: every value offered is borrowed from the text).
#[test]
fn a_value_outside_the_text_has_no_offset() {
    let whole = r#"{"a":"xxxxxxxx"}"#;
    let value: &RawValue = serde_json::from_str(&whole[5..15]).unwrap();
    assert_eq!(offset_in(whole, value).unwrap(), 5);
    assert!(matches!(
        offset_in(&whole[..8], value),
        Err(MutationError::OutsideText)
    ));
}
