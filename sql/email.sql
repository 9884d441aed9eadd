-- email.sql — templates, the outbox, the emails after an invitation was
-- sent (accepted, reminders), and their law.
--
-- Verbs render a template (macro_expand) into the outbox in their own
-- transaction; tools/invite-mail delivers the outbox with plain SQL, without
-- the extension. So the outbox triggers use only built-in SQL, while the
-- template triggers call the extension's pure invite_template_check() and
-- invite_raise(): a client without the extension cannot save a template
-- ("no such function"), it never saves an unchecked one.

-- ---- templates ----

-- One subject + body per business and kind; business_id NULL holds the
-- built-in default of the kind, used by every business without its own.
-- invite_init() rewrites the defaults whenever the schema changes (an
-- upgrade): to keep a wording, give the business its own row. The kinds,
-- for the SQL and the C (tools/expand-kinds.awk):
-- kinds: template member_invite guest_invite session_invite resend expiring_soon accepted reminder
CREATE TABLE IF NOT EXISTS $S.templates(
  id          INTEGER PRIMARY KEY,
  business_id INTEGER REFERENCES businesses(id),   -- NULL: built-in default
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL
);
-- text: templates | ext | subject body
CREATE UNIQUE INDEX IF NOT EXISTS $S.templates_by_kind
  ON templates(kind, ifnull(business_id, 0));

-- Where Message-IDs of queued emails point (after the '@').
INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('mail_domain', 'invite.local',
   'domain of the Message-ID of every email the outbox sends');

-- twin: templates_check_update BEFORE UPDATE
CREATE TRIGGER $S.templates_check_insert BEFORE INSERT ON templates
BEGIN
  SELECT RAISE(ABORT, 'templates: kind must be @kinds(template)')
   WHERE @kind_not_in(template, NEW.kind);
  SELECT RAISE(ABORT, 'templates: unknown business')
   WHERE NEW.business_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM businesses WHERE id = NEW.business_id);
  SELECT RAISE(ABORT, 'templates: subject and body must be text')
   WHERE typeof(NEW.subject) <> 'text' OR typeof(NEW.body) <> 'text';
  SELECT RAISE(ABORT, 'templates: subject cannot contain line breaks')
   WHERE instr(NEW.subject, char(10)) OR instr(NEW.subject, char(13));
  -- A comment may hold line breaks; the key belongs in the body only.
  SELECT RAISE(ABORT, 'templates: %COMMENTS% and the key cannot appear in a subject')
   WHERE instr(NEW.subject, '%COMMENTS%') OR instr(NEW.subject, '%SESSION_KEY');
  SELECT RAISE(ABORT, 'templates: an invitation body must contain %SESSION_KEY_URL% or %SESSION_KEY%')
   WHERE NEW.kind <> 'expiring_soon' AND NEW.kind <> 'accepted' AND NEW.kind <> 'reminder'
     AND instr(NEW.body, '%SESSION_KEY') = 0;
  SELECT RAISE(ABORT, 'templates: an expiring_soon email has no key to show')
   WHERE NEW.kind = 'expiring_soon' AND instr(NEW.body, '%SESSION_KEY');
  -- Sent after the key was made, when only its hash is stored.
  SELECT RAISE(ABORT, 'templates: an accepted or reminder email has no key to show (only its hash is stored)')
   WHERE (NEW.kind = 'accepted' OR NEW.kind = 'reminder') AND instr(NEW.body, '%SESSION_KEY');
  SELECT invite_raise('templates: subject: ' || invite_template_check(NEW.subject));
  SELECT invite_raise('templates: body: ' || invite_template_check(NEW.body));
END;

-- Made after templates_check_update, so it refuses first.
CREATE TRIGGER $S.templates_keep_kind BEFORE UPDATE ON templates
BEGIN
  SELECT RAISE(ABORT, 'templates: only the subject and body of a template can change')
   WHERE NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind
      OR NEW.business_id IS NOT OLD.business_id;
END;

-- The built-in defaults, one per kind (the access-invitation email of the
-- seed is session_invite).
INSERT INTO $S.templates(business_id, kind, subject, body) VALUES
(NULL, 'member_invite',
 '%INVITER_NAME% invited you to %APP_NAME% at %BUSINESS_NAME%',
 'Hello %USER_NAME%,

%INVITER_NAME% invited you to join %BUSINESS_NAME% on %APP_NAME% as %ROLE_NAME%.
%COMMENTS%

Accept the invitation:
%SESSION_KEY_URL%

The link works once and expires on %EXPIRES_AT% UTC (in %DAYS_LEFT% days).
If you did not expect this invitation, you can ignore this email.
'),
(NULL, 'guest_invite',
 '%INVITER_NAME% invited you to %BUSINESS_NAME% as a guest',
 'Hello %USER_NAME%,

%INVITER_NAME% invited you to %BUSINESS_NAME% as a guest.
%COMMENTS%

Accept the invitation:
%SESSION_KEY_URL%

The link works once and expires on %EXPIRES_AT% UTC (in %DAYS_LEFT% days).
If you did not expect this invitation, you can ignore this email.
'),
(NULL, 'session_invite',
 'Access invite: join a session with %INVITER_NAME% (%BUSINESS_NAME%)',
 'Hello %USER_NAME%,

%INVITER_NAME% of %BUSINESS_NAME% invites you to join a support session
as an external representative (%ROLE_NAME%).
%COMMENTS%

Join the session:
%SESSION_KEY_URL%

Session key: %SESSION_KEY%

The key works one time only and expires on %EXPIRES_AT% UTC.
'),
(NULL, 'resend',
 'Reminder: your invitation to %BUSINESS_NAME%',
 'Hello %USER_NAME%,

%INVITER_NAME% sent you a new link to join %BUSINESS_NAME%. Earlier links
may no longer work.

Accept the invitation:
%SESSION_KEY_URL%

The link works once and expires on %EXPIRES_AT% UTC (in %DAYS_LEFT% days).
'),
(NULL, 'expiring_soon',
 'Your guest access to %BUSINESS_NAME% ends in %DAYS_LEFT% days',
 'Hello %USER_NAME%,

Your guest access to %BUSINESS_NAME% ends on %EXPIRES_AT% UTC
(in %DAYS_LEFT% days). To keep it, ask an account manager of %BUSINESS_NAME%
to renew it.
')
ON CONFLICT(kind, ifnull(business_id, 0))
DO UPDATE SET subject = excluded.subject, body = excluded.body
-- An upgrade that brings the same text changes nothing (and audits nothing).
 WHERE subject IS NOT excluded.subject OR body IS NOT excluded.body;

-- Every kind keeps a default, so every verb finds a template.
CREATE TRIGGER $S.templates_check_delete BEFORE DELETE ON templates
WHEN OLD.business_id IS NULL
BEGIN
  SELECT RAISE(ABORT, 'templates: a built-in default cannot be deleted (add a row for the business instead)');
END;

-- ---- outbox ----

-- Rendered emails waiting for tools/invite-mail. Life cycle:
--   queued --(server accepted)--> sent      (terminal)
--   queued --(attempt failed)---> queued    attempts + 1, next_attempt_at later
--   queued --(limit or 5xx)-----> failed    (terminal: resend the invite)
-- secret: the one-time key the body shows, kept only to scrub it: when the
-- status becomes sent or failed, a trigger replaces it in subject and body
-- by '[key removed]' and clears this column, whichever client wrote it.
CREATE TABLE IF NOT EXISTS $S.outbox(
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,        -- the template kind it was rendered from
  invite_id       INTEGER REFERENCES invites(id),
  business_id     INTEGER REFERENCES businesses(id),
  recipient       TEXT NOT NULL,        -- address
  recipient_name  TEXT,                 -- display name, may be non-ASCII
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,        -- UTF-8 plain text
  message_id      TEXT NOT NULL UNIQUE, -- '<...@mail_domain>', fixed at enqueue
  secret          TEXT,
  status          TEXT NOT NULL DEFAULT 'queued',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
-- text: outbox | sql+ext | recipient recipient_name subject body message_id last_error | last_error
CREATE INDEX IF NOT EXISTS $S.outbox_due ON outbox(next_attempt_at, id)
  WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS $S.outbox_by_invite ON outbox(invite_id);

-- The rules of a new row are checked by one call of the extension's pure
-- invite_outbox_problem() (ext/outbox.c), which returns the message of the
-- first broken one: the kind is known; recipient, recipient_name and
-- subject carry no line break; the recipient is one plain address; the
-- Message-ID looks like <local@domain>; the email is queued with no attempt
-- and no sent_at; created_at and next_attempt_at are timestamps; the secret
-- to scrub appears in the body. Without the extension nothing is queued.
CREATE TRIGGER $S.outbox_check_insert BEFORE INSERT ON outbox
BEGIN
  SELECT invite_raise(invite_outbox_problem(NEW.kind, NEW.recipient,
           NEW.recipient_name, NEW.subject, NEW.body, NEW.message_id,
           NEW.secret, NEW.status, NEW.attempts, NEW.sent_at,
           NEW.created_at, NEW.next_attempt_at));
END;

CREATE TRIGGER $S.outbox_check_update BEFORE UPDATE ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox: only status, attempts, next_attempt_at, last_error and sent_at can change')
   WHERE NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind
      OR NEW.invite_id IS NOT OLD.invite_id OR NEW.business_id IS NOT OLD.business_id
      OR NEW.recipient IS NOT OLD.recipient OR NEW.recipient_name IS NOT OLD.recipient_name
      OR NEW.message_id IS NOT OLD.message_id OR NEW.created_at IS NOT OLD.created_at;
  -- The one change of subject, body and secret: the scrub (outbox_scrub).
  SELECT RAISE(ABORT, 'outbox: subject and body cannot change (the key is scrubbed once the email is sent)')
   WHERE (NEW.subject IS NOT OLD.subject OR NEW.body IS NOT OLD.body
          OR NEW.secret IS NOT OLD.secret)
     AND NOT (OLD.status <> 'queued' AND OLD.secret IS NOT NULL AND NEW.secret IS NULL
              AND NEW.subject IS replace(OLD.subject, OLD.secret, '[key removed]')
              AND NEW.body IS replace(OLD.body, OLD.secret, '[key removed]'));
  SELECT RAISE(ABORT, 'outbox: a sent email cannot go back to queued')
   WHERE OLD.status = 'sent' AND NEW.status IS NOT 'sent';
  SELECT RAISE(ABORT, 'outbox: a sent email cannot change')
   WHERE OLD.status = 'sent'
     AND (NEW.attempts IS NOT OLD.attempts OR NEW.next_attempt_at IS NOT OLD.next_attempt_at
          OR NEW.last_error IS NOT OLD.last_error OR NEW.sent_at IS NOT OLD.sent_at);
  SELECT RAISE(ABORT, 'outbox: a failed email cannot change (resend the invite)')
   WHERE OLD.status = 'failed'
     AND (NEW.status IS NOT OLD.status OR NEW.attempts IS NOT OLD.attempts
          OR NEW.next_attempt_at IS NOT OLD.next_attempt_at
          OR NEW.last_error IS NOT OLD.last_error OR NEW.sent_at IS NOT OLD.sent_at);
  SELECT RAISE(ABORT, 'outbox: status must be queued, sent or failed')
   WHERE NEW.status IS NOT 'queued' AND NEW.status IS NOT 'sent' AND NEW.status IS NOT 'failed';
  SELECT RAISE(ABORT, 'outbox: attempts cannot decrease')
   WHERE typeof(NEW.attempts) <> 'integer' OR NEW.attempts < OLD.attempts;
  SELECT RAISE(ABORT, 'outbox: sent_at is a timestamp set when, and only when, the email is sent')
   WHERE (NEW.status = 'sent') <> (NEW.sent_at IS NOT NULL)
      OR (NEW.sent_at IS NOT NULL AND datetime(NEW.sent_at) IS NOT NEW.sent_at);
  SELECT RAISE(ABORT, 'outbox: next_attempt_at must be a timestamp')
   WHERE datetime(NEW.next_attempt_at) IS NOT NEW.next_attempt_at;
END;

-- Sent (or given up): the key leaves the stored email.
CREATE TRIGGER $S.outbox_scrub AFTER UPDATE OF status ON outbox
WHEN NEW.status IN ('sent', 'failed') AND NEW.secret IS NOT NULL
BEGIN
  UPDATE outbox
     SET subject = replace(subject, secret, '[key removed]'),
         body = replace(body, secret, '[key removed]'),
         secret = NULL
   WHERE id = NEW.id;
END;

-- A queued email of an invite that was revoked or given a new key would
-- deliver a dead link: it is given up instead (and so scrubbed).
CREATE TRIGGER $S.outbox_cancel_stale AFTER UPDATE OF key_hash, revoked_at ON invites
WHEN NEW.revoked_at IS NOT NULL OR NEW.key_hash IS NOT OLD.key_hash
BEGIN
  UPDATE outbox
     SET status = 'failed',
         last_error = CASE WHEN NEW.revoked_at IS NOT NULL
                           THEN 'cancelled: the invite was revoked'
                           ELSE 'cancelled: the invite was sent again with a new key' END
   WHERE invite_id = NEW.id AND status = 'queued';
END;

-- What a delivery run sends now, oldest first (status queued, due by the
-- database's clock, which may be pinned).
CREATE VIEW $S.outbox_pending AS
SELECT o.id, o.kind, o.invite_id, o.recipient, o.recipient_name, o.subject,
       o.body, o.message_id, o.attempts, o.next_attempt_at, o.created_at
  FROM outbox o
 WHERE o.status = 'queued' AND o.next_attempt_at <= (SELECT now FROM invite_now)
 ORDER BY o.next_attempt_at, o.id;

-- ---- notifications: the inviter told of an acceptance, reminders ----
--
-- Emails about an invitation after it was sent: the inviter told of an
-- acceptance (kind 'accepted') and the invitee reminded before the key
-- expires (kind 'reminder'). Neither shows a key: only its hash is stored
-- once the invitation email was queued.
-- ---- settings ----

INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('notify_inviter_on_accept', 0,
   '1: the inviter gets an email (kind accepted) when an invitation is redeemed; 0: none'),
  ('reminder_days_before', 2,
   'days before a pending invitation key expires that invite_notify_pending() reminds the invitee (0: no reminders), 0 to 365');

-- twin: settings_check_notify_update BEFORE UPDATE
CREATE TRIGGER $S.settings_check_notify_insert BEFORE INSERT ON settings
WHEN NEW.name = 'notify_inviter_on_accept' OR NEW.name = 'reminder_days_before'
BEGIN
  SELECT RAISE(ABORT, 'settings: notify_inviter_on_accept must be 0 or 1')
   WHERE NEW.name = 'notify_inviter_on_accept'
     AND (typeof(NEW.value) <> 'integer' OR NEW.value NOT IN (0, 1));
  SELECT RAISE(ABORT, 'settings: reminder_days_before must be a whole number from 0 to 365')
   WHERE NEW.name = 'reminder_days_before'
     AND (typeof(NEW.value) <> 'integer' OR NEW.value NOT BETWEEN 0 AND 365);
END;

-- ---- the default texts ----

INSERT INTO $S.templates(business_id, kind, subject, body) VALUES
(NULL, 'accepted',
 '%USER_NAME% accepted your invitation to %BUSINESS_NAME%',
 'Hello %INVITER_NAME%,

%USER_NAME% (%EMAIL%) accepted your invitation to %BUSINESS_NAME%
as %ROLE_NAME%.
'),
(NULL, 'reminder',
 'Reminder: your invitation to %BUSINESS_NAME% expires soon',
 'Hello %USER_NAME%,

%INVITER_NAME% invited you to %BUSINESS_NAME% as %ROLE_NAME%.
The link in that invitation email expires on %EXPIRES_AT% UTC.
If you cannot find it, ask %INVITER_NAME% to send it again.
')
ON CONFLICT(kind, ifnull(business_id, 0))
DO UPDATE SET subject = excluded.subject, body = excluded.body
 WHERE subject IS NOT excluded.subject OR body IS NOT excluded.body;

-- ---- accepted: the inviter is told, for any client that redeems ----

-- Rendered here rather than by invite_redeem, so a redemption written as
-- plain SQL tells the inviter too. Every known macro is given (macro_expand
-- is strict); the invitee is the redeemer.
--
-- Two steps: the AFTER trigger only asks the setting and hands the invite
-- to the view invite_accepted_notice, whose INSTEAD OF trigger renders the
-- email. A trigger's frame holds registers for its whole body and is
-- allocated before its WHEN is tested, so the large body sits where only a
-- notification that is on reaches it (-20k instructions per redemption
-- with the setting off). The view's trigger queues at most one accepted
-- email per redeemed invite of a business that asks for them, whoever
-- inserts into the view.
CREATE TRIGGER $S.invites_notify_inviter AFTER UPDATE OF redeemed_at ON invites
WHEN OLD.redeemed_at IS NULL AND NEW.redeemed_at IS NOT NULL
 AND (SELECT value FROM invite_settings
       WHERE business_id = NEW.business_id AND name = 'notify_inviter_on_accept') = 1
BEGIN
  INSERT INTO invite_accepted_notice(invite_id) VALUES (NEW.id);
END;

CREATE VIEW $S.invite_accepted_notice AS
SELECT id AS invite_id FROM invites WHERE 0;

CREATE TRIGGER $S.invite_accepted_notice_insert INSTEAD OF INSERT ON invite_accepted_notice
BEGIN
  INSERT INTO outbox(kind, invite_id, business_id, recipient, recipient_name,
                     subject, body, message_id, next_attempt_at, created_at)
  SELECT 'accepted', m.id, m.business_id, m.inviter_email, m.inviter_name,
         macro_expand(tp.subject, m.vals), macro_expand(tp.body, m.vals),
         '<' || lower(hex(randomblob(16))) || '@'
             || (SELECT value FROM invite_settings
                  WHERE business_id = m.business_id AND name = 'mail_domain') || '>',
         t.now, t.now
    FROM invite_now t,
         (SELECT i.id, i.business_id, w.email AS inviter_email,
                 nullif(trim(coalesce(w.first_name, '') || ' ' || coalesce(w.last_name, '')), '')
                   AS inviter_name,
                 json_object(
                   'USER_NAME', coalesce(
                       CASE WHEN i.kind = 'session' THEN i.display_name END,
                       nullif(trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), ''),
                       u.email, i.email, ''),
                   'FIRST_NAME', coalesce(u.first_name, ''),
                   'LAST_NAME', coalesce(u.last_name, ''),
                   'EMAIL', coalesce(u.email, i.email, ''),
                   'INVITER_NAME', coalesce(
                       nullif(trim(coalesce(w.first_name, '') || ' ' || coalesce(w.last_name, '')), ''),
                       w.email),
                   'BUSINESS_NAME', coalesce((SELECT name FROM businesses WHERE id = i.business_id), ''),
                   'APP_NAME', coalesce(
                       (SELECT a.name FROM subscriptions s, apps a
                         WHERE s.id = coalesce(i.subscription_id,
                                               (SELECT subscription_id FROM sessions WHERE id = i.session_id))
                           AND a.id = s.app_id), ''),
                   'ROLE_NAME', coalesce(
                       CASE i.kind
                         WHEN 'member' THEN (SELECT name FROM roles WHERE id = i.role_id)
                         WHEN 'guest' THEN 'Guest'
                         ELSE (SELECT name FROM security_profiles WHERE id = i.profile_id) END, ''),
                   'EXPIRES_AT', i.expires_at,
                   'COMMENTS', coalesce(i.comments, ''),
                   'DAYS_LEFT', '',
                   'SESSION_KEY', '',
                   'SESSION_KEY_URL', '') AS vals
            FROM invites i JOIN users w ON w.id = i.inviter_id
                 LEFT JOIN users u ON u.id = i.redeemed_by
           WHERE i.id = NEW.invite_id AND i.redeemed_at IS NOT NULL
             AND w.email NOT LIKE '%@erased.invalid'  -- an inviter erased by user_forget()
             AND (SELECT value FROM invite_settings
                   WHERE business_id = i.business_id AND name = 'notify_inviter_on_accept') = 1
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.invite_id = i.id AND o.kind = 'accepted')) m,
         templates tp
   WHERE tp.id = coalesce(
           (SELECT id FROM templates WHERE kind = 'accepted' AND ifnull(business_id, 0) = m.business_id),
           (SELECT id FROM templates WHERE kind = 'accepted' AND ifnull(business_id, 0) = 0));
END;

-- ---- reminders: once per pending invite and key period ----

-- A period is named by its expiry: a resend (new expiry) allows one more.
CREATE TABLE IF NOT EXISTS $S.invite_reminders(
  id         INTEGER PRIMARY KEY,
  invite_id  INTEGER NOT NULL REFERENCES invites(id),
  expires_at TEXT NOT NULL,   -- the expiry the reminder was about
  sent_at    TEXT NOT NULL,   -- when it was queued
  UNIQUE (invite_id, expires_at)
);

-- Pending member and guest invites whose key expires within the business's
-- reminder_days_before, whose last email went out before that window
-- opened (no reminder right after an invitation), and that have no
-- reminder for this expiry. Session keys last minutes: never reminded.
CREATE VIEW $S.invite_reminders_due AS
SELECT i.id AS invite_id, i.business_id, i.email, i.expires_at,
       (strftime('%s', i.expires_at) - strftime('%s', t.now) + 86399) / 86400 AS days_left
  FROM invites i
  JOIN invite_now t
  JOIN invite_settings w ON w.business_id = i.business_id AND w.name = 'reminder_days_before'
 WHERE i.kind <> 'session' AND i.email IS NOT NULL
   AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
   AND i.expires_at > t.now
   AND w.value > 0
   AND i.expires_at <= datetime(t.now, '+' || w.value || ' days')
   AND coalesce(i.last_sent_at, i.created_at) < datetime(i.expires_at, '-' || w.value || ' days')
   AND NOT EXISTS (SELECT 1 FROM invite_reminders r
                    WHERE r.invite_id = i.id AND r.expires_at = i.expires_at);

CREATE TRIGGER $S.invite_reminders_check_insert BEFORE INSERT ON invite_reminders
BEGIN
  -- Also what OR REPLACE / OR IGNORE / UPSERT would have hidden.
  SELECT RAISE(ABORT, 'invite_reminders: this invite was already reminded for this expiry')
   WHERE EXISTS (SELECT 1 FROM invite_reminders
                  WHERE invite_id = NEW.invite_id AND expires_at = NEW.expires_at)
      OR EXISTS (SELECT 1 FROM invite_reminders WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'invite_reminders: a reminder names a pending invite and its current expiry')
   WHERE NOT EXISTS (SELECT 1 FROM invites i, invite_now t
                      WHERE i.id = NEW.invite_id AND i.expires_at = NEW.expires_at
                        AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
                        AND i.expires_at > t.now);
  SELECT RAISE(ABORT, 'invite_reminders: sent_at must be now')
    FROM invite_now t WHERE NEW.sent_at IS NOT t.now;
END;

CREATE TRIGGER $S.invite_reminders_no_update BEFORE UPDATE ON invite_reminders
BEGIN
  SELECT RAISE(ABORT, 'invite_reminders: reminders are kept as sent (one per invite and expiry)');
END;

-- invite_purge() and user_forget() delete the reminders of the invites they delete.
CREATE TRIGGER $S.invite_reminders_no_delete BEFORE DELETE ON invite_reminders
WHEN invite_erasing() IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'invite_reminders: reminders are kept as sent (one per invite and expiry)');
END;

-- ---- every write path (see core.sql) ----

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

-- templates keep UPSERT (saving a business's template): a REPLACE removes
-- the old row of the kind, the new one is checked and audited as saved.
CREATE TRIGGER $S.templates_guard_update BEFORE UPDATE OF id ON templates
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'templates: a template cannot change its id');
END;
