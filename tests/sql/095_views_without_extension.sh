#!/bin/sh
# Every view is pure SQL: a client that has NOT loaded the extension (a
# reporting tool) reads each one, and the law still holds for its writes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
db=$PWD/views.db
rm -f "$db"
sqlite3 -batch -cmd ".load $INVITE_SO" "$db" > /dev/null <<SQL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read $here/_catalog.inc
SELECT invite_create('ann@example.com', 1, 1, 1, '{"first_name":"Ann","last_name":"Lee"}');
SQL
views=$(sqlite3 -batch "$db" "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
[ -n "$views" ] || { echo "no views found"; exit 1; }
n=0
for v in $views; do
  # No .load here: this is the reporting tool's connection.
  out=$(sqlite3 -batch "$db" "SELECT count(*) FROM \"$v\"" 2>&1) || {
    echo "view $v unreadable without the extension: $out"; exit 1; }
  echo "$v: $out rows"
  n=$((n + 1))
done
# The views show real data, with the pinned clock.
state=$(sqlite3 -batch "$db" "SELECT state || ' ' || email FROM invite_status")
[ "$state" = "pending ann@example.com" ] || { echo "invite_status: $state"; exit 1; }
avail=$(sqlite3 -batch "$db" "SELECT available FROM seat_usage WHERE subscription_id = 1")
[ "$avail" = 0 ] || { echo "seat_usage available: $avail"; exit 1; }
# The law holds for this client too: the last seat is reserved. (Audited
# tables fail closed without the extension, so the write is refused either
# by the seat rule or for want of the audit hash: never silently accepted.)
if sqlite3 -batch "$db" "INSERT INTO members(user_id, subscription_id, role_id) VALUES (4, 1, 1)" 2> err; then
  echo "oversold a seat without the extension"; exit 1
fi
grep -Eq "members: seat limit reached|no such function: invite_audit_hash" err || { cat err; exit 1; }
[ "$(sqlite3 -batch "$db" "SELECT count(*) FROM members")" = 2 ] || { echo "members changed"; exit 1; }
echo "$n views read without the extension"
