/*
** entry.c — entry point of the invite extension: invitations, guest access
** and seat licences kept inside a SQLite database.
**
**   .load ./build/invite
**   SELECT invite_init();                         -- install the schema
**   SELECT invite_create('ann@example.com', 1, 2, 3,
**                        '{"first_name":"Ann","last_name":"Lee"}');
**   SELECT invite_redeem('<key from the result>');
**
** This file registers the SQL functions from one table. The flags are a
** security decision (see the table): anything that writes or reveals state
** is DIRECTONLY, so it cannot be planted in a view, a trigger or a schema
** expression; only pure helpers are INNOCUOUS.
**
** Each function's user data is an InviteFunc naming it (the prefix of its
** errors) and pointing at the connection's InviteConn (statement cache,
** chosen schema). Cached statements are finalized from a SQLITE_TRACE_CLOSE
** hook, which SQLite calls before it checks for unfinalized statements, so
** sqlite3_close() still succeeds. An application that installs its own
** sqlite3_trace_v2() callback replaces that hook (see ext/README.md, "Calling verbs correctly").
*/
#define INVITE_MAIN_FILE /* invite.h defines the API table here */
#include "invite.h"

#include <sodium.h>
#include <string.h>

#include "verbs.h"

#define INVITE_MIN_SQLITE 3038000 /* built-in JSON functions */

#define FLAGS_VERB (SQLITE_UTF8 | SQLITE_DIRECTONLY)
#define FLAGS_PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

static const struct InviteFuncDef {
  const char *zName;
  int nArg;
  int eFlags;
  void (*xFunc)(sqlite3_context *, int, sqlite3_value **);
} aInviteFunc[] = {
    /* schema and time: write the database */
    {"invite_init", 0, FLAGS_VERB, invite_init_func},
    {"invite_init", 1, FLAGS_VERB, invite_init_func},
    {"invite_clock", 1, FLAGS_VERB, invite_clock_func},
    /* pure: constant answers */
    {"invite_version", 0, FLAGS_PURE, invite_version_func},
    {"invite_debug", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS, invite_debug_func},
    /* pure: templates; the templates triggers call the last two, so they
    ** must stay INNOCUOUS. invite_raise only fails (RAISE with a computed
    ** message); not DETERMINISTIC, so it is never evaluated ahead of time. */
    {"macro_expand", 2, FLAGS_PURE, macro_expand_func},
    {"invite_template_check", 1, FLAGS_PURE, invite_template_check_func},
    {"invite_raise", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, invite_raise_func},
    /* pure: the "-- text:" triggers of sql/ call it (ext/text.c) */
    {"invite_text_problem", 1, FLAGS_PURE, invite_text_problem_func},
    {"invite_outbox_problem", 12, FLAGS_PURE, invite_outbox_problem_func},
    /* verbs: write, and return keys */
    {"invite_create", 4, FLAGS_VERB, invite_create_func},
    {"invite_create", 5, FLAGS_VERB, invite_create_func},
    {"invite_redeem", 1, FLAGS_VERB, invite_redeem_func},
    {"invite_redeem", 2, FLAGS_VERB, invite_redeem_func},
    {"invite_redeem", 3, FLAGS_VERB, invite_redeem_func},
    {"invite_revoke", 1, FLAGS_VERB, invite_revoke_func},
    {"invite_decline", 1, FLAGS_VERB, invite_decline_func},
    {"invite_decline", 2, FLAGS_VERB, invite_decline_func},
    {"invite_resend", 1, FLAGS_VERB, invite_resend_func},
    {"invite_resend", 2, FLAGS_VERB, invite_resend_func},
    /* guests: write, and guest_invite returns keys */
    {"guest_invite", 3, FLAGS_VERB, guest_invite_func},
    {"guest_invite", 4, FLAGS_VERB, guest_invite_func},
    {"guest_renew", 1, FLAGS_VERB, guest_renew_func},
    {"guest_remove", 1, FLAGS_VERB, guest_remove_func},
    {"guest_leave", 2, FLAGS_VERB, guest_leave_func},
    {"guest_switch", 2, FLAGS_VERB, guest_switch_func},
    {"invite_notify_expiring", 0, FLAGS_VERB, invite_notify_expiring_func},
    {"invite_note_expired", 0, FLAGS_VERB, invite_note_expired_func},
    {"invite_notify_pending", 0, FLAGS_VERB, invite_notify_pending_func},
    {"invite_purge", 1, FLAGS_VERB, invite_purge_func},
    {"user_forget", 1, FLAGS_VERB, user_forget_func},
    {"session_invite", 4, FLAGS_VERB, session_invite_func},
    {"session_invite", 5, FLAGS_VERB, session_invite_func},
    {"session_join", 2, FLAGS_VERB, session_join_func},
    {"session_leave", 2, FLAGS_VERB, session_leave_func},
    /* read-only, but they read state through a key or an id: DIRECTONLY */
    {"invite_peek", 1, FLAGS_VERB, invite_peek_func},
    {"seat_available", 1, FLAGS_VERB, seat_available_func},
    {"invite_audit_verify", 0, FLAGS_VERB, invite_audit_verify_func},
    {"invite_audit_verify", 1, FLAGS_VERB, invite_audit_verify_func},
    {"invite_audit_head", 0, FLAGS_VERB, invite_audit_head_func},
    {"invite_audit_key", 1, FLAGS_VERB, invite_audit_key_func},
    {"invite_audit_key", 2, FLAGS_VERB, invite_audit_key_func},
    {"invite_check", 0, FLAGS_VERB, invite_check_func},
    /* this connection's last error text (dqlite 1.11 loses it on queries) */
    {"invite_last_error", 0, FLAGS_VERB, invite_last_error_func},
    /* pure, and called by the audit trigger: never DIRECTONLY, or the
    ** trigger fails; a client without it cannot write audited tables */
    {"invite_audit_hash", 7, FLAGS_PURE, invite_audit_hash_func},
    {"invite_audit_commit", 2, FLAGS_PURE, invite_audit_commit_func},
    /* called by the bookkeeping tables' triggers: its absence is what
    ** keeps a client without the extension from writing them */
    {"invite_law_writer", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS, invite_law_writer_func},
    /* called by the triggers that keep invites for the record: 1 only while
    ** invite_purge or user_forget runs; absent, those tables fail closed */
    {"invite_erasing", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS, invite_erasing_func},
    {"invite_installing", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS, invite_installing_func},
};

static void conn_release(InviteConn *p) {
  if (p && --p->nRef == 0) {
    invite_stmt_cache_clear(p);
    sqlite3_free(p->zSchema);
    sqlite3_free(p->zLastError);
    sodium_memzero(p->aAuditKey, sizeof p->aAuditKey);
    sqlite3_free(p);
  }
}

static void conn_release_arg(void *pArg) { conn_release(pArg); }

static void func_destroy(void *pArg) {
  InviteFunc *pFunc = pArg;
  conn_release(pFunc->pConn);
  sqlite3_free(pFunc);
}

static int conn_on_close(unsigned eType, void *pCtx, void *pP, void *pX) {
  (void)pP, (void)pX;
  if (eType == SQLITE_TRACE_CLOSE) {
    InviteConn *p = pCtx;
    invite_stmt_cache_clear(p);
    conn_release(p);
  }
  return 0;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
    int sqlite3_invite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  if (sqlite3_libversion_number() < INVITE_MIN_SQLITE) {
    *pzErrMsg =
        sqlite3_mprintf("invite: needs SQLite 3.38.0 or later, got %s", sqlite3_libversion());
    return SQLITE_ERROR;
  }
  if (sodium_init() < 0) {
    *pzErrMsg = sqlite3_mprintf("invite: libsodium failed to initialise");
    return SQLITE_ERROR;
  }
  InviteConn *pConn = sqlite3_malloc(sizeof(*pConn));
  if (pConn == 0) return SQLITE_NOMEM;
  memset(pConn, 0, sizeof(*pConn));
  pConn->db = db;
  pConn->nRef = 1; /* held by the close hook */
  pConn->xLoad = sqlite3_invite_init;
  pConn->zSchema = sqlite3_mprintf("main");
  if (pConn->zSchema == 0) {
    sqlite3_free(pConn);
    return SQLITE_NOMEM;
  }
  if (audit_key_from_env(pConn, pzErrMsg) != SQLITE_OK) {
    sqlite3_free(pConn->zSchema);
    sqlite3_free(pConn);
    return SQLITE_ERROR;
  }
  int rc = SQLITE_OK;
  for (size_t i = 0; i < sizeof aInviteFunc / sizeof aInviteFunc[0]; i++) {
    const struct InviteFuncDef *pDef = &aInviteFunc[i];
    InviteFunc *pFunc = sqlite3_malloc(sizeof(*pFunc));
    if (pFunc == 0) {
      rc = SQLITE_NOMEM;
      break;
    }
    pFunc->zName = pDef->zName;
    pFunc->pConn = pConn;
    pConn->nRef++;
    rc = sqlite3_create_function_v2(db, pDef->zName, pDef->nArg, pDef->eFlags, pFunc, pDef->xFunc,
                                    0, 0, func_destroy);
    /* On failure SQLite has already called func_destroy(pFunc). */
    if (rc != SQLITE_OK) {
      *pzErrMsg =
          sqlite3_mprintf("invite: cannot register %s: %s", pDef->zName, sqlite3_errmsg(db));
      break;
    }
  }
  if (rc == SQLITE_OK) {
    rc = emails_register(db);
    if (rc != SQLITE_OK) {
      *pzErrMsg = sqlite3_mprintf("invite: cannot register "
                                  "invite_split_emails: %s",
                                  sqlite3_errmsg(db));
    }
  }
  if (rc == SQLITE_OK) {
    pConn->nRef++; /* held by the invite_events module */
    rc = events_register(db, pConn, conn_release_arg);
    /* On failure SQLite has already called conn_release_arg(pConn). */
    if (rc != SQLITE_OK) {
      *pzErrMsg = sqlite3_mprintf("invite: cannot register invite_events: %s", sqlite3_errmsg(db));
    }
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_trace_v2(db, SQLITE_TRACE_CLOSE, conn_on_close, pConn);
  }
  /* A trusted connection cannot rewrite the schema by accident either
  ** (writable_schema, sqlite_dbpage); the application may turn it off
  ** again with sqlite3_db_config() after loading. */
  if (rc == SQLITE_OK) rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
  if (rc != SQLITE_OK) conn_release(pConn);
  return rc;
}
