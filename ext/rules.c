/*
** rules.c — the rules the triggers name, and what the verbs make of them.
**
** A trigger refusal the verbs explain ends in its rule's name:
**
**   RAISE(ABORT, 'invites: seat limit reached [invites.seat_limit]')
**
** The verbs read that name, never the prose before it: a reworded message
** keeps its explanation and its audit event. A refusal without a name is
** passed through as it is. tests/sql/031_rules.sh checks that every name in
** the files of sql/ is in aRule and every entry of aRule is raised somewhere.
** invite_explain() is the part of explaining a refusal every kind of invite
** shares; the kind adds its details (InviteKind.xExplain, kinds.h).
*/
#include "kinds.h"

#include <string.h>

static const InviteRule aRule[] = {
    /* One seat rule, raised where a seat is taken or reserved. */
    {"invites.seat_limit", RULE_SEAT_LIMIT, "seat_limit"},
    {"members.seat_limit", RULE_SEAT_LIMIT, "seat_limit"},
    {"session_members.seat_limit", RULE_SEAT_LIMIT, 0},
    {"invites.rate_limit", RULE_RATE_LIMIT, "rate_limit"},
    {"invites.pending_member_invite", RULE_PENDING_INVITE, 0},
    {"invites.pending_guest_invite", RULE_PENDING_INVITE, 0},
    {"invites.active_guest", RULE_ACTIVE_GUEST, 0},
    {"invites.role_app", RULE_ROLE_APP, 0},
    {"members.role_app", RULE_ROLE_APP, 0},
    {"invites.unknown_inviter", RULE_UNKNOWN_INVITER, 0},
    {"invites.inviter_may_not_invite", RULE_INVITER_MAY_NOT, 0},
    {"invites.guest_inviter", RULE_INVITER_MAY_NOT, 0},
    {"invites.guest_source", RULE_GUEST_SOURCE, 0},
    {"invites.session_present", RULE_SESSION_PRESENT, 0},
    {"session_members.unknown_user", RULE_UNKNOWN_USER, 0},
    {"invites.unknown_profile", RULE_UNKNOWN_PROFILE, 0},
    {"invites.profile_disabled", RULE_PROFILE_DISABLED, 0},
    {"session_members.profile_disabled", RULE_PROFILE_DISABLED, 0},
    {"invites.session_ended", RULE_SESSION_ENDED, 0},
    {"session_members.session_ended", RULE_SESSION_ENDED, 0},
};

static const InviteRule *rule_named(const char *z, size_t n) {
  for (size_t i = 0; i < sizeof aRule / sizeof aRule[0]; i++) {
    if (strlen(aRule[i].zName) == n && memcmp(aRule[i].zName, z, n) == 0) return &aRule[i];
  }
  return 0;
}

char *rule_refusal(sqlite3 *db, const char *const *azPrefix, const InviteRule **ppRule) {
  const char *z = invite_db_message(db);
  *ppRule = 0;
  for (; azPrefix && *azPrefix; azPrefix++) {
    size_t n = strlen(*azPrefix);
    if (strncmp(z, *azPrefix, n) == 0) {
      z += n;
      break;
    }
  }
  size_t n = strlen(z);
  /* "... [table.rule]": the name is the bracketed last word. */
  if (n > 2 && z[n - 1] == ']') {
    const char *zOpen = z + n - 1;
    while (zOpen > z && zOpen[-1] != '[' && zOpen[-1] != ' ') zOpen--;
    if (zOpen > z + 1 && zOpen[-1] == '[' && zOpen[-2] == ' ') {
      *ppRule = rule_named(zOpen, (size_t)(z + n - 1 - zOpen));
      if (*ppRule) n = (size_t)(zOpen - 2 - z);
    }
  }
  return sqlite3_mprintf("%.*s", (int)n, z);
}

const char *invite_explain(sqlite3_context *ctx, const InviteKind *pKind, const InviteAsk *pAsk) {
  const InviteRule *pRule;
  if (invite_not_a_rule(ctx)) return 0;
  char *zMsg = rule_refusal(sqlite3_context_db_handle(ctx), pKind->azRefused, &pRule);
  if (zMsg == 0) {
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  const char *zAudit = pRule ? pRule->zAudit : 0;
  if (pRule == 0 || !pKind->xExplain(ctx, pRule->eKind, pAsk)) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "%s", zMsg);
  }
  sqlite3_free(zMsg);
  return zAudit;
}
