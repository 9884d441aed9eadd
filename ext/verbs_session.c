/*
** verbs_session.c — support sessions (seeds 000 and 001): access invites
** for external representatives, and joining / leaving a session.
**
**   SELECT session_invite(1, 2, 3, 'Dana (vendor)',
**                         '{"email":"dana@vendor.example","portal":2}');
**   -- {"id":9,"key":"...","url":"https://support.example.com/join?key=...",
**   --  "expires_at":"2027-01-01 11:00:00"}
**   SELECT invite_redeem('<key>');   -- joins session 1 as an external
**   SELECT session_join(1, 5);       -- a licensed representative joins
**   SELECT session_leave(1, 2);      -- the owner leaves; externals are
**                                    -- logged out if no licensed rep remains
**
** The law is in sql/sessions.sql: who may invite, enabled profiles, seats,
** one join per key, "an external is never the owner", and the automatic
** logout. These verbs validate their arguments, write, and when a trigger
** refuses, say why with the ids and names involved. Each call is atomic
** (invite_verb_begin/end); a refused call leaves nothing behind.
*/
#include "kinds.h"

#include <sodium.h>
#include <string.h>

#define SESSION_NAME_MAX_BYTES 200
#define SESSION_COMMENTS_MAX_BYTES 2000

/* ---- explaining a refusal ---- */

static const char SQL_USER_EXISTS[] = "SELECT 1 FROM $S.users WHERE id = ?1";
static const char SQL_PROFILE[] = "SELECT name FROM $S.security_profiles WHERE id = ?1";
static const char SQL_SESSION_ENDED[] = "SELECT ended_at FROM $S.sessions WHERE id = ?1";

/* The details of a refusal of a session's write: the unknown or absent
** inviter, the security profile, the session's end, the seat usage. */
static int session_explain(sqlite3_context *ctx, InviteRuleKind eRule, const InviteAsk *a) {
  char zText[256];
  int rc;
  switch (eRule) {
  case RULE_SEAT_LIMIT: return a->iSub && seats_explain(ctx, a->iSub);
  case RULE_SESSION_PRESENT:
  case RULE_UNKNOWN_USER:
    rc = invite_lookup(ctx, SQL_USER_EXISTS, a->iUser, "user", 0, 0);
    if (rc < 0) return 1;
    if (rc == 0) {
      invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown %s: no user %lld", a->zUserRole, a->iUser);
      return 1;
    }
    if (eRule == RULE_SESSION_PRESENT) {
      invite_errorf(ctx, SQLITE_CONSTRAINT,
                    "user %lld is not present in session %lld as its owner or a "
                    "licensed member: only they may invite",
                    a->iUser, a->iSession);
      return 1;
    }
    return 0;
  case RULE_UNKNOWN_PROFILE:
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown security profile %lld", a->iProfile);
    return 1;
  case RULE_PROFILE_DISABLED:
    rc = invite_lookup(ctx, SQL_PROFILE, a->iProfile, "security profile", zText, sizeof zText);
    if (rc > 0) {
      invite_errorf(ctx, SQLITE_CONSTRAINT,
                    "security profile %lld ('%q') is not enabled for access invite", a->iProfile,
                    zText);
    }
    return rc != 0;
  case RULE_SESSION_ENDED:
    rc = invite_lookup(ctx, SQL_SESSION_ENDED, a->iSession, "session", zText, sizeof zText);
    if (rc > 0) {
      invite_errorf(ctx, SQLITE_CONSTRAINT, "session %lld ended on %s UTC", a->iSession, zText);
    }
    return rc != 0;
  default: return 0;
  }
}

/* The trigger's refusal, explained (session_explain); zUserRole says what
** iUser is ("inviter", "user"). */
static void session_refused(sqlite3_context *ctx, sqlite3_int64 iSession, const char *zUserRole,
                            sqlite3_int64 iUser, sqlite3_int64 iProfile, sqlite3_int64 iSub) {
  InviteAsk ask = {.iSession = iSession,
                   .zUserRole = zUserRole,
                   .iUser = iUser,
                   .iProfile = iProfile,
                   .iSub = iSub};
  invite_explain(ctx, &invite_kind_session, &ask);
}

/* ---- session_invite(session, inviter, security_profile, name [, options]) ---- */

/* Everything the insert needs in one read: the session's subscription and
** business, the time, the key's expiry, the business's default portal. */
static const char SQL_INVITE_CONTEXT[] =
    "SELECT s.subscription_id, b.business_id, t.now,"
    "       datetime(t.now, '+' || m.value || ' minutes'), d.value"
    "  FROM $S.sessions s, $S.subscriptions b, $S.invite_now t,"
    "       $S.invite_settings m, $S.invite_settings d"
    " WHERE s.id = ?1 AND b.id = s.subscription_id"
    "   AND m.business_id = b.business_id AND m.name = 'session_key_minutes'"
    "   AND d.business_id = b.business_id AND d.name = 'default_portal_id'";
static const char SQL_PORTAL_BY_ID[] = "SELECT id, base_url FROM $S.portals WHERE id = ?1";
static const char SQL_PORTAL_FIRST[] = "SELECT id, base_url FROM $S.portals ORDER BY id LIMIT 1";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id, email FROM $S.users WHERE email = ?1 COLLATE NOCASE";
static const char SQL_INSERT_SESSION_INVITE[] =
    "INSERT INTO $S.invites(kind, key_hash, inviter_id, user_id, email,"
    "  business_id, subscription_id, session_id, profile_id, portal_id,"
    "  display_name, comments, created_at, expires_at, last_sent_at)"
    " VALUES('session', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12)";

enum { OPT_EMAIL, OPT_COMMENTS, OPT_PORTAL, OPT_SEND, OPT_META, OPT_COUNT };

/* The portal a session key goes through: the one of the `portal` option
** (iOption, 0 when not given), else the business's default (iDefault), else
** the portal with the lowest id. Its id and base URL (the caller frees it);
** non-zero, with the error set, when there is none. */
static int session_portal(sqlite3_context *ctx, sqlite3_int64 iOption, sqlite3_int64 iDefault,
                          sqlite3_int64 *pId, char **pzBase) {
  sqlite3_int64 id = iOption ? iOption : iDefault > 0 ? iDefault : 0;
  sqlite3_stmt *p = invite_stmt(ctx, id ? SQL_PORTAL_BY_ID : SQL_PORTAL_FIRST);
  if (p == 0) return 1;
  if (id) sqlite3_bind_int64(p, 1, id);
  int bRow = sqlite3_step(p) == SQLITE_ROW;
  if (bRow) {
    *pId = sqlite3_column_int64(p, 0);
    *pzBase = sqlite3_mprintf("%s", sqlite3_column_text(p, 1));
  }
  sqlite3_reset(p);
  if (bRow && *pzBase == 0) {
    sqlite3_result_error_nomem(ctx);
  } else if (bRow) {
    return 0;
  } else if (iOption) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown portal %lld", id);
  } else if (id) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "the default portal %lld (setting default_portal_id) does not exist", id);
  } else {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "no public portal to connect through: add one to the portals table");
  }
  return 1;
}

void session_invite_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_int64 iSession, iInviter, iProfile, iPortal = 0, iUser = 0;
  const char *zName, *zEmailOpt = 0, *zComments = 0;
  int nName, nEmail = 0;
  char zEmail[EMAILS_MAX_ADDRESS + 1];
  char zKey[KEYS_TEXT_CHARS + 1];
  unsigned char aHash[KEYS_HASH_BYTES];
  char *zBase = 0;
  InviteOption aOpt[OPT_COUNT] = {{"email", SQLITE_TEXT, 0},
                                  {"comments", SQLITE_TEXT, 0},
                                  {"portal", SQLITE_INTEGER, 0},
                                  KEY_OPTIONS};
  KeyOptions key;
  InviteTx tx = {0, 0};
  zKey[0] = 0;
  zEmail[0] = 0;

  if (invite_arg_id(ctx, argv, 0, "session", &iSession)) return;
  if (invite_arg_id(ctx, argv, 1, "inviter", &iInviter)) return;
  if (invite_arg_id(ctx, argv, 2, "security_profile", &iProfile)) return;
  if (invite_arg_text(ctx, argv, 3, "name", SESSION_NAME_MAX_BYTES, &zName, &nName)) {
    return;
  }
  /* The name is shown to the customer and becomes the email's To name. */
  const char *zErr = emails_header_safe(zName, nName);
  if (zErr) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument 4 (name) %s", zErr);
    return;
  }
  if (zName[strspn(zName, " \t")] == 0) {
    invite_errorf(ctx, SQLITE_MISMATCH,
                  "argument 4 (name) must not be empty: it is shown to the customer");
    return;
  }
  if (argc > 4 && json_options(ctx, argv[4], 5, aOpt, OPT_COUNT)) return;
  /* Comments go to the roster and the email body only: line breaks allowed. */
  if (json_option_text(ctx, &aOpt[OPT_EMAIL], 1024, 0, &zEmailOpt, &nEmail) ||
      json_option_text(ctx, &aOpt[OPT_COMMENTS], SESSION_COMMENTS_MAX_BYTES, 0, &zComments, 0) ||
      key_options_read(ctx, &aOpt[OPT_SEND], &key)) {
    goto fail;
  }
  if (zEmailOpt && invite_email_arg(ctx, zEmailOpt, nEmail, zEmail)) goto fail;
  if (aOpt[OPT_PORTAL].pValue) {
    iPortal = sqlite3_value_int64(aOpt[OPT_PORTAL].pValue);
    if (iPortal <= 0) {
      invite_errorf(ctx, SQLITE_MISMATCH, "option 'portal' must be a positive id, got %lld",
                    iPortal);
      goto fail;
    }
  }

  if (invite_verb_begin(ctx, &tx)) goto fail;

  sqlite3_stmt *p = invite_stmt(ctx, SQL_INVITE_CONTEXT);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iSession);
  if (sqlite3_step(p) != SQLITE_ROW) {
    sqlite3_reset(p);
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown session %lld", iSession);
    goto fail;
  }
  sqlite3_int64 iSub = sqlite3_column_int64(p, 0);
  sqlite3_int64 iBusiness = sqlite3_column_int64(p, 1);
  char zNow[20], zExpires[20];
  sqlite3_snprintf(sizeof zNow, zNow, "%s", sqlite3_column_text(p, 2));
  sqlite3_snprintf(sizeof zExpires, zExpires, "%s",
                   sqlite3_column_text(p, 3) ? (const char *)sqlite3_column_text(p, 3) : "");
  sqlite3_int64 iDefaultPortal = sqlite3_column_int64(p, 4);
  sqlite3_reset(p);

  if (session_portal(ctx, iPortal, iDefaultPortal, &iPortal, &zBase)) goto fail;

  /* An address that belongs to a user binds the key to that user. */
  if (zEmail[0]) {
    p = invite_stmt(ctx, SQL_USER_BY_EMAIL);
    if (p == 0) goto fail;
    sqlite3_bind_text(p, 1, zEmail, -1, SQLITE_STATIC);
    if (sqlite3_step(p) == SQLITE_ROW) {
      iUser = sqlite3_column_int64(p, 0);
      sqlite3_snprintf(sizeof zEmail, zEmail, "%s", sqlite3_column_text(p, 1));
    }
    sqlite3_reset(p);
  }

  p = invite_key_insert(ctx, SQL_INSERT_SESSION_INVITE, zKey, aHash, iInviter, iUser,
                        zEmail[0] ? zEmail : 0);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 5, iBusiness);
  sqlite3_bind_int64(p, 6, iSub);
  sqlite3_bind_int64(p, 7, iSession);
  sqlite3_bind_int64(p, 8, iProfile);
  sqlite3_bind_int64(p, 9, iPortal);
  sqlite3_bind_text(p, 10, zName, nName, SQLITE_STATIC);
  if (zComments) sqlite3_bind_text(p, 11, zComments, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 12, zNow, -1, SQLITE_STATIC);
  if (zExpires[0]) sqlite3_bind_text(p, 13, zExpires, -1, SQLITE_STATIC);
  if (sqlite3_step(p) != SQLITE_DONE) {
    sqlite3_reset(p);
    session_refused(ctx, iSession, "inviter", iInviter, iProfile, iSub);
    goto fail;
  }
  sqlite3_reset(p);
  sqlite3_int64 iInvite = sqlite3_last_insert_rowid(db);

  /* With an `email` option the access invitation is queued too (nothing is
  ** queued for a key without an address). */
  if (invite_key_finish(ctx, &tx, invite_kind_session.zTemplate, iInvite, zBase, zKey, zExpires,
                        &key)) {
    goto fail;
  }
  goto done;
fail:
  invite_verb_end(ctx, &tx, 0);
done:
  sqlite3_free(zBase);
  sodium_memzero(zKey, sizeof zKey);
  sodium_memzero(aHash, sizeof aHash);
  json_options_free(aOpt, OPT_COUNT);
}

/* ---- session_join(session, user): a licensed representative joins ---- */

static const char SQL_SESSION_EXISTS[] = "SELECT 1 FROM $S.sessions WHERE id = ?1";
/* The owner comes back as 'owner'; anyone else joins as 'member'. */
static const char SQL_JOIN[] =
    "INSERT INTO $S.session_members(session_id, user_id, kind, joined_at)"
    " SELECT s.id, ?2, CASE WHEN s.owner_id = ?2 THEN 'owner' ELSE 'member' END,"
    "        t.now"
    "   FROM $S.sessions s, $S.invite_now t WHERE s.id = ?1";

/* session_join and session_leave: the arguments, the transaction, the
** session, then one write of the roster (zSql binds session, user). */
static int session_roster_write(sqlite3_context *ctx, sqlite3_value **argv, const char *zSql,
                                InviteTx *pTx, sqlite3_int64 *piSession, sqlite3_int64 *piUser) {
  if (invite_arg_id(ctx, argv, 0, "session", piSession)) return 1;
  if (invite_arg_id(ctx, argv, 1, "user", piUser)) return 1;
  if (invite_verb_begin(ctx, pTx)) return 1;
  int rc = invite_lookup(ctx, SQL_SESSION_EXISTS, *piSession, "session", 0, 0);
  if (rc == 0) invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown session %lld", *piSession);
  if (rc != 1) return 1;
  sqlite3_stmt *p = invite_stmt(ctx, zSql);
  if (p == 0) return 1;
  sqlite3_bind_int64(p, 1, *piSession);
  sqlite3_bind_int64(p, 2, *piUser);
  if (sqlite3_step(p) != SQLITE_DONE) {
    sqlite3_reset(p);
    session_refused(ctx, *piSession, "user", *piUser, 0, 0);
    return 1;
  }
  sqlite3_reset(p);
  return 0;
}

void session_join_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  sqlite3_int64 iSession, iUser;
  InviteTx tx = {0, 0};
  if (session_roster_write(ctx, argv, SQL_JOIN, &tx, &iSession, &iUser)) goto fail;
  sqlite3_int64 iRow = sqlite3_last_insert_rowid(sqlite3_context_db_handle(ctx));
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int64(ctx, iRow);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}

/* ---- session_leave(session, user): anyone present leaves ---- */

static const char SQL_LEAVE[] =
    "UPDATE $S.session_members SET left_at = (SELECT now FROM $S.invite_now),"
    "       left_reason = 'left'"
    " WHERE session_id = ?1 AND user_id = ?2 AND left_at IS NULL";

void session_leave_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  sqlite3_int64 iSession, iUser;
  InviteTx tx = {0, 0};
  if (session_roster_write(ctx, argv, SQL_LEAVE, &tx, &iSession, &iUser)) goto fail;
  if (sqlite3_changes(sqlite3_context_db_handle(ctx)) == 0) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "user %lld is not present in session %lld", iUser,
                  iSession);
    goto fail;
  }
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int(ctx, 1);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}

/* ---- the session kind (kinds.h) ---- */

static const char SQL_SESSION_REDEEMED[] =
    "SELECT i.business_id, i.metadata, i.subscription_id, i.session_id, i.profile_id,"
    "       (SELECT x.id FROM $S.session_members x WHERE x.invite_id = i.id)"
    "  FROM $S.invites i WHERE i.id = ?1";
static const char *const azSessionRedeemed[] = {"subscription_id", "session_id", "profile_id",
                                                "session_member_id", 0};
static const char *const azSessionRefused[] = {"invites: ", "session_members: ", 0};

/* The security profile and the session's app (prepared on first use, so the
** member and guest paths never need these tables). */
static const char SQL_SESSION_MACROS[] =
    "SELECT (SELECT name FROM $S.security_profiles WHERE id = ?1),"
    "       (SELECT a.name FROM $S.sessions se, $S.subscriptions s, $S.apps a"
    "         WHERE se.id = ?2 AND s.id = se.subscription_id AND a.id = s.app_id)";

/* The invitee is named as the representative was (display_name); the role
** is the security profile, the app the session's. */
static int session_mail(sqlite3_context *ctx, const InviteMailRow *pRow, InviteMail *pMail) {
  sqlite3_stmt *q = invite_stmt(ctx, SQL_SESSION_MACROS);
  if (q == 0) return SQLITE_ERROR;
  pMail->zFirst = sqlite3_mprintf("%s", pRow->zDisplay);
  pMail->zLast = sqlite3_mprintf("");
  sqlite3_bind_int64(q, 1, pRow->iProfile);
  sqlite3_bind_int64(q, 2, pRow->iSession);
  if (sqlite3_step(q) == SQLITE_ROW) {
    const char *zProfile = (const char *)sqlite3_column_text(q, 0);
    const char *zApp = (const char *)sqlite3_column_text(q, 1);
    pMail->zRole = sqlite3_mprintf("%s", zProfile ? zProfile : "");
    pMail->zApp = sqlite3_mprintf("%s", zApp ? zApp : "");
  }
  sqlite3_reset(q);
  return SQLITE_OK;
}

const InviteKind invite_kind_session = {
    .zName = "session",
    .zTemplate = "session_invite",
    /* A session key lives minutes and goes through a portal: a fresh one
    ** comes from session_invite, not from the member/guest resend path. */
    .zNoResend = "a session key: make a new one with session_invite",
    .bNobody = 1,
    .zRedeemed = SQL_SESSION_REDEEMED,
    .azRedeemed = azSessionRedeemed,
    .azRefused = azSessionRefused,
    .xExplain = session_explain,
    .xMail = session_mail,
};
