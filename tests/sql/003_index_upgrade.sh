#!/bin/sh
# Indexes are created IF NOT EXISTS; an index whose definition changed in a
# later build is dropped and built again by invite_init(), and no other.
set -eu
db=$PWD/upgrade.db
rm -f "$db"
sqlite3 -batch -cmd ".load $INVITE_SO" "$db" "SELECT invite_init()" > /dev/null
# What invite_init() drops, seen by the shell's authorizer trace.
reinstall() {
  sqlite3 -batch -cmd ".load $INVITE_SO" "$db" \
    "UPDATE invite_meta SET value = 'an older build' WHERE name = 'schema_hash'" \
    ".auth ON" "SELECT invite_init()" ".auth OFF" | grep 'DROP_INDEX' || true
}
dropped=$(reinstall)
[ -z "$dropped" ] || { echo "unchanged indexes were rebuilt: $dropped"; exit 1; }
# An older build's definition (before member and guest invites were left out).
sqlite3 -batch "$db" "DROP INDEX invites_pending_by_session;
  CREATE INDEX invites_pending_by_session ON invites(session_id)
    WHERE redeemed_at IS NULL AND revoked_at IS NULL"
dropped=$(reinstall)
[ "$dropped" = 'authorizer: DROP_INDEX "invites_pending_by_session" "invites" "main" NULL' ] ||
  { echo "dropped: $dropped"; exit 1; }
sql=$(sqlite3 -batch "$db" "SELECT sql FROM sqlite_schema WHERE name = 'invites_pending_by_session'")
case $sql in
  *"session_id IS NOT NULL"*) ;;
  *) echo "still the old definition: $sql"; exit 1 ;;
esac
n=$(sqlite3 -batch "$db" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE 'invites%'")
echo "rebuilt invites_pending_by_session only; $n invites indexes"
