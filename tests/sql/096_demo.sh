#!/bin/sh
# make demo's walk-through runs to its end and shows what it promises.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
sqlite3 :memory: -cmd ".load $INVITE_SO" < "$root/sql/demo.sql" > out 2>&1 || true
cat out
grep -q '== 7. Revocation and expiry' out
grep -q '"kind":"member"' out                                  # a redemption
grep -q 'invite_redeem: key already used on 2027-03-01 09:00:00 UTC' out
grep -q 'invite_create: seat limit reached: subscription 1' out
grep -q 'revoked' out
# nothing unexpected went wrong: every error printed is one the demo announces
if grep -E '^(Parse error|Error:)' out; then exit 1; fi
[ "$(grep -c '^Runtime error' out)" -eq 8 ]
