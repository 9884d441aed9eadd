#!/bin/sh
# 520_mail_lease.sh — a slow SMTP server never makes two runners send the
# same email. Runner A claims the email and waits on a server that holds its
# answer to DATA; meanwhile the database clock is moved 400 s on (longer
# than the old fixed 300 s lease, shorter than --timeout 3600: the server
# may still answer). Runner B must find nothing due; when the server
# answers, A marks the email sent: one copy received. Then a runner killed
# mid-send: its claim does end (at --timeout + 300 s), and the email goes
# out again. Every wait is bounded.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
so=${INVITE_SO:-$root/build/release/invite.so}
mail=$(dirname "$so")/invite-mail
py="env -u LD_PRELOAD /usr/bin/python3"
db=$PWD/mail.db
sink=$PWD/sink
pid=""
apid=""
fail() { echo "FAIL: $*"; exit 1; }
cleanup() {
  [ -n "$apid" ] && kill "$apid" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  true
}
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
wait_for() { # wait_for FILE: at most 20 s
  i=0
  while [ ! -e "$1" ]; do
    i=$((i + 1)); [ $i -le 200 ] || fail "timed out waiting for $1"
    sleep 0.1
  done
}
mail_args() { echo --once --db "$db" --smtp "smtp://127.0.0.1:$port" --from noreply@acme.test --timeout 3600; }
run_mail() { timeout 60 "$mail" $(mail_args); }
# In the background without a wrapper, so $apid is the runner itself (the
# EXIT trap ends it if the test dies).
bg_mail() { "$mail" $(mail_args) > "$1" 2>&1 & apid=$!; }

mkdir -p "$sink"
ext "SELECT invite_init(); SELECT invite_clock('2027-01-01 00:00:00');" >/dev/null
ext < "$root/tests/sql/_catalog.inc"
ext "SELECT invite_create('ann@example.com', 2, 4, 1, '{\"first_name\":\"Ann\",\"last_name\":\"Lee\"}') IS NOT NULL;" >/dev/null
$py "$root/tests/smtp_sink.py" "$sink" --lifetime 120 2>>"$PWD/sink.err" &
pid=$!
wait_for "$sink/port"
port=$(cat "$sink/port")
echo "slow 4" > "$sink/mode"

# ---- two runners, a slow server ----
bg_mail a.log
wait_for "$sink/data-1"          # A's message is in; the server sits on it
lease=$(plain "SELECT next_attempt_at FROM outbox WHERE id = 1")
ext "SELECT invite_clock('2027-01-01 00:06:40')" >/dev/null   # 400 s later
run_mail > b.log 2>&1 || fail "runner B: $(cat b.log)"
expect "B finds nothing due" "$(tail -1 b.log)" "invite-mail: 0 sent, 0 to retry, 0 failed"
wait "$apid" || fail "runner A: $(cat a.log)"
apid=""
expect "A sent it" "$(tail -1 a.log)" "invite-mail: 1 sent, 0 to retry, 0 failed"
expect "one copy received" "$(messages)" 1
expect "the server saw one DATA" "$(ls "$sink" | grep -c '^data-')" 1
expect "A's lease was --timeout + 300 s" "$lease" "2027-01-01 01:05:00"
expect "marked sent once" "$(plain "SELECT status || ':' || attempts FROM outbox WHERE id = 1")" "sent:1"

# ---- a runner killed mid-send: its lease ends, the email goes again ----
ext "SELECT invite_resend(1) IS NOT NULL;" >/dev/null
bg_mail c.log
wait_for "$sink/data-2"
kill -9 "$apid"; wait "$apid" 2>/dev/null || true
apid=""
echo accept > "$sink/mode"
ext "SELECT invite_clock('2027-01-01 01:11:39')" >/dev/null   # 1 s before the lease ends
run_mail > d.log 2>&1
expect "still leased" "$(tail -1 d.log)" "invite-mail: 0 sent, 0 to retry, 0 failed"
ext "SELECT invite_clock('2027-01-01 01:11:40')" >/dev/null   # --timeout + 300 s after the claim
run_mail > e.log 2>&1
expect "after the lease: sent again" "$(tail -1 e.log)" "invite-mail: 1 sent, 0 to retry, 0 failed"
# The sink drops a message whose client left before its answer.
expect "the resend arrived once" "$(messages)" 2
echo "all ok"
