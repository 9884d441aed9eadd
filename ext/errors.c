/*
** errors.c — the errors every function raises: "<sql function>: <what is
** wrong>", so a message read in a log names the call that raised it, in
** valid UTF-8 (bytes that are not are escaped as \xFF), kept as the
** connection's last error (invite_last_error()).
**
**   invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown invite %lld", id);
**   -- invite_revoke: unknown invite 7
*/
#include "invite.h"

#include <stdarg.h>
#include <string.h>

/* Keeps a copy of zMsg as the connection's last error. */
static void last_error_set(InviteConn *p, const char *zMsg) {
  sqlite3_free(p->zLastError);
  p->zLastError = sqlite3_mprintf("%s", zMsg); /* NULL on OOM: no text kept */
}

static void error_finish(sqlite3_context *ctx, int rc, char *zMsg) {
  if (zMsg == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  /* A message may quote input or stored text: never hand a client bytes it
  ** cannot decode (Python raises UnicodeDecodeError instead of the error). */
  int nMsg = (int)strlen(zMsg);
  if (invite_utf8_bad(zMsg, nMsg) >= 0) {
    char *zSafe = invite_escape(zMsg, nMsg, nMsg * 4 + 8);
    sqlite3_free(zMsg);
    zMsg = zSafe;
    if (zMsg == 0) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  char *zFull = sqlite3_mprintf("%s: %s", invite_fname(ctx), zMsg);
  sqlite3_free(zMsg);
  if (zFull == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_error(ctx, zFull, -1);
  last_error_set(invite_conn(ctx), zFull);
  sqlite3_free(zFull);
  /* sqlite3_result_error() resets the code to SQLITE_ERROR: set it after. */
  if (rc != SQLITE_ERROR) sqlite3_result_error_code(ctx, rc);
}

void invite_errorf(sqlite3_context *ctx, int rc, const char *zFormat, ...) {
  va_list ap;
  va_start(ap, zFormat);
  char *zMsg = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  error_finish(ctx, rc, zMsg);
}

const char *invite_db_message(sqlite3 *db) {
  const char *z = sqlite3_errmsg(db);
  /* Older libraries prefix step errors from triggers with "stepping, ". */
  if (strncmp(z, "stepping, ", 10) == 0) z += 10;
  return z;
}

void invite_error_db(sqlite3_context *ctx, const char *zFormat, ...) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  int rc = sqlite3_extended_errcode(db);
  if ((rc & 0xff) == SQLITE_NOMEM) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  va_list ap;
  va_start(ap, zFormat);
  char *zWhat = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  char *zMsg = zWhat ? sqlite3_mprintf("%s: %s", zWhat, invite_db_message(db)) : 0;
  sqlite3_free(zWhat);
  /* The extended code as it is: SQLITE_BUSY_SNAPSHOT stays BUSY_SNAPSHOT. */
  error_finish(ctx, rc, zMsg);
}

int invite_not_a_rule(sqlite3_context *ctx) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  int rc = sqlite3_extended_errcode(db);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return 0;
  invite_error_db(ctx, "cannot write");
  return 1;
}

/* invite_last_error() -> the text of the last error any function of the
** extension raised on this connection, NULL if none has (dqlite 1.11 drops
** the text of an error raised during a query request: dqlite.c). */
void invite_last_error_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  const char *z = invite_conn(ctx)->zLastError;
  if (z) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}
