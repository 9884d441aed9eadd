/*
** util.c — errors, argument checks, the per-connection statement cache and
** the transaction discipline every verb follows.
**
** Error messages have the form "<sql function>: <what is wrong>", so a
** message read in a log names the call that raised it.
*/
#include "invite.h"

#include <stdarg.h>
#include <string.h>

InviteConn *invite_conn(sqlite3_context *ctx) {
  return ((InviteFunc *)sqlite3_user_data(ctx))->pConn;
}

const char *invite_fname(sqlite3_context *ctx) {
  return ((InviteFunc *)sqlite3_user_data(ctx))->zName;
}

int invite_utf8_bad(const char *zIn, int n) {
  const unsigned char *z = (const unsigned char *)zIn;
  int i = 0;
  while (i < n) {
    unsigned c = z[i];
    if (c >= 0x01 && c < 0x80) {
      i++;
      continue;
    }
    int nTail;
    unsigned cp, cpMin;
    if (c >= 0xC2 && c <= 0xDF) nTail = 1, cp = c & 0x1F, cpMin = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) nTail = 2, cp = c & 0x0F, cpMin = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) nTail = 3, cp = c & 0x07, cpMin = 0x10000;
    else return i; /* NUL, a stray continuation byte, C0/C1, F5..FF */
    if (i + nTail >= n) return i; /* cut short */
    for (int k = 1; k <= nTail; k++) {
      if ((z[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (z[i + k] & 0x3F);
    }
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
    if (cp < cpMin || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += 1 + nTail;
  }
  return -1;
}

char *invite_escape(const char *z, int n, int nMax) {
  sqlite3_str *p = sqlite3_str_new(0);
  int i = 0;
  while (i < n && sqlite3_str_length(p) < nMax) {
    int iBad = invite_utf8_bad(z + i, n - i);
    int nGood = iBad < 0 ? n - i : iBad;
    if (nGood) {
      sqlite3_str_append(p, z + i, nGood);
      i += nGood;
    }
    if (iBad >= 0) {
      sqlite3_str_appendf(p, "\\x%02X", (unsigned char)z[i]);
      i++;
    }
  }
  if (i < n) sqlite3_str_appendall(p, "...");
  return sqlite3_str_finish(p);
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
  invite_last_error_set(invite_conn(ctx), zFull);
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
  char *zMsg = zWhat ? sqlite3_mprintf("%s: %s", zWhat, invite_db_message(db))
                     : 0;
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

const char *invite_type_name(int eType) {
  switch (eType) {
  case SQLITE_INTEGER: return "integer";
  case SQLITE_FLOAT: return "real";
  case SQLITE_TEXT: return "text";
  case SQLITE_BLOB: return "blob";
  default: return "NULL";
  }
}

int invite_arg_id(sqlite3_context *ctx, sqlite3_value **argv, int i,
                  const char *zArg, sqlite3_int64 *pId) {
  int eType = sqlite3_value_type(argv[i]);
  if (eType == SQLITE_FLOAT) {
    /* Node's better-sqlite3 binds every JS number as REAL: 1.0 is id 1. */
    double r = sqlite3_value_double(argv[i]);
    if (!(r >= 1.0 && r <= 9007199254740992.0) || r != (double)(sqlite3_int64)r) {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument %d (%s) must be an integer id, got real %!.15g",
                    i + 1, zArg, r);
      return 1;
    }
    *pId = (sqlite3_int64)r;
    return 0;
  }
  if (eType != SQLITE_INTEGER) {
    invite_errorf(ctx, SQLITE_MISMATCH,
                  "argument %d (%s) must be an integer id, got %s", i + 1,
                  zArg, invite_type_name(eType));
    return 1;
  }
  *pId = sqlite3_value_int64(argv[i]);
  if (*pId <= 0) {
    invite_errorf(ctx, SQLITE_MISMATCH,
                  "argument %d (%s) must be a positive id, got %lld", i + 1,
                  zArg, *pId);
    return 1;
  }
  return 0;
}

int invite_text_refused(sqlite3_context *ctx, const char *z, int n,
                        const char *zWhat, int iArg, const char *zName) {
  int iBad = invite_utf8_bad(z, n);
  if (iBad < 0) return 0;
  char zWho[120];
  if (iArg > 0) {
    sqlite3_snprintf(sizeof zWho, zWho, "%s %d (%s)", zWhat, iArg, zName);
  } else {
    sqlite3_snprintf(sizeof zWho, zWho, "%s '%s'", zWhat, zName);
  }
  if (z[iBad] == 0) {
    invite_errorf(ctx, SQLITE_MISMATCH, "%s contains a NUL byte (at byte %d)",
                  zWho, iBad);
  } else {
    int iFrom = iBad > 20 ? iBad - 20 : 0;
    char *zNear = invite_escape(z + iFrom, n - iFrom, 40);
    if (zNear == 0) {
      sqlite3_result_error_nomem(ctx);
      return 1;
    }
    invite_errorf(ctx, SQLITE_MISMATCH,
                  "%s is not valid UTF-8 (byte %d, in '%s%s')", zWho, iBad,
                  iFrom ? "..." : "", zNear);
    sqlite3_free(zNear);
  }
  return 1;
}

int invite_arg_text(sqlite3_context *ctx, sqlite3_value **argv, int i,
                    const char *zArg, int nMax, const char **pz, int *pn) {
  int eType = sqlite3_value_type(argv[i]);
  if (eType != SQLITE_TEXT) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument %d (%s) must be text, got %s",
                  i + 1, zArg, invite_type_name(eType));
    return 1;
  }
  const char *z = (const char *)sqlite3_value_text(argv[i]);
  int n = sqlite3_value_bytes(argv[i]);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return 1;
  }
  if (n > nMax) {
    invite_errorf(ctx, SQLITE_TOOBIG,
                  "argument %d (%s) is too long: %d bytes, at most %d", i + 1,
                  zArg, n, nMax);
    return 1;
  }
  if (invite_text_refused(ctx, z, n, "argument", i + 1, zArg)) return 1;
  *pz = z;
  if (pn) *pn = n;
  return 0;
}

char *invite_sql_for_schema(const char *zTemplate, const char *zSchema) {
  sqlite3_str *pOut = sqlite3_str_new(0);
  const char *z = zTemplate;
  const char *zHit;
  while ((zHit = strstr(z, "$S")) != 0) {
    sqlite3_str_append(pOut, z, (int)(zHit - z));
    sqlite3_str_appendf(pOut, "\"%w\"", zSchema);
    z = zHit + 2;
  }
  sqlite3_str_appendall(pOut, z);
  return sqlite3_str_finish(pOut);
}

static unsigned stmt_slot(const char *zTemplate) {
  uintptr_t h = (uintptr_t)zTemplate;
  h ^= h >> 17;
  h *= 0x9E3779B1u;
  return (unsigned)(h >> 8) % INVITE_STMT_SLOTS;
}

sqlite3_stmt *invite_stmt(sqlite3_context *ctx, const char *zTemplate) {
  InviteConn *p = invite_conn(ctx);
  unsigned i = stmt_slot(zTemplate);
  unsigned nProbe;
  for (nProbe = 0; nProbe < INVITE_STMT_SLOTS; nProbe++) {
    if (p->aStmt[i].zTemplate == zTemplate) {
      sqlite3_stmt *pStmt = p->aStmt[i].pStmt;
      sqlite3_reset(pStmt);
      sqlite3_clear_bindings(pStmt);
      return pStmt;
    }
    if (p->aStmt[i].zTemplate == 0) break;
    i = (i + 1) % INVITE_STMT_SLOTS;
  }
  if (nProbe == INVITE_STMT_SLOTS) {
    invite_errorf(ctx, SQLITE_INTERNAL, "statement cache is full");
    return 0;
  }
  char *zSql = invite_sql_for_schema(zTemplate, p->zSchema);
  if (zSql == 0) {
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v3(p->db, zSql, -1, SQLITE_PREPARE_PERSISTENT,
                              &pStmt, 0);
  sqlite3_free(zSql);
  if (rc != SQLITE_OK) {
    const char *zErr = sqlite3_errmsg(p->db);
    if (strstr(zErr, "no such table") || strstr(zErr, "no such column")) {
      invite_errorf(ctx, SQLITE_ERROR,
                    "the invite schema is not installed (or is out of date) in "
                    "'%s': run SELECT invite_init('%s') (%s)",
                    p->zSchema, p->zSchema, zErr);
    } else {
      invite_error_db(ctx, "cannot prepare a statement");
    }
    sqlite3_finalize(pStmt);
    return 0;
  }
  p->aStmt[i].zTemplate = zTemplate;
  p->aStmt[i].pStmt = pStmt;
  return pStmt;
}

void invite_stmt_cache_clear(InviteConn *p) {
  for (int i = 0; i < INVITE_STMT_SLOTS; i++) {
    sqlite3_finalize(p->aStmt[i].pStmt);
    p->aStmt[i].pStmt = 0;
    p->aStmt[i].zTemplate = 0;
  }
}

int invite_stmt_done(sqlite3_context *ctx, sqlite3_stmt *pStmt,
                     const char *zWhat) {
  int rc;
  while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    invite_error_db(ctx, "%s", zWhat);
    sqlite3_reset(pStmt);
    return rc;
  }
  sqlite3_reset(pStmt);
  return SQLITE_OK;
}

int invite_lookup(sqlite3_context *ctx, const char *zSql, sqlite3_int64 id,
                  const char *zWhat, char *zOut, int nOut) {
  sqlite3_stmt *p = invite_stmt(ctx, zSql);
  if (p == 0) return -1;
  sqlite3_bind_int64(p, 1, id);
  int rc = sqlite3_step(p);
  if (rc == SQLITE_ROW && zOut) {
    const char *z = (const char *)sqlite3_column_text(p, 0);
    sqlite3_snprintf(nOut, zOut, "%s", z ? z : "");
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    invite_error_db(ctx, "cannot look up %s %lld", zWhat, id);
  }
  sqlite3_reset(p);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

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
