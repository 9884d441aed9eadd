/*
** macro_sql.c — the SQL face of the macro core (macro.c):
**
**   SELECT macro_expand('Hi %FIRST_NAME%, 100%% yours', '{"FIRST_NAME":"Ann"}');
**   -- Hi Ann, 100% yours
**   SELECT invite_template_check('Hi %FIRST%');  -- NULL when fine, else why:
**   -- unterminated macro %FIRST at byte 4
**   SELECT invite_raise('templates: ' || invite_template_check(NEW.body));
**   -- (in a trigger) fails with that message, or does nothing on NULL
**
** macro_expand(text, values): values is a JSON object of macro names
** ([A-Z0-9_]+) to strings or numbers (null counts as ""); strict: a macro
** of the text missing from the object is an error. NULL text gives NULL.
** The parsed object is cached per statement (sqlite3_set_auxdata), so
** expanding many rows with one constant object parses it once.
**
** All three are pure (DETERMINISTIC|INNOCUOUS except invite_raise, which is
** not DETERMINISTIC so SQLite never evaluates it ahead of its row): the
** templates triggers call them, also under trusted_schema=OFF.
*/
#include "invite.h"

#include <sodium.h>
#include <string.h>

#include "macro.h"
#include "verbs.h"

/* The parsed values object: one allocation, names and values after it. */
typedef struct MacroSet {
  size_t n;
  size_t nBytes; /* of the whole block, to wipe it (values may hold keys) */
  MacroValue a[1];
} MacroSet;

static void macro_set_free(void *p) {
  if (p) {
    sodium_memzero(p, ((MacroSet *)p)->nBytes);
    sqlite3_free(p);
  }
}

static const char SQL_VALUES_TYPE[] = "SELECT json_valid(?1), json_type(?1)";
static const char SQL_VALUES[] = "SELECT key, value, type FROM json_each(?1)";

/* Reads the values object into a MacroSet, or sets the error and returns
** NULL. Entries are gathered in a growing buffer of (offset, length)
** records first, then laid out in the final block. */
static MacroSet *macro_set_read(sqlite3_context *ctx, sqlite3_value *pJson) {
  int eType = sqlite3_value_type(pJson);
  if (eType != SQLITE_TEXT) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument 2 (values) must be a JSON object, got %s",
                  invite_type_name(eType));
    return 0;
  }
  sqlite3_stmt *p = invite_stmt(ctx, SQL_VALUES_TYPE);
  if (p == 0) return 0;
  sqlite3_bind_value(p, 1, pJson);
  int bValid = 0;
  char zType[16] = "";
  if (sqlite3_step(p) == SQLITE_ROW) {
    bValid = sqlite3_column_int(p, 0);
    const char *z = (const char *)sqlite3_column_text(p, 1);
    if (z) sqlite3_snprintf(sizeof zType, zType, "%s", z);
  }
  sqlite3_reset(p);
  if (!bValid) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument 2 (values) is not valid JSON");
    return 0;
  }
  if (strcmp(zType, "object") != 0) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument 2 (values) must be a JSON object, got %s", zType);
    return 0;
  }

  p = invite_stmt(ctx, SQL_VALUES);
  if (p == 0) return 0;
  sqlite3_bind_value(p, 1, pJson);
  sqlite3_str *pText = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  sqlite3_int64 *aRec = 0; /* 4 per entry: name offset, length, value ... */
  size_t n = 0, nAlloc = 0;
  MacroSet *pSet = 0;
  int rc;
  while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
    const char *zKey = (const char *)sqlite3_column_text(p, 0);
    int nKey = sqlite3_column_bytes(p, 0);
    const char *zJType = (const char *)sqlite3_column_text(p, 2);
    if (zKey == 0 || !macro_name_valid(zKey, (size_t)nKey)) {
      if (zKey && emails_header_safe(zKey, nKey) == 0 && nKey <= 100) {
        invite_errorf(ctx, SQLITE_MISMATCH,
                      "argument 2 (values): invalid macro name '%q' (use A-Z, "
                      "0-9 and _, at most %d bytes)",
                      zKey, MACRO_MAX_NAME);
      } else {
        invite_errorf(ctx, SQLITE_MISMATCH,
                      "argument 2 (values): invalid macro name (use A-Z, 0-9 "
                      "and _, at most %d bytes)",
                      MACRO_MAX_NAME);
      }
      goto fail;
    }
    int bNull = strcmp(zJType, "null") == 0;
    if (!bNull && strcmp(zJType, "text") != 0 && strcmp(zJType, "integer") != 0 &&
        strcmp(zJType, "real") != 0) {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument 2 (values): %s must be a string or a number, got %s", zKey, zJType);
      goto fail;
    }
    const char *zVal = bNull ? "" : (const char *)sqlite3_column_text(p, 1);
    int nVal = bNull ? 0 : sqlite3_column_bytes(p, 1);
    if (zVal == 0) {
      sqlite3_result_error_nomem(ctx);
      goto fail;
    }
    if (n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 16;
      sqlite3_int64 *aNew = sqlite3_realloc64(aRec, nAlloc * 4 * sizeof aRec[0]);
      if (aNew == 0) {
        sqlite3_result_error_nomem(ctx);
        goto fail;
      }
      aRec = aNew;
    }
    aRec[4 * n] = sqlite3_str_length(pText);
    aRec[4 * n + 1] = nKey;
    sqlite3_str_append(pText, zKey, nKey);
    aRec[4 * n + 2] = sqlite3_str_length(pText);
    aRec[4 * n + 3] = nVal;
    sqlite3_str_append(pText, zVal, nVal);
    n++;
  }
  if (rc != SQLITE_DONE) {
    invite_error_db(ctx, "cannot read argument 2 (values)");
    goto fail;
  }
  if (sqlite3_str_errcode(pText)) {
    if (sqlite3_str_errcode(pText) == SQLITE_TOOBIG) {
      invite_errorf(ctx, SQLITE_TOOBIG, "argument 2 (values) is too big");
    } else {
      sqlite3_result_error_nomem(ctx);
    }
    goto fail;
  }
  size_t nText = (size_t)sqlite3_str_length(pText);
  size_t nBlock = sizeof(MacroSet) + n * sizeof(MacroValue) + nText;
  pSet = sqlite3_malloc64(nBlock);
  if (pSet == 0) {
    sqlite3_result_error_nomem(ctx);
    goto fail;
  }
  pSet->n = n;
  pSet->nBytes = nBlock;
  char *zStore = (char *)&pSet->a[n > 0 ? n : 1];
  if (nText) memcpy(zStore, sqlite3_str_value(pText), nText);
  for (size_t i = 0; i < n; i++) {
    pSet->a[i].zName = zStore + aRec[4 * i];
    pSet->a[i].nName = (size_t)aRec[4 * i + 1];
    pSet->a[i].zValue = zStore + aRec[4 * i + 2];
    pSet->a[i].nValue = (size_t)aRec[4 * i + 3];
  }
  MacroError err;
  if (macro_sort(pSet->a, n, &err)) {
    char zMsg[MACRO_MAX_MESSAGE];
    invite_errorf(ctx, SQLITE_MISMATCH, "argument 2 (values): %s",
                  macro_message(&err, zMsg, sizeof zMsg));
    goto fail;
  }
  sqlite3_reset(p);
  sqlite3_free(aRec);
  {
    char *z = sqlite3_str_finish(pText);
    if (z) sodium_memzero(z, nText);
    sqlite3_free(z);
  }
  return pSet;
fail:
  sqlite3_reset(p);
  sqlite3_free(aRec);
  {
    int nLen = sqlite3_str_length(pText);
    char *z = sqlite3_str_finish(pText);
    if (z) sodium_memzero(z, (size_t)nLen);
    sqlite3_free(z);
  }
  macro_set_free(pSet);
  return 0;
}

/* Expands zText with a[] into a new sqlite3_malloc'd, NUL-terminated
** string (*pnOut bytes before the NUL); NULL with the error set. The output
** is bounded by SQLITE_LIMIT_LENGTH. */
char *macro_render(sqlite3_context *ctx, const char *zWhat, const char *zText, size_t nText,
                   const MacroValue *a, size_t n, size_t *pnOut) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  size_t nMax = (size_t)sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1);
  size_t nOut;
  MacroError err;
  if (macro_measure(zText, nText, a, n, nMax, &nOut, &err)) {
    char zMsg[MACRO_MAX_MESSAGE];
    macro_message(&err, zMsg, sizeof zMsg);
    invite_errorf(ctx, err.eCode == MACRO_TOOBIG ? SQLITE_TOOBIG : SQLITE_ERROR, "%s%s", zWhat,
                  zMsg);
    return 0;
  }
  char *zOut = sqlite3_malloc64(nOut + 1);
  if (zOut == 0) {
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  macro_write(zText, nText, a, n, zOut);
  zOut[nOut] = 0;
  *pnOut = nOut;
  return zOut;
}

/* Argument 1 (text) of macro_expand and invite_template_check: 0 for NULL
** (NULL in, NULL out) or, with the error set, for another type or no memory. */
static const char *text_arg(sqlite3_context *ctx, sqlite3_value *v, size_t *pn) {
  int eType = sqlite3_value_type(v);
  if (eType == SQLITE_NULL) return 0;
  if (eType != SQLITE_TEXT) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument 1 (text) must be text, got %s",
                  invite_type_name(eType));
    return 0;
  }
  const char *z = (const char *)sqlite3_value_text(v);
  if (z == 0) sqlite3_result_error_nomem(ctx);
  *pn = (size_t)sqlite3_value_bytes(v);
  return z;
}

void macro_expand_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t nText;
  const char *zText = text_arg(ctx, argv[0], &nText);
  if (zText == 0) return;
  MacroSet *pSet = sqlite3_get_auxdata(ctx, 1);
  if (pSet == 0) {
    pSet = macro_set_read(ctx, argv[1]);
    if (pSet == 0) return;
    /* On failure SQLite frees pSet (calls macro_set_free) at once. */
    sqlite3_set_auxdata(ctx, 1, pSet, macro_set_free);
    pSet = sqlite3_get_auxdata(ctx, 1);
    if (pSet == 0) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  size_t nOut;
  char *zOut = macro_render(ctx, "", zText, nText, pSet->a, pSet->n, &nOut);
  if (zOut == 0) return;
  sqlite3_result_text64(ctx, zOut, nOut, sqlite3_free, SQLITE_UTF8);
}

void invite_template_check_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t nText;
  const char *zText = text_arg(ctx, argv[0], &nText);
  if (zText == 0) return;
  size_t nOut;
  MacroError err;
  /* Every known macro expands to "": only the syntax and names matter. */
  if (macro_measure(zText, nText, macro_known, macro_known_count, (size_t)-1, &nOut, &err) ==
      MACRO_OK) {
    return;
  }
  char zMsg[MACRO_MAX_MESSAGE];
  macro_message(&err, zMsg, sizeof zMsg);
  sqlite3_result_text(ctx, zMsg, -1, SQLITE_TRANSIENT);
}

/* The message is the caller's, whole: this is RAISE() with a computed
** message (RAISE itself takes only a literal). */
void invite_raise_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  const char *z = (const char *)sqlite3_value_text(argv[0]);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_error(ctx, z, sqlite3_value_bytes(argv[0]));
  sqlite3_result_error_code(ctx, SQLITE_CONSTRAINT);
}
