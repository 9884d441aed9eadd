#!/usr/bin/python3
"""bench_peers.py: sqlite-invite beside django-invitations, from Python.

    make bench-peers                      # 10,000 invites, 3 runs, the race
    make bench-peers BENCH_PEERS_ARGS="--checkpoint-ms 50"   # with the tail's fix
    /usr/bin/python3 tools/bench-peers/bench_peers.py --so build/invite.so
        [--n 10000] [--runs 3] [--race-keys 20] [--dir build/bench-peers]
        [--checkpoint-ms 0]

Three sides, each driven from Python's sqlite3 (Debian's /usr/bin/python3,
whose sqlite3 can load extensions) on its own SQLite file in WAL mode with
synchronous=NORMAL:

  sqlite-invite   SELECT invite_create(email, 1, 1, 1, '{names}') per
                  create (a new person, by address: the verb validates the
                  address, the inviter's right, the cascade, seats, the
                  pending check, renders the template into the outbox and
                  audits), json.loads of the result for the key;
                  SELECT invite_redeem(key, email) per redeem (makes the
                  user and the membership, audits).
  django          django-invitations 2.0 on Django 3.2 (Debian packages),
                  settings configured in code, doing what its views do.
                  Invite (SendInvite.form_valid): InviteForm validation
                  (EmailField + the three pending/accepted/registered
                  queries), Invitation.create, inviter saved,
                  send_invitation (reverse + absolute URL, the subject and
                  body templates, the locmem mail backend, the sent time
                  saved, the signal). Accept (AcceptInvite.post): lookup by
                  key, the accepted/expired checks, accept_invitation (save,
                  signal, the message template into the messages storage),
                  the verified email stashed in the session, then
                  User.objects.create_user (no password: an unusable one,
                  as the verb makes no password either).
  plain SQL       hand-written SQL without rules: one INSERT per create
                  (a Python-made key); SELECT + UPDATE + INSERT user per
                  redeem. The cost of Python and sqlite3 alone.

Not included on the Django side: HTTP, middleware, URL resolution of the
incoming request, the response page (the invite view's form template and the
redirects), authentication, and allauth's signup form; the request object is
built once by RequestFactory and reused. All of these would make Django
slower, so the ratios are a lower bound. Not included on ours: the web layer
around the call, the same way.

Modes: "one tx" = BEGIN, n calls, COMMIT (Django: one transaction.atomic()
around the loop); "per call" = each call its own transaction (the verb's own
BEGIN IMMEDIATE/COMMIT in autocommit; Django: transaction.atomic() per view
call, as ATOMIC_REQUESTS does; plain SQL: BEGIN IMMEDIATE ... COMMIT).
Each (side, mode) cell runs in a fresh process on a fresh file: n creates
are timed, then n redeems of those invites. Cells of the three sides
alternate; the median of --runs runs is printed.

--checkpoint-ms N (N > 0) gives every side the setting tools/README.md
recommends against the latency tail: the timed connection never
checkpoints (wal_autocheckpoint=0) and a thread with a connection of its
own runs PRAGMA wal_checkpoint(PASSIVE) every N ms. 0 (the default) leaves
SQLite's default: the committing call checkpoints when the WAL passes 1000
pages.

The race: --race-keys invitations, two worker processes accept each of them
at the same moment (a barrier before each key), as two browser tabs or a
mail scanner and a person would. Counted: invitations both workers were told
were accepted.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

GOALS = {  # (operation, mode): django time / sqlite-invite time at least
    ("create", "one tx"): 40,
    ("create", "per call"): 20,
    ("redeem", "one tx"): 20,
    ("redeem", "per call"): 8,
}
MODES = ("one tx", "per call")
CHECKPOINT_MS = 0  # --checkpoint-ms; 0: SQLite's default checkpoints


def email_of(i):
    return "person%d@example.com" % i


def pragmas(db):
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    if CHECKPOINT_MS:
        db.execute("PRAGMA wal_autocheckpoint=0")


class Checkpointer:
    """With --checkpoint-ms: a PASSIVE checkpoint every CHECKPOINT_MS from a
    thread and connection of its own, while the timed calls run."""

    def __init__(self, path):
        self.path = path
        self.stopping = threading.Event()
        self.thread = None

    def __enter__(self):
        if CHECKPOINT_MS:
            self.thread = threading.Thread(target=self.run, daemon=True)
            self.thread.start()
        return self

    def run(self):
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA busy_timeout=10000")
        while not self.stopping.wait(CHECKPOINT_MS / 1000):
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        db.close()

    def __exit__(self, *exc):
        self.stopping.set()
        if self.thread:
            self.thread.join()


# ---- sqlite-invite ----

def invite_open(path, so):
    db = sqlite3.connect(path, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(so)
    pragmas(db)
    return db


def invite_setup(path, so):
    db = invite_open(path, so)
    db.execute("SELECT invite_init()")
    db.executescript("""
        BEGIN;
        INSERT INTO businesses VALUES (1, 'Acme');
        INSERT INTO apps VALUES (1, 'Ledger');
        INSERT INTO subscriptions VALUES (1, 1, 1, 'Enterprise', NULL);
        INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0);
        INSERT INTO users(id, email, first_name, last_name)
          VALUES (1, 'mia@acme.com', 'Mia', 'Manager');
        INSERT INTO account_managers VALUES (1, 1);
        -- one inviter makes every invite: no daily limit
        INSERT INTO settings VALUES (NULL, 'invites_per_inviter_per_day', 0);
        COMMIT;
    """)
    return db


def invite_cell(path, so, mode, n):
    db = invite_setup(path, so)
    names = json.dumps({"first_name": "Pat", "last_name": "Person"})
    keys = []

    def create(i):
        row = db.execute("SELECT invite_create(?, 1, 1, 1, ?)",
                         (email_of(i), names)).fetchone()
        keys.append(json.loads(row[0])["key"])

    def redeem(i):
        row = db.execute("SELECT invite_redeem(?, ?)",
                         (keys[i], email_of(i))).fetchone()
        if json.loads(row[0])["user_id"] is None:
            raise SystemExit("invite_redeem made no user")

    # Per call: autocommit, so each verb runs its own BEGIN IMMEDIATE/COMMIT.
    with Checkpointer(path):
        out = {"create": timed(db, create, mode, n, per_call_tx=False),
               "redeem": timed(db, redeem, mode, n, per_call_tx=False)}
    members = db.execute("SELECT count(*) FROM members").fetchone()[0]
    if members != n:
        raise SystemExit("sqlite-invite: %d members for %d redemptions" % (members, n))
    db.close()
    return out


def timed(db, fn, mode, n, per_call_tx):
    t0 = time.perf_counter()
    if mode == "one tx":
        db.execute("BEGIN")
        for i in range(n):
            fn(i)
        db.execute("COMMIT")
    elif per_call_tx:
        for i in range(n):
            db.execute("BEGIN IMMEDIATE")
            fn(i)
            db.execute("COMMIT")
    else:
        for i in range(n):
            fn(i)
    return (time.perf_counter() - t0) / n * 1e6


# ---- plain SQL, no rules ----

def plain_cell(path, mode, n):
    db = sqlite3.connect(path, isolation_level=None)
    pragmas(db)
    db.executescript("""
        CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
        CREATE TABLE invites(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
          email TEXT NOT NULL, created_at TEXT NOT NULL, redeemed_at TEXT,
          user_id INTEGER);
    """)
    keys = []

    def create(i):
        key = secrets.token_urlsafe(32)
        db.execute("INSERT INTO invites(key, email, created_at)"
                   " VALUES (?, ?, datetime('now'))", (key, email_of(i)))
        keys.append(key)

    def redeem(i):
        row = db.execute("SELECT id, email, redeemed_at FROM invites WHERE key = ?",
                         (keys[i],)).fetchone()
        cur = db.execute("INSERT INTO users(email) VALUES (?)", (row[1],))
        db.execute("UPDATE invites SET redeemed_at = datetime('now'), user_id = ?"
                   " WHERE id = ?", (cur.lastrowid, row[0]))

    with Checkpointer(path):
        out = {"create": timed(db, create, mode, n, per_call_tx=True),
               "redeem": timed(db, redeem, mode, n, per_call_tx=True)}
    db.close()
    return out


# ---- django-invitations ----

urlpatterns = []  # filled by django_setup (ROOT_URLCONF is this module)


def django_setup(path):
    import django
    from django.conf import settings
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-peers",
        ALLOWED_HOSTS=["testserver"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes",
                        "django.contrib.sites", "django.contrib.sessions",
                        "django.contrib.messages", "invitations"],
        SITE_ID=1,
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DEFAULT_FROM_EMAIL="invite@example.com",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                    "APP_DIRS": True}],
        ROOT_URLCONF=__name__,
        INVITATIONS_INVITATION_EXPIRY=7,
    )
    from django.db.backends.signals import connection_created

    def on_connect(sender, connection, **kwargs):
        with connection.cursor() as c:
            pragmas(c)  # the same settings as the other sides
    connection_created.connect(on_connect)
    django.setup()
    from django.urls import include, path as url_path
    urlpatterns.append(url_path("invitations/", include("invitations.urls")))
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    User = get_user_model()
    inviter = User.objects.create_user(username="mia", email="mia@acme.com")
    return inviter


class DjangoViews:
    """What SendInvite.form_valid and AcceptInvite.post do, minus the HTTP."""

    def __init__(self, inviter):
        from django.test import RequestFactory
        from django.contrib.auth import get_user_model
        from django.contrib.sessions.backends.signed_cookies import SessionStore
        from django.contrib.messages.storage.session import SessionStorage
        from invitations.adapters import get_invitations_adapter
        from invitations.forms import InviteForm
        from invitations.utils import get_invitation_model
        from invitations.views import AcceptInvite, accept_invitation
        self.User = get_user_model()
        self.Invitation = get_invitation_model()
        self.InviteForm = InviteForm
        self.AcceptInvite = AcceptInvite
        self.accept_invitation = accept_invitation
        self.adapter = get_invitations_adapter()
        self.SessionStorage = SessionStorage
        self.request = RequestFactory().post("/invitations/send-invite/")
        self.request.user = inviter
        self.request.session = SessionStore()
        self.inviter = inviter

    def invite(self, email):
        form = self.InviteForm(data={"email": email})
        if not form.is_valid():
            raise SystemExit("django: form refused %s: %s" % (email, form.errors))
        invite = form.save(email)
        invite.inviter = self.inviter
        invite.save()
        invite.send_invitation(self.request)
        return invite.key

    def accept(self, key, create_user=True):
        """True when the view would tell the visitor the invite is accepted."""
        self.request._messages = self.SessionStorage(self.request)
        try:
            invitation = self.Invitation.objects.get(key=key.lower())
        except self.Invitation.DoesNotExist:
            return False
        if invitation.accepted or invitation.key_expired():  # GONE_ON_ACCEPT_ERROR
            return False
        self.accept_invitation(invitation=invitation, request=self.request,
                               signal_sender=self.AcceptInvite)
        self.adapter.stash_verified_email(self.request, invitation.email)
        if create_user:
            self.User.objects.create_user(username=invitation.email,
                                          email=invitation.email)
        return True


def django_cell(path, mode, n):
    inviter = django_setup(path)
    from django.db import connection, transaction
    from django.core import mail
    views = DjangoViews(inviter)
    keys = []

    def run(fn):
        t0 = time.perf_counter()
        if mode == "one tx":
            with transaction.atomic():
                for i in range(n):
                    fn(i)
        else:
            for i in range(n):
                with transaction.atomic():
                    fn(i)
        return (time.perf_counter() - t0) / n * 1e6

    def redeem(i):
        if not views.accept(keys[i]):
            raise SystemExit("django: invite %d not accepted" % i)

    with Checkpointer(path):
        out = {"create": run(lambda i: keys.append(views.invite(email_of(i)))),
               "redeem": run(redeem)}
    if len(mail.outbox) != n:
        raise SystemExit("django: %d mails for %d invites" % (len(mail.outbox), n))
    if views.User.objects.count() != n + 1:
        raise SystemExit("django: users do not match accepts")
    connection.close()
    return out


# ---- the race: two workers accept the same invitations at once ----

def race_worker(side, path, so, keys, barrier, results):
    accepted = []
    if side == "django":
        from django.db import connections
        connections.close_all()  # the parent's connection is not shared
        views = DJANGO_VIEWS
        for i, key in enumerate(keys):
            barrier.wait()
            try:
                ok = views.accept(key, create_user=False)
            except Exception:
                ok = False
            accepted.append(ok)
    else:
        db = invite_open(path, so)
        for i, key in enumerate(keys):
            barrier.wait()
            try:
                db.execute("SELECT invite_redeem(?, ?)", (key, email_of(i))).fetchone()
                accepted.append(True)
            except sqlite3.Error:
                accepted.append(False)
        db.close()
    results.put(accepted)


DJANGO_VIEWS = None


def race_cell(side, path, so, nKeys):
    import multiprocessing as mp
    global DJANGO_VIEWS
    if side == "django":
        inviter = django_setup(path)
        DJANGO_VIEWS = DjangoViews(inviter)
        keys = [DJANGO_VIEWS.invite(email_of(i)) for i in range(nKeys)]
        from django.db import connections
        connections.close_all()
    else:
        db = invite_setup(path, so)
        names = json.dumps({"first_name": "Pat", "last_name": "Person"})
        keys = [json.loads(db.execute("SELECT invite_create(?, 1, 1, 1, ?)",
                                      (email_of(i), names)).fetchone()[0])["key"]
                for i in range(nKeys)]
        db.close()
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=race_worker,
                           args=(side, path, so, keys, barrier, results))
               for _ in range(2)]
    for w in workers:
        w.start()
    a, b = results.get(), results.get()
    for w in workers:
        w.join()
    return {"twice": sum(1 for x, y in zip(a, b) if x and y),
            "never": sum(1 for x, y in zip(a, b) if not x and not y),
            "keys": nKeys}


# ---- the driver ----

def remove_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


def worker_main(args):
    path = os.path.join(args.dir, "%s.db" % args.side.replace(" ", "_"))
    remove_db(path)
    if args.race:
        out = race_cell(args.side, path, args.so, args.race_keys)
    elif args.side == "sqlite-invite":
        out = invite_cell(path, args.so, args.mode, args.n)
    elif args.side == "plain SQL":
        out = plain_cell(path, args.mode, args.n)
    else:
        out = django_cell(path, args.mode, args.n)
    remove_db(path)
    print(json.dumps(out))


def run_worker(args, side, mode=None, race=False):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--side", side,
           "--so", args.so, "--dir", args.dir, "--n", str(args.n),
           "--race-keys", str(args.race_keys), "--checkpoint-ms", str(args.checkpoint_ms)]
    if mode:
        cmd += ["--mode", mode]
    if race:
        cmd += ["--race"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit("bench-peers: the %s worker failed" % side)
    return json.loads(p.stdout.strip().splitlines()[-1])


def versions(so):
    import django
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(so)
    ours = db.execute("SELECT invite_version()").fetchone()[0]
    db.close()
    try:
        inv = subprocess.run(["dpkg-query", "-W", "-f", "${Version}",
                              "python3-django-invitations"],
                             capture_output=True, text=True).stdout or "?"
    except OSError:
        inv = "?"
    commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                             "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    return ("sqlite-invite %s (%s), SQLite %s, Python %s, Django %s, "
            "django-invitations %s" % (ours, commit, sqlite3.sqlite_version,
                                       platform.python_version(),
                                       django.get_version(), inv))


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", load average %.2f %.2f %.2f" % os.getloadavg()
    return "%s, %s, %d CPUs%s" % (platform.platform(), model, os.cpu_count(), load)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--so", default="build/invite.so")
    ap.add_argument("--dir", default="build/bench-peers")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--race-keys", type=int, default=20)
    ap.add_argument("--no-race", action="store_true")
    ap.add_argument("--checkpoint-ms", type=int, default=0,
                    help="0: SQLite's default checkpoints; N: none in the timed"
                         " connection, a PASSIVE one every N ms from a thread")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--side", help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--race", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.checkpoint_ms < 0:
        ap.error("--checkpoint-ms must be 0 or more (got %d)" % args.checkpoint_ms)
    global CHECKPOINT_MS
    CHECKPOINT_MS = args.checkpoint_ms
    args.so = os.path.abspath(args.so)
    os.makedirs(args.dir, exist_ok=True)
    if args.worker:
        worker_main(args)
        return
    started = datetime.datetime.now(datetime.timezone.utc)
    print("bench-peers: %s" % versions(args.so))
    print("machine: %s" % machine())
    print("%d invites per cell, WAL, synchronous=NORMAL, median of %d runs,"
          " microseconds per call" % (args.n, args.runs), flush=True)
    if args.checkpoint_ms:
        print("with the tail's fix on every side: wal_autocheckpoint=0, a PASSIVE"
              " checkpoint every %d ms from a thread of its own" % args.checkpoint_ms)
    else:
        print("SQLite's default checkpoints (the committing call checkpoints when"
              " the WAL passes 1000 pages)", flush=True)
    sides = ("sqlite-invite", "plain SQL", "django")
    samples = {}  # (side, mode, op) -> [us]
    for r in range(args.runs):
        for mode in MODES:
            for side in sides:
                out = run_worker(args, side, mode)
                for op in ("create", "redeem"):
                    samples.setdefault((side, mode, op), []).append(out[op])
        print("  run %d of %d done" % (r + 1, args.runs), file=sys.stderr, flush=True)
    print()
    print("| operation | mode | sqlite-invite µs | plain SQL µs | django-invitations µs"
          " | django ÷ sqlite-invite | goal | |")
    print("|---|---|---|---|---|---|---|---|")
    missed = 0
    for op in ("create", "redeem"):
        for mode in MODES:
            med = {s: statistics.median(samples[(s, mode, op)]) for s in sides}
            ratio = med["django"] / med["sqlite-invite"]
            goal = GOALS[(op, mode)]
            ok = ratio >= goal
            missed += not ok
            print("| %s | %s | %.1f | %.1f | %.0f | %.1fx | ≥%dx | %s |"
                  % (op, mode, med["sqlite-invite"], med["plain SQL"], med["django"],
                     ratio, goal, "met" if ok else "MISSED"))
    if not args.no_race:
        print()
        print("two workers accepting the same %d invitations at once:" % args.race_keys)
        for side in ("sqlite-invite", "django"):
            out = run_worker(args, side, race=True)
            print("  %-13s accepted %d of %d twice (%d by neither)"
                  % (side, out["twice"], out["keys"], out["never"]))
    took = datetime.datetime.now(datetime.timezone.utc) - started
    print()
    print("%d goal(s) missed; %s UTC, took %.0f s"
          % (missed, started.strftime("%Y-%m-%d %H:%M"), took.total_seconds()))


if __name__ == "__main__":
    main()
