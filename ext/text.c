/*
** text.c — valid UTF-8 without NUL: invite_utf8_bad() and invite_escape(),
** which every text argument and error message goes through, and
** invite_text_problem(x): why a stored text is refused, for the "-- text:"
** triggers of sql/ (plain DML into the extension's own tables).
**
**   SELECT invite_text_problem('ok');            -- NULL
**   SELECT invite_text_problem(CAST(x'61ff' AS TEXT));
**   -- is not valid UTF-8 (byte 0xFF at byte 1)
**
** NULL, numbers and blobs are not its concern (column CHECKs and types are):
** it answers NULL for them. Pure (DETERMINISTIC | INNOCUOUS), so it runs in
** triggers under trusted_schema=OFF.
*/
#include "invite.h"
#include "verbs.h"

/* ---- valid UTF-8 without NUL: the check every text passes, its escape ---- */

int invite_utf8_bad(const char *zIn, int n) {
  const unsigned char *z = (const unsigned char *)zIn;
  int i = 0;
  while (i < n) {
    unsigned c = z[i];
    if (c >= 0x01 && c < 0x80) {
      i++;
      continue;
    }
    int nTail;
    unsigned cp, cpMin;
    if (c >= 0xC2 && c <= 0xDF)
      nTail = 1, cp = c & 0x1F, cpMin = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
      nTail = 2, cp = c & 0x0F, cpMin = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
      nTail = 3, cp = c & 0x07, cpMin = 0x10000;
    else
      return i;                   /* NUL, a stray continuation byte, C0/C1, F5..FF */
    if (i + nTail >= n) return i; /* cut short */
    for (int k = 1; k <= nTail; k++) {
      if ((z[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (z[i + k] & 0x3F);
    }
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
    if (cp < cpMin || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += 1 + nTail;
  }
  return -1;
}

char *invite_escape(const char *z, int n, int nMax) {
  sqlite3_str *p = sqlite3_str_new(0);
  int i = 0;
  while (i < n && sqlite3_str_length(p) < nMax) {
    int iBad = invite_utf8_bad(z + i, n - i);
    int nGood = iBad < 0 ? n - i : iBad;
    if (nGood) {
      sqlite3_str_append(p, z + i, nGood);
      i += nGood;
    }
    if (iBad >= 0) {
      sqlite3_str_appendf(p, "\\x%02X", (unsigned char)z[i]);
      i++;
    }
  }
  if (i < n) sqlite3_str_appendall(p, "...");
  return sqlite3_str_finish(p);
}

/* ---- invite_text_problem ---- */

void invite_text_problem_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) return;
  const char *z = (const char *)sqlite3_value_text(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  int iBad = invite_utf8_bad(z, n);
  if (iBad < 0) return;
  char *zWhy = z[iBad] == 0 ? sqlite3_mprintf("contains a NUL byte (at byte %d)", iBad)
                            : sqlite3_mprintf("is not valid UTF-8 (byte 0x%02X at byte %d)",
                                              (unsigned char)z[iBad], iBad);
  if (zWhy == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, zWhy, -1, sqlite3_free);
}
