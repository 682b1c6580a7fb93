//! Properties every `validate` answer must have, whatever the input. Shared by
//! the fuzz targets (`fuzz/`) and the native replay of their corpus.

#![allow(dead_code)]

use serde_json::Value;

/// Runs `validate` on `payload` and checks the answer; returns it.
pub fn check_validate(payload: &[u8]) -> Value {
    let answer = always_pull_images::evaluation::validate(payload);
    let response: Value = serde_json::from_slice(&answer).expect("the response is JSON");
    let accepted = response["accepted"]
        .as_bool()
        .expect("`accepted` is a bool");
    if !accepted {
        let message = response["message"]
            .as_str()
            .expect("a rejection has a message");
        assert!(!message.is_empty(), "a rejection explains itself");
        assert!(
            response.get("mutated_object").is_none(),
            "a rejection never mutates"
        );
    }
    if let Some(mutated) = response.get("mutated_object") {
        let request: Value =
            serde_json::from_slice(payload).expect("a mutation implies a readable payload");
        let original = &request["request"]["object"];
        assert_only_pull_policies_changed(original, mutated, "$");
        // Mutating the mutated object again changes nothing and passes validation.
        let mut again = request.clone();
        again["request"]["object"] = mutated.clone();
        for mode in [true, false] {
            if let Some(settings) = again.get_mut("settings").and_then(Value::as_object_mut) {
                settings.insert("mutate".into(), Value::Bool(mode));
            }
            let second: Value = serde_json::from_slice(&always_pull_images::evaluation::validate(
                again.to_string().as_bytes(),
            ))
            .unwrap();
            assert_eq!(
                second["accepted"],
                Value::Bool(true),
                "mutated output rejected: {second}"
            );
            assert!(
                second.get("mutated_object").is_none(),
                "mutation is not a fixed point"
            );
        }
    }
    response
}

/// `mutated` equals `original` but for pull-policy members set to "Always".
pub fn assert_only_pull_policies_changed(original: &Value, mutated: &Value, at: &str) {
    match (original, mutated) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in b {
                let is_policy = key == "imagePullPolicy" || key == "pullPolicy";
                match a.get(key) {
                    Some(old) if old == value => {}
                    Some(old) if !is_policy => {
                        assert_only_pull_policies_changed(old, value, &format!("{at}.{key}"))
                    }
                    _ => {
                        assert!(is_policy, "{at}.{key} was added or changed");
                        assert_eq!(
                            value, "Always",
                            "{at}.{key} set to something else than Always"
                        );
                    }
                }
            }
            for key in a.keys() {
                assert!(b.contains_key(key), "{at}.{key} was removed");
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "length of {at} changed");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_only_pull_policies_changed(x, y, &format!("{at}[{i}]"));
            }
        }
        (a, b) => assert_eq!(a, b, "{at} changed"),
    }
}

/// `validate_settings` answers with a verdict for any payload.
pub fn check_validate_settings(payload: &[u8]) {
    let answer = always_pull_images::validate_settings(payload).expect("an answer");
    let verdict: Value = serde_json::from_slice(&answer).expect("JSON");
    let valid = verdict["valid"].as_bool().expect("`valid` is a bool");
    if !valid {
        assert!(verdict["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

/// The reference parser never panics, and what it parses formats and parses back the same.
pub fn check_image_reference(input: &str) {
    use always_pull_images::image_reference::ImageReference;
    if let Ok(reference) = ImageReference::parse(input) {
        let full = reference.to_string();
        let again = ImageReference::parse(&full).expect("a formatted reference parses");
        assert_eq!(again, reference, "{input:?} -> {full:?}");
    }
}
