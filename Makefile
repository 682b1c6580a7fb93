# always-pull-images: build, test and release the Kubewarden policy.
#
#   make run    build policy.wasm and evaluate sample requests through it
#   make test   formatting, lints, unit tests, wasm tests and e2e tests
#
# Both install what they need: the wasm32-wasip1 target, and bats for the e2e tests.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
OCI_REPO ?= ghcr.io/always-pull-images/policies/always-pull-images
KWCTL ?= kwctl
FUZZ_SECONDS ?= 600
HOST := target/debug/policy-host
WASM_TARGET := wasm32-wasip1
POLICY_SOURCES := $(shell find src -name '*.rs') Cargo.toml Cargo.lock

.PHONY: run test fmt fmt-check lint unit-tests wasm-tests e2e-tests bench fuzz push clean \
        wasm-target host bats binaryen baseline.wasm

# --- build -------------------------------------------------------------------

wasm-target:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

# wasm-opt (binaryen) takes about 17% off the module; without it the cargo output is used as is.
policy.wasm: $(POLICY_SOURCES) | wasm-target binaryen
	cargo build --target=$(WASM_TARGET) --release -p always-pull-images
	@if command -v wasm-opt >/dev/null 2>&1; then \
	  wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types --strip-debug --strip-producers target/$(WASM_TARGET)/release/always_pull_images.wasm -o policy.wasm; \
	else \
	  echo "warning: wasm-opt not found (install binaryen): policy.wasm is not size-optimized"; \
	  cp target/$(WASM_TARGET)/release/always_pull_images.wasm policy.wasm; \
	fi
	@echo "policy.wasm: $$(wc -c < policy.wasm) bytes"

binaryen:
	@command -v wasm-opt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq binaryen >/dev/null || true; \
	  fi; }

annotated-policy.wasm: policy.wasm metadata.yml README.md
	$(KWCTL) annotate -m metadata.yml -u README.md -o annotated-policy.wasm policy.wasm

# The waPC host this project uses where kwctl is not available (dev and CI only).
host:
	cargo build -p policy-host

# --- run ---------------------------------------------------------------------

run: policy.wasm host
	$(HOST) demo policy.wasm

# --- test --------------------------------------------------------------------

test: fmt-check lint unit-tests wasm-tests e2e-tests

fmt:
	cargo fmt --all

fmt-check:
	cargo fmt --all -- --check

lint: | wasm-target
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target=$(WASM_TARGET) -p always-pull-images -- -D warnings

unit-tests:
	cargo test -p always-pull-images

# Loads policy.wasm; the tests fail (never skip) when it is missing or older than its sources.
wasm-tests: policy.wasm
	POLICY_WASM=$(CURDIR)/policy.wasm cargo test -p policy-host

# With kwctl installed: the annotated module, as users and release CI run it.
# Without: the same tests through this project's host and policy.wasm.
e2e-tests: policy.wasm bats
	@if command -v $(KWCTL) >/dev/null 2>&1; then \
	  $(MAKE) annotated-policy.wasm && bats e2e.bats; \
	else \
	  echo "kwctl not found: running e2e.bats with $(HOST)"; \
	  $(MAKE) host && KWCTL=$(HOST) POLICY=policy.wasm bats e2e.bats; \
	fi

bats:
	@command -v bats >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq bats >/dev/null; \
	  else \
	    echo "bats is needed for the e2e tests: install it (apt-get install bats, brew install bats-core)"; exit 1; \
	  fi; }

# --- performance ---------------------------------------------------------------

baseline.wasm: bench/baseline-policy/src/lib.rs bench/baseline-policy/Cargo.toml | wasm-target
	cargo build --target=$(WASM_TARGET) --release -p baseline-policy

# Native (decision, parsing) and wasm (policy.wasm vs the baseline policy, same run) benchmarks.
bench: policy.wasm baseline.wasm host
	cargo bench -p always-pull-images --bench native
	POLICY_WASM=$(CURDIR)/policy.wasm cargo bench -p policy-host --bench wasm --profile dev
	$(HOST) bench-report target/criterion

# Each fuzz target for FUZZ_SECONDS (nightly and cargo-fuzz; installed when missing). New inputs
# go to target/fuzz-corpus; `make test` replays the committed seeds in fuzz/corpus natively.
fuzz:
	@command -v cargo-fuzz >/dev/null 2>&1 || cargo +nightly install cargo-fuzz --locked
	cd fuzz && for target in validate validate_structured validate_settings image_reference; do \
	  mkdir -p ../target/fuzz-corpus/$$target; \
	  cargo +nightly fuzz run -O $$target ../target/fuzz-corpus/$$target corpus/$$target -- \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=4096 || exit 1; \
	done

# --- release -----------------------------------------------------------------

# kwctl when installed; otherwise this project's host, which writes the same file.
artifacthub-pkg.yml: metadata.yml questions-ui.yml
	@if command -v $(KWCTL) >/dev/null 2>&1; then \
	  $(KWCTL) scaffold artifacthub --metadata-path metadata.yml --questions-path questions-ui.yml --output artifacthub-pkg.yml; \
	else \
	  $(MAKE) host && $(HOST) scaffold-artifacthub > artifacthub-pkg.yml; \
	fi

push: annotated-policy.wasm
	$(KWCTL) push annotated-policy.wasm $(OCI_REPO):v$(VERSION)

clean:
	cargo clean
	rm -f policy.wasm annotated-policy.wasm
