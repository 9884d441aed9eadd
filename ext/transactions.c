/*
** transactions.c — the transaction discipline every verb follows: one
** BEGIN IMMEDIATE in autocommit, a SAVEPOINT inside the caller's
** transaction, refused under a statement that is writing; committed or
** rolled back whole by invite_verb_end().
*/
#include "invite.h"

/* A statement of the caller that is running and writes: a verb cannot open
** its own transaction or savepoint under it. */
static int writer_in_progress(sqlite3 *db) {
  sqlite3_stmt *p = 0;
  while ((p = sqlite3_next_stmt(db, p)) != 0) {
    if (sqlite3_stmt_busy(p) && !sqlite3_stmt_readonly(p)) return 1;
  }
  return 0;
}

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT invite_verb";
static const char SQL_RELEASE[] = "RELEASE invite_verb";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO invite_verb";

static int run_control(sqlite3_context *ctx, const char *zSql) {
  sqlite3_stmt *pStmt = invite_stmt(ctx, zSql);
  if (pStmt == 0) return SQLITE_ERROR;
  int rc = sqlite3_step(pStmt);
  sqlite3_reset(pStmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int invite_verb_begin(sqlite3_context *ctx, InviteTx *pTx) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  pTx->bOpen = 0;
  if (writer_in_progress(db)) {
    invite_errorf(ctx, SQLITE_MISUSE,
                  "call it from a SELECT, not from a statement that writes "
                  "(INSERT ... SELECT %s(...) cannot be atomic)",
                  invite_fname(ctx));
    return SQLITE_MISUSE;
  }
  if (invite_dqlite_refuse_autocommit(ctx)) return SQLITE_MISUSE;
  pTx->bSavepoint = !sqlite3_get_autocommit(db);
  int rc = run_control(ctx, pTx->bSavepoint ? SQL_SAVEPOINT : SQL_BEGIN);
  if (rc != SQLITE_OK) {
    invite_error_db(ctx, "cannot start a transaction");
    return rc;
  }
  pTx->bOpen = 1;
  return SQLITE_OK;
}

int invite_verb_end(sqlite3_context *ctx, InviteTx *pTx, int bCommit) {
  if (!pTx->bOpen) return SQLITE_OK;
  pTx->bOpen = 0;
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  int rc;
  if (bCommit) {
    rc = run_control(ctx, pTx->bSavepoint ? SQL_RELEASE : SQL_COMMIT);
    if (rc == SQLITE_OK) return SQLITE_OK;
    invite_error_db(ctx, "cannot commit");
    /* fall through: undo whatever the failed commit left */
  }
  if (pTx->bSavepoint) {
    run_control(ctx, SQL_ROLLBACK_TO);
    run_control(ctx, SQL_RELEASE);
  } else if (!sqlite3_get_autocommit(db)) {
    run_control(ctx, SQL_ROLLBACK);
  }
  return bCommit ? SQLITE_ERROR : SQLITE_OK;
}

void invite_verb_end_rows(sqlite3_context *ctx, InviteTx *pTx, sqlite3_stmt *pRows, int rc,
                          const char *zRows, int nDone) {
  if (rc != SQLITE_DONE) invite_error_db(ctx, "cannot read %s", zRows);
  sqlite3_reset(pRows);
  if (invite_verb_end(ctx, pTx, rc == SQLITE_DONE)) return;
  if (rc == SQLITE_DONE) sqlite3_result_int(ctx, nDone);
}
