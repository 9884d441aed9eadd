/*
** emails_sql.c — invite_split_emails, the SQL face of the address core
** (emails.c): an eponymous table-valued function.
**
**   SELECT * FROM invite_split_emails('ann@example.com, BOB@Example.COM	x@');
**   -- email            normalized       valid  error
**   -- ann@example.com  ann@example.com  1      NULL
**   -- BOB@Example.COM  BOB@example.com  1      NULL
**   -- x@               NULL             0      missing domain
**
** It is pure: it reads nothing and writes nothing (see STYLE.md on
** side-effecting TVFs).
*/
#include "invite.h"

#include <string.h>

#define EMAILS_MAX_LIST 1000000 /* bytes accepted by invite_split_emails */

#define EMAILS_COLUMN_EMAIL 0
#define EMAILS_COLUMN_NORMALIZED 1
#define EMAILS_COLUMN_VALID 2
#define EMAILS_COLUMN_ERROR 3
#define EMAILS_COLUMN_TEXT 4 /* hidden: the list */

typedef struct EmailsCursor {
  sqlite3_vtab_cursor base;
  char *zText; /* copy of the list */
  int nText;
  int iStart, nLen; /* current token */
  sqlite3_int64 iRowid;
  const char *zError;
  char zNorm[EMAILS_MAX_ADDRESS + 1];
} EmailsCursor;

static int emails_vtab_connect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                               sqlite3_vtab **ppVtab, char **pzErr) {
  (void)pAux, (void)argc, (void)argv, (void)pzErr;
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(email TEXT, normalized TEXT, valid INTEGER, "
                                    "error TEXT, text HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  sqlite3_vtab *p = sqlite3_malloc(sizeof(*p));
  if (p == 0) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS); /* pure: reads its argument only */
  *ppVtab = p;
  return SQLITE_OK;
}

static int emails_vtab_disconnect(sqlite3_vtab *p) {
  sqlite3_free(p);
  return SQLITE_OK;
}

static int emails_vtab_open(sqlite3_vtab *p, sqlite3_vtab_cursor **ppCur) {
  (void)p;
  EmailsCursor *pCur = sqlite3_malloc(sizeof(*pCur));
  if (pCur == 0) return SQLITE_NOMEM;
  memset(pCur, 0, sizeof(*pCur));
  *ppCur = &pCur->base;
  return SQLITE_OK;
}

static int emails_vtab_close(sqlite3_vtab_cursor *cur) {
  EmailsCursor *pCur = (EmailsCursor *)cur;
  sqlite3_free(pCur->zText);
  sqlite3_free(pCur);
  return SQLITE_OK;
}

/* Moves to the next non-empty token and validates it. */
static void emails_cursor_scan(EmailsCursor *pCur, int iFrom) {
  pCur->nLen = emails_split_next(pCur->zText, pCur->nText, iFrom, &pCur->iStart);
  if (pCur->nLen > 0) {
    pCur->zError = emails_normalize(pCur->zText + pCur->iStart, pCur->nLen, pCur->zNorm);
  }
}

static int emails_vtab_next(sqlite3_vtab_cursor *cur) {
  EmailsCursor *pCur = (EmailsCursor *)cur;
  pCur->iRowid++;
  emails_cursor_scan(pCur, pCur->iStart + pCur->nLen);
  return SQLITE_OK;
}

static int emails_vtab_eof(sqlite3_vtab_cursor *cur) { return ((EmailsCursor *)cur)->nLen == 0; }

static int emails_vtab_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i) {
  EmailsCursor *pCur = (EmailsCursor *)cur;
  switch (i) {
  case EMAILS_COLUMN_EMAIL:
    sqlite3_result_text(ctx, pCur->zText + pCur->iStart, pCur->nLen, SQLITE_TRANSIENT);
    break;
  case EMAILS_COLUMN_NORMALIZED:
    if (pCur->zError == 0) sqlite3_result_text(ctx, pCur->zNorm, -1, SQLITE_TRANSIENT);
    break;
  case EMAILS_COLUMN_VALID: sqlite3_result_int(ctx, pCur->zError == 0); break;
  case EMAILS_COLUMN_ERROR:
    if (pCur->zError) sqlite3_result_text(ctx, pCur->zError, -1, SQLITE_STATIC);
    break;
  default: sqlite3_result_text(ctx, pCur->zText, pCur->nText, SQLITE_TRANSIENT); break;
  }
  return SQLITE_OK;
}

static int emails_vtab_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid) {
  *pRowid = ((EmailsCursor *)cur)->iRowid;
  return SQLITE_OK;
}

static int emails_vtab_error(sqlite3_vtab *pVtab, const char *zMsg) {
  sqlite3_free(pVtab->zErrMsg);
  pVtab->zErrMsg = sqlite3_mprintf("invite_split_emails: %s", zMsg);
  return SQLITE_ERROR;
}

static int emails_vtab_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc,
                              sqlite3_value **argv) {
  (void)idxStr;
  EmailsCursor *pCur = (EmailsCursor *)cur;
  sqlite3_free(pCur->zText);
  pCur->zText = 0;
  pCur->nText = 0;
  pCur->iStart = pCur->nLen = 0;
  pCur->iRowid = 1;
  if (idxNum == 0 || argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    return SQLITE_OK; /* no list: no rows */
  }
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
    return emails_vtab_error(cur->pVtab, "argument 1 (text) must be text");
  }
  int n = sqlite3_value_bytes(argv[0]);
  if (n > EMAILS_MAX_LIST) {
    return emails_vtab_error(cur->pVtab, "list longer than 1000000 bytes");
  }
  const char *z = (const char *)sqlite3_value_text(argv[0]);
  if (z == 0) return SQLITE_NOMEM;
  pCur->zText = sqlite3_malloc(n + 1);
  if (pCur->zText == 0) return SQLITE_NOMEM;
  memcpy(pCur->zText, z, (size_t)n + 1);
  pCur->nText = n;
  emails_cursor_scan(pCur, 0);
  return SQLITE_OK;
}

static int emails_vtab_best_index(sqlite3_vtab *p, sqlite3_index_info *pInfo) {
  (void)p;
  pInfo->idxNum = 0;
  for (int i = 0; i < pInfo->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &pInfo->aConstraint[i];
    if (c->iColumn != EMAILS_COLUMN_TEXT) continue;
    if (!c->usable) return SQLITE_CONSTRAINT;
    if (c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    pInfo->aConstraintUsage[i].argvIndex = 1;
    pInfo->aConstraintUsage[i].omit = 1;
    pInfo->idxNum = 1;
  }
  pInfo->estimatedCost = pInfo->idxNum ? 10 : 1e12;
  pInfo->estimatedRows = pInfo->idxNum ? 10 : 0;
  return SQLITE_OK;
}

static sqlite3_module emails_module = {
    .iVersion = 0,
    .xCreate = 0, /* eponymous only */
    .xConnect = emails_vtab_connect,
    .xBestIndex = emails_vtab_best_index,
    .xDisconnect = emails_vtab_disconnect,
    .xOpen = emails_vtab_open,
    .xClose = emails_vtab_close,
    .xFilter = emails_vtab_filter,
    .xNext = emails_vtab_next,
    .xEof = emails_vtab_eof,
    .xColumn = emails_vtab_column,
    .xRowid = emails_vtab_rowid,
};

int emails_register(sqlite3 *db) {
  return sqlite3_create_module(db, "invite_split_emails", &emails_module, 0);
}
