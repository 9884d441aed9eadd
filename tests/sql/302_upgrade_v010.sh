#!/bin/sh
# A database made by release 0.1.0 (schema 1; commit 1e73cb4, kept as
# _v010.dump: members, pending, redeemed, revoked and resent invites, an
# active and a removed guest, a session with an external representative, a
# sent, two cancelled and queued emails, a setting, 26 audit rows) is
# upgraded to schema 2 by invite_init(): nothing is lost, the chain still
# verifies, the law is whole, and its keys still work as they did.
set -u
here=$(cd "$(dirname "$0")" && pwd)
db=$PWD/v010.db
rm -f "$db"
sqlite3 -batch "$db" < "$here/_v010.dump"
fails=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2] got [$3]"; fails=$((fails + 1)); fi
}
q() { sqlite3 -batch -cmd ".load $INVITE_SO" "$db" "$@" 2>&1; }
plain() { sqlite3 -batch "$db" "$@" 2>&1; }
# Every row of every table, before.
tables=$(plain "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
snapshot() {
  for t in $tables; do
    [ "$t" = invite_meta ] && continue  # its schema rows change, by design
    printf '%s: ' "$t"; plain "SELECT * FROM \"$t\" ORDER BY 1" | md5sum
  done
}
before=$(snapshot)
check "schema 1 before" 1 "$(plain "SELECT value FROM invite_meta WHERE name = 'schema_version'")"
audit_before=$(plain "SELECT max(id) FROM audit_log")
check "upgrade" 2 "$(q "SELECT invite_init()")"
check "schema 2 after" 2 "$(plain "SELECT value FROM invite_meta WHERE name = 'schema_version'")"
# What an upgrade adds to: the built-in defaults (new settings), default
# templates and their audit rows; every other row is as it was.
after=$(snapshot)
check "every other table unchanged" "" "$(printf '%s\n' "$before" > b.txt; printf '%s\n' "$after" > a.txt;
  diff b.txt a.txt | grep '^[<>]' | grep -v ' audit_log: \| templates: \| invites: \| invite_setting_defs: ')"
check "the new columns are empty" "" \
  "$(plain "SELECT id FROM invites WHERE declined_at IS NOT NULL OR decline_reason IS NOT NULL")"
check "the old audit rows untouched, the upgrade audits only new default templates" \
  "$audit_before|template.changed" \
  "$(plain "SELECT (SELECT max(id) FROM audit_log WHERE id <= $audit_before),
         (SELECT group_concat(DISTINCT action) FROM audit_log WHERE id > $audit_before)")"
check "chain, law and file intact" "ok|1|ok" \
  "$(q "SELECT coalesce(invite_audit_verify(), 'ok') || '|' || (invite_check() ->> '\$.intact') || '|' ||
         (SELECT integrity_check FROM pragma_integrity_check)" | tail -1)"
check "states as they were" "accepted:4,pending:2,revoked:1" \
  "$(plain "SELECT group_concat(state || ':' || n) FROM (SELECT state, count(*) n FROM invite_status GROUP BY state ORDER BY state)")"
check "every email keeps its status" "failed:2,queued:5,sent:1" \
  "$(plain "SELECT group_concat(status || ':' || n) FROM (SELECT status, count(*) n FROM outbox GROUP BY status ORDER BY status)")"
check "the active guest is active, the removed one ended" "gil@partner.com:removed,gus@partner.com:active" \
  "$(plain "SELECT group_concat(email || ':' || CASE WHEN ended_at IS NULL THEN 'active' ELSE end_reason END)
            FROM (SELECT u.email, g.ended_at, g.end_reason FROM guests g JOIN users u ON u.id = g.user_id
                  ORDER BY u.email)")"
check "the pending invite redeems" "member|bob@example.com" \
  "$(q "SELECT r ->> '\$.kind', (SELECT email FROM users WHERE id = r ->> '\$.user_id')
          FROM (SELECT invite_redeem('-aLzja9QO2g-yWhBa0OxrdE1JYdWTIJ9PJoGb0eyJLo', 'bob@example.com') AS r)" | tail -1)"
check "a replaced key is still refused" "invite_decline: key was replaced by a newer one (invite_resend)" \
  "$(q "SELECT invite_decline('-9BAp6g5WrV56LI7SP0YVlm2ONOfh7gYiPToR8JnwfU')" | sed 's/^.*\(invite_decline: \)/\1/; s/ ([0-9]*)$//')"
check "its resent key declines" "declined" \
  "$(q "SELECT invite_decline('zK-lNF-4kf_ZCs-HbNy5nRwkC5VtWk0N8-yBw64ZW4E', 'not now') ->> '\$.state'" | tail -1)"
check "chain intact after use" "ok" "$(q "SELECT coalesce(invite_audit_verify(), 'ok')" | tail -1)"
[ "$fails" = 0 ]
