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
HOST := target/debug/policy-host
WASM_TARGET := wasm32-wasip1
POLICY_SOURCES := $(shell find src -name '*.rs') Cargo.toml Cargo.lock

.PHONY: run test fmt fmt-check lint unit-tests wasm-tests e2e-tests bench fuzz push clean \
        wasm-target host bats annotated artifacthub

# --- build -------------------------------------------------------------------

wasm-target:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

policy.wasm: $(POLICY_SOURCES) | wasm-target
	cargo build --target=$(WASM_TARGET) --release -p always-pull-images
	cp target/$(WASM_TARGET)/release/always_pull_images.wasm policy.wasm

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
