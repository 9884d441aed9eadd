-- text.sql — every free-text column holds valid UTF-8 without NUL, whoever
-- writes it (a verb checks its arguments first; these triggers hold plain
-- DML). A refusal names the table and column:
--   invites: comments is not valid UTF-8 (byte 0xFF at byte 3)
--
-- The extension's own tables call invite_text_problem() (ext/text.c): a
-- connection without the extension cannot write them at all (fail closed).
-- The application's catalog tables (users, businesses, ...) are written by
-- applications that may not load the extension, so their check is plain
-- SQL: it refuses NUL and the bytes that never occur in UTF-8 (C0, C1,
-- F5..FF), not a stray continuation byte or a cut sequence (see
-- sql/README.md, "Text"). The outbox gets the plain-SQL check too: its
-- text comes from verbs (checked there) and last_error from tools/invite-mail,
-- which never loads the extension.

CREATE TRIGGER $S.invites_text_insert BEFORE INSERT ON invites
BEGIN
  SELECT invite_raise('invites: email ' || invite_text_problem(NEW.email));
  SELECT invite_raise('invites: first_name ' || invite_text_problem(NEW.first_name));
  SELECT invite_raise('invites: last_name ' || invite_text_problem(NEW.last_name));
  SELECT invite_raise('invites: display_name ' || invite_text_problem(NEW.display_name));
  SELECT invite_raise('invites: comments ' || invite_text_problem(NEW.comments));
  SELECT invite_raise('invites: decline_reason ' || invite_text_problem(NEW.decline_reason));
  SELECT invite_raise('invites: metadata ' || invite_text_problem(NEW.metadata));
END;

CREATE TRIGGER $S.invites_text_update BEFORE UPDATE OF email, first_name, last_name, display_name, comments, decline_reason, metadata ON invites
BEGIN
  SELECT invite_raise('invites: email ' || invite_text_problem(NEW.email));
  SELECT invite_raise('invites: first_name ' || invite_text_problem(NEW.first_name));
  SELECT invite_raise('invites: last_name ' || invite_text_problem(NEW.last_name));
  SELECT invite_raise('invites: display_name ' || invite_text_problem(NEW.display_name));
  SELECT invite_raise('invites: comments ' || invite_text_problem(NEW.comments));
  SELECT invite_raise('invites: decline_reason ' || invite_text_problem(NEW.decline_reason));
  SELECT invite_raise('invites: metadata ' || invite_text_problem(NEW.metadata));
END;

CREATE TRIGGER $S.session_members_text_insert BEFORE INSERT ON session_members
BEGIN
  SELECT invite_raise('session_members: display_name ' || invite_text_problem(NEW.display_name));
  SELECT invite_raise('session_members: comments ' || invite_text_problem(NEW.comments));
  SELECT invite_raise('session_members: left_reason ' || invite_text_problem(NEW.left_reason));
END;

CREATE TRIGGER $S.session_members_text_update BEFORE UPDATE OF display_name, comments, left_reason ON session_members
BEGIN
  SELECT invite_raise('session_members: display_name ' || invite_text_problem(NEW.display_name));
  SELECT invite_raise('session_members: comments ' || invite_text_problem(NEW.comments));
  SELECT invite_raise('session_members: left_reason ' || invite_text_problem(NEW.left_reason));
END;

CREATE TRIGGER $S.templates_text_insert BEFORE INSERT ON templates
BEGIN
  SELECT invite_raise('templates: subject ' || invite_text_problem(NEW.subject));
  SELECT invite_raise('templates: body ' || invite_text_problem(NEW.body));
END;

CREATE TRIGGER $S.templates_text_update BEFORE UPDATE OF subject, body ON templates
BEGIN
  SELECT invite_raise('templates: subject ' || invite_text_problem(NEW.subject));
  SELECT invite_raise('templates: body ' || invite_text_problem(NEW.body));
END;

CREATE TRIGGER $S.guests_text_insert BEFORE INSERT ON guests
BEGIN
  SELECT invite_raise('guests: end_reason ' || invite_text_problem(NEW.end_reason));
END;

CREATE TRIGGER $S.guests_text_update BEFORE UPDATE OF end_reason ON guests
BEGIN
  SELECT invite_raise('guests: end_reason ' || invite_text_problem(NEW.end_reason));
END;

CREATE TRIGGER $S.guest_sources_text_insert BEFORE INSERT ON guest_sources
BEGIN
  SELECT invite_raise('guest_sources: domain ' || invite_text_problem(NEW.domain));
END;

CREATE TRIGGER $S.guest_sources_text_update BEFORE UPDATE OF domain ON guest_sources
BEGIN
  SELECT invite_raise('guest_sources: domain ' || invite_text_problem(NEW.domain));
END;

CREATE TRIGGER $S.invite_setting_defs_text_insert BEFORE INSERT ON invite_setting_defs
BEGIN
  SELECT invite_raise('invite_setting_defs: name ' || invite_text_problem(NEW.name));
  SELECT invite_raise('invite_setting_defs: description ' || invite_text_problem(NEW.description));
END;

CREATE TRIGGER $S.invite_setting_defs_text_update BEFORE UPDATE OF name, description ON invite_setting_defs
BEGIN
  SELECT invite_raise('invite_setting_defs: name ' || invite_text_problem(NEW.name));
  SELECT invite_raise('invite_setting_defs: description ' || invite_text_problem(NEW.description));
END;

CREATE TRIGGER $S.users_text_insert BEFORE INSERT ON users
BEGIN
  SELECT RAISE(ABORT, 'users: email contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.email AS BLOB) AS b) WHERE typeof(NEW.email) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'users: first_name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.first_name AS BLOB) AS b) WHERE typeof(NEW.first_name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'users: last_name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.last_name AS BLOB) AS b) WHERE typeof(NEW.last_name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.users_text_update BEFORE UPDATE OF email, first_name, last_name ON users
BEGIN
  SELECT RAISE(ABORT, 'users: email contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.email AS BLOB) AS b) WHERE typeof(NEW.email) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'users: first_name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.first_name AS BLOB) AS b) WHERE typeof(NEW.first_name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'users: last_name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.last_name AS BLOB) AS b) WHERE typeof(NEW.last_name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.businesses_text_insert BEFORE INSERT ON businesses
BEGIN
  SELECT RAISE(ABORT, 'businesses: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.businesses_text_update BEFORE UPDATE OF name ON businesses
BEGIN
  SELECT RAISE(ABORT, 'businesses: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.apps_text_insert BEFORE INSERT ON apps
BEGIN
  SELECT RAISE(ABORT, 'apps: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.apps_text_update BEFORE UPDATE OF name ON apps
BEGIN
  SELECT RAISE(ABORT, 'apps: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.portals_text_insert BEFORE INSERT ON portals
BEGIN
  SELECT RAISE(ABORT, 'portals: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'portals: base_url contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.base_url AS BLOB) AS b) WHERE typeof(NEW.base_url) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.portals_text_update BEFORE UPDATE OF name, base_url ON portals
BEGIN
  SELECT RAISE(ABORT, 'portals: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'portals: base_url contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.base_url AS BLOB) AS b) WHERE typeof(NEW.base_url) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.roles_text_insert BEFORE INSERT ON roles
BEGIN
  SELECT RAISE(ABORT, 'roles: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.roles_text_update BEFORE UPDATE OF name ON roles
BEGIN
  SELECT RAISE(ABORT, 'roles: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.subscriptions_text_insert BEFORE INSERT ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: plan contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.plan AS BLOB) AS b) WHERE typeof(NEW.plan) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.subscriptions_text_update BEFORE UPDATE OF plan ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: plan contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.plan AS BLOB) AS b) WHERE typeof(NEW.plan) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.security_profiles_text_insert BEFORE INSERT ON security_profiles
BEGIN
  SELECT RAISE(ABORT, 'security_profiles: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'security_profiles: description contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.description AS BLOB) AS b) WHERE typeof(NEW.description) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.security_profiles_text_update BEFORE UPDATE OF name, description ON security_profiles
BEGIN
  SELECT RAISE(ABORT, 'security_profiles: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
  SELECT RAISE(ABORT, 'security_profiles: description contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.description AS BLOB) AS b) WHERE typeof(NEW.description) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.settings_text_insert BEFORE INSERT ON settings
BEGIN
  SELECT RAISE(ABORT, 'settings: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.settings_text_update BEFORE UPDATE OF name ON settings
BEGIN
  SELECT RAISE(ABORT, 'settings: name contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.name AS BLOB) AS b) WHERE typeof(NEW.name) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

CREATE TRIGGER $S.outbox_text_update BEFORE UPDATE OF last_error ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox: last_error contains NUL or bytes that are not UTF-8')
    FROM (SELECT CAST(NEW.last_error AS BLOB) AS b) WHERE typeof(NEW.last_error) = 'text' AND (instr(b, x'00') OR instr(b, x'C0') OR instr(b, x'C1') OR instr(b, x'F5') OR instr(b, x'F6') OR instr(b, x'F7') OR instr(b, x'F8') OR instr(b, x'F9') OR instr(b, x'FA') OR instr(b, x'FB') OR instr(b, x'FC') OR instr(b, x'FD') OR instr(b, x'FE') OR instr(b, x'FF'));
END;

-- An insert runs invite_text_problem() first: text it accepts (valid UTF-8
-- without NUL) holds none of the refused bytes, so the byte scans (14 per
-- column, about 150k instructions per rendered email) run only on text it
-- flags; what is refused, and the message, are the plain check's. Inserts
-- need the extension anyway (outbox_check_insert calls it).
CREATE TRIGGER $S.outbox_text_insert BEFORE INSERT ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox: recipient contains NUL or bytes that are not UTF-8')
   WHERE invite_text_problem(NEW.recipient) IS NOT NULL
     AND (instr(CAST(NEW.recipient AS BLOB), x'00') OR instr(CAST(NEW.recipient AS BLOB), x'C0') OR instr(CAST(NEW.recipient AS BLOB), x'C1') OR instr(CAST(NEW.recipient AS BLOB), x'F5') OR instr(CAST(NEW.recipient AS BLOB), x'F6') OR instr(CAST(NEW.recipient AS BLOB), x'F7') OR instr(CAST(NEW.recipient AS BLOB), x'F8') OR instr(CAST(NEW.recipient AS BLOB), x'F9') OR instr(CAST(NEW.recipient AS BLOB), x'FA') OR instr(CAST(NEW.recipient AS BLOB), x'FB') OR instr(CAST(NEW.recipient AS BLOB), x'FC') OR instr(CAST(NEW.recipient AS BLOB), x'FD') OR instr(CAST(NEW.recipient AS BLOB), x'FE') OR instr(CAST(NEW.recipient AS BLOB), x'FF'));
  SELECT RAISE(ABORT, 'outbox: recipient_name contains NUL or bytes that are not UTF-8')
   WHERE invite_text_problem(NEW.recipient_name) IS NOT NULL
     AND (instr(CAST(NEW.recipient_name AS BLOB), x'00') OR instr(CAST(NEW.recipient_name AS BLOB), x'C0') OR instr(CAST(NEW.recipient_name AS BLOB), x'C1') OR instr(CAST(NEW.recipient_name AS BLOB), x'F5') OR instr(CAST(NEW.recipient_name AS BLOB), x'F6') OR instr(CAST(NEW.recipient_name AS BLOB), x'F7') OR instr(CAST(NEW.recipient_name AS BLOB), x'F8') OR instr(CAST(NEW.recipient_name AS BLOB), x'F9') OR instr(CAST(NEW.recipient_name AS BLOB), x'FA') OR instr(CAST(NEW.recipient_name AS BLOB), x'FB') OR instr(CAST(NEW.recipient_name AS BLOB), x'FC') OR instr(CAST(NEW.recipient_name AS BLOB), x'FD') OR instr(CAST(NEW.recipient_name AS BLOB), x'FE') OR instr(CAST(NEW.recipient_name AS BLOB), x'FF'));
  SELECT RAISE(ABORT, 'outbox: subject contains NUL or bytes that are not UTF-8')
   WHERE invite_text_problem(NEW.subject) IS NOT NULL
     AND (instr(CAST(NEW.subject AS BLOB), x'00') OR instr(CAST(NEW.subject AS BLOB), x'C0') OR instr(CAST(NEW.subject AS BLOB), x'C1') OR instr(CAST(NEW.subject AS BLOB), x'F5') OR instr(CAST(NEW.subject AS BLOB), x'F6') OR instr(CAST(NEW.subject AS BLOB), x'F7') OR instr(CAST(NEW.subject AS BLOB), x'F8') OR instr(CAST(NEW.subject AS BLOB), x'F9') OR instr(CAST(NEW.subject AS BLOB), x'FA') OR instr(CAST(NEW.subject AS BLOB), x'FB') OR instr(CAST(NEW.subject AS BLOB), x'FC') OR instr(CAST(NEW.subject AS BLOB), x'FD') OR instr(CAST(NEW.subject AS BLOB), x'FE') OR instr(CAST(NEW.subject AS BLOB), x'FF'));
  SELECT RAISE(ABORT, 'outbox: body contains NUL or bytes that are not UTF-8')
   WHERE invite_text_problem(NEW.body) IS NOT NULL
     AND (instr(CAST(NEW.body AS BLOB), x'00') OR instr(CAST(NEW.body AS BLOB), x'C0') OR instr(CAST(NEW.body AS BLOB), x'C1') OR instr(CAST(NEW.body AS BLOB), x'F5') OR instr(CAST(NEW.body AS BLOB), x'F6') OR instr(CAST(NEW.body AS BLOB), x'F7') OR instr(CAST(NEW.body AS BLOB), x'F8') OR instr(CAST(NEW.body AS BLOB), x'F9') OR instr(CAST(NEW.body AS BLOB), x'FA') OR instr(CAST(NEW.body AS BLOB), x'FB') OR instr(CAST(NEW.body AS BLOB), x'FC') OR instr(CAST(NEW.body AS BLOB), x'FD') OR instr(CAST(NEW.body AS BLOB), x'FE') OR instr(CAST(NEW.body AS BLOB), x'FF'));
  SELECT RAISE(ABORT, 'outbox: message_id contains NUL or bytes that are not UTF-8')
   WHERE invite_text_problem(NEW.message_id) IS NOT NULL
     AND (instr(CAST(NEW.message_id AS BLOB), x'00') OR instr(CAST(NEW.message_id AS BLOB), x'C0') OR instr(CAST(NEW.message_id AS BLOB), x'C1') OR instr(CAST(NEW.message_id AS BLOB), x'F5') OR instr(CAST(NEW.message_id AS BLOB), x'F6') OR instr(CAST(NEW.message_id AS BLOB), x'F7') OR instr(CAST(NEW.message_id AS BLOB), x'F8') OR instr(CAST(NEW.message_id AS BLOB), x'F9') OR instr(CAST(NEW.message_id AS BLOB), x'FA') OR instr(CAST(NEW.message_id AS BLOB), x'FB') OR instr(CAST(NEW.message_id AS BLOB), x'FC') OR instr(CAST(NEW.message_id AS BLOB), x'FD') OR instr(CAST(NEW.message_id AS BLOB), x'FE') OR instr(CAST(NEW.message_id AS BLOB), x'FF'));
  SELECT RAISE(ABORT, 'outbox: last_error contains NUL or bytes that are not UTF-8')
   WHERE invite_text_problem(NEW.last_error) IS NOT NULL
     AND (instr(CAST(NEW.last_error AS BLOB), x'00') OR instr(CAST(NEW.last_error AS BLOB), x'C0') OR instr(CAST(NEW.last_error AS BLOB), x'C1') OR instr(CAST(NEW.last_error AS BLOB), x'F5') OR instr(CAST(NEW.last_error AS BLOB), x'F6') OR instr(CAST(NEW.last_error AS BLOB), x'F7') OR instr(CAST(NEW.last_error AS BLOB), x'F8') OR instr(CAST(NEW.last_error AS BLOB), x'F9') OR instr(CAST(NEW.last_error AS BLOB), x'FA') OR instr(CAST(NEW.last_error AS BLOB), x'FB') OR instr(CAST(NEW.last_error AS BLOB), x'FC') OR instr(CAST(NEW.last_error AS BLOB), x'FD') OR instr(CAST(NEW.last_error AS BLOB), x'FE') OR instr(CAST(NEW.last_error AS BLOB), x'FF'));
END;
