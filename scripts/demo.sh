#!/usr/bin/env bash
# `make run`: sample requests from test_data/ through the compiled policy with
# `kwctl run` (or, without kwctl, the test harness's `policy-host run`), each shown with its decision,
# message, warnings and decoded JSON patch.
#
#   KWCTL=kwctl POLICY=annotated-policy.wasm scripts/demo.sh
#   KWCTL=target/debug/policy-host POLICY=policy.wasm scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

KWCTL="${KWCTL:-kwctl}"
POLICY="${POLICY:-annotated-policy.wasm}"

# title | fixture | settings
SAMPLES=(
  'A compliant Pod|pod_create_compliant.json|{}'
  'A Deployment with IfNotPresent and unset pull policies, validate mode|deployment_create.json|{}'
  'The same Deployment, mutate mode|deployment_create.json|{"mutate": true}'
  'The same Deployment, warn-only mode|deployment_create.json|{"warnOnly": true}'
  'A non-compliant Pod in an exempt namespace|pod_create_if_not_present.json|{"exemptNamespaces": ["default", "team-*"]}'
  'A Pod whose image comes from a trusted registry|pod_create_trusted_registry.json|{"trustedRegistries": ["registry.example.com/shop"]}'
  'kubectl debug adding an ephemeral container, mutate mode|pod_ephemeral_containers.json|{"mutate": true}'
)

# The JSON string values of one member of a one-line JSON document, one per line.
strings_of() {
  local member="$1" json="$2" string='"([^"\\]|\\.)*"'
  printf '%s' "$json" | grep -oE "\"$member\":($string|\[($string,?)*\])" \
    | sed -E "s/^\"$member\"://" | grep -oE "$string" \
    | sed -e 's/^"//' -e 's/"$//' -e 's/\\"/"/g' || true
}

n=0
for sample in "${SAMPLES[@]}"; do
  IFS='|' read -r title fixture settings <<<"$sample"
  n=$((n + 1))
  echo "── $n. $title"
  echo "   request:  test_data/$fixture"
  echo "   settings: $settings"
  response="$(RUST_BACKTRACE=0 "$KWCTL" run --request-path "test_data/$fixture" \
    --settings-json "$settings" "$POLICY" 2>/dev/null)" || {
    echo "   $KWCTL run failed"; exit 1; }
  case "$response" in
    *'"allowed":true'*'"patch":"'*) echo "   decision: ACCEPTED, MUTATED" ;;
    *'"allowed":true'*) echo "   decision: ACCEPTED" ;;
    *) echo "   decision: REJECTED" ;;
  esac
  strings_of message "$response" | sed 's/^/   message:  /; s/; /;\n             /g'
  strings_of warnings "$response" | sed 's/^/   warning:  /'
  strings_of patch "$response" | base64 -d 2>/dev/null | grep -o '{[^{}]*}' | sed 's/^/   patch:    /' || true
  echo
done
