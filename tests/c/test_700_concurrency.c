/*
** test_700_concurrency.c — many processes, one WAL database (DESIGN.md §7).
**
** 1. 8 processes redeem the same 2,000 keys, each in its own random order.
**    Every key must succeed exactly once across all processes, every other
**    attempt must be refused as "key already used", and nothing else may
**    happen: a verb that gave up on a lock (SQLITE_BUSY) is counted and
**    reported, never taken as a refusal. Then members = keys.
** 2. 8 processes invite 20 new people each into a subscription of 50 seats
**    and redeem every other invite they got: exactly 50 succeed, the rest
**    are refused with the seat-limit message, and pending + members = 50.
**
** Each child opens its own connection after fork() (a connection never
** crosses a fork) and reports one record per attempt through a pipe; a
** write of one record is atomic (smaller than PIPE_BUF).
*/
#include "proof.h"

#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_PROC 8
#define N_KEYS 2000
#define N_SEATS 50
#define N_PER_PROC 20
#define BUSY_MS 60000 /* far above any wait here: a BUSY is a failure */
#define DB_FILE "concurrency.db"

enum { RES_OK = 1, RES_USED, RES_SEATS, RES_OTHER };

typedef struct Record {
  int iItem;   /* key index (part 1) or process * N_PER_PROC + i (part 2) */
  int eResult; /* RES_* */
} Record;

static char azKey[N_KEYS][64];

/* The outcome of a verb call: RES_OK, or the kind of refusal. */
static int classify(sqlite3 *db, int rc, const char *zUsed) {
  if (rc == SQLITE_ROW) return RES_OK;
  const char *zErr = sqlite3_errmsg(db);
  if (zUsed && strncmp(zErr, zUsed, strlen(zUsed)) == 0) return RES_USED;
  if (strncmp(zErr, "invite_create: seat limit reached: ", 35) == 0) return RES_SEATS;
  fprintf(stderr, "[%d] unexpected: rc=%d %s\n", (int)getpid(), rc, zErr);
  return RES_OTHER;
}

static void report(int fd, int iItem, int eResult) {
  Record r = {iItem, eResult};
  if (write(fd, &r, sizeof r) != (ssize_t)sizeof r) _exit(3);
}

static void child_redeem(int fd, unsigned seed) {
  sqlite3 *db = proof_open(DB_FILE, BUSY_MS);
  sqlite3_stmt *p = proof_prepare(db, "SELECT invite_redeem(?1)");
  int aOrder[N_KEYS];
  for (int i = 0; i < N_KEYS; i++) aOrder[i] = i;
  srand(seed);
  for (int i = N_KEYS - 1; i > 0; i--) {
    int j = rand() % (i + 1), t = aOrder[i];
    aOrder[i] = aOrder[j], aOrder[j] = t;
  }
  for (int i = 0; i < N_KEYS; i++) {
    int k = aOrder[i];
    sqlite3_bind_text(p, 1, azKey[k], -1, SQLITE_STATIC);
    int rc = sqlite3_step(p);
    report(fd, k, classify(db, rc, "invite_redeem: key already used on "));
    sqlite3_reset(p);
  }
  sqlite3_finalize(p);
  sqlite3_close(db);
}

static void child_invite(int fd, int iProc) {
  sqlite3 *db = proof_open(DB_FILE, BUSY_MS);
  sqlite3_stmt *pCreate =
      proof_prepare(db, "SELECT invite_create(?1, 2, 1, 1,"
                        " '{\"first_name\":\"P\",\"last_name\":\"Q\"}') ->> '$.key'");
  sqlite3_stmt *pRedeem = proof_prepare(db, "SELECT invite_redeem(?1)");
  for (int i = 0; i < N_PER_PROC; i++) {
    char zEmail[64];
    snprintf(zEmail, sizeof zEmail, "p%d.%d@example.com", iProc, i);
    sqlite3_bind_text(pCreate, 1, zEmail, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(pCreate);
    int e = classify(db, rc, 0);
    if (e == RES_OK && i % 2 == 0) {
      /* Redeeming turns the reserved seat into a used one. */
      sqlite3_bind_text(pRedeem, 1, (const char *)sqlite3_column_text(pCreate, 0), -1,
                        SQLITE_TRANSIENT);
      if (sqlite3_step(pRedeem) != SQLITE_ROW) e = classify(db, SQLITE_ERROR, 0);
      sqlite3_reset(pRedeem);
    }
    sqlite3_reset(pCreate);
    report(fd, iProc * N_PER_PROC + i, e);
  }
  sqlite3_finalize(pCreate);
  sqlite3_finalize(pRedeem);
  sqlite3_close(db);
}

/* Forks N_PROC children running xChild and collects their records into
** aCount[item][result]. Returns the number of children that failed. */
static int run_children(int part, int (*aCount)[RES_OTHER + 1], int nItem) {
  int aFd[2];
  if (pipe(aFd) != 0) return N_PROC;
  pid_t aPid[N_PROC];
  for (int i = 0; i < N_PROC; i++) {
    aPid[i] = fork();
    if (aPid[i] == 0) {
      close(aFd[0]);
      if (part == 1)
        child_redeem(aFd[1], 1000u + (unsigned)i);
      else
        child_invite(aFd[1], i);
      _exit(0);
    }
  }
  close(aFd[1]);
  Record r;
  ssize_t n;
  while ((n = read(aFd[0], &r, sizeof r)) == (ssize_t)sizeof r || (n < 0 && errno == EINTR)) {
    if (n < 0) continue;
    if (r.iItem >= 0 && r.iItem < nItem && r.eResult >= RES_OK && r.eResult <= RES_OTHER) {
      aCount[r.iItem][r.eResult]++;
    }
  }
  close(aFd[0]);
  int nBad = 0;
  for (int i = 0; i < N_PROC; i++) {
    int status = 0;
    waitpid(aPid[i], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) nBad++;
  }
  return nBad;
}

int main(void) {
  unlink(DB_FILE);
  sqlite3 *db = proof_open(DB_FILE, BUSY_MS);
  proof_catalog(db, N_SEATS);

  /* 2,000 pending invites to new people, keys kept for the children. */
  sqlite3_stmt *p = proof_prepare(db, "SELECT invite_create('k' || ?1 || '@example.com', 1, 1, 1,"
                                      " '{\"first_name\":\"K\",\"last_name\":\"L\"}') ->> '$.key'");
  proof_exec(db, "BEGIN");
  for (int i = 0; i < N_KEYS; i++) {
    sqlite3_bind_int(p, 1, i);
    if (sqlite3_step(p) != SQLITE_ROW) proof_die(db, "invite_create");
    snprintf(azKey[i], sizeof azKey[i], "%s", (const char *)sqlite3_column_text(p, 0));
    sqlite3_reset(p);
  }
  proof_exec(db, "COMMIT");
  sqlite3_finalize(p);
  sqlite3_close(db); /* before fork: connections never cross it */

  /* ---- part 1: the same keys from 8 processes ---- */
  static int aKey[N_KEYS][RES_OTHER + 1];
  int nBadChild = run_children(1, aKey, N_KEYS);
  proof_ok(nBadChild == 0, "redeem: all %d processes finished cleanly", N_PROC);
  int nOnce = 0, nUsed = 0, nOther = 0, nAttempts = 0;
  for (int k = 0; k < N_KEYS; k++) {
    nOnce += aKey[k][RES_OK] == 1;
    nUsed += aKey[k][RES_USED];
    nOther += aKey[k][RES_OTHER] + aKey[k][RES_SEATS];
    for (int e = RES_OK; e <= RES_OTHER; e++) nAttempts += aKey[k][e];
  }
  proof_ok(nAttempts == N_PROC * N_KEYS, "redeem: every attempt reported (%d of %d)", nAttempts,
           N_PROC * N_KEYS);
  proof_ok(nOnce == N_KEYS, "redeem: every key redeemed exactly once (%d of %d)", nOnce, N_KEYS);
  proof_ok(nUsed == (N_PROC - 1) * N_KEYS,
           "redeem: every other attempt refused as already used (%d)", nUsed);
  proof_ok(nOther == 0, "redeem: no busy or other error (%d)", nOther);

  db = proof_open(DB_FILE, BUSY_MS);
  proof_ok(proof_int(db, "SELECT count(*) FROM members WHERE subscription_id = 1") == N_KEYS,
           "redeem: members = keys");
  proof_ok(proof_int(db, "SELECT count(DISTINCT invite_id) FROM members"
                         " WHERE subscription_id = 1") == N_KEYS,
           "redeem: one membership per invite");
  proof_ok(proof_int(db, "SELECT count(*) FROM invites WHERE subscription_id = 1"
                         " AND redeemed_at IS NOT NULL") == N_KEYS,
           "redeem: every invite redeemed");
  sqlite3_close(db);

  /* ---- part 2: 160 invitations race for 50 seats ---- */
  static int aSeat[N_PROC * N_PER_PROC][RES_OTHER + 1];
  nBadChild = run_children(2, aSeat, N_PROC * N_PER_PROC);
  proof_ok(nBadChild == 0, "seats: all %d processes finished cleanly", N_PROC);
  int nGot = 0, nFull = 0;
  nOther = 0;
  for (int i = 0; i < N_PROC * N_PER_PROC; i++) {
    nGot += aSeat[i][RES_OK];
    nFull += aSeat[i][RES_SEATS];
    nOther += aSeat[i][RES_OTHER] + aSeat[i][RES_USED];
  }
  proof_ok(nGot == N_SEATS, "seats: exactly %d invitations succeeded (%d)", N_SEATS, nGot);
  proof_ok(nFull == N_PROC * N_PER_PROC - N_SEATS,
           "seats: the other %d refused with the seat-limit message (%d)",
           N_PROC * N_PER_PROC - N_SEATS, nFull);
  proof_ok(nOther == 0, "seats: no busy or other error (%d)", nOther);
  db = proof_open(DB_FILE, BUSY_MS);
  sqlite3_int64 nMembers = proof_int(db, "SELECT count(*) FROM members WHERE subscription_id = 2");
  sqlite3_int64 nPending = proof_int(db, "SELECT count(*) FROM invites WHERE subscription_id = 2"
                                         " AND redeemed_at IS NULL AND revoked_at IS NULL");
  proof_ok(nMembers + nPending == N_SEATS && nMembers > 0 && nPending > 0,
           "seats: pending + members = %d (%lld + %lld)", N_SEATS, nPending, nMembers);
  proof_ok(proof_int(db, "SELECT used + reserved FROM seat_usage"
                         " WHERE subscription_id = 2") == N_SEATS,
           "seats: seat_usage agrees");
  char *z = proof_text(db, "PRAGMA integrity_check");
  proof_ok(z && strcmp(z, "ok") == 0, "integrity_check: %s", z ? z : "?");
  sqlite3_free(z);
  sqlite3_close(db);
  return proof_failures ? 1 : 0;
}
