//! Properties every `validate` answer must have, whatever the input. Shared by
//! the fuzz targets (`fuzz/`) and the native replay of their corpus.

use serde_json::Value;

/// Runs `validate` on `payload` and checks the answer; returns it.
pub fn check_validate(payload: &[u8]) -> Value {
    let answer = always_pull_images_core::validate(payload);
    let response: Value = serde_json::from_slice(&answer).expect("the response is JSON");
    let accepted = response["accepted"]
        .as_bool()
        .expect("`accepted` is a bool");
    let warnings: Vec<String> = serde_json::from_value(response["warnings"].clone())
        .map(|w: Option<Vec<String>>| w.unwrap_or_default())
        .expect("warnings are strings");
    assert_warnings_survive_the_api_server(&warnings);
    assert_annotations_are_bounded(&response);
    if !accepted {
        assert_rejection_explains_itself(&response);
    }
    if let Some(mutated) = response.get("mutated_object") {
        check_mutation(payload, mutated);
    }
    response
}

/// Audit annotations, when present, are a map of strings, each key a valid
/// annotation name part and each value at most 1,024 bytes.
fn assert_annotations_are_bounded(response: &Value) {
    let Some(annotations) = response.get("audit_annotations") else {
        return;
    };
    let annotations = annotations.as_object().expect("annotations are a map");
    assert!(annotations.len() <= 8, "{annotations:?}");
    for (key, value) in annotations {
        assert!(
            key.len() <= 63 && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "annotation key {key:?}"
        );
        let value = value.as_str().expect("annotation values are strings");
        assert!(value.len() <= 1_024, "{key}: {} bytes", value.len());
    }
}

/// A rejection has a message and never mutates.
fn assert_rejection_explains_itself(response: &Value) {
    let message = response["message"]
        .as_str()
        .expect("a rejection has a message");
    assert!(!message.is_empty(), "a rejection explains itself");
    assert!(
        message.len() <= 4_096,
        "a rejection of {} bytes",
        message.len()
    );
    assert!(
        response.get("mutated_object").is_none(),
        "a rejection never mutates"
    );
}

/// `mutated` differs from the payload's object only in pull policies, and
/// mutating it again changes nothing.
fn check_mutation(payload: &[u8], mutated: &Value) {
    // Only the request's object needs to be Unicode JSON: other members may
    // hold anything JSON's grammar allows (lone surrogate escapes, say).
    // Members the policy skips may even hold invalid UTF-8; the object cannot.
    let text = String::from_utf8_lossy(payload);
    let envelope: Envelope<'_> =
        serde_json::from_str(&text).expect("a mutation implies a readable payload");
    let request: RequestObject<'_> =
        serde_json::from_str(envelope.request.get()).expect("a request object");
    let original: Value =
        serde_json::from_str(request.object.get()).expect("a mutated object is Unicode JSON");
    assert_only_pull_policies_changed(&original, mutated, "$");
    // Mutating the mutated object again changes nothing and passes validation.
    let mut request: Value = serde_json::from_str(envelope.request.get()).unwrap_or_else(|_| {
        serde_json::from_str(&request_without_extras(envelope.request.get())).unwrap_or(Value::Null)
    });
    request["object"] = mutated.clone();
    let settings: Value = envelope
        .settings
        .and_then(|s| serde_json::from_str(s.get()).ok())
        .unwrap_or(Value::Null);
    for mode in [true, false] {
        assert_fixed_point(&request, &settings, mode);
    }
}

/// `request` (holding a mutated object) passes unchanged, with `mutate` set to `mode`.
fn assert_fixed_point(request: &Value, settings: &Value, mode: bool) {
    let mut settings = settings.clone();
    if let Some(map) = settings.as_object_mut() {
        map.insert("mutate".into(), Value::Bool(mode));
    }
    let again = serde_json::json!({"request": request, "settings": settings}).to_string();
    let second: Value =
        serde_json::from_slice(&always_pull_images_core::validate(again.as_bytes())).unwrap();
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

/// The request members the policy reads, when others cannot become a Value.
fn request_without_extras(request: &str) -> String {
    #[derive(serde::Deserialize, serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Kept<'a> {
        #[serde(borrow)]
        kind: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow, default)]
        sub_resource: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow, default)]
        namespace: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow, default)]
        operation: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow, default)]
        old_object: Option<&'a serde_json::value::RawValue>,
    }
    serde_json::from_str::<Kept<'_>>(request)
        .map_or_else(|_| "{}".to_owned(), |k| serde_json::to_string(&k).unwrap())
}

#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    request: &'a serde_json::value::RawValue,
    #[serde(borrow, default)]
    settings: Option<&'a serde_json::value::RawValue>,
}

#[derive(serde::Deserialize)]
struct RequestObject<'a> {
    #[serde(borrow)]
    object: &'a serde_json::value::RawValue,
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
    let answer = always_pull_images_core::validate_settings(payload);
    let verdict: Value = serde_json::from_slice(&answer).expect("JSON");
    let valid = verdict["valid"].as_bool().expect("`valid` is a bool");
    if !valid {
        assert!(verdict["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

/// The reference parser never panics, and what it parses formats and parses back the same.
pub fn check_image_reference(input: &str) {
    use always_pull_images_core::ImageReference;
    if let Ok(reference) = ImageReference::parse(input) {
        let full = reference.to_string();
        let again = ImageReference::parse(&full).expect("a formatted reference parses");
        assert_eq!(again, reference, "{input:?} -> {full:?}");
    }
}

/// Each warning at most 256 bytes, and all of them under 4,096: what the API
/// server keeps of admission warnings (it counts characters; bytes are never fewer).
pub fn assert_warnings_survive_the_api_server(warnings: &[String]) {
    for warning in warnings {
        assert!(warning.len() <= 256, "{} bytes: {warning}", warning.len());
    }
    let total: usize = warnings.iter().map(String::len).sum();
    assert!(total < 4096, "{total} bytes of warnings");
}
