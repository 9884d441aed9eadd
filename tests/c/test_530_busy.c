/*
** test_530_busy.c — a verb that cannot write because its snapshot is stale
** reports SQLITE_BUSY_SNAPSHOT (primary SQLITE_BUSY), as a plain INSERT does,
** never SQLITE_CONSTRAINT: retry logic keyed on BUSY must fire.
**
** For each verb: connection B opens a deferred transaction and reads, A
** commits a write, then B calls the verb (issue 12). After B rolls back
** the verb is called again and must succeed: the BUSY was the lock, not a
** rule.
*/
#include "proof.h"

#include <unistd.h>

#define DB_FILE "busy.db"

static char *read_fixture(const char *zName) {
  /* tests/c/<this file> -> tests/sql/<zName> */
  char zPath[4096];
  const char *zSlash = strrchr(__FILE__, '/');
  int nDir = zSlash ? (int)(zSlash - __FILE__) : 1;
  snprintf(zPath, sizeof zPath, "%.*s/../sql/%s", nDir, zSlash ? __FILE__ : ".", zName);
  FILE *f = fopen(zPath, "rb");
  if (f == 0) {
    printf("not ok open %s\n", zPath);
    exit(1);
  }
  char *z = malloc(1 << 20);
  size_t n = fread(z, 1, (1 << 20) - 1, f);
  z[n] = 0;
  fclose(f);
  return z;
}

/* Runs zVerb on b in a stale snapshot; returns the extended code. */
static int stale_call(sqlite3 *a, sqlite3 *b, const char *zVerb, char *zMsg, int nMsg) {
  proof_exec(b, "BEGIN");
  proof_int(b, "SELECT count(*) FROM invites");
  proof_exec(a, "INSERT INTO apps(name) VALUES (hex(randomblob(8)))");
  sqlite3_stmt *p = proof_prepare(b, zVerb);
  int rc = sqlite3_step(p);
  int ext = rc == SQLITE_ROW ? SQLITE_ROW : sqlite3_extended_errcode(b);
  snprintf(zMsg, nMsg, "%s", sqlite3_errmsg(b));
  sqlite3_finalize(p);
  proof_exec(b, "ROLLBACK");
  return ext;
}

static int fresh_call(sqlite3 *b, const char *zVerb) {
  sqlite3_stmt *p = proof_prepare(b, zVerb);
  int rc = sqlite3_step(p);
  if (rc != SQLITE_ROW) printf("# %s: %s\n", zVerb, sqlite3_errmsg(b));
  sqlite3_finalize(p);
  return rc;
}

int main(void) {
  unlink(DB_FILE);
  sqlite3 *a = proof_open(DB_FILE, 2000);
  sqlite3 *b = proof_open(DB_FILE, 2000);
  proof_exec(a, "SELECT invite_init(); SELECT invite_clock('2027-01-01 10:00:00')");
  char *z = read_fixture("_catalog.inc");
  proof_exec(a, z);
  free(z);
  z = read_fixture("_sessions.inc");
  /* the fixture's TEMP view is per connection: harmless here */
  proof_exec(a, z);
  free(z);
  proof_exec(a, "SELECT invite_create('kim@example.com', 2, 4, 1,"
                " '{\"first_name\":\"Kim\",\"last_name\":\"Lee\"}');"
                "SELECT invite_create('lou@example.com', 2, 4, 1,"
                " '{\"first_name\":\"Lou\",\"last_name\":\"Lee\"}');");
  char *zKey = proof_text(a, "SELECT invite_create('max@example.com', 2, 4, 1,"
                             " '{\"first_name\":\"Max\",\"last_name\":\"Lee\"}') ->> '$.key'");
  char *zRedeem = sqlite3_mprintf("SELECT invite_redeem('%q', NULL, '198.51.100.7')", zKey);
  const char *azVerb[] = {
      "SELECT invite_create('ned@example.com', 2, 4, 1,"
      " '{\"first_name\":\"Ned\",\"last_name\":\"Lee\"}')",
      "SELECT invite_resend(1)",
      "SELECT invite_revoke(2)",
      "SELECT session_invite(1, 2, 1, 'Dana')",
      "SELECT session_join(1, 3)",
      zRedeem,
  };
  for (size_t i = 0; i < sizeof azVerb / sizeof azVerb[0]; i++) {
    char zMsg[300];
    sqlite3_int64 nAudit = proof_int(a, "SELECT count(*) FROM audit_log");
    int ext = stale_call(a, b, azVerb[i], zMsg, sizeof zMsg);
    proof_ok(ext == SQLITE_BUSY_SNAPSHOT,
             "%.40s... on a stale snapshot: extended code %d (want %d "
             "SQLITE_BUSY_SNAPSHOT): %s",
             azVerb[i], ext, SQLITE_BUSY_SNAPSHOT, zMsg);
    proof_ok(strncmp(zMsg, azVerb[i] + 7, strcspn(azVerb[i] + 7, "(")) == 0,
             "%.40s...: the message names the verb", azVerb[i]);
    proof_ok(proof_int(a, "SELECT count(*) FROM audit_log") == nAudit,
             "%.40s...: nothing recorded for a lock that was busy", azVerb[i]);
    proof_ok(fresh_call(b, azVerb[i]) == SQLITE_ROW, "%.40s... succeeds once the snapshot is fresh",
             azVerb[i]);
  }
  /* the plain INSERT the verbs must agree with */
  char zMsg[300];
  int ext = stale_call(a, b, "INSERT INTO apps(name) VALUES ('plain')", zMsg, sizeof zMsg);
  proof_ok(ext == SQLITE_BUSY_SNAPSHOT, "plain INSERT on a stale snapshot: %d", ext);
  sqlite3_free(zRedeem);
  sqlite3_free(zKey);
  sqlite3_close(b);
  sqlite3_close(a);
  return proof_failures != 0;
}
