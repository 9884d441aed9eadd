#!/bin/sh
# make cluster-test: three tools/invite-node processes on 127.0.0.1 driven by
# tests/cluster/driver.go (go-dqlite's database/sql driver, built offline
# from Debian's /usr/share/gocode). Installs what it needs when root.
# Usage: sh tests/cluster/run.sh BUILD_DIR
set -eu
build=${1:-build/release}
cd "$(dirname "$0")/../.."
pkgs="libdqlite-dev golang-go golang-github-canonical-go-dqlite-dev sqlite3"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "cluster-test needs:$missing (apt-get install as root)"; exit 1
  fi
fi
make -s BUILD="$build" all "$build/invite-node"
work=$(mktemp -d /tmp/invite-cluster.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$work/gocache" GOFLAGS=
go build -o "$work/driver" ./tests/cluster
go build -o "$work/invite-example" ./examples/go
"$work/driver" -node "$build/invite-node" -so "$PWD/$build/invite.so" \
  -work "$work" -example "$work/invite-example" ${CLUSTER_ARGS:-} || {
  rc=$?; for f in "$work"/node*.log; do echo "== $f"; tail -20 "$f"; done; exit $rc; }
