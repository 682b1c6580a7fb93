# always-pull-images: build, test and release the Kubewarden policy.
#
#   make run    build policy.wasm and evaluate sample requests through it
#   make test   formatting, lints, unit tests, wasm tests, e2e tests, policy-server tests
#               (with the cluster model's 300 sequences through the policy server)
#   make sim SECONDS=N   the cluster model with fresh seeds for N seconds
#   make control-plane   build (once) the real Kubernetes 1.20.2 control plane
#   make control-plane-up [EXAMPLE=validate.yaml]   run it, with an example's webhooks, until Enter
#   make cluster-sim SECONDS=N   the cluster model against that control plane, fresh seeds
#
# Both install what they need: the wasm32-wasip1 target, and bats for the e2e tests.
# With kwctl and policy-server on PATH they use the real Kubewarden tools; without
# them, `make run` uses this project's test harness (`host/`) and the tests that
# need the real tools skip with the reason. REQUIRE_KUBEWARDEN=1 (set by .ci/run)
# turns every such skip into a failure.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
MSRV := $(shell sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
OCI_REPO ?= ghcr.io/always-pull-images/policies/always-pull-images
KWCTL ?= kwctl
FUZZ_SECONDS ?= 600
WASM_TARGET := wasm32-wasip1
POLICY_SOURCES := $(shell find src crates/core/src -name '*.rs') Cargo.toml crates/core/Cargo.toml Cargo.lock
# Cargo's output directory: CARGO_TARGET_DIR when set (a shared target
# directory, as people and CI caches use), else target/.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# The harness with its wasm runtime (wasmi), which only these targets build:
# Kubewarden's `cargo check|test|clippy --workspace` build no wasm runtime.
HOST_FEATURES := -p policy-host --features runtime
HOST := $(TARGET_DIR)/debug/policy-host
# The host's tests, which load policy.wasm (`test = false`: a bare
# `cargo test --workspace`, as Kubewarden's test workflow runs it, skips them).
WASM_TESTS := --test wasm --test malformed --test packaging --test size
HOST_TESTS := $(WASM_TESTS) --test policy_server --test probe --test simulation
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test fmt fmt-check msrv lint unit-tests wasm-tests e2e-tests policy-server-tests \
        real-cluster-tests control-plane control-plane-up cluster-sim \
        release-replay bench fuzz mutants push clean wasm-target host bats valgrind baseline.wasm sim

# --- build -------------------------------------------------------------------

wasm-target:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

# Exactly what Kubewarden's release workflow ships: the cargo output, as it is.
policy.wasm: $(POLICY_SOURCES) | wasm-target
	cargo build --target=$(WASM_TARGET) --release --locked
	cp $(TARGET_DIR)/$(WASM_TARGET)/release/always_pull_images.wasm policy.wasm
	@echo "policy.wasm: $$(wc -c < policy.wasm) bytes"

annotated-policy.wasm: policy.wasm metadata.yml README.md
	$(KWCTL) annotate -m metadata.yml -u README.md -o annotated-policy.wasm policy.wasm
	@echo "annotated-policy.wasm: $$(wc -c < annotated-policy.wasm) bytes"

# The test harness; `make run` uses it where kwctl is not installed.
host:
	cargo build $(HOST_FEATURES) --locked

# --- run ---------------------------------------------------------------------

# The samples through kwctl when it is installed, through the host otherwise.
run: policy.wasm
	@if command -v $(KWCTL) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory annotated-policy.wasm && \
	  KWCTL=$(KWCTL) POLICY=annotated-policy.wasm scripts/demo.sh; \
	else \
	  echo "kwctl not found: running the samples with $(HOST) (install kwctl to skip this build)"; \
	  $(MAKE) --no-print-directory host && KWCTL=$(HOST) POLICY=policy.wasm scripts/demo.sh; \
	fi

# --- test --------------------------------------------------------------------

test: fmt-check msrv lint unit-tests wasm-tests e2e-tests policy-server-tests real-cluster-tests

# Every crate: the workspace's, and the fuzz targets' (a workspace of their own).
fmt:
	cargo fmt --all
	cargo fmt --all --manifest-path fuzz/Cargo.toml

fmt-check:
	cargo fmt --all -- --check
	cargo fmt --all --manifest-path fuzz/Cargo.toml -- --check

# The MSRV (rust-version in Cargo.toml) is a toolchain a build has passed on:
# the toolchain in use when it is that version, else that toolchain if installed.
msrv:
	@have="$$(rustc --version | cut -d' ' -f2)"; \
	if [ "$${have%.*}" = "$(MSRV)" ]; then \
	  echo "MSRV $(MSRV): the toolchain in use ($$have) builds everything below"; \
	elif rustup run $(MSRV) rustc --version >/dev/null 2>&1; then \
	  cargo +$(MSRV) check --workspace --all-targets --all-features --locked; \
	else \
	  echo "MSRV $(MSRV) not checked: rustc is $$have and toolchain $(MSRV) is not installed (rustup toolchain install $(MSRV))"; \
	  [ "$${REQUIRE_KUBEWARDEN:-}" != 1 ]; \
	fi

# The lints of Cargo.toml's [workspace.lints] fail the build; the fuzz targets
# are checked on stable, as code (cargo-fuzz builds them with nightly).
lint: | wasm-target
	cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
	cargo clippy $(HOST_FEATURES) --locked $(HOST_TESTS) --bench wasm -- -D warnings
	cargo clippy --target=$(WASM_TARGET) --locked -- -D warnings
	cargo clippy --manifest-path fuzz/Cargo.toml --locked -- -D warnings

# Every crate's unit and integration tests that need no module.
unit-tests:
	cargo test --workspace --locked

# Loads policy.wasm; the tests fail (never skip) when it is missing or older than its sources.
wasm-tests: policy.wasm
	@if command -v $(KWCTL) >/dev/null 2>&1; then $(MAKE) --no-print-directory annotated-policy.wasm; fi
	POLICY_WASM=$(CURDIR)/policy.wasm ANNOTATED_POLICY_WASM=$(CURDIR)/annotated-policy.wasm \
	  cargo test $(HOST_FEATURES) --locked $(WASM_TESTS)

# The annotated module through the real kwctl, as users and release CI run it.
e2e-tests: policy.wasm | bats
	@if command -v $(KWCTL) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory annotated-policy.wasm && bats e2e.bats; \
	elif [ "$${REQUIRE_KUBEWARDEN:-}" = 1 ]; then \
	  echo "REQUIRE_KUBEWARDEN=1 but $(KWCTL) is not on PATH"; exit 1; \
	else \
	  echo "skipped: e2e.bats needs kwctl on PATH (the wasm tests ran every fixture through policy.wasm)"; \
	fi

# The real policy-server on 127.0.0.1, fed AdmissionReviews over HTTP; it also
# checks that this project's host answers exactly as the policy server does.
# Then the cluster model's 300 sequences through it (crates/cluster-model).
policy-server-tests: policy.wasm
	@if command -v $(KWCTL) >/dev/null 2>&1; then $(MAKE) --no-print-directory annotated-policy.wasm; fi
	POLICY_WASM=$(CURDIR)/policy.wasm ANNOTATED_POLICY_WASM=$(CURDIR)/annotated-policy.wasm \
	  cargo test $(HOST_FEATURES) --locked --test policy_server --test probe --test simulation -- --nocapture

# The cluster model with fresh seeds for SECONDS (through the policy server when on PATH).
SECONDS ?= 60
sim: policy.wasm
	@if command -v $(KWCTL) >/dev/null 2>&1; then $(MAKE) --no-print-directory annotated-policy.wasm; fi
	SIM_SECONDS=$(SECONDS) POLICY_WASM=$(CURDIR)/policy.wasm ANNOTATED_POLICY_WASM=$(CURDIR)/annotated-policy.wasm \
	  cargo test $(HOST_FEATURES) --locked --test simulation -- --nocapture

# --- the real control plane -------------------------------------------------------

# Kubernetes 1.20.2 from Debian's source package (scripts/kubernetes-1.20.sh:
# about 6 minutes on 2 cores, once; cached in ~/.cache/kubernetes-1.20.2).
control-plane:
	@scripts/kubernetes-1.20.sh

# The real-cluster tests need the control plane and the real policy-server:
# with policy-server on PATH (or REQUIRE_KUBEWARDEN=1) the control plane is
# built when missing; without either the tests say they were skipped.
REAL_CLUSTER := cargo test -p always-pull-images-real-cluster --features client --locked --test real_cluster
define real_cluster
	@if command -v policy-server >/dev/null 2>&1 || [ "$${REQUIRE_KUBEWARDEN:-}" = 1 ]; then \
	  $(MAKE) --no-print-directory annotated-policy.wasm && \
	  bin="$$(scripts/kubernetes-1.20.sh)" && \
	  KUBERNETES_BIN="$$bin" ANNOTATED_POLICY_WASM=$(CURDIR)/annotated-policy.wasm $(1) $(REAL_CLUSTER); \
	else \
	  echo "skipped: the real-cluster tests need policy-server on PATH (and build Kubernetes 1.20.2 when they run)"; \
	fi
endef

# etcd, kube-apiserver and kube-controller-manager 1.20.2 and the real
# policy-server over TLS on 127.0.0.1: the examples' webhooks, the cluster
# model's named and seeded scenarios against the real controllers, faults.
real-cluster-tests: policy.wasm
	$(call real_cluster,)

# The control plane with examples/$(EXAMPLE)'s webhooks, for kubectl, until Enter.
EXAMPLE ?= mutate-and-validate.yaml
control-plane-up: annotated-policy.wasm
	@bin="$$(scripts/kubernetes-1.20.sh)" && \
	  KUBERNETES_BIN="$$bin" POLICY_SERVER="$$(command -v policy-server)" EXAMPLE=$(EXAMPLE) \
	  ANNOTATED_POLICY_WASM=$(CURDIR)/annotated-policy.wasm \
	  cargo run --quiet -p always-pull-images-real-cluster --features client --locked --bin control-plane

# The cluster model and the real cluster side by side on fresh seeds for SECONDS.
cluster-sim: policy.wasm
	$(call real_cluster,SIM_SECONDS=$(SECONDS))

# Kubewarden's reusable test and release workflows, replayed on a clean clone of HEAD.
release-replay:
	.ci/release-replay

# $(call install,COMMAND,WHY): the Debian package COMMAND when the command is
# missing (apt-get, with sudo unless root); elsewhere, says why it is needed.
define install
	@command -v $(1) >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null && { [ -z "$(SUDO)" ] || command -v sudo >/dev/null; }; then \
	    $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(1) >/dev/null; \
	  else \
	    echo "$(1) is needed $(2): install it (apt-get install $(1))"; exit 1; \
	  fi; }
endef

bats:
	$(call install,bats,for the e2e tests)

# --- performance ---------------------------------------------------------------

BASELINE_WASM := $(TARGET_DIR)/$(WASM_TARGET)/release/baseline_policy.wasm

baseline.wasm: | wasm-target
	cargo build -p baseline-policy --locked --target=$(WASM_TARGET) --release

# Native (criterion: decision, parsing) and wasm benchmarks: policy.wasm beside
# the baseline policy, in instructions (callgrind; they repeat exactly) and,
# where kwctl is on PATH, `kwctl bench` medians (wasmtime, the policy server's runtime).
bench: policy.wasm baseline.wasm | valgrind
	cargo bench -p always-pull-images-core --features bench --bench native --locked
	POLICY_WASM=$(CURDIR)/policy.wasm BASELINE_WASM=$(abspath $(BASELINE_WASM)) \
	  cargo bench $(HOST_FEATURES) --locked --bench wasm

valgrind:
	$(call install,valgrind,for the instruction counts)

# Each fuzz target for FUZZ_SECONDS (nightly and cargo-fuzz; installed when missing). New inputs
# go to target/fuzz-corpus; `make test` replays the committed seeds in fuzz/corpus natively.
fuzz:
	@command -v cargo-fuzz >/dev/null 2>&1 || cargo +nightly install cargo-fuzz --locked
	cd fuzz && for target in validate validate_structured validate_settings image_reference; do \
	  mkdir -p $(abspath $(TARGET_DIR))/fuzz-corpus/$$target; \
	  cargo +nightly fuzz run -O $$target $(abspath $(TARGET_DIR))/fuzz-corpus/$$target corpus/$$target -- \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=4096 || exit 1; \
	done

# Mutation testing of the policy's logic (cargo-mutants, installed when missing;
# .cargo/mutants.toml says which tests judge the mutants and which are excluded).
# MUTANTS_ARGS="--in-diff FILE" for a change, "--shard k/n" to split a full run.
MUTANTS_ARGS ?=
mutants:
	@command -v cargo-mutants >/dev/null 2>&1 || cargo install cargo-mutants --locked
	cargo mutants -p always-pull-images-core --output $(abspath $(TARGET_DIR)) $(MUTANTS_ARGS)

# --- release -----------------------------------------------------------------

artifacthub-pkg.yml: metadata.yml questions-ui.yml
	$(KWCTL) scaffold artifacthub --metadata-path metadata.yml --questions-path questions-ui.yml --output artifacthub-pkg.yml

push: annotated-policy.wasm
	$(KWCTL) push annotated-policy.wasm $(OCI_REPO):v$(VERSION)

clean:
	cargo clean
	rm -f policy.wasm annotated-policy.wasm
