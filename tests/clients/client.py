"""client.py — the scenario of tests/clients/README.md through Python's sqlite3.

    /usr/bin/python3 client.py INVITE_SO CATALOG DB
"""
import json
import sqlite3
import sys

so, catalog, path = sys.argv[1:]
failed = 0


def check(cond, what):
    global failed
    print(("ok " if cond else "FAIL ") + what)
    failed += 0 if cond else 1


def refusal(sql, args):
    """(message, sqlite_errorcode, exception class name) of a refused call."""
    try:
        con.execute(sql, args).fetchall()
    except sqlite3.Error as e:
        return str(e), e.sqlite_errorcode, type(e).__name__
    return None, None, None


con = sqlite3.connect(path, isolation_level=None)
con.enable_load_extension(True)
con.load_extension(so[:-3] if so.endswith(".so") else so)
con.enable_load_extension(False)
version = con.execute("SELECT invite_init()").fetchone()[0]
check(isinstance(version, int) and version > 0, "invite_init() returns the schema version %r" % version)
con.executescript(open(catalog).read())
check(con.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 3, "catalog by plain SQL")

# ids as Python ints
created = json.loads(con.execute(
    "SELECT invite_create(?, ?, ?, ?, ?)",
    ("ann@example.com", 2, 4, 1, json.dumps({"first_name": "Ann", "last_name": "Lee"}))).fetchone()[0])
key = created["key"]
check(isinstance(created["id"], int) and len(key) >= 32, "invite_create with int ids: invite %d, key captured" % created["id"])
peek = json.loads(con.execute("SELECT invite_peek(?)", (key,)).fetchone()[0])
check(peek["state"] == "pending" and peek["can_redeem"] is True and peek["app"] == "Pager", "invite_peek: pending, can redeem")
redeemed = json.loads(con.execute("SELECT invite_redeem(?)", (key,)).fetchone()[0])
check(redeemed["invite_id"] == created["id"] and redeemed["kind"] == "member", "invite_redeem: member of invite %d" % redeemed["invite_id"])
at = json.loads(con.execute("SELECT invite_peek(?)", (key,)).fetchone()[0])["redeemed_at"]
msg, code, cls = refusal("SELECT invite_redeem(?)", (key,))
check(msg == "invite_redeem: key already used on %s UTC" % at, "redeem twice: %r" % msg)
check(code == sqlite3.SQLITE_CONSTRAINT and cls == "IntegrityError", "redeem twice: SQLITE_CONSTRAINT as IntegrityError (%s, %s)" % (code, cls))
# a float id that is integral (Python code computing ids) goes as REAL
msg, code, cls = refusal("SELECT invite_create('bob@example.com', ?, 4, 1, '{\"first_name\":\"Bob\",\"last_name\":\"Ng\"}')", (2.0,))
check(msg is None, "id 2.0 (REAL) accepted as 2 (%s)" % msg)
msg, code, cls = refusal("SELECT invite_create('bob@example.com', ?, 4, 1)", (2.5,))
check(msg is not None and msg.startswith("invite_create: argument 2 (subscription)"), "id 2.5 refused: %r" % msg)
# bad UTF-8: bytes cast to TEXT reach the verb as invalid text
msg, code, cls = refusal("SELECT invite_create(CAST(? AS TEXT), 2, 4, 1)", (b"ann\xff@example.com",))
check(msg is not None and msg.startswith("invite_create: argument 1 (invitee) is not valid UTF-8"), "bad UTF-8 refused, message decodes: %r" % msg)
check(cls not in ("InterfaceError", None), "bad UTF-8: %s, not InterfaceError" % cls)

# a reporting connection without the extension
plain = sqlite3.connect(path, isolation_level=None)
state = plain.execute("SELECT state FROM invite_status WHERE invite_id = ?", (created["id"],)).fetchone()
check(state == ("accepted",), "view invite_status without the extension: %r" % (state,))
before = plain.execute("SELECT count(*) FROM invites").fetchone()[0]
try:
    plain.execute("DELETE FROM invites")
    check(False, "a write without the extension was accepted")
except sqlite3.Error as e:
    check(str(e).startswith("no such function: invite_"), "a write without the extension fails closed: %s" % e)
check(plain.execute("SELECT count(*) FROM invites").fetchone()[0] == before, "nothing written")
sys.exit(1 if failed else 0)
