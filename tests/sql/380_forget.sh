#!/bin/sh
# user_forget (issue 16): a person with a member invite, a guest access, a
# session join (an external representative) and sent emails is erased; then
# no trace of their address or names is left in the database file or its
# WAL (after a checkpoint, secure_delete on), invite_audit_verify() passes,
# and an audit row changed afterwards by plain SQL is still detected -
# including a fake "erasure" of a row user_forget did not erase.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
db=$PWD/forget.db
rm -f "$db" "$db-wal" "$db-shm"
fails=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2] got [$3]"; fails=$((fails + 1)); fi
}
q() { sqlite3 -batch -cmd ".load $INVITE_SO" -cmd ".output /dev/null" -cmd "PRAGMA secure_delete = ON" -cmd ".output stdout" "$db" "$@"; }
traces() { # how many of the person's words the raw files hold
  n=0
  for w in quentin.quux@example.net quentin.quux Quentin Quux 'vendor Q'; do
    c=$(cat "$db" "$db-wal" 2>/dev/null | grep -a -o -i -F "$w" | wc -l)
    n=$((n + c))
  done
  echo "$n"
}
q > /dev/null <<SQL
PRAGMA journal_mode = WAL;
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read $here/_catalog.inc
.read $here/_sessions.inc
INSERT INTO account_managers VALUES (2, 1);
-- Quentin Quux: a member invite, a guest access, a session join
SELECT invite_redeem(invite_create('quentin.quux@example.net', 2, 4, 1,
  '{"first_name":"Quentin","last_name":"Quux","comments":"Quentin asked to join"}') ->> '\$.key',
  'quentin.quux@example.net');
SELECT invite_redeem(guest_invite('quentin.quux@example.net', 2, 1) ->> '\$[0].key');
SELECT invite_redeem(session_invite(1, 2, 1, 'Quentin Quux',
  '{"email":"quentin.quux@example.net","comments":"vendor Quentin"}') ->> '\$.key',
  'quentin.quux@example.net');
-- his emails were sent; someone else's invitation is queued
UPDATE outbox SET status = 'sent', sent_at = '2027-01-01 10:00:00';
SELECT invite_create('olga@example.com', 2, 4, 1, '{"first_name":"Olga","last_name":"Other"}');
SQL
q "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
before=$(traces)
[ "$before" -gt 0 ] || { echo "FAIL the person is in the file before (the grep can find him): $before"; exit 1; }
echo "ok   before: $before traces of the person in the file"
check "chain before" "" "$(q "SELECT invite_audit_verify()")"
uid=$(q "SELECT id FROM users WHERE email = 'quentin.quux@example.net'")
out=$(q "SELECT user_forget($uid)")
echo "     $out"
check "counts" '{"user_id":7,"users":1,"invites":3,"invites_revoked":0,"roster_rows":1,"emails":3,"audit_details":7,"audit_details_kept":0}' "$out"
q "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
check "no trace in the file and the WAL" 0 "$(traces)"
check "the chain verifies" "" "$(q "SELECT invite_audit_verify()")"
# the shape is kept: the rows, the memberships, the guest access, the roster
check "shape kept" "7|4|1|1|1|7" "$(q "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM members WHERE subscription_id = 2),
  (SELECT count(*) FROM guests WHERE user_id = $uid), (SELECT count(*) FROM session_members WHERE user_id = $uid),
  (SELECT count(*) FROM invites WHERE email IS NULL AND redeemed_by = $uid AND kind = 'member'),
  (SELECT count(*) FROM audit_log a JOIN audit_salts c ON c.audit_id = a.id WHERE c.salt IS NULL)")"
check "the user row" "erased-7@erased.invalid||" "$(q "SELECT email, first_name, last_name FROM users WHERE id = $uid")"
check "the erasure is audited, not what was erased" "user.forgotten|user:7" \
  "$(q "SELECT action, subject FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")"
check "the other invitation stays queued" "olga@example.com|queued" \
  "$(q "SELECT recipient, status FROM outbox")"
check "the event feed keeps its events (3 created, 3 redeemed)" 6 "$(q "SELECT count(*) FROM invite_event_feed WHERE user_id = $uid")"

# Tampering afterwards, by a client that drops the append-only triggers:
sqlite3 -batch "$db" "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_salts_check_update; DROP TRIGGER audit_log_check_erasure"
cp "$db" "$db.bak"
# a detail put back into an erased row
q "UPDATE audit_log SET detail = '{\"kind\":\"member\"}' WHERE id = 9" > /dev/null
check "a detail written into an erased row is detected" 9 "$(q "SELECT invite_audit_verify()")"
cp "$db.bak" "$db"; rm -f "$db-wal" "$db-shm"
# another row's detail changed
other=$(q "SELECT id FROM audit_log WHERE action = 'invite.created' AND detail LIKE '%olga%'")
q "UPDATE audit_log SET detail = replace(detail, 'olga', 'eve') WHERE id = $other" > /dev/null
check "a changed detail is detected" "$other" "$(q "SELECT invite_audit_verify()")"
cp "$db.bak" "$db"; rm -f "$db-wal" "$db-shm"
# a fake erasure: commitment kept, salt and detail gone, but no
# user.forgotten row names it
q "UPDATE audit_salts SET commitment = invite_audit_commit(salt, (SELECT detail FROM audit_log WHERE id = $other)), salt = NULL WHERE audit_id = $other;
   UPDATE audit_log SET detail = NULL WHERE id = $other" > /dev/null
check "an erasure nobody asked for is detected" "$other" "$(q "SELECT invite_audit_verify()")"
cp "$db.bak" "$db"; rm -f "$db-wal" "$db-shm"
# the salt row of an erasable row removed
q "DELETE FROM audit_salts WHERE audit_id = $other" 2>/dev/null || sqlite3 -batch "$db" "DROP TRIGGER audit_salts_no_delete; DELETE FROM audit_salts WHERE audit_id = $other"
check "a removed salt is detected" "$other" "$(q "SELECT invite_audit_verify()")"
rm -f "$db.bak"

# A database made by release 0.1.0: its audit rows have no salt, so their
# details cannot be erased without breaking the chain; they are counted as
# kept (and say so), everything else is erased, and the chain verifies.
old=$PWD/old.db
rm -f "$old"
sqlite3 -batch "$old" < "$here/_v010.dump"
o() { sqlite3 -batch -cmd ".load $INVITE_SO" "$old" "$@"; }
o "SELECT invite_init()" > /dev/null
check "0.1.0: legacy details kept and counted" \
  '{"user_id":7,"users":1,"invites":1,"invites_revoked":0,"roster_rows":0,"emails":1,"audit_details":0,"audit_details_kept":2}' \
  "$(o "SELECT user_forget(7)")"
check "0.1.0: the chain verifies" "" "$(o "SELECT invite_audit_verify()")"
check "0.1.0: the address is left only in a legacy row" "0|1" \
  "$(o "SELECT (SELECT count(*) FROM users WHERE email = 'ann@example.com') + (SELECT count(*) FROM invites WHERE email = 'ann@example.com')
         + (SELECT count(*) FROM outbox WHERE recipient = 'ann@example.com'),
       (SELECT count(*) FROM audit_log a LEFT JOIN audit_salts c ON c.audit_id = a.id WHERE c.audit_id IS NULL AND a.detail LIKE '%ann@example.com%')")"
[ "$fails" = 0 ]
