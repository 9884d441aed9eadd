#!/bin/sh
# tests/docs/examples.py: see its head and tests/README.md (Docs tests).
here=$(cd "$(dirname "$0")" && pwd)
# Under make asan the instrumented extension needs libasan loaded first
# (Python's own allocations at exit are not ours).
if [ -n "${ASAN_PRELOAD:-}" ]; then
  LD_PRELOAD=$ASAN_PRELOAD ASAN_OPTIONS=detect_leaks=0
  export LD_PRELOAD ASAN_OPTIONS
fi
exec /usr/bin/python3 "$here/../docs/examples.py" "$INVITE_SO" "$(cd "$here/../.." && pwd)"
