/*
** json.c — the JSON the verbs return, and the options objects they read.
**
** Results are written with sqlite3_str (no intermediate tree) and handed to
** SQLite with the JSON subtype, so json_extract(invite_create(...), '$.key')
** works without re-parsing surprises. Options are read with SQLite's own
** json_each, so the parser is SQLite's and unknown keys can be refused.
*/
#include "invite.h"

#include <sodium.h>
#include <string.h>

#define JSON_SUBTYPE 74 /* 'J', as SQLite's JSON functions use */

void json_open(sqlite3_str *p) { sqlite3_str_appendchar(p, 1, '{'); }

void json_close(sqlite3_str *p) { sqlite3_str_appendchar(p, 1, '}'); }

static void json_string(sqlite3_str *p, const char *z) {
  static const char hex[] = "0123456789abcdef";
  sqlite3_str_appendchar(p, 1, '"');
  for (;;) {
    /* Copy the run that needs no escape in one append (make bench: one
    ** append per character cost ~10k instructions per verb result). */
    size_t n = 0;
    unsigned char c;
    while ((c = (unsigned char)z[n]) >= 0x20 && c != '"' && c != '\\') n++;
    if (n) sqlite3_str_append(p, z, (int)n);
    z += n;
    if (c == 0) break;
    if (c == '"' || c == '\\') {
      char a[2] = {'\\', (char)c};
      sqlite3_str_append(p, a, 2);
    } else {
      char a[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      sqlite3_str_append(p, a, 6);
    }
    z++;
  }
  sqlite3_str_appendchar(p, 1, '"');
}

void json_key(sqlite3_str *p, const char *zKey) {
  int n = sqlite3_str_length(p);
  const char *z = sqlite3_str_value(p);
  if (n > 0 && z[n - 1] != '{' && z[n - 1] != '[') {
    sqlite3_str_appendchar(p, 1, ',');
  }
  json_string(p, zKey);
  sqlite3_str_appendchar(p, 1, ':');
}

void json_text(sqlite3_str *p, const char *z) {
  if (z == 0) {
    sqlite3_str_appendall(p, "null");
  } else {
    json_string(p, z);
  }
}

void json_int(sqlite3_str *p, sqlite3_int64 v) { sqlite3_str_appendf(p, "%lld", v); }

void json_value(sqlite3_str *p, sqlite3_value *v) {
  switch (sqlite3_value_type(v)) {
  case SQLITE_INTEGER: json_int(p, sqlite3_value_int64(v)); break;
  case SQLITE_FLOAT: sqlite3_str_appendf(p, "%!.15g", sqlite3_value_double(v)); break;
  case SQLITE_NULL: sqlite3_str_appendall(p, "null"); break;
  default: json_text(p, (const char *)sqlite3_value_text(v)); break;
  }
}

static void wipe_free(void *p) {
  if (p) {
    sodium_memzero(p, strlen((char *)p));
    sqlite3_free(p);
  }
}

void json_result(sqlite3_context *ctx, sqlite3_str *p) {
  int rc = sqlite3_str_errcode(p);
  int n = sqlite3_str_length(p);
  char *z = sqlite3_str_finish(p);
  if (rc != SQLITE_OK || z == 0) {
    wipe_free(z);
    if (rc == SQLITE_TOOBIG) {
      sqlite3_result_error_toobig(ctx);
    } else {
      sqlite3_result_error_nomem(ctx);
    }
    return;
  }
  sqlite3_result_text(ctx, z, n, wipe_free);
  sqlite3_result_subtype(ctx, JSON_SUBTYPE);
}

static const char SQL_OPTIONS[] =
    "SELECT key, value, type FROM json_each(?1) WHERE json_type(?1) = 'object'";
static const char SQL_OPTIONS_VALID[] = "SELECT json_valid(?1), json_type(?1)";

int json_options(sqlite3_context *ctx, sqlite3_value *pJson, int iArg, InviteOption *aOpt,
                 int nOpt) {
  for (int i = 0; i < nOpt; i++) aOpt[i].pValue = 0;
  if (sqlite3_value_type(pJson) == SQLITE_NULL) return SQLITE_OK;
  if (sqlite3_value_type(pJson) != SQLITE_TEXT) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument %d (options) must be a JSON object", iArg);
    return SQLITE_MISMATCH;
  }
  const char *zJson = (const char *)sqlite3_value_text(pJson);
  int nJson = sqlite3_value_bytes(pJson);
  if (zJson == 0) {
    sqlite3_result_error_nomem(ctx);
    return SQLITE_NOMEM;
  }
  if (invite_text_refused(ctx, zJson, nJson, "argument", iArg, "options")) {
    return SQLITE_MISMATCH;
  }
  sqlite3_stmt *pCheck = invite_stmt(ctx, SQL_OPTIONS_VALID);
  if (pCheck == 0) return SQLITE_ERROR;
  sqlite3_bind_value(pCheck, 1, pJson);
  int bObject = sqlite3_step(pCheck) == SQLITE_ROW && sqlite3_column_int(pCheck, 0) &&
                sqlite3_column_text(pCheck, 1) &&
                strcmp((const char *)sqlite3_column_text(pCheck, 1), "object") == 0;
  sqlite3_reset(pCheck);
  if (!bObject) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument %d (options) must be a JSON object", iArg);
    return SQLITE_MISMATCH;
  }
  /* SQLite's JSON decoder cuts a string at an escaped NUL ("c\u0000hidden"
  ** reads as "c"): find the escape in the text itself. The object is valid
  ** JSON, so a backslash outside a string cannot occur. */
  for (int k = 0; k < nJson; k++) {
    if (zJson[k] != '\\') continue;
    if (zJson[k + 1] == 'u' && strncmp(zJson + k + 2, "0000", 4) == 0) {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument %d (options) contains \\u0000 (a NUL character) "
                    "at byte %d",
                    iArg, k);
      return SQLITE_MISMATCH;
    }
    k++; /* the escaped character: "\\\\u0000" is a backslash, then u0000 */
  }
  sqlite3_stmt *pStmt = invite_stmt(ctx, SQL_OPTIONS);
  if (pStmt == 0) return SQLITE_ERROR;
  sqlite3_bind_value(pStmt, 1, pJson);
  int rc;
  while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
    const char *zKey = (const char *)sqlite3_column_text(pStmt, 0);
    const char *zType = (const char *)sqlite3_column_text(pStmt, 2);
    int i;
    for (i = 0; i < nOpt; i++) {
      if (zKey && strcmp(zKey, aOpt[i].zName) == 0) break;
    }
    if (i == nOpt) {
      invite_errorf(ctx, SQLITE_MISMATCH, "unknown option '%q'", zKey ? zKey : "");
      rc = SQLITE_MISMATCH;
      break;
    }
    if (aOpt[i].pValue) {
      invite_errorf(ctx, SQLITE_MISMATCH, "option '%q' given twice", zKey);
      rc = SQLITE_MISMATCH;
      break;
    }
    /* Strict: a boolean is not a number, a number is not a flag (0 and 1
    ** excepted, the documented spelling of a flag). */
    int bOk, bInt = strcmp(zType, "integer") == 0;
    const char *zWant;
    if (aOpt[i].eType == INVITE_OPT_FLAG) {
      sqlite3_int64 v = sqlite3_column_int64(pStmt, 1);
      bOk =
          strcmp(zType, "true") == 0 || strcmp(zType, "false") == 0 || (bInt && (v == 0 || v == 1));
      zWant = "true or false";
    } else if (aOpt[i].eType == SQLITE_INTEGER) {
      bOk = bInt;
      zWant = "an integer";
    } else if (aOpt[i].eType == INVITE_OPT_OBJECT) {
      bOk = strcmp(zType, "object") == 0;
      zWant = "a JSON object";
    } else {
      bOk = strcmp(zType, "text") == 0;
      zWant = "a string";
    }
    if (!bOk) {
      if (bInt || strcmp(zType, "real") == 0) {
        invite_errorf(ctx, SQLITE_MISMATCH, "option '%q' must be %s, got %s %s", zKey, zWant, zType,
                      (const char *)sqlite3_column_text(pStmt, 1));
      } else {
        invite_errorf(ctx, SQLITE_MISMATCH, "option '%q' must be %s, got %s", zKey, zWant, zType);
      }
      rc = SQLITE_MISMATCH;
      break;
    }
    aOpt[i].pValue = sqlite3_value_dup(sqlite3_column_value(pStmt, 1));
    if (aOpt[i].pValue == 0) {
      sqlite3_result_error_nomem(ctx);
      rc = SQLITE_NOMEM;
      break;
    }
  }
  sqlite3_reset(pStmt);
  if (rc != SQLITE_DONE) {
    if (rc != SQLITE_MISMATCH && rc != SQLITE_NOMEM) {
      invite_error_db(ctx, "cannot read the options");
    }
    json_options_free(aOpt, nOpt);
    return rc;
  }
  return SQLITE_OK;
}

int json_option_text(sqlite3_context *ctx, InviteOption *pOpt, int nMax, int bHeader,
                     const char **pz, int *pn) {
  *pz = 0;
  if (pn) *pn = 0;
  if (pOpt->pValue == 0) return 0;
  const char *z = (const char *)sqlite3_value_text(pOpt->pValue);
  int n = sqlite3_value_bytes(pOpt->pValue);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return 1;
  }
  if (n > nMax) {
    invite_errorf(ctx, SQLITE_TOOBIG, "option '%s' is too long: %d bytes, at most %d", pOpt->zName,
                  n, nMax);
    return 1;
  }
  if (invite_text_refused(ctx, z, n, "option", 0, pOpt->zName)) return 1;
  const char *zErr = bHeader ? emails_header_safe(z, n) : 0;
  if (zErr) {
    invite_errorf(ctx, SQLITE_MISMATCH, "option '%s' %s", pOpt->zName, zErr);
    return 1;
  }
  *pz = z;
  if (pn) *pn = n;
  return 0;
}

void json_options_free(InviteOption *aOpt, int nOpt) {
  for (int i = 0; i < nOpt; i++) {
    sqlite3_value_free(aOpt[i].pValue);
    aOpt[i].pValue = 0;
  }
}
