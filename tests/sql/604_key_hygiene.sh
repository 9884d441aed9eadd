#!/bin/sh
# No key, key hash or outbox body in an error message: provoke every error
# of invite_redeem, invite_peek and invite_resend with real keys and check
# that no key (nor a 12-character piece of one, nor its hash in hex) shows.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cp "$here/_catalog.inc" .
db=$PWD/k.db
sqlite3 -batch -cmd ".load $INVITE_SO" "$db" > /dev/null <<'SQL'
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
CREATE TABLE k(name TEXT PRIMARY KEY, j TEXT, id AS (j ->> 'id'), key AS (j ->> 'key'));
.once mk.sql
SELECT 'INSERT INTO k VALUES(''exp'', ' || quote(invite_create('exp@example.com', 2, 4, 1, '{"first_name":"E","last_name":"X","days":1}')) || ');';
.read mk.sql
SELECT invite_clock('2027-01-03 10:00:00');
.once mk.sql
SELECT 'INSERT INTO k VALUES(''good'', ' || quote(invite_create('amy@example.com', 2, 4, 1, '{"first_name":"A","last_name":"A"}')) || ');'
 || 'INSERT INTO k VALUES(''used'', ' || quote(invite_create('uma@example.com', 2, 4, 1, '{"first_name":"U","last_name":"U"}')) || ');'
 || 'INSERT INTO k VALUES(''rev'', ' || quote(invite_create('rex@example.com', 2, 4, 1, '{"first_name":"R","last_name":"R"}')) || ');'
 || 'INSERT INTO k VALUES(''old'', ' || quote(invite_create('ola@example.com', 2, 4, 1, '{"first_name":"O","last_name":"O"}')) || ');';
.read mk.sql
.once mk.sql
SELECT 'INSERT INTO k VALUES(''new'', ' || quote(invite_resend((SELECT id FROM k WHERE name = 'old'))) || ');';
.read mk.sql
SELECT invite_redeem((SELECT key FROM k WHERE name = 'used'));
SELECT invite_revoke((SELECT id FROM k WHERE name = 'rev'));
SQL
# What must never appear: each key, every 12-character piece of it, its hash.
sqlite3 "$db" "SELECT key FROM k" > secrets
sqlite3 "$db" "WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < 32)
               SELECT substr(key, i, 12) FROM k, p" >> secrets
sqlite3 "$db" "SELECT hex(key_hash) FROM invites UNION ALL SELECT lower(hex(key_hash)) FROM invites
               UNION ALL SELECT hex(key_hash) FROM invite_old_keys" >> secrets

K() { echo "(SELECT key FROM k WHERE name = '$1')"; }
I() { echo "(SELECT id FROM k WHERE name = '$1')"; }
{
  for src in NULL "'203.0.113.9'"; do
    for name in exp used rev old; do echo "SELECT invite_redeem($(K $name), NULL, $src);"; done
    echo "SELECT invite_redeem($(K good), 'mallory@example.com', $src);"
    echo "SELECT invite_redeem($(K good), 3, $src);"
    echo "SELECT invite_redeem($(K good), 999, $src);"
    echo "SELECT invite_redeem($(K good), 'not an address', $src);"
    echo "SELECT invite_redeem(substr($(K good), 2) || 'A', NULL, $src);"
    echo "SELECT invite_redeem(substr($(K good), 1, 42) || '!', NULL, $src);"
    echo "SELECT invite_redeem($(K good) || 'A', NULL, $src);"
    echo "SELECT invite_redeem(substr($(K good), 1, 40), NULL, $src);"
    echo "SELECT invite_redeem($(K good) || char(0) || 'x', NULL, $src);"
    echo "SELECT invite_redeem(printf('%.1100c', 'k') || $(K good), NULL, $src);"
  done
  # blocked by now (more than 10 failures from the source), with a good key
  echo "SELECT invite_redeem($(K good), NULL, '203.0.113.9');"
  for name in exp used rev old; do echo "SELECT invite_peek($(K $name)) ->> '\$.state';"; done
  echo "SELECT invite_peek(substr($(K good), 2) || 'A');"
  echo "SELECT invite_peek(substr($(K good), 1, 42) || '!');"
  echo "SELECT invite_peek($(K good) || 'A');"
  echo "SELECT invite_peek($(K good) || char(0));"
  echo "SELECT invite_peek(x'00');"
  for name in used rev; do echo "SELECT invite_resend($(I $name));"; done
  echo "SELECT invite_resend(999);"
  echo "SELECT invite_resend($(I good), '{\"days\":999}');"
  echo "SELECT invite_resend($(I good), '{\"nope\":1}');"
  echo "SELECT invite_resend($(K good));"
  echo "SELECT invite_revoke($(K good));"
} > calls.sql
sqlite3 -batch -cmd ".load $INVITE_SO" "$db" < calls.sql > out 2>&1
n_calls=$(grep -c . calls.sql)
n_errors=$(grep -c 'invite_redeem: \|invite_peek: \|invite_resend: \|invite_revoke: ' out)
echo "calls: $n_calls, errors: $n_errors (3 peeks answer with a state)"
fails=0
if [ "$n_errors" -ne $((n_calls - 3)) ]; then echo "FAIL: not every call failed"; fails=1; fi
grep -c 'too many failed attempts' out | grep -qx '[1-9][0-9]*' || { echo "FAIL: source never blocked"; fails=1; }
if grep -F -f secrets out; then echo "FAIL: a key or a hash is in an error message"; fails=1; fi
# and the audit log holds no key or hash either
sqlite3 "$db" "SELECT * FROM audit_log" > audit.txt
if grep -F -f secrets audit.txt; then echo "FAIL: a key or a hash is in the audit log"; fails=1; fi
# and no message of the extension's source formats a key, a hash or a body
ext=$here/../../ext
if grep -nE 'invite_error(f|_db)\([^;]*[^A-Za-z_](zKey|aHash|zLink|zUrl|zBody|zSecret)[^A-Za-z_]' \
     "$ext"/verbs_*.c "$ext"/security.c "$ext"/audit.c "$ext"/keys.c; then
  echo "FAIL: an error message formats a secret"; fails=1
fi
cat out
[ "$fails" = 0 ]
