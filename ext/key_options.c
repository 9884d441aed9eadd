/*
** key_options.c — the options every key-making verb takes besides its own.
**
**   SELECT invite_create('ann@example.com', 1, 2, 3,
**     '{"first_name":"Ann","last_name":"Lee","send_email":false,
**       "metadata":{"campaign":"spring","return_to":"/projects/7"}}');
**
** "send_email": false returns the key and the URL and queues no email: the
** application delivers the invitation itself. "metadata" is a JSON object
** the application wants back (at most 4 KB), kept on the invite (column
** invites.metadata), returned by invite_peek and invite_redeem and shown
** in invite_status; no email carries it (there is no macro for it).
*/
#include "invite.h"

#include <string.h>

#define KEY_DAYS_MAX 365

int key_option_days(sqlite3_context *ctx, InviteOption *pOpt, sqlite3_int64 *pDays) {
  *pDays = 0;
  if (pOpt->pValue == 0) return 0;
  sqlite3_int64 n = sqlite3_value_int64(pOpt->pValue);
  if (n < 1 || n > KEY_DAYS_MAX) {
    invite_errorf(ctx, SQLITE_MISMATCH, "option 'days' must be from 1 to %d, got %lld",
                  KEY_DAYS_MAX, n);
    return 1;
  }
  *pDays = n;
  return 0;
}

int key_options_read(sqlite3_context *ctx, InviteOption *aTwo, KeyOptions *p) {
  p->bSendEmail = 1;
  p->zMetadata = 0;
  if (aTwo[0].pValue) {
    sqlite3_int64 v = sqlite3_value_int64(aTwo[0].pValue);
    if (v != 0 && v != 1) {
      invite_errorf(ctx, SQLITE_MISMATCH, "option 'send_email' must be true or false");
      return 1;
    }
    p->bSendEmail = (int)v;
  }
  if (aTwo[1].pValue) {
    int n = sqlite3_value_bytes(aTwo[1].pValue);
    if (n > KEY_METADATA_MAX_BYTES) {
      invite_errorf(ctx, SQLITE_CONSTRAINT, "option 'metadata' is %d bytes, at most %d", n,
                    KEY_METADATA_MAX_BYTES);
      return 1;
    }
    p->zMetadata = (const char *)sqlite3_value_text(aTwo[1].pValue);
  }
  return 0;
}

static const char SQL_METADATA[] = "UPDATE $S.invites SET metadata = json(?2) WHERE id = ?1";

int key_options_store(sqlite3_context *ctx, const KeyOptions *p, sqlite3_int64 iInvite) {
  if (p->zMetadata == 0) return SQLITE_OK;
  sqlite3_stmt *pStmt = invite_stmt(ctx, SQL_METADATA);
  if (pStmt == 0) return SQLITE_ERROR;
  sqlite3_bind_int64(pStmt, 1, iInvite);
  sqlite3_bind_text(pStmt, 2, p->zMetadata, -1, SQLITE_STATIC);
  return invite_stmt_done(ctx, pStmt, "cannot keep the metadata");
}
