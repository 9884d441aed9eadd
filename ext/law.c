/*
** law.c — what keeps the law itself whole.
**
**   invite_law_writer()   called by the triggers of the bookkeeping tables
**                         (invite_old_keys, invite_rate): a connection that
**                         has not loaded the extension has no such function,
**                         so it cannot write them at all.
*/
#include "invite.h"

#include "verbs.h"

void invite_law_writer_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  sqlite3_result_int(ctx, 1);
}
