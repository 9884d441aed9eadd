#!/bin/sh
# run.sh — runs every test and ends with "N passed, N failed".
#
#   tests/sql/NNN_topic.sql   run by the sqlite3 shell with the extension
#                             loaded (-cmd .load); output, with the shell's
#                             error lines normalised to "error: <message>",
#                             must equal NNN_topic.expected.
#   tests/sql/*.sh            shell tests: exit 0 = pass, 77 = skipped (the
#                             last line of its output says why), anything
#                             else = fail (for what needs more than one
#                             connection or no extension at all).
#   tests/c/test_*.c          compiled against libsqlite3 and run; every
#                             "ok"/"not ok"/"skip" line they print counts. A
#                             program that ran no check, or exited non-zero,
#                             fails.
#
# Environment: INVITE_SO (the extension to test), BUILD (object dir),
# BLESS=1 rewrites the .expected files (read the diff before committing),
# VALGRIND=1 runs the SQL tests under valgrind, ONLY=pattern filters.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# TESTS_DIR runs another folder of tests (tests/sql/030_runner.sh tests the
# runner itself on a folder of made-up tests).
here=${TESTS_DIR:-$here}
INVITE_SO=${INVITE_SO:-$root/build/release/invite.so}
BUILD=${BUILD:-build/release}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
ONLY=${ONLY:-}
export INVITE_SO
passed=0 failed=0 skipped=0
work=$(mktemp -d "${TMPDIR:-/tmp}/invite-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Under `make asan` the sqlite3 shell (not instrumented) must load libasan
# first; a wrapper on PATH gives it the preload without touching sed, diff...
if [ -n "${ASAN_PRELOAD:-}" ]; then
  mkdir -p "$work/bin"
  real=$(command -v sqlite3)
  # libasan first; keep stdbuf's preload after it (line-by-line output).
  printf '#!/bin/sh\nLD_PRELOAD="%s ${LD_PRELOAD:-}" exec %s "$@"\n' "$ASAN_PRELOAD" "$real" > "$work/bin/sqlite3"
  chmod +x "$work/bin/sqlite3"
  PATH=$work/bin:$PATH
  export PATH
fi

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
skip() { skipped=$((skipped + 1)); echo "skip $1"; }

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
    (cd "$dir" && valgrind -q --leak-check=full --error-exitcode=99 \
       --errors-for-leak-kinds=definite sqlite3 -batch -cmd ".load $INVITE_SO" :memory: \
       < "$f" > out.raw 2> vg.err; echo $? > rc)
    if [ "$(cat "$dir/rc")" = 99 ]; then
      fail "$name (valgrind)"; cat "$dir/vg.err"; return
    fi
  fi
  (cd "$dir" && stdbuf -o0 -e0 sqlite3 -batch -cmd ".load $INVITE_SO" :memory: < "$f" 2>&1) \
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
  (cd "$dir" && sh "$f" > log 2>&1; echo $? > rc)
  case $(cat "$dir/rc") in
    0) pass "$name" ;;
    77) skip "$name ($(tail -1 "$dir/log"))" ;;
    *) fail "$name"; tail -30 "$dir/log" ;;
  esac
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
  # The compiler runs without `make asan`'s LD_PRELOAD (its leaks are not ours).
  if ! env -u LD_PRELOAD $CC $CFLAGS -Wall -Wextra -I"$root/ext" -I"$root/$BUILD" -I"$here/c" -o "$bin" "$f" \
        $(grep -o '^// link: .*' "$f" | sed 's|^// link: ||; s|@ROOT@|'"$root"'|g') \
        $SQLITE_LIBS $SODIUM_LIBS -lpthread > "$work/cc.log" 2>&1; then
    fail "$name (does not compile)"; cat "$work/cc.log"; continue
  fi
  dir=$work/$(basename "$f" .c)
  mkdir -p "$dir"
  (cd "$dir" && "$bin" > log 2>&1; echo $? > rc)
  n_ok=$(grep -c '^ok ' "$dir/log")
  n_bad=$(grep -c '^not ok ' "$dir/log")
  n_skip=$(grep -c '^skip ' "$dir/log")
  passed=$((passed + n_ok))
  failed=$((failed + n_bad))
  skipped=$((skipped + n_skip))
  grep '^not ok ' "$dir/log" | sed "s|^|FAIL $name: |"
  grep '^skip ' "$dir/log" | sed "s|^|skip $name: |"
  rc=$(cat "$dir/rc")
  if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then
    fail "$name (exit $rc)"; tail -20 "$dir/log"
  elif [ $((n_ok + n_bad + n_skip)) = 0 ]; then
    fail "$name (ran no check)"; tail -20 "$dir/log"
  elif [ "$n_bad" = 0 ] && [ "$rc" = 0 ]; then
    echo "ok   $name ($n_ok checks)"
  fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
