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
**   - ended invites (redeemed, declined, revoked, or expired while pending; the
**     invite_ended view) that ended before `before` and that no membership,
**     guest access, session roster row or remaining email names, with their
**     old keys and reminders;
**   - of ended invites still named by such a row (the record of how an
**     access was granted), it clears the personal columns (email, names,
**     display name, comments, decline reason) instead.
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
#define PURGE_IDS "(SELECT invite_id FROM $S.invite_ended WHERE ended_at < ?1 AND NOT referenced)"
static const char SQL_PURGE_OLD_KEYS[] =
    "DELETE FROM $S.invite_old_keys WHERE invite_id IN " PURGE_IDS;
static const char SQL_PURGE_REMINDERS[] =
    "DELETE FROM $S.invite_reminders WHERE invite_id IN " PURGE_IDS;
static const char SQL_PURGE_INVITES[] = "DELETE FROM $S.invites WHERE id IN " PURGE_IDS;
static const char SQL_PURGE_CLEAR[] =
    "UPDATE $S.invites SET email = NULL, first_name = NULL, last_name = NULL,"
    "       display_name = NULL, comments = NULL, decline_reason = NULL"
    " WHERE id IN (SELECT invite_id FROM $S.invite_ended WHERE ended_at < ?1 AND referenced)"
    "   AND (email IS NOT NULL OR first_name IS NOT NULL OR last_name IS NOT NULL"
    "        OR display_name IS NOT NULL OR comments IS NOT NULL OR decline_reason IS NOT NULL)";

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
                    "argument 1 (before) must be a timestamp 'YYYY-MM-DD HH:MM:SS', got '%.40q'",
                    z);
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
    invite_errorf(
        ctx, SQLITE_CONSTRAINT,
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

/* ---- user_forget(user) ---- */

/* The person's addresses: the current one and every earlier one the audit
** log recorded. ?1 user id. */
static const char SQL_FORGET_EMAILS[] =
    "SELECT json_group_array(v) FROM ("
    " SELECT email AS v FROM $S.users WHERE id = ?1"
    " UNION SELECT json_extract(detail, '$.from') FROM $S.audit_log"
    "  WHERE subject = 'user:' || ?1 AND action = 'user.email_changed' AND json_valid(detail)"
    " UNION SELECT json_extract(detail, '$.to') FROM $S.audit_log"
    "  WHERE subject = 'user:' || ?1 AND action = 'user.email_changed' AND json_valid(detail))"
    " WHERE v IS NOT NULL AND v <> ''";
/* The invites addressed to the person or redeemed by them. ?2 addresses. */
static const char SQL_FORGET_INVITES[] =
    "SELECT json_group_array(id) FROM $S.invites"
    " WHERE user_id = ?1 OR redeemed_by = ?1"
    "    OR email COLLATE NOCASE IN (SELECT value FROM json_each(?2))";
/* Everything that names the person: addresses and names, on the user, the
** invites (?3) and the roster rows. */
static const char SQL_FORGET_NAMES[] =
    "SELECT json_group_array(v) FROM ("
    " SELECT value AS v FROM json_each(?2)"
    " UNION SELECT first_name FROM $S.users WHERE id = ?1"
    " UNION SELECT last_name FROM $S.users WHERE id = ?1"
    " UNION SELECT trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) FROM $S.users "
    "WHERE id = ?1"
    " UNION SELECT first_name FROM $S.invites WHERE id IN (SELECT value FROM json_each(?3))"
    " UNION SELECT last_name FROM $S.invites WHERE id IN (SELECT value FROM json_each(?3))"
    " UNION SELECT trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) FROM $S.invites"
    "  WHERE id IN (SELECT value FROM json_each(?3))"
    " UNION SELECT display_name FROM $S.invites WHERE id IN (SELECT value FROM json_each(?3))"
    " UNION SELECT display_name FROM $S.session_members"
    "  WHERE user_id = ?1 OR invite_id IN (SELECT value FROM json_each(?3)))"
    " WHERE v IS NOT NULL AND v <> ''";
static const char SQL_FORGET_REVOKE[] =
    "UPDATE $S.invites SET revoked_at = (SELECT now FROM $S.invite_now)"
    " WHERE id IN (SELECT value FROM json_each(?3)) AND redeemed_at IS NULL"
    "   AND revoked_at IS NULL AND expires_at > (SELECT now FROM $S.invite_now)";
/* Emails to the person, about their invites, of invitations they sent (they
** carry the inviter's name), and any that shows one of their addresses. */
static const char SQL_FORGET_OUTBOX[] =
    "DELETE FROM $S.outbox"
    " WHERE recipient COLLATE NOCASE IN (SELECT value FROM json_each(?2))"
    "    OR invite_id IN (SELECT value FROM json_each(?3))"
    "    OR invite_id IN (SELECT id FROM $S.invites WHERE inviter_id = ?1)"
    "    OR EXISTS (SELECT 1 FROM json_each(?2) e"
    "                WHERE instr(lower(outbox.subject), lower(e.value))"
    "                   OR instr(lower(outbox.body), lower(e.value)))";
static const char SQL_FORGET_CLEAR_INVITES[] =
    "UPDATE $S.invites SET email = NULL, first_name = NULL, last_name = NULL,"
    "       display_name = NULL, comments = NULL, decline_reason = NULL"
    " WHERE id IN (SELECT value FROM json_each(?3))"
    "   AND (email IS NOT NULL OR first_name IS NOT NULL OR last_name IS NOT NULL"
    "        OR display_name IS NOT NULL OR comments IS NOT NULL OR decline_reason IS NOT NULL)";
static const char SQL_FORGET_ROSTER[] =
    "UPDATE $S.session_members SET display_name = NULL, comments = NULL"
    " WHERE (user_id = ?1 OR invite_id IN (SELECT value FROM json_each(?3)))"
    "   AND (display_name IS NOT NULL OR comments IS NOT NULL)";
static const char SQL_FORGET_USER[] =
    "UPDATE $S.users SET email = 'erased-' || id || '@erased.invalid',"
    "       first_name = NULL, last_name = NULL WHERE id = ?1";
/* The audit rows whose detail is about the person or shows what names them
** (?4): [erasable ids] and the count of older rows that cannot be erased. */
#define FORGET_AUDIT_ROWS                                                                          \
  " FROM $S.audit_log a LEFT JOIN $S.audit_salts c ON c.audit_id = a.id"                           \
  " WHERE a.detail IS NOT NULL AND a.action <> 'user.forgotten' AND ("                             \
  "   a.subject = 'user:' || ?1"                                                                   \
  "   OR a.subject IN (SELECT 'invite:' || value FROM json_each(?3))"                              \
  "   OR a.subject IN (SELECT 'guest:' || id FROM $S.guests WHERE user_id = ?1)"                   \
  "   OR (substr(a.subject, 1, 8) = 'session:' AND (a.actor = ?1"                                  \
  "       OR (json_valid(a.detail) AND json_extract(a.detail, '$.session_member_id') IN"           \
  "           (SELECT id FROM $S.session_members"                                                  \
  "             WHERE user_id = ?1 OR invite_id IN (SELECT value FROM json_each(?3))))))"          \
  "   OR (json_valid(a.detail) AND EXISTS (SELECT 1 FROM json_tree(a.detail) t, json_each(?4) p"   \
  "        WHERE t.type = 'text' AND t.atom = p.value COLLATE NOCASE))"                            \
  "   OR EXISTS (SELECT 1 FROM json_each(?2) e WHERE instr(lower(a.detail), lower(e.value))))"
static const char SQL_FORGET_AUDIT_PICK[] =
    "SELECT (SELECT json_group_array(a.id)" FORGET_AUDIT_ROWS " AND c.salt IS NOT NULL),"
    "       (SELECT count(*)" FORGET_AUDIT_ROWS " AND c.audit_id IS NULL)";
static const char SQL_FORGET_AUDIT_COMMIT[] =
    "UPDATE $S.audit_salts"
    "   SET commitment = invite_audit_commit(salt, (SELECT detail FROM $S.audit_log WHERE id = "
    "audit_id)),"
    "       salt = NULL"
    " WHERE audit_id IN (SELECT value FROM json_each(?1)) AND salt IS NOT NULL";
static const char SQL_FORGET_AUDIT_CLEAR[] =
    "UPDATE $S.audit_log SET detail = NULL WHERE id IN (SELECT value FROM json_each(?1))";
static const char SQL_FORGET_EXISTS[] = "SELECT 1 FROM $S.users WHERE id = ?1";

/* Runs p (already bound) and returns the text of its first column, copied
** (sqlite3_free it), or NULL with the error set. */
static char *forget_text(sqlite3_context *ctx, sqlite3_stmt *p, const char *zWhat,
                         sqlite3_int64 *pSecond) {
  char *z = 0;
  int rc = sqlite3_step(p);
  if (rc == SQLITE_ROW) {
    z = sqlite3_mprintf("%s",
                        sqlite3_column_text(p, 0) ? (const char *)sqlite3_column_text(p, 0) : "[]");
    if (pSecond) *pSecond = sqlite3_column_int64(p, 1);
    if (z == 0) sqlite3_result_error_nomem(ctx);
  } else {
    invite_error_db(ctx, "%s", zWhat);
  }
  sqlite3_reset(p);
  return z;
}

/* Runs a statement with the lists bound: ?1 user, ?2 addresses, ?3 invites,
** ?4 names (those the statement uses). Rows changed, or -1. */
static int forget_run(sqlite3_context *ctx, const char *zSql, sqlite3_int64 iUser,
                      const char *zEmails, const char *zInvites, const char *zNames,
                      const char *zWhat) {
  sqlite3_stmt *p = invite_stmt(ctx, zSql);
  if (p == 0) return -1;
  int n = sqlite3_bind_parameter_count(p);
  if (n >= 1) sqlite3_bind_int64(p, 1, iUser);
  if (n >= 2) sqlite3_bind_text(p, 2, zEmails, -1, SQLITE_STATIC);
  if (n >= 3) sqlite3_bind_text(p, 3, zInvites, -1, SQLITE_STATIC);
  if (n >= 4) sqlite3_bind_text(p, 4, zNames, -1, SQLITE_STATIC);
  if (invite_stmt_done(ctx, p, zWhat)) return -1;
  return sqlite3_changes(sqlite3_context_db_handle(ctx));
}

static void restore_secure_delete(sqlite3 *db, const char *zSecure, int bSecure) {
  if (bSecure < 0 || zSecure == 0) return;
  char *zBack = sqlite3_mprintf("%s = %d", zSecure, bSecure);
  if (zBack) sqlite3_exec(db, zBack, 0, 0, 0);
  sqlite3_free(zBack);
}

static char *forget_list(sqlite3_context *ctx, const char *zSql, sqlite3_int64 iUser,
                         const char *zEmails, const char *zInvites, const char *zWhat,
                         sqlite3_int64 *pSecond) {
  sqlite3_stmt *p = invite_stmt(ctx, zSql);
  if (p == 0) return 0;
  int n = sqlite3_bind_parameter_count(p);
  if (n >= 1) sqlite3_bind_int64(p, 1, iUser);
  if (n >= 2) sqlite3_bind_text(p, 2, zEmails, -1, SQLITE_STATIC);
  if (n >= 3) sqlite3_bind_text(p, 3, zInvites, -1, SQLITE_STATIC);
  return forget_text(ctx, p, zWhat, pSecond);
}

void user_forget_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  InviteConn *pConn = invite_conn(ctx);
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_int64 iUser;
  InviteTx tx = {0, 0};
  char *zEmails = 0, *zInvites = 0, *zNames = 0, *zAudit = 0, *zSecure = 0;
  sqlite3_str *s = 0;
  int bSecure = -1;
  if (invite_arg_id(ctx, argv, 0, "user", &iUser)) return;
  if (invite_verb_begin(ctx, &tx)) return;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_FORGET_EXISTS);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iUser);
  int rc = sqlite3_step(p);
  sqlite3_reset(p);
  if (rc != SQLITE_ROW) {
    if (rc == SQLITE_DONE)
      invite_errorf(ctx, SQLITE_CONSTRAINT, "no user %lld", iUser);
    else
      invite_error_db(ctx, "cannot read the user");
    goto fail;
  }
  /* Freed pages and cells are overwritten, not left behind in the file. */
  zSecure = sqlite3_mprintf("PRAGMA \"%w\".secure_delete", pConn->zSchema);
  if (zSecure == 0) {
    sqlite3_result_error_nomem(ctx);
    goto fail;
  }
  sqlite3_stmt *pSecure = 0;
  if (sqlite3_prepare_v2(db, zSecure, -1, &pSecure, 0) == SQLITE_OK &&
      sqlite3_step(pSecure) == SQLITE_ROW) {
    bSecure = sqlite3_column_int(pSecure, 0);
  }
  sqlite3_finalize(pSecure);
  char *zOn = sqlite3_mprintf("%s = 1", zSecure);
  if (zOn == 0 || sqlite3_exec(db, zOn, 0, 0, 0) != SQLITE_OK) {
    sqlite3_free(zOn);
    invite_error_db(ctx, "cannot turn secure_delete on");
    goto fail;
  }
  sqlite3_free(zOn);

  zEmails = forget_list(ctx, SQL_FORGET_EMAILS, iUser, 0, 0, "cannot read the addresses", 0);
  if (zEmails == 0) goto fail;
  zInvites = forget_list(ctx, SQL_FORGET_INVITES, iUser, zEmails, 0, "cannot read the invites", 0);
  if (zInvites == 0) goto fail;
  zNames = forget_list(ctx, SQL_FORGET_NAMES, iUser, zEmails, zInvites, "cannot read the names", 0);
  if (zNames == 0) goto fail;

  /* Pending invites to the person end first, by the ordinary law. */
  int nRevoked = forget_run(ctx, SQL_FORGET_REVOKE, iUser, zEmails, zInvites, zNames,
                            "cannot revoke the pending invites");
  if (nRevoked < 0) goto fail;
  pConn->bErasing = 1;
  int nEmails = forget_run(ctx, SQL_FORGET_OUTBOX, iUser, zEmails, zInvites, zNames,
                           "cannot delete the emails");
  if (nEmails < 0) goto fail;
  int nInvites = forget_run(ctx, SQL_FORGET_CLEAR_INVITES, iUser, zEmails, zInvites, zNames,
                            "cannot clear the invites");
  if (nInvites < 0) goto fail;
  int nRoster = forget_run(ctx, SQL_FORGET_ROSTER, iUser, zEmails, zInvites, zNames,
                           "cannot clear the roster");
  if (nRoster < 0) goto fail;
  p = invite_stmt(ctx, SQL_FORGET_AUDIT_PICK);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iUser);
  sqlite3_bind_text(p, 2, zEmails, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 3, zInvites, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 4, zNames, -1, SQLITE_STATIC);
  sqlite3_int64 nKept = 0;
  zAudit = forget_text(ctx, p, "cannot read the audit log", &nKept);
  if (zAudit == 0) goto fail;
  int nAudit = 0;
  for (int i = 0; i < 2; i++) {
    p = invite_stmt(ctx, i == 0 ? SQL_FORGET_AUDIT_COMMIT : SQL_FORGET_AUDIT_CLEAR);
    if (p == 0) goto fail;
    sqlite3_bind_text(p, 1, zAudit, -1, SQLITE_STATIC);
    if (invite_stmt_done(ctx, p, "cannot erase the audit details")) goto fail;
    if (i == 1) nAudit = sqlite3_changes(db);
  }
  /* Last, so it is never erased itself: the people's data is gone, the
  ** fact and the counts stay. */
  int nUsers = forget_run(ctx, SQL_FORGET_USER, iUser, 0, 0, 0, "cannot erase the user");
  if (nUsers < 0) goto fail;
  pConn->bErasing = 0;
  s = sqlite3_str_new(0);
  json_open(s);
  json_key(s, "user_id"), json_int(s, iUser);
  json_key(s, "users"), json_int(s, nUsers);
  json_key(s, "invites"), json_int(s, nInvites);
  json_key(s, "invites_revoked"), json_int(s, nRevoked);
  json_key(s, "roster_rows"), json_int(s, nRoster);
  json_key(s, "emails"), json_int(s, nEmails);
  json_key(s, "audit_details"), json_int(s, nAudit);
  json_key(s, "audit_details_kept"), json_int(s, nKept);
  json_close(s);
  if (sqlite3_str_errcode(s)) {
    sqlite3_result_error_nomem(ctx);
    goto fail;
  }
  /* The audit row: the counts and which rows were erased (ids only; the
  ** verifier requires every erased row to be named here). */
  char *zSubject = sqlite3_mprintf("user:%lld", iUser);
  char *zDetail = sqlite3_mprintf("%.*s,\"audit_rows\":%s}", (int)sqlite3_str_length(s) - 1,
                                  sqlite3_str_value(s), zAudit);
  rc = zSubject && zDetail ? audit_append_row(ctx, 0, "user.forgotten", zSubject, zDetail)
                           : SQLITE_NOMEM;
  if (rc == SQLITE_NOMEM && !(zSubject && zDetail)) sqlite3_result_error_nomem(ctx);
  sqlite3_free(zSubject);
  sqlite3_free(zDetail);
  if (rc != SQLITE_OK) goto fail;
  restore_secure_delete(db, zSecure, bSecure);
  if (invite_verb_end(ctx, &tx, 1)) goto done;
  json_result(ctx, s);
  s = 0;
  goto done;
fail:
  pConn->bErasing = 0;
  restore_secure_delete(db, zSecure, bSecure);
  invite_verb_end(ctx, &tx, 0);
done:
  sqlite3_free(zSecure);
  sqlite3_free(zEmails);
  sqlite3_free(zInvites);
  sqlite3_free(zNames);
  sqlite3_free(zAudit);
  if (s) sqlite3_free(sqlite3_str_finish(s));
}
