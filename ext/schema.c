/*
** schema.c — installs and upgrades the schema: invite_init([schema]).
**
**   SELECT invite_init();          -- in 'main'; returns the schema version
**   ATTACH 'access.db' AS access;
**   SELECT invite_init('access');  -- beside an application's own tables
**
** The files of sql/ are embedded at build time (tools/embed-sql.sh) and run
** in order, with "$S" replaced by the quoted schema name. Tables and indexes
** are created IF NOT EXISTS; an index whose definition changed is rebuilt;
** every view and trigger is dropped and created again, so an upgrade ends
** with the indexes, views and triggers of this build. A changed CREATE
** TABLE applies to new databases; an older database gets the change from
** the numbered steps of sql/migrations/ (002_*.sql takes schema 1 to 2),
** run once, in order, before the files, in the same transaction. The
** installed version and a BLAKE2b hash of the embedded SQL are kept in
** invite_meta: when both match, invite_init() writes nothing.
**
** invite_init() also makes the schema the one every verb of this connection
** works on, so a second connection calls it too (it is cheap when current).
*/
#include "invite.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_HASH_HEX (2 * 16 + 1)

static void schema_hash(char zHex[SCHEMA_HASH_HEX]) {
  unsigned char aHash[16];
  crypto_generichash_state st;
  crypto_generichash_init(&st, 0, 0, sizeof aHash);
  size_t nFile;
  const InviteSqlFile *aFile = invite_sql_files(&nFile);
  for (size_t i = 0; i < nFile; i++) {
    const char *z = aFile[i][1];
    crypto_generichash_update(&st, (const unsigned char *)z, strlen(z) + 1);
  }
  crypto_generichash_final(&st, aHash, sizeof aHash);
  sodium_bin2hex(zHex, SCHEMA_HASH_HEX, aHash, sizeof aHash);
}

/* Skips white space and SQL comments. */
static const char *skip_space(const char *z) {
  for (;;) {
    while (*z == ' ' || *z == '\t' || *z == '\n' || *z == '\r') z++;
    if (z[0] == '-' && z[1] == '-') {
      while (*z && *z != '\n') z++;
    } else if (z[0] == '/' && z[1] == '*') {
      const char *zEnd = strstr(z + 2, "*/");
      z = zEnd ? zEnd + 2 : z + strlen(z);
    } else {
      return z;
    }
  }
}

/* When zSql starts "CREATE VIEW <prefix>name" or "CREATE TRIGGER
** <prefix>name", returns "DROP VIEW|TRIGGER IF EXISTS <prefix>name". */
static char *drop_before_create(const char *zSql, const char *zPrefix) {
  static const struct {
    const char *zCreate;
    const char *zKind;
  } aKind[] = {{"CREATE VIEW ", "VIEW"}, {"CREATE TRIGGER ", "TRIGGER"}};
  for (size_t i = 0; i < sizeof aKind / sizeof aKind[0]; i++) {
    size_t n = strlen(aKind[i].zCreate);
    if (sqlite3_strnicmp(zSql, aKind[i].zCreate, (int)n) != 0) continue;
    const char *z = skip_space(zSql + n);
    size_t nPrefix = strlen(zPrefix);
    if (strncmp(z, zPrefix, nPrefix) != 0) return 0;
    const char *zName = z + nPrefix;
    size_t nName = strcspn(zName, " \t\n\r(");
    return sqlite3_mprintf("DROP %s IF EXISTS %s%.*s", aKind[i].zKind, zPrefix, (int)nName, zName);
  }
  return 0;
}

/* Indexes are created IF NOT EXISTS, so an index whose definition changed
** between versions would keep the old one. When the statement [zSql, zEnd)
** is "CREATE [UNIQUE] INDEX IF NOT EXISTS <prefix>name ..." and the index
** installed under that name was made by other SQL, drops it: the statement
** then builds it again. SQLite records an index as "CREATE [UNIQUE] INDEX "
** followed by the text from the name to the last token before the ';'. */
static int drop_changed_index(sqlite3 *db, const char *zSql, const char *zEnd, const char *zPrefix,
                              const char *zSchema) {
  static const char *const azCreate[] = {"CREATE INDEX IF NOT EXISTS ",
                                         "CREATE UNIQUE INDEX IF NOT EXISTS "};
  size_t i, n = 0;
  for (i = 0; i < 2; i++) {
    n = strlen(azCreate[i]);
    if (sqlite3_strnicmp(zSql, azCreate[i], (int)n) == 0) break;
  }
  if (i == 2) return SQLITE_OK;
  const char *zName = skip_space(zSql + n);
  size_t nPrefix = strlen(zPrefix);
  if (strncmp(zName, zPrefix, nPrefix) != 0) return SQLITE_OK;
  zName += nPrefix;
  while (zEnd > zName && (zEnd[-1] == ';' || zEnd[-1] == ' ' || zEnd[-1] == '\n')) zEnd--;
  size_t nName = strcspn(zName, " \t\n\r(");
  char *zWant =
      sqlite3_mprintf("CREATE%s INDEX %.*s", i ? " UNIQUE" : "", (int)(zEnd - zName), zName);
  char *zFind =
      sqlite3_mprintf("SELECT sql FROM \"%w\".sqlite_schema WHERE type = 'index' AND name = '%.*q'",
                      zSchema, (int)nName, zName);
  sqlite3_stmt *pStmt = 0;
  int rc = zWant && zFind ? sqlite3_prepare_v2(db, zFind, -1, &pStmt, 0) : SQLITE_NOMEM;
  int bChanged = 0;
  if (rc == SQLITE_OK && sqlite3_step(pStmt) == SQLITE_ROW) {
    const char *zHave = (const char *)sqlite3_column_text(pStmt, 0);
    bChanged = zHave == 0 || strcmp(zHave, zWant) != 0;
  }
  sqlite3_finalize(pStmt);
  if (rc == SQLITE_OK && bChanged) {
    char *zDrop = sqlite3_mprintf("DROP INDEX %s%.*s", zPrefix, (int)nName, zName);
    rc = zDrop ? sqlite3_exec(db, zDrop, 0, 0, 0) : SQLITE_NOMEM;
    sqlite3_free(zDrop);
  }
  sqlite3_free(zWant);
  sqlite3_free(zFind);
  return rc;
}

/* Runs one embedded file; on error sets the result naming the file. */
static int schema_run_file(sqlite3_context *ctx, const char *zFile, const char *zTemplate,
                           const char *zSchema) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  char *zSql = invite_sql_for_schema(zTemplate, zSchema);
  char *zPrefix = sqlite3_mprintf("\"%w\".", zSchema);
  int rc = SQLITE_OK;
  if (zSql == 0 || zPrefix == 0) {
    sqlite3_result_error_nomem(ctx);
    rc = SQLITE_NOMEM;
    goto done;
  }
  const char *z = zSql;
  while (rc == SQLITE_OK) {
    z = skip_space(z);
    if (*z == 0) break;
    char *zDrop = drop_before_create(z, zPrefix);
    if (zDrop) {
      rc = sqlite3_exec(db, zDrop, 0, 0, 0);
      sqlite3_free(zDrop);
      if (rc != SQLITE_OK) {
        invite_error_db(ctx, "%s", zFile);
        break;
      }
    }
    sqlite3_stmt *pStmt = 0;
    const char *zTail = 0;
    rc = sqlite3_prepare_v2(db, z, -1, &pStmt, &zTail);
    if (rc == SQLITE_OK && pStmt) rc = drop_changed_index(db, z, zTail, zPrefix, zSchema);
    if (rc == SQLITE_OK && pStmt) {
      while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {}
      if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
      int nLine = 1;
      for (const char *p = zSql; p < z; p++) nLine += *p == '\n';
      invite_error_db(ctx, "%s, statement at line %d", zFile, nLine);
    }
    sqlite3_finalize(pStmt);
    if (zTail == 0 || zTail == z) break;
    z = zTail;
  }
done:
  sqlite3_free(zSql);
  sqlite3_free(zPrefix);
  return rc;
}

static const char SQL_SCHEMA_EXISTS[] = "SELECT 1 FROM pragma_database_list WHERE name = ?1";
static const char SQL_META_TABLE[] = "SELECT count(*) FROM $S.sqlite_schema WHERE type = 'table' "
                                     "AND name = 'invite_meta'";
static const char SQL_META_READ[] =
    "SELECT (SELECT value FROM $S.invite_meta WHERE name = 'schema_version'),"
    "       (SELECT value FROM $S.invite_meta WHERE name = 'schema_hash')";
static const char SQL_META_WRITE[] = "INSERT INTO $S.invite_meta(name, value) VALUES"
                                     " ('schema_version', ?1), ('schema_hash', ?2) "
                                     "ON CONFLICT(name) DO UPDATE SET value = excluded.value";

/* Points the connection's verbs at zSchema. */
static int schema_select(sqlite3_context *ctx, const char *zSchema) {
  InviteConn *p = invite_conn(ctx);
  if (strcmp(p->zSchema, zSchema) == 0) return SQLITE_OK;
  char *zCopy = sqlite3_mprintf("%s", zSchema);
  if (zCopy == 0) {
    sqlite3_result_error_nomem(ctx);
    return SQLITE_NOMEM;
  }
  invite_stmt_cache_clear(p);
  sqlite3_free(p->zSchema);
  p->zSchema = zCopy;
  return SQLITE_OK;
}

/* Version and hash of what is installed; 0 and "" when nothing is. */
static int schema_installed(sqlite3_context *ctx, int *pVersion, char zHash[SCHEMA_HASH_HEX]) {
  *pVersion = 0;
  zHash[0] = 0;
  sqlite3_stmt *pStmt = invite_stmt(ctx, SQL_META_TABLE);
  if (pStmt == 0) return SQLITE_ERROR;
  int bMeta = sqlite3_step(pStmt) == SQLITE_ROW && sqlite3_column_int(pStmt, 0);
  sqlite3_reset(pStmt);
  if (!bMeta) return SQLITE_OK;
  pStmt = invite_stmt(ctx, SQL_META_READ);
  if (pStmt == 0) return SQLITE_ERROR;
  if (sqlite3_step(pStmt) == SQLITE_ROW) {
    *pVersion = sqlite3_column_int(pStmt, 0);
    const char *z = (const char *)sqlite3_column_text(pStmt, 1);
    if (z && strlen(z) < SCHEMA_HASH_HEX) memcpy(zHash, z, strlen(z) + 1);
  }
  sqlite3_reset(pStmt);
  return SQLITE_OK;
}

void invite_init_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const char *zSchema = "main";
  if (argc == 1) {
    if (invite_arg_text(ctx, argv, 0, "schema", 256, &zSchema, 0)) return;
  }
  sqlite3_stmt *pExists = invite_stmt(ctx, SQL_SCHEMA_EXISTS);
  if (pExists == 0) return;
  sqlite3_bind_text(pExists, 1, zSchema, -1, SQLITE_TRANSIENT);
  int bExists = sqlite3_step(pExists) == SQLITE_ROW;
  sqlite3_reset(pExists);
  if (!bExists) {
    invite_errorf(ctx, SQLITE_ERROR, "no database named '%q' (ATTACH it first)", zSchema);
    return;
  }
  if (invite_dqlite_refuse_attached(ctx, zSchema)) return;
  if (schema_select(ctx, zSchema)) return;
  zSchema = invite_conn(ctx)->zSchema; /* argv may not outlive the cache reset */

  InviteTx tx;
  if (invite_verb_begin(ctx, &tx)) return;
  /* The built-in defaults and the schema rows accept writes only now. */
  invite_conn(ctx)->bInstalling = 1;
  int iVersion;
  char zHash[SCHEMA_HASH_HEX], zWant[SCHEMA_HASH_HEX];
  schema_hash(zWant);
  if (schema_installed(ctx, &iVersion, zHash)) goto fail;
  if (iVersion > INVITE_SCHEMA_VERSION) {
    invite_errorf(ctx, SQLITE_ERROR,
                  "schema version %d in '%q' is newer than this extension "
                  "(%d): upgrade the extension",
                  iVersion, zSchema, INVITE_SCHEMA_VERSION);
    goto fail;
  }
  /* The hash says what this build installed; the live schema says what is
  ** there now. A difference at the current version is tampering (a
  ** dropped, added or rewritten trigger, view or index): restore, audit. */
  int bCurrent = iVersion == INVITE_SCHEMA_VERSION && strcmp(zHash, zWant) == 0;
  int bIntact = 1;
  char *zDiff = 0;
  if (iVersion > 0) {
    zDiff = law_diff(ctx, zSchema, &bIntact);
    if (zDiff == 0) goto fail;
  }
  if (!bCurrent || !bIntact) {
    /* Statements prepared against the old definitions must go first. */
    invite_stmt_cache_clear(invite_conn(ctx));
    if (iVersion > 0 && law_drop_added(ctx, zSchema)) {
      sqlite3_free(zDiff);
      goto fail;
    }
    /* Steps that alter the tables of an older schema, once each, in order,
    ** before the files that rely on them; all in this one transaction. */
    size_t nStep, nFile;
    const InviteSqlFile *aStep = invite_sql_migrations(&nStep);
    const InviteSqlFile *aFile = invite_sql_files(&nFile);
    for (size_t i = 0; iVersion > 0 && i < nStep; i++) {
      const char *zName = strrchr(aStep[i][0], '/');
      int iStep = atoi(zName ? zName + 1 : aStep[i][0]);
      if (iStep <= iVersion || iStep > INVITE_SCHEMA_VERSION) continue;
      if (schema_run_file(ctx, aStep[i][0], aStep[i][1], zSchema)) {
        sqlite3_free(zDiff);
        goto fail;
      }
    }
    for (size_t i = 0; i < nFile; i++) {
      if (schema_run_file(ctx, aFile[i][0], aFile[i][1], zSchema)) {
        sqlite3_free(zDiff);
        goto fail;
      }
    }
    sqlite3_stmt *pStmt = invite_stmt(ctx, SQL_META_WRITE);
    if (pStmt == 0) {
      sqlite3_free(zDiff);
      goto fail;
    }
    sqlite3_bind_int(pStmt, 1, INVITE_SCHEMA_VERSION);
    sqlite3_bind_text(pStmt, 2, zWant, -1, SQLITE_STATIC);
    if (invite_stmt_done(ctx, pStmt, "cannot record the schema version")) {
      sqlite3_free(zDiff);
      goto fail;
    }
    if (bCurrent && !bIntact) {
      char *zSubject = sqlite3_mprintf("schema:%s", zSchema);
      int rc = zSubject ? audit_record(ctx, 0, "law.restored", zSubject, zDiff) : SQLITE_NOMEM;
      sqlite3_free(zSubject);
      if (rc != SQLITE_OK) {
        sqlite3_free(zDiff);
        goto fail;
      }
    }
  }
  sqlite3_free(zDiff);
  invite_conn(ctx)->bInstalling = 0;
  if (audit_key_mark(ctx, 0)) goto fail;
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int(ctx, INVITE_SCHEMA_VERSION);
  return;
fail:
  invite_conn(ctx)->bInstalling = 0;
  invite_verb_end(ctx, &tx, 0);
  invite_stmt_cache_clear(invite_conn(ctx));
}

void invite_version_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  sqlite3_result_text(ctx, INVITE_VERSION, -1, SQLITE_STATIC);
}

void invite_debug_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  char zHash[SCHEMA_HASH_HEX];
  schema_hash(zHash);
  char *z = sqlite3_mprintf("invite %s, schema %d (%s), SQLite %s, libsodium %s, built %s %s",
                            INVITE_VERSION, INVITE_SCHEMA_VERSION, zHash, sqlite3_libversion(),
                            sodium_version_string(), __DATE__, __TIME__);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, z, -1, sqlite3_free);
}
