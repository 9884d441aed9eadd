/*
** fuzz_sql.c — libFuzzer target over SQL: the loaded extension driven with
** verb calls and plain DML built from the input, under every setting of
** the pragmas the law must not depend on.
**
**   make fuzz                      # every target, FUZZ_SECONDS each
**   build/fuzz/fuzz_sql -max_total_time=600 build/fuzz/corpus/fuzz_sql
**
** Each input runs on a fresh in-memory database with a small catalog (two
** businesses, subscriptions with few seats, roles, people, a session). Each
** byte picks an operation; the following bytes pick its arguments: ids,
** addresses, JSON options, keys handed back by earlier calls, conflict
** clauses, pragmas, transactions, the clock. Errors are expected (the law
** refuses most of what a fuzzer writes); what must hold after every input:
**
**   PRAGMA integrity_check is ok, invite_audit_verify() is NULL and
**   invite_check() finds the law intact; no subscription is over its seats;
**   every redeemed invite made exactly one guest access or roster row, and
**   one membership unless that membership was removed (audited); no
**   membership, guest access or roster row names an invite that is not a
**   redeemed one of its kind; at most one accepted email per invite, and
**   only for a redeemed one (Acme asks for them).
**
** A broken invariant prints the check and aborts, so libFuzzer keeps the
** input.
*/
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sqlite3_invite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

static const char SETUP[] =
    "SELECT invite_init();"
    "SELECT invite_clock('2027-01-01 10:00:00');"
    "INSERT INTO businesses VALUES (1, 'Acme'), (2, 'Globex');"
    "INSERT INTO apps VALUES (1, 'Ledger'), (2, 'Pager');"
    "INSERT INTO subscriptions VALUES (1, 1, 1, 'Team', 3), (2, 1, 2, 'Free', NULL), (3, 2, 1, 'Solo', 1);"
    "INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0), (2, 1, 'Editor', 20, 1), (3, 1, 'Owner', 30, 1),"
    "  (4, 2, 'Pager user', 10, 0);"
    "INSERT INTO users(id, email, first_name, last_name) VALUES (1, 'mia@acme.com', 'Mia', 'M'),"
    "  (2, 'ed@acme.com', 'Ed', 'E'), (3, 'vic@acme.com', 'Vic', 'V'), (4, 'zoe@example.org', 'Zoe', 'Z');"
    "INSERT INTO account_managers VALUES (1, 1);"
    "INSERT INTO members(user_id, subscription_id, role_id) VALUES (2, 1, 2), (2, 2, 4), (3, 2, 4);"
    "INSERT INTO security_profiles(id, name, description, enabled_for_invite) VALUES"
    "  (1, 'Observer', 'view only', 1), (2, 'Full', 'all', 0);"
    "INSERT INTO portals(id, name, base_url) VALUES (1, 'Support', 'https://support.acme.com/join');"
    "INSERT INTO sessions(id, subscription_id, owner_id) VALUES (1, 2, 2);"
    "INSERT INTO settings VALUES (1, 'notify_inviter_on_accept', 1);";

static const char *const azEmail[] = {"ann@example.com",
                                      "ANN@Example.com",
                                      "bob@example.com",
                                      "ed@acme.com",
                                      "mia@acme.com",
                                      "gus@partner.com",
                                      "bad address",
                                      "x@y",
                                      "",
                                      "a@b.example, c@d.example",
                                      "zoe@example.org"};
static const char *const azOptions[] = {"{}",
                                        "{\"first_name\":\"Ann\",\"last_name\":\"Lee\"}",
                                        "{\"days\":3}",
                                        "{\"keep_old_keys\":1}",
                                        "{\"account_manager\":1,\"can_invite\":1}",
                                        "{\"email\":\"ext@vendor.com\"}",
                                        "{\"days\":true}",
                                        "{\"comments\":\"c\\u0000d\"}",
                                        "not json",
                                        "{\"portal\":1}"};
static const char *const azConflict[] = {"", "OR REPLACE ", "OR IGNORE ", "OR FAIL ",
                                         "OR ROLLBACK "};
static const char *const azPragma[] = {"recursive_triggers", "foreign_keys",
                                       "ignore_check_constraints"};

#define MAX_KEYS 16

typedef struct Fuzz {
  const uint8_t *a;
  size_t n, i;
  sqlite3 *db;
  char azKey[MAX_KEYS][64];
  int nKey;
} Fuzz;

static unsigned next(Fuzz *f) { return f->i < f->n ? f->a[f->i++] : 0; }
static const char *pick(Fuzz *f, const char *const *az, size_t n) { return az[next(f) % n]; }
#define PICK(f, az) pick(f, az, sizeof az / sizeof az[0])

/* Runs one statement, keeping any key a verb hands back. */
static void run(Fuzz *f, const char *zSql) {
  sqlite3_stmt *p = 0;
  if (sqlite3_prepare_v2(f->db, zSql, -1, &p, 0) != SQLITE_OK) return;
  while (sqlite3_step(p) == SQLITE_ROW) {
    const char *z = (const char *)sqlite3_column_text(p, 0);
    const char *zKey = z ? strstr(z, "\"key\":\"") : 0;
    while (zKey && f->nKey < MAX_KEYS) {
      zKey += 7;
      size_t m = strcspn(zKey, "\"");
      if (m < sizeof f->azKey[0]) {
        memcpy(f->azKey[f->nKey], zKey, m);
        f->azKey[f->nKey++][m] = 0;
      }
      zKey = strstr(zKey, "\"key\":\"");
    }
  }
  sqlite3_finalize(p);
}

static void runf(Fuzz *f, const char *zFormat, ...) {
  va_list ap;
  va_start(ap, zFormat);
  char *z = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  if (z) run(f, z);
  sqlite3_free(z);
}

static const char *key(Fuzz *f) {
  unsigned k = next(f);
  if (f->nKey == 0 || k == 255) return "not-a-key";
  return f->azKey[k % f->nKey];
}

static void step(Fuzz *f) {
  unsigned op = next(f) % 20;
  unsigned a = next(f) % 6, b = next(f) % 6, c = next(f) % 6;
  switch (op) {
  case 0:
    runf(f, "SELECT invite_create(%Q, %u, %u, %u, %Q)", PICK(f, azEmail), a, b, c,
         PICK(f, azOptions));
    break;
  case 1: runf(f, "SELECT invite_redeem(%Q, %Q)", key(f), PICK(f, azEmail)); break;
  case 2: runf(f, "SELECT invite_redeem(%Q)", key(f)); break;
  case 3: runf(f, "SELECT invite_revoke(%u)", a); break;
  case 4: runf(f, "SELECT invite_resend(%u, %Q)", a, PICK(f, azOptions)); break;
  case 5:
    runf(f, "SELECT guest_invite(%Q, %u, %u, %Q)", PICK(f, azEmail), a % 3, b, PICK(f, azOptions));
    break;
  case 6: runf(f, "SELECT guest_renew(%u)", a); break;
  case 7: runf(f, "SELECT guest_remove(%u)", a); break;
  case 8: runf(f, "SELECT guest_leave(%u, %u)", a, b % 3); break;
  case 9:
    runf(f, "SELECT session_invite(1, %u, %u, 'Rep', %Q)", a, b % 3, PICK(f, azOptions));
    break;
  case 10: runf(f, "SELECT session_join(%Q, %u)", key(f), a); break;
  case 11: runf(f, "SELECT session_leave(1, %u)", a); break;
  case 12: runf(f, "SELECT invite_peek(%Q)", key(f)); break;
  case 13:
    runf(
        f,
        "INSERT %sINTO invites(id, kind, key_hash, inviter_id, email, business_id, subscription_id,"
        " role_id, created_at, expires_at) VALUES (%u, %Q, randomblob(32), %u, %Q, 1, %u, %u,"
        " '2027-01-01 10:00:00', '2027-01-08 10:00:00')",
        PICK(f, azConflict), a, a & 1 ? "member" : "guest", b, PICK(f, azEmail), c % 4, a % 5);
    break;
  case 14:
    runf(
        f,
        "UPDATE %sinvites SET key_hash = (SELECT key_hash FROM invites WHERE id = %u) WHERE id = %u",
        PICK(f, azConflict), a, b);
    break;
  case 15:
    runf(f, "INSERT %sINTO subscriptions VALUES (%u, %u, %u, 'p', %u)", PICK(f, azConflict), a % 4,
         1 + b % 2, 1 + c % 2, next(f) % 4);
    break;
  case 16:
    runf(f, "INSERT %sINTO members(id, user_id, subscription_id, role_id) VALUES (%u, %u, %u, %u)",
         PICK(f, azConflict), a, b, c % 4, next(f) % 5);
    break;
  case 17:
    switch (next(f) % 10) {
    case 0: runf(f, "DELETE FROM members WHERE id = %u", b); break;
    case 1: runf(f, "DELETE FROM users WHERE id = %u", b); break;
    case 2:
      runf(f, "INSERT %sINTO users(id, email) VALUES (%u, %Q)", PICK(f, azConflict), b,
           PICK(f, azEmail));
      break;
    case 3: runf(f, "UPDATE subscriptions SET seats = %u WHERE id = %u", b, c % 4); break;
    case 4:
      runf(f, "UPDATE %sguests SET ended_at = NULL, end_reason = NULL WHERE id = %u",
           PICK(f, azConflict), b);
      break;
    case 5: run(f, "UPDATE invite_old_keys SET live = 1"); break;
    /* The write-only views the triggers hand invites to (sql/README.md,
    ** Kinds): a client may insert into them too, with any conflict clause. */
    case 6:
      runf(f,
           "INSERT %sINTO invites_redeemed_member VALUES (%u, %u, %u, %u, '2027-01-01 10:00:00')",
           PICK(f, azConflict), b, c % 4, next(f) % 5, a);
      break;
    case 7:
      runf(f,
           "INSERT %sINTO invites_redeemed_guest VALUES (%u, %u, %u, %u, %u, 30,"
           " '2027-01-01 10:00:00')",
           PICK(f, azConflict), b, 1 + c % 2, a, next(f) % 2, next(f) % 2);
      break;
    case 8:
      runf(f,
           "INSERT %sINTO invites_redeemed_session VALUES (1, %u, %u, 'Rep', NULL, %u,"
           " '2027-01-01 10:00:00')",
           PICK(f, azConflict), b, c % 3, a);
      break;
    default:
      runf(f, "INSERT %sINTO invite_accepted_notice VALUES (%u)", PICK(f, azConflict), a);
      break;
    }
    break;
  case 18: runf(f, "PRAGMA %s = %u", azPragma[a % 3], b & 1); break;
  default:
    switch (a % 4) {
    case 0: run(f, "BEGIN"); break;
    case 1: run(f, "COMMIT"); break;
    case 2: run(f, "ROLLBACK"); break;
    default:
      runf(f, "SELECT invite_clock(datetime((SELECT now FROM invite_now), '+%u hours'))", b * 20);
      break;
    }
  }
}

static void require(sqlite3 *db, const char *zWhat, const char *zSql, const char *zWant) {
  sqlite3_stmt *p = 0;
  const char *zGot = "(no row)";
  char zErr[256] = "";
  if (sqlite3_prepare_v2(db, zSql, -1, &p, 0) != SQLITE_OK) {
    snprintf(zErr, sizeof zErr, "(error: %s)", sqlite3_errmsg(db));
    zGot = zErr;
  } else if (sqlite3_step(p) == SQLITE_ROW) {
    zGot = sqlite3_column_text(p, 0) ? (const char *)sqlite3_column_text(p, 0) : "NULL";
  }
  if (strcmp(zGot, zWant) != 0) {
    fprintf(stderr, "fuzz_sql: %s: got %s, want %s\n", zWhat, zGot, zWant);
    abort();
  }
  sqlite3_finalize(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  /* The catalog is built once and copied into each input's database. */
  static sqlite3 *pMaster;
  if (pMaster == 0) {
    sqlite3_auto_extension((void (*)(void))sqlite3_invite_init);
    if (sqlite3_open(":memory:", &pMaster) != SQLITE_OK ||
        sqlite3_exec(pMaster, SETUP, 0, 0, 0) != SQLITE_OK) {
      fprintf(stderr, "fuzz_sql: setup: %s\n", sqlite3_errmsg(pMaster));
      abort();
    }
  }
  Fuzz f = {aData, nData, 0, 0, {{0}}, 0};
  if (sqlite3_open(":memory:", &f.db) != SQLITE_OK) abort();
  sqlite3_backup *pCopy = sqlite3_backup_init(f.db, "main", pMaster, "main");
  if (pCopy == 0 || sqlite3_backup_step(pCopy, -1) != SQLITE_DONE ||
      sqlite3_backup_finish(pCopy) != SQLITE_OK ||
      sqlite3_exec(f.db, "SELECT invite_init()", 0, 0, 0) != SQLITE_OK) {
    fprintf(stderr, "fuzz_sql: copy: %s\n", sqlite3_errmsg(f.db));
    abort();
  }
  for (int n = 0; f.i < f.n && n < 64; n++) step(&f);
  if (!sqlite3_get_autocommit(f.db)) run(&f, "COMMIT");
  if (!sqlite3_get_autocommit(f.db)) run(&f, "ROLLBACK");
  sqlite3 *db = f.db;
  require(db, "integrity", "PRAGMA integrity_check", "ok");
  require(db, "audit chain", "SELECT invite_audit_verify()", "NULL");
  require(db, "law intact", "SELECT invite_check() ->> '$.intact'", "1");
  require(db, "seats", "SELECT count(*) FROM seat_usage WHERE available < 0", "0");
  require(db, "guest accesses",
          "SELECT count(*) FROM invites i WHERE i.kind = 'guest' AND i.redeemed_at IS NOT NULL"
          " AND (SELECT count(*) FROM guests WHERE invite_id = i.id) <> 1",
          "0");
  require(db, "roster rows",
          "SELECT count(*) FROM invites i WHERE i.kind = 'session' AND i.redeemed_at IS NOT NULL"
          " AND (SELECT count(*) FROM session_members WHERE invite_id = i.id) <> 1",
          "0");
  require(db, "memberships",
          "SELECT count(*) FROM invites i WHERE i.kind = 'member' AND i.redeemed_at IS NOT NULL"
          " AND (SELECT count(*) FROM members WHERE invite_id = i.id) <> 1"
          " AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'member.removed'"
          "   AND a.detail ->> '$.user_id' = i.redeemed_by"
          "   AND a.detail ->> '$.subscription_id' = i.subscription_id)",
          "0");
  require(db, "grants of unredeemed invites",
          "SELECT (SELECT count(*) FROM members m JOIN invites i ON i.id = m.invite_id"
          "         WHERE i.redeemed_at IS NULL OR i.kind <> 'member')"
          "     + (SELECT count(*) FROM guests g JOIN invites i ON i.id = g.invite_id"
          "         WHERE i.redeemed_at IS NULL OR i.kind <> 'guest')"
          "     + (SELECT count(*) FROM session_members s JOIN invites i ON i.id = s.invite_id"
          "         WHERE i.redeemed_at IS NULL OR i.kind <> 'session')",
          "0");
  require(db, "accepted emails",
          "SELECT count(*) FROM (SELECT o.invite_id FROM outbox o LEFT JOIN invites i"
          " ON i.id = o.invite_id WHERE o.kind = 'accepted' GROUP BY o.invite_id"
          " HAVING count(*) > 1 OR max(i.redeemed_at) IS NULL)",
          "0");
  sqlite3_close(db);
  return 0;
}
