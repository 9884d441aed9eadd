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

int outbox_enqueue(sqlite3_context *ctx, const char *zKind,
                   sqlite3_int64 iBusiness, sqlite3_int64 iInvite,
                   const char *zTo, const char *zToName,
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
      invite_errorf(ctx, SQLITE_ERROR,
                    "cannot queue the email: no template of kind '%q'", zKind);
    } else {
      invite_error_db(ctx, "cannot read the template");
    }
    return rcStep == SQLITE_DONE ? SQLITE_ERROR : rcStep;
  }
  /* Rendered while the row is current; the template text is not copied. */
  char *zWhat = sqlite3_mprintf("template %s: subject: ", zKind);
  if (zWhat) {
    zSubject = macro_render(ctx, zWhat, (const char *)sqlite3_column_text(p, 0),
                            (size_t)sqlite3_column_bytes(p, 0), aVal,
                            macro_known_count, &nSubject);
    sqlite3_free(zWhat);
  } else {
    sqlite3_result_error_nomem(ctx);
  }
  zWhat = zSubject ? sqlite3_mprintf("template %s: body: ", zKind) : 0;
  if (zWhat) {
    zBody = macro_render(ctx, zWhat, (const char *)sqlite3_column_text(p, 1),
                         (size_t)sqlite3_column_bytes(p, 1), aVal,
                         macro_known_count, &nBody);
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
  IM_KIND, IM_BUSINESS, IM_EMAIL, IM_FIRST, IM_LAST, IM_DISPLAY, IM_INV_FIRST,
  IM_INV_LAST, IM_INV_EMAIL, IM_BUSINESS_NAME, IM_APP, IM_ROLE, IM_EXPIRES,
  IM_COMMENTS, IM_DAYS_LEFT, IM_PROFILE, IM_SESSION
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

int outbox_enqueue_invite(sqlite3_context *ctx, const char *zKind,
                          sqlite3_int64 iInvite, const char *zKey,
                          const char *zUrl) {
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
  InviteMailRow row = {iInvite, sqlite3_column_int64(p, IM_PROFILE),
                       sqlite3_column_int64(p, IM_SESSION), col_text(p, IM_FIRST),
                       col_text(p, IM_LAST), col_text(p, IM_DISPLAY), col_text(p, IM_ROLE),
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
  rc = outbox_enqueue(ctx, zKind, iBusiness, iInvite, zEmail, zUser,
                      aMacro, (int)(sizeof aMacro / sizeof aMacro[0]), zKey);
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

/* ---- invite_outbox_problem(): the law of a new outbox row, in C ----
**
**   SELECT invite_raise(invite_outbox_problem(NEW.kind, NEW.recipient,
**          NEW.recipient_name, NEW.subject, NEW.body, NEW.message_id,
**          NEW.secret, NEW.status, NEW.attempts, NEW.sent_at,
**          NEW.created_at, NEW.next_attempt_at));
**
** NULL when the row is well-formed, else the message of the first rule it
** breaks. The outbox_check_insert trigger runs on every queued email: one
** pure C call costs a fraction of the seven SQL statements it replaces
** (each GLOB, instr and datetime call is a VM function call). Pure and
** deterministic, so triggers may call it; a client without the extension
** cannot queue an email ("no such function"), which fails closed. */

enum {
  OB_KIND, OB_RECIPIENT, OB_RECIPIENT_NAME, OB_SUBJECT, OB_BODY, OB_MESSAGE_ID,
  OB_SECRET, OB_STATUS, OB_ATTEMPTS, OB_SENT_AT, OB_CREATED_AT,
  OB_NEXT_ATTEMPT_AT, OB_COUNT
};

static const char *value_text(sqlite3_value *v, int *pn) {
  const char *z = (const char *)sqlite3_value_text(v);
  *pn = z ? sqlite3_value_bytes(v) : 0;
  return z;
}

static int has_line_break(sqlite3_value *v) {
  int n;
  const char *z = sqlite3_value_type(v) == SQLITE_NULL ? 0 : value_text(v, &n);
  return z && (memchr(z, '\n', (size_t)n) || memchr(z, '\r', (size_t)n));
}

static int is_text_equal(sqlite3_value *v, const char *zWant) {
  return sqlite3_value_type(v) == SQLITE_TEXT &&
         strcmp((const char *)sqlite3_value_text(v), zWant) == 0;
}

/* 'x@y' with something on both sides of the first '@'. */
static int looks_like_address(const char *z, int n) {
  const char *zAt = memchr(z, '@', (size_t)n);
  return zAt && zAt > z && zAt < z + n - 1;
}

static int has_two_at(const char *z, int n) {
  const char *zAt = memchr(z, '@', (size_t)n);
  return zAt && memchr(zAt + 1, '@', (size_t)(z + n - zAt - 1)) != 0;
}

/* 'YYYY-MM-DD HH:MM:SS', a real date and time (what datetime() returns). */
static int is_timestamp(sqlite3_value *v) {
  static const unsigned char aDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (sqlite3_value_type(v) != SQLITE_TEXT || sqlite3_value_bytes(v) != 19) return 0;
  const char *z = (const char *)sqlite3_value_text(v);
  static const char zShape[] = "dddd-dd-dd dd:dd:dd";
  for (int i = 0; i < 19; i++) {
    if (zShape[i] == 'd' ? (z[i] < '0' || z[i] > '9') : z[i] != zShape[i]) return 0;
  }
#define TWO(i) ((z[i] - '0') * 10 + (z[i + 1] - '0'))
  int y = TWO(0) * 100 + TWO(2), mo = TWO(5), d = TWO(8);
  if (mo < 1 || mo > 12 || d < 1 || d > aDays[mo - 1]) return 0;
  if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 0;
  return TWO(11) < 24 && TWO(14) < 60 && TWO(17) < 60;
#undef TWO
}

void invite_outbox_problem_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  /* The "-- kinds: template" line of sql/email.sql (sql_kinds.h). */
#define KIND_NAME(k) #k,
  static const char *const azKind[] = {TEMPLATE_KINDS(KIND_NAME)};
#undef KIND_NAME
  const char *zProblem = 0;
  int bKind = 0;
  for (size_t i = 0; i < sizeof azKind / sizeof azKind[0]; i++) {
    bKind = bKind || is_text_equal(argv[OB_KIND], azKind[i]);
  }
  int n;
  const char *z;
  if (!bKind) {
    zProblem = "outbox: kind must be " TEMPLATE_KINDS_TEXT;
  } else if (has_line_break(argv[OB_RECIPIENT]) || has_line_break(argv[OB_RECIPIENT_NAME]) ||
             has_line_break(argv[OB_SUBJECT])) {
    zProblem = "outbox: recipient, recipient_name and subject cannot contain line breaks";
  } else if (sqlite3_value_type(argv[OB_RECIPIENT]) != SQLITE_TEXT ||
             (z = value_text(argv[OB_RECIPIENT], &n)) == 0 || !looks_like_address(z, n) ||
             strpbrk(z, " ,;<>()\"") || has_two_at(z, n)) {
    zProblem = "outbox: invalid recipient address";
  } else if (sqlite3_value_type(argv[OB_MESSAGE_ID]) != SQLITE_TEXT ||
             (z = value_text(argv[OB_MESSAGE_ID], &n)) == 0 || n < 2 || z[0] != '<' ||
             z[n - 1] != '>' || !looks_like_address(z + 1, n - 2) ||
             memchr(z + 1, ' ', (size_t)n - 2) || memchr(z + 1, '<', (size_t)n - 2) ||
             memchr(z + 1, '>', (size_t)n - 2)) {
    zProblem = "outbox: message_id must look like <local@domain>";
  } else if (!is_text_equal(argv[OB_STATUS], "queued") ||
             sqlite3_value_numeric_type(argv[OB_ATTEMPTS]) == SQLITE_NULL ||
             sqlite3_value_type(argv[OB_ATTEMPTS]) == SQLITE_TEXT ||
             sqlite3_value_double(argv[OB_ATTEMPTS]) != 0.0 ||
             sqlite3_value_type(argv[OB_SENT_AT]) != SQLITE_NULL) {
    zProblem = "outbox: a new email is queued, with no attempt and no sent_at";
  } else if (!is_timestamp(argv[OB_CREATED_AT]) || !is_timestamp(argv[OB_NEXT_ATTEMPT_AT])) {
    zProblem = "outbox: created_at and next_attempt_at must be timestamps";
  } else if (sqlite3_value_type(argv[OB_SECRET]) != SQLITE_NULL) {
    int nBody;
    const char *zBody = value_text(argv[OB_BODY], &nBody);
    z = value_text(argv[OB_SECRET], &n);
    if (sqlite3_value_type(argv[OB_SECRET]) != SQLITE_TEXT || n == 0 ||
        (zBody && strstr(zBody, z) == 0)) {
      zProblem = "outbox: the secret to scrub must appear in the body";
    }
  }
  if (zProblem) sqlite3_result_text(ctx, zProblem, -1, SQLITE_STATIC);
}
