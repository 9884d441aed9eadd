/*
** text.c — invite_text_problem(x): why a stored text is refused, for the
** "-- text:" triggers of sql/ (plain DML into the extension's own tables).
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
  char *zWhy = z[iBad] == 0
                   ? sqlite3_mprintf("contains a NUL byte (at byte %d)", iBad)
                   : sqlite3_mprintf("is not valid UTF-8 (byte 0x%02X at byte %d)",
                                     (unsigned char)z[iBad], iBad);
  if (zWhy == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, zWhy, -1, sqlite3_free);
}
