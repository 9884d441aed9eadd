#!/bin/sh
# 521_mail_config_error.sh — a server that refuses us, not the email, stops
# the run and leaves the queue as it was: a 530 at MAIL FROM (credentials
# missing) and a 554 greeting each end invite-mail with exit status 3 and a
# message naming the cause; no email is marked failed, attempts and
# next_attempt_at are unchanged (the claim is released), nothing is sent;
# the daemon (no --once) stops too. A 550 at RCPT still fails just that
# email. Once the server is fixed, each email goes out once.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
so=${INVITE_SO:-$root/build/release/invite.so}
mail=$(dirname "$so")/invite-mail
py="env -u LD_PRELOAD /usr/bin/python3"
db=$PWD/mail.db
sink=$PWD/sink
pid=""
fail() { echo "FAIL: $*"; exit 1; }
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; true; }
trap cleanup EXIT INT TERM
[ -x "$mail" ] || fail "no $mail (make builds it)"
$py -c 'import aiosmtpd' 2>/dev/null || fail "python3-aiosmtpd is missing: apt-get install python3-aiosmtpd"

ext() { sqlite3 -batch -cmd ".load $so" "$db" "$@"; }
plain() { sqlite3 -batch "$db" "$@"; }
expect() {
  [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
  echo "ok $1"
}
messages() { ls "$sink" | grep -c '\.eml$' || true; }
# run_mail LOG [ARGS]: the exit status on stdout
run_mail() {
  log=$1; shift
  rc=0
  timeout 60 "$mail" --db "$db" --smtp "smtp://127.0.0.1:$port" --from noreply@acme.test \
    "$@" > "$log" 2>&1 || rc=$?
  echo $rc
}
queue() { plain "SELECT group_concat(id || ':' || status || ':' || attempts || ':' || next_attempt_at || ':' || ifnull(last_error, '-'), ' ') FROM outbox"; }

mkdir -p "$sink"
ext "SELECT invite_init(); SELECT invite_clock('2027-01-01 00:00:00');" >/dev/null
ext < "$root/tests/sql/_catalog.inc"
for who in ann bob cy; do
  ext "SELECT invite_create('$who@example.com', 2, 4, 1, '{\"first_name\":\"$who\",\"last_name\":\"X\"}') IS NOT NULL;" >/dev/null
done
before=$(queue)
expect "three queued" "$before" \
  "1:queued:0:2027-01-01 00:00:00:- 2:queued:0:2027-01-01 00:00:00:- 3:queued:0:2027-01-01 00:00:00:-"
$py "$root/tests/smtp_sink.py" "$sink" --lifetime 120 2>>"$PWD/sink.err" &
pid=$!
i=0
while [ ! -s "$sink/port" ]; do
  i=$((i + 1)); [ $i -le 100 ] || fail "the SMTP sink did not start: $(cat "$PWD/sink.err")"
  sleep 0.1
done
port=$(cat "$sink/port")

# ---- 530 at MAIL FROM ----
echo 530 > "$sink/mode"
expect "530: exit status 3" "$(run_mail run1.log --once)" 3
cat run1.log
expect "530: says why" "$(grep -c 'requires authentication or refused the credentials (--user, --password, --starttls).*(smtp 530 at MAIL): stopping; the queue is left as it was' run1.log)" 1
expect "530: stopped at the first email" "$(grep -c '^sent\|^retry\|^failed' run1.log || true)" 0
expect "530: queue as it was" "$(queue)" "$before"

# the daemon stops as well, instead of polling a server that refuses it
expect "530: daemon stops, exit 3" "$(run_mail run2.log --interval 1)" 3
expect "530: queue still as it was" "$(queue)" "$before"

# ---- 554 greeting ----
echo 554-greeting > "$sink/mode"
expect "554 greeting: exit status 3" "$(run_mail run3.log --once)" 3
cat run3.log
expect "554 greeting: says why" "$(grep -c 'refused the connection in its greeting (--smtp).*(smtp 554 in the greeting): stopping' run3.log)" 1
expect "554 greeting: queue as it was" "$(queue)" "$before"
expect "nothing sent" "$(messages)" 0

# ---- a 5xx about one email still fails only that email ----
echo 550 > "$sink/mode"
expect "550: a normal run" "$(run_mail run4.log --once --max-attempts 1)" 0
expect "550: per email" "$(tail -1 run4.log)" "invite-mail: 0 sent, 0 to retry, 3 failed"

# ---- fixed server: each sent once ----
ext "SELECT invite_resend(1) IS NOT NULL, invite_resend(2) IS NOT NULL;" >/dev/null
echo accept > "$sink/mode"
expect "fixed: exit 0" "$(run_mail run5.log --once)" 0
expect "fixed: summary" "$(tail -1 run5.log)" "invite-mail: 2 sent, 0 to retry, 0 failed"
expect "fixed: one message each" "$(messages)" 2
echo "all ok"
