/*
** fuzz_emails.c — libFuzzer target for the email list splitter and the
** address normaliser of ext/emails.c (the pure cores behind
** invite_split_emails, invite_create and guest_invite).
**
**   make fuzz                        # every target, FUZZ_SECONDS each
**   build/fuzz/fuzz_emails tests/fuzz/corpus/fuzz_emails -dict=tests/fuzz/fuzz_emails.dict
**
** Beyond "no crash, no sanitizer report" it checks what callers rely on:
** tokens are non-empty, in bounds and free of separators; an accepted
** address is header safe, has one '@', a lower-case domain, and normalising
** it again changes nothing.
*/
#include "invite.h"

#include <stdlib.h>
#include <string.h>

/* emails.c also holds the virtual table, which calls SQLite through this
** table; the fuzzer never reaches that code, so it stays NULL. */
const sqlite3_api_routines *sqlite3_api = 0;

#define CHECK(x)                                                                                   \
  do {                                                                                             \
    if (!(x)) abort();                                                                             \
  } while (0)

static int is_separator(char c) {
  return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void check_address(const char *z, int n) {
  char zNorm[EMAILS_MAX_ADDRESS + 1];
  const char *zErr = emails_normalize(z, n, zNorm);
  if (zErr) {
    CHECK(zErr[0] != 0);
    return;
  }
  int nNorm = (int)strlen(zNorm);
  CHECK(nNorm > 0 && nNorm <= EMAILS_MAX_ADDRESS && nNorm <= n);
  CHECK(emails_header_safe(zNorm, nNorm) == 0);
  const char *zAt = strchr(zNorm, '@');
  CHECK(zAt != 0 && zAt > zNorm && strchr(zAt + 1, '@') == 0);
  for (const char *p = zAt + 1; *p; p++) CHECK(!(*p >= 'A' && *p <= 'Z'));
  for (const char *p = zNorm; *p; p++) CHECK(!is_separator(*p));
  /* Idempotent: a stored address normalises to itself. */
  char zAgain[EMAILS_MAX_ADDRESS + 1];
  CHECK(emails_normalize(zNorm, nNorm, zAgain) == 0);
  CHECK(strcmp(zNorm, zAgain) == 0);
}

int LLVMFuzzerTestOneInput(const unsigned char *aData, size_t nData) {
  if (nData > 1000000) return 0; /* invite_split_emails' own limit */
  const char *z = (const char *)aData;
  int n = (int)nData;
  /* The whole input as one address (invite_create's invitee argument). */
  check_address(z, n);
  /* The input as a list (invite_split_emails, guest_invite). */
  int iFrom = 0, iStart = 0, nTok, nRows = 0;
  while ((nTok = emails_split_next(z, n, iFrom, &iStart)) > 0) {
    CHECK(iStart >= iFrom && iStart + nTok <= n);
    for (int i = iFrom; i < iStart; i++) CHECK(is_separator(z[i]));
    for (int i = iStart; i < iStart + nTok; i++) CHECK(!is_separator(z[i]));
    CHECK(iStart + nTok == n || is_separator(z[iStart + nTok]));
    check_address(z + iStart, nTok);
    iFrom = iStart + nTok;
    CHECK(++nRows <= n);
  }
  CHECK(iStart <= n);
  for (int i = iFrom; i < n; i++) CHECK(is_separator(z[i]));
  return 0;
}
