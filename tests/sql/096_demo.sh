#!/bin/sh
# make demo's walk-through runs to its end and shows what it promises.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cat "$root/sql/demo.sql" "$root/sql/demo_guests.sql" "$root/sql/demo_sessions.sql" \
    "$root/sql/demo_outbox.sql" | sqlite3 :memory: -cmd ".load $INVITE_SO" > out 2>&1 || true
cat out
grep -q '== 7. Revocation and expiry' out
grep -q '"kind":"member"' out                                  # a redemption
grep -q 'invite_redeem: key already used on 2027-03-01 09:00:00 UTC' out
grep -q 'invite_create: seat limit reached: subscription 1' out
grep -q 'revoked' out
# nothing unexpected went wrong: every error printed is one the demo announces
if grep -E '^(Parse error|Error:)' out; then exit 1; fi
grep -q '== Guests' out
grep -q '== Support sessions' out
grep -q 'external.logged_out' out                              # the audit log
grep -q 'none: the chain is intact' out
grep -q 'session_invite │ bob@vendor.example' out             # the outbox
# the refusals the walk-through announces, and no other
[ "$(grep -c '^Runtime error' out)" -eq 12 ]
