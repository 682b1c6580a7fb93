#!/usr/bin/env bash
# Builds (once) and caches a real Kubernetes 1.20.2 control plane for the
# real-cluster tests: kube-apiserver and kube-controller-manager from Debian
# bookworm's `kubernetes` source package, kubectl from its `kubernetes-client`
# package, and etcd 3.4 from `etcd-server`. Prints the folder that holds them:
#
#   export PATH="$(scripts/kubernetes-1.20.sh):$PATH"
#
# Idempotent: a second call prints the folder at once. The cache is
# $KUBERNETES_TOOLS_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubernetes-1.20.2).
# Needs Debian's apt (as root, or with sudo); everything comes from Debian's
# archive. A failure names the step that failed and keeps its log.
set -euo pipefail

VERSION=1.20.2
DEBIAN_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
ETCD_VERSION_PREFIX="3.4."
dir="${KUBERNETES_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubernetes-$VERSION}"
bin="$dir/bin"
stamp="$bin/.complete-$DEBIAN_VERSION"

if [ -f "$stamp" ]; then
  echo "$bin"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
mkdir -p "$dir/logs" "$bin"
log_dir="$dir/logs"

# step NAME COMMAND...: runs COMMAND with its output in logs/NAME.log; on
# failure, says which step failed, with the end of its log.
step() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "kubernetes-$VERSION: $name" >&2
  if ! "$@" >"$log_dir/$name.log" 2>&1; then
    echo "kubernetes-$VERSION: step '$name' failed (log: $log_dir/$name.log):" >&2
    tail -n 30 "$log_dir/$name.log" >&2
    exit 1
  fi
  echo "kubernetes-$VERSION: $name done in $((SECONDS - started)) s" >&2
}

# Debian's source archive for bookworm, beside the binary one the machine has.
add_source_archive() {
  if apt-get indextargets --format '$(CREATED_BY)' 2>/dev/null | grep -qx 'Sources' \
    && apt-cache showsrc kubernetes 2>/dev/null | grep -q "^Version: $DEBIAN_VERSION"; then
    return 0
  fi
  $sudo tee /etc/apt/sources.list.d/always-pull-images-bookworm-src.sources >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  $sudo apt-get update -qq
}

install_packages() {
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    golang-1.19-go rsync etcd-server golang-github-modern-go-reflect2-dev dpkg-dev openssl
}

fetch_source() {
  rm -rf "$dir/src"
  mkdir -p "$dir/src"
  (cd "$dir/src" && apt-get source -qq "kubernetes=$DEBIAN_VERSION")
}

source_tree() {
  find "$dir/src" -maxdepth 1 -type d -name 'kubernetes-*' | head -n1
}

# The vendored github.com/modern-go/reflect2 1.0.1 reads Go's map internals as
# they were before Go 1.18: built with Go 1.19, kube-apiserver crashes within a
# minute (SIGSEGV in mapiternext). Debian's 1.0.2 is the upstream fix.
replace_reflect2() {
  local tree vendored
  tree="$(source_tree)"
  vendored="$tree/vendor/github.com/modern-go/reflect2"
  rm -f "$vendored"/*.go "$vendored"/*.s
  cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go \
    /usr/share/gocode/src/github.com/modern-go/reflect2/*.s "$vendored/"
}

build() {
  local tree
  tree="$(source_tree)"
  cd "$tree"
  export PATH="/usr/lib/go-1.19/bin:$PATH" CGO_ENABLED=0
  export GOCACHE="$dir/go-cache" HOME="$dir/home"
  mkdir -p "$HOME"
  make generated_files
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager"
  cp _output/bin/kube-apiserver _output/bin/kube-controller-manager "$bin/"
}

install_kubectl() {
  local work
  work="$(mktemp -d)"
  (cd "$work" && apt-get download -qq "kubernetes-client=$DEBIAN_VERSION" \
    && dpkg-deb -x kubernetes-client_*.deb root)
  cp "$work/root/usr/bin/kubectl" "$bin/kubectl"
  rm -rf "$work"
}

install_etcd() {
  local etcd
  etcd="$(command -v etcd || echo /usr/bin/etcd)"
  "$etcd" --version | grep -q "etcd Version: $ETCD_VERSION_PREFIX"
  ln -sf "$etcd" "$bin/etcd"
}

check_versions() {
  "$bin/kube-apiserver" --version | grep -qx "Kubernetes v$VERSION"
  "$bin/kube-controller-manager" --version | grep -qx "Kubernetes v$VERSION"
  "$bin/kubectl" version --client --short 2>/dev/null | grep -q "v$VERSION"
}

step "add-source-archive" add_source_archive
step "install-packages" install_packages
step "fetch-source" fetch_source
step "replace-reflect2" replace_reflect2
step "build" build
step "install-kubectl" install_kubectl
step "install-etcd" install_etcd
step "check-versions" check_versions
# The sources and the Go cache are only needed to build: about 1.5 GB.
rm -rf "$dir/src" "$dir/go-cache"
touch "$stamp"
echo "$bin"
