/*
** audit.c — the hash chain of the audit log (sql/audit.sql).
**
**   SELECT invite_audit_verify();   -- NULL: intact; else the first bad row id
**   SELECT * FROM audit_trail;      -- the log, readable without the extension
**
** invite_audit_hash(prev_hash, id, at, actor, action, subject, detail) is
** what the trigger on audit_append stores in audit_log.hash: BLAKE2b-256
** (crypto_generichash, no key) over
**
**   "sqlite-invite/audit/v1"  then, for each of the 7 arguments in order,
**   NULL     0x00
**   integer  0x01, 8 bytes big-endian two's complement
**   real     0x02, 8 bytes big-endian IEEE 754
**   text     0x03, length as 8 bytes big-endian, the UTF-8 bytes
**   blob     0x04, length as 8 bytes big-endian, the bytes
**
** Every field is typed and length-prefixed, so no two different rows encode
** the same (no "ab"+"c" = "a"+"bc"), and prev_hash ties each row to the one
** before. The function is pure (DETERMINISTIC | INNOCUOUS) because triggers
** must call it; it reads nothing but its arguments.
**
** invite_audit_verify() recomputes every row in id order and checks that
** ids have no gap, that prev_hash is the previous row's hash and that hash
** is what the fields give. It finds rows altered, inserted or deleted by a
** writer that bypassed the triggers, except the newest rows: cutting the
** tail leaves a valid chain (keep a copy of the newest hash elsewhere; see
** docs-security.md).
*/
#include "invite.h"

#include <sodium.h>
#include <string.h>

#include "verbs.h"

#define AUDIT_DOMAIN "sqlite-invite/audit/v1"
#define AUDIT_NFIELDS 7

static void put_u64(unsigned char *a, sqlite3_uint64 v) {
  for (int i = 7; i >= 0; i--) {
    a[i] = (unsigned char)(v & 0xff);
    v >>= 8;
  }
}

static void audit_hash_field(crypto_generichash_state *st, sqlite3_value *v) {
  unsigned char a[9];
  switch (sqlite3_value_type(v)) {
  case SQLITE_INTEGER:
    a[0] = 0x01;
    put_u64(a + 1, (sqlite3_uint64)sqlite3_value_int64(v));
    crypto_generichash_update(st, a, 9);
    break;
  case SQLITE_FLOAT: {
    double r = sqlite3_value_double(v);
    sqlite3_uint64 u;
    memcpy(&u, &r, sizeof u);
    a[0] = 0x02;
    put_u64(a + 1, u);
    crypto_generichash_update(st, a, 9);
    break;
  }
  case SQLITE_TEXT:
  case SQLITE_BLOB: {
    int bText = sqlite3_value_type(v) == SQLITE_TEXT;
    const unsigned char *z = bText ? sqlite3_value_text(v)
                                   : (const unsigned char *)sqlite3_value_blob(v);
    int n = sqlite3_value_bytes(v);
    a[0] = bText ? 0x03 : 0x04;
    put_u64(a + 1, (sqlite3_uint64)n);
    crypto_generichash_update(st, a, 9);
    if (n > 0 && z) crypto_generichash_update(st, z, (unsigned long long)n);
    break;
  }
  default:
    a[0] = 0x00;
    crypto_generichash_update(st, a, 1);
    break;
  }
}

/* The hash of one row given as 7 values; aOut holds KEYS_HASH_BYTES. */
static void audit_hash(sqlite3_value **apField, unsigned char *aOut) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, 0, 0, KEYS_HASH_BYTES);
  crypto_generichash_update(&st, (const unsigned char *)AUDIT_DOMAIN,
                            sizeof AUDIT_DOMAIN - 1);
  for (int i = 0; i < AUDIT_NFIELDS; i++) audit_hash_field(&st, apField[i]);
  crypto_generichash_final(&st, aOut, KEYS_HASH_BYTES);
}

void invite_audit_hash_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  unsigned char aHash[KEYS_HASH_BYTES];
  audit_hash(argv, aHash);
  sqlite3_result_blob(ctx, aHash, KEYS_HASH_BYTES, SQLITE_TRANSIENT);
}

static const char SQL_WALK[] =
    "SELECT prev_hash, id, at, actor, action, subject, detail, hash,"
    "       typeof(at) = 'text' AND typeof(action) = 'text'"
    "       AND typeof(subject) = 'text' AND typeof(actor) IN ('integer', 'null')"
    "       AND typeof(detail) IN ('text', 'null')"
    "  FROM $S.audit_log ORDER BY id";

void invite_audit_verify_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_WALK);
  if (p == 0) return;
  unsigned char aPrev[KEYS_HASH_BYTES], aHash[KEYS_HASH_BYTES];
  int bHavePrev = 0;
  sqlite3_int64 iPrev = 0, iBad = 0;
  int rc;
  while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
    sqlite3_value *apField[AUDIT_NFIELDS];
    for (int i = 0; i < AUDIT_NFIELDS; i++) apField[i] = sqlite3_column_value(p, i);
    sqlite3_int64 id = sqlite3_column_int64(p, 1);
    const void *pPrev = sqlite3_column_blob(p, 0);
    int nPrev = sqlite3_column_bytes(p, 0);
    const void *pHash = sqlite3_column_blob(p, 7);
    int nHash = sqlite3_column_bytes(p, 7);
    int bLinked = bHavePrev
                      ? sqlite3_column_type(p, 0) == SQLITE_BLOB &&
                            nPrev == KEYS_HASH_BYTES &&
                            memcmp(pPrev, aPrev, KEYS_HASH_BYTES) == 0
                      : sqlite3_column_type(p, 0) == SQLITE_NULL;
    audit_hash(apField, aHash);
    int bOk = id == iPrev + 1 && bLinked && sqlite3_column_int(p, 8) &&
              sqlite3_column_type(p, 7) == SQLITE_BLOB &&
              nHash == KEYS_HASH_BYTES && memcmp(pHash, aHash, KEYS_HASH_BYTES) == 0;
    if (!bOk) {
      iBad = id;
      break;
    }
    /* Chain on from the stored hash (equal to the computed one here). */
    memcpy(aPrev, aHash, KEYS_HASH_BYTES);
    bHavePrev = 1;
    iPrev = id;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    invite_error_db(ctx, "cannot read the audit log");
  } else if (iBad) {
    sqlite3_result_int64(ctx, iBad);
  } else {
    sqlite3_result_null(ctx);
  }
  sqlite3_reset(p);
}

static const char SQL_APPEND[] =
    "INSERT INTO $S.audit_append(actor, action, subject, detail)"
    " VALUES(?1, ?2, ?3, ?4)";

int audit_append_row(sqlite3_context *ctx, sqlite3_int64 iActor,
                     const char *zAction, const char *zSubject,
                     const char *zDetail) {
  sqlite3_stmt *p = invite_stmt(ctx, SQL_APPEND);
  if (p == 0) return SQLITE_ERROR;
  if (iActor) sqlite3_bind_int64(p, 1, iActor);
  sqlite3_bind_text(p, 2, zAction, -1, SQLITE_STATIC);
  sqlite3_bind_text(p, 3, zSubject, -1, SQLITE_STATIC);
  if (zDetail) sqlite3_bind_text(p, 4, zDetail, -1, SQLITE_STATIC);
  return invite_stmt_done(ctx, p, "cannot write the audit log");
}

int audit_record(sqlite3_context *ctx, sqlite3_int64 iActor, const char *zAction,
                 const char *zSubject, const char *zDetail) {
  InviteTx tx = {0, 0};
  int rc = invite_verb_begin(ctx, &tx);
  if (rc != SQLITE_OK) return rc;
  rc = audit_append_row(ctx, iActor, zAction, zSubject, zDetail);
  if (rc != SQLITE_OK) {
    invite_verb_end(ctx, &tx, 0);
    return rc;
  }
  return invite_verb_end(ctx, &tx, 1);
}
