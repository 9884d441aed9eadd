#!/bin/sh
# deps.sh — checks that the build (and, with `demo` or `test`, the local SMTP
# server of the demo and the mail test) has what it needs, and says how to
# get what is missing. It installs nothing: tools/setup.sh does that.
set -u
need=""
command -v "${CC:-cc}" >/dev/null 2>&1 || need="$need gcc"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists sqlite3 2>/dev/null || need="$need libsqlite3-dev"
  pkg-config --exists libsodium 2>/dev/null || need="$need libsodium-dev"
  pkg-config --exists libcurl 2>/dev/null || need="$need libcurl4-openssl-dev"
fi
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
if [ "${1:-}" = demo ] || [ "${1:-}" = test ]; then
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need="$need python3-aiosmtpd"
fi
# The extension needs SQLite 3.38.0 or later (built-in JSON, ->>).
if [ -z "$need" ] && ! pkg-config --atleast-version=3.38.0 sqlite3; then
  echo "deps: sqlite-invite needs SQLite 3.38.0 or later; this system has $(pkg-config --modversion sqlite3)" >&2
  echo "deps: (Debian 12 and Ubuntu 24.04 have it; Ubuntu 22.04 has 3.37.2)" >&2
  exit 1
fi
[ -z "$need" ] && exit 0
echo "deps: missing:$need" >&2
echo "deps: run: sh tools/setup.sh   (installs them as root, or prints the command to run)" >&2
exit 1
