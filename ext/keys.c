/*
** keys.c — invitation keys: made, encoded, checked and hashed.
**
** A key is 32 bytes from randombytes_buf() written as 43 characters of
** URL-safe base64 without padding. Only its BLAKE2b-256 hash
** (crypto_generichash over the 32 raw bytes) is stored, behind a unique
** index, so a copy of the database yields no usable key. Every buffer that
** held a raw key is wiped with sodium_memzero() before it goes out of scope.
**
** Pure C: no sqlite3 calls, so tests and fuzzers use it directly.
*/
#include "invite.h"

#include <sodium.h>
#include <string.h>

int keys_generate(char *zKey, unsigned char *aHash) {
  unsigned char aRaw[KEYS_RAW_BYTES];
  randombytes_buf(aRaw, sizeof aRaw);
  sodium_bin2base64(zKey, KEYS_TEXT_CHARS + 1, aRaw, sizeof aRaw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  int rc = crypto_generichash(aHash, KEYS_HASH_BYTES, aRaw, sizeof aRaw, 0, 0);
  sodium_memzero(aRaw, sizeof aRaw);
  return rc;
}

static int keys_is_alphabet(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

const char *keys_hash_text(const char *zKey, int nKey, unsigned char *aHash) {
  if (nKey != KEYS_TEXT_CHARS) {
    return nKey < KEYS_TEXT_CHARS ? "malformed key: too short" : "malformed key: too long";
  }
  for (int i = 0; i < nKey; i++) {
    if (!keys_is_alphabet((unsigned char)zKey[i])) {
      return "malformed key: not a URL-safe base64 key";
    }
  }
  unsigned char aRaw[KEYS_RAW_BYTES];
  size_t nRaw = 0;
  const char *zEnd = 0;
  int rc = sodium_base642bin(aRaw, sizeof aRaw, zKey, (size_t)nKey, 0, &nRaw, &zEnd,
                             sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  /* 43 characters carry 258 bits: the last 2 must be zero (canonical form),
  ** which libsodium checks; anything else is not a key we made. */
  if (rc != 0 || nRaw != KEYS_RAW_BYTES || zEnd != zKey + nKey) {
    sodium_memzero(aRaw, sizeof aRaw);
    return "malformed key: not a URL-safe base64 key";
  }
  rc = crypto_generichash(aHash, KEYS_HASH_BYTES, aRaw, sizeof aRaw, 0, 0);
  sodium_memzero(aRaw, sizeof aRaw);
  return rc == 0 ? 0 : "cannot hash the key";
}
