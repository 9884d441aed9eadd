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
  SELECT RAISE(ABORT, 'invites: an erasure only clears the personal columns (email, first_name, last_name, display_name, comments)')
   WHERE (NEW.email IS NOT OLD.email AND NEW.email IS NOT NULL)
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

-- Ended invites (redeemed, revoked, or expired while pending) with the time
-- each ended, and whether an access or an email still names it (then
-- invite_purge() clears its personal columns instead of deleting it).
CREATE VIEW $S.invite_ended AS
SELECT i.id AS invite_id, i.kind,
       CASE WHEN i.redeemed_at IS NOT NULL THEN 'redeemed'
            WHEN i.revoked_at IS NOT NULL THEN 'revoked'
            ELSE 'expired' END AS state,
       coalesce(i.redeemed_at, i.revoked_at, i.expires_at) AS ended_at,
       (EXISTS (SELECT 1 FROM members m WHERE m.invite_id = i.id)
        OR EXISTS (SELECT 1 FROM guests g WHERE g.invite_id = i.id)
        OR EXISTS (SELECT 1 FROM session_members s WHERE s.invite_id = i.id)
        OR EXISTS (SELECT 1 FROM outbox o WHERE o.invite_id = i.id)) AS referenced
  FROM invites i, invite_now t
 WHERE i.redeemed_at IS NOT NULL OR i.revoked_at IS NOT NULL OR i.expires_at <= t.now;
