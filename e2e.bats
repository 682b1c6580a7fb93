#!/usr/bin/env bats
# End-to-end tests of the compiled policy, in the Kubewarden style.
#
# Users, this project's CI and Kubewarden's release workflow run them with the
# real kwctl and the annotated module:
#     make e2e-tests
# Without kwctl on PATH, `make e2e-tests` says they were skipped (and fails
# under REQUIRE_KUBEWARDEN=1).

bats_require_minimum_version 1.5.0

KWCTL="${KWCTL:-kwctl}"
POLICY="${POLICY:-annotated-policy.wasm}"
export RUST_BACKTRACE=0

# The response is kwctl's standard output; its logs (stderr) are kept apart.
evaluate() {
  local fixture="$1" settings="${2:-{\}}"
  run --separate-stderr "$KWCTL" run --request-path "test_data/$fixture" --settings-json "$settings" "$POLICY"
}

# Whether the last response allowed the request, and whether it carried a patch.
verdict() {
  case "$output" in
    *'"allowed":true'*'"patch":"'*) echo patch ;;
    *'"allowed":true'*) echo accept ;;
    *'"allowed":false'*) echo reject ;;
    *) echo "no response: $output" ;;
  esac
}

# The decoded JSON patch of the last response.
patch_of() {
  printf '%s' "$output" | grep -o '"patch":"[^"]*"' | cut -d'"' -f4 | base64 -d
}

@test "accepts a Pod whose containers all pull Always" {
  evaluate pod_create_compliant.json
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":true'* ]]
  [[ "$output" != *'"patch"'* ]]
}

@test "rejects a Pod with IfNotPresent and Never, naming each field" {
  evaluate pod_create_if_not_present.json
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":false'* ]]
  [[ "$output" == *'spec.containers[0].imagePullPolicy is \"IfNotPresent\"'* ]]
  [[ "$output" == *'spec.initContainers[0].imagePullPolicy is \"Never\"'* ]]
}

@test "rejects a Deployment in validate mode" {
  evaluate deployment_create.json
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":false'* ]]
  [[ "$output" == *'spec.template.spec.initContainers[0].imagePullPolicy'* ]]
}

@test "mutates a Deployment: the patch only sets pull policies to Always" {
  evaluate deployment_create.json '{"mutate": true}'
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":true'* ]]
  [[ "$output" == *'"patchType":"JSONPatch"'* ]]
  patch="$(patch_of)"
  [[ "$patch" == *'"path":"/spec/template/spec/initContainers/0/imagePullPolicy"'* ]]
  [[ "$patch" == *'"path":"/spec/template/spec/containers/2/imagePullPolicy"'* ]]
  # Every operation writes "Always" to a pull-policy field, and nothing else.
  ops="$(printf '%s' "$patch" | grep -o '{[^{}]*}')"
  [ "$(printf '%s\n' "$ops" | wc -l)" -eq 3 ]
  [ -z "$(printf '%s\n' "$ops" | grep -v '"value":"Always"')" ]
  [ -z "$(printf '%s\n' "$ops" | grep -v 'imagePullPolicy"')" ]
}

@test "mutates a CronJob's job template" {
  evaluate cronjob_create.json '{"mutate": true}'
  [ "$status" -eq 0 ]
  [[ "$(patch_of)" == *'/spec/jobTemplate/spec/template/spec/containers/0/imagePullPolicy'* ]]
}

@test "mutates an image volume's pull policy" {
  evaluate pod_create_image_volume.json '{"mutate": true}'
  [ "$status" -eq 0 ]
  [[ "$(patch_of)" == *'"path":"/spec/volumes/1/image/pullPolicy"'* ]]
}

@test "kubectl debug: judges only the new ephemeral container" {
  evaluate pod_ephemeral_containers.json
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":false'* ]]
  [[ "$output" == *'debugger-x7k2p'* ]]
  [[ "$output" != *'debugger-old'* ]]
}

@test "mutate mode still rejects a Pod update it cannot fix" {
  evaluate pod_update_new_image.json '{"mutate": true}'
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":false'* ]]
  [[ "$output" == *'cannot change after creation'* ]]
}

@test "a workload another object owns is accepted as written, with a warning, in every mode" {
  for settings in '{}' '{"mutate": true}' '{"warnOnly": true}'; do
    for fixture in replicaset_create.json replicaset_create_argo_rollout.json deployment_create_non_controlling_owner.json; do
      evaluate "$fixture" "$settings"
      [ "$status" -eq 0 ] && [ "$(verdict)" = accept ] || { echo "$fixture, $settings: $output"; false; }
      [[ "$output" == *'another object owns it, so accepted as is'* ]]
      [[ "$output" == *'"reason":"controlled-template"'* ]]
    done
  done
}

@test "a Pod entry changed to an image another entry runs is judged" {
  evaluate pod_update_entry_image_changed.json
  [ "$status" -eq 0 ]
  [ "$(verdict)" = reject ]
  [[ "$output" == *'nginx:1.25'* ]]
}

@test "accepts an update that brings no new image" {
  evaluate pod_update_labels_only.json
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":true'* ]]
}

@test "accepts requests in an exempt namespace" {
  evaluate pod_create_if_not_present.json '{"exemptNamespaces": ["kube-system", "def*"]}'
  [ "$status" -eq 0 ]
  [[ "$output" == *'"allowed":true'* ]]
}

@test "accepts images from a trusted registry, not from a look-alike" {
  evaluate pod_create_trusted_registry.json '{"trustedRegistries": ["registry.example.com/shop"]}'
  [[ "$output" == *'"allowed":true'* ]]
  evaluate pod_create_trusted_registry.json '{"trustedRegistries": ["registry.example.com/sho", "example.com"]}'
  [[ "$output" == *'"allowed":false'* ]]
}

@test "accepts digest-pinned images only when exemptDigestPinned is set" {
  evaluate pod_create_digest_pinned.json '{"exemptDigestPinned": true}'
  [[ "$output" == *'"allowed":true'* ]]
  evaluate pod_create_digest_pinned.json
  [[ "$output" == *'"allowed":false'* ]]
}

@test "a kind it does not know is accepted with a warning and an audit annotation naming it" {
  evaluate configmap_create.json
  [ "$status" -eq 0 ]
  [ "$(verdict)" = accept ]
  [[ "$output" == *'"warnings":["'*'ConfigMap (core group)'* ]]
  [[ "$output" == *'"reason":"unknown-kind"'* ]]
}

@test "refuses invalid settings, naming the entry" {
  evaluate pod_create_compliant.json '{"trustedRegistries": ["https://ghcr.io"]}'
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'Provided settings are not valid: trustedRegistries[0] "https://ghcr.io" has a URL scheme'* ]]
}

@test "refuses unknown settings" {
  evaluate pod_create_compliant.json '{"mutat": true}'
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'Provided settings are not valid'*'unknown field `mutat`'* ]]
}

@test "every kind, in validate and in mutate mode" {
  for fixture in pod_create_if_not_present.json deployment_create.json statefulset_create.json \
      daemonset_create.json job_create.json cronjob_create.json replicationcontroller_create.json; do
    evaluate "$fixture"
    [ "$status" -eq 0 ] && [ "$(verdict)" = reject ] || { echo "$fixture, validate: $output"; false; }
    evaluate "$fixture" '{"mutate": true}'
    [ "$status" -eq 0 ] && [ "$(verdict)" = patch ] || { echo "$fixture, mutate: $output"; false; }
  done
  evaluate replicaset_create.json
  [ "$(verdict)" = accept ] && [[ "$output" == *'"warnings"'* ]]
  evaluate replicaset_create.json '{"mutate": true}'
  [ "$(verdict)" = accept ] && [[ "$output" == *'"warnings"'* ]]
}

@test "kubectl debug: the ephemeral-container UPDATE is patched in mutate mode" {
  evaluate pod_ephemeral_containers.json '{"mutate": true}'
  [ "$status" -eq 0 ]
  [ "$(verdict)" = patch ]
  [ "$(patch_of)" = '[{"op":"replace","path":"/spec/ephemeralContainers/1/imagePullPolicy","value":"Always"}]' ]
}

@test "kwctl bench runs the policy on a Deployment CREATE and UPDATEs (template unchanged, changed)" {
  for fixture in deployment_create.json deployment_update_scale.json deployment_update_set_env.json; do
    run --separate-stderr "$KWCTL" bench --warm-up-time 1 --measurement-time 1 --num-samples 10 \
      --num-resamples 10 --request-path "test_data/$fixture" "$POLICY"
    [ "$status" -eq 0 ]
    [[ "$output$stderr" == *validate* ]]
  done
}

@test "the shipped module is at most 240,000 bytes" {
  size="$(wc -c < "$POLICY")"
  echo "$POLICY: $size bytes"
  [ "$size" -le 240000 ]
}

@test "warn-only: a non-compliant Deployment is accepted unchanged, with a warning per entry" {
  evaluate deployment_create.json '{"warnOnly": true}'
  [ "$status" -eq 0 ]
  [ "$(verdict)" = accept ]
  [[ "$output" == *'"warnings":["Deployment default/shop-api: spec.template.spec.initContainers[0].imagePullPolicy is \"IfNotPresent\"'* ]]
  [ "$(printf '%s' "$output" | grep -o 'rejects this when warnOnly is off' | wc -l)" -eq 3 ]
}

@test "warn-only: a Pod update with a new image is accepted, with how to fix it" {
  evaluate pod_update_new_image.json '{"warnOnly": true}'
  [ "$status" -eq 0 ]
  [ "$(verdict)" = accept ]
  [[ "$output" == *'recreate the Pod with \"Always\"'* ]]
}

@test "warn-only: compliant and exempt requests get no warning" {
  evaluate pod_create_compliant.json '{"warnOnly": true}'
  [ "$(verdict)" = accept ]
  [[ "$output" != *'"warnings":["'* ]]
  evaluate pod_create_if_not_present.json '{"warnOnly": true, "exemptNamespaces": ["default"]}'
  [ "$(verdict)" = accept ]
  [[ "$output" != *'"warnings":["'* ]]
}

@test "warn-only and mutate together are refused" {
  evaluate pod_create_compliant.json '{"warnOnly": true, "mutate": true}'
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'mutate and warnOnly cannot both be true'* ]]
}

@test "a workload update that changes the template is judged as a create (kubectl set env, rollout restart)" {
  evaluate deployment_update_set_env.json
  [ "$(verdict)" = reject ]
  [[ "$output" == *'spec.template.spec.containers[0].imagePullPolicy'* ]]
  evaluate deployment_update_rollout_restart.json '{"mutate": true}'
  [ "$(verdict)" = patch ]
}

@test "a pull-policy regression with the same images is rejected, and patched in mutate mode" {
  evaluate deployment_update_pull_policy_regression.json
  [ "$(verdict)" = reject ]
  evaluate deployment_update_pull_policy_regression.json '{"mutate": true}'
  [ "$(verdict)" = patch ]
}

@test "a workload update that leaves the template unchanged is accepted untouched in every mode" {
  for settings in '{}' '{"mutate": true}' '{"warnOnly": true}'; do
    evaluate deployment_update_scale.json "$settings"
    [ "$(verdict)" = accept ]
    [[ "$output" != *'"warnings":["'* ]]
  done
}

@test "a queue controller's write to a suspended Job is never rejected nor patched" {
  for settings in '{}' '{"mutate": true}'; do
    evaluate job_update_suspended_scheduling.json "$settings"
    [ "$(verdict)" = accept ]
  done
}

@test "a ReplicaSet that no controller owns is patched in mutate mode" {
  evaluate replicaset_create_unowned.json '{"mutate": true}'
  [ "$(verdict)" = patch ]
}

@test "audit annotations record why: an exempt namespace, a trusted registry, a mutation" {
  evaluate pod_create_if_not_present.json '{"exemptNamespaces": ["kube-system", "def*"]}'
  [ "$status" -eq 0 ]
  [[ "$output" == *'"auditAnnotations":{'*'"exempt-namespace":"exemptNamespaces[1] \"def*\""'* ]]
  [[ "$output" == *'"reason":"exempt-namespace"'* ]]
  evaluate pod_create_trusted_registry.json '{"trustedRegistries": ["registry.example.com/shop"]}'
  [ "$status" -eq 0 ]
  [[ "$output" == *'"exempt-entries":"spec.containers[0] trustedRegistries[0] \"registry.example.com/shop\""'* ]]
  evaluate deployment_create.json '{"mutate": true}'
  [ "$status" -eq 0 ]
  [[ "$output" == *'"decision":"mutated"'* ]]
  [[ "$output" == *'"set-to-always":"spec.template.spec.initContainers[0].imagePullPolicy; spec.template.spec.containers[0].imagePullPolicy; '* ]]
}

@test "shortNameRegistry: a short name is trusted where the nodes pull it from" {
  # busybox:1.36 beside images of registry.example.com/shop and ghcr.io/acme.
  local trusted='"trustedRegistries": ["docker.io/library", "registry.example.com/shop", "ghcr.io/acme"]'
  evaluate pod_create_if_not_present.json "{$trusted}"
  [ "$(verdict)" = accept ]
  evaluate pod_create_if_not_present.json "{$trusted, \"shortNameRegistry\": \"registry.example.com\"}"
  [ "$(verdict)" = reject ]
  [[ "$output" == *'image \"busybox:1.36\"'* ]]
  evaluate pod_create_if_not_present.json "{$trusted, \"shortNameRegistry\": \"\"}"
  [ "$(verdict)" = reject ]
  run --separate-stderr "$KWCTL" run --request-path test_data/pod_create_if_not_present.json \
    --settings-json '{"shortNameRegistry": "https://registry.example.com"}' "$POLICY"
  [ "$status" -ne 0 ]
  [[ "$output$stderr" == *'shortNameRegistry "https://registry.example.com" is not a registry host'* ]]
}

@test "a rejection offers only the remedies that help" {
  evaluate pod_create_if_not_present.json '{"exemptDigestPinned": true}'
  [ "$(verdict)" = reject ]
  [[ "$output" == *'policy setting trustedRegistries) or the namespace'* ]]
}

@test "custom resources it knows: an Argo Rollout, a Knative Service, a JobSet, an Argo Workflow" {
  for fixture in rollout_create.json knative_service_create.json jobset_create.json workflow_create.json; do
    evaluate "$fixture"
    [ "$(verdict)" = reject ] || { echo "$fixture, validate: $output"; false; }
    evaluate "$fixture" '{"mutate": true}'
    [ "$(verdict)" = patch ] || { echo "$fixture, mutate: $output"; false; }
    evaluate "$fixture" '{"warnOnly": true}'
    [ "$(verdict)" = accept ] && [[ "$output" == *'"warnings":["'* ]] || { echo "$fixture, warn-only: $output"; false; }
  done
}

@test "a custom resource names the full field path, and its patch sets only that field" {
  evaluate workflow_create.json
  [[ "$output" == *'spec.templates[1].container.imagePullPolicy is unset'* ]]
  evaluate rollout_create.json '{"mutate": true}'
  [ "$(patch_of)" = '[{"op":"add","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"Always"}]' ]
}

@test "a template update of a JobSet (immutable spec) is never rejected nor patched" {
  for settings in '{}' '{"mutate": true}'; do
    evaluate jobset_update_template.json "$settings"
    [ "$(verdict)" = accept ]
  done
}

@test "customResources: a kind of one's own is judged at the paths given" {
  evaluate widget_create.json
  [ "$(verdict)" = accept ]
  [[ "$output" == *'"reason":"unknown-kind"'* ]]
  evaluate widget_create.json '{"customResources": [{"group": "example.com", "kind": "Widget", "podTemplates": ["spec.template"], "containers": ["spec.runner"]}]}'
  [ "$(verdict)" = reject ]
  [[ "$output" == *'spec.runner.imagePullPolicy'* ]]
  run --separate-stderr "$KWCTL" run --request-path test_data/widget_create.json \
    --settings-json '{"customResources": [{"group": "example.com", "kind": "Widget", "podTemplates": ["spec..template"]}]}' "$POLICY"
  [ "$status" -ne 0 ]
  [[ "$output$stderr" == *'customResources[0]'* ]]
}
