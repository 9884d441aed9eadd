/*
** law.c — what keeps the law itself whole.
**
**   SELECT invite_check();   -- read-only: {"intact":true,"dropped":[],
**                            --   "rewritten":[],"added":[],"rows":[]}
**   SELECT invite_init();    -- restores a dropped or rewritten trigger, view
**                            -- or index of ours, and audits 'law.restored'
**
** SQL cannot stop a client from DROP TRIGGER or from rewriting sqlite_schema
** (PRAGMA writable_schema), so the law is checked instead: the triggers,
** views and indexes installed in a schema are compared, by name and SQL
** text, with the ones the embedded SQL makes in a scratch in-memory
** database (built once per process). A trigger nobody of ours made on one of
** the extension's own tables counts as added: it could undo what the law
** does. Triggers an application puts on its own tables (users, ...) are its
** business and are left alone.
**
**   invite_installing()   1 while invite_init() installs: the triggers of
**                         invite_setting_defs and of the schema version rows
**                         accept writes only then.
**   invite_law_writer()   called by the triggers of the bookkeeping tables
**                         (invite_old_keys, invite_rate): a connection that
**                         has not loaded the extension has no such function,
**                         so it cannot write them at all.
*/
#include "invite.h"

#include <string.h>

#include "verbs.h"

/* The tables DESIGN.md gives the application; every other table of the
** schema is the extension's own. */
static const char *const azApplicationTable[] = {
    "businesses",       "apps",         "subscriptions",     "roles",   "users",
    "account_managers", "members",      "security_profiles", "portals", "sessions",
    "settings",         "guest_sources"};

typedef struct LawObject {
  char *zType, *zName, *zTable, *zSql;
} LawObject;

static struct {
  int bBuilt;
  int nObj;
  LawObject *aObj; /* triggers, views and indexes of the reference */
  int nOwn;
  char **azOwn; /* the extension's own tables */
} law;

/* The reference lives as long as the extension is loaded: SQLite unloads
** it when the last connection that loaded it closes. */
__attribute__((destructor)) static void law_free(void) {
  /* dlopen()ed but never initialised (a host that exits before any
  ** connection): no API table, and nothing was built. */
  if (sqlite3_api == 0) return;
  for (int i = 0; i < law.nObj; i++) {
    sqlite3_free(law.aObj[i].zType);
    sqlite3_free(law.aObj[i].zName);
    sqlite3_free(law.aObj[i].zTable);
    sqlite3_free(law.aObj[i].zSql);
  }
  for (int i = 0; i < law.nOwn; i++) sqlite3_free(law.azOwn[i]);
  sqlite3_free(law.aObj);
  sqlite3_free(law.azOwn);
  memset(&law, 0, sizeof law);
}

static int is_application_table(const char *z) {
  for (size_t i = 0; i < sizeof azApplicationTable / sizeof azApplicationTable[0]; i++) {
    if (sqlite3_stricmp(z, azApplicationTable[i]) == 0) return 1;
  }
  return 0;
}

static char *dup(const unsigned char *z) { return sqlite3_mprintf("%s", z ? (const char *)z : ""); }

/* Builds the reference once; the static mutex makes it safe for threads. */
static int law_reference(sqlite3_context *ctx) {
  sqlite3_mutex *pMutex = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_APP1);
  sqlite3_mutex_enter(pMutex);
  int rc = SQLITE_OK;
  if (!law.bBuilt) {
    sqlite3 *db = 0;
    char *zErr = 0;
    rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, 0);
    /* A host that registers the extension with sqlite3_auto_extension()
    ** has already given this connection the functions. */
    sqlite3_stmt *pHave = 0;
    int bHave = 0;
    if (rc == SQLITE_OK) {
      rc = sqlite3_prepare_v2(
          db, "SELECT 1 FROM pragma_function_list WHERE name = 'invite_audit_hash'", -1, &pHave, 0);
      bHave = rc == SQLITE_OK && sqlite3_step(pHave) == SQLITE_ROW;
      sqlite3_finalize(pHave);
    }
    if (rc == SQLITE_OK && !bHave) rc = invite_conn(ctx)->xLoad(db, &zErr, sqlite3_api);
    sqlite3_free(zErr);
    if (rc == SQLITE_OK) rc = invite_sql_install_reference(db);
    sqlite3_stmt *p = 0;
    if (rc == SQLITE_OK) {
      rc = sqlite3_prepare_v2(
          db,
          "SELECT type, name, tbl_name, sql FROM sqlite_schema"
          " WHERE sql IS NOT NULL AND type IN ('table', 'trigger', 'view', 'index')",
          -1, &p, 0);
    }
    while (rc == SQLITE_OK && sqlite3_step(p) == SQLITE_ROW) {
      const char *zType = (const char *)sqlite3_column_text(p, 0);
      if (strcmp(zType, "table") == 0) {
        const char *zName = (const char *)sqlite3_column_text(p, 1);
        if (is_application_table(zName)) continue;
        char **az = sqlite3_realloc64(law.azOwn, (law.nOwn + 1) * sizeof(char *));
        if (az == 0) {
          rc = SQLITE_NOMEM;
          break;
        }
        law.azOwn = az;
        if ((az[law.nOwn] = dup((const unsigned char *)zName)) == 0) {
          rc = SQLITE_NOMEM;
          break;
        }
        law.nOwn++;
        continue;
      }
      LawObject *a = sqlite3_realloc64(law.aObj, (law.nObj + 1) * sizeof(LawObject));
      if (a == 0) {
        rc = SQLITE_NOMEM;
        break;
      }
      law.aObj = a;
      LawObject *o = &a[law.nObj];
      o->zType = dup(sqlite3_column_text(p, 0));
      o->zName = dup(sqlite3_column_text(p, 1));
      o->zTable = dup(sqlite3_column_text(p, 2));
      o->zSql = dup(sqlite3_column_text(p, 3));
      if (!o->zType || !o->zName || !o->zTable || !o->zSql) {
        rc = SQLITE_NOMEM;
        break;
      }
      law.nObj++;
    }
    sqlite3_finalize(p);
    /* close_v2: the extension's cached statements go with the connection. */
    sqlite3_close_v2(db);
    if (rc == SQLITE_OK) law.bBuilt = 1;
  }
  sqlite3_mutex_leave(pMutex);
  return rc;
}

static int is_own_table(const char *z) {
  for (int i = 0; i < law.nOwn; i++) {
    if (sqlite3_stricmp(z, law.azOwn[i]) == 0) return 1;
  }
  return 0;
}

/* One JSON array of names, from the objects whose mark equals eWant. */
static void names_array(sqlite3_str *s, const char *zKey, const char *const *azName,
                        const int *aMark, int n, int eWant) {
  json_key(s, zKey);
  sqlite3_str_appendchar(s, 1, '[');
  int bFirst = 1;
  for (int i = 0; i < n; i++) {
    if (aMark[i] != eWant) continue;
    if (!bFirst) sqlite3_str_appendchar(s, 1, ',');
    json_text(s, azName[i]);
    bFirst = 0;
  }
  sqlite3_str_appendchar(s, 1, ']');
}

enum { LAW_SAME, LAW_DROPPED, LAW_REWRITTEN, LAW_ADDED };

char *law_diff(sqlite3_context *ctx, const char *zSchema, int *pIntact) {
  if (law_reference(ctx) != SQLITE_OK) {
    invite_errorf(ctx, SQLITE_ERROR, "cannot build the reference schema to check the law against");
    return 0;
  }
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  char *zSql = sqlite3_mprintf("SELECT type, name, tbl_name, sql FROM \"%w\".sqlite_schema"
                               " WHERE type IN ('trigger', 'view', 'index') AND sql IS NOT NULL",
                               zSchema);
  sqlite3_stmt *p = 0;
  int rc = zSql ? sqlite3_prepare_v2(db, zSql, -1, &p, 0) : SQLITE_NOMEM;
  sqlite3_free(zSql);
  int *aMark = sqlite3_malloc64(sizeof(int) * (law.nObj + 1));
  int nAdded = 0, nAlloc = 0;
  char **azAdded = 0;
  int *aAddedMark = 0;
  if (aMark == 0) rc = SQLITE_NOMEM;
  for (int i = 0; rc == SQLITE_OK && i < law.nObj; i++) aMark[i] = LAW_DROPPED;
  while (rc == SQLITE_OK && sqlite3_step(p) == SQLITE_ROW) {
    const char *zType = (const char *)sqlite3_column_text(p, 0);
    const char *zName = (const char *)sqlite3_column_text(p, 1);
    const char *zTable = (const char *)sqlite3_column_text(p, 2);
    const char *zLive = (const char *)sqlite3_column_text(p, 3);
    int iFound = -1;
    for (int i = 0; i < law.nObj; i++) {
      if (strcmp(law.aObj[i].zType, zType) == 0 && sqlite3_stricmp(law.aObj[i].zName, zName) == 0) {
        iFound = i;
        break;
      }
    }
    if (iFound >= 0) {
      aMark[iFound] = strcmp(law.aObj[iFound].zSql, zLive) == 0 ? LAW_SAME : LAW_REWRITTEN;
    } else if (strcmp(zType, "trigger") == 0 && is_own_table(zTable)) {
      if (nAdded == nAlloc) {
        nAlloc = nAlloc ? 2 * nAlloc : 8;
        char **az = sqlite3_realloc64(azAdded, nAlloc * sizeof(char *));
        int *am = sqlite3_realloc64(aAddedMark, nAlloc * sizeof(int));
        if (az) azAdded = az;
        if (am) aAddedMark = am;
        if (!az || !am) {
          rc = SQLITE_NOMEM;
          break;
        }
      }
      aAddedMark[nAdded] = LAW_ADDED;
      if ((azAdded[nAdded++] = dup((const unsigned char *)zName)) == 0) rc = SQLITE_NOMEM;
    }
  }
  sqlite3_finalize(p);
  char *zOut = 0;
  if (rc == SQLITE_OK) {
    const char **azName = sqlite3_malloc64(sizeof(char *) * (law.nObj + 1));
    if (azName) {
      int bIntact = nAdded == 0;
      for (int i = 0; i < law.nObj; i++) {
        azName[i] = law.aObj[i].zName;
        if (aMark[i] != LAW_SAME) bIntact = 0;
      }
      sqlite3_str *s = sqlite3_str_new(0);
      json_open(s);
      json_key(s, "intact"), sqlite3_str_appendall(s, bIntact ? "true" : "false");
      names_array(s, "dropped", azName, aMark, law.nObj, LAW_DROPPED);
      names_array(s, "rewritten", azName, aMark, law.nObj, LAW_REWRITTEN);
      names_array(s, "added", (const char *const *)azAdded, aAddedMark, nAdded, LAW_ADDED);
      json_close(s);
      zOut = sqlite3_str_finish(s);
      *pIntact = bIntact;
      sqlite3_free(azName);
    }
    if (zOut == 0) sqlite3_result_error_nomem(ctx);
  } else if (rc == SQLITE_NOMEM) {
    sqlite3_result_error_nomem(ctx);
  } else {
    invite_error_db(ctx, "cannot read the schema of '%s'", zSchema);
  }
  for (int i = 0; i < nAdded; i++) sqlite3_free(azAdded[i]);
  sqlite3_free(azAdded);
  sqlite3_free(aAddedMark);
  sqlite3_free(aMark);
  return zOut;
}

int law_drop_added(sqlite3_context *ctx, const char *zSchema) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  char *zSql = sqlite3_mprintf(
      "SELECT name, tbl_name FROM \"%w\".sqlite_schema WHERE type = 'trigger'", zSchema);
  sqlite3_stmt *p = 0;
  int rc = zSql ? sqlite3_prepare_v2(db, zSql, -1, &p, 0) : SQLITE_NOMEM;
  sqlite3_free(zSql);
  sqlite3_str *pDrop = sqlite3_str_new(0);
  while (rc == SQLITE_OK && sqlite3_step(p) == SQLITE_ROW) {
    const char *zName = (const char *)sqlite3_column_text(p, 0);
    const char *zTable = (const char *)sqlite3_column_text(p, 1);
    int bOurs = 0;
    for (int i = 0; i < law.nObj; i++) {
      if (strcmp(law.aObj[i].zType, "trigger") == 0 &&
          sqlite3_stricmp(law.aObj[i].zName, zName) == 0)
        bOurs = 1;
    }
    if (!bOurs && is_own_table(zTable)) {
      sqlite3_str_appendf(pDrop, "DROP TRIGGER \"%w\".\"%w\";", zSchema, zName);
    }
  }
  sqlite3_finalize(p);
  char *zDrop = sqlite3_str_finish(pDrop);
  if (rc == SQLITE_OK && zDrop) rc = sqlite3_exec(db, zDrop, 0, 0, 0);
  sqlite3_free(zDrop);
  if (rc != SQLITE_OK) invite_error_db(ctx, "cannot drop a trigger that is not ours");
  return rc;
}

/* Rows whose checks ran through a function a client can imitate: a
** look-alike invite_template_check() or invite_outbox_problem() lets a
** client without the extension store what the real one refuses. The real
** ones look again. */
static const char SQL_BAD_ROWS[] =
    "SELECT 'templates', id, coalesce('subject: ' || invite_template_check(subject),"
    "                                 'body: ' || invite_template_check(body))"
    "  FROM $S.templates"
    " WHERE invite_template_check(subject) IS NOT NULL OR invite_template_check(body) IS NOT NULL "
    "UNION ALL "
    "SELECT 'outbox', id, invite_outbox_problem(kind, recipient, recipient_name, subject, body,"
    "         message_id, secret, 'queued', 0, NULL, created_at, next_attempt_at)"
    "  FROM $S.outbox WHERE status = 'queued'"
    "   AND invite_outbox_problem(kind, recipient, recipient_name, subject, body,"
    "         message_id, secret, 'queued', 0, NULL, created_at, next_attempt_at) IS NOT NULL";

void invite_check_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  int bIntact = 0;
  char *zDiff = law_diff(ctx, invite_conn(ctx)->zSchema, &bIntact);
  if (zDiff == 0) return;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_BAD_ROWS);
  if (p == 0) {
    sqlite3_free(zDiff);
    return;
  }
  /* zDiff is {"intact":...,"added":[...]}: the rows go before its "}". */
  sqlite3_str *s = sqlite3_str_new(0);
  sqlite3_str_append(s, zDiff, (int)strlen(zDiff) - 1);
  json_key(s, "rows");
  sqlite3_str_appendchar(s, 1, '[');
  int rc, nBad = 0;
  while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
    if (nBad++) sqlite3_str_appendchar(s, 1, ',');
    json_open(s);
    json_key(s, "table"), json_text(s, (const char *)sqlite3_column_text(p, 0));
    json_key(s, "id"), json_int(s, sqlite3_column_int64(p, 1));
    json_key(s, "problem"), json_text(s, (const char *)sqlite3_column_text(p, 2));
    json_close(s);
  }
  sqlite3_reset(p);
  sqlite3_str_appendall(s, "]}");
  sqlite3_free(zDiff);
  if (rc != SQLITE_DONE) {
    sqlite3_free(sqlite3_str_finish(s));
    invite_error_db(ctx, "cannot read the templates and the outbox");
    return;
  }
  char *z = sqlite3_str_finish(s);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  /* "intact" covers the rows too. */
  if (nBad && strncmp(z, "{\"intact\":true", 14) == 0) {
    char *zFixed = sqlite3_mprintf("{\"intact\":false%s", z + 14);
    sqlite3_free(z);
    z = zFixed;
    if (z == 0) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  sqlite3_result_text(ctx, z, -1, sqlite3_free);
}

/* 1 while invite_init() installs on this connection: the built-in setting
** defaults and the schema version change then and only then. */
void invite_installing_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  sqlite3_result_int(ctx, invite_conn(ctx)->bInstalling);
}

void invite_law_writer_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  sqlite3_result_int(ctx, 1);
}
