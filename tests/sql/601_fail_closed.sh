#!/bin/sh
# Fail closed: a client that has NOT loaded the extension reads every view
# but cannot write anything audited ("no such function: invite_audit_hash"),
# so no state change ever escapes the audit log; the database is unchanged.
set -u
db=$PWD/fc.db
fails=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2] got [$3]"; fails=$((fails + 1)); fi
}
here=$(cd "$(dirname "$0")" && pwd)
cp "$here/_catalog.inc" .
sqlite3 -batch -cmd ".load $INVITE_SO" "$db" >/dev/null <<'SQL'
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
SELECT invite_create('amy@example.com', 2, 4, 1, '{"first_name":"Amy","last_name":"Ash"}');
SQL
fp="SELECT (SELECT count(*) FROM invites) || '/' || (SELECT count(*) FROM members) || '/'
        || (SELECT count(*) FROM settings) || '/' || (SELECT count(*) FROM account_managers) || '/'
        || (SELECT count(*) FROM audit_log) || '/' || (SELECT count(*) FROM invite_meta)"
before=$(sqlite3 "$db" "$fp")
check "fingerprint before" "1/2/0/1/5/3" "$before"

# Reading needs no extension.
check "audit_trail readable" "5|invite.created|mia@acme.com" \
  "$(sqlite3 "$db" "SELECT id, action, actor_email FROM audit_trail ORDER BY id DESC LIMIT 1")"
check "invite_status readable" "1|pending" "$(sqlite3 "$db" "SELECT invite_id, state FROM invite_status")"
check "redeem_sources readable" "0" "$(sqlite3 "$db" "SELECT count(*) FROM redeem_sources")"

# Every audited write fails with a missing function of the extension (the
# audit hash, or invite_law_writer for the bookkeeping), and changes nothing.
while IFS='|' read -r name sql; do
  out=$(sqlite3 "$db" "$sql" 2>&1)
  case "$out" in
    *"no such function: invite_"*) echo "ok   refused: $name" ;;
    *) echo "FAIL not refused: $name: $out"; fails=$((fails + 1)) ;;
  esac
done <<'LIST'
insert invite|INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES ('member', randomblob(32), 1, 'bob@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-08 10:00:00')
revoke invite|UPDATE invites SET revoked_at = '2027-01-01 10:00:00' WHERE id = 1
redeem invite|UPDATE invites SET redeemed_at = '2027-01-01 10:00:00', redeemed_by = 4 WHERE id = 1
re-key invite|UPDATE invites SET key_hash = randomblob(32) WHERE id = 1
add member|INSERT INTO members(user_id, subscription_id, role_id) VALUES (4, 2, 4)
promote member|UPDATE members SET role_id = 3 WHERE user_id = 3
remove member|DELETE FROM members WHERE user_id = 3
add account manager|INSERT INTO account_managers VALUES (1, 2)
remove account manager|DELETE FROM account_managers
change a setting|INSERT INTO settings(business_id, name, value) VALUES (NULL, 'invites_per_inviter_per_day', 0)
pin the clock|UPDATE invite_meta SET value = '2030-01-01 00:00:00' WHERE name = 'clock'
release the clock|UPDATE invite_meta SET value = NULL WHERE name = 'clock'
append an event|INSERT INTO audit_append(action, subject) VALUES ('x', 'y')
LIST

check "fingerprint after" "$before" "$(sqlite3 "$db" "$fp")"
# The same database with the extension: the chain is intact.
check "chain intact" "NULL" "$(sqlite3 -cmd ".load $INVITE_SO" -cmd ".nullvalue NULL" "$db" "SELECT invite_init() > 0; SELECT invite_audit_verify();" | tail -1)"
[ "$fails" = 0 ]
