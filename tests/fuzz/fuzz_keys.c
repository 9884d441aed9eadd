/*
** fuzz_keys.c — libFuzzer target for the key decoder of ext/keys.c
** (keys_hash_text: what invite_redeem and invite_peek do with a key).
**
**   build/fuzz/fuzz_keys tests/fuzz/corpus/fuzz_keys -dict=tests/fuzz/fuzz_keys.dict
**
** Checks, beyond the sanitizers: a key is accepted only if it is exactly
** the canonical URL-safe base64 text of 32 bytes (so one key has one
** spelling and one hash), its hash is the BLAKE2b-256 of those bytes, and a
** refusal always says why.
*/
#include "invite.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
  do {                                                                                             \
    if (!(x)) abort();                                                                             \
  } while (0)

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv) {
  (void)pArgc, (void)pArgv;
  CHECK(sodium_init() >= 0);
  /* What keys_generate makes, keys_hash_text accepts with the same hash. */
  char zKey[KEYS_TEXT_CHARS + 1];
  unsigned char aMade[KEYS_HASH_BYTES], aRead[KEYS_HASH_BYTES];
  CHECK(keys_generate(zKey, aMade) == 0);
  CHECK(strlen(zKey) == KEYS_TEXT_CHARS);
  CHECK(keys_hash_text(zKey, KEYS_TEXT_CHARS, aRead) == 0);
  CHECK(memcmp(aMade, aRead, KEYS_HASH_BYTES) == 0);
  return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *aData, size_t nData) {
  if (nData > 4096) return 0;
  const char *z = (const char *)aData;
  unsigned char aHash[KEYS_HASH_BYTES];
  const char *zErr = keys_hash_text(z, (int)nData, aHash);
  if (zErr) {
    CHECK(strncmp(zErr, "malformed key: ", 15) == 0);
    return 0;
  }
  CHECK(nData == KEYS_TEXT_CHARS);
  /* Decode independently and re-encode: the text must be canonical. */
  unsigned char aRaw[KEYS_RAW_BYTES];
  size_t nRaw = 0;
  CHECK(sodium_base642bin(aRaw, sizeof aRaw, z, nData, 0, &nRaw, 0,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
  CHECK(nRaw == KEYS_RAW_BYTES);
  char zBack[KEYS_TEXT_CHARS + 1];
  sodium_bin2base64(zBack, sizeof zBack, aRaw, sizeof aRaw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  CHECK(memcmp(zBack, z, KEYS_TEXT_CHARS) == 0);
  unsigned char aExpect[KEYS_HASH_BYTES];
  CHECK(crypto_generichash(aExpect, sizeof aExpect, aRaw, sizeof aRaw, 0, 0) == 0);
  CHECK(memcmp(aExpect, aHash, KEYS_HASH_BYTES) == 0);
  return 0;
}
