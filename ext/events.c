/*
** events.c — the event feed (sql/events.sql): invite_events(after) and
** invite_note_expired().
**
**   SELECT invite_note_expired();            -- expiries passed since last time
**   SELECT id, event, invite_id, detail FROM invite_events(:cursor);
**   -- 7|created|1|{"kind":"member",...}
**   -- 9|expired|1|{"expires_at":"2027-01-08 00:00:00"}
**
** invite_events(after) is table-valued: the rows of the invite_event_feed view
** with id > after, in id order, in the schema invite_init() chose for this
** connection. after is an integer >= 0 (0 or omitted: every event); NULL,
** text, a real or a negative number is an error naming it. It only reads,
** and what it reads any client reads through the view; it is DIRECTONLY
** all the same, like every function that reveals state (STYLE.md 4.3).
**
** invite_note_expired() records, once, every invite key and guest access
** whose expiry has passed (the invite_expired_unnoted view) in
** invite_expirations, whose insert trigger appends the 'expired' /
** 'guest_expired' event; it returns how many it recorded. Run it on the
** schedule that runs invite_notify_expiring(), and before reading the feed
** when expiries must be seen promptly.
**
** Invariant relied on: audit_log ids commit in id order without gaps (one
** writer at a time numbers them max + 1), so "id > cursor" never misses or
** repeats an event.
*/
#include "invite.h"

#include <stdarg.h>
#include <string.h>

#include "verbs.h"

enum {
  EVENTS_COLUMN_ID,
  EVENTS_COLUMN_AT,
  EVENTS_COLUMN_EVENT,
  EVENTS_COLUMN_INVITE_ID,
  EVENTS_COLUMN_USER_ID,
  EVENTS_COLUMN_BUSINESS_ID,
  EVENTS_COLUMN_DETAIL,
  EVENTS_COLUMN_AFTER
};

typedef struct EventsVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  InviteConn *pConn; /* for the schema; outlives the module (a reference) */
} EventsVtab;

typedef struct EventsCursor {
  sqlite3_vtab_cursor base;
  sqlite3_stmt *pStmt; /* over the view; NULL before xFilter */
  int bEof;
} EventsCursor;

static const char SQL_EVENTS[] = "SELECT id, at, event, invite_id, user_id, business_id, detail"
                                 "  FROM $S.invite_event_feed WHERE id > ?1 ORDER BY id";

static int events_vtab_error(sqlite3_vtab *pVtab, const char *zFormat, ...) {
  va_list ap;
  va_start(ap, zFormat);
  char *zMsg = sqlite3_vmprintf(zFormat, ap);
  va_end(ap);
  sqlite3_free(pVtab->zErrMsg);
  pVtab->zErrMsg = sqlite3_mprintf("invite_events: %s", zMsg ? zMsg : "out of memory");
  sqlite3_free(zMsg);
  return SQLITE_ERROR;
}

static int events_vtab_connect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                               sqlite3_vtab **ppVtab, char **pzErr) {
  (void)argc, (void)argv, (void)pzErr;
  int rc =
      sqlite3_declare_vtab(db, "CREATE TABLE x(id INTEGER, at TEXT, event TEXT, invite_id INTEGER,"
                               " user_id INTEGER, business_id INTEGER, detail TEXT, after HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  EventsVtab *p = sqlite3_malloc(sizeof(*p));
  if (p == 0) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  p->db = db;
  p->pConn = pAux;
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY); /* reveals state */
  *ppVtab = &p->base;
  return SQLITE_OK;
}

static int events_vtab_disconnect(sqlite3_vtab *p) {
  sqlite3_free(p);
  return SQLITE_OK;
}

static int events_vtab_open(sqlite3_vtab *p, sqlite3_vtab_cursor **ppCur) {
  (void)p;
  EventsCursor *pCur = sqlite3_malloc(sizeof(*pCur));
  if (pCur == 0) return SQLITE_NOMEM;
  memset(pCur, 0, sizeof(*pCur));
  pCur->bEof = 1;
  *ppCur = &pCur->base;
  return SQLITE_OK;
}

static int events_vtab_close(sqlite3_vtab_cursor *cur) {
  EventsCursor *pCur = (EventsCursor *)cur;
  sqlite3_finalize(pCur->pStmt);
  sqlite3_free(pCur);
  return SQLITE_OK;
}

static int events_cursor_step(EventsCursor *pCur) {
  int rc = sqlite3_step(pCur->pStmt);
  if (rc == SQLITE_ROW) {
    pCur->bEof = 0;
    return SQLITE_OK;
  }
  pCur->bEof = 1;
  if (rc == SQLITE_DONE) return SQLITE_OK;
  EventsVtab *pTab = (EventsVtab *)pCur->base.pVtab;
  events_vtab_error(&pTab->base, "cannot read the events: %s", invite_db_message(pTab->db));
  return rc;
}

static int events_vtab_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc,
                              sqlite3_value **argv) {
  (void)idxStr;
  EventsCursor *pCur = (EventsCursor *)cur;
  EventsVtab *pTab = (EventsVtab *)cur->pVtab;
  sqlite3_int64 iAfter = 0;
  if (idxNum == 1 && argc == 1) {
    int eType = sqlite3_value_type(argv[0]);
    double r = eType == SQLITE_FLOAT ? sqlite3_value_double(argv[0]) : 0;
    if (eType == SQLITE_FLOAT && r >= 0 && r <= 9007199254740992.0 &&
        r == (double)(sqlite3_int64)r) {
      iAfter = (sqlite3_int64)r; /* a REAL from Node: 5.0 is 5 */
    } else if (eType != SQLITE_INTEGER) {
      return events_vtab_error(cur->pVtab,
                               "argument 1 (after) must be an event id (an integer >= 0), got %s",
                               invite_type_name(eType));
    } else {
      iAfter = sqlite3_value_int64(argv[0]);
    }
    if (iAfter < 0) {
      return events_vtab_error(
          cur->pVtab, "argument 1 (after) must be an event id (an integer >= 0), got %lld", iAfter);
    }
  }
  sqlite3_finalize(pCur->pStmt);
  pCur->pStmt = 0;
  pCur->bEof = 1;
  char *zSql = invite_sql_for_schema(SQL_EVENTS, pTab->pConn->zSchema);
  if (zSql == 0) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(pTab->db, zSql, -1, &pCur->pStmt, 0);
  sqlite3_free(zSql);
  if (rc != SQLITE_OK) {
    return events_vtab_error(cur->pVtab, "cannot read the events (run invite_init() first?): %s",
                             invite_db_message(pTab->db));
  }
  sqlite3_bind_int64(pCur->pStmt, 1, iAfter);
  return events_cursor_step(pCur);
}

static int events_vtab_next(sqlite3_vtab_cursor *cur) {
  return events_cursor_step((EventsCursor *)cur);
}

static int events_vtab_eof(sqlite3_vtab_cursor *cur) { return ((EventsCursor *)cur)->bEof; }

static int events_vtab_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i) {
  EventsCursor *pCur = (EventsCursor *)cur;
  if (i >= EVENTS_COLUMN_ID && i <= EVENTS_COLUMN_DETAIL) {
    sqlite3_result_value(ctx, sqlite3_column_value(pCur->pStmt, i));
  }
  return SQLITE_OK;
}

static int events_vtab_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid) {
  *pRowid = sqlite3_column_int64(((EventsCursor *)cur)->pStmt, EVENTS_COLUMN_ID);
  return SQLITE_OK;
}

static int events_vtab_best_index(sqlite3_vtab *p, sqlite3_index_info *pInfo) {
  (void)p;
  pInfo->idxNum = 0;
  for (int i = 0; i < pInfo->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &pInfo->aConstraint[i];
    if (c->iColumn != EVENTS_COLUMN_AFTER) continue;
    if (!c->usable) return SQLITE_CONSTRAINT;
    if (c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    pInfo->aConstraintUsage[i].argvIndex = 1;
    pInfo->aConstraintUsage[i].omit = 1;
    pInfo->idxNum = 1;
  }
  /* Rows come in id order. */
  if (pInfo->nOrderBy == 1 && pInfo->aOrderBy[0].iColumn == EVENTS_COLUMN_ID &&
      !pInfo->aOrderBy[0].desc) {
    pInfo->orderByConsumed = 1;
  }
  pInfo->estimatedCost = pInfo->idxNum ? 1000 : 1e6;
  return SQLITE_OK;
}

static sqlite3_module events_module = {
    .iVersion = 0,
    .xCreate = 0, /* eponymous only */
    .xConnect = events_vtab_connect,
    .xBestIndex = events_vtab_best_index,
    .xDisconnect = events_vtab_disconnect,
    .xOpen = events_vtab_open,
    .xClose = events_vtab_close,
    .xFilter = events_vtab_filter,
    .xNext = events_vtab_next,
    .xEof = events_vtab_eof,
    .xColumn = events_vtab_column,
    .xRowid = events_vtab_rowid,
};

int events_register(sqlite3 *db, InviteConn *pConn, void (*xDestroy)(void *)) {
  return sqlite3_create_module_v2(db, "invite_events", &events_module, pConn, xDestroy);
}

/* ---- invite_note_expired() ---- */

static const char SQL_NOTE_EXPIRED[] =
    "INSERT INTO $S.invite_expirations(kind, ref_id, expires_at, noted_at)"
    " SELECT u.kind, u.ref_id, u.expires_at, t.now"
    "   FROM $S.invite_expired_unnoted u, $S.invite_now t"
    "  ORDER BY u.expires_at, u.kind DESC, u.ref_id";

void invite_note_expired_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  InviteTx tx = {0, 0};
  if (invite_verb_begin(ctx, &tx)) return;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_NOTE_EXPIRED);
  if (p == 0 || invite_stmt_done(ctx, p, "cannot record the expiries")) {
    invite_verb_end(ctx, &tx, 0);
    return;
  }
  int n = sqlite3_changes(sqlite3_context_db_handle(ctx));
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int(ctx, n);
}
