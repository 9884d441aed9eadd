-- notify.sql — emails about an invitation after it was sent: the inviter
-- told of an acceptance (kind 'accepted') and the invitee reminded before
-- the key expires (kind 'reminder'). Neither shows a key: only its hash is
-- stored once the invitation email was queued.

-- ---- settings ----

INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('notify_inviter_on_accept', 0,
   '1: the inviter gets an email (kind accepted) when an invitation is redeemed; 0: none'),
  ('reminder_days_before', 2,
   'days before a pending invitation key expires that invite_notify_pending() reminds the invitee (0: no reminders), 0 to 365');

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

CREATE TRIGGER $S.settings_check_notify_update BEFORE UPDATE ON settings
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
CREATE TRIGGER $S.invites_notify_inviter AFTER UPDATE OF redeemed_at ON invites
WHEN OLD.redeemed_at IS NULL AND NEW.redeemed_at IS NOT NULL
 AND (SELECT value FROM invite_settings
       WHERE business_id = NEW.business_id AND name = 'notify_inviter_on_accept') = 1
BEGIN
  INSERT INTO outbox(kind, invite_id, business_id, recipient, recipient_name,
                     subject, body, message_id, next_attempt_at, created_at)
  SELECT 'accepted', NEW.id, NEW.business_id, v.email, m.inviter_name,
         macro_expand(tp.subject, m.vals), macro_expand(tp.body, m.vals),
         '<' || lower(hex(randomblob(16))) || '@'
             || (SELECT value FROM invite_settings
                  WHERE business_id = NEW.business_id AND name = 'mail_domain') || '>',
         t.now, t.now
    FROM users v, invite_now t,
         (SELECT nullif(trim(coalesce(w.first_name, '') || ' ' || coalesce(w.last_name, '')), '')
                   AS inviter_name,
                 json_object(
                   'USER_NAME', coalesce(
                       CASE WHEN NEW.kind = 'session' THEN NEW.display_name END,
                       nullif(trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), ''),
                       u.email, NEW.email, ''),
                   'FIRST_NAME', coalesce(u.first_name, ''),
                   'LAST_NAME', coalesce(u.last_name, ''),
                   'EMAIL', coalesce(u.email, NEW.email, ''),
                   'INVITER_NAME', coalesce(
                       nullif(trim(coalesce(w.first_name, '') || ' ' || coalesce(w.last_name, '')), ''),
                       w.email),
                   'BUSINESS_NAME', coalesce((SELECT name FROM businesses WHERE id = NEW.business_id), ''),
                   'APP_NAME', coalesce(
                       (SELECT a.name FROM subscriptions s, apps a
                         WHERE s.id = coalesce(NEW.subscription_id,
                                               (SELECT subscription_id FROM sessions WHERE id = NEW.session_id))
                           AND a.id = s.app_id), ''),
                   'ROLE_NAME', coalesce(
                       CASE NEW.kind
                         WHEN 'member' THEN (SELECT name FROM roles WHERE id = NEW.role_id)
                         WHEN 'guest' THEN 'Guest'
                         ELSE (SELECT name FROM security_profiles WHERE id = NEW.profile_id) END, ''),
                   'EXPIRES_AT', NEW.expires_at,
                   'COMMENTS', coalesce(NEW.comments, ''),
                   'DAYS_LEFT', '',
                   'SESSION_KEY', '',
                   'SESSION_KEY_URL', '') AS vals
            FROM users w LEFT JOIN users u ON u.id = NEW.redeemed_by
           WHERE w.id = NEW.inviter_id) m,
         templates tp
   WHERE v.id = NEW.inviter_id
     AND v.email NOT LIKE '%@erased.invalid'  -- an inviter erased by user_forget()
     AND tp.id = coalesce(
           (SELECT id FROM templates WHERE kind = 'accepted' AND ifnull(business_id, 0) = NEW.business_id),
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
