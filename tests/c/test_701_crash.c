/*
** test_701_crash.c — a process killed at any moment (DESIGN.md §7).
**
** A child invites, redeems and revokes in a loop (alone or several verbs in
** one BEGIN ... COMMIT); the parent kills it with SIGKILL 200 times, each
** time after it has finished 1-4 transactions and a random 0-5 ms more, so
** every kill follows real work and lands anywhere in the next verbs however
** fast the machine (ASan makes a verb ten times slower). After each kill a fresh connection, without the
** extension (as a reporting tool would), checks:
**   - PRAGMA integrity_check is ok and foreign keys resolve;
**   - every redeemed member invite has its membership, of the right user,
**     subscription and role;
**   - no membership points at an invite that is not redeemed;
**   - no subscription has more members + pending invites than seats,
**     counted from the tables (not through the seat_usage view).
** The next child starts on the database the last one left, so each cycle
** also proves the database stays writable after a crash.
*/
#include "proof.h"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N_CYCLES 200
#define N_SEATS 5
#define DB_FILE "crash.db"
#define N_KEEP 64 /* keys a child remembers to redeem */

static const char SQL_CREATE[] =
    "SELECT invite_create(?1, ?2, 1, 1, '{\"first_name\":\"C\",\"last_name\":\"D\"}')"
    " ->> '$.key'";
static const char SQL_REDEEM[] = "SELECT invite_redeem(?1)";
static const char SQL_REVOKE[] =
    "SELECT invite_revoke(id) FROM (SELECT id FROM invites"
    " WHERE redeemed_at IS NULL AND revoked_at IS NULL ORDER BY random() LIMIT 1)";

/* Runs forever: refusals (seat limit, key used) are part of the load.
** Writes one byte to fdDone when it is ready and one after each finished
** transaction (a pipe holds far more than a cycle writes). */
static void child_loop(unsigned seed, int fdDone) {
  sqlite3 *db = proof_open(DB_FILE, 5000);
  sqlite3_stmt *pCreate = proof_prepare(db, SQL_CREATE);
  sqlite3_stmt *pRedeem = proof_prepare(db, SQL_REDEEM);
  sqlite3_stmt *pRevoke = proof_prepare(db, SQL_REVOKE);
  /* Ready: the kill window starts now, so it lands on verbs at work, not
  ** on loading the extension (slow under ASan or a busy machine). */
  if (write(fdDone, "r", 1) != 1) _exit(2);
  char azKey[N_KEEP][64];
  int nKey = 0;
  srand(seed);
  for (unsigned n = 0;; n++) {
    int bBatch = rand() % 4 == 0;
    if (bBatch) sqlite3_exec(db, "BEGIN", 0, 0, 0);
    for (int i = 0; i < (bBatch ? 3 : 1); i++) {
      int op = rand() % 10;
      if (op < 5) {
        char zEmail[64];
        snprintf(zEmail, sizeof zEmail, "c%d.%u.%d@example.com", (int)getpid(), n, i);
        sqlite3_bind_text(pCreate, 1, zEmail, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(pCreate, 2, 1 + rand() % 2);
        if (sqlite3_step(pCreate) == SQLITE_ROW) {
          snprintf(azKey[nKey % N_KEEP], sizeof azKey[0], "%s",
                   (const char *)sqlite3_column_text(pCreate, 0));
          nKey++;
        }
        sqlite3_reset(pCreate);
      } else if (op < 9 && nKey > 0) {
        int k = rand() % (nKey < N_KEEP ? nKey : N_KEEP);
        sqlite3_bind_text(pRedeem, 1, azKey[k], -1, SQLITE_TRANSIENT);
        sqlite3_step(pRedeem);
        sqlite3_reset(pRedeem);
      } else {
        sqlite3_step(pRevoke);
        sqlite3_reset(pRevoke);
      }
    }
    if (bBatch) sqlite3_exec(db, rand() % 8 ? "COMMIT" : "ROLLBACK", 0, 0, 0);
    if (write(fdDone, "t", 1) != 1) _exit(2);
  }
}

/* Each invariant as a query counting the rows that break it. */
static const struct {
  const char *zName;
  const char *zSql;
} aInvariant[] = {
    {"every redeemed member invite has its membership",
     "SELECT count(*) FROM invites i WHERE i.kind = 'member'"
     "   AND i.redeemed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM members m"
     "       WHERE m.invite_id = i.id AND m.user_id = i.redeemed_by"
     "         AND m.subscription_id = i.subscription_id AND m.role_id = i.role_id)"},
    {"no membership of an invite that is not redeemed",
     "SELECT count(*) FROM members m LEFT JOIN invites i ON i.id = m.invite_id"
     " WHERE m.invite_id IS NOT NULL AND (i.id IS NULL OR i.redeemed_at IS NULL)"},
    {"no invite both redeemed and revoked",
     "SELECT count(*) FROM invites"
     " WHERE redeemed_at IS NOT NULL AND revoked_at IS NOT NULL"},
    {"seats never oversold (members + pending <= seats)",
     "SELECT count(*) FROM subscriptions s WHERE s.seats IS NOT NULL AND s.seats <"
     "  (SELECT count(*) FROM members m WHERE m.subscription_id = s.id) +"
     "  (SELECT count(*) FROM invites i WHERE i.subscription_id = s.id"
     "      AND i.redeemed_at IS NULL AND i.revoked_at IS NULL"
     "      AND i.expires_at > '2027-01-01 10:00:00')"},
    {"foreign keys resolve", "SELECT count(*) FROM pragma_foreign_key_check"},
};
#define N_INVARIANT (int)(sizeof aInvariant / sizeof aInvariant[0])

int main(void) {
  unlink(DB_FILE);
  sqlite3 *db = proof_open(DB_FILE, 5000);
  proof_catalog(db, N_SEATS);
  sqlite3_close(db);

  int nNotKilled = 0, nIntegrity = 0, nTransactions = 0, aBroken[N_INVARIANT] = {0};
  char *zFirstProblem = 0;
  srand((unsigned)time(0));
  for (int c = 0; c < N_CYCLES; c++) {
    int aFd[2];
    if (pipe(aFd) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
      close(aFd[0]);
      child_loop((unsigned)rand() ^ (unsigned)c, aFd[1]);
      _exit(0);
    }
    close(aFd[1]);
    /* The ready byte, then 1-4 finished transactions. */
    int nWait = 2 + rand() % 4, nRead = 0;
    char c1;
    while (nRead < nWait && read(aFd[0], &c1, 1) == 1) nRead++;
    if (nRead < nWait) nNotKilled++; /* died before its work */
    nTransactions += nRead - 1;
    usleep((useconds_t)(rand() % 5000));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) nNotKilled++;
    close(aFd[0]);

    /* A plain connection: no extension, as any client after the crash. */
    if (sqlite3_open(DB_FILE, &db) != SQLITE_OK) proof_die(db, "reopen");
    sqlite3_busy_timeout(db, 5000);
    char *z = proof_text(db, "PRAGMA integrity_check");
    if (z == 0 || strcmp(z, "ok") != 0) {
      nIntegrity++;
      if (!zFirstProblem) zFirstProblem = sqlite3_mprintf("cycle %d: %s", c, z);
    }
    sqlite3_free(z);
    for (int i = 0; i < N_INVARIANT; i++) {
      sqlite3_int64 n = proof_int(db, aInvariant[i].zSql);
      if (n != 0) {
        aBroken[i]++;
        if (!zFirstProblem) {
          zFirstProblem = sqlite3_mprintf("cycle %d: %s: %lld rows", c, aInvariant[i].zName, n);
        }
      }
    }
    sqlite3_close(db);
  }

  if (zFirstProblem) printf("# first problem: %s\n", zFirstProblem);
  sqlite3_free(zFirstProblem);
  proof_ok(nNotKilled == 0, "%d children killed by SIGKILL mid-work (%d exited otherwise)",
           N_CYCLES, nNotKilled);
  proof_ok(nIntegrity == 0, "integrity_check ok after every kill (%d failures)", nIntegrity);
  for (int i = 0; i < N_INVARIANT; i++) {
    proof_ok(aBroken[i] == 0, "after every kill: %s (%d failures)", aInvariant[i].zName,
             aBroken[i]);
  }
  /* The kills must have landed on real work, or the test proves nothing. */
  db = proof_open(DB_FILE, 5000);
  sqlite3_int64 nInvites = proof_int(db, "SELECT count(*) FROM invites");
  sqlite3_int64 nRedeemed =
      proof_int(db, "SELECT count(*) FROM invites WHERE redeemed_at IS NOT NULL");
  sqlite3_int64 nRevoked =
      proof_int(db, "SELECT count(*) FROM invites WHERE revoked_at IS NOT NULL");
  printf("# %d transactions seen finished, %lld invites, %lld redeemed, %lld revoked\n",
         nTransactions, nInvites, nRedeemed, nRevoked);
  /* Half the transactions create (a quarter of them three verbs, one in
  ** eight rolled back); far fewer invites than cycles means the verbs failed. */
  proof_ok(nTransactions >= N_CYCLES && nInvites > N_CYCLES / 2 && nRedeemed > 0 && nRevoked > 0,
           "the children did real work between kills");
  sqlite3_close(db);
  return proof_failures ? 1 : 0;
}
