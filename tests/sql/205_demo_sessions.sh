#!/bin/sh
# The support-session walk-through (sql/demo_sessions.sql) runs, refuses
# exactly what it means to refuse, and ends with the externals logged out.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
sqlite3 -batch :memory: -cmd ".load $INVITE_SO" -cmd ".read $root/sql/demo_sessions.sql" \
  -cmd ".mode list" \
  -cmd "SELECT 'externals=' || group_concat(name || ':' || left_reason, ';') FROM session_roster WHERE kind = 'external';" \
  -cmd "SELECT 'usage=' || externals || '/' || pending_invites || '/' || available FROM seat_usage WHERE plan = 'Support 5';" \
  < /dev/null > out 2> err
cat out err
grep -c '^Runtime error' err | grep -qx 4
grep -q "security profile 3 ('Administrator') is not enabled for access invite" err
grep -q "invite_redeem: key already used" err
grep -q "has 5 seats: 3 members, 2 external representatives and 0 pending invites" err
grep -q "sessions: an external representative can never be the session owner" err
grep -qx "externals=Bob Slydell (vendor):logged out: no licensed representative remains;Dom Portwood:logged out: no licensed representative remains" out
grep -qx "usage=0/0/2" out
