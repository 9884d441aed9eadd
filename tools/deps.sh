#!/bin/sh
# deps.sh — makes sure the build and test dependencies are present.
# As root it installs what is missing with apt-get; otherwise it prints the
# command to run and fails.
set -u
need=""
pkg-config --exists sqlite3 2>/dev/null || need="$need libsqlite3-dev"
pkg-config --exists libsodium 2>/dev/null || need="$need libsodium-dev"
pkg-config --exists libcurl 2>/dev/null || need="$need libcurl4-openssl-dev"
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
command -v pkg-config >/dev/null 2>&1 || need="pkg-config$need"
# `deps.sh demo` and `deps.sh test`: also the local SMTP server that the
# demo delivers an email to and the delivery test talks to.
if [ "${1:-}" = demo ] || [ "${1:-}" = test ]; then
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need="$need python3-aiosmtpd"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq $need >/dev/null || exit 1
  exit 0
fi
echo "deps: missing:$need" >&2
echo "deps: run: sudo apt-get install -y$need" >&2
exit 1
