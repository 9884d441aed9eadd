#!/bin/sh
# run.sh — runs every test and ends with "N passed, N failed".
#
#   tests/sql/NNN_topic.sql   run by the sqlite3 shell with the extension
#                             loaded (-cmd .load); output, with the shell's
#                             error lines normalised to "error: <message>",
#                             must equal NNN_topic.expected.
#   tests/sql/*.sh            shell tests: exit 0 = pass (for what needs more
#                             than one connection or no extension at all).
#   tests/c/test_*.c          compiled against libsqlite3 and run; every
#                             "ok"/"not ok" line they print counts.
#
# Environment: INVITE_SO (the extension to test), BUILD (object dir),
# BLESS=1 rewrites the .expected files (read the diff before committing),
# VALGRIND=1 runs the SQL tests under valgrind, ONLY=pattern filters.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
INVITE_SO=${INVITE_SO:-$root/build/release/invite.so}
BUILD=${BUILD:-build/release}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
ONLY=${ONLY:-}
export INVITE_SO
# Under make asan, LD_PRELOAD brings libasan for the sqlite3 shell (which is
# not instrumented). Only the shell gets it: the compiler, sed and the C
# tests (instrumented themselves) would report their own leaks and fail.
SHELL_PRELOAD=${LD_PRELOAD:-}
unset LD_PRELOAD
passed=0 failed=0 skipped=0
work=$(mktemp -d "${TMPDIR:-/tmp}/invite-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# The shell's error lines differ between versions; keep the message.
normalise() {
  sed -E -e 's/^(Runtime error|Parse error|Error:) near line [0-9]+: /error: /' \
         -e 's/^Error: /error: /' \
         -e '/^error: /s/ \([0-9]+\)$//' \
         -e '/^  .*\^--- error here$/d'
}

run_sql() {
  f=$1
  name=sql/$(basename "$f" .sql)
  exp=${f%.sql}.expected
  dir=$work/$(basename "$f" .sql)
  mkdir -p "$dir"
  cp "$here"/sql/*.inc "$dir"/ 2>/dev/null
  if [ "${VALGRIND:-}" = 1 ]; then
    (cd "$dir" && LD_PRELOAD="$SHELL_PRELOAD" valgrind -q --leak-check=full --error-exitcode=99 \
       --errors-for-leak-kinds=definite sqlite3 -batch -bail -cmd ".load $INVITE_SO" :memory: \
       < "$f" > out.raw 2> vg.err; echo $? > rc)
    if [ "$(cat "$dir/rc")" = 99 ]; then
      fail "$name (valgrind)"; cat "$dir/vg.err"; return
    fi
  fi
  (cd "$dir" && LD_PRELOAD="$SHELL_PRELOAD" stdbuf -o0 -e0 sqlite3 -batch -cmd ".load $INVITE_SO" :memory: < "$f" 2>&1) \
    | normalise > "$dir/out"
  if [ "${BLESS:-}" = 1 ]; then cp "$dir/out" "$exp"; fi
  if [ ! -f "$exp" ]; then
    fail "$name (no $exp; run make test-bless)"
  elif diff -u "$exp" "$dir/out" > "$dir/diff"; then
    pass "$name"
  else
    fail "$name"; head -60 "$dir/diff"
  fi
}

for f in "$here"/sql/*.sql; do
  [ -e "$f" ] || continue
  case "$f" in *"$ONLY"*) run_sql "$f" ;; esac
done

for f in "$here"/sql/*.sh; do
  [ -e "$f" ] || continue
  case "$f" in *"$ONLY"*) ;; *) continue ;; esac
  name=sh/$(basename "$f" .sh)
  dir=$work/$(basename "$f" .sh)
  mkdir -p "$dir"
  if (cd "$dir" && LD_PRELOAD="$SHELL_PRELOAD" sh "$f" > log 2>&1); then pass "$name"; else fail "$name"; tail -30 "$dir/log"; fi
done

SQLITE_LIBS=$(pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
SODIUM_LIBS=$(pkg-config --libs libsodium 2>/dev/null || echo -lsodium)
for f in "$here"/c/test_*.c; do
  [ -e "$f" ] || continue
  case "$f" in *"$ONLY"*) ;; *) continue ;; esac
  name=c/$(basename "$f" .c)
  bin=$root/$BUILD/tests/$(basename "$f" .c)
  mkdir -p "$(dirname "$bin")"
  # shellcheck disable=SC2086
  if ! $CC $CFLAGS -Wall -Wextra -I"$root/ext" -I"$here/c" -o "$bin" "$f" \
        $(grep -o '^// link: .*' "$f" | sed 's|^// link: ||; s|@ROOT@|'"$root"'|g') \
        $SQLITE_LIBS $SODIUM_LIBS -lpthread > "$work/cc.log" 2>&1; then
    fail "$name (does not compile)"; cat "$work/cc.log"; continue
  fi
  dir=$work/$(basename "$f" .c)
  mkdir -p "$dir"
  (cd "$dir" && "$bin" > log 2>&1; echo $? > rc)
  n_ok=$(grep -c '^ok ' "$dir/log")
  n_bad=$(grep -c '^not ok ' "$dir/log")
  passed=$((passed + n_ok))
  failed=$((failed + n_bad))
  grep '^not ok ' "$dir/log" | sed "s|^|FAIL $name: |"
  if [ "$(cat "$dir/rc")" != 0 ] && [ "$n_bad" = 0 ]; then
    fail "$name (exit $(cat "$dir/rc"))"; tail -20 "$dir/log"
  fi
  echo "ok   $name ($n_ok checks)"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
