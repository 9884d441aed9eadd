/*
** test_531_failures_rollback.c — failed redemptions count although the
** caller rolls its transaction back (Python's `with conn:`, better-sqlite3's
** db.transaction(), Django's ATOMIC_REQUESTS do on the exception).
**
** One connection makes redeem_failure_limit (10) bad attempts from one
** source, each inside BEGIN ... ROLLBACK. Then a good key from that source
** must be refused, the log must hold exactly 10 failures (none doubled),
** and a second connection (as another process would, once the first wrote
** them) sees them.
*/
#include "proof.h"

#include <unistd.h>

#define DB_FILE "failures.db"
#define BAD_KEY "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static int call(sqlite3 *db, const char *zSql, char *zMsg, int nMsg) {
  sqlite3_stmt *p = proof_prepare(db, zSql);
  int rc = sqlite3_step(p);
  snprintf(zMsg, nMsg, "%s", rc == SQLITE_ROW ? "" : sqlite3_errmsg(db));
  sqlite3_finalize(p);
  return rc;
}

int main(void) {
  unlink(DB_FILE);
  sqlite3 *a = proof_open(DB_FILE, 2000);
  proof_catalog(a, 10);
  char *zKey = proof_text(a, "SELECT invite_create('kim@example.com', 1, 1, 1,"
                             " '{\"first_name\":\"Kim\",\"last_name\":\"Lee\"}') ->> '$.key'");
  const char *zCount = "SELECT count(*) FROM audit_log WHERE action = 'invite.redeem_failed'"
                       " AND subject = 'source:198.51.100.7'";
  char zMsg[300];
  int nRefused = 0;
  for (int i = 0; i < 10; i++) {
    proof_exec(a, "BEGIN");
    if (call(a, "SELECT invite_redeem('" BAD_KEY "', NULL, '198.51.100.7')", zMsg, sizeof zMsg) !=
            SQLITE_ROW &&
        strstr(zMsg, "unknown key")) {
      nRefused++;
    }
    proof_exec(a, "ROLLBACK");
  }
  proof_ok(nRefused == 10, "10 bad keys refused inside transactions rolled back (%d)", nRefused);
  char *zGood = sqlite3_mprintf("SELECT invite_redeem('%q', NULL, '198.51.100.7')", zKey);
  proof_exec(a, "BEGIN");
  int rc = call(a, zGood, zMsg, sizeof zMsg);
  proof_exec(a, "ROLLBACK");
  proof_ok(rc != SQLITE_ROW && strstr(zMsg, "too many failed attempts from this source"),
           "the good key from that source is refused: %s", zMsg);
  /* in autocommit: the kept failures are written for good */
  rc = call(a, zGood, zMsg, sizeof zMsg);
  proof_ok(rc != SQLITE_ROW && strstr(zMsg, "too many failed attempts"),
           "still refused in autocommit: %s", zMsg);
  sqlite3 *b = proof_open(DB_FILE, 2000);
  proof_ok(proof_int(b, zCount) == 10,
           "another connection sees the 10 failures, none doubled (%lld)", proof_int(b, zCount));
  char *zOther = sqlite3_mprintf("SELECT invite_redeem('%q', NULL, '192.0.2.1')", zKey);
  proof_ok(call(b, zOther, zMsg, sizeof zMsg) == SQLITE_ROW, "another source is not refused: %s",
           zMsg);
  sqlite3_free(zOther);
  sqlite3_free(zGood);
  sqlite3_free(zKey);
  sqlite3_close(b);
  sqlite3_close(a);
  return proof_failures != 0;
}
