#!/bin/sh
# The audit chain keyed with a secret outside the database: a look-alike
# hash function's row, and a rebuilt chain, are named; a cut tail shows
# against a head kept elsewhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# Under make asan the instrumented extension needs libasan loaded first
# (Python's own allocations at exit are not ours: leaks are checked by the
# SQL tests).
if [ -n "${ASAN_PRELOAD:-}" ]; then
  LD_PRELOAD=$ASAN_PRELOAD ASAN_OPTIONS=detect_leaks=0
  export LD_PRELOAD ASAN_OPTIONS
fi
exec /usr/bin/python3 "$here/../law/audit_key.py" "$INVITE_SO" "$PWD"
