/*
** outbox_law.c — invite_outbox_problem(): the law of a new outbox row, in
** C (apart from ext/outbox.c, which queues the emails that must pass it).
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
** cannot queue an email ("no such function"), which fails closed.
*/
#include "invite.h"
#include "sql_kinds.h"
#include "verbs.h"

#include <string.h>

enum {
  OB_KIND,
  OB_RECIPIENT,
  OB_RECIPIENT_NAME,
  OB_SUBJECT,
  OB_BODY,
  OB_MESSAGE_ID,
  OB_SECRET,
  OB_STATUS,
  OB_ATTEMPTS,
  OB_SENT_AT,
  OB_CREATED_AT,
  OB_NEXT_ATTEMPT_AT,
  OB_COUNT
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
