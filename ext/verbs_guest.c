/*
** verbs_guest.c — guest access to a business (seed 002, Manage Guests):
** guest_invite, guest_renew, guest_remove, guest_leave, guest_switch and
** invite_notify_expiring.
**
**   SELECT guest_invite('ann@example.com, bob@example.com', 1, 7,
**                       '{"can_invite":true,"days":30}');
**   -- [{"email":"ann@example.com","id":1,"key":"...","url":"...",
**   --   "expires_at":"..."}, {"email":"bob@example.com",...}]
**   SELECT invite_redeem('<key>');            -- makes the guests row
**   SELECT guest_renew(guest_id) FROM guest_expiring WHERE business_id = 1;
**   SELECT guest_leave(7, 1);  SELECT guest_switch(7, 2);
**   SELECT invite_notify_expiring();          -- from a daily job
**
** The law is in sql/guests.sql: who may invite guests, one pending invite
** and one active access per person and business, expiry only moved by a
** renewal to now + the original period, nothing after an end. These
** functions validate their arguments, write, and turn a trigger's refusal
** into a sentence with the details (the pending invite, the expiry). Each
** call is atomic (invite_verb_begin/end); a refused call writes nothing.
**
** Renewing while a SELECT reads guests (the bulk renewal above) is safe:
** the renewal changes no indexed column of guests, so the SELECT never
** meets a row twice, and a second renewal of one access at the same
** instant changes nothing.
*/
#include "kinds.h"

#include <sodium.h>
#include <string.h>

#define GUEST_MAX_LIST_BYTES 100000 /* the emails argument of guest_invite */
#define GUEST_MAX_ADDRESSES 1000    /* distinct addresses per guest_invite */
#define GUEST_DAYS_MAX 3650         /* same bound as the triggers */

/* Error text of the trigger that refused, without its "<table>: " prefix. */
static const char *guest_trigger_message(sqlite3 *db, const char *zTable) {
  const char *z = invite_db_message(db);
  size_t n = strlen(zTable);
  if (strncmp(z, zTable, n) == 0 && z[n] == ':' && z[n + 1] == ' ') z += n + 2;
  return z;
}

static void guest_refused(sqlite3_context *ctx, const char *zTable) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  int rc = sqlite3_extended_errcode(db) & 0xff;
  if (rc == SQLITE_NOMEM) {
    sqlite3_result_error_nomem(ctx);
  } else if (rc == SQLITE_CONSTRAINT) {
    invite_errorf(ctx, rc, "%s", guest_trigger_message(db, zTable));
  } else {
    invite_error_db(ctx, "cannot write %s", zTable);
  }
}

/* ---- guest_invite(emails, business, inviter [, options]) ---- */

/* The distinct addresses of a list, normalised, in their first order. */
typedef struct GuestList {
  int n;
  char (*aEmail)[EMAILS_MAX_ADDRESS + 1];
} GuestList;

/* Splits and validates the whole list before anything is written: a bad
** address fails the call. Duplicates (compared case-insensitively, as
** users are matched) collapse into the first spelling. */
static int guest_list_parse(sqlite3_context *ctx, const char *z, int n, GuestList *pList) {
  char zNorm[EMAILS_MAX_ADDRESS + 1];
  const char *zBad = 0, *zBadWhy = 0;
  int nBad = 0, iBad = 0, nBadLen = 0, nToken = 0, iStart, nLen;
  pList->n = 0;
  pList->aEmail = 0;
  for (int i = 0; (nLen = emails_split_next(z, n, i, &iStart)) > 0; i = iStart + nLen) {
    nToken++;
    const char *zErr = emails_normalize(z + iStart, nLen, zNorm);
    if (zErr) {
      if (nBad++ == 0) zBad = z + iStart, nBadLen = nLen, zBadWhy = zErr, iBad = nToken;
      continue;
    }
    if (nBad) continue;
    int j;
    for (j = 0; j < pList->n; j++) {
      if (sqlite3_stricmp(pList->aEmail[j], zNorm) == 0) break;
    }
    if (j < pList->n) continue;
    if (pList->n == GUEST_MAX_ADDRESSES) {
      invite_errorf(ctx, SQLITE_TOOBIG, "too many addresses: at most %d per call",
                    GUEST_MAX_ADDRESSES);
      return 1;
    }
    if ((pList->n & 15) == 0) {
      void *pNew = sqlite3_realloc64(pList->aEmail, (pList->n + 16) * sizeof(pList->aEmail[0]));
      if (pNew == 0) {
        sqlite3_result_error_nomem(ctx);
        return 1;
      }
      pList->aEmail = pNew;
    }
    memcpy(pList->aEmail[pList->n++], zNorm, sizeof zNorm);
  }
  if (nBad) {
    char *zMore =
        nBad > 1 ? sqlite3_mprintf(" (and %d more invalid)", nBad - 1) : sqlite3_mprintf("%s", "");
    if (zMore == 0) {
      sqlite3_result_error_nomem(ctx);
    } else if (nBadLen <= 100 && emails_header_safe(zBad, nBadLen) == 0) {
      invite_errorf(ctx, SQLITE_MISMATCH, "invalid email address '%.*q': %s%s", nBadLen, zBad,
                    zBadWhy, zMore);
    } else {
      /* Too long or unprintable to quote: name it by its place. */
      invite_errorf(ctx, SQLITE_MISMATCH, "invalid email address #%d in the list: %s%s", iBad,
                    zBadWhy, zMore);
    }
    sqlite3_free(zMore);
    return 1;
  }
  if (pList->n == 0) {
    invite_errorf(ctx, SQLITE_MISMATCH, "no email address in the list");
    return 1;
  }
  return 0;
}

/* A flag option: absent is 0; true/false or 0/1. */
static int guest_option_flag(sqlite3_context *ctx, const InviteOption *pOpt, int *pb) {
  *pb = 0;
  if (pOpt->pValue == 0) return 0;
  sqlite3_int64 v = sqlite3_value_int64(pOpt->pValue);
  if (v != 0 && v != 1) {
    invite_errorf(ctx, SQLITE_MISMATCH, "option '%s' must be true or false, got %lld", pOpt->zName,
                  v);
    return 1;
  }
  *pb = (int)v;
  return 0;
}

/* Everything the inserts need, read once: time, key expiry, link base, the
** business's access period. */
static const char SQL_GUEST_CONTEXT[] =
    "SELECT t.now, datetime(t.now, '+' || k.value || ' days'), u.value,"
    "       d.value, typeof(d.value) = 'integer' AND d.value BETWEEN 1 AND 3650"
    "  FROM $S.invite_now t, $S.invite_settings k, $S.invite_settings u,"
    "       $S.invite_settings d"
    " WHERE k.business_id = ?1 AND k.name = 'invite_days'"
    "   AND u.business_id = ?1 AND u.name = 'base_url'"
    "   AND d.business_id = ?1 AND d.name = 'guest_access_days'";
static const char SQL_GUEST_INVITER[] = "SELECT 1 FROM $S.users WHERE id = ?1";
static const char SQL_GUEST_USER[] =
    "SELECT id, email FROM $S.users WHERE email = ?1 COLLATE NOCASE";
static const char SQL_INSERT_GUEST_INVITE[] =
    "INSERT INTO $S.invites(kind, key_hash, inviter_id, user_id, email,"
    "  business_id, account_manager, can_invite, access_days, created_at,"
    "  expires_at, last_sent_at)"
    " VALUES('guest', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9)";
static const char SQL_GUEST_PENDING[] =
    "SELECT i.id, i.expires_at FROM $S.invites i, $S.invite_now t"
    " WHERE i.email = ?1 COLLATE NOCASE AND i.business_id = ?2"
    "   AND i.kind = 'guest' AND i.redeemed_at IS NULL"
    "   AND i.revoked_at IS NULL AND i.expires_at > t.now";
/* The domains a guest of a business may come from (guest_sources.sql). */
static const char SQL_GUEST_SOURCES[] =
    "SELECT (SELECT name FROM $S.businesses WHERE id = ?1),"
    "       (SELECT group_concat(domain, ', ') FROM"
    "          (SELECT domain FROM $S.guest_source_domains WHERE business_id = ?1"
    "            ORDER BY domain))";
static const char SQL_GUEST_ACTIVE[] =
    "SELECT g.id, g.expires_at FROM $S.guests g, $S.users u, $S.invite_now t"
    " WHERE g.business_id = ?2 AND g.user_id = u.id"
    "   AND u.email = ?1 COLLATE NOCASE"
    "   AND g.ended_at IS NULL AND g.expires_at > t.now";

/* The details of a refusal of one address's guest invite: the invite or
** access that stands in the way, the business's guest sources, the
** inviter's right. */
static int guest_explain(sqlite3_context *ctx, InviteRuleKind eRule, const InviteAsk *a) {
  const char *zLookup = eRule == RULE_PENDING_INVITE ? SQL_GUEST_PENDING
                        : eRule == RULE_ACTIVE_GUEST ? SQL_GUEST_ACTIVE
                                                     : 0;
  if (zLookup) {
    sqlite3_stmt *p = invite_stmt(ctx, zLookup);
    if (p == 0) return 1;
    sqlite3_bind_text(p, 1, a->zEmail, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 2, a->iBusiness);
    int bFound = sqlite3_step(p) == SQLITE_ROW;
    if (bFound) {
      sqlite3_int64 id = sqlite3_column_int64(p, 0);
      const char *zUntil = (const char *)sqlite3_column_text(p, 1);
      if (zLookup == SQL_GUEST_PENDING) {
        invite_errorf(ctx, SQLITE_CONSTRAINT,
                      "invite %lld for '%s' to business %lld is still pending "
                      "(until %s UTC): use invite_resend(%lld)",
                      id, a->zEmail, a->iBusiness, zUntil, id);
      } else {
        invite_errorf(ctx, SQLITE_CONSTRAINT,
                      "'%s' is already a guest of business %lld (guest %lld, "
                      "until %s UTC): use guest_renew(%lld)",
                      a->zEmail, a->iBusiness, id, zUntil, id);
      }
    }
    sqlite3_reset(p);
    return bFound;
  }
  if (eRule == RULE_GUEST_SOURCE) {
    sqlite3_stmt *p = invite_stmt(ctx, SQL_GUEST_SOURCES);
    if (p == 0) return 1;
    sqlite3_bind_int64(p, 1, a->iBusiness);
    int bFound = sqlite3_step(p) == SQLITE_ROW;
    if (bFound) {
      invite_errorf(ctx, SQLITE_CONSTRAINT,
                    "'%s' is not from a guest source of business %lld (%s): its "
                    "guests come from %s",
                    a->zEmail, a->iBusiness, sqlite3_column_text(p, 0), sqlite3_column_text(p, 1));
    }
    sqlite3_reset(p);
    return bFound;
  }
  if (eRule == RULE_INVITER_MAY_NOT) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "user %lld may not invite guests to business %lld: only its "
                  "account managers and its guests allowed to invite guests may",
                  a->iInviter, a->iBusiness);
    return 1;
  }
  return 0;
}

/* The refusal of one address's invite (guest_explain). */
static void guest_invite_refused(sqlite3_context *ctx, const char *zEmail, sqlite3_int64 iBusiness,
                                 sqlite3_int64 iInviter) {
  if ((sqlite3_extended_errcode(sqlite3_context_db_handle(ctx)) & 0xff) != SQLITE_CONSTRAINT) {
    guest_refused(ctx, "invites");
    return;
  }
  InviteAsk ask = {.iBusiness = iBusiness, .iInviter = iInviter, .zEmail = zEmail};
  invite_explain(ctx, &invite_kind_guest, &ask);
}

/* Adds one {"email","id","key","url","expires_at"} to the result array. */
static void guest_result_item(sqlite3_str *pOut, const char *zEmail, sqlite3_int64 iInvite,
                              const char *zKey, const char *zLink, const char *zExpires) {
  if (sqlite3_str_length(pOut) > 1) sqlite3_str_appendchar(pOut, 1, ',');
  json_open(pOut);
  json_key(pOut, "email"), json_text(pOut, zEmail);
  json_key(pOut, "id"), json_int(pOut, iInvite);
  json_key(pOut, "key"), json_text(pOut, zKey);
  json_key(pOut, "url"), json_text(pOut, zLink);
  json_key(pOut, "expires_at"), json_text(pOut, zExpires);
  json_close(pOut);
}

/* Frees a result buffer that may hold keys, wiping it first. */
static void guest_str_discard(sqlite3_str *p) {
  int n = sqlite3_str_length(p);
  char *z = sqlite3_str_finish(p);
  if (z) sodium_memzero(z, (size_t)n);
  sqlite3_free(z);
}

/* The time, the key's expiry and the link base of business iBusiness (the
** caller frees *pzBase), and the access period when *pnDays is 0 (not
** given): its setting guest_access_days. Non-zero, with the error set, when
** the business is unknown or the setting is not a period. */
static int guest_context(sqlite3_context *ctx, sqlite3_int64 iBusiness, sqlite3_int64 *pnDays,
                         char *zNow, char *zExpires, char **pzBase) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_GUEST_CONTEXT);
  if (p == 0) return 1;
  sqlite3_bind_int64(p, 1, iBusiness);
  if (sqlite3_step(p) != SQLITE_ROW) {
    sqlite3_reset(p);
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown business %lld", iBusiness);
    return 1;
  }
  sqlite3_snprintf(20, zNow, "%s", sqlite3_column_text(p, 0));
  sqlite3_snprintf(20, zExpires, "%s", sqlite3_column_text(p, 1));
  *pzBase = sqlite3_mprintf("%s", sqlite3_column_text(p, 2));
  if (*pnDays == 0 && !sqlite3_column_int(p, 4)) {
    invite_errorf(ctx, SQLITE_MISMATCH,
                  "setting 'guest_access_days' of business %lld must be a whole "
                  "number of days from 1 to %d, got '%q'",
                  iBusiness, GUEST_DAYS_MAX, sqlite3_column_text(p, 3));
    sqlite3_reset(p);
    return 1;
  }
  if (*pnDays == 0) *pnDays = sqlite3_column_int64(p, 3);
  sqlite3_reset(p);
  if (*pzBase == 0) {
    sqlite3_result_error_nomem(ctx);
    return 1;
  }
  return 0;
}

enum {
  OPT_GUEST_AM,
  OPT_GUEST_INVITE,
  OPT_GUEST_DAYS,
  OPT_GUEST_SEND,
  OPT_GUEST_META,
  OPT_GUEST_COUNT
};

void guest_invite_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  const char *zList;
  int nList, bManager, bInvite;
  sqlite3_int64 iBusiness, iInviter, nDays = 0;
  GuestList list = {0, 0};
  InviteOption aOpt[OPT_GUEST_COUNT] = {{"account_manager", INVITE_OPT_FLAG, 0},
                                        {"can_invite", INVITE_OPT_FLAG, 0},
                                        {"days", SQLITE_INTEGER, 0},
                                        KEY_OPTIONS};
  KeyOptions key;
  InviteTx tx = {0, 0};
  sqlite3_str *pOut = 0;
  char *zBase = 0, *zLink = 0;
  char zKey[KEYS_TEXT_CHARS + 1];
  unsigned char aHash[KEYS_HASH_BYTES];
  zKey[0] = 0;

  if (invite_arg_text(ctx, argv, 0, "emails", GUEST_MAX_LIST_BYTES, &zList, &nList)) return;
  if (invite_arg_id(ctx, argv, 1, "business", &iBusiness)) return;
  if (invite_arg_id(ctx, argv, 2, "inviter", &iInviter)) return;
  if (argc > 3 && json_options(ctx, argv[3], 4, aOpt, OPT_GUEST_COUNT)) return;
  if (guest_option_flag(ctx, &aOpt[OPT_GUEST_AM], &bManager) ||
      guest_option_flag(ctx, &aOpt[OPT_GUEST_INVITE], &bInvite) ||
      key_options_read(ctx, &aOpt[OPT_GUEST_SEND], &key)) {
    goto fail;
  }
  if (aOpt[OPT_GUEST_DAYS].pValue) {
    nDays = sqlite3_value_int64(aOpt[OPT_GUEST_DAYS].pValue);
    if (nDays < 1 || nDays > GUEST_DAYS_MAX) {
      invite_errorf(ctx, SQLITE_MISMATCH, "option 'days' must be from 1 to %d, got %lld",
                    GUEST_DAYS_MAX, nDays);
      goto fail;
    }
  }
  if (guest_list_parse(ctx, zList, nList, &list)) goto fail;

  if (invite_verb_begin(ctx, &tx)) goto fail;
  char zNow[20], zExpires[20];
  if (guest_context(ctx, iBusiness, &nDays, zNow, zExpires, &zBase)) goto fail;
  int bInviter = invite_lookup(ctx, SQL_GUEST_INVITER, iInviter, "user", 0, 0);
  if (bInviter < 0) goto fail;
  if (!bInviter) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown inviter: no user %lld", iInviter);
    goto fail;
  }

  pOut = sqlite3_str_new(db);
  sqlite3_str_appendchar(pOut, 1, '[');
  for (int i = 0; i < list.n; i++) {
    /* An existing user is bound by id, with the address as stored. */
    char *zEmail = list.aEmail[i];
    sqlite3_int64 iUser = 0;
    sqlite3_stmt *p = invite_stmt(ctx, SQL_GUEST_USER);
    if (p == 0) goto fail;
    sqlite3_bind_text(p, 1, zEmail, -1, SQLITE_STATIC);
    if (sqlite3_step(p) == SQLITE_ROW) {
      iUser = sqlite3_column_int64(p, 0);
      sqlite3_snprintf(EMAILS_MAX_ADDRESS + 1, zEmail, "%s", sqlite3_column_text(p, 1));
    }
    sqlite3_reset(p);
    p = invite_key_insert(ctx, SQL_INSERT_GUEST_INVITE, zKey, aHash, iInviter, iUser, zEmail);
    if (p == 0) goto fail;
    sqlite3_bind_int64(p, 5, iBusiness);
    sqlite3_bind_int(p, 6, bManager);
    sqlite3_bind_int(p, 7, bInvite);
    sqlite3_bind_int64(p, 8, nDays);
    sqlite3_bind_text(p, 9, zNow, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 10, zExpires, -1, SQLITE_STATIC);
    if (sqlite3_step(p) != SQLITE_DONE) {
      sqlite3_reset(p);
      guest_invite_refused(ctx, zEmail, iBusiness, iInviter);
      goto fail;
    }
    sqlite3_reset(p);
    sqlite3_int64 iInvite = sqlite3_last_insert_rowid(db);
    zLink = invite_url(zBase, zKey);
    if (zLink == 0) {
      sqlite3_result_error_nomem(ctx);
      goto fail;
    }
    if (key_options_store(ctx, &key, iInvite) ||
        (key.bSendEmail &&
         outbox_enqueue_invite(ctx, invite_kind_guest.zTemplate, iInvite, zKey, zLink))) {
      goto fail;
    }
    guest_result_item(pOut, zEmail, iInvite, zKey, zLink, zExpires);
    sodium_memzero(zLink, strlen(zLink));
    sqlite3_free(zLink);
    zLink = 0;
    sodium_memzero(zKey, sizeof zKey);
  }
  sqlite3_str_appendchar(pOut, 1, ']');
  if (invite_verb_end(ctx, &tx, 1)) goto fail;
  json_result(ctx, pOut); /* wipes the keys when SQLite frees the result */
  pOut = 0;
  goto done;
fail:
  invite_verb_end(ctx, &tx, 0);
  if (pOut) guest_str_discard(pOut);
done:
  if (zLink) sodium_memzero(zLink, strlen(zLink));
  sqlite3_free(zLink);
  sodium_memzero(zKey, sizeof zKey);
  sodium_memzero(aHash, sizeof aHash);
  sqlite3_free(list.aEmail);
  sqlite3_free(zBase);
  json_options_free(aOpt, OPT_GUEST_COUNT);
}

/* ---- one guest access, read for renew/remove/leave/switch ---- */

typedef struct GuestRow {
  sqlite3_int64 id;
  char zExpires[20], zEnded[20], zNow[20], zRenewed[20], zNewExpiry[20];
  char zReason[8];
  int bEnded, bExpired;
} GuestRow;

#define GUEST_ROW_COLUMNS                                                                          \
  "g.id, g.expires_at, g.ended_at, g.end_reason, g.renewed_at, t.now,"                             \
  " datetime(t.now, '+' || g.access_days || ' days')"

static const char SQL_GUEST_BY_ID[] =
    "SELECT " GUEST_ROW_COLUMNS " FROM $S.guests g, $S.invite_now t WHERE g.id = ?1";
/* The latest access of a user to a business: the one that counts. */
static const char SQL_GUEST_LATEST[] =
    "SELECT " GUEST_ROW_COLUMNS " FROM $S.guests g, $S.invite_now t"
    " WHERE g.user_id = ?1 AND g.business_id = ?2 ORDER BY g.id DESC LIMIT 1";

static void guest_copy(char *zOut, int nOut, sqlite3_stmt *p, int i) {
  const char *z = (const char *)sqlite3_column_text(p, i);
  sqlite3_snprintf(nOut, zOut, "%s", z ? z : "");
}

/* 1 when found, 0 when not, -1 on error (set). */
static int guest_read(sqlite3_context *ctx, const char *zSql, sqlite3_int64 a, sqlite3_int64 b,
                      GuestRow *r) {
  sqlite3_stmt *p = invite_stmt(ctx, zSql);
  if (p == 0) return -1;
  sqlite3_bind_int64(p, 1, a);
  if (zSql == SQL_GUEST_LATEST) sqlite3_bind_int64(p, 2, b);
  int rc = sqlite3_step(p);
  if (rc == SQLITE_ROW) {
    r->id = sqlite3_column_int64(p, 0);
    guest_copy(r->zExpires, sizeof r->zExpires, p, 1);
    guest_copy(r->zEnded, sizeof r->zEnded, p, 2);
    guest_copy(r->zReason, sizeof r->zReason, p, 3);
    guest_copy(r->zRenewed, sizeof r->zRenewed, p, 4);
    guest_copy(r->zNow, sizeof r->zNow, p, 5);
    guest_copy(r->zNewExpiry, sizeof r->zNewExpiry, p, 6);
    r->bEnded = r->zEnded[0] != 0;
    r->bExpired = !r->bEnded && strcmp(r->zExpires, r->zNow) <= 0;
  }
  sqlite3_reset(p);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  invite_error_db(ctx, "cannot read guests");
  return -1;
}

/* The start of guest_renew and guest_remove: reads the guest of argument 1
** inside the verb's transaction, refusing an unknown or ended one; non-zero
** with the error set and the transaction closed. */
static int guest_verb_open(sqlite3_context *ctx, sqlite3_value **argv, InviteTx *pTx, GuestRow *r) {
  sqlite3_int64 iGuest;
  if (invite_arg_id(ctx, argv, 0, "guest", &iGuest)) return 1;
  if (invite_verb_begin(ctx, pTx)) return 1;
  int rc = guest_read(ctx, SQL_GUEST_BY_ID, iGuest, 0, r);
  if (rc == 0) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown guest %lld", iGuest);
  } else if (rc > 0 && r->bEnded) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "access of guest %lld already ended on %s UTC (%s)",
                  iGuest, r->zEnded, r->zReason);
  } else if (rc > 0) {
    return 0;
  }
  invite_verb_end(ctx, pTx, 0);
  return 1;
}

static const char SQL_GUEST_END[] =
    "UPDATE $S.guests SET ended_at = ?2, end_reason = ?3 WHERE id = ?1";

static int guest_end(sqlite3_context *ctx, const GuestRow *r, const char *zReason) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_GUEST_END);
  if (p == 0) return 1;
  sqlite3_bind_int64(p, 1, r->id);
  sqlite3_bind_text(p, 2, r->zNow, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 3, zReason, -1, SQLITE_STATIC);
  int rc = sqlite3_step(p);
  sqlite3_reset(p);
  if (rc != SQLITE_DONE) {
    guest_refused(ctx, "guests");
    return 1;
  }
  return 0;
}

/* ---- guest_renew(guest) ---- */

static const char SQL_GUEST_RENEW[] = "UPDATE $S.guests SET expires_at = ?2, renewed_at = ?3,"
                                      "       renewals = renewals + 1 WHERE id = ?1";

void guest_renew_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  InviteTx tx = {0, 0};
  GuestRow r;
  if (guest_verb_open(ctx, argv, &tx, &r)) return;
  if (r.bExpired) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "access of guest %lld expired on %s UTC: the guest must be re-invited", r.id,
                  r.zExpires);
    goto fail;
  }
  /* Renewed already at this instant (a SELECT meeting the row twice): the
  ** period is the same, so nothing changes. */
  if (strcmp(r.zRenewed, r.zNow) != 0) {
    sqlite3_stmt *p = invite_stmt(ctx, SQL_GUEST_RENEW);
    if (p == 0) goto fail;
    sqlite3_bind_int64(p, 1, r.id);
    sqlite3_bind_text(p, 2, r.zNewExpiry, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, r.zNow, -1, SQLITE_STATIC);
    int rc = sqlite3_step(p);
    sqlite3_reset(p);
    if (rc != SQLITE_DONE) {
      guest_refused(ctx, "guests");
      goto fail;
    }
  } else {
    memcpy(r.zNewExpiry, r.zExpires, sizeof r.zNewExpiry);
  }
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_text(ctx, r.zNewExpiry, -1, SQLITE_TRANSIENT);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}

/* ---- guest_remove(guest) ---- */

void guest_remove_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  InviteTx tx = {0, 0};
  GuestRow r;
  if (guest_verb_open(ctx, argv, &tx, &r)) return;
  if (guest_end(ctx, &r, "removed")) goto fail;
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int(ctx, 1);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}

/* ---- guest_leave(user, business) ---- */

void guest_leave_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  sqlite3_int64 iUser, iBusiness;
  InviteTx tx = {0, 0};
  GuestRow r;
  if (invite_arg_id(ctx, argv, 0, "user", &iUser)) return;
  if (invite_arg_id(ctx, argv, 1, "business", &iBusiness)) return;
  if (invite_verb_begin(ctx, &tx)) return;
  int rc = guest_read(ctx, SQL_GUEST_LATEST, iUser, iBusiness, &r);
  if (rc < 0) goto fail;
  if (rc == 0) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "user %lld is not a guest of business %lld", iUser,
                  iBusiness);
    goto fail;
  }
  if (r.bEnded) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "guest access of user %lld to business %lld already ended on %s UTC (%s)", iUser,
                  iBusiness, r.zEnded, r.zReason);
    goto fail;
  }
  if (guest_end(ctx, &r, "left")) goto fail;
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int(ctx, 1);
  return;
fail:
  invite_verb_end(ctx, &tx, 0);
}

/* ---- guest_switch(user, business) ---- */

static const char SQL_GUEST_SWITCH[] =
    "INSERT INTO $S.guest_current(user_id, business_id, switched_at)"
    " VALUES(?1, ?2, (SELECT now FROM $S.invite_now))"
    " ON CONFLICT(user_id) DO UPDATE SET business_id = excluded.business_id,"
    "   switched_at = excluded.switched_at";
static const char SQL_GUEST_EXISTS_USER[] = "SELECT 1 FROM $S.users WHERE id = ?1";
static const char SQL_GUEST_EXISTS_BUSINESS[] = "SELECT 1 FROM $S.businesses WHERE id = ?1";

/* Non-zero, with the error set, unless row id of zSql exists. */
static int guest_exists(sqlite3_context *ctx, const char *zSql, sqlite3_int64 id,
                        const char *zWhat) {
  int rc = invite_lookup(ctx, zSql, id, zWhat, 0, 0);
  if (rc == 0) invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown %s %lld", zWhat, id);
  return rc != 1;
}

void guest_switch_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  sqlite3_int64 iUser, iBusiness;
  InviteTx tx = {0, 0};
  GuestRow r;
  if (invite_arg_id(ctx, argv, 0, "user", &iUser)) return;
  if (invite_arg_id(ctx, argv, 1, "business", &iBusiness)) return;
  if (invite_verb_begin(ctx, &tx)) return;
  if (guest_exists(ctx, SQL_GUEST_EXISTS_USER, iUser, "user") ||
      guest_exists(ctx, SQL_GUEST_EXISTS_BUSINESS, iBusiness, "business")) {
    goto fail;
  }
  sqlite3_stmt *p = invite_stmt(ctx, SQL_GUEST_SWITCH);
  if (p == 0) goto fail;
  sqlite3_bind_int64(p, 1, iUser);
  sqlite3_bind_int64(p, 2, iBusiness);
  int rc = sqlite3_step(p);
  sqlite3_reset(p);
  if (rc == SQLITE_DONE) {
    if (invite_verb_end(ctx, &tx, 1)) return;
    sqlite3_result_int(ctx, 1);
    return;
  }
  if ((sqlite3_extended_errcode(sqlite3_context_db_handle(ctx)) & 0xff) != SQLITE_CONSTRAINT) {
    guest_refused(ctx, "guest_current");
    goto fail;
  }
  /* Refused: say why, from the user's last guest access there, if any. */
  int bFound = guest_read(ctx, SQL_GUEST_LATEST, iUser, iBusiness, &r);
  if (bFound < 0) goto fail;
  if (bFound && r.bEnded) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "guest access of user %lld to business %lld ended on %s UTC (%s)", iUser,
                  iBusiness, r.zEnded, r.zReason);
  } else if (bFound && r.bExpired) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "guest access of user %lld to business %lld expired on %s UTC: "
                  "the guest must be re-invited",
                  iUser, iBusiness, r.zExpires);
  } else {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "user %lld has no access to business %lld (not an account "
                  "manager, member or guest of it)",
                  iUser, iBusiness);
  }
fail:
  invite_verb_end(ctx, &tx, 0);
}

/* ---- invite_notify_expiring() ---- */

/* Guests in the expiring-soon window without a notice for this period,
** with what the email needs. */
static const char SQL_NOTIFY_DUE[] =
    "SELECT guest_id, expires_at, business_id, business, email, first_name,"
    "       last_name, days_left"
    "  FROM $S.guest_expiring WHERE notified_at IS NULL ORDER BY guest_id";
static const char SQL_NOTIFY_RECORD[] =
    "INSERT INTO $S.guest_notices(guest_id, expires_at, notified_at)"
    " VALUES(?1, ?2, ?3)";

void invite_notify_expiring_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  InviteTx tx = {0, 0};
  sqlite3_stmt *pDue = 0;
  int nSent = 0, rc;
  char zNow[20];
  if (invite_verb_begin(ctx, &tx)) return;
  if (invite_now(ctx, zNow)) goto fail;
  pDue = invite_stmt(ctx, SQL_NOTIFY_DUE);
  if (pDue == 0) goto fail;
  /* Each insert adds the notice of the row just read; the SELECT's other
  ** rows are other guests, so none is skipped or met twice. */
  while ((rc = sqlite3_step(pDue)) == SQLITE_ROW) {
    sqlite3_stmt *p = invite_stmt(ctx, SQL_NOTIFY_RECORD);
    if (p == 0) goto fail;
    sqlite3_bind_value(p, 1, sqlite3_column_value(pDue, 0));
    sqlite3_bind_value(p, 2, sqlite3_column_value(pDue, 1));
    sqlite3_bind_text(p, 3, zNow, -1, SQLITE_STATIC);
    int rcInsert = sqlite3_step(p);
    sqlite3_reset(p);
    if (rcInsert != SQLITE_DONE) {
      guest_refused(ctx, "guest_notices");
      goto fail;
    }
    char *zName = sqlite3_mprintf(
        "%s%s%s", sqlite3_column_text(pDue, 5) ? (const char *)sqlite3_column_text(pDue, 5) : "",
        sqlite3_column_text(pDue, 5) && sqlite3_column_text(pDue, 6) ? " " : "",
        sqlite3_column_text(pDue, 6) ? (const char *)sqlite3_column_text(pDue, 6) : "");
    if (zName == 0) {
      sqlite3_result_error_nomem(ctx);
      goto fail;
    }
    OutboxMacro aMacro[] = {
        {"FIRST_NAME", (const char *)sqlite3_column_text(pDue, 5)},
        {"LAST_NAME", (const char *)sqlite3_column_text(pDue, 6)},
        {"USER_NAME", zName[0] ? zName : (const char *)sqlite3_column_text(pDue, 4)},
        {"EMAIL", (const char *)sqlite3_column_text(pDue, 4)},
        {"BUSINESS_NAME", (const char *)sqlite3_column_text(pDue, 3)},
        {"EXPIRES_AT", (const char *)sqlite3_column_text(pDue, 1)},
        {"DAYS_LEFT", (const char *)sqlite3_column_text(pDue, 7)},
    };
    rc = outbox_enqueue(ctx, "expiring_soon", sqlite3_column_int64(pDue, 2), 0,
                        (const char *)sqlite3_column_text(pDue, 4), zName, aMacro,
                        (int)(sizeof aMacro / sizeof aMacro[0]), 0);
    sqlite3_free(zName);
    if (rc) goto fail;
    nSent++;
  }
  invite_verb_end_rows(ctx, &tx, pDue, rc, "guest_expiring", nSent);
  return;
fail:
  if (pDue) sqlite3_reset(pDue);
  invite_verb_end(ctx, &tx, 0);
}

/* ---- the guest kind (kinds.h) ---- */

static const char SQL_GUEST_REDEEMED[] =
    "SELECT i.business_id, i.metadata, g.id, g.expires_at"
    "  FROM $S.invites i LEFT JOIN $S.guests g ON g.invite_id = i.id"
    " WHERE i.id = ?1";
static const char *const azGuestRedeemed[] = {"guest_id", "access_expires_at", 0};
static const char *const azGuestRefused[] = {"invites: ", 0};

static int guest_mail(sqlite3_context *ctx, const InviteMailRow *pRow, InviteMail *pMail) {
  (void)ctx;
  return invite_mail_person(pRow, pMail, "Guest");
}

const InviteKind invite_kind_guest = {
    .zName = "guest",
    .zTemplate = "guest_invite",
    .zRedeemed = SQL_GUEST_REDEEMED,
    .azRedeemed = azGuestRedeemed,
    .azRefused = azGuestRefused,
    .xExplain = guest_explain,
    .xMail = guest_mail,
};
