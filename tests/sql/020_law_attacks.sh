#!/bin/sh
# Every known attack on the law, each on 16 connections (with and without
# the extension; recursive_triggers, foreign_keys, ignore_check_constraints
# each on and off): refused with its message, nothing changed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# Under make asan the instrumented extension needs libasan loaded first
# (Python's own allocations at exit are not ours: leaks are checked by the
# SQL tests).
if [ -n "${ASAN_PRELOAD:-}" ]; then
  LD_PRELOAD=$ASAN_PRELOAD ASAN_OPTIONS=detect_leaks=0
  export LD_PRELOAD ASAN_OPTIONS
fi
cp "$here"/_catalog.inc "$here"/_sessions.inc .
exec /usr/bin/python3 "$here/../law/attacks.py" "$INVITE_SO" "$PWD"
