/*
** clock.c — the one place the current time is read.
**
**   SELECT invite_clock('2027-01-01 00:00:00');  -- pin "now" for this database
**   SELECT invite_clock(NULL);                   -- follow the real clock again
**   SELECT now FROM invite_now;                  -- what verbs, triggers and views use
**
** The pinned value lives in the invite_meta table (name 'clock', NULL when
** not pinned; the row is always there, as the view's one row) and the
** view invite_now reads it, so the verbs (C), the triggers and the views
** (pure SQL, with or without the extension) all see one and the same time.
*/
#include "invite.h"

#include <string.h>

static const char SQL_NOW[] = "SELECT now FROM $S.invite_now";
static const char SQL_PIN[] = "INSERT INTO $S.invite_meta(name, value) VALUES('clock', ?1) "
                              "ON CONFLICT(name) DO UPDATE SET value = excluded.value";
static const char SQL_UNPIN[] = "UPDATE $S.invite_meta SET value = NULL WHERE name = 'clock'";
/* A timestamp is valid when SQLite reads it back unchanged. */
static const char SQL_CANONICAL[] = "SELECT strftime('%Y-%m-%d %H:%M:%S', julianday(?1)) IS ?1";

int invite_now(sqlite3_context *ctx, char zOut[20]) {
  sqlite3_stmt *pStmt = invite_stmt(ctx, SQL_NOW);
  if (pStmt == 0) return SQLITE_ERROR;
  int rc = sqlite3_step(pStmt);
  const char *z = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(pStmt, 0) : 0;
  if (z == 0 || strlen(z) != 19) {
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
      invite_errorf(ctx, SQLITE_ERROR, "cannot read the clock");
    } else {
      invite_error_db(ctx, "cannot read the clock");
    }
    sqlite3_reset(pStmt);
    return SQLITE_ERROR;
  }
  memcpy(zOut, z, 20);
  sqlite3_reset(pStmt);
  return SQLITE_OK;
}

/* invite_clock(ts): pins (text) or releases (NULL) the clock; returns the
** time now in force. */
void invite_clock_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  int eType = sqlite3_value_type(argv[0]);
  const char *zTs = 0;
  if (eType != SQLITE_NULL) {
    if (invite_arg_text(ctx, argv, 0, "ts", 64, &zTs, 0)) return;
    sqlite3_stmt *pCheck = invite_stmt(ctx, SQL_CANONICAL);
    if (pCheck == 0) return;
    sqlite3_bind_text(pCheck, 1, zTs, -1, SQLITE_STATIC);
    int bOk = sqlite3_step(pCheck) == SQLITE_ROW && sqlite3_column_int(pCheck, 0);
    sqlite3_reset(pCheck);
    if (!bOk) {
      invite_errorf(ctx, SQLITE_MISMATCH, "timestamp must be 'YYYY-MM-DD HH:MM:SS' (UTC), got '%q'",
                    zTs);
      return;
    }
  }
  InviteTx tx;
  if (invite_verb_begin(ctx, &tx)) return;
  sqlite3_stmt *pStmt = invite_stmt(ctx, zTs ? SQL_PIN : SQL_UNPIN);
  if (pStmt == 0) goto fail;
  if (zTs) sqlite3_bind_text(pStmt, 1, zTs, -1, SQLITE_STATIC);
  if (invite_stmt_done(ctx, pStmt, "cannot set the clock")) goto fail;
  char zNow[20];
  if (invite_now(ctx, zNow)) goto fail;
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_text(ctx, zNow, -1, SQLITE_TRANSIENT);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}
