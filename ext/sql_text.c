/*
** sql_text.c — the SQL of sql/ as built into the extension: the feature
** files in install order and the numbered migrations (tools/embed-sql.sh
** writes them into sql_embed.h, included here only, so the text is in the
** binary once). schema.c installs them; law.c builds its reference from them.
*/
#include "invite.h"

#include "sql_embed.h"

const InviteSqlFile *invite_sql_files(size_t *pn) {
  *pn = sizeof INVITE_SQL_FILES / sizeof INVITE_SQL_FILES[0];
  return INVITE_SQL_FILES;
}

const InviteSqlFile *invite_sql_migrations(size_t *pn) {
  *pn = sizeof INVITE_MIGRATIONS / sizeof INVITE_MIGRATIONS[0];
  return INVITE_MIGRATIONS;
}

/* db is a fresh connection with the extension's functions. */
int invite_sql_install_reference(sqlite3 *db) {
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof INVITE_SQL_FILES / sizeof INVITE_SQL_FILES[0];
       i++) {
    char *zSql = invite_sql_for_schema(INVITE_SQL_FILES[i][1], "main");
    rc = zSql ? sqlite3_exec(db, zSql, 0, 0, 0) : SQLITE_NOMEM;
    sqlite3_free(zSql);
  }
  return rc;
}
