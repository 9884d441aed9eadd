#!/bin/sh
# demo.sh — `make demo`: the four pages the product comes from, as a story
# told in the sqlite3 shell on one database, then one email delivered to a
# local SMTP server. Each chapter is demo/N_*.sql, shown by present.awk.
#
#   sh demo/demo.sh [build/release]
#
# Everything is written to a scratch directory that is removed at the end;
# nothing is left in the work tree. Exit status 1 when anything went wrong
# that the story does not announce (see present.awk).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/${1:-build/release}
[ -f "$build/invite.so" ] || { echo "demo: no $build/invite.so: run make" >&2; exit 1; }
# A build that cannot load (an SQLite older than it needs) says why, once.
if ! err=$(sqlite3 -batch :memory: -cmd ".load $build/invite" "SELECT 1" 2>&1 >/dev/null) || [ -n "$err" ]; then
  echo "demo: the extension does not load: $err" >&2
  exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/invite-demo.XXXXXX")
sink=""
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
db=$work/demo.db
status=0

chapter() {
  # stdbuf keeps the shell's stdout and stderr in order (a refusal follows
  # its statement); each chapter is a new connection to the same file.
  if ! (cd "$work" && stdbuf -o0 -e0 sqlite3 -batch -echo -cmd ".load $build/invite" \
          -cmd ".output /dev/null" -cmd "SELECT invite_init()" -cmd ".output stdout" \
          "$db" < "$1" 2>&1) | awk -f "$here/present.awk"; then
    status=1
  fi
}

chapter "$here/1_members.sql"
chapter "$here/2_guests.sql"
chapter "$here/3_sessions.sql"
chapter "$here/4_email.sql"

# One delivery, to a real SMTP server on 127.0.0.1 (tests/smtp_sink.py).
echo
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "(The delivery to a local SMTP server needs python3-aiosmtpd: sh tools/setup.sh installs it.)"
  exit $status
fi
mkdir "$work/sink"
env -u LD_PRELOAD /usr/bin/python3 "$root/tests/smtp_sink.py" "$work/sink" --lifetime 60 &
sink=$!
i=0
while [ ! -s "$work/sink/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$work/sink/port" ] || { echo "demo: the local SMTP server did not start" >&2; exit 1; }
cat <<'TEXT'
invite-mail delivers what is due to an SMTP server, here a small one on
this machine that keeps what it receives. For each email it claims the
row, sends it, and marks it sent in one UPDATE. It loads no extension:
the outbox is plain SQL.
TEXT
echo '$ invite-mail --once --db demo.db --smtp smtp://127.0.0.1:<port> --from noreply@acme.example --from-name Acme'
"$build/invite-mail" --once --db "$db" --smtp "smtp://127.0.0.1:$(cat "$work/sink/port")" \
  --from noreply@acme.example --from-name Acme || status=1
zoe=$(grep -l '^To: .*<zoe@example.com>' "$work/sink"/msg-*.eml | head -1)
cat <<'TEXT'

This is Zoë's email as the server received it. Her name and the subject
are RFC 2047 encoded words and the body is quoted-printable, so every
line on the wire is 7-bit ASCII. The Date: header is the real time of
delivery: invite-mail takes it from the computer's clock, while the demo
pinned only the database's clock (to 2027), so that the story's dates
read the same on every run.
TEXT
if [ -n "$zoe" ]; then tr -d '\r' < "$zoe" | sed 's/^/    /'; else echo "demo: Zoë's email did not arrive" >&2; status=1; fi
echo
chapter "$here/4_email_after.sql"
exit $status
