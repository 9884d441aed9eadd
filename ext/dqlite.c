/*
** dqlite.c — what the extension does differently on a dqlite node.
**
**   -- on a dqlite cluster (tools/invite-node hosts a node), one connection:
**   BEGIN IMMEDIATE;                       -- exec request
**   SELECT invite_redeem(?, NULL, ?);      -- query request
**   COMMIT;                                -- exec request
**   SELECT invite_last_error();            -- the real text of the last refusal
**
** dqlite replicates the WAL frames of a transaction the client opened and
** commits through its own requests. A verb that opens and commits its own
** transaction from an autocommit statement bypasses that: as an exec
** request its result is dropped, as a query request the write is lost and
** the node aborts on its next request (dqlite 1.11.1, vfs.c
** vfsFileShmLock: 'wal->n_tx == 0'). So on a dqlite connection a verb that
** would write refuses in autocommit, before it writes anything.
**
** An attached database is not replicated (only the database the client
** opened is), and dqlite 1.11 fails its COMMIT with "disk I/O error", so
** invite_init('x') refuses an attached schema there.
**
** dqlite 1.11 drops the text of an error raised during a query request (the
** client sees a column count as code and a column name as message); every
** error an extension function raises is also kept on its connection, for
** invite_last_error() (errors.c).
**
** A dqlite connection is told by its VFS: dqlite 1.11 registers one VFS
** per node, named "dqlite-<n>".
*/
#include "invite.h"

#include <string.h>

#define DQLITE_VFS_PREFIX "dqlite"

int invite_on_dqlite(sqlite3_context *ctx) {
  InviteConn *p = invite_conn(ctx);
  if (p->eDqlite == 0) {
    sqlite3_vfs *pVfs = 0;
    /* The main database's VFS never changes for the life of a connection. */
    int rc = sqlite3_file_control(p->db, "main", SQLITE_FCNTL_VFS_POINTER, &pVfs);
    int bDqlite = rc == SQLITE_OK && pVfs && pVfs->zName &&
                  strncmp(pVfs->zName, DQLITE_VFS_PREFIX, sizeof DQLITE_VFS_PREFIX - 1) == 0;
    p->eDqlite = bDqlite ? 2 : 1;
  }
  return p->eDqlite == 2;
}

int invite_dqlite_refuse_autocommit(sqlite3_context *ctx) {
  if (!sqlite3_get_autocommit(sqlite3_context_db_handle(ctx))) return 0;
  if (!invite_on_dqlite(ctx)) return 0;
  invite_errorf(ctx, SQLITE_MISUSE,
                "on dqlite call it inside a transaction: BEGIN IMMEDIATE, "
                "SELECT %s(...), COMMIT on one connection (in autocommit "
                "dqlite would lose the write or its result)",
                invite_fname(ctx));
  return 1;
}

int invite_dqlite_refuse_attached(sqlite3_context *ctx, const char *zSchema) {
  if (strcmp(zSchema, "main") == 0 || !invite_on_dqlite(ctx)) return 0;
  invite_errorf(ctx, SQLITE_MISUSE,
                "on dqlite only the database 'main' is replicated: install "
                "into it, not into '%q'",
                zSchema);
  return 1;
}
