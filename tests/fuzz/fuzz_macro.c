/*
** fuzz_macro.c — libFuzzer target for the pure macro core (ext/macro.c).
**
**   clang -fsanitize=fuzzer,address,undefined -Iext tests/fuzz/fuzz_macro.c \
**         ext/macro.c -o fuzz_macro && ./fuzz_macro tests/fuzz/corpus/fuzz_macro
**
** The first byte picks an output limit; the rest is the text, in a buffer
** of exactly its size (no terminator), expanded with the known macros plus
** values that contain '%' (which must never be re-expanded). Checks: the
** writer fills exactly what the measure promised, the output respects the
** limit, and error positions point at a '%' inside the text.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  if (nData == 0) return 0;
  static const char *const azValue[] = {"", "%", "%USER_NAME%", "x", "%%", "value with spaces"};
  MacroValue aVal[32];
  size_t n = macro_known_count;
  memcpy(aVal, macro_known, n * sizeof aVal[0]);
  for (size_t i = 0; i < n; i++) {
    const char *z = azValue[(aData[0] + i) % (sizeof azValue / sizeof azValue[0])];
    aVal[i].zValue = z;
    aVal[i].nValue = strlen(z);
  }
  size_t nMax = aData[0] & 0x80 ? (size_t)(aData[0] & 0x7f) * 16 : (size_t)-1;
  size_t nText = nData - 1;
  char *zText = malloc(nText ? nText : 1);
  memcpy(zText, aData + 1, nText);

  size_t nOut = 0;
  MacroError err;
  char zMsg[MACRO_MAX_MESSAGE];
  int rc = macro_measure(zText, nText, aVal, n, nMax, &nOut, &err);
  macro_message(&err, zMsg, sizeof zMsg);
  if (strlen(zMsg) >= sizeof zMsg - 1) abort(); /* never truncated */
  if (rc == MACRO_OK) {
    if (nOut > nMax) abort();
    /* one byte of guard after the promised size, to catch overruns */
    char *zOut = malloc(nOut + 1);
    zOut[nOut] = 0x5a;
    macro_write(zText, nText, aVal, n, zOut);
    if (zOut[nOut] != 0x5a) abort();
    free(zOut);
  } else if (rc != MACRO_TOOBIG) {
    if (err.iByte < 1 || err.iByte > nText || zText[err.iByte - 1] != '%') abort();
  }
  free(zText);
  return 0;
}
