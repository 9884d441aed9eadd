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

/* The one explanation of a full subscription, for every verb that takes or
** reserves a seat (members, guests have none, external representatives). */
static const char SQL_SEATS_EXPLAIN[] =
    "SELECT b.name, a.name, u.plan, u.seats, u.members, u.externals, u.pending_invites"
    "  FROM $S.seat_usage u, $S.businesses b, $S.apps a"
    " WHERE u.subscription_id = ?1 AND b.id = u.business_id AND a.id = u.app_id";

int seats_explain(sqlite3_context *ctx, sqlite3_int64 iSub) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_SEATS_EXPLAIN);
  if (p == 0) return 1;
  sqlite3_bind_int64(p, 1, iSub);
  int bFound = sqlite3_step(p) == SQLITE_ROW;
  if (bFound) {
    invite_errorf(ctx, SQLITE_CONSTRAINT,
                  "seat limit reached: subscription %lld (%s, %s, plan '%s') "
                  "has %d seats: %d members, %d external representatives "
                  "and %d pending invites",
                  iSub, sqlite3_column_text(p, 0), sqlite3_column_text(p, 1),
                  sqlite3_column_text(p, 2), sqlite3_column_int(p, 3), sqlite3_column_int(p, 4),
                  sqlite3_column_int(p, 5), sqlite3_column_int(p, 6));
  }
  sqlite3_reset(p);
  return bFound;
}

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
