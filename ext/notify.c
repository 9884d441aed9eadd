/*
** notify.c — invite_notify_pending(): one reminder per pending invitation
** before its key expires (sql/email.sql).
**
**   SELECT invite_notify_pending();   -- reminders queued now
**   -- 2
**   SELECT invite_notify_pending();   -- again: nothing new
**   -- 0
**
** For each row of invite_reminders_due (pending member and guest invites
** whose key expires within the business's reminder_days_before, last sent
** before that window opened, not yet reminded for this expiry) it records
** the reminder in invite_reminders and queues the 'reminder' email to the
** invite's address, in one transaction: both or neither. The reminder shows
** no key (only its hash is stored); it points to the invitation email. The
** unique (invite_id, expires_at) of invite_reminders makes it once per key
** period; a resend starts a new period. Declined, revoked and redeemed
** invites are not pending, so never reminded.
**
** The 'accepted' email needs no verb: the invites_notify_inviter trigger
** queues it on any redemption when notify_inviter_on_accept is 1.
*/
#include "invite.h"

#include "verbs.h"

static const char SQL_REMINDERS_DUE[] =
    "SELECT invite_id, expires_at FROM $S.invite_reminders_due ORDER BY invite_id";
static const char SQL_REMINDER_RECORD[] =
    "INSERT INTO $S.invite_reminders(invite_id, expires_at, sent_at)"
    " VALUES(?1, ?2, (SELECT now FROM $S.invite_now))";

void invite_notify_pending_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  InviteTx tx = {0, 0};
  sqlite3_stmt *pDue = 0;
  int nSent = 0, rc;
  if (invite_verb_begin(ctx, &tx)) return;
  pDue = invite_stmt(ctx, SQL_REMINDERS_DUE);
  if (pDue == 0) goto fail;
  /* Each insert adds the reminder of the row just read, which leaves the
  ** view; the SELECT's other rows are other invites. */
  while ((rc = sqlite3_step(pDue)) == SQLITE_ROW) {
    sqlite3_int64 iInvite = sqlite3_column_int64(pDue, 0);
    sqlite3_stmt *p = invite_stmt(ctx, SQL_REMINDER_RECORD);
    if (p == 0) goto fail;
    sqlite3_bind_int64(p, 1, iInvite);
    sqlite3_bind_value(p, 2, sqlite3_column_value(pDue, 1));
    if (invite_stmt_done(ctx, p, "cannot record the reminder")) goto fail;
    if (outbox_enqueue_invite(ctx, "reminder", iInvite, 0, 0)) goto fail;
    nSent++;
  }
  invite_verb_end_rows(ctx, &tx, pDue, rc, "invite_reminders_due", nSent);
  return;
fail:
  if (pDue) sqlite3_reset(pDue);
  invite_verb_end(ctx, &tx, 0);
}
