/*
** outbox.c — renders a template into the outbox, in the caller's
** transaction: outbox_enqueue() and outbox_enqueue_invite() (invite.h).
**
**   -- invite_create() ends with, before its commit:
**   outbox_enqueue_invite(ctx, invite_kind_member.zTemplate, iInvite, zKey, zUrl);
**   -- then, for any client:
**   SELECT recipient, subject, body FROM outbox_pending;
**
** The template is the business's row of the kind, else the built-in default
** (business_id NULL). Every known macro is defined on every email: those the
** caller does not give expand to "" (a template may use any known macro, the
** templates trigger has checked the names). The key is stored once more in
** outbox.secret so the outbox_scrub trigger can remove it from the body as
** soon as the email is sent. Buffers that held the key are wiped.
**
** Errors carry the calling verb's name: "invite_create: cannot queue the
** email: outbox: invalid recipient address". The verb then rolls back, so
** an invite never exists without its email.
*/
#include "kinds.h"

#include <sodium.h>
#include <string.h>

/* The business's template of the kind first, then the default: two lookups
** of the unique index on (kind, ifnull(business_id, 0)). (An IN list with
** ORDER BY ... LIMIT 1 ran a sorter on every email.) */
static const char SQL_TEMPLATE[] =
    "SELECT subject, body FROM $S.templates WHERE id = coalesce("
    " (SELECT id FROM $S.templates WHERE kind = ?1 AND ifnull(business_id, 0) = ?2),"
    " (SELECT id FROM $S.templates WHERE kind = ?1 AND ifnull(business_id, 0) = 0))";

/* Message-ID: random, fixed now, so a resent copy after a crash carries the
** same one. The domain is the mail_domain setting. VALUES, not INSERT ...
** SELECT FROM invite_now: into a table with triggers, SQLite first copies
** an INSERT's SELECT into a temporary table (measured +31k instructions). */
static const char SQL_OUTBOX_INSERT[] =
    "INSERT INTO $S.outbox(kind, invite_id, business_id, recipient,"
    "  recipient_name, subject, body, secret, message_id, next_attempt_at,"
    "  created_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
    "  '<' || lower(hex(randomblob(16))) || '@' || coalesce("
    "    (SELECT value FROM $S.invite_settings"
    "      WHERE business_id = ?3 AND name = 'mail_domain'),"
    "    (SELECT value FROM $S.settings"
    "      WHERE business_id IS NULL AND name = 'mail_domain'),"
    "    (SELECT value FROM $S.invite_setting_defs WHERE name = 'mail_domain'))"
    "  || '>', (SELECT now FROM $S.invite_now), (SELECT now FROM $S.invite_now))";

static void wipe_free(char *z, size_t n) {
  if (z) {
    sodium_memzero(z, n);
    sqlite3_free(z);
  }
}

int outbox_enqueue(sqlite3_context *ctx, const char *zKind, sqlite3_int64 iBusiness,
                   sqlite3_int64 iInvite, const char *zTo, const char *zToName,
                   const OutboxMacro *aMacro, int nMacro, const char *zSecret) {
  MacroValue aVal[32];
  char *zSubject = 0, *zBody = 0;
  size_t nSubject = 0, nBody = 0;
  int rc = SQLITE_ERROR;

  /* The known macros, all "", then the caller's values: still sorted. */
  if (macro_known_count > sizeof aVal / sizeof aVal[0]) {
    invite_errorf(ctx, SQLITE_INTERNAL, "too many macros");
    return SQLITE_INTERNAL;
  }
  memcpy(aVal, macro_known, macro_known_count * sizeof aVal[0]);
  for (int i = 0; i < nMacro; i++) {
    size_t nName = strlen(aMacro[i].zName), j;
    for (j = 0; j < macro_known_count; j++) {
      if (aVal[j].nName == nName && memcmp(aVal[j].zName, aMacro[i].zName, nName) == 0) {
        break;
      }
    }
    if (j == macro_known_count) {
      invite_errorf(ctx, SQLITE_INTERNAL, "cannot queue the email: unknown macro %%%s%%",
                    aMacro[i].zName);
      return SQLITE_INTERNAL;
    }
    aVal[j].zValue = aMacro[i].zValue ? aMacro[i].zValue : "";
    aVal[j].nValue = strlen(aVal[j].zValue);
  }

  sqlite3_stmt *p = invite_stmt(ctx, SQL_TEMPLATE);
  if (p == 0) return SQLITE_ERROR;
  sqlite3_bind_text(p, 1, zKind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(p, 2, iBusiness);
  int rcStep = sqlite3_step(p);
  if (rcStep != SQLITE_ROW) {
    sqlite3_reset(p);
    if (rcStep == SQLITE_DONE) {
      invite_errorf(ctx, SQLITE_ERROR, "cannot queue the email: no template of kind '%q'", zKind);
    } else {
      invite_error_db(ctx, "cannot read the template");
    }
    return rcStep == SQLITE_DONE ? SQLITE_ERROR : rcStep;
  }
  /* Rendered while the row is current; the template text is not copied. */
  char *zWhat = sqlite3_mprintf("template %s: subject: ", zKind);
  if (zWhat) {
    zSubject = macro_render(ctx, zWhat, (const char *)sqlite3_column_text(p, 0),
                            (size_t)sqlite3_column_bytes(p, 0), aVal, macro_known_count, &nSubject);
    sqlite3_free(zWhat);
  } else {
    sqlite3_result_error_nomem(ctx);
  }
  zWhat = zSubject ? sqlite3_mprintf("template %s: body: ", zKind) : 0;
  if (zWhat) {
    zBody = macro_render(ctx, zWhat, (const char *)sqlite3_column_text(p, 1),
                         (size_t)sqlite3_column_bytes(p, 1), aVal, macro_known_count, &nBody);
    sqlite3_free(zWhat);
  } else if (zSubject) {
    sqlite3_result_error_nomem(ctx);
  }
  sqlite3_reset(p);
  if (zBody == 0) goto done;

  p = invite_stmt(ctx, SQL_OUTBOX_INSERT);
  if (p == 0) goto done;
  sqlite3_bind_text(p, 1, zKind, -1, SQLITE_STATIC);
  if (iInvite) sqlite3_bind_int64(p, 2, iInvite);
  if (iBusiness) sqlite3_bind_int64(p, 3, iBusiness);
  sqlite3_bind_text(p, 4, zTo, -1, SQLITE_STATIC);
  if (zToName && zToName[0]) sqlite3_bind_text(p, 5, zToName, -1, SQLITE_STATIC);
  sqlite3_bind_text64(p, 6, zSubject, nSubject, SQLITE_STATIC, SQLITE_UTF8);
  sqlite3_bind_text64(p, 7, zBody, nBody, SQLITE_STATIC, SQLITE_UTF8);
  /* Only a key the body shows needs scrubbing. */
  if (zSecret && zSecret[0] && strstr(zBody, zSecret)) {
    sqlite3_bind_text(p, 8, zSecret, -1, SQLITE_STATIC);
  }
  rc = invite_stmt_done(ctx, p, "cannot queue the email");
  sqlite3_clear_bindings(p); /* no pointer to the key outlives this call */

done:
  wipe_free(zSubject, nSubject);
  wipe_free(zBody, nBody);
  return rc;
}

/* Everything the macros need, in one read. */
static const char SQL_INVITE_MACROS[] =
    "SELECT i.kind, i.business_id, i.email,"
    "       coalesce(u.first_name, i.first_name), coalesce(u.last_name, i.last_name),"
    "       i.display_name, v.first_name, v.last_name, v.email,"
    "       b.name, a.name, r.name, i.expires_at, i.comments,"
    "       max(0, CAST(julianday(i.expires_at) - julianday(t.now) AS INTEGER)),"
    "       i.profile_id, i.session_id"
    "  FROM $S.invites i JOIN $S.invite_now t"
    "  LEFT JOIN $S.users u ON u.id = i.user_id"
    "  LEFT JOIN $S.users v ON v.id = i.inviter_id"
    "  LEFT JOIN $S.businesses b ON b.id = i.business_id"
    "  LEFT JOIN $S.subscriptions s ON s.id = i.subscription_id"
    "  LEFT JOIN $S.apps a ON a.id = s.app_id"
    "  LEFT JOIN $S.roles r ON r.id = i.role_id"
    " WHERE i.id = ?1";

enum {
  IM_KIND,
  IM_BUSINESS,
  IM_EMAIL,
  IM_FIRST,
  IM_LAST,
  IM_DISPLAY,
  IM_INV_FIRST,
  IM_INV_LAST,
  IM_INV_EMAIL,
  IM_BUSINESS_NAME,
  IM_APP,
  IM_ROLE,
  IM_EXPIRES,
  IM_COMMENTS,
  IM_DAYS_LEFT,
  IM_PROFILE,
  IM_SESSION
};

/* "First Last", or whichever part exists; "" when neither. */
static char *full_name(const char *zFirst, const char *zLast) {
  if (zFirst && zFirst[0] && zLast && zLast[0]) {
    return sqlite3_mprintf("%s %s", zFirst, zLast);
  }
  return sqlite3_mprintf("%s", zFirst && zFirst[0] ? zFirst : zLast ? zLast : "");
}

static const char *col_text(sqlite3_stmt *p, int i) {
  const char *z = (const char *)sqlite3_column_text(p, i);
  return z ? z : "";
}

int invite_mail_person(const InviteMailRow *pRow, InviteMail *pMail, const char *zRole) {
  pMail->zFirst = sqlite3_mprintf("%s", pRow->zFirst);
  pMail->zLast = sqlite3_mprintf("%s", pRow->zLast);
  pMail->zRole = sqlite3_mprintf("%s", zRole);
  pMail->zApp = sqlite3_mprintf("%s", pRow->zApp);
  return SQLITE_OK;
}

int outbox_enqueue_invite(sqlite3_context *ctx, const char *zKind, sqlite3_int64 iInvite,
                          const char *zKey, const char *zUrl) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_INVITE_MACROS);
  if (p == 0) return SQLITE_ERROR;
  sqlite3_bind_int64(p, 1, iInvite);
  int rc = sqlite3_step(p);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(p);
    if (rc == SQLITE_DONE) {
      invite_errorf(ctx, SQLITE_ERROR, "cannot queue the email: no invite %lld", iInvite);
      return SQLITE_ERROR;
    }
    invite_error_db(ctx, "cannot read invite %lld", iInvite);
    return rc;
  }
  if (sqlite3_column_type(p, IM_EMAIL) == SQLITE_NULL) {
    sqlite3_reset(p); /* a session invite without an address: nobody to tell */
    return SQLITE_OK;
  }
  const InviteKind *pKind = invite_kind(col_text(p, IM_KIND));
  if (pKind == 0) {
    sqlite3_reset(p);
    invite_errorf(ctx, SQLITE_CORRUPT, "cannot queue the email: invite %lld is of no known kind",
                  iInvite);
    return SQLITE_CORRUPT;
  }
  sqlite3_int64 iBusiness = sqlite3_column_int64(p, IM_BUSINESS);
  InviteMailRow row = {iInvite,
                       sqlite3_column_int64(p, IM_PROFILE),
                       sqlite3_column_int64(p, IM_SESSION),
                       col_text(p, IM_FIRST),
                       col_text(p, IM_LAST),
                       col_text(p, IM_DISPLAY),
                       col_text(p, IM_ROLE),
                       col_text(p, IM_APP)};
  InviteMail mail = {0, 0, 0, 0};
  char *zUser = 0, *zInviter = 0;
  /* The names, role and app as the kind gives them (kinds.h). */
  rc = pKind->xMail(ctx, &row, &mail);
  if (rc != SQLITE_OK) goto done;
  zUser = full_name(mail.zFirst, mail.zLast);
  zInviter = full_name((const char *)sqlite3_column_text(p, IM_INV_FIRST),
                       (const char *)sqlite3_column_text(p, IM_INV_LAST));
  if (zInviter && zInviter[0] == 0) {
    sqlite3_free(zInviter);
    zInviter = sqlite3_mprintf("%s", col_text(p, IM_INV_EMAIL));
  }
  if (!mail.zFirst || !mail.zLast || !mail.zRole || !mail.zApp || !zUser || !zInviter) {
    sqlite3_result_error_nomem(ctx);
    rc = SQLITE_NOMEM;
    goto done;
  }
  const char *zEmail = col_text(p, IM_EMAIL);
  OutboxMacro aMacro[] = {
      {"USER_NAME", zUser[0] ? zUser : zEmail},
      {"FIRST_NAME", mail.zFirst},
      {"LAST_NAME", mail.zLast},
      {"EMAIL", zEmail},
      {"INVITER_NAME", zInviter},
      {"BUSINESS_NAME", col_text(p, IM_BUSINESS_NAME)},
      {"APP_NAME", mail.zApp},
      {"ROLE_NAME", mail.zRole},
      {"EXPIRES_AT", col_text(p, IM_EXPIRES)},
      {"COMMENTS", col_text(p, IM_COMMENTS)},
      {"DAYS_LEFT", col_text(p, IM_DAYS_LEFT)},
      {"SESSION_KEY", zKey},
      {"SESSION_KEY_URL", zUrl},
  };
  rc = outbox_enqueue(ctx, zKind, iBusiness, iInvite, zEmail, zUser, aMacro,
                      (int)(sizeof aMacro / sizeof aMacro[0]), zKey);
done:
  sqlite3_reset(p);
  sqlite3_free(mail.zFirst);
  sqlite3_free(mail.zLast);
  sqlite3_free(mail.zRole);
  sqlite3_free(mail.zApp);
  sqlite3_free(zUser);
  sqlite3_free(zInviter);
  return rc;
}
