#!/bin/sh
# 503_smtp.sh — invitations delivered by tools/invite-mail to a real SMTP
# server (tests/smtp_sink.py, aiosmtpd on 127.0.0.1): what the server
# receives (headers, RFC 2047, quoted-printable body with the macros filled
# in, one message per email), the key scrubbed once sent; a server that is
# down, then answers 451, leaves the emails queued with attempts counted and
# the error recorded; after recovery each is sent exactly once; 550 and the
# attempt limit give up; the tool refuses a header with CR/LF even when the
# outbox trigger is gone. Every wait is bounded.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
so=${INVITE_SO:-$root/build/release/invite.so}
mail=$(dirname "$so")/invite-mail
# Python is not ours to sanitize: keep `make asan`'s LD_PRELOAD away from it.
py="env -u LD_PRELOAD /usr/bin/python3"
db=$PWD/mail.db
sink=$PWD/sink
pid=""
fail() { echo "FAIL: $*"; exit 1; }
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; true; }
trap cleanup EXIT INT TERM

[ -x "$mail" ] || fail "no $mail (make builds it)"
$py -c 'import aiosmtpd' 2>/dev/null || fail "python3-aiosmtpd is missing: apt-get install python3-aiosmtpd"

# Starts the sink, waits (at most 10 s) for its port.
start_sink() {
  rm -f "$sink/port"
  $py "$root/tests/smtp_sink.py" "$sink" --lifetime 120 2>>"$PWD/sink.err" &
  pid=$!
  i=0
  while [ ! -s "$sink/port" ]; do
    i=$((i + 1)); [ $i -le 100 ] || fail "the SMTP sink did not start: $(cat "$PWD/sink.err")"
    sleep 0.1
  done
  port=$(cat "$sink/port")
}
stop_sink() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
ext() { sqlite3 -batch -cmd ".load $so" "$db" "$@"; }
plain() { sqlite3 -batch "$db" "$@"; }
run_mail() { timeout 60 "$mail" --once --db "$db" --smtp "smtp://127.0.0.1:$port" \
               --from noreply@acme.test --from-name "Acme Invitations" "$@"; }
expect() { # expect WHAT ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
  echo "ok $1"
}
messages() { ls "$sink" | grep -c '\.eml$' || true; }

mkdir -p "$sink"
ext "SELECT invite_init(); SELECT invite_clock('2027-01-01 00:00:00');" >/dev/null
ext < "$root/tests/sql/_catalog.inc"
ext "UPDATE businesses SET name = 'Acmé Ünïcode' WHERE id = 1;"
# A long comment line and a lone dot: the body must survive SMTP.
long=$(printf 'word%.0s ' $(seq 40))
key1=$(ext "SELECT json_extract(invite_create('ann@example.com', 2, 4, 1,
  json_object('first_name', 'Zoë', 'last_name', 'Ørsted', 'comments',
              '$long' || char(10) || '.' || char(10) || 'Bye.')), '$.key');")
key2=$(ext "SELECT json_extract(invite_create('bob@example.com', 2, 4, 1,
  '{\"first_name\":\"Bob\",\"last_name\":\"O''Brien, Jr.\"}'), '$.key');")
expect "two queued" "$(plain "SELECT count(*) FROM outbox_pending")" 2

# ---- delivery ----
start_sink
run_mail > run1.log
cat run1.log
expect "progress lines" "$(grep -c '^sent   #' run1.log)" 2
expect "summary" "$(tail -1 run1.log)" "invite-mail: 2 sent, 0 to retry, 0 failed"
expect "messages received" "$(messages)" 2
$py - "$db" "$sink" "$key1" "$key2" <<'PY'
import email, email.policy, email.utils, datetime, glob, sqlite3, sys
db, sink, key1, key2 = sys.argv[1:]
con = sqlite3.connect(db)
rows = {r[0]: r for r in con.execute(
    "SELECT recipient, recipient_name, subject, body, message_id, status, secret, attempts FROM outbox")}
keys = {"ann@example.com": key1, "bob@example.com": key2}
seen = set()
def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok", what)
for path in sorted(glob.glob(sink + "/msg-*.eml")):
    raw = open(path, "rb").read()
    env = open(path[:-4] + ".env").read().split("\n")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    to = msg["To"].addresses[0]
    rcpt = to.addr_spec
    check("RCPT TO " + rcpt in env and "MAIL FROM noreply@acme.test" in env, "envelope of " + rcpt)
    check(rcpt not in seen, "one message for " + rcpt)
    seen.add(rcpt)
    r = rows[rcpt]
    check(r[5] == "sent" and r[7] == 1 and r[6] is None, "marked sent, secret gone: " + rcpt)
    check(to.display_name == r[1], "To display name %r" % to.display_name)
    check(msg["From"] == "Acme Invitations <noreply@acme.test>", "From")
    check(str(msg["Subject"]) == r[2], "Subject decodes to %r" % r[2])
    check(msg["Message-ID"] == r[4], "Message-ID is the outbox's")
    d = email.utils.parsedate_to_datetime(msg["Date"])
    check(abs((d - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 3600, "Date")
    check(msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8", "text/plain UTF-8")
    check(msg["Content-Transfer-Encoding"] == "quoted-printable", "quoted-printable")
    lines = raw.split(b"\r\n")
    check(all(len(l) <= 78 for l in lines), "no line over 78 bytes")
    check(all(not l.startswith(b".") for l in lines), "no line starts with a dot")
    check(all(b < 128 for b in raw), "7-bit on the wire")
    body = msg.get_content()
    key = keys[rcpt]
    check("https://invite.example.com/accept?key=" + key in body, "link with the key in the body")
    check(body.replace(key, "[key removed]").replace("\r\n", "\n") == r[3], "body = stored body with the key")
    check(key not in r[3] and "[key removed]" in r[3], "key scrubbed from the stored body")
    if rcpt == "ann@example.com":
        raw_subject = raw.split(b"\r\nSubject: ")[1].split(b"\r\nMessage-ID")[0]
        check(raw_subject.startswith(b"=?UTF-8?B?"), "non-ASCII subject in RFC 2047")
        check("Acmé Ünïcode" in r[2] and "Hello Zoë Ørsted," in body and "\n.\nBye." in body.replace("\r\n", "\n"), "macros filled in, lone dot kept")
        check(b"=?UTF-8?B?" in raw.split(b"\r\nTo: ")[1].split(b"\r\n")[0], "non-ASCII name in RFC 2047")
    else:
        check(msg["To"] == '"Bob O\'Brien, Jr." <bob@example.com>', "ASCII name with specials quoted")
check(seen == {"ann@example.com", "bob@example.com"}, "both recipients")
PY
run_mail > run2.log
expect "nothing left" "$(tail -1 run2.log)" "invite-mail: 0 sent, 0 to retry, 0 failed"
expect "still two messages" "$(messages)" 2

# ---- a server that is down, then answers 451 ----
ext "SELECT invite_resend(1) IS NOT NULL;" >/dev/null
ext "SELECT invite_create('cy@example.com', 2, 4, 1, '{\"first_name\":\"Cy\",\"last_name\":\"Ng\"}') IS NOT NULL;" >/dev/null
stop_sink
run_mail > run3.log || fail "invite-mail failed with the server down"
cat run3.log
expect "down: summary" "$(tail -1 run3.log)" "invite-mail: 0 sent, 2 to retry, 0 failed"
expect "down: queued, counted" "$(plain "SELECT group_concat(status || ':' || attempts || ':' || next_attempt_at || ':' || (last_error LIKE '%connect%') || ':' || (secret IS NOT NULL), ' ') FROM outbox WHERE status <> 'sent'")" \
  "queued:1:2027-01-01 00:01:00:1:1 queued:1:2027-01-01 00:01:00:1:1"
run_mail > run3b.log
expect "not due yet" "$(tail -1 run3b.log)" "invite-mail: 0 sent, 0 to retry, 0 failed"

start_sink
echo 451 > "$sink/mode"
ext "SELECT invite_clock('2027-01-01 00:01:00')" > /dev/null
run_mail > run4.log
cat run4.log
expect "451: summary" "$(tail -1 run4.log)" "invite-mail: 0 sent, 2 to retry, 0 failed"
expect "451: back-off doubles" "$(plain "SELECT group_concat(status || ':' || attempts || ':' || next_attempt_at || ':' || last_error, ' | ') FROM outbox WHERE status <> 'sent'")" \
  "queued:2:2027-01-01 00:03:00:smtp 451: RCPT failed: 451 | queued:2:2027-01-01 00:03:00:smtp 451: RCPT failed: 451"
expect "451: nothing received" "$(messages)" 2

# ---- recovery: each sent exactly once ----
echo accept > "$sink/mode"
ext "SELECT invite_clock('2027-01-01 00:03:00')" > /dev/null
run_mail > run5.log
cat run5.log
expect "recovered" "$(tail -1 run5.log)" "invite-mail: 2 sent, 0 to retry, 0 failed"
run_mail > run6.log
expect "not twice" "$(tail -1 run6.log)" "invite-mail: 0 sent, 0 to retry, 0 failed"
expect "four messages" "$(messages)" 4
expect "one message per email" "$(cat "$sink"/*.eml | grep -c '^Message-ID: ')" 4
expect "distinct Message-IDs" "$(cat "$sink"/*.eml | grep '^Message-ID: ' | sort -u | wc -l | tr -d ' ')" 4
expect "all sent, attempts 3, keys gone" "$(plain "SELECT group_concat(status || attempts, ' ') FROM outbox WHERE id > 2; SELECT count(*) FROM outbox WHERE secret IS NOT NULL OR last_error IS NOT NULL")" \
  "sent3 sent3
0"

# ---- giving up: a 5xx answer, or the attempt limit ----
ext "SELECT invite_create('dee@example.com', 2, 4, 1, '{\"first_name\":\"Dee\",\"last_name\":\"Li\"}') IS NOT NULL;" >/dev/null
echo 550 > "$sink/mode"
run_mail > run7.log
expect "550: failed at once" "$(tail -1 run7.log)" "invite-mail: 0 sent, 0 to retry, 1 failed"
expect "550: recorded, key scrubbed" "$(plain "SELECT status || ':' || attempts || ':' || last_error || ':' || (secret IS NULL) || ':' || (body LIKE '%key=[key removed]%') FROM outbox WHERE recipient = 'dee@example.com'")" \
  "failed:1:smtp 550: RCPT failed: 550:1:1"
ext "SELECT invite_create('eve@example.com', 2, 4, 1, '{\"first_name\":\"Eve\",\"last_name\":\"Ho\"}') IS NOT NULL;" >/dev/null
echo 451 > "$sink/mode"
run_mail --max-attempts 1 > run8.log
expect "attempt limit" "$(tail -1 run8.log)" "invite-mail: 0 sent, 0 to retry, 1 failed"
expect "failed emails stay failed" "$(plain "SELECT count(*) FROM outbox_pending")" 0

# ---- the tool's own header check (the outbox's insert checks dropped; both call the extension) ----
plain "DROP TRIGGER outbox_check_insert; DROP TRIGGER outbox_text_insert; INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at) VALUES ('member_invite', 'x@example.com', 'Hi' || char(13, 10) || 'Bcc: victim@example.com', 'b', '<inj@x>', '2027-01-01 00:00:00', '2027-01-01 00:00:00')"
echo accept > "$sink/mode"
run_mail > run9.log
expect "CR/LF refused" "$(plain "SELECT status || ': ' || last_error FROM outbox WHERE message_id = '<inj@x>'")" \
  "failed: refusing to build a header from a subject with CR/LF or control characters"
expect "nothing sent for it" "$(messages)" 4

# ---- without the extension: templates cannot be saved unchecked ----
out=$(plain "INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'resend', 'Hi', '%SESSION_KEY_URL%')" 2>&1 || true)
case "$out" in *"no such function: invite_"*) echo "ok templates fail closed" ;; *) fail "templates without the extension: $out" ;; esac

# ---- usage errors ----
"$mail" --db "$db" > usage.log 2>&1 && fail "missing --smtp accepted"
expect "usage exit" "$("$mail" --db "$db" --smtp http://x > /dev/null 2>&1 && echo 0 || echo $?)" 2
expect "bad --from" "$("$mail" --db "$db" --smtp smtp://127.0.0.1:1 --from 'a@b>
x' 2>&1 | head -1)" "invite-mail: --from must be a bare address (name: --from-name) without CR/LF"
echo "all ok"
