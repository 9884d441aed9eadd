"""audit_key.py — the keyed audit chain against a look-alike function, and
the head against a cut tail.

    python3 audit_key.py INVITE_SO WORKDIR
"""
import hashlib
import json
import os
import sqlite3
import struct
import sys

SO, WORK = sys.argv[1], sys.argv[2]
DB, KEY = WORK + "/keyed.db", WORK + "/audit.key"
failures = 0


def check(name, expected, actual):
    global failures
    if expected == actual:
        print(f"ok   {name}")
    else:
        failures += 1
        print(f"FAIL {name}: expected {expected!r} got {actual!r}")


def ext(key=True):
    if key:
        os.environ["INVITE_AUDIT_KEY_FILE"] = KEY
    else:
        os.environ.pop("INVITE_AUDIT_KEY_FILE", None)
    db = sqlite3.connect(DB, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(SO)
    db.execute("SELECT invite_init()")
    return db


def v1_hash(*fields):
    """The unkeyed row hash, as ext/audit.c documents it: what anyone can compute."""
    h = hashlib.blake2b(digest_size=32)
    h.update(b"sqlite-invite/audit/v1")
    for v in fields:
        if v is None:
            h.update(b"\x00")
        elif isinstance(v, int):
            h.update(b"\x01" + struct.pack(">q", v))
        elif isinstance(v, float):
            h.update(b"\x02" + struct.pack(">d", v))
        elif isinstance(v, str):
            b = v.encode()
            h.update(b"\x03" + struct.pack(">Q", len(b)) + b)
        else:
            h.update(b"\x04" + struct.pack(">Q", len(v)) + bytes(v))
    return h.digest()


def v1_field(h, v):
    if v is None:
        h.update(b"\x00")
    elif isinstance(v, int):
        h.update(b"\x01" + struct.pack(">q", v))
    elif isinstance(v, str):
        b = v.encode()
        h.update(b"\x03" + struct.pack(">Q", len(b)) + b)
    else:
        h.update(b"\x04" + struct.pack(">Q", len(v)) + bytes(v))


def v1_commit(salt, detail):
    """The commitment the row hash covers in place of the detail (ext/audit.c)."""
    h = hashlib.blake2b(digest_size=32)
    h.update(b"sqlite-invite/audit-detail/v1")
    v1_field(h, salt)
    v1_field(h, detail)
    return h.digest()


for f in (DB, KEY):
    if os.path.exists(f):
        os.remove(f)
with open(KEY, "wb") as f:
    f.write(os.urandom(32))

db = ext()
db.execute("SELECT invite_clock('2027-01-01 10:00:00')")
db.execute("INSERT INTO businesses VALUES (1, 'Acme')")
db.execute("INSERT INTO settings(business_id, name, value) VALUES (NULL, 'invite_days', 5)")
check("keyed chain verifies with the key", None, db.execute("SELECT invite_audit_verify()").fetchone()[0])
first = db.execute("SELECT action FROM audit_log WHERE id = 1").fetchone()[0]
check("the chain says from where it is keyed", "audit.keyed", first)
head = db.execute("SELECT invite_audit_head()").fetchone()[0]
db.close()

# A client without the extension plays it: look-alike functions with the
# documented unkeyed encoding, then a setting change that looks audited.
plain = sqlite3.connect(DB, isolation_level=None)
plain.create_function("invite_audit_hash", 7, v1_hash, deterministic=True)
plain.create_function("invite_audit_commit", 2, v1_commit, deterministic=True)
plain.create_function("invite_law_writer", 0, lambda: 1)
plain.execute("UPDATE settings SET value = 0 WHERE name = 'invite_days'")
forged = plain.execute("SELECT max(id) FROM audit_log").fetchone()[0]
plain.close()

db = ext()
check("the forged row is named", forged, db.execute("SELECT invite_audit_verify()").fetchone()[0])
db.close()
db = ext(key=False)
check("without the key a keyed chain does not verify (row 1)", 1,
      db.execute("SELECT invite_audit_verify()").fetchone()[0])
db.close()

# More look-alikes: a template with an unknown macro, an email to two
# recipients. The chain names the first forged row; invite_check() names
# the rows the real checks refuse.
plain = sqlite3.connect(DB, isolation_level=None)
plain.create_function("invite_audit_hash", 7, v1_hash, deterministic=True)
plain.create_function("invite_audit_commit", 2, v1_commit, deterministic=True)
plain.create_function("invite_template_check", 1, lambda t: None, deterministic=True)
plain.create_function("invite_raise", 1, lambda m: None)
plain.create_function("invite_text_problem", 1, lambda t: None, deterministic=True)
plain.create_function("invite_outbox_problem", 12, lambda *a: None, deterministic=True)
plain.create_function("invite_law_writer", 0, lambda: 1)
plain.execute("INSERT INTO templates(business_id, kind, subject, body) VALUES "
              "(1, 'member_invite', 'Hi %NOPE%', 'Go to %SESSION_KEY_URL%')")
tpl = plain.execute("SELECT max(id) FROM templates").fetchone()[0]
plain.execute("INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at) "
              "VALUES ('member_invite', 'a@x.example, b@y.example', 's', 'b', '<1@x>', "
              "'2027-01-01 10:00:00', '2027-01-01 10:00:00')")
mail = plain.execute("SELECT max(id) FROM outbox").fetchone()[0]
plain.close()
db = ext()
check("the first forged row is still named", forged, db.execute("SELECT invite_audit_verify()").fetchone()[0])
rows = json.loads(db.execute("SELECT invite_check()").fetchone()[0])["rows"]
check("invite_check names the template", [("templates", tpl)], [(r["table"], r["id"]) for r in rows if r["table"] == "templates"])
check("invite_check names the email", [("outbox", mail)], [(r["table"], r["id"]) for r in rows if r["table"] == "outbox"])
print("     " + "; ".join(r["problem"] for r in rows))
db.close()

# A chain rebuilt from scratch with the unkeyed hash, the keyed row dropped.
plain = sqlite3.connect(DB, isolation_level=None)
plain.create_function("invite_audit_hash", 7, v1_hash, deterministic=True)
plain.create_function("invite_audit_commit", 2, v1_commit, deterministic=True)
plain.executescript("""
  PRAGMA writable_schema = 1;
  DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update;
  DELETE FROM audit_log;
""")
plain.execute("INSERT INTO audit_append(action, subject) VALUES ('business.created', 'business:1')")
plain.close()
db = ext(key=False)
db.close()
plain = sqlite3.connect(DB, isolation_level=None)
check("unkeyed, the rebuilt chain and the restore", 2, plain.execute("SELECT count(*) FROM audit_log").fetchone()[0])
plain.close()
db = ext()
# invite_init() restored the law; the rebuilt chain has no keyed row.
check("keyed, a rebuilt chain fails at row 1", 1, db.execute("SELECT invite_audit_verify()").fetchone()[0])
db.close()

# The head against a cut tail.
for f in (DB,):
    os.remove(f)
db = ext()
db.execute("INSERT INTO businesses VALUES (1, 'Acme')")
db.execute("INSERT INTO settings(business_id, name, value) VALUES (NULL, 'invite_days', 5)")
db.execute("INSERT INTO settings(business_id, name, value) VALUES (NULL, 'guest_access_days', 30)")
head = db.execute("SELECT invite_audit_head()").fetchone()[0]
head_id = json.loads(head)["id"]
check("verify with the head", None, db.execute("SELECT invite_audit_verify(?)", (head,)).fetchone()[0])
db.close()
plain = sqlite3.connect(DB, isolation_level=None)
plain.executescript("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);")
plain.close()
db = ext()
# invite_init() put the trigger back and audited that; the cut is before it.
check("the law was restored and audited", "law.restored",
      db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0])
check("a cut tail shows against the stored head", head_id,
      db.execute("SELECT invite_audit_verify(?)", (head,)).fetchone()[0])
try:
    db.execute("SELECT invite_audit_verify('nonsense')")
    check("a bad head is refused", "error", "none")
except sqlite3.Error as e:
    check("a bad head is refused", "invite_audit_verify: argument 1 (head) must be what invite_audit_head() returned", str(e))
db.close()
# An existing unkeyed chain starts keying once, on request.
os.remove(DB)
db = ext(key=False)
db.execute("INSERT INTO settings(business_id, name, value) VALUES (NULL, 'guest_access_days', 30)")
db.execute("SELECT invite_audit_key('a secret of the operator', 'start')")
db.execute("INSERT INTO settings(business_id, name, value) VALUES (NULL, 'invite_days', 5)")
check("a chain keyed from the middle verifies with the key", None,
      db.execute("SELECT invite_audit_verify()").fetchone()[0])
check("its keyed part starts at the mark", ["setting.changed", "audit.keyed", "setting.changed"],
      [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY id")])
try:
    db.execute("SELECT invite_audit_key('short')")
except sqlite3.Error as e:
    check("a short secret is refused", "invite_audit_key: argument 1 (secret) must be 16 to 4096 bytes, got 5", str(e))
db.close()
print(f"{failures} failed")
sys.exit(1 if failures else 0)
