-- retention.sql — what invite_purge() and user_forget() may do that no other
-- writer may (ext/retention.c).
--
-- invite_erasing() is 1 only while one of those two verbs runs its own
-- statements on this connection; the rules that keep invites, old keys and
-- reminders for the record step aside then (WHEN invite_erasing() IS NOT 1
-- on invites_check_update, invites_no_delete, invite_old_keys_no_delete,
-- invite_reminders_no_delete), and this trigger takes their place: an
-- erasure only clears the personal columns of an invite, nothing else. A
-- client without the extension has no invite_erasing(), so it can neither
-- delete an invite nor change one ("no such function"): it fails closed.

CREATE TRIGGER $S.invites_check_erasure BEFORE UPDATE ON invites
WHEN invite_erasing() IS 1
BEGIN
  SELECT RAISE(ABORT, 'invites: an erasure only clears the personal columns (email, first_name, last_name, display_name, comments, decline_reason)')
   WHERE (NEW.email IS NOT OLD.email AND NEW.email IS NOT NULL)
      OR (NEW.decline_reason IS NOT OLD.decline_reason AND NEW.decline_reason IS NOT NULL)
      OR NEW.declined_at IS NOT OLD.declined_at
      OR (NEW.first_name IS NOT OLD.first_name AND NEW.first_name IS NOT NULL)
      OR (NEW.last_name IS NOT OLD.last_name AND NEW.last_name IS NOT NULL)
      OR (NEW.display_name IS NOT OLD.display_name AND NEW.display_name IS NOT NULL)
      OR (NEW.comments IS NOT OLD.comments AND NEW.comments IS NOT NULL)
      OR NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.key_hash IS NOT OLD.key_hash
      OR NEW.inviter_id IS NOT OLD.inviter_id OR NEW.user_id IS NOT OLD.user_id
      OR NEW.business_id IS NOT OLD.business_id
      OR NEW.subscription_id IS NOT OLD.subscription_id OR NEW.role_id IS NOT OLD.role_id
      OR NEW.account_manager IS NOT OLD.account_manager
      OR NEW.can_invite IS NOT OLD.can_invite OR NEW.access_days IS NOT OLD.access_days
      OR NEW.session_id IS NOT OLD.session_id OR NEW.profile_id IS NOT OLD.profile_id
      OR NEW.portal_id IS NOT OLD.portal_id OR NEW.created_at IS NOT OLD.created_at
      OR NEW.expires_at IS NOT OLD.expires_at OR NEW.redeemed_at IS NOT OLD.redeemed_at
      OR NEW.redeemed_by IS NOT OLD.redeemed_by OR NEW.revoked_at IS NOT OLD.revoked_at
      OR NEW.sent_count IS NOT OLD.sent_count OR NEW.last_sent_at IS NOT OLD.last_sent_at;
END;

-- Ended invites (redeemed, declined, revoked, or expired while pending) with the time
-- each ended, and whether an access or an email still names it (then
-- invite_purge() clears its personal columns instead of deleting it).
CREATE VIEW $S.invite_ended AS
SELECT i.id AS invite_id, i.kind,
       CASE WHEN i.redeemed_at IS NOT NULL THEN 'redeemed'
            WHEN i.declined_at IS NOT NULL THEN 'declined'
            WHEN i.revoked_at IS NOT NULL THEN 'revoked'
            ELSE 'expired' END AS state,
       coalesce(i.redeemed_at, i.revoked_at, i.expires_at) AS ended_at,
       (EXISTS (SELECT 1 FROM members m WHERE m.invite_id = i.id)
        OR EXISTS (SELECT 1 FROM guests g WHERE g.invite_id = i.id)
        OR EXISTS (SELECT 1 FROM session_members s WHERE s.invite_id = i.id)
        OR EXISTS (SELECT 1 FROM outbox o WHERE o.invite_id = i.id)) AS referenced
  FROM invites i, invite_now t
 WHERE i.redeemed_at IS NOT NULL OR i.revoked_at IS NOT NULL OR i.expires_at <= t.now;

-- ---- user_forget(): the roster and the audit details ----

CREATE TRIGGER $S.session_members_check_erasure BEFORE UPDATE ON session_members
WHEN invite_erasing() IS 1
BEGIN
  SELECT RAISE(ABORT, 'session_members: an erasure only clears display_name and comments')
   WHERE (NEW.display_name IS NOT OLD.display_name AND NEW.display_name IS NOT NULL)
      OR (NEW.comments IS NOT OLD.comments AND NEW.comments IS NOT NULL)
      OR NEW.id IS NOT OLD.id OR NEW.session_id IS NOT OLD.session_id
      OR NEW.user_id IS NOT OLD.user_id OR NEW.kind IS NOT OLD.kind
      OR NEW.profile_id IS NOT OLD.profile_id OR NEW.invite_id IS NOT OLD.invite_id
      OR NEW.joined_at IS NOT OLD.joined_at OR NEW.left_at IS NOT OLD.left_at
      OR NEW.left_reason IS NOT OLD.left_reason;
END;

-- An audit row changes only by the erasure of its detail: detail to NULL,
-- after its salt row holds the commitment (so the chain still verifies).
CREATE TRIGGER $S.audit_log_check_erasure BEFORE UPDATE ON audit_log
WHEN invite_erasing() IS 1
BEGIN
  SELECT RAISE(ABORT, 'audit_log: an erasure only clears the detail of a row whose commitment is kept')
   WHERE NEW.detail IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at
      OR NEW.actor IS NOT OLD.actor OR NEW.action IS NOT OLD.action
      OR NEW.subject IS NOT OLD.subject OR NEW.prev_hash IS NOT OLD.prev_hash
      OR NEW.hash IS NOT OLD.hash
      OR NOT EXISTS (SELECT 1 FROM audit_salts WHERE audit_id = OLD.id
                        AND salt IS NULL AND length(commitment) = 32);
END;

-- The salts (sql/audit.sql): made with their row, changed only by an
-- erasure (salt to NULL, commitment of the detail kept), never deleted. A
-- row planted for a future id is replaced by the next append.
CREATE TRIGGER $S.audit_salts_check_insert BEFORE INSERT ON audit_salts
BEGIN
  SELECT RAISE(ABORT, 'audit_salts: a salt is made with its audit row')
   WHERE NEW.audit_id <= (SELECT coalesce(max(id), 0) FROM audit_log);
END;

CREATE TRIGGER $S.audit_salts_check_update BEFORE UPDATE ON audit_salts
BEGIN
  SELECT RAISE(ABORT, 'audit_salts: a salt changes only when user_forget() erases its detail')
   WHERE invite_erasing() IS NOT 1
      OR NEW.audit_id IS NOT OLD.audit_id OR OLD.salt IS NULL OR NEW.salt IS NOT NULL
      OR NEW.commitment IS NOT invite_audit_commit(OLD.salt,
                                 (SELECT detail FROM audit_log WHERE id = OLD.audit_id));
END;

CREATE TRIGGER $S.audit_salts_no_delete BEFORE DELETE ON audit_salts
WHEN OLD.audit_id <= (SELECT coalesce(max(id), 0) FROM audit_log)
BEGIN
  SELECT RAISE(ABORT, 'audit_salts: salts are kept with the audit log');
END;
