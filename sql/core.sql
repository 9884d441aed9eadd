-- core.sql — what every feature stands on: the bookkeeping (schema version,
-- the clock), the catalog rows every business has (businesses, apps, users),
-- and the settings with their built-in defaults.
--
-- "$S" stands for the schema invite_init() installs into; names inside
-- triggers and views stay unqualified, so they resolve in that schema.
-- Tables are created IF NOT EXISTS: an application may have made its own
-- `users` (or any catalog table) first, with at least these columns.
-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS', comparable as text.
--
-- Every feature file holds the tables, indexes, views and triggers of its
-- feature. The triggers hold for every client, including one that writes
-- with plain INSERT/UPDATE and has never loaded the extension. A write that
-- would break a rule fails with RAISE(ABORT, '<table>: <rule>') and changes
-- nothing. The verbs rely on them: they do not check the same thing twice,
-- they turn a refusal into a message with the details.
--
-- Order matters twice: a trigger is made after its table, and SQLite fires
-- the triggers of one event newest first, so a check made later runs
-- earlier (the guards of a table come after its rules).

-- Bookkeeping: schema version and hash, the pinned clock.
CREATE TABLE IF NOT EXISTS $S.invite_meta(
  name  TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;
-- Present from the first statement of an install (0 until the install is
-- recorded).
INSERT OR IGNORE INTO $S.invite_meta(name, value) VALUES ('schema_version', 0);
-- The clock view (invite_now) takes its one row from here: NULL follows the
-- real clock, a timestamp pins it (invite_clock()). The row is kept. (Builds
-- before it was kept audited any insert of it as a pin: their trigger goes
-- first; audit.sql makes it again.)
DROP TRIGGER IF EXISTS $S.audit_clock_pinned;
INSERT OR IGNORE INTO $S.invite_meta(name, value) VALUES ('clock', NULL);

-- ---- the catalog an application writes directly ----

CREATE TABLE IF NOT EXISTS $S.businesses(
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
-- text: businesses | sql | name

CREATE TABLE IF NOT EXISTS $S.apps(
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
-- text: apps | sql | name

CREATE TABLE IF NOT EXISTS $S.users(
  id         INTEGER PRIMARY KEY,
  email      TEXT NOT NULL,
  first_name TEXT,
  last_name  TEXT
);
-- text: users | sql | email first_name last_name
-- One user per address, compared case-insensitively.
CREATE UNIQUE INDEX IF NOT EXISTS $S.users_email ON users(email COLLATE NOCASE);

-- ---- settings ----

-- business_id NULL: the default for every business.
CREATE TABLE IF NOT EXISTS $S.settings(
  business_id INTEGER REFERENCES businesses(id),
  name        TEXT NOT NULL,
  value
);
-- text: settings | sql | name
CREATE UNIQUE INDEX IF NOT EXISTS $S.settings_by_name
  ON settings(name, ifnull(business_id, 0));
CREATE INDEX IF NOT EXISTS $S.settings_by_business ON settings(business_id, name);

-- The settings the product knows, with their built-in defaults.
CREATE TABLE IF NOT EXISTS $S.invite_setting_defs(
  name        TEXT PRIMARY KEY,
  value       NOT NULL,
  description TEXT NOT NULL
) WITHOUT ROWID;
-- text: invite_setting_defs | ext | name description
INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('invite_days', 7, 'days a member invitation key stays good'),
  ('base_url', 'https://invite.example.com/accept',
   'where invitation links point; the key is added as ?key=...');

-- ---- the clock and the settings in force ----

-- The current time: the pinned clock (invite_clock) or the real one. Verbs,
-- triggers and views all read it here: one primary-key lookup of the clock
-- row (always there once installed, and kept). Over a table, the view is
-- flattened into a query that joins it, where a FROM-less one would be
-- materialized into a temporary table on every execution.
CREATE VIEW $S.invite_now AS
SELECT coalesce(value, datetime('now')) AS now
  FROM invite_meta WHERE name = 'clock';

-- Every setting for every business: the business's own value, else the
-- default for all (business_id NULL), else the built-in default.
CREATE VIEW $S.invite_settings AS
SELECT b.id AS business_id, d.name AS name,
       coalesce((SELECT s.value FROM settings s
                  WHERE s.business_id = b.id AND s.name = d.name),
                (SELECT s.value FROM settings s
                  WHERE s.business_id IS NULL AND s.name = d.name),
                d.value) AS value
  FROM businesses b, invite_setting_defs d;

-- ---- bookkeeping ----

-- The schema version row and the clock row (the clock view's one row) are
-- kept, under their names.
CREATE TRIGGER $S.invite_meta_keep_version BEFORE DELETE ON invite_meta
WHEN OLD.name IN ('schema_version', 'clock')
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: schema_version is kept')
   WHERE OLD.name = 'schema_version';
  SELECT RAISE(ABORT, 'invite_meta: the clock row is kept (invite_clock(NULL) releases the clock)')
   WHERE OLD.name = 'clock';
END;

CREATE TRIGGER $S.invite_meta_keep_names BEFORE UPDATE OF name ON invite_meta
WHEN OLD.name IN ('schema_version', 'clock') AND NEW.name IS NOT OLD.name
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: schema_version and clock keep their names');
END;

-- The clock: a valid timestamp or NULL, whoever writes (invite_clock()
-- checks the same before writing).
-- twin: invite_meta_guard_clock_update BEFORE UPDATE
CREATE TRIGGER $S.invite_meta_guard_clock_insert BEFORE INSERT ON invite_meta
WHEN NEW.name = 'clock'
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: the clock is NULL or a timestamp YYYY-MM-DD HH:MM:SS')
   WHERE NEW.value IS NOT NULL
     AND (typeof(NEW.value) <> 'text' OR datetime(NEW.value) IS NOT NEW.value);
END;

-- schema_version changes with invite_init() only (a bigger one would make
-- it refuse to run; schema_hash only decides whether it reinstalls, which
-- the live check of invite_init() decides as well).
CREATE TRIGGER $S.invite_meta_guard_version_insert BEFORE INSERT ON invite_meta
WHEN NEW.name = 'schema_version'
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: schema_version changes only with invite_init()')
   WHERE invite_installing() IS NOT 1;
END;

CREATE TRIGGER $S.invite_meta_guard_version_update BEFORE UPDATE OF value ON invite_meta
WHEN OLD.name = 'schema_version' AND NEW.name = 'schema_version' AND NEW.value IS NOT OLD.value
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: schema_version changes only with invite_init()')
   WHERE invite_installing() IS NOT 1;
END;


-- ---- users ----

-- twin: users_check_update BEFORE UPDATE OF email, first_name, last_name
CREATE TRIGGER $S.users_check_insert BEFORE INSERT ON users
BEGIN
  SELECT RAISE(ABORT, 'users: email and names cannot contain line breaks')
   WHERE instr(NEW.email, char(10)) OR instr(NEW.email, char(13))
      OR instr(NEW.first_name, char(10)) OR instr(NEW.first_name, char(13))
      OR instr(NEW.last_name, char(10)) OR instr(NEW.last_name, char(13));
  SELECT RAISE(ABORT, 'users: invalid email address')
   WHERE typeof(NEW.email) <> 'text'
      OR trim(NEW.email) NOT GLOB '?*@?*.?*' OR trim(NEW.email) GLOB '*[ ,;<>]*'
      OR trim(NEW.email) GLOB '*@*@*';
END;

-- Stored addresses are normalised: trimmed, domain in lower case.
-- twin: users_normalize_update AFTER UPDATE OF email
CREATE TRIGGER $S.users_normalize_insert AFTER INSERT ON users
WHEN NEW.email IS NOT substr(trim(NEW.email), 1, instr(trim(NEW.email), '@'))
                 || lower(substr(trim(NEW.email), instr(trim(NEW.email), '@') + 1))
BEGIN
  UPDATE users SET email = substr(trim(email), 1, instr(trim(email), '@'))
                           || lower(substr(trim(email), instr(trim(email), '@') + 1))
   WHERE id = NEW.id;
END;

-- ---- every write path ----
--
-- SQLite fires no DELETE trigger for the rows a REPLACE conflict resolution
-- removes (unless the connection turned recursive_triggers on), ignores
-- foreign keys unless the connection turned them on, and skips CHECK
-- constraints under ignore_check_constraints. None of that is ours to
-- choose, so no feature relies on it:
--
--   * the extension's own tables refuse, in a BEFORE trigger, any insert or
--     update whose key (rowid or unique) is taken: OR REPLACE, OR IGNORE
--     and UPSERT get the same error as a plain INSERT, and no row is ever
--     removed behind the law's back (verbs never use them there);
--   * the application's tables keep UPSERT and OR IGNORE working, and a
--     REPLACE that would remove a row others refer to is refused: a BEFORE
--     INSERT trigger notes the row the key collides with in invite_replaced,
--     the AFTER INSERT trigger (which runs only when the row was really
--     inserted, after REPLACE removed the old one) refuses when that row is
--     referenced, and forgets the note;
--   * a row others refer to cannot be deleted or given another id, whatever
--     foreign_keys says;
--   * CHECK constraints the law depends on are repeated in triggers.
--
-- The tables' *_refs views list who refers to what (each in the file of its
-- table; a view names tables of later files, resolved when it is read);
-- they are what "in use" means for a delete, a re-key and a REPLACE.

-- Rows an INSERT's key collides with, noted before the insert and checked
-- after it. Written by triggers only; a row outlives its statement only
-- when the insert was ignored (OR IGNORE, DO NOTHING), and is harmless: a
-- note whose row still exists under its id is never refused.
CREATE TABLE IF NOT EXISTS $S.invite_replaced(
  tbl TEXT NOT NULL,
  id  INTEGER NOT NULL,
  PRIMARY KEY(tbl, id)
) WITHOUT ROWID;
CREATE VIEW $S.business_refs AS
SELECT business_id AS id, 'subscription' AS what FROM subscriptions
UNION ALL SELECT business_id, 'account manager' FROM account_managers
UNION ALL SELECT business_id, 'invite' FROM invites
UNION ALL SELECT business_id, 'guest' FROM guests
UNION ALL SELECT business_id, 'current business' FROM guest_current
UNION ALL SELECT business_id, 'setting' FROM settings WHERE business_id IS NOT NULL
UNION ALL SELECT business_id, 'template' FROM templates WHERE business_id IS NOT NULL
UNION ALL SELECT business_id, 'email' FROM outbox WHERE business_id IS NOT NULL;

CREATE VIEW $S.app_refs AS
SELECT app_id AS id, 'subscription' AS what FROM subscriptions
UNION ALL SELECT app_id, 'role' FROM roles;

CREATE VIEW $S.user_refs AS
SELECT user_id AS id, 'account manager' AS what FROM account_managers
UNION ALL SELECT user_id, 'member' FROM members
UNION ALL SELECT inviter_id, 'inviter' FROM invites
UNION ALL SELECT user_id, 'invitee' FROM invites WHERE user_id IS NOT NULL
UNION ALL SELECT redeemed_by, 'redeemer' FROM invites WHERE redeemed_by IS NOT NULL
UNION ALL SELECT user_id, 'guest' FROM guests
UNION ALL SELECT user_id, 'current business' FROM guest_current
UNION ALL SELECT owner_id, 'session owner' FROM sessions
UNION ALL SELECT user_id, 'session roster' FROM session_members WHERE user_id IS NOT NULL;

-- Each "-- guard:" line is written out by tools/expand-guards.awk (run by
-- tools/embed-sql.sh; `sh tools/embed-sql.sh --expand sql/core.sql` shows
-- the result) as up to four triggers of the table:
--   <table>_guard_note     BEFORE INSERT: note the rows NEW collides with
--   <table>_guard_replace  AFTER INSERT: refuse if a noted row was removed
--                          (or replaced under its id) while in use
--   <table>_guard_update   BEFORE UPDATE of the keys: no re-key in use, no
--                          key taken from another row
--   <table>_guard_delete   BEFORE DELETE: refuse while in use
-- Fields: table | noun | who refers to it | key columns | rows NEW collides
-- with | which triggers.
-- guard: businesses | a business | business_refs | id,name | id = NEW.id OR name = NEW.name | note replace update delete
-- guard: apps | an app | app_refs | id,name | id = NEW.id OR name = NEW.name | note replace update delete
-- guard: users | a user | user_refs | id,email | id = NEW.id OR email = trim(NEW.email) COLLATE NOCASE | note replace update delete
