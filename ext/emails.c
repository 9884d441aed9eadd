/*
** emails.c — email addresses: normalised, validated, split from a list.
** The pure core (no SQLite call): invite_create, guest_invite, the
** invite_split_emails table (emails_sql.c) and the fuzzer use it.
**
**   char zNorm[EMAILS_MAX_ADDRESS + 1];
**   const char *zWhy = emails_normalize(" BOB@Example.COM", 16, zNorm);
**   -- zWhy NULL, zNorm "BOB@example.com"
**
** Separators are comma, space, tab, CR and LF; runs of them and leading or
** trailing ones produce no empty tokens.
**
** Normalisation: surrounding white space removed, the domain lower-cased;
** the local part keeps its case (RFC 5321) but the product matches addresses
** case-insensitively. Validation is deliberately stricter than RFC 5322: a
** dot-atom local part (no quoted strings, no comments), an ASCII hostname
** with at least two labels, at most 64 + 1 + 253 characters. What passes here
** is safe to put in an email header.
*/
#include "invite.h"

#include <string.h>

#define EMAILS_MAX_LOCAL 64

static int emails_is_atext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
  return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != 0;
}

const char *emails_header_safe(const char *z, int n) {
  for (int i = 0; i < n; i++) {
    unsigned char c = (unsigned char)z[i];
    if (c == '\r' || c == '\n') return "contains a line break (CR/LF)";
    if (c < 0x20 && c != '\t') return "contains a control character";
    if (c == 0x7f) return "contains a control character";
  }
  return 0;
}

const char *emails_normalize(const char *zIn, int nIn, char *zOut) {
  const char *zErr = emails_header_safe(zIn, nIn);
  if (zErr) return zErr;
  while (nIn > 0 && (zIn[0] == ' ' || zIn[0] == '\t')) zIn++, nIn--;
  while (nIn > 0 && (zIn[nIn - 1] == ' ' || zIn[nIn - 1] == '\t')) nIn--;
  if (nIn == 0) return "empty address";
  if (nIn > EMAILS_MAX_ADDRESS) return "address longer than 254 characters";
  const char *zAt = memchr(zIn, '@', (size_t)nIn);
  if (zAt == 0) return "missing '@'";
  int nLocal = (int)(zAt - zIn);
  const char *zDomain = zAt + 1;
  int nDomain = nIn - nLocal - 1;
  if (nLocal == 0) return "missing local part before '@'";
  if (nLocal > EMAILS_MAX_LOCAL) return "local part longer than 64 characters";
  if (nDomain == 0) return "missing domain";
  if (memchr(zDomain, '@', (size_t)nDomain)) return "more than one '@'";
  for (int i = 0; i < nLocal; i++) {
    unsigned char c = (unsigned char)zIn[i];
    if (c == '.') {
      if (i == 0 || i == nLocal - 1 || zIn[i - 1] == '.') return "misplaced '.' in the local part";
    } else if (c >= 0x80) {
      return "non-ASCII characters are not supported";
    } else if (!emails_is_atext(c)) {
      return "invalid character in the local part";
    }
  }
  int nLabels = 0, nLabel = 0, nLastLabel = 0, bAlphaTld = 0;
  for (int i = 0; i <= nDomain; i++) {
    unsigned char c = i < nDomain ? (unsigned char)zDomain[i] : '.';
    if (c == '.') {
      if (nLabel == 0) return "empty label in the domain";
      if (zDomain[i - 1] == '-') return "domain label ends with '-'";
      nLabels++;
      nLastLabel = nLabel;
      nLabel = 0;
      continue;
    }
    if (c >= 0x80) return "non-ASCII characters are not supported";
    int bAlpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!bAlpha && !(c >= '0' && c <= '9') && c != '-') return "invalid character in the domain";
    if (c == '-' && nLabel == 0) return "domain label starts with '-'";
    if (++nLabel > 63) return "domain label longer than 63 characters";
    if (nLabel == 1)
      bAlphaTld = bAlpha;
    else
      bAlphaTld = bAlphaTld && bAlpha;
  }
  if (nLabels < 2) return "domain needs a dot";
  if (!bAlphaTld || nLastLabel < 2) return "top-level domain must be 2 or more letters";
  memcpy(zOut, zIn, (size_t)nIn);
  for (int i = nLocal + 1; i < nIn; i++) {
    char c = zOut[i];
    if (c >= 'A' && c <= 'Z') zOut[i] = (char)(c + 32);
  }
  zOut[nIn] = 0;
  return 0;
}

static int emails_is_separator(char c) {
  return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int emails_split_next(const char *z, int n, int iFrom, int *piStart) {
  int i = iFrom;
  while (i < n && emails_is_separator(z[i])) i++;
  *piStart = i;
  while (i < n && !emails_is_separator(z[i])) i++;
  return i - *piStart;
}
