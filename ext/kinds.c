/*
** kinds.c — the table of invite kinds (kinds.h) and the parts every kind
** shares through it: finding a kind by name, explaining a refusal by the
** kind's rules, the names of an email addressed to a person.
*/
#include "kinds.h"

#include <string.h>

#define INVITE_KIND_ENTRY(k) &invite_kind_##k,
static const InviteKind *const aKind[] = {INVITE_KINDS(INVITE_KIND_ENTRY)};
#undef INVITE_KIND_ENTRY

const InviteKind *invite_kind(const char *zName) {
  for (size_t i = 0; zName && i < sizeof aKind / sizeof aKind[0]; i++) {
    if (strcmp(aKind[i]->zName, zName) == 0) return aKind[i];
  }
  return 0;
}

const char *invite_explain(sqlite3_context *ctx, const InviteKind *pKind,
                           const InviteAsk *pAsk) {
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

int invite_mail_person(const InviteMailRow *pRow, InviteMail *pMail, const char *zRole) {
  pMail->zFirst = sqlite3_mprintf("%s", pRow->zFirst);
  pMail->zLast = sqlite3_mprintf("%s", pRow->zLast);
  pMail->zRole = sqlite3_mprintf("%s", zRole);
  pMail->zApp = sqlite3_mprintf("%s", pRow->zApp);
  return SQLITE_OK;
}
