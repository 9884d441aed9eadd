/*
** arguments.c — the checks of a verb's arguments: ids (an integral REAL is
** that integer) and text (valid UTF-8 without NUL, within its length). On
** failure they set the error naming the argument by position and name.
**
**   if (invite_arg_id(ctx, argv, 0, "invite", &iInvite)) return;
**   -- invite_revoke: argument 1 (invite) must be a positive id, got 0
*/
#include "invite.h"

const char *invite_type_name(int eType) {
  switch (eType) {
  case SQLITE_INTEGER: return "integer";
  case SQLITE_FLOAT: return "real";
  case SQLITE_TEXT: return "text";
  case SQLITE_BLOB: return "blob";
  default: return "NULL";
  }
}

int invite_arg_id(sqlite3_context *ctx, sqlite3_value **argv, int i, const char *zArg,
                  sqlite3_int64 *pId) {
  int eType = sqlite3_value_type(argv[i]);
  if (eType == SQLITE_FLOAT) {
    /* Node's better-sqlite3 binds every JS number as REAL: 1.0 is id 1. */
    double r = sqlite3_value_double(argv[i]);
    if (!(r >= 1.0 && r <= 9007199254740992.0) || r != (double)(sqlite3_int64)r) {
      invite_errorf(ctx, SQLITE_MISMATCH, "argument %d (%s) must be an integer id, got real %!.15g",
                    i + 1, zArg, r);
      return 1;
    }
    *pId = (sqlite3_int64)r;
    return 0;
  }
  if (eType != SQLITE_INTEGER) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument %d (%s) must be an integer id, got %s", i + 1,
                  zArg, invite_type_name(eType));
    return 1;
  }
  *pId = sqlite3_value_int64(argv[i]);
  if (*pId <= 0) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument %d (%s) must be a positive id, got %lld", i + 1,
                  zArg, *pId);
    return 1;
  }
  return 0;
}

int invite_text_refused(sqlite3_context *ctx, const char *z, int n, const char *zWhat, int iArg,
                        const char *zName) {
  int iBad = invite_utf8_bad(z, n);
  if (iBad < 0) return 0;
  char zWho[120];
  if (iArg > 0) {
    sqlite3_snprintf(sizeof zWho, zWho, "%s %d (%s)", zWhat, iArg, zName);
  } else {
    sqlite3_snprintf(sizeof zWho, zWho, "%s '%s'", zWhat, zName);
  }
  if (z[iBad] == 0) {
    invite_errorf(ctx, SQLITE_MISMATCH, "%s contains a NUL byte (at byte %d)", zWho, iBad);
  } else {
    int iFrom = iBad > 20 ? iBad - 20 : 0;
    char *zNear = invite_escape(z + iFrom, n - iFrom, 40);
    if (zNear == 0) {
      sqlite3_result_error_nomem(ctx);
      return 1;
    }
    invite_errorf(ctx, SQLITE_MISMATCH, "%s is not valid UTF-8 (byte %d, in '%s%s')", zWho, iBad,
                  iFrom ? "..." : "", zNear);
    sqlite3_free(zNear);
  }
  return 1;
}

int invite_email_arg(sqlite3_context *ctx, const char *z, int n, char *zOut) {
  const char *zErr = emails_normalize(z, n, zOut);
  if (zErr == 0) return 0;
  /* Quote the address only when it is safe to print on one line. */
  if (emails_header_safe(z, n) == 0) {
    invite_errorf(ctx, SQLITE_MISMATCH, "invalid email address '%q': %s", z, zErr);
  } else {
    invite_errorf(ctx, SQLITE_MISMATCH, "invalid email address: %s", zErr);
  }
  return 1;
}

int invite_arg_text(sqlite3_context *ctx, sqlite3_value **argv, int i, const char *zArg, int nMax,
                    const char **pz, int *pn) {
  int eType = sqlite3_value_type(argv[i]);
  if (eType != SQLITE_TEXT) {
    invite_errorf(ctx, SQLITE_MISMATCH, "argument %d (%s) must be text, got %s", i + 1, zArg,
                  invite_type_name(eType));
    return 1;
  }
  const char *z = (const char *)sqlite3_value_text(argv[i]);
  int n = sqlite3_value_bytes(argv[i]);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return 1;
  }
  if (n > nMax) {
    invite_errorf(ctx, SQLITE_TOOBIG, "argument %d (%s) is too long: %d bytes, at most %d", i + 1,
                  zArg, n, nMax);
    return 1;
  }
  if (invite_text_refused(ctx, z, n, "argument", i + 1, zArg)) return 1;
  *pz = z;
  if (pn) *pn = n;
  return 0;
}
