//! The control's test plan, run where it runs: the server-side dry-run probe
//! of docs/compliance.md (`kubectl run probe --image=… --image-pull-policy=IfNotPresent
//! --dry-run=server`) through the real policy-server, in each mode, with the
//! answers and audit annotations the document shows. The samples in
//! docs/compliance.md are this test's output: it fails when they drift, and
//! `UPDATE_SAMPLES=1` rewrites them.

mod common;

use common::policy_server::{PolicyServer, annotated_module};
use policy_host::AdmissionResponse;
use serde_json::{Value, json};

/// The webhook name Kubewarden gives a `ClusterAdmissionPolicy` named
/// `always-pull-images`: the API server prefixes each audit annotation key with it.
const WEBHOOK: &str = "clusterwide-always-pull-images.kubewarden.admission";

/// What `kubectl run probe --image=registry.example.com/probe:1
/// --image-pull-policy=IfNotPresent --dry-run=server -n default` asks the
/// policy to admit, defaulted as the API server sends it.
fn probe() -> Value {
    json!({
        "uid": "0d5c8b1e-8d7f-4a53-9c1e-5a3a2f0e7b11",
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
        "requestResource": {"group": "", "version": "v1", "resource": "pods"},
        "name": "probe",
        "namespace": "default",
        "operation": "CREATE",
        "userInfo": {"username": "auditor@example.com", "groups": ["system:authenticated"]},
        "object": {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "probe", "namespace": "default", "labels": {"run": "probe"}},
            "spec": {
                "containers": [{
                    "name": "probe",
                    "image": "registry.example.com/probe:1",
                    "imagePullPolicy": "IfNotPresent",
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                }],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30,
                "enableServiceLinks": true,
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0
            },
            "status": {}
        },
        "oldObject": null,
        "dryRun": true,
        "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-run"}
    })
}

fn annotations(answer: &AdmissionResponse) -> Value {
    json!(answer.audit_annotations.clone().unwrap_or_default())
}

/// The API server's audit event for the validating answer, at level
/// `Metadata`: the webhook's audit annotations under `<webhook>/<key>`.
fn audit_event(answer: &AdmissionResponse) -> Value {
    let mut recorded = serde_json::Map::new();
    for (key, value) in answer.audit_annotations.clone().unwrap_or_default() {
        recorded.insert(format!("{WEBHOOK}/{key}"), Value::String(value));
    }
    json!({
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/default/pods?dryRun=All&fieldManager=kubectl-run",
        "verb": "create",
        "user": {"username": "auditor@example.com", "groups": ["system:authenticated"]},
        "objectRef": {"resource": "pods", "namespace": "default", "name": "probe", "apiVersion": "v1"},
        "responseStatus": {"metadata": {}, "status": "Failure", "code": 403},
        "annotations": recorded,
    })
}

/// The audit scanner's OpenReports `Report` for a Pod like the probe that
/// this policy's validating instance fails (kubewarden-controller v1.33,
/// `internal/audit-scanner/report`): the result is the `/audit` answer, its
/// message the rejection; identifiers are placeholders.
fn report(audit: &AdmissionResponse) -> Value {
    let result = if audit.allowed { "pass" } else { "fail" };
    let mut entry = json!({
        "source": "kubewarden",
        "policy": "clusterwide-always-pull-images",
        "result": result,
        "scored": true,
        "resourceSelector": {},
        "timestamp": {"seconds": 1_764_633_600, "nanos": 0},
        "properties": {
            "policy-name": "always-pull-images",
            "policy-uid": "<uid of the ClusterAdmissionPolicy>",
            "policy-resource-version": "<its resourceVersion>",
            "validating": "true"
        }
    });
    if let Some(message) = audit.message() {
        entry["message"] = Value::String(message.to_owned());
    }
    let uid = "<uid of the Pod>";
    json!({
        "apiVersion": "openreports.io/v1alpha1",
        "kind": "Report",
        "metadata": {
            "name": uid,
            "namespace": "default",
            "labels": {
                "app.kubernetes.io/managed-by": "kubewarden",
                "kubewarden.io/policyreport-version": "v2"
            },
            "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "probe", "uid": uid}]
        },
        "scope": {"apiVersion": "v1", "kind": "Pod", "namespace": "default", "name": "probe", "uid": uid},
        "summary": {"pass": u8::from(audit.allowed), "fail": u8::from(!audit.allowed), "warn": 0, "error": 0, "skip": 0},
        "results": [entry]
    })
}

/// Replaces the text between `<!-- sample:NAME -->` and `<!-- /sample -->`
/// in `doc` with `sample` in a fenced block; `None` when the markers are missing.
fn with_sample(doc: &str, name: &str, language: &str, sample: &str) -> Option<String> {
    let open = format!("<!-- sample:{name} -->\n");
    let start = doc.find(&open)? + open.len();
    let end = start + doc[start..].find("<!-- /sample -->")?;
    Some(format!(
        "{}```{language}\n{sample}\n```\n{}",
        &doc[..start],
        &doc[end..]
    ))
}

#[test]
fn the_dry_run_probe_gets_the_documented_answers() {
    let Some(binary) = common::kubewarden_tool("policy-server") else {
        return;
    };
    let configurations = [
        ("validate".to_owned(), json!({})),
        ("mutate".to_owned(), json!({"mutate": true})),
        ("warn-only".to_owned(), json!({"warnOnly": true})),
    ];
    let server = PolicyServer::start(&binary, &annotated_module(), &configurations);
    let host = common::instance();
    let request = probe();
    let answer = |policy: &str| server.review("validate", policy, &request).unwrap();

    let validate = answer("validate");
    assert!(!validate.allowed, "{validate:?}");
    let message = validate.message().unwrap_or_default();
    assert!(
        message.contains("spec.containers[0].imagePullPolicy is \"IfNotPresent\""),
        "{message}"
    );
    assert_eq!(
        annotations(&validate),
        json!({"decision": "rejected", "mode": "validate", "reason": "not-always",
               "not-always": "spec.containers[0].imagePullPolicy \"IfNotPresent\""})
    );
    let mutate = answer("mutate");
    assert!(mutate.allowed, "{mutate:?}");
    assert_eq!(
        mutate.decoded_patch(),
        Some(
            json!([{"op": "replace", "path": "/spec/containers/0/imagePullPolicy", "value": "Always"}])
        )
    );
    assert_eq!(
        annotations(&mutate)["set-to-always"],
        "spec.containers[0].imagePullPolicy"
    );
    let warn_only = answer("warn-only");
    assert!(
        warn_only.allowed && warn_only.patch.is_none(),
        "{warn_only:?}"
    );
    assert_eq!(
        warn_only.warnings.as_ref().map(Vec::len),
        Some(1),
        "{warn_only:?}"
    );
    assert_eq!(annotations(&warn_only)["decision"], "warned");

    // The policy server passes the module's annotations on unchanged.
    for (policy, settings) in &configurations {
        let guest = host.validate(&request, settings).unwrap();
        assert_eq!(
            guest.audit_annotations,
            answer(policy).audit_annotations,
            "{policy}"
        );
    }
    let audit = server.review("audit", "validate", &request).unwrap();
    assert!(!audit.allowed, "{audit:?}");
    check_samples(&validate, &mutate, &audit);
}

/// docs/compliance.md shows these answers as this test produced them.
fn check_samples(
    validate: &AdmissionResponse,
    mutate: &AdmissionResponse,
    audit: &AdmissionResponse,
) {
    let path = common::repo_root().join("docs/compliance.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let pretty = |value: &Value| serde_json::to_string_pretty(value).unwrap();
    let mut updated = doc.clone();
    for (name, sample) in [
        ("probe-validate", pretty(&json!(validate))),
        ("probe-mutate", pretty(&json!(mutate))),
        ("audit-event", pretty(&audit_event(validate))),
        ("report", pretty(&report(audit))),
    ] {
        updated = with_sample(&updated, name, "json", &sample)
            .unwrap_or_else(|| panic!("docs/compliance.md has no sample:{name} markers"));
    }
    if std::env::var("UPDATE_SAMPLES").as_deref() == Ok("1") {
        std::fs::write(&path, &updated).unwrap();
    } else {
        assert!(
            updated == doc,
            "docs/compliance.md's samples differ from the policy-server's answers: run `UPDATE_SAMPLES=1 make policy-server-tests`"
        );
    }
}
