/*
** test_032_kinds.c — the lists of kinds the C code uses (INVITE_KINDS and
** TEMPLATE_KINDS, generated into sql_kinds.h from the "-- kinds:" lines of
** sql/) against the schema as installed: every listed kind is accepted by
** the installed CHECK and triggers, an unlisted one is refused with the
** message that names the list, and the kinds the installed SQL spells out
** are exactly the listed ones.
*/
#include "proof.h"
#include "sql_kinds.h"

#define KIND_NAME(k) #k,
static const char *const azInvite[] = {INVITE_KINDS(KIND_NAME)};
static const char *const azTemplate[] = {TEMPLATE_KINDS(KIND_NAME)};
#define N_INVITE ((int)(sizeof azInvite / sizeof azInvite[0]))
#define N_TEMPLATE ((int)(sizeof azTemplate / sizeof azTemplate[0]))

/* Runs zSql; "" when it succeeds, else a copy of the error message. */
static char *run(sqlite3 *db, const char *zSql) {
  char *zErr = 0;
  int rc = sqlite3_exec(db, zSql, 0, 0, &zErr);
  char *z = sqlite3_mprintf("%s", rc == SQLITE_OK ? "" : zErr ? zErr : "?");
  sqlite3_free(zErr);
  return z;
}

static int in_list(const char *const *az, int n, const char *z, int nz) {
  for (int i = 0; i < n; i++) {
    if ((int)strlen(az[i]) == nz && strncmp(az[i], z, (size_t)nz) == 0) return 1;
  }
  return 0;
}

/* Every 'literal' of z[0..n) after zBefore ("" for any) is listed and every
** listed kind is among them: the installed SQL allows exactly the list. */
static void literals_are(const char *zWhat, const char *z, int n, const char *zBefore,
                         const char *const *az, int nList) {
  int nFound = 0, nBad = 0, seen[16] = {0};
  size_t nPre = strlen(zBefore);
  for (int i = 0; i < n; i++) {
    if (z[i] != '\'' || (size_t)i < nPre || strncmp(z + i - nPre, zBefore, nPre) != 0) continue;
    int j = i + 1;
    while (j < n && z[j] != '\'') j++;
    if (in_list(az, nList, z + i + 1, j - i - 1)) {
      for (int k = 0; k < nList; k++) {
        if ((int)strlen(az[k]) == j - i - 1 &&
            strncmp(az[k], z + i + 1, (size_t)(j - i - 1)) == 0) {
          seen[k] = 1;
        }
      }
    } else {
      printf("# %s: '%.*s' is not listed\n", zWhat, j - i - 1, z + i + 1);
      nBad++;
    }
    nFound++;
    i = j;
  }
  int nSeen = 0;
  for (int k = 0; k < nList; k++) nSeen += seen[k];
  proof_ok(nBad == 0 && nSeen == nList,
           "%s spells out exactly the %d listed kinds (%d literals, %d unlisted)", zWhat, nList,
           nFound, nBad);
}

/* The installed SQL of a schema object; the caller sqlite3_free()s it. */
static char *installed(sqlite3 *db, const char *zName) {
  char *zSql = sqlite3_mprintf("SELECT sql FROM sqlite_schema WHERE name = '%q'", zName);
  char *z = proof_text(db, zSql);
  sqlite3_free(zSql);
  if (z == 0) {
    printf("not ok %s is installed\n", zName);
    exit(1);
  }
  return z;
}

static void invite_kinds(sqlite3 *db) {
  /* The CHECK of invites.kind, as installed. */
  char *zTable = installed(db, "invites");
  const char *zCol = strstr(zTable, "kind ");
  const char *zCheck = zCol ? strstr(zCol, "CHECK (") : 0;
  if (zCheck == 0) {
    proof_ok(0, "invites.kind has a CHECK");
    sqlite3_free(zTable);
    return;
  }
  zCheck += 7;
  int n = 0, depth = 1;
  while (zCheck[n] && (depth += zCheck[n] == '(' ? 1 : zCheck[n] == ')' ? -1 : 0) > 0) n++;
  literals_are("the CHECK of invites.kind", zCheck, n, "", azInvite, N_INVITE);
  /* The same expression on a scratch column: what it accepts and refuses. */
  char *zProbe = sqlite3_mprintf("CREATE TEMP TABLE kind_probe(kind TEXT CHECK (%.*s))", n, zCheck);
  proof_exec(db, zProbe);
  sqlite3_free(zProbe);
  for (int i = 0; i < N_INVITE; i++) {
    char *zIns = sqlite3_mprintf("INSERT INTO kind_probe VALUES ('%q')", azInvite[i]);
    char *zErr = run(db, zIns);
    proof_ok(zErr[0] == 0, "the CHECK of invites.kind accepts '%s' %s", azInvite[i], zErr);
    sqlite3_free(zErr);
    sqlite3_free(zIns);
  }
  char *zErr = run(db, "INSERT INTO kind_probe VALUES ('admin')");
  proof_ok(strstr(zErr, "CHECK constraint failed") != 0,
           "the CHECK of invites.kind refuses 'admin' (%s)", zErr);
  sqlite3_free(zErr);
  sqlite3_free(zTable);

  /* The trigger that repeats the CHECK for ignore_check_constraints. */
  char *zTrigger = installed(db, "invites_guard_insert");
  const char *zMsg = strstr(zTrigger, "kind must be");
  const char *zEnd = zMsg ? strchr(zMsg, ';') : 0;
  if (zEnd) {
    literals_are("invites_guard_insert", zMsg, (int)(zEnd - zMsg), "IS NOT ", azInvite, N_INVITE);
  } else {
    proof_ok(0, "invites_guard_insert checks the kind");
  }
  sqlite3_free(zTrigger);
  proof_exec(db, "PRAGMA ignore_check_constraints = 1");
  const char *zWant = "invites: kind must be " INVITE_KINDS_TEXT;
  for (int i = 0; i <= N_INVITE; i++) {
    const char *zKind = i < N_INVITE ? azInvite[i] : "admin";
    char *zIns = sqlite3_mprintf(
        "SAVEPOINT probe;"
        "INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, created_at,"
        "  expires_at, last_sent_at) VALUES ('%q', randomblob(32), 1, 'kim@example.com',"
        "  1, '2027-01-01 10:00:00', '2027-01-08 10:00:00', '2027-01-01 10:00:00')",
        zKind);
    zErr = run(db, zIns);
    proof_exec(db, "ROLLBACK TO probe; RELEASE probe");
    if (i < N_INVITE) {
      proof_ok(strcmp(zErr, zWant) != 0, "the invites triggers take kind '%s' (%s)", zKind,
               zErr[0] ? zErr : "inserted");
    } else {
      proof_ok(strcmp(zErr, zWant) == 0, "an invite of kind 'admin' is refused: %s", zErr);
    }
    sqlite3_free(zErr);
    sqlite3_free(zIns);
  }
  proof_exec(db, "PRAGMA ignore_check_constraints = 0");
}

static void template_kinds(sqlite3 *db) {
  static const char *const azTrigger[] = {"templates_check_insert", "templates_check_update"};
  for (int t = 0; t < 2; t++) {
    char *z = installed(db, azTrigger[t]);
    const char *zMsg = strstr(z, "kind must be");
    const char *zEnd = zMsg ? strchr(zMsg, ';') : 0;
    if (zEnd) {
      literals_are(azTrigger[t], zMsg, (int)(zEnd - zMsg), "IS NOT ", azTemplate, N_TEMPLATE);
    } else {
      proof_ok(0, "%s checks the kind", azTrigger[t]);
    }
    sqlite3_free(z);
  }
  const char *zWant = "templates: kind must be " TEMPLATE_KINDS_TEXT;
  for (int i = 0; i < N_TEMPLATE; i++) {
    /* An invitation shows the key; the other kinds must not. */
    char *zErr = 0;
    for (int b = 0; b < 2; b++) {
      char *zIns =
          sqlite3_mprintf("INSERT INTO templates(business_id, kind, subject, body)"
                          " VALUES (1, '%q', 'Hello', '%s')",
                          azTemplate[i], b == 0 ? "Join: %SESSION_KEY_URL%" : "Hello %FIRST_NAME%");
      sqlite3_free(zErr);
      zErr = run(db, zIns);
      sqlite3_free(zIns);
      if (zErr[0] == 0 || strcmp(zErr, zWant) == 0) break;
    }
    proof_ok(zErr[0] == 0, "a template of kind '%s' is saved %s", azTemplate[i], zErr);
    sqlite3_free(zErr);
    char *zDefault = sqlite3_mprintf(
        "SELECT count(*) FROM templates WHERE business_id IS NULL AND kind = '%q'", azTemplate[i]);
    proof_ok(proof_int(db, zDefault) == 1, "kind '%s' has its built-in default", azTemplate[i]);
    sqlite3_free(zDefault);
    char *zOutbox =
        sqlite3_mprintf("SELECT invite_outbox_problem('%q', 'kim@example.com', NULL, 'Hello', 'Hi',"
                        " '<x@invite.local>', NULL, 'queued', 0, NULL, '2027-01-01 10:00:00',"
                        " '2027-01-01 10:00:00') IS NULL",
                        azTemplate[i]);
    proof_ok(proof_int(db, zOutbox) == 1, "the outbox takes an email of kind '%s'", azTemplate[i]);
    sqlite3_free(zOutbox);
  }
  char *zErr = run(db, "INSERT INTO templates(business_id, kind, subject, body)"
                       " VALUES (1, 'admin', 'Hello', 'Join: %SESSION_KEY_URL%')");
  proof_ok(strcmp(zErr, zWant) == 0, "a template of kind 'admin' is refused: %s", zErr);
  sqlite3_free(zErr);
  proof_ok(proof_int(db, "SELECT count(DISTINCT kind) FROM templates WHERE business_id IS NULL") ==
               N_TEMPLATE,
           "the built-in defaults are of the %d listed kinds, no other", N_TEMPLATE);
  char *zProblem =
      proof_text(db, "SELECT invite_outbox_problem('admin', 'kim@example.com', NULL, 'Hello', 'Hi',"
                     " '<x@invite.local>', NULL, 'queued', 0, NULL, '2027-01-01 10:00:00',"
                     " '2027-01-01 10:00:00')");
  proof_ok(zProblem && strcmp(zProblem, "outbox: kind must be " TEMPLATE_KINDS_TEXT) == 0,
           "the outbox refuses an email of kind 'admin': %s", zProblem ? zProblem : "NULL");
  sqlite3_free(zProblem);
}

int main(void) {
  sqlite3 *db = proof_open(":memory:", 0);
  proof_catalog(db, 10);
  invite_kinds(db);
  template_kinds(db);
  sqlite3_close(db);
  return proof_failures != 0;
}
