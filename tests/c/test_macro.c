/*
** test_macro.c — unit test of the pure macro core (ext/macro.c), linked
** directly: syntax, every error with its byte position, limits, bytes that
** are not text, and a differential check against a naive reference on
** random inputs.
*/
// link: @ROOT@/ext/macro.c
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

static int nFail = 0;
#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (cond) {                                                                                    \
      printf("ok ");                                                                               \
    } else {                                                                                       \
      printf("not ok ");                                                                           \
      nFail++;                                                                                     \
    }                                                                                              \
    printf(__VA_ARGS__);                                                                           \
    printf("\n");                                                                                  \
  } while (0)

#define V(n, v)                                                                                    \
  { n, sizeof(n) - 1, v, sizeof(v) - 1 }

/* Expands with the core; returns a malloc'd copy (exactly nOut bytes, so
** ASan sees any overrun) or NULL with *pErr set. */
static char *expand(const char *z, size_t n, MacroValue *a, size_t nVal, size_t nMax, size_t *pnOut,
                    MacroError *pErr) {
  if (macro_sort(a, nVal, pErr)) return 0;
  /* the text in a buffer of exactly n bytes: no terminator to lean on */
  char *zIn = malloc(n ? n : 1);
  memcpy(zIn, z, n);
  char *zOut = 0;
  if (macro_measure(zIn, n, a, nVal, nMax, pnOut, pErr) == MACRO_OK) {
    zOut = malloc(*pnOut ? *pnOut : 1);
    macro_write(zIn, n, a, nVal, zOut);
  }
  free(zIn);
  return zOut;
}

static void expect_text(const char *zWhat, const char *z, MacroValue *a, size_t nVal,
                        const char *zWant) {
  size_t nOut;
  MacroError err;
  char *zOut = expand(z, strlen(z), a, nVal, (size_t)-1, &nOut, &err);
  CHECK(zOut && nOut == strlen(zWant) && memcmp(zOut, zWant, nOut) == 0, "%s: '%.*s'", zWhat,
        zOut ? (int)nOut : 0, zOut ? zOut : "");
  free(zOut);
}

static void expect_error(const char *zWhat, const char *z, size_t n, MacroValue *a, size_t nVal,
                         const char *zWant) {
  size_t nOut;
  MacroError err;
  char zMsg[MACRO_MAX_MESSAGE];
  char *zOut = expand(z, n, a, nVal, (size_t)-1, &nOut, &err);
  macro_message(&err, zMsg, sizeof zMsg);
  CHECK(zOut == 0 && strcmp(zMsg, zWant) == 0, "%s: %s", zWhat, zMsg);
  free(zOut);
}

/* ---- a naive reference: one character at a time, no tricks ---- */
static int ref_expand(const char *z, size_t n, const MacroValue *a, size_t nVal, char *zOut,
                      size_t *pnOut, int *peCode, size_t *piByte) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (z[i] != '%') {
      zOut[o++] = z[i++];
      continue;
    }
    if (i + 1 < n && z[i + 1] == '%') {
      zOut[o++] = '%';
      i += 2;
      continue;
    }
    size_t j = i + 1;
    int bLower = 0;
    while (j < n && ((z[j] >= 'A' && z[j] <= 'Z') || (z[j] >= 'a' && z[j] <= 'z') ||
                     (z[j] >= '0' && z[j] <= '9') || z[j] == '_')) {
      bLower |= z[j] >= 'a' && z[j] <= 'z';
      j++;
    }
    *piByte = i + 1;
    if (j == n || z[j] != '%') {
      *peCode = j > i + 1 ? MACRO_UNTERMINATED : MACRO_LONE;
      return 1;
    }
    if (bLower) {
      *peCode = MACRO_BAD_NAME;
      return 1;
    }
    size_t k;
    for (k = 0; k < nVal; k++) {
      if (a[k].nName == j - i - 1 && memcmp(a[k].zName, z + i + 1, a[k].nName) == 0) break;
    }
    if (k == nVal) {
      *peCode = MACRO_UNKNOWN;
      return 1;
    }
    memcpy(zOut + o, a[k].zValue, a[k].nValue);
    o += a[k].nValue;
    i = j + 1;
  }
  *pnOut = o;
  return 0;
}

static unsigned rng_state = 12345;
static unsigned rng(void) {
  rng_state = rng_state * 1103515245u + 12345u;
  return rng_state >> 16;
}

int main(void) {
  MacroValue aAB[] = {V("B", "%A%"), V("A", "x")};
  expect_text("plain text", "no macros", aAB, 2, "no macros");
  expect_text("empty", "", aAB, 2, "");
  expect_text("one macro", "%A%", aAB, 2, "x");
  expect_text("%% is a percent", "100%% sure %%%%", aAB, 2, "100% sure %%");
  expect_text("adjacent", "%A%%A%%%%A%", aAB, 2, "xx%x");
  expect_text("values are not expanded again", "[%B%]", aAB, 2, "[%A%]");

  MacroValue aKnown[16];
  memcpy(aKnown, macro_known, macro_known_count * sizeof aKnown[0]);
  CHECK(macro_known_count == 13, "13 known macros");
  int bSorted = 1, bValid = 1;
  for (size_t i = 0; i < macro_known_count; i++) {
    bValid &= macro_name_valid(macro_known[i].zName, macro_known[i].nName);
    if (i) bSorted &= strcmp(macro_known[i - 1].zName, macro_known[i].zName) < 0;
  }
  CHECK(bSorted && bValid, "known macros sorted, names valid");
  expect_text("every known macro",
              "%USER_NAME%%SESSION_KEY_URL%%FIRST_NAME%%LAST_NAME%"
              "%EMAIL%%SESSION_KEY%%INVITER_NAME%%BUSINESS_NAME%%APP_NAME%%ROLE_NAME%"
              "%EXPIRES_AT%%COMMENTS%%DAYS_LEFT%|",
              aKnown, macro_known_count, "|");

  expect_error("unknown", "Hello %FOO%!", 12, aAB, 2, "unknown macro %FOO% at byte 7");
  expect_error("unterminated at end", "Hi %A", 5, aAB, 2, "unterminated macro %A at byte 4");
  expect_error("unterminated before a space", "%A %", 4, aAB, 2, "unterminated macro %A at byte 1");
  expect_error("lone at end", "x%", 2, aAB, 2, "lone '%' at byte 2 (write %% for a percent sign)");
  expect_error("lone before a space", "50% off", 7, aAB, 2,
               "lone '%' at byte 3 (write %% for a percent sign)");
  expect_error("lower case", "%first%", 7, aAB, 2,
               "invalid macro name %first% at byte 1 (use A-Z, 0-9 and _)");
  expect_error("error after a good macro", "%A%%A%%C%", 9, aAB, 2, "unknown macro %C% at byte 7");
  char zLong[80];
  memset(zLong, 'N', sizeof zLong);
  zLong[0] = '%';
  zLong[66] = '%';
  expect_error("65-byte name", zLong, 67, aAB, 2, "macro name longer than 64 bytes at byte 1");
  MacroValue aLong[] = {{zLong + 1, 64, "ok", 2}};
  size_t nOut;
  MacroError err;
  zLong[65] = '%';
  char *zOut = expand(zLong, 66, aLong, 1, (size_t)-1, &nOut, &err);
  CHECK(zOut && nOut == 2 && memcmp(zOut, "ok", 2) == 0, "64-byte name");
  free(zOut);
  /* a name running to the end of a long text stops at the limit */
  char *zHuge = malloc(1000);
  memset(zHuge, 'A', 1000);
  zHuge[0] = '%';
  zOut = expand(zHuge, 1000, aAB, 2, (size_t)-1, &nOut, &err);
  CHECK(zOut == 0 && err.eCode == MACRO_LONG_NAME && err.iByte == 1, "long run of name bytes");
  free(zHuge);

  MacroValue aDup[] = {V("A", "1"), V("B", "2"), V("A", "3")};
  char zMsg[MACRO_MAX_MESSAGE];
  CHECK(macro_sort(aDup, 3, &err) == MACRO_DUPLICATE &&
            strcmp(macro_message(&err, zMsg, sizeof zMsg), "macro A given twice") == 0,
        "duplicate names: %s", zMsg);

  /* bytes: NUL and non-UTF-8 in text and values pass through */
  MacroValue aBin[] = {{"A", 1, "\0\xff", 2}};
  zOut = expand("\xfe%A%\0", 5, aBin, 1, (size_t)-1, &nOut, &err);
  CHECK(zOut && nOut == 4 && memcmp(zOut, "\xfe\0\xff\0", 4) == 0, "NUL and non-UTF-8 bytes");
  free(zOut);

  /* the output limit, exactly */
  zOut = expand("ab%A%", 5, aAB, 2, 3, &nOut, &err);
  CHECK(zOut && nOut == 3, "output of exactly the limit");
  free(zOut);
  zOut = expand("abc%A%", 6, aAB, 2, 3, &nOut, &err);
  CHECK(zOut == 0 && err.eCode == MACRO_TOOBIG &&
            strcmp(macro_message(&err, zMsg, sizeof zMsg), "result longer than 3 bytes") == 0,
        "one byte over the limit: %s", zMsg);
  zOut = expand("abcd", 4, aAB, 2, 3, &nOut, &err);
  CHECK(zOut == 0 && err.eCode == MACRO_TOOBIG, "plain text over the limit");

  /* a million macros: linear work, one output buffer */
  size_t nBig = 3 * 1000000;
  char *zBig = malloc(nBig);
  for (size_t i = 0; i < nBig; i += 3) memcpy(zBig + i, "%A%", 3);
  zOut = expand(zBig, nBig, aAB, 2, (size_t)-1, &nOut, &err);
  CHECK(zOut && nOut == 1000000 && zOut[0] == 'x' && zOut[nOut - 1] == 'x', "a million macros");
  free(zOut);
  free(zBig);

  CHECK(!macro_name_valid("", 0) && !macro_name_valid("a", 1) && macro_name_valid("A_1", 3),
        "macro_name_valid");

  /* differential: random texts over a small alphabet, core vs reference */
  static const char alphabet[] = "%%%AB_abx \xc3";
  MacroValue aRnd[] = {V("A", "v%A%"), V("AB", ""), V("B_", "%%")};
  macro_sort(aRnd, 3, &err);
  int nMismatch = 0;
  for (int t = 0; t < 20000; t++) {
    char z[24], zRef[24 * 4 + 1], zGot[24 * 4 + 1];
    size_t n = rng() % sizeof z, nRef = 0, iByte = 0;
    int eRef = 0;
    for (size_t i = 0; i < n; i++) z[i] = alphabet[rng() % (sizeof alphabet - 1)];
    int bErr = ref_expand(z, n, aRnd, 3, zRef, &nRef, &eRef, &iByte);
    int rc = macro_measure(z, n, aRnd, 3, (size_t)-1, &nOut, &err);
    if (bErr) {
      if (rc != eRef || err.iByte != iByte) nMismatch++;
    } else if (rc != MACRO_OK || nOut != nRef) {
      nMismatch++;
    } else {
      macro_write(z, n, aRnd, 3, zGot);
      if (memcmp(zGot, zRef, nRef) != 0) nMismatch++;
    }
  }
  CHECK(nMismatch == 0, "20000 random texts agree with the reference (%d differ)", nMismatch);
  return nFail != 0;
}
