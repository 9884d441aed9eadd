/*
** kinds.c — the table of invite kinds: each kind's InviteKind (kinds.h),
** defined in its verbs file, found by its name (an invites.kind value).
** Like the function table of entry.c, it is the one place that knows
** every kind; the parts the kinds share are below the verb files
** (invite_explain() in rules.c, invite_mail_person() in outbox.c).
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
