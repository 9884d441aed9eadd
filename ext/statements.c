/*
** statements.c — the per-connection cache of prepared statements, keyed by
** the address of their static SQL template with "$S" the chosen schema, and
** the ways the verbs run them (to the end, one lookup by id).
*/
#include "invite.h"

#include <string.h>

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
  int rc = sqlite3_prepare_v3(p->db, zSql, -1, SQLITE_PREPARE_PERSISTENT, &pStmt, 0);
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

int invite_stmt_done(sqlite3_context *ctx, sqlite3_stmt *pStmt, const char *zWhat) {
  int rc;
  while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {}
  if (rc != SQLITE_DONE) {
    invite_error_db(ctx, "%s", zWhat);
    sqlite3_reset(pStmt);
    return rc;
  }
  sqlite3_reset(pStmt);
  return SQLITE_OK;
}

int invite_lookup(sqlite3_context *ctx, const char *zSql, sqlite3_int64 id, const char *zWhat,
                  char *zOut, int nOut) {
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
