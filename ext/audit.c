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
** tail leaves a valid chain. invite_audit_head() returns {"id","hash"} of
** the newest row: kept elsewhere and given back to invite_audit_verify(head),
** it shows a cut tail.
**
** Erasable details (user_forget, issue 16): a row appended by this build
** has a row in audit_salts with a random 16-byte salt, and the 7th field
** hashed is not its detail but the commitment
**
**   invite_audit_commit(salt, detail) = BLAKE2b-256("sqlite-invite/audit-detail/v1",
**                                       salt as a blob field, detail as a field)
**
** (fields encoded as above). Erasing a detail stores the commitment in
** audit_salts, drops the salt and sets the detail NULL: the row hashes the
** same, the detail cannot be guessed back, and an erased row must be named
** in the "audit_rows" of a later 'user.forgotten' row, so no other row can
** be blanked unnoticed. A row without an audit_salts row (older builds)
** hashes its detail itself.
**
** Unkeyed, the chain cannot tell the extension from a look-alike: anyone
** may compute BLAKE2b. Keyed, it can. The key is a secret kept outside the
** database: the file named by the environment variable INVITE_AUDIT_KEY_FILE
** when the extension is loaded, or invite_audit_key(secret) on the
** connection. A connection with a key hashes its rows with BLAKE2b keyed by
** BLAKE2b-256("sqlite-invite/audit-key/v1" || secret), domain
** "sqlite-invite/audit/v2". A new chain (empty when a key first writes to
** it) starts with an 'audit.keyed' row; an existing unkeyed chain starts
** keying with invite_audit_key(secret, 'start'). Verifying with the key, every row
** after that row must be keyed, and a chain without it fails at row 1:
** rows from look-alike functions, rewritten rows and a chain rebuilt from
** scratch all fail. Every connection that writes must then hold the key.
*/
#include "invite.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbs.h"

#define AUDIT_DOMAIN "sqlite-invite/audit/v1"
#define AUDIT_DOMAIN_KEYED "sqlite-invite/audit/v2"
#define AUDIT_KEY_DOMAIN "sqlite-invite/audit-key/v1"
#define AUDIT_KEY_MIN 16
#define AUDIT_KEY_MAX 4096
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
    const unsigned char *z =
        bText ? sqlite3_value_text(v) : (const unsigned char *)sqlite3_value_blob(v);
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

/* The hash of one row given as 7 values; aOut holds KEYS_HASH_BYTES.
** aKey: the audit key, or 0 for the unkeyed (v1) hash. */
static void audit_hash(sqlite3_value **apField, const unsigned char *aKey, unsigned char *aOut) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, aKey, aKey ? 32 : 0, KEYS_HASH_BYTES);
  if (aKey) {
    crypto_generichash_update(&st, (const unsigned char *)AUDIT_DOMAIN_KEYED,
                              sizeof AUDIT_DOMAIN_KEYED - 1);
  } else {
    crypto_generichash_update(&st, (const unsigned char *)AUDIT_DOMAIN, sizeof AUDIT_DOMAIN - 1);
  }
  for (int i = 0; i < AUDIT_NFIELDS; i++) audit_hash_field(&st, apField[i]);
  crypto_generichash_final(&st, aOut, KEYS_HASH_BYTES);
}

#define AUDIT_DETAIL_DOMAIN "sqlite-invite/audit-detail/v1"

/* invite_audit_commit(salt, detail): pure, called by the audit_append
** trigger and by the verifier. */
void invite_audit_commit_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  crypto_generichash_state st;
  unsigned char aOut[KEYS_HASH_BYTES];
  crypto_generichash_init(&st, 0, 0, KEYS_HASH_BYTES);
  crypto_generichash_update(&st, (const unsigned char *)AUDIT_DETAIL_DOMAIN,
                            sizeof AUDIT_DETAIL_DOMAIN - 1);
  audit_hash_field(&st, argv[0]);
  audit_hash_field(&st, argv[1]);
  crypto_generichash_final(&st, aOut, KEYS_HASH_BYTES);
  sqlite3_result_blob(ctx, aOut, KEYS_HASH_BYTES, SQLITE_TRANSIENT);
}

static const unsigned char *conn_key(sqlite3_context *ctx) {
  InviteConn *p = invite_conn(ctx);
  return p->bAuditKey ? p->aAuditKey : 0;
}

void invite_audit_hash_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  unsigned char aHash[KEYS_HASH_BYTES];
  audit_hash(argv, conn_key(ctx), aHash);
  sqlite3_result_blob(ctx, aHash, KEYS_HASH_BYTES, SQLITE_TRANSIENT);
}

static void key_derive(InviteConn *p, const unsigned char *z, size_t n) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, 0, 0, sizeof p->aAuditKey);
  crypto_generichash_update(&st, (const unsigned char *)AUDIT_KEY_DOMAIN,
                            sizeof AUDIT_KEY_DOMAIN - 1);
  crypto_generichash_update(&st, z, n);
  crypto_generichash_final(&st, p->aAuditKey, sizeof p->aAuditKey);
  p->bAuditKey = 1;
}

int audit_key_from_env(InviteConn *p, char **pzErr) {
  const char *zPath = getenv("INVITE_AUDIT_KEY_FILE");
  if (zPath == 0 || zPath[0] == 0) return SQLITE_OK;
  FILE *f = fopen(zPath, "rb");
  if (f == 0) {
    *pzErr =
        sqlite3_mprintf("invite: cannot read the audit key file %s (INVITE_AUDIT_KEY_FILE)", zPath);
    return SQLITE_ERROR;
  }
  unsigned char a[AUDIT_KEY_MAX + 1];
  size_t n = fread(a, 1, sizeof a, f);
  fclose(f);
  int rc = SQLITE_OK;
  if (n < AUDIT_KEY_MIN || n > AUDIT_KEY_MAX) {
    *pzErr =
        sqlite3_mprintf("invite: the audit key file %s must hold %d to %d bytes, has %s%zu", zPath,
                        AUDIT_KEY_MIN, AUDIT_KEY_MAX, n > AUDIT_KEY_MAX ? "more than " : "",
                        n > AUDIT_KEY_MAX ? (size_t)AUDIT_KEY_MAX : n);
    rc = SQLITE_ERROR;
  } else {
    key_derive(p, a, n);
  }
  sodium_memzero(a, sizeof a);
  return rc;
}

static const char SQL_KEYED_MARK[] =
    "SELECT (SELECT count(*) FROM $S.audit_log WHERE action = 'audit.keyed'),"
    "       (SELECT count(*) FROM $S.audit_log)";
/* The 7th hashed field: the detail, or its commitment (see above). */
#define AUDIT_DETAIL_FIELD                                                                         \
  "CASE WHEN c.audit_id IS NULL THEN a.detail"                                                     \
  "     WHEN c.salt IS NOT NULL THEN invite_audit_commit(c.salt, a.detail)"                        \
  "     ELSE c.commitment END"
static const char SQL_FIRST_ROW[] =
    "SELECT a.prev_hash, a.id, a.at, a.actor, a.action, a.subject, " AUDIT_DETAIL_FIELD ", a.hash"
    "  FROM $S.audit_log a LEFT JOIN $S.audit_salts c ON c.audit_id = a.id WHERE a.id = 1";

/* Appends 'audit.keyed' when this connection has a key and the chain has no
** such row yet, provided the chain is new (empty, or keyed from row 1) or
** bStart asks to start keying an unkeyed chain. A chain rebuilt unkeyed by
** someone without the key is never marked by accident: it fails at row 1. */
int audit_key_mark(sqlite3_context *ctx, int bStart) {
  InviteConn *pConn = invite_conn(ctx);
  if (!pConn->bAuditKey) return SQLITE_OK;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_KEYED_MARK);
  if (p == 0) return SQLITE_ERROR;
  int bMarked = 1, nRows = 0;
  if (sqlite3_step(p) == SQLITE_ROW) {
    bMarked = sqlite3_column_int(p, 0) > 0;
    nRows = sqlite3_column_int(p, 1);
  }
  sqlite3_reset(p);
  if (bMarked) return SQLITE_OK;
  int bNew = nRows == 0;
  if (!bNew && !bStart) {
    p = invite_stmt(ctx, SQL_FIRST_ROW);
    if (p == 0) return SQLITE_ERROR;
    if (sqlite3_step(p) == SQLITE_ROW) {
      sqlite3_value *apField[AUDIT_NFIELDS];
      for (int i = 0; i < AUDIT_NFIELDS; i++) apField[i] = sqlite3_column_value(p, i);
      unsigned char aHash[KEYS_HASH_BYTES];
      audit_hash(apField, pConn->aAuditKey, aHash);
      bNew = sqlite3_column_bytes(p, 7) == KEYS_HASH_BYTES &&
             memcmp(sqlite3_column_blob(p, 7), aHash, KEYS_HASH_BYTES) == 0;
    }
    sqlite3_reset(p);
  }
  if (!bNew && !bStart) return SQLITE_OK;
  return audit_append_row(ctx, 0, "audit.keyed", "audit:chain", "{}");
}

/* invite_audit_key(secret [, 'start']): this connection hashes and verifies
** with the key derived from secret (text or blob, 16 to 4096 bytes);
** 'start' begins keying a chain that so far is unkeyed (once). */
void invite_audit_key_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  int eType = sqlite3_value_type(argv[0]);
  if (eType != SQLITE_TEXT && eType != SQLITE_BLOB) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument 1 (secret) must be text or a blob");
    return;
  }
  int bStart = 0;
  if (argc == 2) {
    const char *z = (const char *)sqlite3_value_text(argv[1]);
    if (z == 0 || strcmp(z, "start") != 0) {
      invite_errorf(ctx, SQLITE_MISMATCH, "argument 2 must be 'start'");
      return;
    }
    bStart = 1;
  }
  const unsigned char *z =
      eType == SQLITE_TEXT ? sqlite3_value_text(argv[0]) : sqlite3_value_blob(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  if (n < AUDIT_KEY_MIN || n > AUDIT_KEY_MAX) {
    invite_errorf(ctx, SQLITE_CONSTRAINT, "argument 1 (secret) must be %d to %d bytes, got %d",
                  AUDIT_KEY_MIN, AUDIT_KEY_MAX, n);
    return;
  }
  key_derive(invite_conn(ctx), z ? z : (const unsigned char *)"", (size_t)n);
  InviteTx tx = {0, 0};
  if (invite_verb_begin(ctx, &tx)) return;
  if (audit_key_mark(ctx, bStart) != SQLITE_OK) {
    invite_verb_end(ctx, &tx, 0);
    return;
  }
  if (invite_verb_end(ctx, &tx, 1)) return;
  sqlite3_result_int(ctx, 1);
}

static const char SQL_HEAD[] = "SELECT id, hash FROM $S.audit_log ORDER BY id DESC LIMIT 1";

/* {"id": newest id, "hash": its hash in hex}; {"id": 0, "hash": null} when empty. */
void invite_audit_head_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc, (void)argv;
  sqlite3_stmt *p = invite_stmt(ctx, SQL_HEAD);
  if (p == 0) return;
  sqlite3_str *s = sqlite3_str_new(0);
  json_open(s);
  int rc = sqlite3_step(p);
  if (rc == SQLITE_ROW) {
    char zHex[2 * KEYS_HASH_BYTES + 1] = "";
    if (sqlite3_column_bytes(p, 1) == KEYS_HASH_BYTES) {
      sodium_bin2hex(zHex, sizeof zHex, sqlite3_column_blob(p, 1), KEYS_HASH_BYTES);
    }
    json_key(s, "id"), json_int(s, sqlite3_column_int64(p, 0));
    json_key(s, "hash"), json_text(s, zHex);
  } else {
    json_key(s, "id"), json_int(s, 0);
    json_key(s, "hash"), json_text(s, 0);
  }
  json_close(s);
  sqlite3_reset(p);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sqlite3_free(sqlite3_str_finish(s));
    invite_error_db(ctx, "cannot read the audit log");
    return;
  }
  json_result(ctx, s);
}

/* Column 8: the row's types are right and, when its detail was erased, the
** detail is NULL and a later 'user.forgotten' row names it. */
static const char SQL_WALK[] =
    "SELECT a.prev_hash, a.id, a.at, a.actor, a.action, a.subject, " AUDIT_DETAIL_FIELD ", a.hash,"
    "       typeof(a.at) = 'text' AND typeof(a.action) = 'text'"
    "       AND typeof(a.subject) = 'text' AND typeof(a.actor) IN ('integer', 'null')"
    "       AND typeof(a.detail) IN ('text', 'null')"
    "       AND (c.audit_id IS NULL OR c.salt IS NOT NULL"
    "            OR (a.detail IS NULL AND EXISTS (SELECT 1 FROM $S.audit_log f,"
    "                  json_each(CASE WHEN json_valid(f.detail) THEN f.detail END, '$.audit_rows') j"
    "                 WHERE f.action = 'user.forgotten' AND f.id > a.id AND j.value = a.id)))"
    "  FROM $S.audit_log a LEFT JOIN $S.audit_salts c ON c.audit_id = a.id ORDER BY a.id";

static const char SQL_HEAD_ROW[] = "SELECT hash FROM $S.audit_log WHERE id = ?1";

/* invite_audit_verify([head]): NULL when intact, else the id of the first
** row that does not verify. With a head from invite_audit_head(), also the
** id of the head when that row is gone or changed (a cut or rebuilt tail). */
void invite_audit_verify_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlite3_int64 iHead = 0;
  unsigned char aHeadHash[KEYS_HASH_BYTES];
  if (argc == 1) {
    const char *zHead = (const char *)sqlite3_value_text(argv[0]);
    const char *zId = zHead ? strstr(zHead, "\"id\":") : 0;
    const char *zHash = zHead ? strstr(zHead, "\"hash\":\"") : 0;
    size_t nBin = 0;
    if (zId) iHead = strtoll(zId + 5, 0, 10);
    if (iHead <= 0 || zHash == 0 ||
        sodium_hex2bin(aHeadHash, sizeof aHeadHash, zHash + 8, 2 * KEYS_HASH_BYTES, 0, &nBin, 0) !=
            0 ||
        nBin != KEYS_HASH_BYTES) {
      invite_errorf(ctx, SQLITE_MISMATCH,
                    "argument 1 (head) must be what invite_audit_head() returned");
      return;
    }
  }
  const unsigned char *aKey = conn_key(ctx);
  sqlite3_stmt *p = invite_stmt(ctx, SQL_WALK);
  if (p == 0) return;
  unsigned char aPrev[KEYS_HASH_BYTES], aHash[KEYS_HASH_BYTES];
  int bHavePrev = 0, bKeyed = 0;
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
                      ? sqlite3_column_type(p, 0) == SQLITE_BLOB && nPrev == KEYS_HASH_BYTES &&
                            memcmp(pPrev, aPrev, KEYS_HASH_BYTES) == 0
                      : sqlite3_column_type(p, 0) == SQLITE_NULL;
    int bHashOk = sqlite3_column_type(p, 7) == SQLITE_BLOB && nHash == KEYS_HASH_BYTES;
    /* Before the 'audit.keyed' row rows are unkeyed; from it on, keyed. */
    if (aKey && !bKeyed) {
      const char *zAction = (const char *)sqlite3_column_text(p, 4);
      if (zAction && strcmp(zAction, "audit.keyed") == 0) {
        audit_hash(apField, aKey, aHash);
        bKeyed = bHashOk && memcmp(pHash, aHash, KEYS_HASH_BYTES) == 0;
      }
    }
    if (!bKeyed)
      audit_hash(apField, 0, aHash);
    else
      audit_hash(apField, aKey, aHash);
    int bOk = id == iPrev + 1 && bLinked && sqlite3_column_int(p, 8) && bHashOk &&
              memcmp(pHash, aHash, KEYS_HASH_BYTES) == 0;
    if (!bOk) {
      iBad = id;
      break;
    }
    /* Chain on from the stored hash (equal to the computed one here). */
    memcpy(aPrev, aHash, KEYS_HASH_BYTES);
    bHavePrev = 1;
    iPrev = id;
  }
  sqlite3_reset(p);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    invite_error_db(ctx, "cannot read the audit log");
    return;
  }
  /* With a key, a chain with no keyed row was never written by it. */
  if (!iBad && aKey && !bKeyed && iPrev > 0) iBad = 1;
  if (!iBad && iHead) {
    p = invite_stmt(ctx, SQL_HEAD_ROW);
    if (p == 0) return;
    sqlite3_bind_int64(p, 1, iHead);
    rc = sqlite3_step(p);
    int bFound = rc == SQLITE_ROW && sqlite3_column_bytes(p, 0) == KEYS_HASH_BYTES &&
                 memcmp(sqlite3_column_blob(p, 0), aHeadHash, KEYS_HASH_BYTES) == 0;
    sqlite3_reset(p);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      invite_error_db(ctx, "cannot read the audit log");
      return;
    }
    if (!bFound) iBad = iHead;
  }
  if (iBad) {
    sqlite3_result_int64(ctx, iBad);
  } else {
    sqlite3_result_null(ctx);
  }
}

static const char SQL_APPEND[] = "INSERT INTO $S.audit_append(actor, action, subject, detail)"
                                 " VALUES(?1, ?2, ?3, ?4)";

int audit_append_row(sqlite3_context *ctx, sqlite3_int64 iActor, const char *zAction,
                     const char *zSubject, const char *zDetail) {
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
