#!/bin/sh
# The runner counts what tests report: a C test with a failing check is not
# also "ok", a C test that ran no check fails, skips are counted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
t=$PWD/made-up
mkdir -p "$t/sql" "$t/c"
printf 'SELECT 1;\n' > "$t/sql/001_one.sql"; printf '1\n' > "$t/sql/001_one.expected"
printf '#!/bin/sh\necho "needs a thing this machine lacks"\nexit 77\n' > "$t/sql/002_skip.sh"
printf '#!/bin/sh\nexit 3\n' > "$t/sql/003_fail.sh"
printf '#include <stdio.h>\nint main(void) { puts("ok 1 a"); puts("not ok 2 b"); return 1; }\n' > "$t/c/test_mixed.c"
printf 'int main(void) { return 0; }\n' > "$t/c/test_nothing.c"
printf '#include <stdio.h>\nint main(void) { puts("ok 1 a"); puts("skip 2 b: no network"); return 0; }\n' > "$t/c/test_skip.c"
out=$(TESTS_DIR=$t BUILD=build/runner-test sh "$here/../run.sh" 2>&1)
fails=0
expect() { # what, line pattern that must (1) or must not (0) appear
  if printf '%s\n' "$out" | grep -q -- "$2"; then found=1; else found=0; fi
  if [ "$found" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
expect "a passing SQL test passes" "^ok   sql/001_one" 1
expect "exit 77 is a skip, with its reason" "^skip sh/002_skip (needs a thing this machine lacks)" 1
expect "exit 3 fails" "^FAIL sh/003_fail" 1
expect "a failing check fails" "^FAIL c/test_mixed: not ok 2 b" 1
expect "a test with a failing check is not also ok" "^ok   c/test_mixed" 0
expect "a test with no check fails" "^FAIL c/test_nothing (ran no check)" 1
expect "a skipped check is counted" "^skip c/test_skip: skip 2 b: no network" 1
expect "the summary" "^3 passed, 3 failed, 2 skipped$" 1
[ "$fails" = 0 ] || { printf '%s\n' "$out"; exit 1; }
