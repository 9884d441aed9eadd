/*
** retention.c — removing personal data: invite_purge(before) and
** user_forget(user) (sql/retention.sql).
**
**   SELECT invite_purge('2027-01-01 00:00:00');
**   -- {"before":"2027-01-01 00:00:00","emails_sent":3,"emails_failed":1,
**   --  "invites":2,"invites_cleared":1,"old_keys":1,"reminders":0}
**
** invite_purge(before) deletes, in one transaction:
**   - sent and failed emails queued before `before` (queued ones stay);
**   - ended invites (redeemed, revoked, or expired while pending; the
**     invite_ended view) that ended before `before` and that no membership,
**     guest access, session roster row or remaining email names, with their
**     old keys and reminders;
**   - of ended invites still named by such a row (the record of how an
**     access was granted), it clears the personal columns (email, names,
**     display name, comments) instead.
** before is a timestamp 'YYYY-MM-DD HH:MM:SS' not after now. One audit event
** 'retention.purged' records the counts, not what was removed. The event
** feed keeps its events; their invite, user and business columns become
** NULL where the row is gone.
**
** invite_erasing(), called by the triggers, is 1 only while one of these
** verbs runs its own statements on this connection.
*/
#include "invite.h"

#include <string.h>

#include "verbs.h"

void invite_erasing_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  sqlite3_result_int(ctx, invite_conn(ctx)->bErasing);
}

/* Runs a cached statement with ?1 bound to zBefore (when not NULL) and
** returns the rows it changed, or -1 with the error set. */
static int retention_run(sqlite3_context *ctx, const char *zSql, const char *zBefore,
                         sqlite3_int64 iUser, const char *zWhat) {
  sqlite3_stmt *p = invite_stmt(ctx, zSql);
  if (p == 0) return -1;
  if (zBefore) sqlite3_bind_text(p, 1, zBefore, -1, SQLITE_STATIC);
  if (iUser) sqlite3_bind_int64(p, 1, iUser);
  if (invite_stmt_done(ctx, p, zWhat)) return -1;
  return sqlite3_changes(sqlite3_context_db_handle(ctx));
}

static const char SQL_PURGE_SENT[] =
    "DELETE FROM $S.outbox WHERE status = 'sent' AND created_at < ?1";
static const char SQL_PURGE_FAILED[] =
    "DELETE FROM $S.outbox WHERE status = 'failed' AND created_at < ?1";
/* The invites to delete: the same set for the three statements, since
** deleting old keys and reminders changes neither "ended" nor
** "referenced" (the emails are deleted first). */
#define PURGE_IDS \
  "(SELECT invite_id FROM $S.invite_ended WHERE ended_at < ?1 AND NOT referenced)"
static const char SQL_PURGE_OLD_KEYS[] =
    "DELETE FROM $S.invite_old_keys WHERE invite_id IN " PURGE_IDS;
static const char SQL_PURGE_REMINDERS[] =
    "DELETE FROM $S.invite_reminders WHERE invite_id IN " PURGE_IDS;
static const char SQL_PURGE_INVITES[] =
    "DELETE FROM $S.invites WHERE id IN " PURGE_IDS;
static const char SQL_PURGE_CLEAR[] =
    "UPDATE $S.invites SET email = NULL, first_name = NULL, last_name = NULL,"
    "       display_name = NULL, comments = NULL"
    " WHERE id IN (SELECT invite_id FROM $S.invite_ended WHERE ended_at < ?1 AND referenced)"
    "   AND (email IS NOT NULL OR first_name IS NOT NULL OR last_name IS NOT NULL"
    "        OR display_name IS NOT NULL OR comments IS NOT NULL)";

/* Reads argument 0 as a timestamp not after now into zOut[20]. */
static int retention_arg_before(sqlite3_context *ctx, sqlite3_value **argv, char zOut[20]) {
  int eType = sqlite3_value_type(argv[0]);
  const char *z = (const char *)sqlite3_value_text(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  static const char zShape[] = "dddd-dd-dd dd:dd:dd";
  int bShape = eType == SQLITE_TEXT && n == 19;
  for (int i = 0; bShape && i < 19; i++) {
    bShape = zShape[i] == 'd' ? (z[i] >= '0' && z[i] <= '9') : z[i] == zShape[i];
  }
  if (!bShape) {
    if (eType == SQLITE_TEXT) {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument 1 (before) must be a timestamp 'YYYY-MM-DD HH:MM:SS', got '%.40q'", z);
    } else {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument 1 (before) must be a timestamp 'YYYY-MM-DD HH:MM:SS', got %s",
                    invite_type_name(eType));
    }
    return 1;
  }
  char zNow[20];
  if (invite_now(ctx, zNow)) return 1;
  if (strcmp(z, zNow) > 0) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "argument 1 (before) is after now (%s UTC): only what ended in the past is purged", zNow);
    return 1;
  }
  memcpy(zOut, z, 20);
  return 0;
}

void invite_purge_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  InviteConn *pConn = invite_conn(ctx);
  InviteTx tx = {0, 0};
  char zBefore[20];
  sqlite3_str *s = 0;
  if (retention_arg_before(ctx, argv, zBefore)) return;
  if (invite_verb_begin(ctx, &tx)) return;
  pConn->bErasing = 1;
  int nSent = retention_run(ctx, SQL_PURGE_SENT, zBefore, 0, "cannot delete sent emails");
  if (nSent < 0) goto fail;
  int nFailed = retention_run(ctx, SQL_PURGE_FAILED, zBefore, 0, "cannot delete failed emails");
  if (nFailed < 0) goto fail;
  int nKeys = retention_run(ctx, SQL_PURGE_OLD_KEYS, zBefore, 0, "cannot delete old keys");
  if (nKeys < 0) goto fail;
  int nReminders = retention_run(ctx, SQL_PURGE_REMINDERS, zBefore, 0, "cannot delete reminders");
  if (nReminders < 0) goto fail;
  int nInvites = retention_run(ctx, SQL_PURGE_INVITES, zBefore, 0, "cannot delete invites");
  if (nInvites < 0) goto fail;
  int nCleared = retention_run(ctx, SQL_PURGE_CLEAR, zBefore, 0, "cannot clear invites");
  if (nCleared < 0) goto fail;
  pConn->bErasing = 0;
  s = sqlite3_str_new(0);
  json_open(s);
  json_key(s, "before"), json_text(s, zBefore);
  json_key(s, "emails_sent"), json_int(s, nSent);
  json_key(s, "emails_failed"), json_int(s, nFailed);
  json_key(s, "invites"), json_int(s, nInvites);
  json_key(s, "invites_cleared"), json_int(s, nCleared);
  json_key(s, "old_keys"), json_int(s, nKeys);
  json_key(s, "reminders"), json_int(s, nReminders);
  json_close(s);
  if (sqlite3_str_errcode(s)) {
    sqlite3_result_error_nomem(ctx);
    goto fail;
  }
  if (audit_append_row(ctx, 0, "retention.purged", "retention", sqlite3_str_value(s))) goto fail;
  if (invite_verb_end(ctx, &tx, 1)) {
    sqlite3_free(sqlite3_str_finish(s));
    return;
  }
  json_result(ctx, s);
  return;
fail:
  pConn->bErasing = 0;
  if (s) sqlite3_free(sqlite3_str_finish(s));
  invite_verb_end(ctx, &tx, 0);
}
