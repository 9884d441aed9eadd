/*
** seats.c — seat_available(subscription): seats left to give.
**
**   SELECT seat_available(1);   -- 3, or NULL when the subscription is unlimited
**
** Seats left = seats - members - pending seat-taking invites (and whatever
** else the seat_usage view counts as using or reserving a seat). The view is
** the one definition, shared with the triggers that enforce the limit.
*/
#include "invite.h"

static const char SQL_AVAILABLE[] =
    "SELECT seats, available FROM $S.seat_usage WHERE subscription_id = ?1";

void seat_available_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  sqlite3_int64 iSub;
  if (invite_arg_id(ctx, argv, 0, "subscription", &iSub)) return;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_AVAILABLE);
  if (p == 0) return;
  sqlite3_bind_int64(p, 1, iSub);
  int rc = sqlite3_step(p);
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_type(p, 0) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
    } else {
      sqlite3_result_int64(ctx, sqlite3_column_int64(p, 1));
    }
  } else if (rc == SQLITE_DONE) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "unknown subscription %lld", iSub);
  } else {
    invite_error_db(ctx, "cannot count seats");
  }
  sqlite3_reset(p);
}
