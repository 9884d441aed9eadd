/*
** invite-mail — delivers the outbox of a sqlite-invite database to an SMTP
** server (libcurl), without loading the extension: plain SQL on the outbox
** table, whose triggers enforce the life cycle and scrub the key.
**
**   invite-mail [--once] [--max-attempts N] [--interval S] [--timeout S]
**               --db FILE --smtp URL [--from ADDR] [--from-name NAME]
**               [--user U --password P] [--starttls]
**
**   invite-mail --once --db app.db --smtp smtp://127.0.0.1:2525 \
**               --from noreply@example.com
**
** For each due email (the outbox_pending view: queued and next_attempt_at
** <= now by the database's clock, pinned or not):
**   1. claim it: push next_attempt_at a lease ahead, only if it is still
**      queued with the next_attempt_at we read, so a second runner skips it;
**      the lease is --timeout + LEASE_MARGIN seconds: longer than curl may
**      take for the whole SMTP exchange (CURLOPT_TIMEOUT bounds it) plus the
**      database writes after it, so it cannot run out while we hold it;
**   2. build the message (RFC 5322 headers, RFC 2047 for non-ASCII
**      subjects and names, UTF-8 body in quoted-printable) and send it;
**   3. accepted (250 after DATA): one UPDATE marks it sent — the outbox_scrub
**      trigger removes the key from the stored body in the same statement;
**      refused: attempts + 1, last_error, next_attempt_at with exponential
**      back-off; 'failed' on a 5xx answer or after --max-attempts.
**
** Exactly once, almost. An email is marked sent only after the server
** accepted it, so nothing is lost. The remaining window is between the
** server's "250" and our COMMIT of the UPDATE (microseconds, or as long as
** the database stays locked): a crash or kill there leaves the email
** queued, and once its lease ends (--timeout + LEASE_MARGIN) it is sent again — with
** the same Message-ID, which lets receiving systems drop the duplicate.
** SMTP has no way to close that window from the client side.
**
** A server that refuses us rather than the email — a greeting other than
** 2xx/421, an authentication answer (530, 534, 535, 538, or curl's "login
** denied"), a 5xx to MAIL FROM other than 552 (size) — is a configuration
** error: the run stops with exit status 3 and the email in hand goes back
** as it was (its claim released, attempts unchanged), so a wrong password
** never marks the queue failed.
**
** --once drains what is due and exits; otherwise it polls every --interval
** seconds until SIGINT/SIGTERM (finishing the email in hand). Exit status:
** 0 when the run worked (deferred emails are normal), 1 on a database or
** setup error, 2 on bad usage, 3 when the SMTP server refused the
** configuration (URL, credentials, sender).
*/
#define _DEFAULT_SOURCE /* strdup, gmtime_r */
#include <curl/curl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A claim lasts --timeout plus this: the database writes after the send
** (busy timeout 10 s, six tries) fit in it with room to spare. */
#define LEASE_MARGIN 300
#define BACKOFF_BASE 60        /* first retry after a minute ... */
#define BACKOFF_MAX (6 * 3600) /* ... doubling, at most six hours apart */
#define BATCH_MAX 1000         /* due emails read per round */
#define QP_LINE_MAX 76         /* RFC 2045 */
#define EW_LINE_MAX 76         /* RFC 2047: lines with encoded words */
#define STR_(x) #x
#define STR(x) STR_(x)
#define EXIT_CONFIG 3 /* the SMTP server refused our configuration */

static volatile sig_atomic_t g_stop = 0;
static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

/* ---- a growing byte buffer ---- */

typedef struct Buf {
  char *z;
  size_t n, nAlloc;
  int bOom;
} Buf;

static void buf_add(Buf *p, const char *z, size_t n) {
  if (p->bOom) return;
  if (p->n + n + 1 > p->nAlloc) {
    size_t nNew = p->nAlloc ? p->nAlloc * 2 : 1024;
    while (nNew < p->n + n + 1) nNew *= 2;
    char *zNew = realloc(p->z, nNew);
    if (zNew == 0) {
      p->bOom = 1;
      return;
    }
    p->z = zNew;
    p->nAlloc = nNew;
  }
  memcpy(p->z + p->n, z, n);
  p->n += n;
  p->z[p->n] = 0;
}
static void buf_str(Buf *p, const char *z) { buf_add(p, z, strlen(z)); }
static void buf_free(Buf *p) {
  if (p->z) memset(p->z, 0, p->nAlloc); /* the body held a key */
  free(p->z);
  memset(p, 0, sizeof *p);
}

/* ---- encodings ---- */

/* NULL when z can go into a header, else what is wrong. */
static const char *header_unsafe(const char *z) {
  for (; *z; z++) {
    if (*z == '\r' || *z == '\n') return "contains CR/LF";
    if ((unsigned char)*z < 0x20 && *z != '\t') return "contains a control character";
  }
  return 0;
}

static int is_plain_ascii(const char *z) {
  for (; *z; z++) {
    unsigned char c = (unsigned char)*z;
    if (c < 0x20 || c > 0x7e) return 0;
  }
  return 1;
}

static void base64(Buf *p, const unsigned char *a, size_t n) {
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = a[i] << 16 | (i + 1 < n ? a[i + 1] << 8 : 0) | (i + 2 < n ? a[i + 2] : 0);
    char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
                 i + 2 < n ? b64[v & 63] : '='};
    buf_add(p, q, 4);
  }
}

/* RFC 2047 encoded words, never splitting a UTF-8 sequence, separated by
** folding white space; nCol is where the first one starts, so every line
** stays within EW_LINE_MAX. */
static void encoded_words(Buf *p, const char *z, size_t nCol) {
  size_t n = strlen(z), i = 0;
  while (i < n) {
    /* "=?UTF-8?B?" + base64 + "?=": 12 characters around 4 per 3 bytes */
    size_t nRaw = (EW_LINE_MAX - (i ? 1 : nCol) - 12) / 4 * 3;
    size_t k = n - i > nRaw ? nRaw : n - i;
    /* back up to the start of a UTF-8 sequence (not past the word start) */
    if (i + k < n) {
      size_t k0 = k;
      while (k > 0 && ((unsigned char)z[i + k] & 0xC0) == 0x80) k--;
      if (k == 0) k = k0; /* not UTF-8 at all: split anywhere */
    }
    if (i) buf_str(p, "\r\n ");
    buf_str(p, "=?UTF-8?B?");
    base64(p, (const unsigned char *)z + i, k);
    buf_str(p, "?=");
    i += k;
  }
}

/* An unstructured header value (Subject): as is when plain short ASCII that
** no decoder could mistake for an encoded word, else encoded words. */
static void header_text(Buf *p, const char *z, size_t nCol) {
  if (is_plain_ascii(z) && strlen(z) <= 900 && strstr(z, "=?") == 0) {
    buf_str(p, z);
  } else {
    encoded_words(p, z, nCol);
  }
}

/* "Name <addr>" with the name as atoms, a quoted string, or encoded words. */
static void header_mailbox(Buf *p, const char *zName, const char *zAddr, size_t nCol) {
  if (zName && zName[0]) {
    if (is_plain_ascii(zName) && strstr(zName, "=?") == 0 && strlen(zName) <= 200) {
      if (strpbrk(zName, "()<>[]:;@\\,.\"") == 0) {
        buf_str(p, zName);
      } else {
        buf_str(p, "\"");
        for (const char *c = zName; *c; c++) {
          if (*c == '"' || *c == '\\') buf_str(p, "\\");
          buf_add(p, c, 1);
        }
        buf_str(p, "\"");
      }
    } else {
      encoded_words(p, zName, nCol);
    }
    buf_str(p, " ");
  }
  buf_str(p, "<");
  buf_str(p, zAddr);
  buf_str(p, ">");
}

/* Quoted-printable (RFC 2045 6.7) with CRLF line ends. Also encoded: '.'
** and "From " at the start of a line (SMTP end-of-data, mbox), trailing
** white space, and a CR that does not end a line. Lines stay <= 76. */
static void quoted_printable(Buf *p, const char *z, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  size_t nLine = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)z[i];
    if (c == '\n' || (c == '\r' && i + 1 < n && z[i + 1] == '\n')) {
      if (c == '\r') i++;
      buf_str(p, "\r\n");
      nLine = 0;
      continue;
    }
    int bEol =
        i + 1 == n || z[i + 1] == '\n' || (z[i + 1] == '\r' && i + 2 < n && z[i + 2] == '\n');
    int bEncode = c == '=' || c > 126 || (c < 32 && c != '\t') ||
                  ((c == ' ' || c == '\t') && bEol) || (nLine == 0 && c == '.') ||
                  (nLine == 0 && c == 'F' && n - i >= 5 && memcmp(z + i, "From ", 5) == 0);
    size_t nTok = bEncode ? 3 : 1;
    /* keep room for the soft break's '=' */
    if (nLine + nTok > QP_LINE_MAX - 1 && !(bEol && nLine + nTok <= QP_LINE_MAX)) {
      buf_str(p, "=\r\n");
      nLine = 0;
      if (!bEncode && (c == '.' || (c == 'F' && n - i >= 5 && memcmp(z + i, "From ", 5) == 0))) {
        bEncode = 1, nTok = 3;
      }
    }
    if (bEncode) {
      char q[3] = {'=', hex[c >> 4], hex[c & 15]};
      buf_add(p, q, 3);
    } else {
      buf_add(p, (const char *)&c, 1);
    }
    nLine += nTok;
  }
  if (nLine) buf_str(p, "\r\n"); /* the message ends with a line break */
}

/* ---- the program ---- */

typedef struct Opts {
  const char *zDb, *zSmtp, *zFrom, *zFromName, *zUser, *zPassword;
  int bOnce, bStartTls, nMaxAttempts, nInterval, nTimeout;
} Opts;

typedef struct Stats {
  int nSent, nRetry, nFailed;
} Stats;

static void usage(void) {
  fprintf(stderr, "usage: invite-mail [--once] [--max-attempts N] [--interval S] "
                  "[--timeout S]\n"
                  "                   --db FILE --smtp URL [--from ADDR] "
                  "[--from-name NAME]\n"
                  "                   [--user U --password P] [--starttls]\n"
                  "  URL: smtp://host[:port] or smtps://host[:port]\n"
                  "  the password may also come from $INVITE_MAIL_PASSWORD\n");
}

static int parse_int(const char *z, int nMin, int nMax, int *pOut) {
  char *zEnd;
  long v = strtol(z, &zEnd, 10);
  if (*z == 0 || *zEnd || v < nMin || v > nMax) return 1;
  *pOut = (int)v;
  return 0;
}

static int parse_args(int argc, char **argv, Opts *o) {
  memset(o, 0, sizeof *o);
  o->zFrom = "invite-mail@localhost";
  o->nMaxAttempts = 8;
  o->nInterval = 30;
  o->nTimeout = 60;
  o->zPassword = getenv("INVITE_MAIL_PASSWORD");
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : 0;
    if (strcmp(a, "--once") == 0) {
      o->bOnce = 1;
    } else if (strcmp(a, "--starttls") == 0) {
      o->bStartTls = 1;
    } else if (v == 0) {
      fprintf(stderr, "invite-mail: unknown option or missing value: %s\n", a);
      return 1;
    } else if (strcmp(a, "--db") == 0) {
      o->zDb = v, i++;
    } else if (strcmp(a, "--smtp") == 0) {
      o->zSmtp = v, i++;
    } else if (strcmp(a, "--from") == 0) {
      o->zFrom = v, i++;
    } else if (strcmp(a, "--from-name") == 0) {
      o->zFromName = v, i++;
    } else if (strcmp(a, "--user") == 0) {
      o->zUser = v, i++;
    } else if (strcmp(a, "--password") == 0) {
      o->zPassword = v, i++;
    } else if (strcmp(a, "--max-attempts") == 0) {
      if (parse_int(v, 1, 100, &o->nMaxAttempts)) {
        fprintf(stderr, "invite-mail: --max-attempts must be 1 to 100\n");
        return 1;
      }
      i++;
    } else if (strcmp(a, "--interval") == 0) {
      if (parse_int(v, 1, 86400, &o->nInterval)) {
        fprintf(stderr, "invite-mail: --interval must be 1 to 86400 seconds\n");
        return 1;
      }
      i++;
    } else if (strcmp(a, "--timeout") == 0) {
      if (parse_int(v, 1, 3600, &o->nTimeout)) {
        fprintf(stderr, "invite-mail: --timeout must be 1 to 3600 seconds\n");
        return 1;
      }
      i++;
    } else {
      fprintf(stderr, "invite-mail: unknown option: %s\n", a);
      return 1;
    }
  }
  if (o->zDb == 0 || o->zSmtp == 0) {
    fprintf(stderr, "invite-mail: --db and --smtp are required\n");
    return 1;
  }
  if (strncmp(o->zSmtp, "smtp://", 7) != 0 && strncmp(o->zSmtp, "smtps://", 8) != 0) {
    fprintf(stderr, "invite-mail: --smtp must be an smtp:// or smtps:// URL\n");
    return 1;
  }
  if ((o->zUser == 0) != (o->zPassword == 0)) {
    fprintf(stderr, "invite-mail: --user and --password go together\n");
    return 1;
  }
  const char *zBad = header_unsafe(o->zFrom);
  if (zBad == 0 && o->zFromName) zBad = header_unsafe(o->zFromName);
  if (zBad || strpbrk(o->zFrom, " <>,;\"") || strchr(o->zFrom, '@') == 0) {
    fprintf(stderr, "invite-mail: --from must be a bare address (name: --from-name)"
                    " without CR/LF\n");
    return 1;
  }
  return 0;
}

typedef struct Reader {
  const char *z;
  size_t n, i;
} Reader;

static size_t read_cb(char *zOut, size_t nSize, size_t nItems, void *pArg) {
  Reader *r = pArg;
  size_t n = nSize * nItems;
  if (n > r->n - r->i) n = r->n - r->i;
  memcpy(zOut, r->z + r->i, n);
  r->i += n;
  return n;
}

/* Builds the message of one outbox row; NULL in *pzErr when it worked,
** else why this email can never be sent. */
static void build_message(Buf *p, const Opts *o, const char *zTo, const char *zToName,
                          const char *zSubject, const char *zBody, size_t nBody,
                          const char *zMessageId, const char **pzErr) {
  static const struct {
    const char *zWhat;
    int i;
  } aCheck[] = {{"recipient", 0}, {"recipient_name", 1}, {"subject", 2}, {"message_id", 3}};
  const char *az[4] = {zTo, zToName ? zToName : "", zSubject ? zSubject : "",
                       zMessageId ? zMessageId : ""};
  for (size_t i = 0; i < sizeof aCheck / sizeof aCheck[0]; i++) {
    if (header_unsafe(az[aCheck[i].i])) {
      *pzErr = aCheck[i].zWhat;
      return;
    }
  }
  *pzErr = 0;
  char zDate[64];
  time_t now = time(0);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(zDate, sizeof zDate, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  buf_str(p, "Date: ");
  buf_str(p, zDate);
  buf_str(p, "\r\nFrom: ");
  header_mailbox(p, o->zFromName, o->zFrom, 6);
  buf_str(p, "\r\nTo: ");
  header_mailbox(p, zToName, zTo, 4);
  buf_str(p, "\r\nSubject: ");
  header_text(p, az[2], 9);
  buf_str(p, "\r\nMessage-ID: ");
  buf_str(p, az[3]);
  buf_str(p, "\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=UTF-8\r\n"
             "Content-Transfer-Encoding: quoted-printable\r\n"
             "Auto-Submitted: auto-generated\r\n\r\n");
  quoted_printable(p, zBody, nBody);
}

/* Where the SMTP exchange stood: the last command we sent ("" before the
** first, i.e. while the greeting is read). curl's debug callback tells us. */
typedef struct Phase {
  char zCmd[16];
} Phase;

static int debug_cb(CURL *curl, curl_infotype type, char *z, size_t n, void *pArg) {
  (void)curl;
  Phase *p = pArg;
  /* curl says QUIT after a failure: the command that failed came before */
  if (type == CURLINFO_HEADER_OUT && !(n >= 4 && strncmp(z, "QUIT", 4) == 0)) {
    size_t i = 0;
    while (i < n && i + 1 < sizeof p->zCmd && z[i] != ' ' && z[i] != ':' && z[i] != '\r' &&
           z[i] != '\n') {
      p->zCmd[i] = z[i];
      i++;
    }
    p->zCmd[i] = 0;
  }
  return 0;
}

/* NULL when a failed send says something about this email (or nothing
** certain), else what is wrong with our side: the server will refuse
** every email the same way, so none of them should pay for it. */
static const char *config_problem(CURLcode cc, long iReply, const char *zCmd) {
  if (cc == CURLE_LOGIN_DENIED) return "the server refused the credentials";
  if (iReply == 530 || iReply == 534 || iReply == 535 || iReply == 538) {
    return "the server requires authentication or refused the credentials (--user, --password, --starttls)";
  }
  if (zCmd[0] == 0 && iReply >= 500 && iReply < 600) {
    return "the server refused the connection in its greeting (--smtp)";
  }
  if (strcmp(zCmd, "MAIL") == 0 && iReply >= 500 && iReply < 600 && iReply != 552) {
    return "the server refused the sender (--from, --user)";
  }
  return 0;
}

/* Sends one message; 0 when the server accepted it, else the curl code
** with the reason in zErr, the server's last reply code in *piReply and
** the last command sent in *pPhase. */
static CURLcode smtp_send(CURL *curl, const Opts *o, const char *zTo, const Buf *pMsg, char *zErr,
                          long *piReply, Phase *pPhase) {
  char zRcpt[512];
  snprintf(zRcpt, sizeof zRcpt, "<%s>", zTo);
  struct curl_slist *pRcpt = curl_slist_append(0, zRcpt);
  char zFrom[512];
  snprintf(zFrom, sizeof zFrom, "<%s>", o->zFrom);
  Reader r = {pMsg->z, pMsg->n, 0};
  zErr[0] = 0;
  curl_easy_setopt(curl, CURLOPT_URL, o->zSmtp);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#endif
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, zFrom);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, pRcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(curl, CURLOPT_READDATA, &r);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, zErr);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)o->nTimeout);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  pPhase->zCmd[0] = 0;
  curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt(curl, CURLOPT_DEBUGDATA, pPhase);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); /* feeds debug_cb, prints nothing */
  if (o->bStartTls) curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (o->zUser) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, o->zUser);
    curl_easy_setopt(curl, CURLOPT_PASSWORD, o->zPassword);
  }
  CURLcode rc = curl_easy_perform(curl);
  *piReply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, piReply);
  if (rc != CURLE_OK && zErr[0] == 0) {
    snprintf(zErr, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, (struct curl_slist *)0);
  curl_slist_free_all(pRcpt);
  return rc;
}

static const char SQL_DUE[] =
    "SELECT id, next_attempt_at FROM outbox_pending LIMIT " STR(BATCH_MAX);
/* Compare and set: only the runner that read ?2 wins; ?3 is the lease. */
static const char SQL_CLAIM[] = "UPDATE outbox SET next_attempt_at ="
                                "   datetime((SELECT now FROM invite_now), '+' || ?3 || ' seconds')"
                                " WHERE id = ?1 AND status = 'queued' AND next_attempt_at = ?2"
                                "   AND next_attempt_at <= (SELECT now FROM invite_now)"
                                " RETURNING next_attempt_at";
/* A configuration error: the email goes back as it was, if still ours. */
static const char SQL_RELEASE[] = "UPDATE outbox SET next_attempt_at = ?2"
                                  " WHERE id = ?1 AND status = 'queued' AND next_attempt_at = ?3";
static const char SQL_ROW[] =
    "SELECT recipient, recipient_name, subject, body, message_id, attempts"
    "  FROM outbox WHERE id = ?1";
/* One statement: the outbox_scrub trigger removes the key in it too. */
static const char SQL_SENT[] =
    "UPDATE outbox SET status = 'sent', sent_at = (SELECT now FROM invite_now),"
    "       attempts = attempts + 1, last_error = NULL"
    " WHERE id = ?1 AND status = 'queued'";
/* ?3: permanent (5xx, unbuildable); ?4: max attempts. Back-off from the
** attempts before this one: BASE, 2 BASE, 4 BASE ... at most MAX. */
static const char SQL_FAILED[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,"
    "       status = CASE WHEN ?3 OR attempts + 1 >= ?4 THEN 'failed' ELSE 'queued' END,"
    "       next_attempt_at = datetime((SELECT now FROM invite_now), '+' ||"
    "         min(?5 * (1 << min(attempts, 20)), ?6) || ' seconds')"
    " WHERE id = ?1 AND status = 'queued'"
    " RETURNING status, attempts, next_attempt_at";

typedef struct Db {
  sqlite3 *db;
  sqlite3_stmt *pDue, *pClaim, *pRelease, *pRow, *pSent, *pFailed;
} Db;

static int db_open(Db *d, const char *zFile) {
  memset(d, 0, sizeof *d);
  if (sqlite3_open_v2(zFile, &d->db, SQLITE_OPEN_READWRITE, 0) != SQLITE_OK) {
    fprintf(stderr, "invite-mail: cannot open %s: %s\n", zFile,
            d->db ? sqlite3_errmsg(d->db) : "out of memory");
    return 1;
  }
  sqlite3_busy_timeout(d->db, 10000);
  struct {
    const char *z;
    sqlite3_stmt **pp;
  } a[] = {{SQL_DUE, &d->pDue}, {SQL_CLAIM, &d->pClaim}, {SQL_RELEASE, &d->pRelease},
           {SQL_ROW, &d->pRow}, {SQL_SENT, &d->pSent},   {SQL_FAILED, &d->pFailed}};
  for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
    if (sqlite3_prepare_v2(d->db, a[i].z, -1, a[i].pp, 0) != SQLITE_OK) {
      fprintf(stderr,
              "invite-mail: %s has no outbox (run SELECT invite_init() "
              "with the extension first): %s\n",
              zFile, sqlite3_errmsg(d->db));
      return 1;
    }
  }
  return 0;
}

static void db_close(Db *d) {
  sqlite3_finalize(d->pDue);
  sqlite3_finalize(d->pClaim);
  sqlite3_finalize(d->pRelease);
  sqlite3_finalize(d->pRow);
  sqlite3_finalize(d->pSent);
  sqlite3_finalize(d->pFailed);
  sqlite3_close(d->db);
}

/* Steps a write to its end, retrying a few times past the busy timeout:
** after a send, giving up here would mean sending the email twice. */
static int db_write(Db *d, sqlite3_stmt *p) {
  for (int nTry = 0;; nTry++) {
    int rc;
    while ((rc = sqlite3_step(p)) == SQLITE_ROW) {}
    sqlite3_reset(p);
    if (rc == SQLITE_DONE) return SQLITE_OK;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || nTry == 5) {
      fprintf(stderr, "invite-mail: database error: %s\n", sqlite3_errmsg(d->db));
      return rc;
    }
    sleep(1);
  }
}

/* Records a failed attempt and prints its line. */
static int record_failure(Db *d, sqlite3_int64 id, const char *zTo, const char *zErr,
                          int bPermanent, const Opts *o, Stats *s) {
  sqlite3_stmt *p = d->pFailed;
  sqlite3_bind_int64(p, 1, id);
  sqlite3_bind_text(p, 2, zErr, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(p, 3, bPermanent);
  sqlite3_bind_int(p, 4, o->nMaxAttempts);
  sqlite3_bind_int(p, 5, BACKOFF_BASE);
  sqlite3_bind_int(p, 6, BACKOFF_MAX);
  int rc = sqlite3_step(p);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(p);
    if (rc == SQLITE_DONE) return 0; /* no longer queued: nothing to record */
  } else {
    const char *zStatus = (const char *)sqlite3_column_text(p, 0);
    int nAttempts = sqlite3_column_int(p, 1);
    if (zStatus && strcmp(zStatus, "failed") == 0) {
      s->nFailed++;
      printf("failed #%lld to %s: attempt %d: %s; giving up\n", (long long)id, zTo, nAttempts,
             zErr);
    } else {
      s->nRetry++;
      printf("retry  #%lld to %s: attempt %d: %s; next at %s\n", (long long)id, zTo, nAttempts,
             zErr, (const char *)sqlite3_column_text(p, 2));
    }
  }
  return db_write(d, p) == SQLITE_OK ? 0 : 1;
}

/* Claims email id if its next_attempt_at is still zDue: 1 when it is ours
** (the lease end in zLease), 0 when another runner has it, -1 on error. */
static int claim(Db *d, const Opts *o, sqlite3_int64 id, const char *zDue, char *zLease,
                 size_t nLease) {
  sqlite3_stmt *p = d->pClaim;
  sqlite3_bind_int64(p, 1, id);
  sqlite3_bind_text(p, 2, zDue, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(p, 3, o->nTimeout + LEASE_MARGIN);
  for (int nTry = 0;; nTry++) {
    int rc = sqlite3_step(p);
    if (rc == SQLITE_ROW) {
      snprintf(zLease, nLease, "%s", (const char *)sqlite3_column_text(p, 0));
      while (sqlite3_step(p) == SQLITE_ROW) {}
      sqlite3_reset(p);
      return 1;
    }
    sqlite3_reset(p);
    if (rc == SQLITE_DONE) return 0;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || nTry == 5) {
      fprintf(stderr, "invite-mail: database error: %s\n", sqlite3_errmsg(d->db));
      return -1;
    }
    sleep(1);
  }
}

/* Delivers one email that was due (at zDue). 0 to go on, 1 on a database
** error, EXIT_CONFIG when the server refused our configuration. */
static int deliver_one(Db *d, CURL *curl, const Opts *o, sqlite3_int64 id, const char *zDue,
                       Stats *s) {
  char zLease[32];
  int bOurs = claim(d, o, id, zDue, zLease, sizeof zLease);
  if (bOurs < 0) return 1;
  if (bOurs == 0) return 0; /* another runner has it */

  sqlite3_bind_int64(d->pRow, 1, id);
  if (sqlite3_step(d->pRow) != SQLITE_ROW) {
    sqlite3_reset(d->pRow);
    return 0;
  }
  char *zTo = strdup((const char *)sqlite3_column_text(d->pRow, 0));
  const char *zBad = 0;
  Buf msg = {0};
  const char *zName = (const char *)sqlite3_column_text(d->pRow, 1);
  build_message(&msg, o, zTo ? zTo : "", zName, (const char *)sqlite3_column_text(d->pRow, 2),
                (const char *)sqlite3_column_text(d->pRow, 3),
                (size_t)sqlite3_column_bytes(d->pRow, 3),
                (const char *)sqlite3_column_text(d->pRow, 4), &zBad);
  char zMessageId[256];
  snprintf(zMessageId, sizeof zMessageId, "%s", sqlite3_column_text(d->pRow, 4));
  int nAttempt = sqlite3_column_int(d->pRow, 5) + 1;
  sqlite3_reset(d->pRow);
  int rc = 0;
  if (zTo == 0 || msg.bOom) {
    fprintf(stderr, "invite-mail: out of memory\n");
    rc = 1;
  } else if (zBad) {
    char zErr[128];
    snprintf(zErr, sizeof zErr,
             "refusing to build a header from a %s with CR/LF "
             "or control characters",
             zBad);
    rc = record_failure(d, id, zTo, zErr, 1, o, s);
  } else {
    char zErr[CURL_ERROR_SIZE + 64], zCurl[CURL_ERROR_SIZE];
    long iReply;
    Phase phase;
    CURLcode cc = smtp_send(curl, o, zTo, &msg, zCurl, &iReply, &phase);
    const char *zConfig = cc == CURLE_OK ? 0 : config_problem(cc, iReply, phase.zCmd);
    if (cc == CURLE_OK) {
      sqlite3_bind_int64(d->pSent, 1, id);
      if (db_write(d, d->pSent)) {
        fprintf(stderr,
                "invite-mail: #%lld was SENT but could not be marked: "
                "it will be sent again after %s\n",
                (long long)id, zLease);
        rc = 1;
      } else {
        s->nSent++;
        printf("sent   #%lld to %s %s (attempt %d)\n", (long long)id, zTo, zMessageId, nAttempt);
      }
    } else if (zConfig) {
      sqlite3_bind_int64(d->pRelease, 1, id);
      sqlite3_bind_text(d->pRelease, 2, zDue, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(d->pRelease, 3, zLease, -1, SQLITE_TRANSIENT);
      rc = db_write(d, d->pRelease) ? 1 : EXIT_CONFIG;
      fprintf(stderr,
              "invite-mail: %s: %s%s%s (smtp %ld%s%s): stopping; the queue is left "
              "as it was (#%lld not attempted)\n",
              o->zSmtp, zConfig, zCurl[0] ? ": " : "", zCurl, iReply,
              phase.zCmd[0] ? " at " : " in the greeting", phase.zCmd, (long long)id);
    } else {
      if (iReply > 0) {
        snprintf(zErr, sizeof zErr, "smtp %ld: %s", iReply, zCurl);
      } else {
        snprintf(zErr, sizeof zErr, "%s", zCurl);
      }
      /* 5xx: the server will never take it; anything else may pass later. */
      rc = record_failure(d, id, zTo, zErr, iReply >= 500 && iReply < 600, o, s);
    }
  }
  fflush(stdout);
  buf_free(&msg);
  free(zTo);
  return rc;
}

/* One round: every email due now, each at most once. */
static int deliver_due(Db *d, CURL *curl, const Opts *o, Stats *s) {
  static sqlite3_int64 aId[BATCH_MAX];
  static char aDue[BATCH_MAX][20]; /* 'YYYY-MM-DD HH:MM:SS' */
  int nId = 0, rc;
  while (nId < BATCH_MAX && (rc = sqlite3_step(d->pDue)) == SQLITE_ROW) {
    aId[nId] = sqlite3_column_int64(d->pDue, 0);
    snprintf(aDue[nId], sizeof aDue[nId], "%s", (const char *)sqlite3_column_text(d->pDue, 1));
    nId++;
  }
  sqlite3_reset(d->pDue);
  if (nId < BATCH_MAX && rc != SQLITE_DONE) {
    fprintf(stderr, "invite-mail: cannot read the outbox: %s\n", sqlite3_errmsg(d->db));
    return 1;
  }
  for (int i = 0; i < nId && !g_stop; i++) {
    int rc1 = deliver_one(d, curl, o, aId[i], aDue[i], s);
    if (rc1) return rc1;
  }
  return 0;
}

int main(int argc, char **argv) {
  Opts o;
  if (parse_args(argc, argv, &o)) {
    usage();
    return 2;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);
  Db d;
  if (db_open(&d, o.zDb)) {
    db_close(&d);
    return 1;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, "invite-mail: cannot initialise libcurl\n");
    db_close(&d);
    return 1;
  }
  CURL *curl = curl_easy_init();
  Stats s = {0, 0, 0};
  int rc = curl ? 0 : 1;
  while (rc == 0 && !g_stop) {
    rc = deliver_due(&d, curl, &o, &s);
    if (o.bOnce) break;
    for (int i = 0; i < o.nInterval && !g_stop; i++) sleep(1);
  }
  printf("invite-mail: %d sent, %d to retry, %d failed\n", s.nSent, s.nRetry, s.nFailed);
  if (curl) curl_easy_cleanup(curl);
  curl_global_cleanup();
  db_close(&d);
  return rc;
}
