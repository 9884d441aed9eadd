-- guards.sql — the law against every write path, not only plain INSERT,
-- UPDATE and DELETE.
--
-- SQLite fires no DELETE trigger for the rows a REPLACE conflict resolution
-- removes (unless the connection turned recursive_triggers on), ignores
-- foreign keys unless the connection turned them on, and skips CHECK
-- constraints under ignore_check_constraints. None of that is ours to
-- choose, so nothing here relies on it:
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
-- The tables' *_refs views list who refers to what; they are what "in use"
-- means for a delete, a re-key and a REPLACE.

-- Rows an INSERT's key collides with, noted before the insert and checked
-- after it. Written by triggers only; a row outlives its statement only
-- when the insert was ignored (OR IGNORE, DO NOTHING), and is harmless: a
-- note whose row still exists under its id is never refused.
CREATE TABLE IF NOT EXISTS $S.invite_replaced(
  tbl TEXT NOT NULL,
  id  INTEGER NOT NULL,
  PRIMARY KEY(tbl, id)
) WITHOUT ROWID;

-- ---- who refers to what ----

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

CREATE VIEW $S.subscription_refs AS
SELECT subscription_id AS id, 'member' AS what FROM members
UNION ALL SELECT subscription_id, 'invite' FROM invites WHERE subscription_id IS NOT NULL
UNION ALL SELECT subscription_id, 'session' FROM sessions;

CREATE VIEW $S.role_refs AS
SELECT role_id AS id, 'member' AS what FROM members
UNION ALL SELECT role_id, 'invite' FROM invites WHERE role_id IS NOT NULL;

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

CREATE VIEW $S.security_profile_refs AS
SELECT profile_id AS id, 'invite' AS what FROM invites WHERE profile_id IS NOT NULL
UNION ALL SELECT profile_id, 'session roster' FROM session_members WHERE profile_id IS NOT NULL;

CREATE VIEW $S.portal_refs AS
SELECT portal_id AS id, 'invite' AS what FROM invites WHERE portal_id IS NOT NULL;

CREATE VIEW $S.session_refs AS
SELECT session_id AS id, 'invite' AS what FROM invites WHERE session_id IS NOT NULL
UNION ALL SELECT session_id, 'session roster' FROM session_members;

-- ---- the application's tables: REPLACE, delete and re-key of rows in use ----

-- Each line below is written out by tools/expand-guards.awk (run by
-- tools/embed-sql.sh; `sh tools/embed-sql.sh --expand sql/guards.sql` shows
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
-- guard: subscriptions | a subscription | subscription_refs | id | id = NEW.id | note replace update delete
-- guard: roles | a role | role_refs | id | id = NEW.id | note replace update delete
-- guard: users | a user | user_refs | id,email | id = NEW.id OR email = trim(NEW.email) COLLATE NOCASE | note replace update delete
-- (deletes of profiles and portals, and portal re-keys: sessions.sql)
-- guard: security_profiles | a profile | security_profile_refs | id | id = NEW.id | note replace update
-- guard: portals | a portal | portal_refs | id | id = NEW.id | note replace

-- sessions are never deleted (sessions.sql); a REPLACE would delete one.
CREATE TRIGGER $S.sessions_guard_insert BEFORE INSERT ON sessions
BEGIN
  SELECT RAISE(ABORT, 'sessions: session ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM sessions WHERE id = NEW.id);
END;

CREATE TRIGGER $S.sessions_guard_update BEFORE UPDATE OF id ON sessions
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'sessions: a session cannot change its id');
END;

-- members: a membership is added, has its role changed, or is removed
-- (audited); a REPLACE would remove one unaudited.
CREATE TRIGGER $S.members_guard_insert BEFORE INSERT ON members
BEGIN
  SELECT RAISE(ABORT, 'members: membership ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM members WHERE id = NEW.id);
END;

CREATE TRIGGER $S.members_guard_update BEFORE UPDATE OF id ON members
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'members: a membership cannot change its id');
END;

-- ---- the extension's own tables: no key is ever taken twice ----

CREATE TRIGGER $S.invites_guard_insert BEFORE INSERT ON invites
BEGIN
  -- The CHECK constraint, again: ignore_check_constraints must not let an
  -- invite of no known kind skip every kind's rules.
  SELECT RAISE(ABORT, 'invites: kind must be @kinds(invite)')
   WHERE @kind_not_in(invite, NEW.kind);
  SELECT RAISE(ABORT, 'invites: invite ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM invites WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'invites: key already used')
   WHERE EXISTS (SELECT 1 FROM invites WHERE key_hash = NEW.key_hash);
END;

CREATE TRIGGER $S.invites_guard_update BEFORE UPDATE OF id, key_hash ON invites
BEGIN
  SELECT RAISE(ABORT, 'invites: key already used')
   WHERE NEW.key_hash IS NOT OLD.key_hash
     AND EXISTS (SELECT 1 FROM invites WHERE key_hash = NEW.key_hash);
END;

-- Bookkeeping is written by the law's own triggers on a connection that
-- loaded the extension: invite_law_writer() exists only there, so a client
-- without it cannot write these tables at all ("no such function").
CREATE TRIGGER $S.invite_old_keys_guard_insert BEFORE INSERT ON invite_old_keys
BEGIN
  SELECT RAISE(ABORT, 'invite_old_keys: written only by the extension')
   WHERE invite_law_writer() IS NOT 1;
  SELECT RAISE(ABORT, 'invite_old_keys: key already used')
   WHERE EXISTS (SELECT 1 FROM invite_old_keys WHERE key_hash = NEW.key_hash);
  -- A key is retired by invites_retire_key, dead, at the moment its invite
  -- got a new key; invite_resend keeps it good afterwards if asked. An old
  -- key cannot be planted live, nor back-dated.
  SELECT RAISE(ABORT, 'invite_old_keys: a key is retired dead, now, from a pending invite')
   WHERE NEW.live IS NOT 0 OR NEW.retired_at IS NOT (SELECT now FROM invite_now)
      OR NOT EXISTS (SELECT 1 FROM invites WHERE id = NEW.invite_id
                        AND redeemed_at IS NULL AND revoked_at IS NULL);
END;

-- Keeping an old key good is audited (the resend that retired it is too):
-- a client without the extension cannot do it, and a look-alike hash
-- function shows in invite_audit_verify() once the chain is keyed.
CREATE TRIGGER $S.invite_old_keys_guard_live BEFORE UPDATE OF live ON invite_old_keys
WHEN NEW.live IS NOT OLD.live
BEGIN
  SELECT RAISE(ABORT, 'invite_old_keys: live is 0 or 1')
   WHERE NEW.live IS NOT 0 AND NEW.live IS NOT 1;
  SELECT RAISE(ABORT, 'invite_old_keys: only a key retired just now can be kept good')
   WHERE NEW.live = 1 AND OLD.retired_at IS NOT (SELECT now FROM invite_now)
     AND EXISTS (SELECT 1 FROM invites WHERE id = OLD.invite_id
                    AND redeemed_at IS NULL AND revoked_at IS NULL);
END;

CREATE TRIGGER $S.audit_old_key_kept AFTER UPDATE OF live ON invite_old_keys
WHEN NEW.live IS NOT OLD.live
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, CASE NEW.live WHEN 1 THEN 'invite.old_key_kept' ELSE 'invite.old_key_ended' END,
          'invite:' || NEW.invite_id, json_object('retired_at', NEW.retired_at));
END;

CREATE TRIGGER $S.invite_rate_guard_insert BEFORE INSERT ON invite_rate
BEGIN
  SELECT RAISE(ABORT, 'invite_rate: written only by the extension')
   WHERE invite_law_writer() IS NOT 1;
  -- Stamped now, numbered next: a row can neither be back-dated nor skip a
  -- number, so an extra one only ever tightens the inviter's limit.
  SELECT RAISE(ABORT, 'invite_rate: a count is the inviter''s next, stamped now')
   WHERE NEW.at IS NOT (SELECT now FROM invite_now)
      OR NEW.seq IS NOT coalesce((SELECT seq FROM invite_rate WHERE inviter_id = NEW.inviter_id
                                   ORDER BY seq DESC LIMIT 1), 0) + 1;
END;

CREATE TRIGGER $S.guests_guard_insert BEFORE INSERT ON guests
BEGIN
  SELECT RAISE(ABORT, 'guests: guest access ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM guests WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'guests: this invite already gave a guest access')
   WHERE NEW.invite_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM guests WHERE invite_id = NEW.invite_id);
  SELECT RAISE(ABORT, 'guests: end_reason must be removed or left')
   WHERE NEW.end_reason IS NOT NULL
     AND NEW.end_reason IS NOT 'removed' AND NEW.end_reason IS NOT 'left';
END;

CREATE TRIGGER $S.guests_guard_update BEFORE UPDATE OF id, invite_id, end_reason ON guests
BEGIN
  SELECT RAISE(ABORT, 'guests: a guest access cannot change its id or invite')
   WHERE NEW.id IS NOT OLD.id OR NEW.invite_id IS NOT OLD.invite_id;
  SELECT RAISE(ABORT, 'guests: end_reason must be removed or left')
   WHERE NEW.end_reason IS NOT NULL
     AND NEW.end_reason IS NOT 'removed' AND NEW.end_reason IS NOT 'left';
END;

CREATE TRIGGER $S.guest_notices_guard_insert BEFORE INSERT ON guest_notices
BEGIN
  SELECT RAISE(ABORT, 'guest_notices: this notice was already sent')
   WHERE EXISTS (SELECT 1 FROM guest_notices WHERE id = NEW.id)
      OR EXISTS (SELECT 1 FROM guest_notices
                  WHERE guest_id = NEW.guest_id AND expires_at = NEW.expires_at);
END;

CREATE TRIGGER $S.session_members_guard_insert BEFORE INSERT ON session_members
BEGIN
  SELECT RAISE(ABORT, 'session_members: roster ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM session_members WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'session_members: this session key was already used to join')
   WHERE NEW.invite_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM session_members WHERE invite_id = NEW.invite_id);
  SELECT RAISE(ABORT, 'session_members: kind must be owner, member or external')
   WHERE NEW.kind IS NOT 'owner' AND NEW.kind IS NOT 'member' AND NEW.kind IS NOT 'external';
END;

CREATE TRIGGER $S.session_members_guard_update BEFORE UPDATE OF id, invite_id ON session_members
BEGIN
  SELECT RAISE(ABORT, 'session_members: a roster row cannot change its id or session key')
   WHERE NEW.id IS NOT OLD.id OR NEW.invite_id IS NOT OLD.invite_id;
END;

CREATE TRIGGER $S.outbox_guard_insert BEFORE INSERT ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox: email ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM outbox WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'outbox: this Message-ID is taken')
   WHERE EXISTS (SELECT 1 FROM outbox WHERE message_id = NEW.message_id);
END;

CREATE TRIGGER $S.outbox_guard_update BEFORE UPDATE OF id, message_id ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox: an email keeps its id and Message-ID')
   WHERE NEW.id IS NOT OLD.id OR NEW.message_id IS NOT OLD.message_id;
END;

CREATE TRIGGER $S.audit_log_guard_insert BEFORE INSERT ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log: the audit log is append-only')
   WHERE NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM audit_log);
END;

-- templates keep UPSERT (saving a business's template): a REPLACE removes
-- the old row of the kind, the new one is checked and audited as saved.
CREATE TRIGGER $S.templates_guard_update BEFORE UPDATE OF id ON templates
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'templates: a template cannot change its id');
END;

-- The clock: a valid timestamp or NULL, whoever writes (invite_clock()
-- checks the same before writing).
CREATE TRIGGER $S.invite_meta_guard_clock_insert BEFORE INSERT ON invite_meta
WHEN NEW.name = 'clock'
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: the clock is NULL or a timestamp YYYY-MM-DD HH:MM:SS')
   WHERE NEW.value IS NOT NULL
     AND (typeof(NEW.value) <> 'text' OR datetime(NEW.value) IS NOT NEW.value);
END;

CREATE TRIGGER $S.invite_meta_guard_clock_update BEFORE UPDATE ON invite_meta
WHEN NEW.name = 'clock'
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: the clock is NULL or a timestamp YYYY-MM-DD HH:MM:SS')
   WHERE NEW.value IS NOT NULL
     AND (typeof(NEW.value) <> 'text' OR datetime(NEW.value) IS NOT NEW.value);
END;

-- The built-in defaults and the schema version are the extension's: they
-- change when invite_init() installs, never otherwise (a changed default
-- would be a setting change without an audit row). Settings override them.
CREATE TRIGGER $S.invite_setting_defs_guard_insert BEFORE INSERT ON invite_setting_defs
BEGIN
  SELECT RAISE(ABORT, 'invite_setting_defs: the built-in defaults change only with invite_init() (set a setting instead)')
   WHERE invite_installing() IS NOT 1;
END;

CREATE TRIGGER $S.invite_setting_defs_guard_update BEFORE UPDATE ON invite_setting_defs
BEGIN
  SELECT RAISE(ABORT, 'invite_setting_defs: the built-in defaults change only with invite_init() (set a setting instead)')
   WHERE invite_installing() IS NOT 1;
END;

CREATE TRIGGER $S.invite_setting_defs_guard_delete BEFORE DELETE ON invite_setting_defs
BEGIN
  SELECT RAISE(ABORT, 'invite_setting_defs: the built-in defaults change only with invite_init() (set a setting instead)')
   WHERE invite_installing() IS NOT 1;
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

-- ---- changes of who may do what: audited ----

CREATE TRIGGER $S.audit_role_changed AFTER UPDATE OF rank, can_invite, app_id, name ON roles
WHEN NEW.rank IS NOT OLD.rank OR NEW.can_invite IS NOT OLD.can_invite
  OR NEW.app_id IS NOT OLD.app_id OR NEW.name IS NOT OLD.name
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, 'role.changed', 'role:' || NEW.id,
          json_object('rank', json_array(OLD.rank, NEW.rank),
                      'can_invite', json_array(OLD.can_invite, NEW.can_invite),
                      'app_id', json_array(OLD.app_id, NEW.app_id),
                      'name', json_array(OLD.name, NEW.name)));
END;

-- (Not while user_forget() erases the address: it audits user.forgotten,
-- without the address.)
CREATE TRIGGER $S.audit_user_email_changed AFTER UPDATE OF email ON users
WHEN NEW.email IS NOT OLD.email COLLATE NOCASE AND invite_erasing() IS NOT 1
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, 'user.email_changed', 'user:' || NEW.id,
          json_object('from', OLD.email, 'to', NEW.email));
END;

CREATE TRIGGER $S.audit_user_deleted AFTER DELETE ON users
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, 'user.deleted', 'user:' || OLD.id, json_object('email', OLD.email));
END;
