/*
** macro.c — the %NAME% macro scanner (see macro.h for the syntax).
**
** One scanner, macro_next(), is shared by the measuring and the writing
** pass, so the two can never disagree about where a macro is. It jumps
** from '%' to '%' with memchr and never reads past nText: the input need
** not be NUL-terminated.
*/
#include "macro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M(name)                                                                                    \
  { name, sizeof(name) - 1, "", 0 }
/* Sorted by name (memcmp order): macro_lookup() searches it. */
const MacroValue macro_known[] = {
    M("APP_NAME"),    M("BUSINESS_NAME"),   M("COMMENTS"),     M("DAYS_LEFT"), M("EMAIL"),
    M("EXPIRES_AT"),  M("FIRST_NAME"),      M("INVITER_NAME"), M("LAST_NAME"), M("ROLE_NAME"),
    M("SESSION_KEY"), M("SESSION_KEY_URL"), M("USER_NAME"),
};
#undef M
const size_t macro_known_count = sizeof macro_known / sizeof macro_known[0];

static int is_name_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Lower-case letters are scanned too, only to report %first_name% as a bad
** name instead of as a lone '%'. */
static int is_loose_name_char(unsigned char c) { return is_name_char(c) || (c >= 'a' && c <= 'z'); }

int macro_name_valid(const char *z, size_t n) {
  if (n == 0 || n > MACRO_MAX_NAME) return 0;
  for (size_t i = 0; i < n; i++) {
    if (!is_name_char((unsigned char)z[i])) return 0;
  }
  return 1;
}

static int name_cmp(const char *zA, size_t nA, const char *zB, size_t nB) {
  int c = memcmp(zA, zB, nA < nB ? nA : nB);
  if (c) return c;
  return nA < nB ? -1 : nA > nB;
}

static int value_cmp(const void *pA, const void *pB) {
  const MacroValue *a = pA, *b = pB;
  return name_cmp(a->zName, a->nName, b->zName, b->nName);
}

static void error_name(MacroError *pErr, int eCode, size_t iByte, const char *zName, size_t nName) {
  pErr->eCode = eCode;
  pErr->iByte = iByte;
  pErr->nMax = 0;
  if (nName > MACRO_MAX_NAME) nName = MACRO_MAX_NAME;
  memcpy(pErr->zName, zName, nName);
  pErr->zName[nName] = 0;
  pErr->nName = nName;
}

int macro_sort(MacroValue *a, size_t n, MacroError *pErr) {
  if (n > 1) qsort(a, n, sizeof a[0], value_cmp);
  for (size_t i = 1; i < n; i++) {
    if (value_cmp(&a[i - 1], &a[i]) == 0) {
      error_name(pErr, MACRO_DUPLICATE, 0, a[i].zName, a[i].nName);
      return MACRO_DUPLICATE;
    }
  }
  pErr->eCode = MACRO_OK;
  return MACRO_OK;
}

static const MacroValue *macro_lookup(const MacroValue *a, size_t n, const char *zName,
                                      size_t nName) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = name_cmp(zName, nName, a[mid].zName, a[mid].nName);
    if (c == 0) return &a[mid];
    if (c < 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return 0;
}

/* One token starting at zText[i], which is '%'. On success sets *piNext
** past the token and *ppVal to the macro's value, or to NULL for "%%". */
static int macro_next(const char *zText, size_t nText, size_t i, const MacroValue *a, size_t n,
                      size_t *piNext, const MacroValue **ppVal, MacroError *pErr) {
  if (i + 1 < nText && zText[i + 1] == '%') {
    *piNext = i + 2;
    *ppVal = 0;
    return MACRO_OK;
  }
  size_t j = i + 1;
  int bLower = 0;
  /* Stop one past the limit: enough to know the name is too long. */
  while (j < nText && j - (i + 1) <= MACRO_MAX_NAME &&
         is_loose_name_char((unsigned char)zText[j])) {
    bLower |= zText[j] >= 'a' && zText[j] <= 'z';
    j++;
  }
  const char *zName = zText + i + 1;
  size_t nName = j - (i + 1);
  if (nName > MACRO_MAX_NAME) {
    error_name(pErr, MACRO_LONG_NAME, i + 1, zName, nName);
    return MACRO_LONG_NAME;
  }
  if (j == nText || zText[j] != '%') {
    int e = nName ? MACRO_UNTERMINATED : MACRO_LONE;
    error_name(pErr, e, i + 1, zName, nName);
    return e;
  }
  if (bLower) {
    error_name(pErr, MACRO_BAD_NAME, i + 1, zName, nName);
    return MACRO_BAD_NAME;
  }
  const MacroValue *pVal = macro_lookup(a, n, zName, nName);
  if (pVal == 0) {
    error_name(pErr, MACRO_UNKNOWN, i + 1, zName, nName);
    return MACRO_UNKNOWN;
  }
  *piNext = j + 1;
  *ppVal = pVal;
  return MACRO_OK;
}

int macro_measure(const char *zText, size_t nText, const MacroValue *a, size_t n, size_t nMax,
                  size_t *pnOut, MacroError *pErr) {
  size_t nOut = 0, i = 0;
  pErr->eCode = MACRO_OK;
  while (i < nText) {
    const char *zPct = memchr(zText + i, '%', nText - i);
    size_t nPlain = (zPct ? (size_t)(zPct - zText) : nText) - i;
    if (nPlain > nMax - nOut) goto toobig;
    nOut += nPlain;
    if (zPct == 0) break;
    size_t iNext;
    const MacroValue *pVal;
    int rc = macro_next(zText, nText, (size_t)(zPct - zText), a, n, &iNext, &pVal, pErr);
    if (rc) return rc;
    size_t nAdd = pVal ? pVal->nValue : 1;
    if (nAdd > nMax - nOut) goto toobig;
    nOut += nAdd;
    i = iNext;
  }
  *pnOut = nOut;
  return MACRO_OK;
toobig:
  pErr->eCode = MACRO_TOOBIG;
  pErr->iByte = 0;
  pErr->nMax = nMax;
  pErr->zName[0] = 0;
  pErr->nName = 0;
  return MACRO_TOOBIG;
}

void macro_write(const char *zText, size_t nText, const MacroValue *a, size_t n, char *zOut) {
  size_t i = 0;
  MacroError err;
  while (i < nText) {
    const char *zPct = memchr(zText + i, '%', nText - i);
    size_t nPlain = (zPct ? (size_t)(zPct - zText) : nText) - i;
    memcpy(zOut, zText + i, nPlain);
    zOut += nPlain;
    if (zPct == 0) break;
    size_t iNext;
    const MacroValue *pVal;
    /* macro_measure() accepted this text: no error is possible here. */
    if (macro_next(zText, nText, (size_t)(zPct - zText), a, n, &iNext, &pVal, &err)) {
      return;
    }
    if (pVal) {
      if (pVal->nValue) memcpy(zOut, pVal->zValue, pVal->nValue);
      zOut += pVal->nValue;
    } else {
      *zOut++ = '%';
    }
    i = iNext;
  }
}

char *macro_message(const MacroError *pErr, char *zBuf, size_t nBuf) {
  const char *zName = pErr->zName;
  size_t iByte = pErr->iByte;
  switch (pErr->eCode) {
  case MACRO_OK: snprintf(zBuf, nBuf, "no error"); break;
  case MACRO_UNKNOWN: snprintf(zBuf, nBuf, "unknown macro %%%s%% at byte %zu", zName, iByte); break;
  case MACRO_UNTERMINATED:
    snprintf(zBuf, nBuf, "unterminated macro %%%s at byte %zu", zName, iByte);
    break;
  case MACRO_LONE:
    snprintf(zBuf, nBuf, "lone '%%' at byte %zu (write %%%% for a percent sign)", iByte);
    break;
  case MACRO_BAD_NAME:
    snprintf(zBuf, nBuf, "invalid macro name %%%s%% at byte %zu (use A-Z, 0-9 and _)", zName,
             iByte);
    break;
  case MACRO_LONG_NAME:
    snprintf(zBuf, nBuf, "macro name longer than %d bytes at byte %zu", MACRO_MAX_NAME, iByte);
    break;
  case MACRO_TOOBIG: snprintf(zBuf, nBuf, "result longer than %zu bytes", pErr->nMax); break;
  case MACRO_DUPLICATE: snprintf(zBuf, nBuf, "macro %s given twice", zName); break;
  default: snprintf(zBuf, nBuf, "error %d", pErr->eCode); break;
  }
  return zBuf;
}
