/*
** emails.c — email addresses: normalised, validated, split from a list.
**
**   SELECT * FROM invite_split_emails('ann@example.com, BOB@Example.COM	x@');
**   -- email            normalized       valid  error
**   -- ann@example.com  ann@example.com  1      NULL
**   -- BOB@Example.COM  BOB@example.com  1      NULL
**   -- x@               NULL             0      missing domain
**
** Separators are comma, space, tab, CR and LF; runs of them and leading or
** trailing ones produce no empty rows. The table-valued function is pure:
** it reads nothing and writes nothing (see STYLE.md on side-effecting TVFs).
**
** Normalisation: surrounding white space removed, the domain lower-cased;
** the local part keeps its case (RFC 5321) but the product matches addresses
** case-insensitively. Validation is deliberately stricter than RFC 5322: a
** dot-atom local part (no quoted strings, no comments), an ASCII hostname
** with at least two labels, at most 64 + 1 + 253 characters. What passes here
** is safe to put in an email header.
*/
#include "invite.h"

#include <string.h>

#define EMAILS_MAX_LOCAL 64
#define EMAILS_MAX_LIST 1000000 /* bytes accepted by invite_split_emails */

static int emails_is_atext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != 0;
}

const char *emails_header_safe(const char *z, int n) {
  for (int i = 0; i < n; i++) {
    unsigned char c = (unsigned char)z[i];
    if (c == '\r' || c == '\n') return "contains a line break (CR/LF)";
    if (c < 0x20 && c != '\t') return "contains a control character";
    if (c == 0x7f) return "contains a control character";
  }
  return 0;
}

const char *emails_normalize(const char *zIn, int nIn, char *zOut) {
  const char *zErr = emails_header_safe(zIn, nIn);
  if (zErr) return zErr;
  while (nIn > 0 && (zIn[0] == ' ' || zIn[0] == '\t')) zIn++, nIn--;
  while (nIn > 0 && (zIn[nIn - 1] == ' ' || zIn[nIn - 1] == '\t')) nIn--;
  if (nIn == 0) return "empty address";
  if (nIn > EMAILS_MAX_ADDRESS) return "address longer than 254 characters";
  const char *zAt = memchr(zIn, '@', (size_t)nIn);
  if (zAt == 0) return "missing '@'";
  int nLocal = (int)(zAt - zIn);
  const char *zDomain = zAt + 1;
  int nDomain = nIn - nLocal - 1;
  if (nLocal == 0) return "missing local part before '@'";
  if (nLocal > EMAILS_MAX_LOCAL) return "local part longer than 64 characters";
  if (nDomain == 0) return "missing domain";
  if (memchr(zDomain, '@', (size_t)nDomain)) return "more than one '@'";
  for (int i = 0; i < nLocal; i++) {
    unsigned char c = (unsigned char)zIn[i];
    if (c == '.') {
      if (i == 0 || i == nLocal - 1 || zIn[i - 1] == '.')
        return "misplaced '.' in the local part";
    } else if (c >= 0x80) {
      return "non-ASCII characters are not supported";
    } else if (!emails_is_atext(c)) {
      return "invalid character in the local part";
    }
  }
  int nLabels = 0, nLabel = 0, nLastLabel = 0, bAlphaTld = 0;
  for (int i = 0; i <= nDomain; i++) {
    unsigned char c = i < nDomain ? (unsigned char)zDomain[i] : '.';
    if (c == '.') {
      if (nLabel == 0) return "empty label in the domain";
      if (zDomain[i - 1] == '-') return "domain label ends with '-'";
      nLabels++;
      nLastLabel = nLabel;
      nLabel = 0;
      continue;
    }
    if (c >= 0x80) return "non-ASCII characters are not supported";
    int bAlpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!bAlpha && !(c >= '0' && c <= '9') && c != '-')
      return "invalid character in the domain";
    if (c == '-' && nLabel == 0) return "domain label starts with '-'";
    if (++nLabel > 63) return "domain label longer than 63 characters";
    if (nLabel == 1) bAlphaTld = bAlpha;
    else bAlphaTld = bAlphaTld && bAlpha;
  }
  if (nLabels < 2) return "domain needs a dot";
  if (!bAlphaTld || nLastLabel < 2) return "top-level domain must be 2 or more letters";
  memcpy(zOut, zIn, (size_t)nIn);
  for (int i = nLocal + 1; i < nIn; i++) {
    char c = zOut[i];
    if (c >= 'A' && c <= 'Z') zOut[i] = (char)(c + 32);
  }
  zOut[nIn] = 0;
  return 0;
}

static int emails_is_separator(char c) {
  return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int emails_split_next(const char *z, int n, int iFrom, int *piStart) {
  int i = iFrom;
  while (i < n && emails_is_separator(z[i])) i++;
  *piStart = i;
  while (i < n && !emails_is_separator(z[i])) i++;
  return i - *piStart;
}

/* ---- invite_split_emails: an eponymous table-valued function ---- */

#define EMAILS_COLUMN_EMAIL 0
#define EMAILS_COLUMN_NORMALIZED 1
#define EMAILS_COLUMN_VALID 2
#define EMAILS_COLUMN_ERROR 3
#define EMAILS_COLUMN_TEXT 4 /* hidden: the list */

typedef struct EmailsCursor {
  sqlite3_vtab_cursor base;
  char *zText;     /* copy of the list */
  int nText;
  int iStart, nLen; /* current token */
  sqlite3_int64 iRowid;
  const char *zError;
  char zNorm[EMAILS_MAX_ADDRESS + 1];
} EmailsCursor;

static int emails_vtab_connect(sqlite3 *db, void *pAux, int argc,
                               const char *const *argv, sqlite3_vtab **ppVtab,
                               char **pzErr) {
  (void)pAux, (void)argc, (void)argv, (void)pzErr;
  int rc = sqlite3_declare_vtab(
      db, "CREATE TABLE x(email TEXT, normalized TEXT, valid INTEGER, "
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
  pCur->nLen = emails_split_next(pCur->zText, pCur->nText, iFrom,
                                 &pCur->iStart);
  if (pCur->nLen > 0) {
    pCur->zError = emails_normalize(pCur->zText + pCur->iStart, pCur->nLen,
                                    pCur->zNorm);
  }
}

static int emails_vtab_next(sqlite3_vtab_cursor *cur) {
  EmailsCursor *pCur = (EmailsCursor *)cur;
  pCur->iRowid++;
  emails_cursor_scan(pCur, pCur->iStart + pCur->nLen);
  return SQLITE_OK;
}

static int emails_vtab_eof(sqlite3_vtab_cursor *cur) {
  return ((EmailsCursor *)cur)->nLen == 0;
}

static int emails_vtab_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx,
                              int i) {
  EmailsCursor *pCur = (EmailsCursor *)cur;
  switch (i) {
  case EMAILS_COLUMN_EMAIL:
    sqlite3_result_text(ctx, pCur->zText + pCur->iStart, pCur->nLen,
                        SQLITE_TRANSIENT);
    break;
  case EMAILS_COLUMN_NORMALIZED:
    if (pCur->zError == 0)
      sqlite3_result_text(ctx, pCur->zNorm, -1, SQLITE_TRANSIENT);
    break;
  case EMAILS_COLUMN_VALID: sqlite3_result_int(ctx, pCur->zError == 0); break;
  case EMAILS_COLUMN_ERROR:
    if (pCur->zError) sqlite3_result_text(ctx, pCur->zError, -1, SQLITE_STATIC);
    break;
  default:
    sqlite3_result_text(ctx, pCur->zText, pCur->nText, SQLITE_TRANSIENT);
    break;
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

static int emails_vtab_filter(sqlite3_vtab_cursor *cur, int idxNum,
                              const char *idxStr, int argc,
                              sqlite3_value **argv) {
  (void)idxStr;
  EmailsCursor *pCur = (EmailsCursor *)cur;
  sqlite3_free(pCur->zText);
  pCur->zText = 0;
  pCur->nText = 0;
  pCur->iStart = pCur->nLen = 0;
  pCur->iRowid = 1;
  if (idxNum == 0 || argc < 1 ||
      sqlite3_value_type(argv[0]) == SQLITE_NULL) {
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
