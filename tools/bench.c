/*
** bench.c — the verbs against bare SQLite (DESIGN.md §8), side by side in
** one run, as ratios.
**
**   make bench                         # 10 thousand and 1 million invites
**   make bench BENCH_ARGS=--big        # and 10 million
**   build/release/bench [--big] [--quick] [--calls n] [--dir D] [--so build/invite.so] [--instructions]
**     --quick: 10 thousand invites only; --calls: calls per cell (10000;
**     a fifth of that with one transaction per call); --no-extras: no
**     macro_expand, no latency (for profiling under callgrind)
**
** What is compared. Two database files in WAL mode, synchronous=NORMAL:
**   verb   initialised by invite_init(): tables, indexes, views, triggers;
**          driven through the shipped extension (sqlite3_load_extension).
**   floor  initialised by invite_init() too, then every trigger dropped:
**          the same tables and the same indexes, no rules. It is driven by
**          bare prepared statements writing the same rows as the verbs:
**            create  INSERT INTO invites (a random 32-byte hash), the rate
**                    counter row (invite_rate), the rendered email (outbox,
**                    a body of the default template's size) and the audit
**                    row (audit_log, with random 32-byte hashes);
**            redeem  SELECT by key_hash + UPDATE invites + INSERT members
**                    + the audit row.
**          The floor knows the invitee's email and the times; the verb has
**          to look them up, make the key (libsodium), hash it, check every
**          rule in the triggers and return JSON: that is what is measured.
** Both files are filled with the same N outstanding (pending) invites
** first. Invites go to existing users of an unlimited subscription, by a
** business account manager. Each cell runs floor and verb alternately,
** twice, and keeps the faster run of each (the machine is shared).
**   one tx    BEGIN; n calls; COMMIT
**   per call  each call its own transaction: the verb's own BEGIN
**             IMMEDIATE/COMMIT; the floor's BEGIN IMMEDIATE; its
**             statements; COMMIT
** Ratio = floor ops/s / verb ops/s (1.00 = as fast as bare SQLite).
**
** Also: macro_expand throughput (skipped with a note when the extension
** has no macro_expand), and the latency of one autocommit invite_create
** with synchronous=NORMAL and FULL.
**
** --instructions (make profile): no timing. Under valgrind's callgrind
** (--collect-atstart=no), each side creates then redeems at 10 thousand
** outstanding invites in one transaction; after 100 warm-up calls, only
** the next n calls are counted, and each (side, operation) is dumped as
** "<side> <operation> <n>". Instruction counts do not move with the load
** of a shared machine, so they show a change that timings would drown.
*/
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* callgrind's client requests: no-ops unless run under callgrind. */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif

#define NOW "2027-01-01 10:00:00"
#define EXPIRES "2027-01-08 10:00:00"

static const char *zSo = "build/invite.so";
static const char *zDir = "build/bench";

/* ---- small helpers: any failure ends the run with the SQLite message ---- */

static void die(sqlite3 *db, const char *zWhat) {
  fprintf(stderr, "bench: %s: %s\n", zWhat, db ? sqlite3_errmsg(db) : "?");
  exit(1);
}

static void exec(sqlite3 *db, const char *zFormat, ...) {
  va_list ap;
  va_start(ap, zFormat);
  char *zSql = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  char *zErr = 0;
  if (sqlite3_exec(db, zSql, 0, 0, &zErr) != SQLITE_OK) {
    fprintf(stderr, "bench: %s\n  in: %.200s\n", zErr, zSql);
    exit(1);
  }
  sqlite3_free(zSql);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *zSql) {
  sqlite3_stmt *p = 0;
  if (sqlite3_prepare_v3(db, zSql, -1, SQLITE_PREPARE_PERSISTENT, &p, 0)) {
    die(db, zSql);
  }
  return p;
}

/* Steps p to the end (rows ignored) and resets it. */
static void run(sqlite3 *db, sqlite3_stmt *p) {
  int rc;
  while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) die(db, sqlite3_sql(p));
  sqlite3_reset(p);
}

static sqlite3_int64 one_int(sqlite3 *db, const char *zSql) {
  sqlite3_stmt *p = prepare(db, zSql);
  if (sqlite3_step(p) != SQLITE_ROW) die(db, zSql);
  sqlite3_int64 v = sqlite3_column_int64(p, 0);
  sqlite3_finalize(p);
  return v;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static sqlite3 *open_db(const char *zPath, const char *zSync) {
  sqlite3 *db = 0;
  char *zErr = 0;
  if (sqlite3_open(zPath, &db) != SQLITE_OK) die(db, zPath);
  sqlite3_enable_load_extension(db, 1);
  if (sqlite3_load_extension(db, zSo, 0, &zErr) != SQLITE_OK) {
    fprintf(stderr, "bench: cannot load %s: %s\n", zSo, zErr);
    exit(1);
  }
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s", zSync);
  return db;
}

/* ---- the two databases ---- */

typedef struct Side {
  sqlite3 *db;
  int bFloor;
  sqlite3_int64 iNextUser; /* next user without an invite */
  /* the keys (verb) or hashes (floor) created and not yet redeemed */
  char (*azKey)[44];
  unsigned char (*aHash)[32];
  int nKey, iKey, nKeyAlloc;
  sqlite3_stmt *pCreate, *pRedeem;                 /* verb */
  sqlite3_stmt *pInsert, *pFind, *pUpdate, *pMember; /* floor */
  sqlite3_stmt *pRate, *pOutbox, *pAudit;              /* floor */
  sqlite3_int64 iRateSeq;
  sqlite3_stmt *pBegin, *pCommit;
  char zPath[512];
} Side;

/* Removes a database file and its WAL and shared-memory files. */
static void remove_db(const char *zPath) {
  char zAux[600];
  unlink(zPath);
  snprintf(zAux, sizeof zAux, "%s-wal", zPath), unlink(zAux);
  snprintf(zAux, sizeof zAux, "%s-shm", zPath), unlink(zAux);
}

#define FIRST_USER 10 /* users 10.. are the invitees */

/* Fills a fresh file: catalog, nUsers invitees, nPending outstanding
** invites. The rows are written with the triggers dropped (a bulk load);
** for the verb database invite_init() then puts every trigger back. */
static void side_open(Side *s, const char *zName, int bFloor,
                      sqlite3_int64 nPending, sqlite3_int64 nUsers) {
  memset(s, 0, sizeof *s);
  snprintf(s->zPath, sizeof s->zPath, "%s/%s.db", zDir, zName);
  remove_db(s->zPath);
  s->db = open_db(s->zPath, "NORMAL");
  s->bFloor = bFloor;
  sqlite3 *db = s->db;
  exec(db, "SELECT invite_init(); SELECT invite_clock('" NOW "')");
  exec(db,
       "BEGIN;"
       "INSERT INTO businesses VALUES (1, 'Acme');"
       "INSERT INTO apps VALUES (1, 'Ledger');"
       "INSERT INTO subscriptions VALUES (1, 1, 1, 'Enterprise', NULL);"
       "INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0);"
       "INSERT INTO users(id, email, first_name, last_name)"
       "  VALUES (1, 'mia@acme.com', 'Mia', 'Manager');"
       "INSERT INTO account_managers VALUES (1, 1);"
       /* one inviter makes every invite: no daily limit */
       "INSERT INTO settings VALUES (NULL, 'invites_per_inviter_per_day', 0);"
       "COMMIT");
  /* Drop the triggers: for good on the floor, for the load on the verb. */
  sqlite3_int64 nTriggers =
      one_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");
  sqlite3_stmt *p = prepare(db, "SELECT group_concat('DROP TRIGGER \"' || name"
                                " || '\";', '') FROM sqlite_schema WHERE type = 'trigger'");
  if (sqlite3_step(p) != SQLITE_ROW) die(db, "list triggers");
  char *zDrop = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(p, 0));
  sqlite3_finalize(p);
  exec(db, "%s", zDrop);
  sqlite3_free(zDrop);
  /* A big cache for the load only: random hashes make the unique index
  ** insert all over the file. Measurements use the default cache. */
  exec(db, "PRAGMA cache_size = -1048576");
  exec(db,
       "BEGIN;"
       "WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %lld)"
       "INSERT INTO users(id, email, first_name, last_name)"
       "  SELECT i, 'user' || i || '@example.com', 'User', 'N' || i FROM c;"
       "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %lld)"
       "INSERT INTO invites(kind, key_hash, inviter_id, email, first_name,"
       "  last_name, business_id, subscription_id, role_id, created_at,"
       "  expires_at, last_sent_at)"
       "  SELECT 'member', randomblob(32), 1, 'pending' || i || '@example.com',"
       "         'Pending', 'P' || i, 1, 1, 1, '" NOW "', '" EXPIRES "', '" NOW "'"
       "    FROM c;"
       "COMMIT;"
       "PRAGMA wal_checkpoint(TRUNCATE);",
       FIRST_USER, FIRST_USER + nUsers - 1, nPending);
  exec(db, "PRAGMA cache_size = -2000"); /* SQLite's default */
  if (!bFloor) {
    /* invite_init() writes nothing while the recorded hash matches: forget
    ** it, so the install runs again and puts every trigger back. */
    exec(db, "DELETE FROM invite_meta WHERE name = 'schema_hash';"
             "SELECT invite_init()");
    if (one_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'") !=
        nTriggers) {
      die(db, "the triggers did not come back after the bulk load");
    }
  }
  s->iNextUser = FIRST_USER;
  s->nKeyAlloc = (int)nUsers;
  if (bFloor) {
    s->aHash = malloc((size_t)nUsers * sizeof *s->aHash);
    s->pInsert = prepare(db,
        "INSERT INTO invites(kind, key_hash, inviter_id, user_id, email,"
        "  business_id, subscription_id, role_id, created_at, expires_at,"
        "  last_sent_at)"
        " VALUES('member', ?1, 1, ?2, ?3, 1, 1, 1, ?4, ?5, ?4)");
    s->pFind = prepare(db,
        "SELECT id, kind, user_id, email, subscription_id, role_id, expires_at,"
        "       redeemed_at, revoked_at FROM invites WHERE key_hash = ?1");
    s->pUpdate = prepare(db,
        "UPDATE invites SET redeemed_at = ?2, redeemed_by = ?3 WHERE id = ?1");
    s->pMember = prepare(db,
        "INSERT INTO members(user_id, subscription_id, role_id, invite_id,"
        "  joined_at) VALUES(?1, ?2, ?3, ?4, ?5)");
    s->pRate = prepare(db,
        "INSERT INTO invite_rate(inviter_id, seq, at) VALUES(1, ?1, ?2)");
    s->pOutbox = prepare(db,
        "INSERT INTO outbox(kind, invite_id, business_id, recipient,"
        "  recipient_name, subject, body, message_id, secret, next_attempt_at,"
        "  created_at) VALUES('member_invite', ?1, 1, ?2, 'User N',"
        "  'Mia Manager invited you to Ledger at Acme', ?3,"
        "  '<' || hex(randomblob(16)) || '@invite.local>', ?4, ?5, ?5)");
    s->pAudit = prepare(db,
        "INSERT INTO audit_log(id, at, actor, action, subject, detail,"
        "  prev_hash, hash) VALUES((SELECT max(id) FROM audit_log) + 1, ?1, 1,"
        "  ?2, 'invite:' || ?3, json_object('kind', 'member', 'user_id', ?4),"
        "  randomblob(32), randomblob(32))");
    s->iRateSeq = one_int(db, "SELECT count(*) FROM invite_rate");
  } else {
    s->azKey = malloc((size_t)nUsers * sizeof *s->azKey);
    s->pCreate = prepare(db, "SELECT invite_create(?1, 1, 1, 1)");
    s->pRedeem = prepare(db, "SELECT invite_redeem(?1)");
  }
  if (!s->aHash && !s->azKey) die(0, "out of memory");
  s->pBegin = prepare(db, "BEGIN IMMEDIATE");
  s->pCommit = prepare(db, "COMMIT");
}

static void side_close(Side *s) {
  sqlite3_stmt *ap[] = {s->pCreate, s->pRedeem, s->pInsert, s->pFind,
                        s->pUpdate, s->pMember, s->pBegin,  s->pCommit,
                        s->pRate,   s->pOutbox, s->pAudit};
  for (size_t i = 0; i < sizeof ap / sizeof ap[0]; i++) sqlite3_finalize(ap[i]);
  sqlite3_close(s->db);
  remove_db(s->zPath); /* a 10M file is gigabytes */
  free(s->azKey);
  free(s->aHash);
}

static void side_create(Side *s) {
  if (s->nKey >= s->nKeyAlloc) die(0, "bench ran out of invitees");
  sqlite3_int64 iUser = s->iNextUser++;
  if (s->bFloor) {
    char zEmail[64];
    snprintf(zEmail, sizeof zEmail, "user%lld@example.com", iUser);
    sqlite3_randomness(32, s->aHash[s->nKey]);
    sqlite3_bind_blob(s->pInsert, 1, s->aHash[s->nKey], 32, SQLITE_STATIC);
    sqlite3_bind_int64(s->pInsert, 2, iUser);
    sqlite3_bind_text(s->pInsert, 3, zEmail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->pInsert, 4, NOW, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->pInsert, 5, EXPIRES, -1, SQLITE_STATIC);
    run(s->db, s->pInsert);
    sqlite3_int64 iInvite = sqlite3_last_insert_rowid(s->db);
    sqlite3_bind_int64(s->pRate, 1, ++s->iRateSeq);
    sqlite3_bind_text(s->pRate, 2, NOW, -1, SQLITE_STATIC);
    run(s->db, s->pRate);
    /* the default template's body, rendered, with a key in its link */
    char zKey[44], zBody[600];
    for (int i = 0; i < 43; i++) zKey[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[s->aHash[s->nKey][i % 32] & 63];
    zKey[43] = 0;
    snprintf(zBody, sizeof zBody,
             "Hello User N,\n\nMia Manager invited you to join Acme on Ledger as "
             "Viewer.\n\n\nAccept the invitation:\n"
             "https://invite.example.com/accept?key=%s\n\nThe link works once "
             "and expires on %s UTC (in 7 days).\nIf you did not expect this "
             "invitation, you can ignore this email.\n", zKey, EXPIRES);
    sqlite3_bind_int64(s->pOutbox, 1, iInvite);
    sqlite3_bind_text(s->pOutbox, 2, zEmail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->pOutbox, 3, zBody, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->pOutbox, 4, zKey, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->pOutbox, 5, NOW, -1, SQLITE_STATIC);
    run(s->db, s->pOutbox);
    sqlite3_bind_text(s->pAudit, 1, NOW, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->pAudit, 2, "invite.created", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->pAudit, 3, iInvite);
    sqlite3_bind_int64(s->pAudit, 4, iUser);
    run(s->db, s->pAudit);
  } else {
    sqlite3_bind_int64(s->pCreate, 1, iUser);
    if (sqlite3_step(s->pCreate) != SQLITE_ROW) die(s->db, "invite_create");
    const char *zJson = (const char *)sqlite3_column_text(s->pCreate, 0);
    const char *zKey = zJson ? strstr(zJson, "\"key\":\"") : 0;
    if (zKey == 0) die(s->db, "invite_create returned no key");
    memcpy(s->azKey[s->nKey], zKey + 7, 43);
    s->azKey[s->nKey][43] = 0;
    sqlite3_reset(s->pCreate);
  }
  s->nKey++;
}

static void side_redeem(Side *s) {
  if (s->iKey >= s->nKey) die(0, "bench ran out of keys");
  int k = s->iKey++;
  if (s->bFloor) {
    sqlite3_bind_blob(s->pFind, 1, s->aHash[k], 32, SQLITE_STATIC);
    if (sqlite3_step(s->pFind) != SQLITE_ROW) die(s->db, "floor: find by hash");
    sqlite3_int64 iInvite = sqlite3_column_int64(s->pFind, 0);
    sqlite3_int64 iUser = sqlite3_column_int64(s->pFind, 2);
    sqlite3_int64 iSub = sqlite3_column_int64(s->pFind, 4);
    sqlite3_int64 iRole = sqlite3_column_int64(s->pFind, 5);
    sqlite3_reset(s->pFind);
    sqlite3_bind_int64(s->pUpdate, 1, iInvite);
    sqlite3_bind_text(s->pUpdate, 2, NOW, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->pUpdate, 3, iUser);
    run(s->db, s->pUpdate);
    sqlite3_bind_int64(s->pMember, 1, iUser);
    sqlite3_bind_int64(s->pMember, 2, iSub);
    sqlite3_bind_int64(s->pMember, 3, iRole);
    sqlite3_bind_int64(s->pMember, 4, iInvite);
    sqlite3_bind_text(s->pMember, 5, NOW, -1, SQLITE_STATIC);
    run(s->db, s->pMember);
    sqlite3_bind_text(s->pAudit, 1, NOW, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->pAudit, 2, "invite.redeemed", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->pAudit, 3, iInvite);
    sqlite3_bind_int64(s->pAudit, 4, iUser);
    run(s->db, s->pAudit);
  } else {
    sqlite3_bind_text(s->pRedeem, 1, s->azKey[k], 43, SQLITE_STATIC);
    if (sqlite3_step(s->pRedeem) != SQLITE_ROW) die(s->db, "invite_redeem");
    sqlite3_reset(s->pRedeem);
  }
}

enum { OP_CREATE, OP_REDEEM };
enum { MODE_ONE_TX, MODE_PER_CALL };

/* Seconds for n operations of one kind. */
static double batch_run(Side *s, int eOp, int eMode, int n) {
  double t0 = now_s();
  if (eMode == MODE_ONE_TX) run(s->db, s->pBegin);
  for (int i = 0; i < n; i++) {
    /* Per call: the verb opens its own transaction; the floor's several
    ** statements (create and redeem alike) need one. */
    int bTx = eMode == MODE_PER_CALL && s->bFloor;
    if (bTx) run(s->db, s->pBegin);
    if (eOp == OP_CREATE) side_create(s);
    else side_redeem(s);
    if (bTx) run(s->db, s->pCommit);
  }
  if (eMode == MODE_ONE_TX) run(s->db, s->pCommit);
  return now_s() - t0;
}

/* Both sides start with an empty WAL, so the checkpoints a batch triggers
** (and their fsync) depend on what it writes, not on what came before. */
static double batch(Side *s, int eOp, int eMode, int n) {
  exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)");
  return batch_run(s, eOp, eMode, n);
}

static const char *size_label(sqlite3_int64 n) {
  static char z[32];
  if (n >= 1000000) snprintf(z, sizeof z, "%lldM", n / 1000000);
  else snprintf(z, sizeof z, "%lldk", n / 1000);
  return z;
}

static int nMissed;

static void print_row(sqlite3_int64 nPending, const char *zOp, int eMode,
                      int n, double tVerb, double tFloor) {
  double verb = n / tVerb, floor_ = n / tFloor, ratio = floor_ / verb;
  double target = eMode == MODE_ONE_TX ? 1.3 : 1.1;
  if (ratio > target) nMissed++;
  printf("| %-6s | %-13s | %-8s | %6d | %11.0f | %11.0f | %5.2fx | %4.1fx %-4s |\n",
         size_label(nPending), zOp, eMode == MODE_ONE_TX ? "one tx" : "per call",
         n, verb, floor_, ratio, target, ratio <= target ? "ok" : "MISS");
  fflush(stdout);
}

/* One size: both databases filled with nPending invites, then every
** (operation, mode) cell measured floor/verb alternately, best of 2. */
static void bench_size(sqlite3_int64 nPending, int nOneTx, int nPerCall) {
  const int nRounds = 2;
  sqlite3_int64 nUsers = (sqlite3_int64)nRounds * (nOneTx + nPerCall) + 10;
  Side verb, floor_;
  double t0 = now_s();
  side_open(&verb, "verb", 0, nPending, nUsers);
  side_open(&floor_, "floor", 1, nPending, nUsers);
  double tLoad = now_s() - t0;
  for (int eMode = MODE_ONE_TX; eMode <= MODE_PER_CALL; eMode++) {
    int n = eMode == MODE_ONE_TX ? nOneTx : nPerCall;
    double best[2][2] = {{1e9, 1e9}, {1e9, 1e9}}; /* [op][floor?] */
    for (int r = 0; r < nRounds; r++) {
      for (int eOp = OP_CREATE; eOp <= OP_REDEEM; eOp++) {
        double tf = batch(&floor_, eOp, eMode, n);
        double tv = batch(&verb, eOp, eMode, n);
        if (tf < best[eOp][1]) best[eOp][1] = tf;
        if (tv < best[eOp][0]) best[eOp][0] = tv;
      }
    }
    print_row(nPending, "invite_create", eMode, n, best[OP_CREATE][0], best[OP_CREATE][1]);
    print_row(nPending, "invite_redeem", eMode, n, best[OP_REDEEM][0], best[OP_REDEEM][1]);
  }
  /* The verb side really ran the law: each redemption made its member. */
  if (one_int(verb.db, "SELECT count(*) FROM members") !=
      one_int(verb.db, "SELECT count(*) FROM invites WHERE redeemed_at IS NOT NULL")) {
    die(verb.db, "verb database: members do not match redemptions");
  }
  /* Space: the verb database's pages per invite, scaled to a million. */
  sqlite3_int64 nBytes = one_int(verb.db, "SELECT page_count * page_size"
                                          " FROM pragma_page_count, pragma_page_size");
  sqlite3_int64 nInvites = one_int(verb.db, "SELECT count(*) FROM invites");
  printf("|        | (file: %.0f MiB for %lld invites = %.0f MiB per million;"
         " filling both files took %.0f s)\n",
         nBytes / 1048576.0, nInvites, nBytes / 1048576.0 / nInvites * 1e6, tLoad);
  side_close(&verb);
  side_close(&floor_);
}

/* ---- instruction counts (make profile) ---- */

static void bench_instructions(int n) {
#ifdef HAVE_CALLGRIND
  if (!RUNNING_ON_VALGRIND) {
    fprintf(stderr, "bench: --instructions counts only under valgrind --tool=callgrind"
                    " --collect-atstart=no (make profile)\n");
    exit(1);
  }
  const int nWarm = 100;
  Side aSide[2]; /* floor, verb */
  side_open(&aSide[0], "floor", 1, 10000, 2 * (sqlite3_int64)(n + nWarm) + 10);
  side_open(&aSide[1], "verb", 0, 10000, 2 * (sqlite3_int64)(n + nWarm) + 10);
  static const char *azOp[] = {"create", "redeem"};
  for (int eOp = OP_CREATE; eOp <= OP_REDEEM; eOp++) {
    for (int i = 0; i < 2; i++) {
      Side *s = &aSide[i];
      run(s->db, s->pBegin);
      for (int k = 0; k < nWarm + n; k++) {
        if (k == nWarm) CALLGRIND_TOGGLE_COLLECT;
        if (eOp == OP_CREATE) side_create(s);
        else side_redeem(s);
      }
      CALLGRIND_TOGGLE_COLLECT;
      run(s->db, s->pCommit);
      char zName[64];
      snprintf(zName, sizeof zName, "%s %s %d", i ? "verb" : "floor", azOp[eOp], n);
      CALLGRIND_DUMP_STATS_AT(zName);
    }
  }
  side_close(&aSide[0]);
  side_close(&aSide[1]);
#else
  (void)n;
  fprintf(stderr, "bench: built without <valgrind/callgrind.h>: install valgrind\n");
  exit(1);
#endif
}

/* ---- (d) macro_expand ---- */

static void bench_macro(void) {
  sqlite3 *db = open_db(":memory:", "NORMAL");
  int bHas = (int)one_int(db, "SELECT count(*) FROM pragma_function_list"
                              " WHERE name = 'macro_expand'");
  printf("\nmacro_expand\n");
  if (!bHas) {
    printf("  skipped: this build of the extension has no macro_expand\n");
    sqlite3_close(db);
    return;
  }
  static const char zValues[] =
      "{\"USER_NAME\":\"Ann Lee\",\"FIRST_NAME\":\"Ann\",\"LAST_NAME\":\"Lee\","
      "\"EMAIL\":\"ann@example.com\",\"INVITER_NAME\":\"Mia Manager\","
      "\"BUSINESS_NAME\":\"Acme\",\"APP_NAME\":\"Ledger\",\"ROLE_NAME\":\"Viewer\","
      "\"EXPIRES_AT\":\"2027-01-08 10:00:00\",\"DAYS_LEFT\":\"7\","
      "\"SESSION_KEY\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
      "\"SESSION_KEY_URL\":\"https://invite.example.com/accept?key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
      "\"COMMENTS\":\"welcome aboard\"}";
  static const char zTemplate[] =
      "Hello %FIRST_NAME% %LAST_NAME%,\n\n"
      "%INVITER_NAME% invited you to %APP_NAME% at %BUSINESS_NAME% as %ROLE_NAME%.\n"
      "Accept the invitation before %EXPIRES_AT% UTC (%DAYS_LEFT% days left):\n\n"
      "  %SESSION_KEY_URL%\n\n"
      "If the link does not open, go to https://invite.example.com/accept and\n"
      "enter the key %SESSION_KEY%. The invitation was sent to %EMAIL%; if you\n"
      "did not expect it, ignore this message: nothing happens until the key is\n"
      "used. A note from %INVITER_NAME%: %COMMENTS%. 100%% free of charge.\n";
  sqlite3_stmt *p = prepare(db, "SELECT length(macro_expand(?1, ?2))");
  sqlite3_bind_text(p, 1, zTemplate, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 2, zValues, -1, SQLITE_STATIC);
  int n = 20000;
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    if (sqlite3_step(p) != SQLITE_ROW) die(db, "macro_expand");
    sqlite3_reset(p);
  }
  double t = now_s() - t0;
  int nMacro = 0; /* %NAME% occurrences; %% is a literal */
  for (const char *z = zTemplate; (z = strchr(z, '%')) != 0; z++) {
    if (z[1] == '%') {
      z++;
    } else {
      z = strchr(z + 1, '%');
      if (z == 0) break;
      nMacro++;
    }
  }
  printf("  realistic template (%d bytes, %d macros): %.0f calls/s, %.1f MB/s\n",
         (int)strlen(zTemplate), nMacro, n / t, n * strlen(zTemplate) / t / 1e6);
  /* 1 MB of text with a macro about every 100 bytes. */
  size_t nBig = 1 << 20;
  char *zBig = malloc(nBig + 1);
  if (zBig == 0) die(0, "out of memory");
  size_t j = 0;
  while (j < nBig) {
    const char *zChunk = j % 5 ? "Lorem ipsum dolor sit amet, consectetur adipiscing elit, "
                                 "sed do eiusmod tempor incididunt ut labore %% et. "
                               : "Dear %FIRST_NAME%, see %SESSION_KEY_URL% before %EXPIRES_AT%. ";
    size_t nChunk = strlen(zChunk);
    if (j + nChunk > nBig) nChunk = nBig - j;
    if (nChunk && zChunk[nChunk - 1] == '%') nChunk--; /* never cut a macro */
    memcpy(zBig + j, zChunk, nChunk);
    j += nChunk;
    if (nChunk == 0) zBig[j++] = ' ';
  }
  zBig[nBig] = 0;
  /* A cut at the very end may leave half a macro: end with spaces. */
  memset(zBig + nBig - 80, ' ', 80);
  sqlite3_reset(p);
  sqlite3_bind_text(p, 1, zBig, (int)nBig, SQLITE_STATIC);
  n = 20;
  t0 = now_s();
  for (int i = 0; i < n; i++) {
    if (sqlite3_step(p) != SQLITE_ROW) die(db, "macro_expand (1 MB)");
    sqlite3_reset(p);
  }
  t = now_s() - t0;
  printf("  1 MB text (a macro every ~100 bytes): %.1f ms per call, %.0f MB/s\n",
         t / n * 1e3, n * (double)nBig / t / 1e6);
  sqlite3_finalize(p);
  free(zBig);
  sqlite3_close(db);
}

/* ---- (e) latency of one autocommit invite ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void bench_latency(void) {
  static const char *azSync[] = {"NORMAL", "FULL"};
  const int n = 400;
  double *a = malloc(sizeof(double) * n * 2);
  if (a == 0) die(0, "out of memory");
  printf("\none autocommit call, %d calls each, 10k invites outstanding (microseconds)\n", n);
  printf("| synchronous | operation     | verb median | verb p99 | floor median | ratio |\n");
  printf("|-------------|---------------|-------------|----------|--------------|-------|\n");
  for (int iSync = 0; iSync < 2; iSync++) {
    Side verb, floor_;
    side_open(&verb, "verb", 0, 10000, n + 10);
    side_open(&floor_, "floor", 1, 10000, n + 10);
    exec(verb.db, "PRAGMA synchronous=%s", azSync[iSync]);
    exec(floor_.db, "PRAGMA synchronous=%s", azSync[iSync]);
    for (int i = 0; i < n; i++) {
      a[n + i] = batch_run(&floor_, OP_CREATE, MODE_PER_CALL, 1) * 1e6;
      a[i] = batch_run(&verb, OP_CREATE, MODE_PER_CALL, 1) * 1e6;
    }
    qsort(a, n, sizeof(double), cmp_double);
    qsort(a + n, n, sizeof(double), cmp_double);
    printf("| %-11s | invite_create | %11.1f | %8.1f | %12.1f | %4.2fx |\n",
           azSync[iSync], a[n / 2], a[n * 99 / 100], a[n + n / 2],
           a[n / 2] / a[n + n / 2]);
    side_close(&verb);
    side_close(&floor_);
  }
  free(a);
}

int main(int argc, char **argv) {
  int bBig = 0, bQuick = 0, bExtras = 1, bInstructions = 0, nCalls = 10000;
  if (getenv("INVITE_SO")) zSo = getenv("INVITE_SO");
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--big") == 0) bBig = 1;
    else if (strcmp(argv[i], "--quick") == 0) bQuick = 1;
    else if (strcmp(argv[i], "--no-extras") == 0) bExtras = 0;
    else if (strcmp(argv[i], "--instructions") == 0) bInstructions = 1;
    else if (strcmp(argv[i], "--so") == 0 && i + 1 < argc) zSo = argv[++i];
    else if (strcmp(argv[i], "--calls") == 0 && i + 1 < argc) nCalls = atoi(argv[++i]);
    else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) zDir = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--big] [--quick] [--calls n] [--no-extras] [--so invite.so]"
                      " [--dir dir] [--instructions]\n", argv[0]);
      return 2;
    }
  }
  mkdir(zDir, 0755);
  if (bInstructions) {
    bench_instructions(nCalls);
    return 0;
  }
  char zHost[256] = "?";
  gethostname(zHost, sizeof zHost);
  printf("sqlite-invite bench: SQLite %s, %s, %ld CPUs online, host %s\n",
         sqlite3_libversion(), zSo, sysconf(_SC_NPROCESSORS_ONLN), zHost);
  printf("WAL, synchronous=NORMAL; floor = same tables and indexes without triggers,"
         " bare prepared statements\n");
  printf("ratio = floor ops/s / verb ops/s; best of 2 alternating runs per cell\n\n");
  printf("| invites| operation     | mode     |  calls | verb ops/s  | floor ops/s | ratio | target    |\n");
  printf("|--------|---------------|----------|--------|-------------|-------------|-------|-----------|\n");
  if (nCalls < 10) nCalls = 10;
  bench_size(10000, nCalls, nCalls / 5);
  if (!bQuick) bench_size(1000000, nCalls, nCalls / 5);
  if (bBig) bench_size(10000000, nCalls, nCalls / 5);
  if (bExtras) {
    bench_macro();
    bench_latency();
  }
  printf("\n%d cell(s) missed the target\n", nMissed);
  return 0;
}
