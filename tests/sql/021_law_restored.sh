#!/bin/sh
# What SQL cannot prevent is detected: a dropped trigger, a trigger added to
# one of the extension's tables, a rule rewritten through writable_schema.
# invite_check() names each without writing; invite_init() restores the law
# and audits 'law.restored'.
set -u
db=$PWD/law.db
rm -f "$db"
fails=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2] got [$3]"; fails=$((fails + 1)); fi
}
ext() { sqlite3 -batch -cmd ".load $INVITE_SO" "$db" "$@" 2>&1; }
plain() { sqlite3 -batch "$db" "$@" 2>&1; }
# A hostile client turns defensive mode off (newer sqlite3 shells start
# with it on) before it rewrites sqlite_schema.
hostile() { sqlite3 -batch -cmd '.dbconfig defensive off' "$db" "$@" 2>&1; }
ext "SELECT invite_init();" >/dev/null
check "a fresh install is intact" '{"intact":true,"dropped":[],"rewritten":[],"added":[],"rows":[]}' "$(ext "SELECT invite_check()")"

# A client without the extension drops a law trigger and adds one of its own.
plain "DROP TRIGGER invites_guard_insert;
       CREATE TRIGGER evil AFTER INSERT ON outbox BEGIN SELECT 1; END;"
n_before=$(plain "SELECT count(*) FROM audit_log")
check "invite_check names them" '{"intact":false,"dropped":["invites_guard_insert"],"rewritten":[],"added":["evil"],"rows":[]}' \
  "$(ext "SELECT invite_check()")"
check "invite_check writes nothing" "$n_before" "$(plain "SELECT count(*) FROM audit_log")"
check "invite_init restores" "2" "$(ext "SELECT invite_init()")"
check "the restore is audited" 'law.restored|schema:main|["invites_guard_insert"]|["evil"]' \
  "$(plain "SELECT action, subject, detail ->> '\$.dropped', detail ->> '\$.added' FROM audit_log ORDER BY id DESC LIMIT 1")"
check "the trigger is back" "invites_guard_insert" \
  "$(plain "SELECT name FROM sqlite_schema WHERE name = 'invites_guard_insert'")"
check "the added trigger is gone" "0" "$(plain "SELECT count(*) FROM sqlite_schema WHERE name = 'evil'")"
check "intact again" '{"intact":true,"dropped":[],"rewritten":[],"added":[],"rows":[]}' "$(ext "SELECT invite_check()")"

# A connection that loaded the extension is defensive: no schema rewrite.
check "defensive with the extension" "Error: in prepare, table sqlite_master may not be modified" \
  "$(ext "PRAGMA writable_schema = 1; UPDATE sqlite_schema SET sql = 'x' WHERE name = 'invites_no_delete';")"

# A rule rewritten in place (by a client without it): deleting invites made silent.
hostile "PRAGMA writable_schema = 1;
       UPDATE sqlite_schema
          SET sql = replace(sql, 'RAISE(ABORT, ''invites: invites are kept for the record (revoke instead)'')', '1')
        WHERE name = 'invites_no_delete';"
check "a rewritten trigger is named" '{"intact":false,"dropped":[],"rewritten":["invites_no_delete"],"added":[],"rows":[]}' \
  "$(ext "SELECT invite_check()")"
check "invite_init restores it" "2" "$(ext "SELECT invite_init()")"
# A dropped index and a rewritten view are named as well.
plain "DROP INDEX invites_by_key; DROP VIEW seat_usage; CREATE VIEW seat_usage AS SELECT 1 AS x;"
check "index and view" '{"intact":false,"dropped":["invites_by_key"],"rewritten":["seat_usage"],"added":[],"rows":[]}' \
  "$(ext "SELECT invite_check()")"
check "restored" '{"intact":true,"dropped":[],"rewritten":[],"added":[],"rows":[]}' "$(ext "SELECT invite_init(); SELECT invite_check()" | tail -1)"
check "audit chain intact" "" "$(ext "SELECT invite_audit_verify()")"
[ "$fails" = 0 ]
