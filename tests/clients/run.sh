#!/bin/sh
# run.sh — builds and runs the client programs of tests/clients/ (README.md
# there): one per language, each on its own fresh database, and counts their
# "ok" / "FAIL" / "skip" lines. A language whose toolchain or library is
# missing FAILS naming the install step (.ci/run installs them all); a
# program that dies without a FAIL line fails too. Ends with
# "N passed, N failed, N skipped" (checks, over all languages).
#
#   INVITE_SO=build/release/invite.so sh tests/clients/run.sh [LANG...]
#   LANG: python tcl perl node go rust (default: all)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
so=${INVITE_SO:-$root/build/release/invite.so}
out=$root/build/clients
catalog=$root/tests/sql/_catalog.inc
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/invite-clients.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
# Languages' runtimes are not ours to sanitize (make asan's LD_PRELOAD)
unset LD_PRELOAD
passed=0 failed=0 skipped=0 summary=""

missing() { # missing LANG WHAT INSTALL
  echo "FAIL $1: $2 is missing: $3"
  failed=$((failed + 1)); summary="$summary $1:missing"
}

# run_lang LANG CMD...: runs CMD with INVITE_SO CATALOG DB, counts its lines
run_lang() {
  lang=$1; shift
  db=$work/$lang.db
  "$@" "$so" "$catalog" "$db" > "$work/$lang.log" 2>&1
  rc=$?
  sed "s/^/  $lang: /" "$work/$lang.log"
  p=$(grep -c '^ok ' "$work/$lang.log"); f=$(grep -c '^FAIL ' "$work/$lang.log")
  s=$(grep -c '^skip ' "$work/$lang.log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $lang: exited with status $rc"; f=1
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  summary="$summary $lang:$p/$((p + f))"
  [ "$s" -gt 0 ] && summary="$summary(+$s skip)"
  echo "$lang: $p ok, $f failed, $s skipped"
}

langs=${*:-python tcl perl node go rust}

for lang in $langs; do
  case $lang in
  python)
    if /usr/bin/python3 -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
      run_lang python /usr/bin/python3 "$here/client.py"
    else missing python "/usr/bin/python3 with loadable extensions" "apt-get install python3"; fi ;;
  tcl)
    if command -v tclsh >/dev/null && echo 'package require sqlite3' | tclsh >/dev/null 2>&1; then
      run_lang tcl tclsh "$here/client.tcl"
    else missing tcl "tclsh with the sqlite3 package" "apt-get install tcl libsqlite3-tcl"; fi ;;
  perl)
    if perl -MDBD::SQLite -MJSON::PP -e1 2>/dev/null; then
      run_lang perl perl "$here/client.pl"
    else missing perl "DBD::SQLite" "apt-get install libdbd-sqlite3-perl"; fi ;;
  node)
    if ! command -v node >/dev/null; then
      missing node "node (20 or later, for better-sqlite3 12)" "https://nodejs.org or apt-get install nodejs npm"
    elif [ ! -d "$out/node_modules/better-sqlite3" ]; then
      missing node "better-sqlite3 12 in build/clients/node_modules" "make clients-deps"
    else
      NODE_PATH=$out/node_modules run_lang node node "$here/node/client.js"
    fi ;;
  go)
    mattn=/usr/share/gocode/src/github.com/mattn/go-sqlite3
    if ! command -v go >/dev/null || [ ! -d "$mattn" ]; then
      missing go "go and Debian's mattn/go-sqlite3" "apt-get install golang-go golang-github-mattn-go-sqlite3-dev"
    # offline, from Debian's sources; tag libsqlite3: link the system SQLite
    elif ! (cd "$here/go" && GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=$out/gocache \
           go build -tags libsqlite3 -o "$out/client-go" .) > "$work/go-build.log" 2>&1; then
      echo "FAIL go: build failed:"; cat "$work/go-build.log"; failed=$((failed + 1)); summary="$summary go:build"
    else
      run_lang go "$out/client-go"
    fi ;;
  rust)
    if ! command -v cargo >/dev/null || [ ! -d /usr/share/cargo/registry/rusqlite-0.28.0 ]; then
      missing rust "cargo and Debian's rusqlite 0.28" "apt-get install cargo librust-rusqlite-dev"
    elif ! (cd "$here/rust" && cargo build -q --release --target-dir "$out/rust-target") > "$work/rust-build.log" 2>&1; then
      echo "FAIL rust: build failed:"; cat "$work/rust-build.log"; failed=$((failed + 1)); summary="$summary rust:build"
    else
      run_lang rust "$out/rust-target/release/invite-client"
    fi ;;
  *) echo "FAIL unknown language: $lang"; failed=$((failed + 1)) ;;
  esac
done
echo "clients:$summary"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
