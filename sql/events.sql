-- events.sql — the event feed an application follows (webhooks,
-- notifications), and how expiry, a change of time rather than of a row,
-- becomes an event exactly once.
--
-- The feed is the audit log read through a view: audit_log ids are
-- numbered max + 1 inside the one write transaction SQLite allows at a
-- time, so they commit in id order without gaps, and rows are never
-- updated or deleted. A reader that remembers the last id it handled
-- therefore sees every later event exactly once, across restarts, with or
-- without the extension:
--
--   SELECT * FROM invite_event_feed WHERE id > :cursor ORDER BY id;  -- any client
--   SELECT * FROM invite_events(:cursor);                        -- the same
--
-- ---- expiry ----
--
-- An invite key or a guest access expires when the clock passes expires_at;
-- no row changes then, so no trigger fires. invite_note_expired() (or any
-- client, with plain SQL) records each expiry in invite_expirations, whose
-- unique (kind, ref_id, expires_at) makes it once per expiry; the insert
-- trigger appends the 'invite.expired' / 'guest.expired' event. The
-- event's `at` is when the expiry was noticed, detail.expires_at when it
-- happened. A resend that revives an expired invite notes the expiry it
-- ends first (invites_note_expiry_on_revive), so an expiry nobody swept in
-- time is still told, once, before the new period starts.

CREATE TABLE IF NOT EXISTS $S.invite_expirations(
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,      -- 'invite' (its key) or 'guest' (the access)
  ref_id     INTEGER NOT NULL,   -- invites.id or guests.id
  expires_at TEXT NOT NULL,      -- the expiry recorded
  noted_at   TEXT NOT NULL,      -- when it was noticed (invite_now)
  UNIQUE (kind, ref_id, expires_at)
);

-- What has expired and is not yet recorded: invites that were still pending
-- at their expiry (never redeemed; revoked, if at all, only afterwards) and
-- guest accesses that were open at theirs. Read by invite_note_expired().
CREATE VIEW $S.invite_expired_unnoted AS
SELECT 'invite' AS kind, i.id AS ref_id, i.expires_at
  FROM invites i, invite_now t
 WHERE i.expires_at <= t.now AND i.redeemed_at IS NULL
   AND (i.revoked_at IS NULL OR i.revoked_at >= i.expires_at)
   AND NOT EXISTS (SELECT 1 FROM invite_expirations x
                    WHERE x.kind = 'invite' AND x.ref_id = i.id
                      AND x.expires_at = i.expires_at)
UNION ALL
SELECT 'guest', g.id, g.expires_at
  FROM guests g, invite_now t
 WHERE g.expires_at <= t.now
   AND (g.ended_at IS NULL OR g.ended_at >= g.expires_at)
   AND NOT EXISTS (SELECT 1 FROM invite_expirations x
                    WHERE x.kind = 'guest' AND x.ref_id = g.id
                      AND x.expires_at = g.expires_at);

CREATE TRIGGER $S.invite_expirations_check_insert BEFORE INSERT ON invite_expirations
BEGIN
  SELECT RAISE(ABORT, 'invite_expirations: kind must be invite or guest')
   WHERE NEW.kind IS NOT 'invite' AND NEW.kind IS NOT 'guest';
  -- Also what OR REPLACE / OR IGNORE / UPSERT would have hidden.
  SELECT RAISE(ABORT, 'invite_expirations: this expiry is already recorded')
   WHERE EXISTS (SELECT 1 FROM invite_expirations
                  WHERE kind = NEW.kind AND ref_id = NEW.ref_id
                    AND expires_at = NEW.expires_at)
      OR EXISTS (SELECT 1 FROM invite_expirations WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'invite_expirations: noted_at must be now')
    FROM invite_now t WHERE NEW.noted_at IS NOT t.now;
  SELECT RAISE(ABORT, 'invite_expirations: the invite was not pending when this expiry passed')
   WHERE NEW.kind = 'invite'
     AND NOT EXISTS (SELECT 1 FROM invites i, invite_now t
                      WHERE i.id = NEW.ref_id AND i.expires_at = NEW.expires_at
                        AND i.expires_at <= t.now AND i.redeemed_at IS NULL
                        AND (i.revoked_at IS NULL OR i.revoked_at >= i.expires_at));
  SELECT RAISE(ABORT, 'invite_expirations: the guest access was not open when this expiry passed')
   WHERE NEW.kind = 'guest'
     AND NOT EXISTS (SELECT 1 FROM guests g, invite_now t
                      WHERE g.id = NEW.ref_id AND g.expires_at = NEW.expires_at
                        AND g.expires_at <= t.now
                        AND (g.ended_at IS NULL OR g.ended_at >= g.expires_at));
END;

-- twin: invite_expirations_no_delete BEFORE DELETE
CREATE TRIGGER $S.invite_expirations_no_update BEFORE UPDATE ON invite_expirations
BEGIN
  SELECT RAISE(ABORT, 'invite_expirations: an expiry is recorded once and kept');
END;

CREATE TRIGGER $S.audit_expired AFTER INSERT ON invite_expirations
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, NEW.kind || '.expired', NEW.kind || ':' || NEW.ref_id,
          json_object('expires_at', NEW.expires_at));
END;

-- A resend of an expired invite moves its expiry: the one it ends is
-- recorded first (the row still has it, so the check above holds).
CREATE TRIGGER $S.invites_note_expiry_on_revive BEFORE UPDATE OF expires_at ON invites
WHEN NEW.expires_at IS NOT OLD.expires_at AND OLD.redeemed_at IS NULL
 AND OLD.revoked_at IS NULL
 AND OLD.expires_at <= (SELECT now FROM invite_now)
 AND NOT EXISTS (SELECT 1 FROM invite_expirations
                  WHERE kind = 'invite' AND ref_id = OLD.id
                    AND expires_at = OLD.expires_at)
BEGIN
  INSERT INTO invite_expirations(kind, ref_id, expires_at, noted_at)
  SELECT 'invite', OLD.id, OLD.expires_at, now FROM invite_now;
END;

-- ---- the feed ----

-- One row per event an application may act on, in id order (the audit
-- log's id: gap-free and never reused). invite_id, user_id and business_id
-- are read from the rows the event names (the invitee or redeemer, the
-- guest, the logged-out representative); detail is the audit detail.
-- Rows an event names may later be purged (invite_purge): those columns are
-- then NULL, the event itself stays.
CREATE VIEW $S.invite_event_feed AS
SELECT x.id, x.at, x.event,
       coalesce(x.invite_ref, g.invite_id, m.invite_id) AS invite_id,
       CASE WHEN x.invite_ref IS NOT NULL THEN coalesce(i.redeemed_by, i.user_id)
            WHEN x.guest_ref IS NOT NULL THEN g.user_id
            ELSE m.user_id END AS user_id,
       coalesce(i.business_id, g.business_id, s.business_id) AS business_id,
       coalesce(x.detail, '{}') AS detail
  FROM (SELECT a.id, a.at, a.detail,
               CASE a.action
                 WHEN 'invite.created' THEN 'created'
                 WHEN 'invite.resent' THEN 'resent'
                 WHEN 'invite.extended' THEN 'extended'
                 WHEN 'invite.redeemed' THEN 'redeemed'
                 WHEN 'invite.declined' THEN 'declined'
                 WHEN 'invite.revoked' THEN 'revoked'
                 WHEN 'invite.expired' THEN 'expired'
                 WHEN 'guest.renewed' THEN 'guest_renewed'
                 WHEN 'guest.expired' THEN 'guest_expired'
                 WHEN 'guest.removed' THEN 'guest_removed'
                 WHEN 'guest.left' THEN 'guest_left'
                 WHEN 'external.logged_out' THEN 'external_logged_out'
               END AS event,
               CASE WHEN substr(a.subject, 1, 7) = 'invite:'
                    THEN CAST(substr(a.subject, 8) AS INTEGER) END AS invite_ref,
               CASE WHEN substr(a.subject, 1, 6) = 'guest:'
                    THEN CAST(substr(a.subject, 7) AS INTEGER) END AS guest_ref,
               CASE WHEN a.action = 'external.logged_out'
                    THEN json_extract(a.detail, '$.session_member_id') END AS member_ref
          FROM audit_log a) x
  LEFT JOIN invites i ON i.id = x.invite_ref
  LEFT JOIN guests g ON g.id = x.guest_ref
  LEFT JOIN session_members m ON m.id = x.member_ref
  LEFT JOIN sessions se ON se.id = m.session_id
  LEFT JOIN subscriptions s ON s.id = se.subscription_id
 WHERE x.event IS NOT NULL;
