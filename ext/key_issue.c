/*
** key_issue.c — what every verb that makes a key shares (below the verb
** files): the start, a fresh key and the kind's INSERT begun; the end, the
** link of the key, its options kept, its invitation email queued, the
** commit, the result.
**
**   sqlite3_stmt *p = invite_key_insert(ctx, SQL_INSERT_MEMBER_INVITE, zKey,
**                                       aHash, iInviter, iUser, zEmail);
**   ... the kind's own columns bound, the insert stepped ...
**   if (invite_key_finish(ctx, &tx, invite_kind_member.zTemplate, iInvite,
**                         zBaseUrl, zKey, zExpires, &key)) goto fail;
**   -- {"id":1,"key":"...","url":"https://...?key=...","expires_at":"..."}
*/
#include "invite.h"

#include <sodium.h>
#include <string.h>

sqlite3_stmt *invite_key_insert(sqlite3_context *ctx, const char *zSql, char *zKey,
                                unsigned char *aHash, sqlite3_int64 iInviter, sqlite3_int64 iUser,
                                const char *zEmail) {
  if (keys_generate(zKey, aHash)) {
    invite_errorf(ctx, SQLITE_ERROR, "cannot make a key");
    return 0;
  }
  sqlite3_stmt *p = invite_stmt(ctx, zSql);
  if (p == 0) return 0;
  sqlite3_bind_blob(p, 1, aHash, KEYS_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(p, 2, iInviter);
  if (iUser) sqlite3_bind_int64(p, 3, iUser);
  if (zEmail) sqlite3_bind_text(p, 4, zEmail, -1, SQLITE_STATIC);
  return p;
}

/* url = base_url + ("?" or "&") + "key=" + key */
char *invite_url(const char *zBase, const char *zKey) {
  return sqlite3_mprintf("%s%skey=%s", zBase, strchr(zBase, '?') ? "&" : "?", zKey);
}

/* The result {"id","key","url","expires_at"} of a verb that made a key. */
static void key_result(sqlite3_context *ctx, sqlite3_int64 id, const char *zKey, const char *zUrl,
                       const char *zExpires) {
  sqlite3_str *p = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  json_open(p);
  json_key(p, "id"), json_int(p, id);
  json_key(p, "key"), json_text(p, zKey);
  json_key(p, "url"), json_text(p, zUrl);
  json_key(p, "expires_at"), json_text(p, zExpires);
  json_close(p);
  json_result(ctx, p);
}

int invite_key_finish(sqlite3_context *ctx, InviteTx *pTx, const char *zKind, sqlite3_int64 iInvite,
                      const char *zBase, const char *zKey, const char *zExpires,
                      const KeyOptions *pKey) {
  char *zLink = invite_url(zBase, zKey);
  if (zLink == 0) {
    sqlite3_result_error_nomem(ctx);
    return SQLITE_NOMEM;
  }
  /* The email goes in the same transaction: no invite without it, unless
  ** the application said it delivers the key itself. */
  int rc = key_options_store(ctx, pKey, iInvite);
  if (rc == SQLITE_OK && pKey->bSendEmail)
    rc = outbox_enqueue_invite(ctx, zKind, iInvite, zKey, zLink);
  if (rc == SQLITE_OK) rc = invite_verb_end(ctx, pTx, 1);
  if (rc == SQLITE_OK) key_result(ctx, iInvite, zKey, zLink, zExpires);
  sodium_memzero(zLink, strlen(zLink));
  sqlite3_free(zLink);
  return rc;
}
