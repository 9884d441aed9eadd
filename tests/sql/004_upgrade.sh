#!/bin/sh
# A database made by an earlier build (_v0_e2f924a.dump) is upgraded by
# invite_init(): changed indexes are rebuilt, the clock row is added and its
# pin kept, nothing false is audited, and its pending invite still redeems.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
db=$PWD/v0.db
rm -f "$db"
sqlite3 -batch "$db" < "$here/_v0_e2f924a.dump"
fails=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2] got [$3]"; fails=$((fails + 1)); fi
}
q() { sqlite3 -batch -cmd ".load $INVITE_SO" "$db" "$@"; }
check "before: old index" 0 \
  "$(sqlite3 "$db" "SELECT instr(sql, 'session_id IS NOT NULL') FROM sqlite_schema WHERE name = 'invites_pending_by_session'")"
check "upgrade" 2 "$(q "SELECT invite_init()")"
check "indexes rebuilt" "1|1" "$(sqlite3 "$db" "SELECT
  (SELECT instr(sql, 'session_id IS NOT NULL') > 0 FROM sqlite_schema WHERE name = 'invites_pending_by_session'),
  (SELECT instr(sql, 'subscription_id IS NOT NULL') > 0 FROM sqlite_schema WHERE name = 'invites_pending_by_subscription')")"
# Only what really changed is audited: the two template kinds this build
# adds (accepted, reminder; issue 16) appear as new default templates.
check "nothing else audited by the upgrade" "8|accepted,reminder" "$(sqlite3 "$db" "SELECT
  (SELECT max(id) FROM audit_log WHERE id <= 8),
  (SELECT group_concat(json_extract(detail, '$.kind') || substr(action, 1, 0), ',') FROM audit_log
    WHERE id > 8 AND action = 'template.changed' AND json_extract(detail, '$.change') = 'inserted')
  || (SELECT CASE count(*) WHEN 2 THEN '' ELSE ' and more' END FROM audit_log WHERE id > 8)")"
check "the pinned clock kept" "2027-01-02 10:00:00" "$(sqlite3 "$db" "SELECT now FROM invite_now")"
check "old release trigger gone" 0 "$(sqlite3 "$db" "SELECT count(*) FROM sqlite_schema WHERE name = 'audit_clock_released'")"
check "pending invite redeems" "bob@example.com|2" "$(q "SELECT u.email, m.subscription_id
  FROM members m JOIN users u ON u.id = m.user_id
 WHERE m.id = invite_redeem('2Bx4b-_6605T9vLFmEvFh3UfsMjdNTX5-FkmfZ5nQ5E') ->> '\$.member_id'" 2>&1 | tail -1)"
check "used key refused" 1 \
  "$(q "SELECT invite_redeem('2Bx4b-_6605T9vLFmEvFh3UfsMjdNTX5-FkmfZ5nQ5E')" 2>&1 |
     grep -c 'invite_redeem: key already used on 2027-01-02 10:00:00 UTC')"
check "new invite" 3 "$(q "SELECT invite_create('cy@example.com', 2, 4, 1,
  '{\"first_name\":\"Cy\",\"last_name\":\"Co\"}') ->> '\$.id'")"
check "clock released" "clock.released" "$(q "SELECT invite_clock(NULL) IS NOT NULL" >/dev/null;
  sqlite3 "$db" "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")"
check "chain intact" "ok|ok" "$(q "SELECT coalesce(invite_audit_verify(), 'ok') || '|' || (SELECT integrity_check FROM pragma_integrity_check)")"
[ "$fails" = 0 ]
