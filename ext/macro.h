/*
** macro.h — %NAME% macros in email templates: the pure C core.
**
** No SQLite types and no allocation here, so the unit test and the fuzzer
** link ext/macro.c alone. The SQL functions (macro_expand,
** invite_template_check, invite_raise) are the glue in macro_sql.c.
**
** Syntax, read left to right in one pass:
**   %NAME%   NAME in [A-Z0-9_]{1,MACRO_MAX_NAME}: replaced by its value,
**            verbatim (a value is never scanned for macros)
**   %%       a literal '%'
**   anything else starting with '%' is an error (see MacroError).
** "%A%%B%" is therefore %A% then %B%. Any byte other than '%' is copied as
** is, so non-UTF-8 text and embedded NULs pass through unchanged.
**
** Use: macro_sort() the values once, macro_measure() the text (checks it
** and gives the exact output size), allocate that many bytes, then
** macro_write(). Both passes are linear in the text; each macro costs a
** binary search in the values.
*/
#ifndef INVITE_MACRO_H
#define INVITE_MACRO_H

#include <stddef.h>

#define MACRO_MAX_NAME 64     /* bytes in a macro name */
#define MACRO_MAX_MESSAGE 160 /* macro_message() never needs more */

typedef struct MacroValue {
  const char *zName; /* not NUL-terminated: nName bytes */
  size_t nName;
  const char *zValue; /* nValue bytes, copied verbatim; may hold any byte */
  size_t nValue;
} MacroValue;

enum {
  MACRO_OK = 0,
  MACRO_UNKNOWN,      /* %NAME% not among the values */
  MACRO_UNTERMINATED, /* %NAME without its closing % */
  MACRO_LONE,         /* a '%' followed by neither a name nor '%' */
  MACRO_BAD_NAME,     /* %name% with characters outside [A-Z0-9_] */
  MACRO_LONG_NAME,    /* a name longer than MACRO_MAX_NAME */
  MACRO_TOOBIG,       /* the output would exceed the caller's limit */
  MACRO_DUPLICATE     /* macro_sort(): a name given twice */
};

typedef struct MacroError {
  int eCode;
  size_t iByte; /* where the offending '%' is, counting from 1 (as substr) */
  size_t nMax;  /* MACRO_TOOBIG: the limit */
  size_t nName;
  char zName[MACRO_MAX_NAME + 1]; /* the name as written, NUL-terminated */
} MacroError;

/* 1 when z[0..n) is a valid macro name: [A-Z0-9_], 1 to MACRO_MAX_NAME. */
int macro_name_valid(const char *z, size_t n);

/* Sorts a[] by name for the lookups. Returns MACRO_OK, or MACRO_DUPLICATE
** with the name in *pErr. */
int macro_sort(MacroValue *a, size_t n, MacroError *pErr);

/* Checks zText against the sorted values a[] and sets *pnOut to the size of
** the expansion (no terminator counted). Fails with MACRO_TOOBIG when that
** would exceed nMax. Returns MACRO_OK or the error, described in *pErr. */
int macro_measure(const char *zText, size_t nText, const MacroValue *a, size_t n, size_t nMax,
                  size_t *pnOut, MacroError *pErr);

/* Writes the expansion into zOut, which holds the *pnOut bytes that
** macro_measure() reported for the same arguments (it must have returned
** MACRO_OK). Writes no terminator. */
void macro_write(const char *zText, size_t nText, const MacroValue *a, size_t n, char *zOut);

/* The macros templates may use (design, section 4), sorted, values "". */
extern const MacroValue macro_known[];
extern const size_t macro_known_count;

/* Formats *pErr as "unknown macro %FOO% at byte 12" into zBuf (at least
** MACRO_MAX_MESSAGE bytes). Returns zBuf. */
char *macro_message(const MacroError *pErr, char *zBuf, size_t nBuf);

#endif /* INVITE_MACRO_H */
