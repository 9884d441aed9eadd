-- text.sql — text in our tables is valid UTF-8 without NUL (issue 12).
--
-- The extension's own tables: one call of the pure invite_text_problem()
-- (ext/util.c) per insert or update of a text column; it names the first
-- refused column. Without the extension these writes fail ("no such
-- function"), as the outbox's do: fail closed. The outbox is checked on
-- insert only: tools/invite-mail updates it without the extension (status,
-- attempts, the scrubbed subject and body, last_error).
--
-- The application's tables must stay writable without the extension, so
-- their triggers are plain SQL, and plain SQL can only see a NUL:
-- instr(CAST(x AS BLOB), x'00') finds one byte-wise. SQLite has no pure-SQL
-- test for invalid UTF-8 (CAST(CAST(x AS BLOB) AS TEXT) returns the same
-- bytes; no function decodes strictly, and a trigger cannot hold the
-- recursive CTE a byte-by-byte check would need). So invalid UTF-8 in
-- users, businesses, apps, roles, subscriptions, security_profiles and
-- portals is NOT refused on plain DML; the verbs escape it in their messages
-- and never copy it into our tables (the invites triggers refuse it).

CREATE TRIGGER $S.invites_text_insert BEFORE INSERT ON invites
BEGIN
  SELECT invite_raise(invite_text_problem('invites', 'kind', NEW.kind, 'email', NEW.email, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'display_name', NEW.display_name, 'comments', NEW.comments, 'decline_reason', NEW.decline_reason, 'metadata', NEW.metadata));
END;
CREATE TRIGGER $S.invites_text_update BEFORE UPDATE OF kind, email, first_name, last_name, display_name, comments, decline_reason, metadata ON invites
BEGIN
  SELECT invite_raise(invite_text_problem('invites', 'kind', NEW.kind, 'email', NEW.email, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'display_name', NEW.display_name, 'comments', NEW.comments, 'decline_reason', NEW.decline_reason, 'metadata', NEW.metadata));
END;

CREATE TRIGGER $S.guests_text_insert BEFORE INSERT ON guests
BEGIN
  SELECT invite_raise(invite_text_problem('guests', 'end_reason', NEW.end_reason));
END;
CREATE TRIGGER $S.guests_text_update BEFORE UPDATE OF end_reason ON guests
BEGIN
  SELECT invite_raise(invite_text_problem('guests', 'end_reason', NEW.end_reason));
END;

CREATE TRIGGER $S.templates_text_insert BEFORE INSERT ON templates
BEGIN
  SELECT invite_raise(invite_text_problem('templates', 'kind', NEW.kind, 'subject', NEW.subject, 'body', NEW.body));
END;
CREATE TRIGGER $S.templates_text_update BEFORE UPDATE OF kind, subject, body ON templates
BEGIN
  SELECT invite_raise(invite_text_problem('templates', 'kind', NEW.kind, 'subject', NEW.subject, 'body', NEW.body));
END;

CREATE TRIGGER $S.outbox_text_insert BEFORE INSERT ON outbox
BEGIN
  SELECT invite_raise(invite_text_problem('outbox', 'kind', NEW.kind, 'recipient', NEW.recipient, 'recipient_name', NEW.recipient_name, 'subject', NEW.subject, 'body', NEW.body, 'message_id', NEW.message_id, 'secret', NEW.secret, 'status', NEW.status, 'last_error', NEW.last_error));
END;

CREATE TRIGGER $S.session_members_text_insert BEFORE INSERT ON session_members
BEGIN
  SELECT invite_raise(invite_text_problem('session_members', 'kind', NEW.kind, 'display_name', NEW.display_name, 'comments', NEW.comments, 'left_reason', NEW.left_reason));
END;
CREATE TRIGGER $S.session_members_text_update BEFORE UPDATE OF kind, display_name, comments, left_reason ON session_members
BEGIN
  SELECT invite_raise(invite_text_problem('session_members', 'kind', NEW.kind, 'display_name', NEW.display_name, 'comments', NEW.comments, 'left_reason', NEW.left_reason));
END;

CREATE TRIGGER $S.users_nul_insert BEFORE INSERT ON users
  WHEN instr(CAST(NEW.email AS BLOB), x'00') > 0
      OR instr(CAST(NEW.first_name AS BLOB), x'00') > 0
      OR instr(CAST(NEW.last_name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'users: text contains a NUL byte');
END;

CREATE TRIGGER $S.users_nul_update BEFORE UPDATE OF email, first_name, last_name ON users
  WHEN instr(CAST(NEW.email AS BLOB), x'00') > 0
      OR instr(CAST(NEW.first_name AS BLOB), x'00') > 0
      OR instr(CAST(NEW.last_name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'users: text contains a NUL byte');
END;

CREATE TRIGGER $S.businesses_nul_insert BEFORE INSERT ON businesses
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'businesses: text contains a NUL byte');
END;

CREATE TRIGGER $S.businesses_nul_update BEFORE UPDATE OF name ON businesses
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'businesses: text contains a NUL byte');
END;

CREATE TRIGGER $S.apps_nul_insert BEFORE INSERT ON apps
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'apps: text contains a NUL byte');
END;

CREATE TRIGGER $S.apps_nul_update BEFORE UPDATE OF name ON apps
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'apps: text contains a NUL byte');
END;

CREATE TRIGGER $S.roles_nul_insert BEFORE INSERT ON roles
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'roles: text contains a NUL byte');
END;

CREATE TRIGGER $S.roles_nul_update BEFORE UPDATE OF name ON roles
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'roles: text contains a NUL byte');
END;

CREATE TRIGGER $S.subscriptions_nul_insert BEFORE INSERT ON subscriptions
  WHEN instr(CAST(NEW.plan AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: text contains a NUL byte');
END;

CREATE TRIGGER $S.subscriptions_nul_update BEFORE UPDATE OF plan ON subscriptions
  WHEN instr(CAST(NEW.plan AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: text contains a NUL byte');
END;

CREATE TRIGGER $S.security_profiles_nul_insert BEFORE INSERT ON security_profiles
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
      OR instr(CAST(NEW.description AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'security_profiles: text contains a NUL byte');
END;

CREATE TRIGGER $S.security_profiles_nul_update BEFORE UPDATE OF name, description ON security_profiles
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
      OR instr(CAST(NEW.description AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'security_profiles: text contains a NUL byte');
END;

CREATE TRIGGER $S.portals_nul_insert BEFORE INSERT ON portals
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
      OR instr(CAST(NEW.base_url AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'portals: text contains a NUL byte');
END;

CREATE TRIGGER $S.portals_nul_update BEFORE UPDATE OF name, base_url ON portals
  WHEN instr(CAST(NEW.name AS BLOB), x'00') > 0
      OR instr(CAST(NEW.base_url AS BLOB), x'00') > 0
BEGIN
  SELECT RAISE(ABORT, 'portals: text contains a NUL byte');
END;
