/*
** test_702_scaling.c — the hot paths do the same work whatever the size of
** the subscription (DESIGN.md §8: every hot path uses an index).
**
** Work is counted, not timed: the SQLite VM instructions that every
** statement of the connection ran (SQLITE_STMTSTATUS_VM_STEP, which
** includes trigger programs and the verbs' own cached statements). The
** same calls are measured with 100 and with 20,100 pending invites and
** members in one unlimited subscription; a scan or a count over the
** subscription would add thousands of steps per call.
**
** 2026-11-22: make bench found invite_create 383x slower than bare SQLite
** at 10k pending invites: the seat triggers counted the invites of
** unlimited subscriptions and the duplicate check scanned them all.
*/
#include "proof.h"

#define N_CALLS 20
#define N_BIG 20000

static sqlite3_int64 steps_reset(sqlite3 *db) {
  sqlite3_int64 n = 0;
  for (sqlite3_stmt *p = 0; (p = sqlite3_next_stmt(db, p)) != 0;) {
    n += sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 1);
  }
  return n;
}

typedef struct Work {
  sqlite3_int64 create, redeem, insert, update;
} Work;

/* Adds nPending pending invites and nPending members (each with its own
** user) to subscription 1, with plain SQL: the law applies to it too. */
static void grow(sqlite3 *db, int iFrom, int n) {
  char *z = sqlite3_mprintf(
      "BEGIN;"
      "WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d)"
      "INSERT INTO invites(kind, key_hash, inviter_id, email, first_name, last_name,"
      "  business_id, subscription_id, role_id, created_at, expires_at)"
      "  SELECT 'member', randomblob(32), 1, 'p' || i || '@example.com', 'P', 'Q',"
      "         1, 1, 1, '2027-01-01 10:00:00', '2027-01-08 10:00:00' FROM c;"
      "WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d)"
      "INSERT INTO users(email) SELECT 'm' || i || '@example.com' FROM c;"
      "INSERT INTO members(user_id, subscription_id, role_id)"
      "  SELECT id, 1, 1 FROM users WHERE email GLOB 'm*' AND id NOT IN"
      "  (SELECT user_id FROM members);"
      "COMMIT;",
      iFrom, iFrom + n - 1, iFrom, iFrom + n - 1);
  proof_exec(db, z);
  sqlite3_free(z);
}

/* Steps per call of each hot path, averaged over N_CALLS calls. */
static Work measure(sqlite3 *db, int iRound) {
  Work w = {0, 0, 0, 0};
  char azKey[N_CALLS][64];
  sqlite3_stmt *pCreate =
      proof_prepare(db, "SELECT invite_create(?1, 1, 1, 1,"
                        " '{\"first_name\":\"N\",\"last_name\":\"M\"}') ->> '$.key'");
  sqlite3_stmt *pRedeem = proof_prepare(db, "SELECT invite_redeem(?1)");
  sqlite3_stmt *pInsert = proof_prepare(
      db, "INSERT INTO invites(kind, key_hash, inviter_id, email, first_name,"
          "  last_name, business_id, subscription_id, role_id, created_at, expires_at)"
          " VALUES('member', randomblob(32), 1, ?1, 'P', 'Q', 1, 1, 1,"
          "  '2027-01-01 10:00:00', '2027-01-08 10:00:00')");
  sqlite3_stmt *pUser = proof_prepare(db, "INSERT INTO users(email) VALUES(?1)");
  sqlite3_stmt *pUpdate =
      proof_prepare(db, "UPDATE invites SET redeemed_at = '2027-01-01 10:00:00', redeemed_by = ?2"
                        " WHERE id = ?1");
  char zEmail[64];
  for (int i = 0; i < N_CALLS; i++) {
    snprintf(zEmail, sizeof zEmail, "new%d.%d@example.com", iRound, i);
    sqlite3_bind_text(pCreate, 1, zEmail, -1, SQLITE_TRANSIENT);
    steps_reset(db);
    if (sqlite3_step(pCreate) != SQLITE_ROW) proof_die(db, "invite_create");
    w.create += steps_reset(db);
    snprintf(azKey[i], sizeof azKey[i], "%s", (const char *)sqlite3_column_text(pCreate, 0));
    sqlite3_reset(pCreate);
  }
  for (int i = 0; i < N_CALLS; i++) {
    sqlite3_bind_text(pRedeem, 1, azKey[i], -1, SQLITE_STATIC);
    steps_reset(db);
    if (sqlite3_step(pRedeem) != SQLITE_ROW) proof_die(db, "invite_redeem");
    w.redeem += steps_reset(db);
    sqlite3_reset(pRedeem);
  }
  for (int i = 0; i < N_CALLS; i++) {
    /* The same writes by plain SQL: an invite, then its redemption. */
    snprintf(zEmail, sizeof zEmail, "plain%d.%d@example.com", iRound, i);
    sqlite3_bind_text(pInsert, 1, zEmail, -1, SQLITE_TRANSIENT);
    steps_reset(db);
    if (sqlite3_step(pInsert) != SQLITE_DONE) proof_die(db, "INSERT INTO invites");
    w.insert += steps_reset(db);
    sqlite3_reset(pInsert);
    sqlite3_int64 iInvite = sqlite3_last_insert_rowid(db);
    sqlite3_bind_text(pUser, 1, zEmail, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(pUser) != SQLITE_DONE) proof_die(db, "INSERT INTO users");
    sqlite3_reset(pUser);
    sqlite3_bind_int64(pUpdate, 1, iInvite);
    sqlite3_bind_int64(pUpdate, 2, sqlite3_last_insert_rowid(db));
    steps_reset(db);
    if (sqlite3_step(pUpdate) != SQLITE_DONE) proof_die(db, "UPDATE invites");
    w.update += steps_reset(db);
    sqlite3_reset(pUpdate);
  }
  sqlite3_finalize(pCreate);
  sqlite3_finalize(pRedeem);
  sqlite3_finalize(pInsert);
  sqlite3_finalize(pUser);
  sqlite3_finalize(pUpdate);
  w.create /= N_CALLS, w.redeem /= N_CALLS, w.insert /= N_CALLS, w.update /= N_CALLS;
  return w;
}

static void compare(const char *zWhat, sqlite3_int64 nSmall, sqlite3_int64 nBig) {
  /* Index depth does not change the step count; allow a little slack. */
  proof_ok(nSmall > 0 && nBig <= nSmall + nSmall / 20,
           "%s: %lld VM steps per call with 100 pending, %lld with %d", zWhat, nSmall, nBig,
           100 + N_BIG);
}

int main(void) {
  sqlite3 *db = proof_open(":memory:", 1000);
  proof_catalog(db, 5);
  grow(db, 1, 100);
  Work small = measure(db, 1);
  grow(db, 1000, N_BIG);
  proof_ok(proof_int(db, "SELECT count(*) FROM invites WHERE subscription_id = 1"
                         " AND redeemed_at IS NULL") >= N_BIG,
           "%d more pending invites and members in the subscription", N_BIG);
  Work big = measure(db, 2);
  compare("invite_create", small.create, big.create);
  compare("invite_redeem", small.redeem, big.redeem);
  compare("plain INSERT INTO invites", small.insert, big.insert);
  compare("plain UPDATE invites (redeem)", small.update, big.update);
  sqlite3_close(db);
  return proof_failures ? 1 : 0;
}
