/*
** security.c — the rate limits the verbs explain and the failed-redemption
** defence of invite_redeem (settings and triggers in sql/security.sql).
**
**   SELECT invite_redeem('<key>', NULL, '203.0.113.7');  -- source: the
**   -- client's address; after redeem_failure_limit (10) failures within
**   -- redeem_failure_window_minutes (15) that source is refused, even with
**   -- a good key, until the window has passed.
**   SELECT * FROM redeem_sources;                        -- who is refused
**
** Failures are rows of the audit log (action 'invite.redeem_failed',
** subject 'source:<source>'), counted through a partial index: the counter
** is the record, so it cannot be reset without the chain showing it.
** invite_redeem rolls back its own work on a refusal, then appends the
** failure in a write of its own (its own transaction in autocommit, a
** savepoint inside the caller's), so the count survives the refusal. A
** failure without a source is audited but not counted: one shared bucket
** would let anyone lock every user out.
*/
#include "invite.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

static const char SQL_REDEEM_LIMITS[] =
    "SELECT CAST(l.value AS INTEGER), CAST(w.value AS INTEGER),"
    "       datetime(t.now, '-' || CAST(w.value AS INTEGER) || ' minutes')"
    "  FROM $S.invite_global_settings l, $S.invite_global_settings w,"
    "       $S.invite_now t"
    " WHERE l.name = 'redeem_failure_limit'"
    "   AND w.name = 'redeem_failure_window_minutes'";
/* The limit-th most recent failure inside the window: while it exists the
** source is refused, until it is window minutes old. */
static const char SQL_REDEEM_NTH_FAILURE[] =
    "SELECT datetime(at, '+' || ?3 || ' minutes') FROM $S.audit_log"
    " WHERE action = 'invite.redeem_failed' AND subject = ?1 AND at > ?2"
    " ORDER BY at DESC LIMIT 1 OFFSET ?4";

int security_source_blocked(sqlite3_context *ctx, const char *zSource, char zUntil[20]) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_REDEEM_LIMITS);
  if (p == 0) return -1;
  if (sqlite3_step(p) != SQLITE_ROW) {
    sqlite3_reset(p);
    invite_error_db(ctx, "cannot read the redemption limits");
    return -1;
  }
  sqlite3_int64 nLimit = sqlite3_column_int64(p, 0);
  sqlite3_int64 nWindow = sqlite3_column_int64(p, 1);
  char zSince[20];
  sqlite3_snprintf(sizeof zSince, zSince, "%s",
                   sqlite3_column_text(p, 2) ? (const char *)sqlite3_column_text(p, 2) : "");
  sqlite3_reset(p);
  if (nLimit <= 0 || nWindow <= 0) return 0;

  char *zSubject = sqlite3_mprintf("source:%s", zSource);
  if (zSubject == 0) {
    sqlite3_result_error_nomem(ctx);
    return -1;
  }
  p = invite_stmt(ctx, SQL_REDEEM_NTH_FAILURE);
  if (p == 0) {
    sqlite3_free(zSubject);
    return -1;
  }
  sqlite3_bind_text(p, 1, zSubject, -1, sqlite3_free);
  sqlite3_bind_text(p, 2, zSince, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 3, nWindow);
  sqlite3_bind_int64(p, 4, nLimit - 1);
  int rc = sqlite3_step(p);
  int bBlocked = rc == SQLITE_ROW;
  if (bBlocked) {
    sqlite3_snprintf(20, zUntil, "%s", sqlite3_column_text(p, 0));
  } else if (rc != SQLITE_DONE) {
    invite_error_db(ctx, "cannot count failed redemptions");
    bBlocked = -1;
  }
  sqlite3_reset(p);
  sqlite3_clear_bindings(p); /* frees zSubject now, not at the next use */
  return bBlocked;
}

/* Subject and detail of a redemption event: the source when there is one,
** else the invite the key opened, else "key". Caller frees both. */
static int redeem_event_text(const char *zSource, sqlite3_int64 iInvite, const char *zKey1,
                             const char *zVal1, char **pzSubject, char **pzDetail) {
  if (zSource) {
    *pzSubject = sqlite3_mprintf("source:%s", zSource);
  } else if (iInvite) {
    *pzSubject = sqlite3_mprintf("invite:%lld", iInvite);
  } else {
    *pzSubject = sqlite3_mprintf("key");
  }
  sqlite3_str *p = sqlite3_str_new(0);
  json_open(p);
  json_key(p, zKey1), json_text(p, zVal1);
  json_key(p, "invite_id");
  if (iInvite) {
    json_int(p, iInvite);
  } else {
    sqlite3_str_appendall(p, "null");
  }
  json_key(p, "source"), json_text(p, zSource);
  json_close(p);
  *pzDetail = sqlite3_str_finish(p);
  return *pzSubject && *pzDetail ? SQLITE_OK : SQLITE_NOMEM;
}

int security_note_blocked(sqlite3_context *ctx, const char *zSource, const char *zUntil) {
  char *zSubject = 0, *zDetail = 0;
  int rc = redeem_event_text(zSource, 0, "refused_until", zUntil, &zSubject, &zDetail);
  if (rc == SQLITE_OK) {
    rc = audit_append_row(ctx, 0, "invite.redeem_blocked", zSubject, zDetail);
  } else {
    sqlite3_result_error_nomem(ctx);
  }
  sqlite3_free(zSubject);
  sqlite3_free(zDetail);
  return rc;
}

/* ---- the ledger: failures recorded inside a caller's transaction ----
**
** Inside the caller's transaction the failure row is part of that
** transaction, and a caller that rolls back on the exception (Python's
** `with conn:`, better-sqlite3's db.transaction()) would erase it. So such a
** failure is also kept here, per database file, in this process; before
** invite_redeem checks a source, every entry the log does not hold yet is
** written again (found by its random "attempt" nonce), and entries are
** forgotten once written in autocommit (committed for certain). Lost: what
** this process kept when it exits before its next invite_redeem on that
** file; unseen by other processes until then; not kept for in-memory or
** temporary databases (no file name); at most LEDGER_MAX entries. */
#define LEDGER_MAX 4096
typedef struct LedgerEntry {
  char *zFile, *zSubject, *zDetail;
} LedgerEntry;
static pthread_mutex_t ledgerMutex = PTHREAD_MUTEX_INITIALIZER;
static LedgerEntry aLedger[LEDGER_MAX];
static int nLedger;

static const char *ledger_file(sqlite3_context *ctx) {
  const char *z = sqlite3_db_filename(sqlite3_context_db_handle(ctx), invite_conn(ctx)->zSchema);
  return z && z[0] ? z : 0;
}

static void ledger_add(const char *zFile, const char *zSubject, const char *zDetail) {
  pthread_mutex_lock(&ledgerMutex);
  if (nLedger == LEDGER_MAX) { /* full: the oldest goes */
    sqlite3_free(aLedger[0].zFile);
    sqlite3_free(aLedger[0].zSubject);
    sqlite3_free(aLedger[0].zDetail);
    memmove(aLedger, aLedger + 1, sizeof aLedger[0] * (LEDGER_MAX - 1));
    nLedger--;
  }
  LedgerEntry e = {sqlite3_mprintf("%s", zFile), sqlite3_mprintf("%s", zSubject),
                   sqlite3_mprintf("%s", zDetail)};
  if (e.zFile && e.zSubject && e.zDetail) {
    aLedger[nLedger++] = e;
  } else {
    sqlite3_free(e.zFile), sqlite3_free(e.zSubject), sqlite3_free(e.zDetail);
  }
  pthread_mutex_unlock(&ledgerMutex);
}

static const char SQL_FAILURE_LOGGED[] =
    "SELECT 1 FROM $S.audit_log WHERE action = 'invite.redeem_failed'"
    " AND subject = ?1 AND detail = ?2";

int security_ledger_flush(sqlite3_context *ctx) {
  const char *zFile = ledger_file(ctx);
  if (zFile == 0) return SQLITE_OK;
  int bCommitted = sqlite3_get_autocommit(sqlite3_context_db_handle(ctx));
  int rc = SQLITE_OK;
  pthread_mutex_lock(&ledgerMutex);
  for (int i = 0; i < nLedger && rc == SQLITE_OK;) {
    LedgerEntry *e = &aLedger[i];
    if (strcmp(e->zFile, zFile) != 0) {
      i++;
      continue;
    }
    sqlite3_stmt *p = invite_stmt(ctx, SQL_FAILURE_LOGGED);
    if (p == 0) {
      rc = SQLITE_ERROR;
      break;
    }
    sqlite3_bind_text(p, 1, e->zSubject, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 2, e->zDetail, -1, SQLITE_STATIC);
    int rcStep = sqlite3_step(p);
    sqlite3_reset(p);
    sqlite3_clear_bindings(p);
    if (rcStep == SQLITE_DONE) {
      rc = audit_record(ctx, 0, "invite.redeem_failed", e->zSubject, e->zDetail);
    } else if (rcStep != SQLITE_ROW) {
      invite_error_db(ctx, "cannot read the failed redemptions");
      rc = rcStep;
    }
    if (rc == SQLITE_OK && bCommitted) {
      sqlite3_free(e->zFile), sqlite3_free(e->zSubject), sqlite3_free(e->zDetail);
      memmove(e, e + 1, sizeof *e * (size_t)(nLedger - i - 1));
      nLedger--;
    } else {
      i++;
    }
  }
  pthread_mutex_unlock(&ledgerMutex);
  return rc;
}

int security_record_failure(sqlite3_context *ctx, const char *zSource, const char *zReason,
                            sqlite3_int64 iInvite) {
  char *zSubject = 0, *zDetail = 0;
  int rc = redeem_event_text(zSource, iInvite, "reason", zReason, &zSubject, &zDetail);
  const char *zFile = ledger_file(ctx);
  int bLedger = zSource && zFile && !sqlite3_get_autocommit(sqlite3_context_db_handle(ctx));
  if (rc == SQLITE_OK && bLedger) {
    /* a nonce, so the copy written later is found, never doubled */
    unsigned char aNonce[8];
    char zHex[17];
    randombytes_buf(aNonce, sizeof aNonce);
    sodium_bin2hex(zHex, sizeof zHex, aNonce, sizeof aNonce);
    size_t n = strlen(zDetail);
    char *z = sqlite3_mprintf("%.*s,\"attempt\":\"%s\"}", (int)n - 1, zDetail, zHex);
    sqlite3_free(zDetail);
    zDetail = z;
    if (z == 0) rc = SQLITE_NOMEM;
  }
  if (rc == SQLITE_OK) {
    rc = audit_record(ctx, 0, "invite.redeem_failed", zSubject, zDetail);
    if (bLedger) ledger_add(zFile, zSubject, zDetail);
  } else {
    sqlite3_result_error_nomem(ctx);
  }
  sqlite3_free(zSubject);
  sqlite3_free(zDetail);
  return rc;
}

/* ---- invites per inviter per day ---- */

static const char SQL_RATE_LIMIT[] =
    "SELECT CAST(s.value AS INTEGER), datetime(r.at, '+1 day')"
    "  FROM $S.invite_settings s, $S.invite_rate r"
    " WHERE s.business_id = ?2 AND s.name = 'invites_per_inviter_per_day'"
    "   AND r.inviter_id = ?1"
    "   AND r.seq = (SELECT seq FROM $S.invite_rate WHERE inviter_id = ?1"
    "                 ORDER BY seq DESC LIMIT 1) - CAST(s.value AS INTEGER) + 1";

void security_explain_rate_limit(sqlite3_context *ctx, sqlite3_int64 iInviter,
                                 sqlite3_int64 iBusiness) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_RATE_LIMIT);
  if (p == 0) return;
  sqlite3_bind_int64(p, 1, iInviter);
  sqlite3_bind_int64(p, 2, iBusiness);
  if (sqlite3_step(p) == SQLITE_ROW) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "inviter %lld has reached the limit of %lld invites in 24 "
                  "hours (setting 'invites_per_inviter_per_day'): the next "
                  "one can be made at %s UTC",
                  iInviter, sqlite3_column_int64(p, 0), sqlite3_column_text(p, 1));
  } else {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "inviter has reached the limit of invites in 24 hours");
  }
  sqlite3_reset(p);
}

int security_record_refusal(sqlite3_context *ctx, sqlite3_int64 iInviter, const char *zReason,
                            sqlite3_int64 iSub, sqlite3_int64 iRole, const char *zEmail) {
  char *zSubject = sqlite3_mprintf("subscription:%lld", iSub);
  sqlite3_str *p = sqlite3_str_new(0);
  json_open(p);
  json_key(p, "reason"), json_text(p, zReason);
  json_key(p, "email"), json_text(p, zEmail);
  json_key(p, "role_id"), json_int(p, iRole);
  json_close(p);
  char *zDetail = sqlite3_str_finish(p);
  int rc;
  if (zSubject && zDetail) {
    rc = audit_record(ctx, iInviter, "invite.refused", zSubject, zDetail);
  } else {
    sqlite3_result_error_nomem(ctx);
    rc = SQLITE_NOMEM;
  }
  sqlite3_free(zSubject);
  sqlite3_free(zDetail);
  return rc;
}
