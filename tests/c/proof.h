/*
** proof.h — the small helpers shared by the proof tests (concurrency,
** crash): TAP-like "ok"/"not ok" lines the runner counts, and connections
** to a database file with the shipped extension loaded (env INVITE_SO), the
** way an application would open them.
**
** Header-only on purpose (static inline: a test may use any subset): each
** test is one .c file compiled by tests/run.sh.
** Functions that cannot go on (open, prepare) print "not ok" and exit, so a
** broken setup is a failure, never a silent pass.
*/
#ifndef PROOF_H
#define PROOF_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int proof_failures;

/* Prints "ok <what>" or "not ok <what>"; returns bOk. */
static inline int proof_ok(int bOk, const char *zFormat, ...) {
  va_list ap;
  va_start(ap, zFormat);
  printf("%s ", bOk ? "ok" : "not ok");
  vprintf(zFormat, ap);
  printf("\n");
  fflush(stdout);
  va_end(ap);
  if (!bOk) proof_failures++;
  return bOk;
}

static inline void proof_die(sqlite3 *db, const char *zWhat) {
  printf("not ok %s: %s\n", zWhat, db ? sqlite3_errmsg(db) : "(no db)");
  fflush(stdout);
  exit(1);
}

/* Opens zPath with the extension loaded, WAL, a busy timeout of nBusyMs. */
static inline sqlite3 *proof_open(const char *zPath, int nBusyMs) {
  const char *zSo = getenv("INVITE_SO");
  sqlite3 *db = 0;
  char *zErr = 0;
  if (zSo == 0) proof_die(0, "INVITE_SO is not set");
  if (sqlite3_open(zPath, &db) != SQLITE_OK) proof_die(db, "open");
  sqlite3_busy_timeout(db, nBusyMs);
  sqlite3_enable_load_extension(db, 1);
  if (sqlite3_load_extension(db, zSo, 0, &zErr) != SQLITE_OK) {
    printf("not ok load %s: %s\n", zSo, zErr ? zErr : "?");
    exit(1);
  }
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", 0, 0, 0) !=
      SQLITE_OK) {
    proof_die(db, "PRAGMA journal_mode=WAL");
  }
  return db;
}

static inline void proof_exec(sqlite3 *db, const char *zSql) {
  char *zErr = 0;
  if (sqlite3_exec(db, zSql, 0, 0, &zErr) != SQLITE_OK) {
    printf("not ok exec %.60s...: %s\n", zSql, zErr ? zErr : "?");
    exit(1);
  }
}

static inline sqlite3_stmt *proof_prepare(sqlite3 *db, const char *zSql) {
  sqlite3_stmt *p = 0;
  if (sqlite3_prepare_v2(db, zSql, -1, &p, 0) != SQLITE_OK) {
    proof_die(db, zSql);
  }
  return p;
}

/* The first column of the first row of zSql as an integer (-1: no row). */
static inline sqlite3_int64 proof_int(sqlite3 *db, const char *zSql) {
  sqlite3_stmt *p = proof_prepare(db, zSql);
  int rc = sqlite3_step(p);
  sqlite3_int64 v = rc == SQLITE_ROW ? sqlite3_column_int64(p, 0) : -1;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) proof_die(db, zSql);
  sqlite3_finalize(p);
  return v;
}

/* The first column of the first row as text; the caller sqlite3_free()s. */
static inline char *proof_text(sqlite3 *db, const char *zSql) {
  sqlite3_stmt *p = proof_prepare(db, zSql);
  int rc = sqlite3_step(p);
  char *z = rc == SQLITE_ROW ? sqlite3_mprintf("%s", (const char *)sqlite3_column_text(p, 0)) : 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) proof_die(db, zSql);
  sqlite3_finalize(p);
  return z;
}

/* The catalog the proof tests share: one business and app, an unlimited
** subscription (1) and one with nSeats seats (2), a role, a manager (1). */
static inline void proof_catalog(sqlite3 *db, int nSeats) {
  char *zSql =
      sqlite3_mprintf("SELECT invite_init();"
                      "SELECT invite_clock('2027-01-01 10:00:00');"
                      "INSERT INTO businesses VALUES (1, 'Acme');"
                      "INSERT INTO apps VALUES (1, 'Ledger');"
                      "INSERT INTO subscriptions VALUES (1, 1, 1, 'Unlimited', NULL),"
                      "                                 (2, 1, 1, 'Team', %d);"
                      "INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0);"
                      "INSERT INTO users(id, email, first_name, last_name)"
                      "  VALUES (1, 'mia@acme.com', 'Mia', 'Manager');"
                      "INSERT INTO account_managers VALUES (1, 1);"
                      /* one inviter makes thousands of invites here: no daily limit */
                      "INSERT INTO settings VALUES (NULL, 'invites_per_inviter_per_day', 0);",
                      nSeats);
  proof_exec(db, zSql);
  sqlite3_free(zSql);
}

#endif /* PROOF_H */
