/*
** verbs_invite.c — every key's life cycle, for invites of any kind:
** invite_redeem, invite_peek, invite_revoke, invite_resend, invite_decline.
** (Each kind's invite is made in its own file: verbs_member.c,
** verbs_guest.c, verbs_session.c; what differs by kind is asked of its
** InviteKind, kinds.h.)
**
**   SELECT invite_redeem('<key>', 'ann@example.com');
**   -- {"invite_id":1,"kind":"member","user_id":7,...}
**
** The rules live in the triggers: these functions do not check twice what a
** trigger checks. They validate their arguments, write, and when a trigger
** refuses, turn its message into one with the details. Each call is atomic
** (invite_verb_begin/end); a refused call leaves nothing behind.
*/
#include "kinds.h"

#include <sodium.h>
#include <string.h>

/* ---- shared pieces ---- */

/* The invite row as the verbs read it. Text columns point into the
** statement's row and stay valid until it is reset. */
typedef struct InviteRow {
  sqlite3_int64 id;
  const char *zKind;
  const char *zEmail;
  sqlite3_int64 iUser;
  const char *zFirst, *zLast;
  const char *zExpires, *zRedeemed, *zRevoked;
  const char *zNow;
  sqlite3_int64 iBusiness;
  const char *zDeclined; /* set with zRevoked when the invitee declined */
} InviteRow;

/* The clock as a scalar subquery: one lookup of the clock row, and the
** columns stay usable with any FROM clause (see invite_now, sql/core.sql). */
#define INVITE_ROW_COLUMNS                                                                         \
  "i.id, i.kind, i.email, i.user_id, i.first_name, i.last_name, "                                  \
  "i.expires_at, i.redeemed_at, i.revoked_at, "                                                    \
  "(SELECT now FROM $S.invite_now), i.business_id, i.declined_at"

static void invite_row_read(sqlite3_stmt *p, InviteRow *r) {
  r->id = sqlite3_column_int64(p, 0);
  r->zKind = (const char *)sqlite3_column_text(p, 1);
  r->zEmail = (const char *)sqlite3_column_text(p, 2);
  r->iUser = sqlite3_column_int64(p, 3);
  r->zFirst = (const char *)sqlite3_column_text(p, 4);
  r->zLast = (const char *)sqlite3_column_text(p, 5);
  r->zExpires = (const char *)sqlite3_column_text(p, 6);
  r->zRedeemed = (const char *)sqlite3_column_text(p, 7);
  r->zRevoked = (const char *)sqlite3_column_text(p, 8);
  r->zNow = (const char *)sqlite3_column_text(p, 9);
  r->iBusiness = sqlite3_column_int64(p, 10);
  r->zDeclined = (const char *)sqlite3_column_text(p, 11);
}

static const char SQL_BY_KEY[] =
    "SELECT " INVITE_ROW_COLUMNS " FROM $S.invites i WHERE i.key_hash = ?1";
static const char SQL_BY_OLD_KEY[] = "SELECT " INVITE_ROW_COLUMNS ", k.live"
                                     " FROM $S.invite_old_keys k, $S.invites i"
                                     " WHERE k.key_hash = ?1 AND i.id = k.invite_id";
static const char SQL_BY_ID[] = "SELECT " INVITE_ROW_COLUMNS " FROM $S.invites i WHERE i.id = ?1";

/* Finds the invite a key opens: by its current key, or by an old key that a
** resend kept good. Returns the statement positioned on the row (the caller
** resets it), or NULL with the error set and, when the key is refused (not
** on a database error), *pzWhy set to "unknown_key" or "replaced_key" and
** *piInvite to the invite of a replaced key. */
static sqlite3_stmt *invite_find_by_key(sqlite3_context *ctx, const unsigned char *aHash,
                                        InviteRow *pRow, const char **pzWhy,
                                        sqlite3_int64 *piInvite) {
  sqlite3_stmt *pStmt = invite_stmt(ctx, SQL_BY_KEY);
  if (pStmt == 0) return 0;
  sqlite3_bind_blob(pStmt, 1, aHash, KEYS_HASH_BYTES, SQLITE_STATIC);
  int rc = sqlite3_step(pStmt);
  if (rc == SQLITE_ROW) {
    invite_row_read(pStmt, pRow);
    return pStmt;
  }
  sqlite3_reset(pStmt);
  if (rc != SQLITE_DONE) {
    invite_error_db(ctx, "cannot look the key up");
    return 0;
  }
  pStmt = invite_stmt(ctx, SQL_BY_OLD_KEY);
  if (pStmt == 0) return 0;
  sqlite3_bind_blob(pStmt, 1, aHash, KEYS_HASH_BYTES, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if (rc == SQLITE_ROW && sqlite3_column_int(pStmt, 12)) {
    invite_row_read(pStmt, pRow);
    return pStmt;
  }
  if (rc == SQLITE_ROW) {
    *pzWhy = "replaced_key";
    *piInvite = sqlite3_column_int64(pStmt, 0);
    invite_errorf(ctx, SQLITE_CONSTRAINT, "key was replaced by a newer one (invite_resend)");
  } else if (rc == SQLITE_DONE) {
    *pzWhy = "unknown_key";
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown key");
  } else {
    invite_error_db(ctx, "cannot look the key up");
  }
  sqlite3_reset(pStmt);
  return 0;
}

/* The key argument: text of the key alphabet and length, hashed. */
static int arg_key(sqlite3_context *ctx, sqlite3_value **argv, unsigned char *aHash) {
  const char *zKey;
  int nKey;
  /* A generous bound: anything longer is refused before it is read. */
  if (invite_arg_text(ctx, argv, 0, "key", 1024, &zKey, &nKey)) return 1;
  const char *zErr = keys_hash_text(zKey, nKey, aHash);
  if (zErr) {
    invite_errorf(ctx, SQLITE_MISMATCH, "%s", zErr);
    return 1;
  }
  return 0;
}

/* Why a pending-looking invite cannot be used any more, or NULL. */
static int invite_refuse_state(sqlite3_context *ctx, const InviteRow *r) {
  if (r->zRedeemed) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "key already used on %s UTC", r->zRedeemed);
  } else if (r->zDeclined) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "invite %lld was declined on %s UTC", r->id,
                  r->zDeclined);
  } else if (r->zRevoked) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "invite %lld was revoked on %s UTC", r->id, r->zRevoked);
  } else if (strcmp(r->zExpires, r->zNow) <= 0) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "key expired on %s UTC", r->zExpires);
  } else {
    return 0;
  }
  return 1;
}

/* A refusal of redeem, revoke or resend is explained by the member rules,
** whatever the kind: their details need no more than a key's verb knows
** (the seat of a resent member invite, its pending twin); for the other
** kinds they find nothing and the trigger's message stands. */
static void explain_key_refusal(sqlite3_context *ctx, sqlite3_int64 iSub, const char *zEmail) {
  InviteAsk ask = {.iSub = iSub, .zEmail = zEmail};
  invite_explain(ctx, &invite_kind_member, &ask);
}

/* ---- invite_redeem(key [, redeemer]) ---- */

static const char SQL_USER_EMAIL[] = "SELECT email FROM $S.users WHERE id = ?1";
static const char SQL_USER_BY_EMAIL[] =
    "SELECT id, email FROM $S.users WHERE email = ?1 COLLATE NOCASE";
static const char SQL_INSERT_USER[] =
    "INSERT INTO $S.users(email, first_name, last_name) VALUES(?1, ?2, ?3)";
static const char SQL_REDEEM[] =
    "UPDATE $S.invites SET redeemed_at = ?2, redeemed_by = ?3 WHERE id = ?1";

/* The user who redeems: the one named by `redeemer`, else the invitee,
** created now when new. 0 with the error set when refused, and *pzWhy set
** to "wrong_redeemer" when the invite is addressed to someone else. */
static sqlite3_int64 redeemer_user(sqlite3_context *ctx, sqlite3_value *pRedeemer,
                                   const InviteRow *r, const char **pzWhy) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  char zEmail[EMAILS_MAX_ADDRESS + 1];
  const char *zWho = r->zEmail;
  int eType = pRedeemer ? sqlite3_value_type(pRedeemer) : SQLITE_NULL;
  if (eType == SQLITE_INTEGER || eType == SQLITE_FLOAT) {
    sqlite3_int64 iUser;
    sqlite3_value *aArg[2] = {0, pRedeemer}; /* it is argument 2 */
    if (invite_arg_id(ctx, aArg, 1, "redeemer", &iUser)) return 0;
    sqlite3_stmt *p = invite_stmt(ctx, SQL_USER_EMAIL);
    if (p == 0) return 0;
    sqlite3_bind_int64(p, 1, iUser);
    if (sqlite3_step(p) != SQLITE_ROW) {
      sqlite3_reset(p);
      invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown redeemer: no user %lld", iUser);
      return 0;
    }
    int bMatch =
        r->zEmail == 0 || sqlite3_stricmp((const char *)sqlite3_column_text(p, 0), r->zEmail) == 0;
    sqlite3_reset(p);
    if (!bMatch) {
      *pzWhy = "wrong_redeemer";
      invite_errorf(ctx, SQLITE_CONSTRAINT, "this invite is addressed to another email address");
      return 0;
    }
    return iUser;
  }
  if (eType == SQLITE_TEXT) {
    const char *z = (const char *)sqlite3_value_text(pRedeemer);
    int n = sqlite3_value_bytes(pRedeemer);
    if (z == 0) {
      sqlite3_result_error_nomem(ctx);
      return 0;
    }
    if (invite_text_refused(ctx, z, n, "argument", 2, "redeemer")) return 0;
    const char *zErr =
        n > 1024 ? "address longer than 254 characters" : emails_normalize(z, n, zEmail);
    if (zErr) {
      invite_errorf(ctx, SQLITE_MISMATCH, "invalid redeemer email address: %s", zErr);
      return 0;
    }
    if (r->zEmail && sqlite3_stricmp(zEmail, r->zEmail) != 0) {
      *pzWhy = "wrong_redeemer";
      invite_errorf(ctx, SQLITE_CONSTRAINT, "this invite is addressed to another email address");
      return 0;
    }
    /* A new user gets the address the invite was sent to, if any. */
    if (r->zEmail == 0) zWho = zEmail;
  } else if (eType != SQLITE_NULL) {
    invite_errorf(ctx, SQLITE_MISMATCH,
                  "argument 2 (redeemer) must be a user id or an email address");
    return 0;
  }
  if (r->iUser) return r->iUser;
  if (zWho == 0) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "this invite is not addressed to anyone: name the redeemer");
    return 0;
  }
  sqlite3_stmt *p = invite_stmt(ctx, SQL_USER_BY_EMAIL);
  if (p == 0) return 0;
  sqlite3_bind_text(p, 1, zWho, -1, SQLITE_TRANSIENT);
  sqlite3_int64 iUser = sqlite3_step(p) == SQLITE_ROW ? sqlite3_column_int64(p, 0) : 0;
  sqlite3_reset(p);
  if (iUser) return iUser;
  p = invite_stmt(ctx, SQL_INSERT_USER);
  if (p == 0) return 0;
  sqlite3_bind_text(p, 1, zWho, -1, SQLITE_TRANSIENT);
  if (r->zFirst) sqlite3_bind_text(p, 2, r->zFirst, -1, SQLITE_TRANSIENT);
  if (r->zLast) sqlite3_bind_text(p, 3, r->zLast, -1, SQLITE_TRANSIENT);
  if (invite_stmt_done(ctx, p, "cannot create the user")) return 0;
  return sqlite3_last_insert_rowid(db);
}

/* invite_redeem's result: the invite, its kind, the user, then what
** redeeming made, as the kind reads it (kinds.h). NULL with the error set. */
static sqlite3_str *redeem_result(sqlite3_context *ctx, const InviteKind *pKind,
                                  sqlite3_int64 iInvite, sqlite3_int64 iUser) {
  sqlite3_stmt *p = invite_stmt(ctx, pKind->zRedeemed);
  if (p == 0) return 0;
  sqlite3_str *pOut = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  json_open(pOut);
  json_key(pOut, "invite_id"), json_int(pOut, iInvite);
  json_key(pOut, "kind"), json_text(pOut, pKind->zName);
  json_key(pOut, "user_id");
  if (iUser)
    json_int(pOut, iUser);
  else
    json_text(pOut, 0);
  sqlite3_bind_int64(p, 1, iInvite);
  if (sqlite3_step(p) == SQLITE_ROW) {
    json_key(pOut, "business_id"), json_value(pOut, sqlite3_column_value(p, 0));
    for (int i = 0; pKind->azRedeemed[i]; i++) {
      json_key(pOut, pKind->azRedeemed[i]), json_value(pOut, sqlite3_column_value(p, 2 + i));
    }
    /* The application's metadata, as the object it gave, when it gave one. */
    if (sqlite3_column_type(p, 1) != SQLITE_NULL) {
      json_key(pOut, "metadata");
      sqlite3_str_appendall(pOut, (const char *)sqlite3_column_text(p, 1));
    }
  }
  sqlite3_reset(p);
  json_close(pOut);
  return pOut;
}

#define SOURCE_MAX_BYTES 200

/* invite_redeem(key [, redeemer [, source]]): source names where the
** attempt comes from (the client's address); failures are counted per
** source and a source over the limit is refused (security.c). */
void invite_redeem_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  unsigned char aHash[KEYS_HASH_BYTES];
  InviteTx tx = {0, 0};
  sqlite3_stmt *pFound = 0;
  InviteRow row;
  const char *zKey, *zSource = 0;
  const char *zWhy = 0; /* set when the failure counts against the source */
  sqlite3_int64 iInvite = 0;
  int nKey;
  /* Argument errors are the caller's bug, not an attempt: not counted. */
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
    invite_arg_text(ctx, argv, 0, "key", 0, &zKey, &nKey);
    return;
  }
  if (argc > 1) {
    int e = sqlite3_value_type(argv[1]);
    if (e != SQLITE_NULL && e != SQLITE_INTEGER && e != SQLITE_FLOAT && e != SQLITE_TEXT) {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument 2 (redeemer) must be a user id or an email address");
      return;
    }
  }
  if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL) {
    int nSource;
    if (invite_arg_text(ctx, argv, 2, "source", SOURCE_MAX_BYTES, &zSource, &nSource)) {
      return;
    }
    if (nSource == 0 || emails_header_safe(zSource, nSource)) {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument 3 (source) must be non-empty text without control "
                    "characters");
      return;
    }
  }
  /* Checked before any read; a malformed key (its error set here) costs
  ** one counter write below. */
  int bMalformed = 1;
  if (invite_arg_text(ctx, argv, 0, "key", 1024, &zKey, &nKey) == 0) {
    const char *zKeyErr = keys_hash_text(zKey, nKey, aHash);
    if (zKeyErr) {
      invite_errorf(ctx, SQLITE_MISMATCH, "%s", zKeyErr);
    } else {
      bMalformed = 0;
    }
  }

  /* Failures a rolled-back transaction erased count again (security.c). */
  if (zSource && !bMalformed && security_ledger_flush(ctx)) return;
  if (invite_verb_begin(ctx, &tx)) return;
  if (zSource) {
    char zUntil[20];
    int bBlocked = security_source_blocked(ctx, zSource, zUntil);
    if (bBlocked < 0) goto fail;
    if (bBlocked) {
      if (security_note_blocked(ctx, zSource, zUntil)) goto fail;
      if (invite_verb_end(ctx, &tx, 1)) goto done;
      invite_errorf(ctx, SQLITE_CONSTRAINT,
                    "too many failed attempts from this source: refused until "
                    "%s UTC",
                    zUntil);
      goto done;
    }
  }
  if (bMalformed) {
    zWhy = "malformed_key";
    goto fail;
  }
  pFound = invite_find_by_key(ctx, aHash, &row, &zWhy, &iInvite);
  if (pFound == 0) goto fail;
  iInvite = row.id;
  if (invite_refuse_state(ctx, &row)) {
    zWhy = row.zRedeemed ? "used" : row.zRevoked ? "revoked" : "expired";
    goto fail;
  }
  const InviteKind *pKind = invite_kind(row.zKind);
  if (pKind == 0) {
    invite_errorf(ctx, SQLITE_CORRUPT, "invite %lld is of no known kind", iInvite);
    goto fail;
  }
  char zNow[20];
  sqlite3_snprintf(sizeof zNow, zNow, "%s", row.zNow);
  /* A key of such a kind sent to no address and redeemed without a
  ** redeemer: the holder joins (a session's external representative)
  ** without becoming a user. */
  int bNobody = pKind->bNobody && row.zEmail == 0 && row.iUser == 0 &&
                (argc < 2 || sqlite3_value_type(argv[1]) == SQLITE_NULL);
  sqlite3_int64 iUser = bNobody ? 0 : redeemer_user(ctx, argc > 1 ? argv[1] : 0, &row, &zWhy);
  sqlite3_reset(pFound); /* row's text is no longer needed */
  pFound = 0;
  if (iUser == 0 && !bNobody) goto fail;

  sqlite3_stmt *p = invite_stmt(ctx, SQL_REDEEM);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iInvite);
  sqlite3_bind_text(p, 2, zNow, -1, SQLITE_STATIC);
  if (iUser) sqlite3_bind_int64(p, 3, iUser);
  if (sqlite3_step(p) != SQLITE_DONE) {
    sqlite3_reset(p);
    explain_key_refusal(ctx, 0, 0);
    goto fail;
  }
  sqlite3_reset(p);

  sqlite3_str *pOut = redeem_result(ctx, pKind, iInvite, iUser);
  if (pOut == 0) goto fail;
  if (invite_verb_end(ctx, &tx, 1)) {
    sqlite3_free(sqlite3_str_finish(pOut));
    return;
  }
  json_result(ctx, pOut);
  goto done;
fail:
  if (pFound) sqlite3_reset(pFound);
  invite_verb_end(ctx, &tx, 0);
  /* After the rollback, so the count survives it (security.c). */
  if (zWhy) security_record_failure(ctx, zSource, zWhy, iInvite);
done:
  sodium_memzero(aHash, sizeof aHash);
}

/* ---- invite_peek(key): what the key would grant; consumes nothing ---- */

static const char SQL_PEEK[] =
    "SELECT s.state, s.kind, s.business_id, s.business, s.subscription_id,"
    "       s.app, s.plan, s.role_id, s.role, s.inviter_id, u.first_name,"
    "       u.last_name, s.email, s.created_at, s.expires_at, s.redeemed_at,"
    "       s.revoked_at, s.session_id, i.profile_id, p.name, i.display_name,"
    "       i.metadata"
    "  FROM $S.invite_status s JOIN $S.invites i ON i.id = s.invite_id"
    "  LEFT JOIN $S.users u ON u.id = s.inviter_id"
    "  LEFT JOIN $S.security_profiles p ON p.id = i.profile_id"
    " WHERE s.invite_id = ?1";

void invite_peek_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  unsigned char aHash[KEYS_HASH_BYTES];
  InviteRow row;
  if (arg_key(ctx, argv, aHash)) return;
  const char *zWhy = 0;
  sqlite3_int64 iOld = 0;
  sqlite3_stmt *pFound = invite_find_by_key(ctx, aHash, &row, &zWhy, &iOld);
  sodium_memzero(aHash, sizeof aHash);
  if (pFound == 0) return;
  sqlite3_int64 iInvite = row.id;
  sqlite3_reset(pFound);
  sqlite3_stmt *p = invite_stmt(ctx, SQL_PEEK);
  if (p == 0) return;
  sqlite3_bind_int64(p, 1, iInvite);
  if (sqlite3_step(p) != SQLITE_ROW) {
    sqlite3_reset(p);
    invite_error_db(ctx, "cannot read invite %lld", iInvite);
    return;
  }
  static const char *const azCol[] = {"state",
                                      "kind",
                                      "business_id",
                                      "business",
                                      "subscription_id",
                                      "app",
                                      "plan",
                                      "role_id",
                                      "role",
                                      "inviter_id",
                                      "inviter_first_name",
                                      "inviter_last_name",
                                      "email",
                                      "created_at",
                                      "expires_at",
                                      "redeemed_at",
                                      "revoked_at",
                                      "session_id",
                                      "profile_id",
                                      "profile",
                                      "display_name"};
  sqlite3_str *pOut = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  json_open(pOut);
  json_key(pOut, "invite_id"), json_int(pOut, iInvite);
  for (int i = 0; i < (int)(sizeof azCol / sizeof azCol[0]); i++) {
    json_key(pOut, azCol[i]);
    json_value(pOut, sqlite3_column_value(p, i));
  }
  if (sqlite3_column_type(p, 21) != SQLITE_NULL) {
    json_key(pOut, "metadata");
    sqlite3_str_appendall(pOut, (const char *)sqlite3_column_text(p, 21));
  }
  int bPending = strcmp((const char *)sqlite3_column_text(p, 0), "pending") == 0;
  json_key(pOut, "can_redeem");
  sqlite3_str_appendall(pOut, bPending ? "true" : "false");
  json_close(pOut);
  sqlite3_reset(p);
  json_result(ctx, pOut);
}

/* ---- invite_revoke(invite) ---- */

/* Reads invite iInvite for revoke or resend: non-zero, with the error set,
** when it is unknown, accepted or revoked ("was <zRevoked> on ..."); else
** its time of reading in zNow[20] and its kind in *ppKind (when given). */
static int invite_open_live(sqlite3_context *ctx, sqlite3_int64 iInvite, const char *zRevoked,
                            char *zNow, const InviteKind **ppKind) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_BY_ID);
  if (p == 0) return 1;
  sqlite3_bind_int64(p, 1, iInvite);
  if (sqlite3_step(p) != SQLITE_ROW) {
    sqlite3_reset(p);
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown invite %lld", iInvite);
    return 1;
  }
  InviteRow row;
  invite_row_read(p, &row);
  sqlite3_snprintf(20, zNow, "%s", row.zNow);
  if (ppKind) *ppKind = invite_kind(row.zKind);
  if (row.zRedeemed) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "invite %lld was already accepted on %s UTC", iInvite,
                  row.zRedeemed);
  } else if (row.zRevoked) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "invite %lld was %s on %s UTC", iInvite, zRevoked,
                  row.zRevoked);
  }
  int bRefused = row.zRedeemed || row.zRevoked;
  sqlite3_reset(p);
  return bRefused;
}

static const char SQL_REVOKE[] = "UPDATE $S.invites SET revoked_at = ?2 WHERE id = ?1";

void invite_revoke_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  sqlite3_int64 iInvite;
  InviteTx tx = {0, 0};
  if (invite_arg_id(ctx, argv, 0, "invite", &iInvite)) return;
  if (invite_verb_begin(ctx, &tx)) return;
  char zNow[20];
  if (invite_open_live(ctx, iInvite, "already revoked", zNow, 0)) goto fail;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_REVOKE);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iInvite);
  sqlite3_bind_text(p, 2, zNow, -1, SQLITE_STATIC);
  if (sqlite3_step(p) != SQLITE_DONE) {
    sqlite3_reset(p);
    explain_key_refusal(ctx, 0, 0);
    goto fail;
  }
  sqlite3_reset(p);
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int(ctx, 1);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}

/* ---- invite_resend(invite [, options]) ---- */

static const char SQL_RESEND_CONTEXT[] =
    "SELECT i.subscription_id, i.email,"
    "       datetime(t.now, '+' || coalesce(?2, d.value) || ' days'), u.value"
    "  FROM $S.invites i, $S.invite_now t, $S.invite_settings d,"
    "       $S.invite_settings u"
    " WHERE i.id = ?1 AND d.business_id = i.business_id AND d.name = 'invite_days'"
    "   AND u.business_id = i.business_id AND u.name = 'base_url'";
static const char SQL_RESEND[] =
    "UPDATE $S.invites SET key_hash = ?2, expires_at = ?3,"
    "       sent_count = sent_count + 1, last_sent_at = ?4 WHERE id = ?1";
/* keep_old_keys: the key just retired (and any kept before) stays good;
** otherwise every old key of the invite is dead. */
static const char SQL_OLD_KEYS_LIVE[] =
    "UPDATE $S.invite_old_keys SET live = ?2"
    " WHERE invite_id = ?1 AND live IS NOT ?2 AND (?2 = 0 OR key_hash = ?3)";

enum { OPT_KEEP, OPT_RESEND_DAYS, OPT_RESEND_SEND, OPT_RESEND_META, OPT_RESEND_COUNT };

void invite_resend_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlite3_int64 iInvite, nDays = 0;
  InviteOption aOpt[OPT_RESEND_COUNT] = {
      {"keep_old_keys", INVITE_OPT_FLAG, 0}, {"days", SQLITE_INTEGER, 0}, KEY_OPTIONS};
  KeyOptions key;
  InviteTx tx = {0, 0};
  char zKey[KEYS_TEXT_CHARS + 1];
  unsigned char aHash[KEYS_HASH_BYTES], aOldHash[KEYS_HASH_BYTES];
  char *zUrl = 0;
  zKey[0] = 0;
  if (invite_arg_id(ctx, argv, 0, "invite", &iInvite)) return;
  if (argc > 1 && json_options(ctx, argv[1], 2, aOpt, OPT_RESEND_COUNT)) return;
  if (key_option_days(ctx, &aOpt[OPT_RESEND_DAYS], &nDays) ||
      key_options_read(ctx, &aOpt[OPT_RESEND_SEND], &key)) {
    goto fail;
  }
  int bKeep = aOpt[OPT_KEEP].pValue && sqlite3_value_int(aOpt[OPT_KEEP].pValue);

  if (invite_verb_begin(ctx, &tx)) goto fail;
  char zNow[20];
  const InviteKind *pKind;
  if (invite_open_live(ctx, iInvite, "revoked", zNow, &pKind)) goto fail;
  if (pKind && pKind->zNoResend) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "invite %lld is %s", iInvite, pKind->zNoResend);
    goto fail;
  }

  sqlite3_stmt *p = invite_stmt(ctx, SQL_RESEND_CONTEXT);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iInvite);
  if (nDays) sqlite3_bind_int64(p, 2, nDays);
  if (sqlite3_step(p) != SQLITE_ROW) {
    sqlite3_reset(p);
    invite_error_db(ctx, "cannot read invite %lld", iInvite);
    goto fail;
  }
  sqlite3_int64 iSub = sqlite3_column_int64(p, 0);
  char zEmail[EMAILS_MAX_ADDRESS + 1], zExpires[20];
  sqlite3_snprintf(sizeof zEmail, zEmail, "%s",
                   sqlite3_column_text(p, 1) ? (const char *)sqlite3_column_text(p, 1) : "");
  sqlite3_snprintf(sizeof zExpires, zExpires, "%s", sqlite3_column_text(p, 2));
  zUrl = sqlite3_mprintf("%s", sqlite3_column_text(p, 3));
  sqlite3_reset(p);
  if (zUrl == 0) {
    sqlite3_result_error_nomem(ctx);
    goto fail;
  }

  /* The hash being retired, to keep it good when asked. */
  static const char SQL_CURRENT_HASH[] = "SELECT key_hash FROM $S.invites WHERE id = ?1";
  p = invite_stmt(ctx, SQL_CURRENT_HASH);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iInvite);
  if (sqlite3_step(p) != SQLITE_ROW || sqlite3_column_bytes(p, 0) != KEYS_HASH_BYTES) {
    sqlite3_reset(p);
    invite_errorf(ctx, SQLITE_CORRUPT, "invite %lld has no valid key hash", iInvite);
    goto fail;
  }
  memcpy(aOldHash, sqlite3_column_blob(p, 0), KEYS_HASH_BYTES);
  sqlite3_reset(p);

  if (keys_generate(zKey, aHash)) {
    invite_errorf(ctx, SQLITE_ERROR, "cannot make a key");
    goto fail;
  }
  p = invite_stmt(ctx, SQL_RESEND);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iInvite);
  sqlite3_bind_blob(p, 2, aHash, KEYS_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_text(p, 3, zExpires, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 4, zNow, -1, SQLITE_STATIC);
  if (sqlite3_step(p) != SQLITE_DONE) {
    sqlite3_reset(p);
    explain_key_refusal(ctx, iSub, zEmail[0] ? zEmail : 0);
    goto fail;
  }
  sqlite3_reset(p);
  p = invite_stmt(ctx, SQL_OLD_KEYS_LIVE);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iInvite);
  sqlite3_bind_int(p, 2, bKeep);
  sqlite3_bind_blob(p, 3, aOldHash, KEYS_HASH_BYTES, SQLITE_STATIC);
  if (invite_stmt_done(ctx, p, "cannot update the old keys")) goto fail;

  if (invite_key_finish(ctx, &tx, "resend", iInvite, zUrl, zKey, zExpires, &key)) goto fail;
  goto done;
fail:
  invite_verb_end(ctx, &tx, 0);
done:
  sodium_memzero(zKey, sizeof zKey);
  sqlite3_free(zUrl);
  json_options_free(aOpt, OPT_RESEND_COUNT);
}

/* ---- invite_decline(key [, reason]) ---- */

#define DECLINE_REASON_MAX_BYTES 1000

static const char SQL_DECLINE[] =
    "UPDATE $S.invites SET revoked_at = ?2, declined_at = ?2, decline_reason = ?3"
    " WHERE id = ?1 AND redeemed_at IS NULL AND revoked_at IS NULL";

/* The invitee says no: the invite ends declined (state 'declined'), its
** seat reservation and its key with it. A refused decline (unknown,
** replaced, used, revoked, declined or expired key) changes nothing. */
void invite_decline_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  unsigned char aHash[KEYS_HASH_BYTES];
  if (arg_key(ctx, argv, aHash)) return;
  const char *zReason = 0;
  if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL &&
      invite_arg_text(ctx, argv, 1, "reason", DECLINE_REASON_MAX_BYTES, &zReason, 0)) {
    return;
  }
  InviteTx tx;
  if (invite_verb_begin(ctx, &tx)) return;
  InviteRow row;
  const char *zWhy = 0;
  sqlite3_int64 iOld = 0;
  sqlite3_stmt *p = invite_find_by_key(ctx, aHash, &row, &zWhy, &iOld);
  sodium_memzero(aHash, sizeof aHash);
  if (p == 0) goto fail;
  if (invite_refuse_state(ctx, &row)) {
    sqlite3_reset(p);
    goto fail;
  }
  sqlite3_int64 iInvite = row.id;
  char zNow[20];
  memcpy(zNow, row.zNow, sizeof zNow - 1);
  zNow[sizeof zNow - 1] = 0;
  sqlite3_reset(p);
  sqlite3_stmt *pDecline = invite_stmt(ctx, SQL_DECLINE);
  if (pDecline == 0) goto fail;
  sqlite3_bind_int64(pDecline, 1, iInvite);
  sqlite3_bind_text(pDecline, 2, zNow, -1, SQLITE_TRANSIENT);
  if (zReason) sqlite3_bind_text(pDecline, 3, zReason, -1, SQLITE_TRANSIENT);
  if (invite_stmt_done(ctx, pDecline, "cannot decline the invite")) goto fail;
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_str *s = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  json_open(s);
  json_key(s, "invite_id"), json_int(s, iInvite);
  json_key(s, "state"), json_text(s, "declined");
  json_close(s);
  json_result(ctx, s);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}
