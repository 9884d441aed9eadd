#!/bin/sh
# A migration step that cannot run is refused clearly, and nothing of the
# upgrade remains: the 0.1.0 database of 302 (_v010.dump) whose application
# already added its own invites.metadata column. Step 002 adds declined_at
# and decline_reason, then fails on metadata; invite_init() names the step's
# file and line and SQLite's reason, and the file is as it was (the two
# columns added before the failure are gone too: one transaction).
set -u
here=$(cd "$(dirname "$0")" && pwd)
db=$PWD/refused.db
rm -f "$db"
sqlite3 -batch "$db" < "$here/_v010.dump"
sqlite3 -batch "$db" "ALTER TABLE invites ADD COLUMN metadata TEXT"
fails=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2] got [$3]"; fails=$((fails + 1)); fi
}
sqlite3 -batch "$db" .dump > before.sql
out=$(sqlite3 -batch -cmd ".load $INVITE_SO" "$db" "SELECT invite_init()" 2>&1)
check "refused, naming the step and the reason" \
  "invite_init: sql/migrations/002_invite_decline.sql, statement at line 7: duplicate column name: metadata" \
  "$(printf '%s\n' "$out" | sed 's/^Error: stepping, //; s/^Runtime error[^:]*: //; s/ ([0-9]*)$//')"
sqlite3 -batch "$db" .dump > after.sql
check "the file unchanged" "" "$(diff before.sql after.sql)"
check "still schema 1, no column of step 002" "1|0" \
  "$(sqlite3 -batch "$db" "SELECT (SELECT value FROM invite_meta WHERE name = 'schema_version'),
     (SELECT count(*) FROM pragma_table_info('invites') WHERE name IN ('declined_at', 'decline_reason'))")"
check "no transaction left open, the file intact" "ok" \
  "$(sqlite3 -batch "$db" "PRAGMA integrity_check")"
# Once the application's column is out of the way, the same upgrade runs.
sqlite3 -batch "$db" "ALTER TABLE invites DROP COLUMN metadata"
check "upgrades after the conflict is resolved" \
  "$(sqlite3 -batch -cmd ".load $INVITE_SO" :memory: "SELECT invite_init()")" \
  "$(sqlite3 -batch -cmd ".load $INVITE_SO" "$db" "SELECT invite_init()" 2>&1)"
check "chain verifies" "ok" \
  "$(sqlite3 -batch -cmd ".load $INVITE_SO" "$db" "SELECT coalesce(invite_audit_verify(), 'ok')" 2>&1)"
[ "$fails" = 0 ]
