-- decline.sql — the invitee says no (invite_decline). A declined invite is
-- an ended one: declining sets revoked_at and declined_at to the same
-- time, so every rule about pending invites (seats, the one pending invite
-- per person, keys) treats it as revoked, and it never blocks a later
-- invite; invite_status shows it as 'declined'.

CREATE TRIGGER $S.invites_check_decline_insert BEFORE INSERT ON invites
WHEN NEW.declined_at IS NOT NULL OR NEW.decline_reason IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'invites: a new invite must be pending');
END;

CREATE TRIGGER $S.invites_check_decline BEFORE UPDATE OF declined_at, decline_reason ON invites
WHEN (NEW.declined_at IS NOT OLD.declined_at OR NEW.decline_reason IS NOT OLD.decline_reason)
 AND invite_erasing() IS NOT 1  -- invite_purge/user_forget clear the reason (sql/retention.sql)
BEGIN
  SELECT RAISE(ABORT, 'invites: an invite is declined once, while pending, as it ends (revoked_at = declined_at = now)')
   WHERE OLD.declined_at IS NOT NULL OR OLD.revoked_at IS NOT NULL OR OLD.redeemed_at IS NOT NULL
      OR NEW.declined_at IS NULL OR NEW.revoked_at IS NOT NEW.declined_at
      OR NEW.declined_at IS NOT (SELECT now FROM invite_now);
  SELECT RAISE(ABORT, 'invites: decline_reason is text of at most 1000 bytes without line breaks')
   WHERE NEW.decline_reason IS NOT NULL
     AND (typeof(NEW.decline_reason) <> 'text' OR length(CAST(NEW.decline_reason AS BLOB)) > 1000
          OR instr(NEW.decline_reason, char(10)) OR instr(NEW.decline_reason, char(13)));
END;

-- A revocation is a decline only when it says so, in the same statement.
CREATE TRIGGER $S.invites_check_revoke_declined BEFORE UPDATE OF revoked_at ON invites
WHEN NEW.declined_at IS NOT NULL AND NEW.declined_at IS NOT NEW.revoked_at
BEGIN
  SELECT RAISE(ABORT, 'invites: an invite is declined once, while pending, as it ends (revoked_at = declined_at = now)');
END;

CREATE TRIGGER $S.audit_invite_declined AFTER UPDATE OF declined_at ON invites
WHEN OLD.declined_at IS NULL AND NEW.declined_at IS NOT NULL
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NEW.user_id, 'invite.declined', 'invite:' || NEW.id,
          json_object('kind', NEW.kind, 'reason', NEW.decline_reason));
END;

-- The application's metadata on an invite (option "metadata"): a JSON object
-- of at most 4 KB, set while the invite is pending, whoever writes.
CREATE TRIGGER $S.invites_check_metadata_insert BEFORE INSERT ON invites
WHEN NEW.metadata IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'invites: metadata must be a JSON object of at most 4096 bytes')
   WHERE typeof(NEW.metadata) <> 'text' OR NOT json_valid(NEW.metadata)
      OR json_type(NEW.metadata) IS NOT 'object' OR length(CAST(NEW.metadata AS BLOB)) > 4096;
END;

CREATE TRIGGER $S.invites_check_metadata_update BEFORE UPDATE OF metadata ON invites
WHEN NEW.metadata IS NOT OLD.metadata
BEGIN
  SELECT RAISE(ABORT, 'invites: metadata must be a JSON object of at most 4096 bytes')
   WHERE NEW.metadata IS NOT NULL
     AND (typeof(NEW.metadata) <> 'text' OR NOT json_valid(NEW.metadata)
          OR json_type(NEW.metadata) IS NOT 'object' OR length(CAST(NEW.metadata AS BLOB)) > 4096);
END;
