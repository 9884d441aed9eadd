#!/bin/sh
# demo-mail.sh — the email part of the demo: an invitation queued by
# invite_create, delivered by invite-mail to a local SMTP server
# (tests/smtp_sink.py on 127.0.0.1), the message as received, and the outbox
# row afterwards with its key scrubbed. Needs python3-aiosmtpd.
#   sh tools/demo-mail.sh [build/release]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/${1:-build/release}
work=$(mktemp -d "${TMPDIR:-/tmp}/invite-demo.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
db=$work/demo.db
mkdir "$work/sink"
sqlite3 -batch -cmd ".load $build/invite" "$db" <<'SQL'
.mode list
.output /dev/null
SELECT invite_init();
SELECT invite_clock('2027-01-01 09:00:00');
.output stdout
INSERT INTO businesses VALUES (1, 'Acme');
INSERT INTO apps VALUES (1, 'Ledger');
INSERT INTO subscriptions VALUES (1, 1, 1, 'Team', 5);
INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0);
INSERT INTO users(id, email, first_name, last_name) VALUES (1, 'mia@acme.com', 'Mia', 'Manager');
INSERT INTO account_managers VALUES (1, 1);
SELECT '-- invite_create queues the invitation email in its own transaction:';
SELECT json_extract(invite_create('zoe@example.com', 1, 1, 1,
  '{"first_name":"Zoë","last_name":"Ørsted","comments":"Welcome to the team!"}'), '$.id') AS invite;
.mode line
SELECT id, kind, recipient, recipient_name, subject, status, attempts, next_attempt_at FROM outbox;
SQL
env -u LD_PRELOAD /usr/bin/python3 "$root/tests/smtp_sink.py" "$work/sink" --lifetime 60 &
pid=$!
i=0
while [ ! -s "$work/sink/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo
echo "-- invite-mail delivers it to the SMTP server on 127.0.0.1:"
"$build/invite-mail" --once --db "$db" --smtp "smtp://127.0.0.1:$(cat "$work/sink/port")" \
  --from noreply@acme.example --from-name "Acme"
echo
echo "-- what the server received:"
tr -d '\r' < "$work/sink/msg-1.eml"
echo
echo "-- the outbox afterwards: sent, the key gone from the stored body:"
sqlite3 -batch -line "$db" "SELECT id, status, attempts, sent_at, secret, body FROM outbox"
