#!/bin/sh
# The guest walk-through (sql/demo_guests.sql) runs alone without an error
# and ends with the re-invitation after leaving.
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(sqlite3 :memory: -cmd ".load $INVITE_SO" < "$root/sql/demo_guests.sql" 2>&1) || exit 1
echo "$out"
if echo "$out" | grep -qi 'error'; then exit 1; fi
echo "$out" | grep -q 'invited_again' && echo "$out" | grep -q '│ left  │'
