/*
** invite.h — declarations shared by the files of the invite extension.
**
** Every ext/ C file includes this header, which pulls in sqlite3ext.h with
** SQLITE_EXTENSION_INIT3 (entry.c, INVITE_MAIN_FILE: INIT1, the table's
** definition), so all sqlite3_* calls go through the API table handed to
** sqlite3_invite_init().
**
** Ownership: an InviteConn belongs to one database connection. Each SQL
** function registered on that connection holds a reference (InviteFunc); the
** last one released finalizes the cached statements and frees the struct.
*/
#ifndef INVITE_H
#define INVITE_H

#include <sqlite3ext.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#ifdef INVITE_MAIN_FILE
SQLITE_EXTENSION_INIT1
#else
SQLITE_EXTENSION_INIT3
#endif

#define INVITE_VERSION "0.1.0"
/* Bumped whenever sql/ changes in a released version; see schema.c. */
#define INVITE_SCHEMA_VERSION 2

/* Statements cached per connection; an open-addressing table keyed by the
** address of the SQL template (each template is a static string). */
#define INVITE_STMT_SLOTS 256

typedef struct InviteConn InviteConn;
typedef struct InviteFunc InviteFunc;

struct InviteConn {
  sqlite3 *db;
  int nRef;
  char *zSchema;    /* schema chosen by invite_init(), "main" by default */
  int bAuditKey;    /* aAuditKey holds the audit key (audit.c) */
  int bErasing;     /* inside invite_purge()/user_forget() (retention.c) */
  int bInstalling;  /* invite_init() is installing (invite_installing()) */
  int eDqlite;      /* 0 not known yet, 1 plain VFS, 2 a dqlite node (dqlite.c) */
  char *zLastError; /* the last error raised here, for invite_last_error() */
  /* sqlite3_invite_init(), handed down so law.c can load the extension into
  ** its scratch reference database without depending on the entry point */
  int (*xLoad)(sqlite3 *, char **, const sqlite3_api_routines *);
  unsigned char aAuditKey[32];
  struct {
    const char *zTemplate; /* key: address of the static SQL template */
    sqlite3_stmt *pStmt;
  } aStmt[INVITE_STMT_SLOTS];
};

/* The user data of every registered function: its SQL name (the prefix of
** every error it raises) and the connection state. */
struct InviteFunc {
  const char *zName;
  InviteConn *pConn;
};

/* The connection state and the SQL name of the function being called. */
static inline InviteConn *invite_conn(sqlite3_context *ctx) {
  return ((InviteFunc *)sqlite3_user_data(ctx))->pConn;
}
static inline const char *invite_fname(sqlite3_context *ctx) {
  return ((InviteFunc *)sqlite3_user_data(ctx))->zName;
}

/* ---- errors.c: "<sql function>: <message>" ---- */

/* Sets the function's result to the error "<name>: <message>" with code rc
** (SQLITE_ERROR, SQLITE_CONSTRAINT, SQLITE_TOOBIG, SQLITE_MISUSE...). */
void invite_errorf(sqlite3_context *ctx, int rc, const char *zFormat, ...);
/* The same, after an inner SQLite call failed: appends sqlite3_errmsg(). */
void invite_error_db(sqlite3_context *ctx, const char *zFormat, ...);

/* After a write failed: when the cause is not a rule (BUSY, BUSY_SNAPSHOT,
** LOCKED, IOERR, NOMEM...), sets "<name>: cannot write: <sqlite error>" with
** the extended code unchanged and returns 1; 0 for a refusal
** (SQLITE_CONSTRAINT), which the caller explains. */
int invite_not_a_rule(sqlite3_context *ctx);

/* The message of the last error without SQLite's "stepping, " noise. */
const char *invite_db_message(sqlite3 *db);

/* ---- arguments.c ---- */

/* "integer", "real", "text", "blob" or "NULL": for "must be ..., got %s". */
const char *invite_type_name(int eType);

/* Argument checkers: on failure they set the error result (naming the
** argument by position and name) and return non-zero. */
int invite_arg_id(sqlite3_context *ctx, sqlite3_value **argv, int i, const char *zArg,
                  sqlite3_int64 *pId);
int invite_arg_text(sqlite3_context *ctx, sqlite3_value **argv, int i, const char *zArg, int nMax,
                    const char **pz, int *pn);

/* Normalises the address z (z[n] is NUL) into zOut[EMAILS_MAX_ADDRESS + 1];
** non-zero, with the error "invalid email address '<z>': <why>" set (the
** address quoted only when it prints on one line), when it is refused. */
int invite_email_arg(sqlite3_context *ctx, const char *z, int n, char *zOut);
/* Non-zero, with the error "<zWhat> <iArg> (<zName>) is not valid UTF-8
** (...)" or "... contains a NUL byte" set, when z[0..n) is refused; iArg 0
** names it "<zWhat> '<zName>'" (an option, a column). */
int invite_text_refused(sqlite3_context *ctx, const char *z, int n, const char *zWhat, int iArg,
                        const char *zName);

/* ---- text.c: valid UTF-8 without NUL ---- */
/* Offset of the first byte of z[0..n) that is NUL or not part of valid UTF-8
** (overlong forms, surrogates and code points past U+10FFFF are invalid),
** or -1 when the text is valid and NUL-free. */
int invite_utf8_bad(const char *z, int n);
/* z[0..n) with each invalid byte written as \xFF (NUL as \x00), cut with
** "..." after about nMax bytes: safe to quote in a message. Caller frees. */
char *invite_escape(const char *z, int n, int nMax);

/* ---- statements.c: the statement cache ---- */

/* Returns the cached statement for zTemplate, prepared on first use with
** every "$S" replaced by the quoted schema name. The statement is reset and
** its bindings cleared; the caller resets it when done. NULL on error, with
** the error result set. */
sqlite3_stmt *invite_stmt(sqlite3_context *ctx, const char *zTemplate);
void invite_stmt_cache_clear(InviteConn *p);
/* Replaces "$S" in zTemplate by "zSchema" (quoted). Caller frees. */
char *invite_sql_for_schema(const char *zTemplate, const char *zSchema);

/* Runs a cached statement that returns no rows (or whose rows are ignored).
** On failure sets "<name>: <zWhat>: <sqlite error>" and returns the rc. */
int invite_stmt_done(sqlite3_context *ctx, sqlite3_stmt *pStmt, const char *zWhat);

/* Steps the cached query zSql with id bound to ?1: 1 when it returns a row
** (column 0 copied as text into zOut[nOut] when zOut is given), 0 when it
** returns none, -1 with the error set when it fails ("cannot look up
** <zWhat> <id>: ..."). */
int invite_lookup(sqlite3_context *ctx, const char *zSql, sqlite3_int64 id, const char *zWhat,
                  char *zOut, int nOut);

/* ---- transactions.c ---- */
/* Atomic verbs: invite_verb_begin() refuses to run under a statement that is
** writing, then opens BEGIN IMMEDIATE (autocommit) or a SAVEPOINT (inside
** the caller's transaction). invite_verb_end() commits or rolls back. */
typedef struct InviteTx {
  int bSavepoint;
  int bOpen;
} InviteTx;
int invite_verb_begin(sqlite3_context *ctx, InviteTx *pTx);
int invite_verb_end(sqlite3_context *ctx, InviteTx *pTx, int bCommit);
/* The end of a verb that did one thing a row of pRows, read to rc: commits
** and returns nDone when the rows ran out (SQLITE_DONE); otherwise sets
** "cannot read <zRows>" and rolls back. pRows is reset either way. */
void invite_verb_end_rows(sqlite3_context *ctx, InviteTx *pTx, sqlite3_stmt *pRows, int rc,
                          const char *zRows, int nDone);

/* ---- dqlite.c: a connection of a dqlite node ---- */
/* Non-zero when the connection's main database is on a dqlite VFS. */
int invite_on_dqlite(sqlite3_context *ctx);
/* On dqlite in autocommit: sets the error and returns non-zero. */
int invite_dqlite_refuse_autocommit(sqlite3_context *ctx);
/* On dqlite for a schema other than main: sets the error, returns non-zero. */
int invite_dqlite_refuse_attached(sqlite3_context *ctx, const char *zSchema);

/* ---- sql_text.c: the SQL of sql/, embedded at build time ---- */
/* A file: its path in the source tree and its text ("$S" for the schema). */
typedef const char *const InviteSqlFile[2];
/* The feature files in install order; the migrations 002_*.sql, ... in order. */
const InviteSqlFile *invite_sql_files(size_t *pn);
const InviteSqlFile *invite_sql_migrations(size_t *pn);
/* Installs the feature files into db's main: the law's reference (law.c). */
int invite_sql_install_reference(sqlite3 *db);

/* ---- clock.c: the one place "now" is read ---- */
/* Writes the current time "YYYY-MM-DD HH:MM:SS" into zOut[20]. */
int invite_now(sqlite3_context *ctx, char zOut[20]);

/* ---- json.c: a small JSON writer on sqlite3_str ---- */
void json_open(sqlite3_str *p);                  /* "{" */
void json_key(sqlite3_str *p, const char *zKey); /* ,"key": */
void json_text(sqlite3_str *p, const char *z);   /* quoted, or null */
void json_int(sqlite3_str *p, sqlite3_int64 v);
void json_value(sqlite3_str *p, sqlite3_value *v); /* any SQL value */
void json_close(sqlite3_str *p);                   /* "}" */
/* Hands the object over as the function's result, with JSON subtype; the
** buffer is wiped before it is freed, because results may hold keys. */
void json_result(sqlite3_context *ctx, sqlite3_str *p);
/* Reads an options object with json_each; unknown keys are an error. */
#define INVITE_OPT_FLAG 100   /* true, false, 0 or 1 */
#define INVITE_OPT_OBJECT 101 /* a JSON object */
typedef struct InviteOption {
  const char *zName;
  int eType;             /* SQLITE_INTEGER, SQLITE_TEXT, INVITE_OPT_FLAG or INVITE_OPT_OBJECT */
  sqlite3_value *pValue; /* set when present; freed by json_options_free */
} InviteOption;
int json_options(sqlite3_context *ctx, sqlite3_value *pJson, int iArg, InviteOption *aOpt,
                 int nOpt);
void json_options_free(InviteOption *aOpt, int nOpt);
/* A text option: at most nMax bytes, no NUL; bHeader: it may reach an email
** header, so no CR/LF or other control character. *pz stays NULL when the
** option is absent. Non-zero, with the error set, when refused. */
int json_option_text(sqlite3_context *ctx, InviteOption *pOpt, int nMax, int bHeader,
                     const char **pz, int *pn);

/* ---- keys.c ---- */
#define KEYS_RAW_BYTES 32  /* 256 bits from randombytes_buf */
#define KEYS_TEXT_CHARS 43 /* URL-safe base64 without padding */
#define KEYS_HASH_BYTES 32 /* BLAKE2b-256 */
/* Makes a fresh key: zKey (KEYS_TEXT_CHARS+1 bytes) and its hash. */
int keys_generate(char *zKey, unsigned char *aHash);
/* Checks zKey's length and alphabet and hashes it; 0 on success, otherwise
** a static message saying what is wrong with it. */
const char *keys_hash_text(const char *zKey, int nKey, unsigned char *aHash);

/* ---- emails.c: the pure core (invite_split_emails: emails_sql.c) ---- */
#define EMAILS_MAX_ADDRESS 254
/* Normalizes zIn (trim, lower-case domain) into zOut (EMAILS_MAX_ADDRESS+1)
** and validates it; returns NULL if valid, else a static message. */
const char *emails_normalize(const char *zIn, int nIn, char *zOut);
/* The splitter of address lists (comma, space, tab, CR, LF; runs of them
** count as one): the next address of z[0..n) at or after iFrom, its start in
** *piStart and its length as the result, 0 when none is left. Pure: the
** fuzzer, guest_invite and invite_split_emails split the same way. */
int emails_split_next(const char *z, int n, int iFrom, int *piStart);
/* NULL when z has no CR/LF or other control character, else a message. */
const char *emails_header_safe(const char *z, int n);
int emails_register(sqlite3 *db);

/* ---- key_options.c ---- */
/* The options every key-making verb takes besides its own:
** "send_email" (default true) and "metadata" (a JSON object of at most
** KEY_METADATA_MAX_BYTES). Declare them with KEY_OPTIONS in the verb's
** option array; key_options_read() checks them. */
#define KEY_METADATA_MAX_BYTES 4096
#define KEY_OPTIONS                                                                                \
  {"send_email", INVITE_OPT_FLAG, 0}, { "metadata", INVITE_OPT_OBJECT, 0 }
typedef struct KeyOptions {
  int bSendEmail;
  const char *zMetadata; /* 0 when not given; points into the option */
} KeyOptions;
int key_options_read(sqlite3_context *ctx, InviteOption *aTwo, KeyOptions *p);
int key_options_store(sqlite3_context *ctx, const KeyOptions *p, sqlite3_int64 iInvite);
/* The "days" option of invite_create and invite_resend: the key's life,
** from 1 to 365 days; *pDays 0 when absent. Non-zero, with the error set,
** when out of range. */
int key_option_days(sqlite3_context *ctx, InviteOption *pOpt, sqlite3_int64 *pDays);
/* ---- key_issue.c: the start and the end every key-making verb shares ---- */
/* A fresh key into zKey (KEYS_TEXT_CHARS + 1 bytes; its hash into aHash)
** and the kind's INSERT zSql prepared, with ?1 the key's hash, ?2 the
** inviter, ?3 the invitee's user (unless 0) and ?4 its address (unless
** NULL) bound: the caller binds the rest and steps it. NULL with the error
** set. */
sqlite3_stmt *invite_key_insert(sqlite3_context *ctx, const char *zSql, char *zKey,
                                unsigned char *aHash, sqlite3_int64 iInviter, sqlite3_int64 iUser,
                                const char *zEmail);
/* url = zBase + ("?" or "&") + "key=" + zKey; the caller wipes and frees it
** (sqlite3_free). NULL when out of memory. */
char *invite_url(const char *zBase, const char *zKey);
/* The end of every verb that makes a key: the link, the email of template
** kind zKind queued, the commit, then the {"id","key","url","expires_at"}
** result. Non-zero, with the error set, when any step fails (the caller
** rolls back). */
int invite_key_finish(sqlite3_context *ctx, InviteTx *pTx, const char *zKind, sqlite3_int64 iInvite,
                      const char *zBase, const char *zKey, const char *zExpires,
                      const KeyOptions *pKey);
/* ---- macro_sql.c: macro_expand() and the template check ---- */
/* Expands zText with the sorted values a[] into a NUL-terminated string the
** caller frees with sqlite3_free (*pnOut bytes before the NUL), bounded by
** SQLITE_LIMIT_LENGTH. NULL with the error "<name>: <zWhat><why>" set. */
char *macro_render(sqlite3_context *ctx, const char *zWhat, const char *zText, size_t nText,
                   const MacroValue *a, size_t n, size_t *pnOut);

/* ---- outbox.c: rendered emails waiting for tools/invite-mail ---- */
/* zKind is a template kind: TEMPLATE_KINDS in the generated sql_kinds.h,
** from the "-- kinds: template" line of sql/email.sql. */
typedef struct OutboxMacro {
  const char *zName;  /* without the % signs: "FIRST_NAME" */
  const char *zValue; /* inserted verbatim; NULL counts as "" */
} OutboxMacro;
/* Renders the business's template of zKind (else the built-in default) with
** the macros and queues one email to zTo, inside the caller's transaction.
** zSecret (the one-time key, or NULL) is scrubbed from the stored subject and
** body once the email is sent. iInvite may be 0. Returns SQLITE_OK, or an
** error code with the function's error result set. */
int outbox_enqueue(sqlite3_context *ctx, const char *zKind, sqlite3_int64 iBusiness,
                   sqlite3_int64 iInvite, const char *zTo, const char *zToName,
                   const OutboxMacro *aMacro, int nMacro, const char *zSecret);
/* The invitation email of invite iInvite: gathers every macro of the
** design from the invite (names, business, app, role, session, expiry) and
** calls outbox_enqueue() for the invite's email address. A session invite
** without an email queues nothing. */
int outbox_enqueue_invite(sqlite3_context *ctx, const char *zKind, sqlite3_int64 iInvite,
                          const char *zKey, const char *zUrl);

/* ---- audit.c: the hash-chained audit log (sql/audit.sql) ---- */
/* Appends one event inside the transaction already open (a trigger-less
** event: a refusal the verb has rolled back). zDetail is a JSON object or
** NULL; iActor 0 means no actor. */
int audit_append_row(sqlite3_context *ctx, sqlite3_int64 iActor, const char *zAction,
                     const char *zSubject, const char *zDetail);
/* The same in a write of its own: BEGIN IMMEDIATE in autocommit, a
** SAVEPOINT inside the caller's transaction. */
int audit_record(sqlite3_context *ctx, sqlite3_int64 iActor, const char *zAction,
                 const char *zSubject, const char *zDetail);

/* The rules the verbs explain (rules.c): a trigger's refusal names one as
** "... [table.rule]". rule_refusal() returns the refusal of the last
** statement without its name and without the first of azPrefix (a
** 0-terminated list) it starts with, and sets *ppRule to its rule or 0.
** sqlite3_free() the text; 0 when out of memory. */
typedef enum InviteRuleKind {
  RULE_SEAT_LIMIT = 1,
  RULE_RATE_LIMIT,
  RULE_PENDING_INVITE,
  RULE_ACTIVE_GUEST,
  RULE_ROLE_APP,
  RULE_UNKNOWN_INVITER,
  RULE_INVITER_MAY_NOT,
  RULE_SESSION_PRESENT,
  RULE_UNKNOWN_USER,
  RULE_UNKNOWN_PROFILE,
  RULE_PROFILE_DISABLED,
  RULE_SESSION_ENDED,
  RULE_GUEST_SOURCE
} InviteRuleKind;
typedef struct InviteRule {
  const char *zName;    /* "invites.seat_limit" */
  InviteRuleKind eKind; /* what the verbs explain it as */
  const char *zAudit;   /* the reason of its invite.refused event, or 0 */
} InviteRule;
char *rule_refusal(sqlite3 *db, const char *const *azPrefix, const InviteRule **ppRule);

/* Sets the error "seat limit reached: subscription N (...) has S seats: M
** members, E external representatives and P pending invites" (seats.c);
** returns 0 when the subscription is unknown (nothing set). */
int seats_explain(sqlite3_context *ctx, sqlite3_int64 iSub);

/* The law's own integrity (law.c). law_diff() compares the triggers, views
** and indexes installed in zSchema with those the embedded SQL makes and
** returns a JSON object {"intact":0|1,"dropped":[..],"rewritten":[..],
** "added":[..]} (sqlite3_free it), or 0 with an error set on ctx.
** law_drop_added() drops the triggers "added" names. */

/* The audit key (audit.c): from the file INVITE_AUDIT_KEY_FILE names, read
** when the extension is loaded, or from invite_audit_key(). */
int audit_key_from_env(InviteConn *p, char **pzErr);
int audit_key_mark(sqlite3_context *ctx, int bStart);
char *law_diff(sqlite3_context *ctx, const char *zSchema, int *pIntact);
int law_drop_added(sqlite3_context *ctx, const char *zSchema);

/* ---- events.c: the invite_events(after) module ---- */
/* Registers it with a reference to pConn, released by xDestroy (also when
** the registration fails). */
int events_register(sqlite3 *db, InviteConn *pConn, void (*xDestroy)(void *));

/* ---- security.c: rate limits and the failed-redemption defence ---- */
/* 1 when zSource is refused (zUntil: until when), 0 when not, -1 on error
** (result set). */
int security_source_blocked(sqlite3_context *ctx, const char *zSource, char zUntil[20]);
/* Audits a refused attempt from a blocked source, inside the open
** transaction. */
int security_note_blocked(sqlite3_context *ctx, const char *zSource, const char *zUntil);
/* Counts (and audits) one failed redemption, in a write of its own, after
** the verb rolled back; zSource may be NULL (audited, not counted). */
int security_record_failure(sqlite3_context *ctx, const char *zSource, const char *zReason,
                            sqlite3_int64 iInvite);
/* Writes the failures this process kept for this database file (failures
** recorded inside a caller's transaction, which it may roll back) that the
** log does not hold; forgets them when in autocommit. */
int security_ledger_flush(sqlite3_context *ctx);
/* Sets the error "inviter N has reached the limit of L invites...". */
void security_explain_rate_limit(sqlite3_context *ctx, sqlite3_int64 iInviter,
                                 sqlite3_int64 iBusiness);
/* Audits a refused invite_create (seat or rate limit) after the rollback. */
int security_record_refusal(sqlite3_context *ctx, sqlite3_int64 iInviter, const char *zReason,
                            sqlite3_int64 iSub, sqlite3_int64 iRole, const char *zEmail);

#endif /* INVITE_H */
