/*
** verbs_member.c — the member kind: invite_create, the explanation of its
** refusals, and invite_kind_member (kinds.h).
**
**   SELECT invite_create('ann@example.com', 1, 2, 3,
**                        '{"first_name":"Ann","last_name":"Lee"}');
**   -- {"id":1,"key":"...","url":"https://...?key=...","expires_at":"..."}
**
** The rules live in the triggers (sql/members.sql): invite_create does not
** check twice what a trigger checks. It validates its arguments, writes,
** and when a trigger refuses, turns its message into one with the details
** (the seat usage, the pending invite's id). The call is atomic
** (invite_verb_begin/end); a refused call leaves nothing behind.
*/
#include "kinds.h"

#include <sodium.h>
#include <string.h>

#define NAME_MAX_BYTES 200
#define COMMENTS_MAX_BYTES 2000

/* ---- explaining a refusal ---- */

static const char SQL_PENDING[] = "SELECT i.id, i.expires_at FROM $S.invites i, $S.invite_now t"
                                  " WHERE i.email = ?1 COLLATE NOCASE AND +i.subscription_id = ?2"
                                  "   AND i.kind = 'member' AND i.redeemed_at IS NULL"
                                  "   AND i.revoked_at IS NULL AND i.expires_at > t.now";
static const char SQL_ROLE_EXISTS[] = "SELECT 1 FROM $S.roles WHERE id = ?1";
static const char SQL_USER_EXISTS[] = "SELECT 1 FROM $S.users WHERE id = ?1";
static const char SQL_SUB_BUSINESS[] = "SELECT business_id FROM $S.subscriptions WHERE id = ?1";

/* 1 with "<zUnknown> <id>" set when row id of zSql does not exist (or the
** error when the lookup fails); 0 when it does, or id is 0 (not given). */
static int member_unknown(sqlite3_context *ctx, const char *zSql, sqlite3_int64 id,
                          const char *zWhat, const char *zUnknown) {
  if (id == 0) return 0;
  int rc = invite_lookup(ctx, zSql, id, zWhat, 0, 0);
  if (rc == 0) invite_errorf(ctx, SQLITE_CONSTRAINT, "%s %lld", zUnknown, id);
  return rc != 1;
}

/* The details of a refusal of a member invite's write: the seat usage, the
** pending invite, the inviter's limit, the unknown role or inviter. */
static int member_explain(sqlite3_context *ctx, InviteRuleKind eRule, const InviteAsk *a) {
  switch (eRule) {
  case RULE_SEAT_LIMIT: return seats_explain(ctx, a->iSub);
  case RULE_PENDING_INVITE: {
    if (a->zEmail == 0) return 0;
    sqlite3_stmt *p = invite_stmt(ctx, SQL_PENDING);
    if (p == 0) return 1;
    sqlite3_bind_text(p, 1, a->zEmail, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 2, a->iSub);
    int bFound = sqlite3_step(p) == SQLITE_ROW;
    if (bFound) {
      invite_errorf(ctx, SQLITE_CONSTRAINT,
                    "invite %lld for '%s' to subscription %lld is still pending "
                    "(until %s UTC): use invite_resend(%lld)",
                    sqlite3_column_int64(p, 0), a->zEmail, a->iSub, sqlite3_column_text(p, 1),
                    sqlite3_column_int64(p, 0));
    }
    sqlite3_reset(p);
    return bFound;
  }
  case RULE_RATE_LIMIT: {
    sqlite3_stmt *p = invite_stmt(ctx, SQL_SUB_BUSINESS);
    if (p == 0) return 1;
    sqlite3_bind_int64(p, 1, a->iSub);
    sqlite3_int64 iBusiness = sqlite3_step(p) == SQLITE_ROW ? sqlite3_column_int64(p, 0) : 0;
    sqlite3_reset(p);
    security_explain_rate_limit(ctx, a->iInviter, iBusiness);
    return 1;
  }
  case RULE_ROLE_APP: return member_unknown(ctx, SQL_ROLE_EXISTS, a->iRole, "role", "unknown role");
  case RULE_UNKNOWN_INVITER:
  case RULE_INVITER_MAY_NOT:
    return member_unknown(ctx, SQL_USER_EXISTS, a->iInviter, "user", "unknown inviter: no user");
  default: return 0;
  }
}

/* ---- invite_create(invitee, subscription, role, inviter [, options]) ---- */

static const char SQL_USER_BY_ID[] = "SELECT email FROM $S.users WHERE id = ?1";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id, email FROM $S.users WHERE email = ?1 COLLATE NOCASE";
/* One read for everything the insert needs: the subscription's business,
** the time, the expiry, the link base. */
static const char SQL_CREATE_CONTEXT[] =
    "SELECT s.business_id, t.now,"
    "       datetime(t.now, '+' || coalesce(?2, d.value) || ' days'), u.value"
    "  FROM $S.subscriptions s, $S.invite_now t, $S.invite_settings d,"
    "       $S.invite_settings u"
    " WHERE s.id = ?1 AND d.business_id = s.business_id AND d.name = 'invite_days'"
    "   AND u.business_id = s.business_id AND u.name = 'base_url'";
static const char SQL_INSERT_MEMBER_INVITE[] =
    "INSERT INTO $S.invites(kind, key_hash, inviter_id, user_id, email,"
    "  first_name, last_name, business_id, subscription_id, role_id, comments,"
    "  created_at, expires_at, last_sent_at)"
    " VALUES('member', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11)";

enum { OPT_FIRST, OPT_LAST, OPT_DAYS, OPT_COMMENTS, OPT_SEND, OPT_META, OPT_COUNT };

/* The invitee: user *piUser (its address copied into zEmail), else the user
** of address zEmail (its id into *piUser, its stored spelling into zEmail),
** else a new person (*piUser stays 0). Non-zero, with the error set, for an
** unknown user id. */
static int member_invitee(sqlite3_context *ctx, sqlite3_int64 *piUser, char *zEmail) {
  sqlite3_stmt *p = invite_stmt(ctx, *piUser ? SQL_USER_BY_ID : SQL_USER_BY_EMAIL);
  if (p == 0) return 1;
  if (*piUser) {
    sqlite3_bind_int64(p, 1, *piUser);
    if (sqlite3_step(p) != SQLITE_ROW) {
      sqlite3_reset(p);
      invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown invitee: no user %lld", *piUser);
      return 1;
    }
    sqlite3_snprintf(EMAILS_MAX_ADDRESS + 1, zEmail, "%s", sqlite3_column_text(p, 0));
  } else {
    sqlite3_bind_text(p, 1, zEmail, -1, SQLITE_STATIC);
    if (sqlite3_step(p) == SQLITE_ROW) {
      *piUser = sqlite3_column_int64(p, 0);
      sqlite3_snprintf(EMAILS_MAX_ADDRESS + 1, zEmail, "%s", sqlite3_column_text(p, 1));
    }
  }
  sqlite3_reset(p);
  return 0;
}

void invite_create_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_int64 iUser = 0, iSub, iRole, iInviter, nDays;
  char zEmail[EMAILS_MAX_ADDRESS + 1];
  char zKey[KEYS_TEXT_CHARS + 1];
  unsigned char aHash[KEYS_HASH_BYTES];
  char *zUrl = 0;
  const char *zFirst = 0, *zLast = 0, *zComments = 0;
  InviteOption aOpt[OPT_COUNT] = {{"first_name", SQLITE_TEXT, 0},
                                  {"last_name", SQLITE_TEXT, 0},
                                  {"days", SQLITE_INTEGER, 0},
                                  {"comments", SQLITE_TEXT, 0},
                                  KEY_OPTIONS};
  KeyOptions key;
  InviteTx tx = {0, 0};
  const char *zRefusal = 0; /* an audited refusal, recorded after rollback */
  zKey[0] = 0;

  int eInvitee = sqlite3_value_type(argv[0]);
  if (eInvitee == SQLITE_INTEGER || eInvitee == SQLITE_FLOAT) {
    if (invite_arg_id(ctx, argv, 0, "invitee", &iUser)) return;
  } else if (eInvitee == SQLITE_TEXT) {
    const char *z;
    int n;
    if (invite_arg_text(ctx, argv, 0, "invitee", 1024, &z, &n)) return;
    if (invite_email_arg(ctx, z, n, zEmail)) return;
  } else {
    invite_errorf(ctx, SQLITE_MISMATCH,
                  "argument 1 (invitee) must be a user id or an email address, got %s",
                  eInvitee == SQLITE_NULL ? "NULL" : "another type");
    return;
  }
  if (invite_arg_id(ctx, argv, 1, "subscription", &iSub)) return;
  if (invite_arg_id(ctx, argv, 2, "role", &iRole)) return;
  if (invite_arg_id(ctx, argv, 3, "inviter", &iInviter)) return;
  if (argc > 4 && json_options(ctx, argv[4], 5, aOpt, OPT_COUNT)) return;
  /* Names reach an email header; comments only the body. */
  if (json_option_text(ctx, &aOpt[OPT_FIRST], NAME_MAX_BYTES, 1, &zFirst, 0) ||
      json_option_text(ctx, &aOpt[OPT_LAST], NAME_MAX_BYTES, 1, &zLast, 0) ||
      json_option_text(ctx, &aOpt[OPT_COMMENTS], COMMENTS_MAX_BYTES, 0, &zComments, 0) ||
      key_option_days(ctx, &aOpt[OPT_DAYS], &nDays) ||
      key_options_read(ctx, &aOpt[OPT_SEND], &key)) {
    goto fail;
  }

  if (invite_verb_begin(ctx, &tx)) goto fail;

  if (member_invitee(ctx, &iUser, zEmail)) goto fail;

  sqlite3_stmt *pStmt = invite_stmt(ctx, SQL_CREATE_CONTEXT);
  if (pStmt == 0) goto fail;
  sqlite3_bind_int64(pStmt, 1, iSub);
  if (nDays) sqlite3_bind_int64(pStmt, 2, nDays);
  if (sqlite3_step(pStmt) != SQLITE_ROW) {
    sqlite3_reset(pStmt);
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown subscription %lld", iSub);
    goto fail;
  }
  sqlite3_int64 iBusiness = sqlite3_column_int64(pStmt, 0);
  char zNow[20], zExpires[20];
  sqlite3_snprintf(sizeof zNow, zNow, "%s", sqlite3_column_text(pStmt, 1));
  sqlite3_snprintf(sizeof zExpires, zExpires, "%s", sqlite3_column_text(pStmt, 2));
  zUrl = sqlite3_mprintf("%s", sqlite3_column_text(pStmt, 3));
  sqlite3_reset(pStmt);
  if (zUrl == 0) {
    sqlite3_result_error_nomem(ctx);
    goto fail;
  }

  pStmt = invite_key_insert(ctx, SQL_INSERT_MEMBER_INVITE, zKey, aHash, iInviter, iUser, zEmail);
  if (pStmt == 0) goto fail;
  if (iUser == 0) {
    sqlite3_bind_text(pStmt, 5, zFirst, -1, SQLITE_STATIC);
    sqlite3_bind_text(pStmt, 6, zLast, -1, SQLITE_STATIC);
  }
  sqlite3_bind_int64(pStmt, 7, iBusiness);
  sqlite3_bind_int64(pStmt, 8, iSub);
  sqlite3_bind_int64(pStmt, 9, iRole);
  if (zComments) sqlite3_bind_text(pStmt, 10, zComments, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 11, zNow, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 12, zExpires, -1, SQLITE_STATIC);
  if (sqlite3_step(pStmt) != SQLITE_DONE) {
    sqlite3_reset(pStmt);
    InviteAsk ask = {.iSub = iSub, .iRole = iRole, .iInviter = iInviter, .zEmail = zEmail};
    zRefusal = invite_explain(ctx, &invite_kind_member, &ask);
    goto fail;
  }
  sqlite3_reset(pStmt);
  sqlite3_int64 iInvite = sqlite3_last_insert_rowid(db);
  /* Checked after the insert so a pending invite or a missing right is
  ** reported first: those are what the caller must fix. */
  if (iUser == 0 && (zFirst == 0 || zLast == 0 || !zFirst[0] || !zLast[0])) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "'%s' is not a user yet: give first_name and last_name in "
                  "the options",
                  zEmail);
    goto fail;
  }

  if (invite_key_finish(ctx, &tx, invite_kind_member.zTemplate, iInvite, zUrl, zKey, zExpires,
                        &key)) {
    goto fail;
  }
  goto done;
fail:
  invite_verb_end(ctx, &tx, 0);
  if (zRefusal) security_record_refusal(ctx, iInviter, zRefusal, iSub, iRole, zEmail);
done:
  sodium_memzero(zKey, sizeof zKey);
  sqlite3_free(zUrl);
  json_options_free(aOpt, OPT_COUNT);
}

/* ---- the member kind (kinds.h) ---- */

static const char SQL_MEMBER_REDEEMED[] =
    "SELECT i.business_id, i.metadata, i.subscription_id, i.role_id,"
    "       (SELECT m.id FROM $S.members m WHERE m.invite_id = i.id)"
    "  FROM $S.invites i WHERE i.id = ?1";
static const char *const azMemberRedeemed[] = {"subscription_id", "role_id", "member_id", 0};
/* Its refusals come from invites and members (sql/members.sql). */
static const char *const azMemberRefused[] = {"invites: ", "members: ", 0};

static int member_mail(sqlite3_context *ctx, const InviteMailRow *pRow, InviteMail *pMail) {
  (void)ctx;
  return invite_mail_person(pRow, pMail, pRow->zRole);
}

const InviteKind invite_kind_member = {
    .zName = "member",
    .zTemplate = "member_invite",
    .zRedeemed = SQL_MEMBER_REDEEMED,
    .azRedeemed = azMemberRedeemed,
    .azRefused = azMemberRefused,
    .xExplain = member_explain,
    .xMail = member_mail,
};
