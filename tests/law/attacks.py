"""attacks.py — every attack on the law we know of, on every kind of
connection.

Each attack runs on a fresh copy of one fixture database, on a connection
with the extension and on one without it, under each of the 8 settings of
recursive_triggers, foreign_keys and ignore_check_constraints. It must be
refused with its message (some statements of an attack may pass: the last
one is the attack) and leave every table as it was; an attack marked
`audited` may instead succeed on a connection with the extension when the
audit log records it.

    python3 attacks.py INVITE_SO WORKDIR    # prints one line per attack
"""
import itertools
import shutil
import sqlite3
import sys

SO, WORK = sys.argv[1], sys.argv[2]
FIXTURE = WORK + "/fixture.db"
H = "x'" + "ab" * 32 + "'"  # a key hash the attacker chose


def connect(path, with_ext):
    db = sqlite3.connect(path, isolation_level=None)
    if with_ext:
        db.enable_load_extension(True)
        db.load_extension(SO)
        db.execute("SELECT invite_init()")
    return db


def build_fixture():
    db = connect(FIXTURE, True)
    db.executescript(open(WORK + "/_catalog.inc").read())
    db.executescript(open(WORK + "/_sessions.inc").read().split("-- Everything a refused")[0])
    q = lambda sql, *a: db.execute(sql, a).fetchone()[0]
    q("SELECT invite_clock('2027-01-01 10:00:00')")
    db.execute("UPDATE subscriptions SET seats = 10 WHERE id = 1")
    import json
    # invite 1: redeemed; invite 2: pending (its key resent, old key dead);
    # guest 1 removed; outbox has a sent and a queued email.
    k1 = json.loads(q("SELECT invite_create('ann@example.com', 1, 1, 1, '{\"first_name\":\"Ann\",\"last_name\":\"Lee\"}')"))["key"]
    q("SELECT invite_redeem(?, 'ann@example.com')", k1)
    q("SELECT invite_create('bob@example.com', 1, 1, 1, '{\"first_name\":\"Bob\",\"last_name\":\"Ray\"}')")
    q("SELECT invite_resend(2)")
    g = json.loads(q("SELECT guest_invite('gus@partner.com', 1, 1)"))[0]
    q("SELECT invite_redeem(?, 'gus@partner.com')", g["key"])
    q("SELECT guest_remove((SELECT id FROM guests))")
    db.execute("UPDATE outbox SET status = 'sent', sent_at = '2027-01-01 10:00:00' WHERE id = 1")
    q("SELECT invite_clock('2027-01-01 10:05:00')")
    db.close()


# (name, statements, expected message with the extension, without it,
#  audited). A message is matched as a substring; None: any refusal.
ATTACKS = [
    ("REPLACE re-creates a redeemed invite pending with a chosen key",
     ["INSERT OR REPLACE INTO invites(id, kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) "
      f"VALUES (1, 'member', {H}, 1, 'ann@example.com', 1, 1, 1, '2027-01-01 10:00:00', '2027-01-08 10:00:00')"],
     "invites: invite ids are never reused", "invites: invite ids are never reused", False),
    ("UPDATE OR REPLACE gives an invite another invite's key",
     ["UPDATE OR REPLACE invites SET key_hash = (SELECT key_hash FROM invites WHERE id = 1) WHERE id = 2"],
     "invites: key already used", "invites: key already used", False),
    ("REPLACE cuts a subscription's seats below what is in use",
     ["INSERT OR REPLACE INTO subscriptions(id, business_id, app_id, plan, seats) VALUES (1, 1, 1, 'Team', 0)"],
     "subscriptions: a subscription in use cannot be replaced", "subscriptions: a subscription in use cannot be replaced", False),
    ("REPLACE moves a subscription in use to another business",
     ["INSERT OR REPLACE INTO subscriptions(id, business_id, app_id, plan, seats) VALUES (1, 2, 1, 'Team', 3)"],
     "subscriptions: a subscription in use cannot be replaced", "subscriptions: a subscription in use cannot be replaced", False),
    ("REPLACE re-opens a removed guest for a fresh period",
     ["INSERT OR REPLACE INTO guests(id, user_id, business_id, access_days, started_at, expires_at) "
      "SELECT id, user_id, business_id, 90, '2027-01-01 10:00:00', '2027-04-01 10:00:00' FROM guests"],
     "guests: guest access ids are never reused", "guests: guest access ids are never reused", False),
    ("REPLACE re-queues a sent email",
     ["INSERT OR REPLACE INTO outbox(id, kind, recipient, subject, body, message_id, next_attempt_at, created_at) "
      "SELECT id, kind, recipient, subject, body, message_id, next_attempt_at, created_at FROM outbox WHERE id = 1"],
     "outbox: email ids are never reused", "outbox: email ids are never reused", False),
    ("REPLACE re-addresses a queued email, key included",
     ["INSERT OR REPLACE INTO outbox(id, kind, invite_id, recipient, subject, body, message_id, secret, next_attempt_at, created_at) "
      "SELECT id, kind, invite_id, 'eve@evil.example', subject, body, message_id || 'x', secret, next_attempt_at, created_at FROM outbox WHERE status = 'queued' LIMIT 1"],
     "outbox: email ids are never reused", "outbox: email ids are never reused", False),
    ("a retired key revived",
     ["UPDATE invite_old_keys SET live = 1"],
     "invite_old_keys: only a key retired just now can be kept good", "invite_old_keys: only a key retired just now can be kept good", False),
    ("a chosen key planted live",
     [f"INSERT INTO invite_old_keys(key_hash, invite_id, live, retired_at) VALUES ({H}, 2, 1, '2027-01-01 10:00:00')"],
     "invite_old_keys: a key is retired dead, now, from a pending invite", None, False),
    ("a chosen key planted dead, then kept good",
     [f"INSERT INTO invite_old_keys(key_hash, invite_id, live, retired_at) VALUES ({H}, 2, 0, '2027-01-01 10:00:00')",
      f"UPDATE invite_old_keys SET live = 1 WHERE key_hash = {H}"],
     None, "no such function: invite_law_writer", True),
    ("a REPLACE over an old key",
     ["INSERT OR REPLACE INTO invite_old_keys(key_hash, invite_id, live, retired_at) "
      "SELECT key_hash, invite_id, 1, retired_at FROM invite_old_keys"],
     "invite_old_keys: key already used", "invite_old_keys: key already used", False),
    ("back-dated rows in invite_rate",
     ["INSERT INTO invite_rate(inviter_id, seq, at) VALUES (1, 3, '2026-12-01 10:00:00')"],
     "invite_rate: a count is the inviter's next, stamped now", "invite_rate", False),
    ("invite_rate rewritten by REPLACE",
     ["INSERT OR REPLACE INTO invite_rate(inviter_id, seq, at) VALUES (1, 1, '2026-12-01 10:00:00')"],
     "invite_rate: a count is the inviter's next, stamped now", "invite_rate", False),
    ("a Viewer's role given the right to invite Admins",
     ["UPDATE roles SET can_invite = 1, rank = 99 WHERE id = 1"],
     None, "no such function: invite_audit_hash", True),
    ("user 1 deleted, a stranger inserted as user 1",
     ["DELETE FROM users WHERE id = 1",
      "INSERT INTO users(id, email) VALUES (1, 'eve@evil.example')"],
     "users: a user in use cannot be deleted", "users: a user in use cannot be deleted", False),
    ("user 1 replaced by a stranger",
     ["INSERT OR REPLACE INTO users(id, email) VALUES (1, 'eve@evil.example')"],
     "users: a user in use cannot be replaced", "users: a user in use cannot be replaced", False),
    ("a user in use removed through REPLACE on its email",
     ["INSERT OR REPLACE INTO users(id, email) VALUES (99, 'MIA@acme.com')"],
     "users: a user in use cannot be replaced", "users: a user in use cannot be replaced", False),
    ("UPDATE OR REPLACE takes a user's email",
     ["UPDATE OR REPLACE users SET email = 'mia@acme.com' WHERE id = 4"],
     "users: another user has this id or email", "users: another user has this id or email", False),
    ("a user in use re-keyed",
     ["UPDATE users SET id = 77 WHERE id = 1"],
     "users: a user in use cannot change its id", "users: a user in use cannot change its id", False),
    ("a business in use deleted",
     ["DELETE FROM businesses WHERE id = 1"],
     "businesses: a business in use cannot be deleted", "businesses: a business in use cannot be deleted", False),
    ("a business in use replaced by name",
     ["INSERT OR REPLACE INTO businesses(id, name) VALUES (9, 'Acme')"],
     "businesses: a business in use cannot be replaced", "businesses: a business in use cannot be replaced", False),
    ("an app in use deleted",
     ["DELETE FROM apps WHERE id = 1"],
     "apps: an app in use cannot be deleted", "apps: an app in use cannot be deleted", False),
    ("a role in use deleted",
     ["DELETE FROM roles WHERE id = 1"],
     "roles: a role in use cannot be deleted", "roles: a role in use cannot be deleted", False),
    ("a role in use replaced",
     ["INSERT OR REPLACE INTO roles(id, app_id, name, rank, can_invite) VALUES (1, 1, 'Viewer', 99, 1)"],
     "roles: a role in use cannot be replaced", "roles: a role in use cannot be replaced", False),
    ("a subscription with a session deleted",
     ["DELETE FROM subscriptions WHERE id = 2"],
     "subscriptions: a subscription in use cannot be deleted", "subscriptions: a subscription in use cannot be deleted", False),
    ("a session replaced",
     ["INSERT OR REPLACE INTO sessions(id, subscription_id, owner_id) VALUES (1, 2, 3)"],
     "sessions: session ids are never reused", "sessions: session ids are never reused", False),
    ("a membership replaced",
     ["INSERT OR REPLACE INTO members(id, user_id, subscription_id, role_id) SELECT id, 4, 1, 1 FROM members WHERE user_id = 2 AND subscription_id = 1"],
     "members: membership ids are never reused", "members: membership ids are never reused", False),
    ("an invite of no known kind (CHECK constraints ignored)",
     ["INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) "
      f"VALUES ('admin', {H}, 3, 'eve@evil.example', 1, 1, 3, '2027-01-01 10:00:00', '2027-01-08 10:00:00')"],
     "invites: kind must be member, guest or session", "invites: kind must be member, guest or session", False),
    ("a roster row of no known kind stays when the representatives leave (CHECK constraints ignored)",
     ["INSERT INTO session_members(session_id, user_id, kind) VALUES (1, 4, 'visitor')"],
     "session_members: kind must be owner, member or external", "session_members: kind must be owner, member or external", False),
    ("a guest access with an unknown end reason (CHECK constraints ignored)",
     ["UPDATE guests SET end_reason = 'paused'"],
     "guests: end_reason must be removed or left", "guests: end_reason must be removed or left", False),
    ("the clock set to garbage",
     ["UPDATE invite_meta SET value = 'soon' WHERE name = 'clock'"],
     "invite_meta: the clock is NULL or a timestamp", "invite_meta: the clock is NULL or a timestamp", False),
    ("the clock replaced with garbage",
     ["INSERT OR REPLACE INTO invite_meta(name, value) VALUES ('clock', 42)"],
     "invite_meta: the clock is NULL or a timestamp", "invite_meta: the clock is NULL or a timestamp", False),
    ("a built-in default loosened (no audit row)",
     ["UPDATE invite_setting_defs SET value = 0 WHERE name = 'invites_per_inviter_per_day'"],
     "invite_setting_defs: the built-in defaults change only with invite_init()", None, False),
    ("a built-in default replaced",
     ["INSERT OR REPLACE INTO invite_setting_defs(name, value, description) VALUES ('invite_days', 3650, 'x')"],
     "invite_setting_defs: the built-in defaults change only with invite_init()", None, False),
    ("the schema version rewritten",
     ["UPDATE invite_meta SET value = 99 WHERE name = 'schema_version'"],
     "invite_meta: schema_version changes only with invite_init()", None, False),
    ("an audit row replaced",
     ["INSERT OR REPLACE INTO audit_log(id, at, action, subject, hash) VALUES (1, '2027-01-01 10:00:00', 'x', 'y', x'00')"],
     "audit_log: the audit log is append-only", "audit_log: the audit log is append-only", False),
]

# What careful applications do must keep working. Tables whose changes
# are audited (users, roles, members...) are written on connections that
# loaded the extension; without it such writes fail closed (True below).
ALLOWED = [
    ("an UPSERT that updates a user in use",
     ["INSERT INTO users(id, email, first_name) VALUES (1, 'mia@acme.com', 'Mia') "
      "ON CONFLICT(id) DO UPDATE SET first_name = 'Mia-Rose'"], True),
    ("INSERT OR IGNORE of a user who exists, then a new user",
     ["INSERT OR IGNORE INTO users(id, email) VALUES (1, 'mia@acme.com')",
      "INSERT OR IGNORE INTO users(email) VALUES ('MIA@acme.com')",
      "INSERT INTO users(email) VALUES ('new@example.com')"], True),
    ("UPSERT DO NOTHING on a business in use, then a new business",
     ["INSERT INTO businesses(name) VALUES ('Acme') ON CONFLICT DO NOTHING",
      "INSERT INTO businesses(name) VALUES ('Initech')"], False),
    ("REPLACE of a user nobody refers to",
     ["INSERT INTO users(id, email) VALUES (50, 'free@example.com')",
      "INSERT OR REPLACE INTO users(id, email, first_name) VALUES (50, 'free@example.com', 'Free')"], True),
    ("a role's rank changed, audited",
     ["UPDATE roles SET rank = 15 WHERE id = 1"], True),
]

TABLES = None


def snapshot(db):
    global TABLES
    if TABLES is None:
        TABLES = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in TABLES}


def run(attack, with_ext, pragmas):
    name, stmts, msg_ext, msg_plain, audited = attack
    path = f"{WORK}/attack.db"
    shutil.copy(FIXTURE, path)
    db = connect(path, with_ext)
    for p, v in pragmas.items():
        db.execute(f"PRAGMA {p} = {v}")
    before = snapshot(db)
    audit_before = before["audit_log"]
    error = None
    for sql in stmts:
        try:
            db.execute(sql)
        except sqlite3.Error as e:
            error = str(e)
            break
    after = snapshot(db)
    db.close()
    expect = msg_ext if with_ext else msg_plain
    accepted = [expect]
    # With recursive_triggers on, REPLACE fires the DELETE triggers first.
    if expect and pragmas["recursive_triggers"] and "cannot be replaced" in expect:
        accepted.append(expect.split(" cannot be replaced")[0] + " cannot be deleted")
    # Without the extension a statement whose triggers call one of its
    # functions cannot even be prepared: it fails closed.
    if not with_ext:
        accepted.append("no such function: invite_")
    if error is not None:
        if expect is not None and not any(a in error for a in accepted):
            return f"refused with another message: {error!r} (expected {expect!r})"
        if error is not None and after != before:
            changed = [t for t in TABLES if after[t] != before[t]]
            return f"refused ({error}) but changed {changed}"
        return None
    if with_ext and audited:
        if len(after["audit_log"]) > len(audit_before):
            return None
        return "succeeded without an audit row"
    return "not refused"


def main():
    import os
    if os.path.exists(FIXTURE):
        os.remove(FIXTURE)
    build_fixture()
    failures = 0
    names = ("recursive_triggers", "foreign_keys", "ignore_check_constraints")
    for attack in ATTACKS:
        bad = []
        for with_ext in (True, False):
            for values in itertools.product((0, 1), repeat=3):
                pragmas = dict(zip(names, values))
                problem = run(attack, with_ext, pragmas)
                if problem:
                    flags = " ".join(f"{n}={v}" for n, v in pragmas.items())
                    bad.append(f"    {'with' if with_ext else 'without'} extension, {flags}: {problem}")
        if bad:
            failures += 1
            print(f"FAIL {attack[0]}")
            print("\n".join(bad[:4]) + ("\n    ..." if len(bad) > 4 else ""))
        else:
            print(f"ok   {attack[0]} (16 connections)")
    for name, stmts, audited in ALLOWED:
        bad = []
        for with_ext in ((True,) if audited else (True, False)):
            for values in itertools.product((0, 1), repeat=3):
                shutil.copy(FIXTURE, f"{WORK}/allowed.db")
                db = connect(f"{WORK}/allowed.db", with_ext)
                for p, v in zip(names, values):
                    db.execute(f"PRAGMA {p} = {v}")
                try:
                    for sql in stmts:
                        db.execute(sql)
                    if "audited" in name and not db.execute("SELECT count(*) FROM audit_log WHERE action = 'role.changed'").fetchone()[0]:
                        bad.append(f"    {values}: no audit row")
                except sqlite3.Error as e:
                    bad.append(f"    {'with' if with_ext else 'without'} extension {values}: {e}")
                db.close()
        if bad:
            failures += 1
            print(f"FAIL allowed: {name}")
            print("\n".join(bad[:4]))
        else:
            print(f"ok   allowed: {name}")
    print(f"{len(ATTACKS) + len(ALLOWED) - failures} cases hold everywhere, {failures} do not")
    return 1 if failures else 0


sys.exit(main())
