-- guests.sql — guest access to a business (seed 002, Manage Guests): the
-- tables, the law and the views.
--
-- A guest access is one row of `guests` per user, business and access
-- period. Its state is derived, never stored as "active": an access is
-- active while ended_at IS NULL and expires_at is after invite_now.now, so
-- expired access is never active, whoever reads and whatever wrote it.
-- A renewal moves expires_at to now + access_days (the period the guest was
-- invited for); after expiry, removal or leaving the row is closed for good
-- and the person must be invited again, which makes a new row (the old one
-- stays as history).
--
-- Guests take no seat: they have no subscription, so seat_usage never
-- sees them.

-- ---- settings ----

INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('guest_access_days', 90,
   'days a guest access lasts from acceptance (and again from each renewal), 1 to 3650'),
  ('guest_expiring_days', 14,
   'days before its end that a guest access counts as expiring soon (banner, notice email)');

-- ---- tables ----

CREATE TABLE IF NOT EXISTS $S.guests(
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users(id),
  business_id     INTEGER NOT NULL REFERENCES businesses(id),
  invite_id       INTEGER REFERENCES invites(id),  -- NULL: granted directly
  account_manager INTEGER NOT NULL DEFAULT 0,      -- may act as an account manager
  can_invite      INTEGER NOT NULL DEFAULT 0,      -- may invite guests
  access_days     INTEGER NOT NULL,  -- the period granted; every renewal reuses it
  started_at      TEXT NOT NULL,     -- acceptance of the invite
  expires_at      TEXT NOT NULL,     -- started_at (or renewed_at) + access_days
  renewed_at      TEXT,              -- last renewal
  renewals        INTEGER NOT NULL DEFAULT 0,
  ended_at        TEXT,              -- removed or left; expiry is derived, not stored
  end_reason      TEXT CHECK (end_reason IN ('removed', 'left'))
);
-- text: guests | ext | end_reason
-- Index keys hold no column a verb changes (expiry, renewal, end): a
-- verb called once per row of a SELECT over guests (bulk renewal) never
-- moves the row the SELECT is positioned on, so no row is visited twice.
CREATE INDEX IF NOT EXISTS $S.guests_by_business ON guests(business_id, user_id);
CREATE INDEX IF NOT EXISTS $S.guests_by_user ON guests(user_id);
CREATE UNIQUE INDEX IF NOT EXISTS $S.guests_by_invite ON guests(invite_id)
  WHERE invite_id IS NOT NULL;

-- The business a user works in now (seed 002: switch organisation). The
-- application's `users` table has fixed columns, so the choice lives here.
CREATE TABLE IF NOT EXISTS $S.guest_current(
  user_id     INTEGER PRIMARY KEY REFERENCES users(id),
  business_id INTEGER NOT NULL REFERENCES businesses(id),
  switched_at TEXT
);

-- One expiring-soon notice per guest and access period; a period is named
-- by its expiry, so a renewal (new expiry) allows one more notice.
CREATE TABLE IF NOT EXISTS $S.guest_notices(
  id          INTEGER PRIMARY KEY,
  guest_id    INTEGER NOT NULL REFERENCES guests(id),
  expires_at  TEXT NOT NULL,
  notified_at TEXT NOT NULL,
  UNIQUE (guest_id, expires_at)
);

-- ---- views ----

-- Every business a user can work in now, and how: account manager, member
-- of one of its subscriptions, or active guest (with the access's expiry).
-- is_current: the one chosen with guest_switch(). A business whose access
-- has expired simply has no row.
CREATE VIEW $S.business_access AS
SELECT a.user_id, a.business_id, a.via, a.expires_at,
       EXISTS (SELECT 1 FROM guest_current c
                WHERE c.user_id = a.user_id AND c.business_id = a.business_id)
         AS is_current
  FROM (SELECT user_id, business_id, 'account_manager' AS via, NULL AS expires_at
          FROM account_managers
        UNION
        SELECT m.user_id, s.business_id, 'member', NULL
          FROM members m JOIN subscriptions s ON s.id = m.subscription_id
        UNION
        SELECT g.user_id, g.business_id, 'guest', g.expires_at
          FROM guests g, invite_now t
         WHERE g.ended_at IS NULL AND g.expires_at > t.now) a;

-- The renew banner: active guests whose access ends within the business's
-- guest_expiring_days window. A row disappears when the access is renewed
-- out of the window, removed, left or expired. days_left counts started
-- days, as a person reads a deadline: 13 days and 2 hours left is 14; the
-- last hours are 1. notified_at: the notice of this period, if sent.
CREATE VIEW $S.guest_expiring AS
SELECT g.id AS guest_id, g.business_id, b.name AS business,
       g.user_id, u.email, u.first_name, u.last_name,
       g.expires_at,
       (strftime('%s', g.expires_at) - strftime('%s', t.now) + 86399) / 86400
         AS days_left,
       g.access_days, g.account_manager, g.can_invite,
       n.notified_at
  FROM guests g
  JOIN invite_now t
  JOIN businesses b ON b.id = g.business_id
  JOIN users u ON u.id = g.user_id
  JOIN invite_settings w ON w.business_id = g.business_id
                        AND w.name = 'guest_expiring_days'
  LEFT JOIN guest_notices n ON n.guest_id = g.id AND n.expires_at = g.expires_at
 WHERE g.ended_at IS NULL
   AND g.expires_at > t.now
   AND g.expires_at <= datetime(t.now, '+' || w.value || ' days');

-- Guests per business, as the users list shows them (tag 'Guest'): the
-- latest access of each user (state active, expired, removed or left) and
-- every pending guest invite (state invited, listed from the moment of the
-- invitation). Earlier accesses stay in the guests table as history.
CREATE VIEW $S.guest_directory AS
SELECT g.business_id, b.name AS business, 'Guest' AS tag,
       CASE WHEN g.ended_at IS NOT NULL THEN g.end_reason
            WHEN g.expires_at <= t.now THEN 'expired'
            ELSE 'active' END AS state,
       g.id AS guest_id, g.invite_id, g.user_id, u.email, u.first_name, u.last_name,
       g.account_manager, g.can_invite, g.access_days,
       g.started_at, g.expires_at, g.renewals, g.ended_at,
       NULL AS invite_expires_at,
       (g.ended_at IS NULL AND g.expires_at > t.now
        AND EXISTS (SELECT 1 FROM guest_current c
                     WHERE c.user_id = g.user_id AND c.business_id = g.business_id))
         AS is_current
  FROM guests g
  JOIN invite_now t
  JOIN businesses b ON b.id = g.business_id
  JOIN users u ON u.id = g.user_id
 WHERE g.id = (SELECT max(h.id) FROM guests h
                WHERE h.business_id = g.business_id AND h.user_id = g.user_id)
UNION ALL
SELECT i.business_id, b.name, 'Guest', 'invited',
       NULL, i.id, i.user_id, i.email, u.first_name, u.last_name,
       i.account_manager, i.can_invite, i.access_days,
       NULL, NULL, 0, NULL,
       i.expires_at, 0
  FROM invites i
  JOIN invite_now t
  JOIN businesses b ON b.id = i.business_id
  LEFT JOIN users u ON u.id = i.user_id
 WHERE i.kind = 'guest' AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
   AND i.expires_at > t.now;

-- ---- the law: guest invitations ----

-- Who may invite guests: account managers of the business (including
-- guests granted account_manager, see business_managers) and active guests
-- of it with can_invite; only an account manager grants account_manager.
-- Nobody already an active guest is invited again (renew instead), and one
-- pending guest invite per person and business (resend it).
CREATE VIEW $S.invites_new_guest AS
SELECT email, business_id, subscription_id, role_id, inviter_id,
       account_manager, can_invite, access_days
  FROM invites WHERE 0;

CREATE TRIGGER $S.invites_route_guest BEFORE INSERT ON invites
WHEN NEW.kind = 'guest'
BEGIN
  INSERT INTO invites_new_guest
  VALUES (NEW.email, NEW.business_id, NEW.subscription_id, NEW.role_id,
          NEW.inviter_id, NEW.account_manager, NEW.can_invite, NEW.access_days);
END;

CREATE TRIGGER $S.invites_check_guest INSTEAD OF INSERT ON invites_new_guest
BEGIN
  SELECT RAISE(ABORT, 'invites: a guest invite needs the invitee''s email')
   WHERE NEW.email IS NULL;
  SELECT RAISE(ABORT, 'invites: a guest invite has no subscription or role (guests take no seat)')
   WHERE NEW.subscription_id IS NOT NULL OR NEW.role_id IS NOT NULL;
  SELECT RAISE(ABORT, 'invites: account_manager and can_invite must be 0 or 1')
   WHERE NEW.account_manager NOT IN (0, 1) OR NEW.can_invite NOT IN (0, 1)
      OR typeof(NEW.account_manager) <> 'integer' OR typeof(NEW.can_invite) <> 'integer';
  SELECT RAISE(ABORT, 'invites: access_days of a guest invite must be a whole number from 1 to 3650')
   WHERE typeof(NEW.access_days) <> 'integer' OR NEW.access_days NOT BETWEEN 1 AND 3650;
  SELECT RAISE(ABORT, 'invites: inviter may not invite guests to this business [invites.guest_inviter]')
   WHERE NOT EXISTS (SELECT 1 FROM business_managers
                      WHERE business_id = NEW.business_id AND user_id = NEW.inviter_id)
     AND NOT EXISTS (SELECT 1 FROM guests g, invite_now t
                      WHERE g.business_id = NEW.business_id AND g.user_id = NEW.inviter_id
                        AND g.can_invite = 1 AND g.ended_at IS NULL AND g.expires_at > t.now);
  SELECT RAISE(ABORT, 'invites: only an account manager may grant account_manager')
   WHERE NEW.account_manager = 1
     AND NOT EXISTS (SELECT 1 FROM business_managers
                      WHERE business_id = NEW.business_id AND user_id = NEW.inviter_id);
  SELECT RAISE(ABORT, 'invites: already an active guest of this business (renew instead) [invites.active_guest]')
   WHERE EXISTS (SELECT 1 FROM guests g, users u, invite_now t
                  WHERE g.business_id = NEW.business_id AND g.user_id = u.id
                    AND u.email = NEW.email COLLATE NOCASE
                    AND g.ended_at IS NULL AND g.expires_at > t.now);
  SELECT RAISE(ABORT, 'invites: a pending guest invite for this person and business exists (resend it) [invites.pending_guest_invite]')
   WHERE EXISTS (SELECT 1 FROM invites i, invite_now t
                  WHERE i.email = NEW.email COLLATE NOCASE
                    AND i.business_id = NEW.business_id AND i.kind = 'guest'
                    AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
                    AND i.expires_at > t.now);
END;

-- A resend that revives an expired guest invite must not duplicate a newer
-- pending one (invites_revive does the same for member invites).
CREATE TRIGGER $S.invites_revive_guest AFTER UPDATE OF expires_at ON invites
WHEN NEW.kind = 'guest' AND NEW.redeemed_at IS NULL AND NEW.revoked_at IS NULL
BEGIN
  SELECT RAISE(ABORT, 'invites: a pending guest invite for this person and business exists (resend it) [invites.pending_guest_invite]')
   WHERE EXISTS (SELECT 1 FROM invites i, invite_now t
                  WHERE i.email = NEW.email COLLATE NOCASE AND i.id <> NEW.id
                    AND i.business_id = NEW.business_id AND i.kind = 'guest'
                    AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
                    AND i.expires_at > t.now);
END;

-- Redeeming a guest invite makes the access in the same statement. The
-- period counts from acceptance ("valid for 90 days" is read from the day
-- the guest joins), not from the invitation.
CREATE VIEW $S.invites_redeemed_guest AS
SELECT redeemed_by, business_id, id, account_manager, can_invite, access_days,
       redeemed_at
  FROM invites WHERE 0;

CREATE TRIGGER $S.invites_route_redeemed_guest AFTER UPDATE OF redeemed_at ON invites
WHEN OLD.redeemed_at IS NULL AND NEW.redeemed_at IS NOT NULL AND NEW.kind = 'guest'
BEGIN
  INSERT INTO invites_redeemed_guest
  VALUES (NEW.redeemed_by, NEW.business_id, NEW.id, NEW.account_manager,
          NEW.can_invite, NEW.access_days, NEW.redeemed_at);
END;

CREATE TRIGGER $S.invites_redeem_guest INSTEAD OF INSERT ON invites_redeemed_guest
BEGIN
  INSERT INTO guests(user_id, business_id, invite_id, account_manager, can_invite,
                     access_days, started_at, expires_at)
  VALUES (NEW.redeemed_by, NEW.business_id, NEW.id, NEW.account_manager,
          NEW.can_invite, NEW.access_days, NEW.redeemed_at,
          datetime(NEW.redeemed_at, '+' || NEW.access_days || ' days'));
END;

-- ---- the law: guest accesses ----

CREATE TRIGGER $S.guests_check_insert BEFORE INSERT ON guests
BEGIN
  SELECT RAISE(ABORT, 'guests: unknown user')
   WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id);
  SELECT RAISE(ABORT, 'guests: unknown business')
   WHERE NOT EXISTS (SELECT 1 FROM businesses WHERE id = NEW.business_id);
  SELECT RAISE(ABORT, 'guests: account_manager and can_invite must be 0 or 1')
   WHERE NEW.account_manager NOT IN (0, 1) OR NEW.can_invite NOT IN (0, 1)
      OR typeof(NEW.account_manager) <> 'integer' OR typeof(NEW.can_invite) <> 'integer';
  SELECT RAISE(ABORT, 'guests: access_days must be a whole number from 1 to 3650')
   WHERE typeof(NEW.access_days) <> 'integer' OR NEW.access_days NOT BETWEEN 1 AND 3650;
  SELECT RAISE(ABORT, 'guests: a new access must be open and never renewed')
   WHERE NEW.ended_at IS NOT NULL OR NEW.end_reason IS NOT NULL
      OR NEW.renewed_at IS NOT NULL OR NEW.renewals IS NOT 0;
  SELECT RAISE(ABORT, 'guests: started_at must be a timestamp not after now')
    FROM invite_now t
   WHERE datetime(NEW.started_at) IS NOT NEW.started_at OR NEW.started_at > t.now;
  SELECT RAISE(ABORT, 'guests: expires_at must be started_at + access_days')
   WHERE NEW.expires_at IS NOT datetime(NEW.started_at, '+' || NEW.access_days || ' days');
  SELECT RAISE(ABORT, 'guests: a new access cannot be expired already')
    FROM invite_now t WHERE NEW.expires_at <= t.now;
  SELECT RAISE(ABORT, 'guests: the invite is not a guest invite redeemed by this user for this business')
   WHERE NEW.invite_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM invites
                      WHERE id = NEW.invite_id AND kind = 'guest'
                        AND business_id = NEW.business_id AND redeemed_by = NEW.user_id);
  SELECT RAISE(ABORT, 'guests: already an active guest of this business (renew instead)')
   WHERE EXISTS (SELECT 1 FROM guests g, invite_now t
                  WHERE g.business_id = NEW.business_id AND g.user_id = NEW.user_id
                    AND g.ended_at IS NULL AND g.expires_at > t.now);
  -- Who may invite is checked on the invite: an access made without one,
  -- or with more rights than it grants, would skip that check.
  SELECT RAISE(ABORT, 'guests: an access is granted only by redeeming a guest invite')
   WHERE NEW.invite_id IS NULL;
  SELECT RAISE(ABORT, 'guests: an access has the rights and period of its invite')
   WHERE NOT EXISTS (SELECT 1 FROM invites
                      WHERE id = NEW.invite_id AND account_manager = NEW.account_manager
                        AND can_invite = NEW.can_invite AND access_days = NEW.access_days);
END;

-- An access changes only by its flags, a renewal or its end. Renewal:
-- before expiry, to exactly now + access_days, never backwards. End: once,
-- with a reason; after it nothing changes (the person is invited again).
CREATE TRIGGER $S.guests_check_update BEFORE UPDATE ON guests
BEGIN
  SELECT RAISE(ABORT, 'guests: an ended access cannot change (invite the guest again)')
   WHERE OLD.ended_at IS NOT NULL;
  SELECT RAISE(ABORT, 'guests: only the flags, a renewal and the end of an access can change')
   WHERE NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id
      OR NEW.business_id IS NOT OLD.business_id OR NEW.invite_id IS NOT OLD.invite_id
      OR NEW.access_days IS NOT OLD.access_days OR NEW.started_at IS NOT OLD.started_at;
  SELECT RAISE(ABORT, 'guests: account_manager and can_invite must be 0 or 1')
   WHERE NEW.account_manager NOT IN (0, 1) OR NEW.can_invite NOT IN (0, 1)
      OR typeof(NEW.account_manager) <> 'integer' OR typeof(NEW.can_invite) <> 'integer';
  -- Rights can be taken away, never added: adding them is an invitation.
  SELECT RAISE(ABORT, 'guests: rights can only be withdrawn (invite the guest again to grant more)')
   WHERE NEW.account_manager > OLD.account_manager OR NEW.can_invite > OLD.can_invite;
  SELECT RAISE(ABORT, 'guests: an expired access cannot be renewed (invite the guest again)')
    FROM invite_now t
   WHERE (NEW.expires_at IS NOT OLD.expires_at OR NEW.renewed_at IS NOT OLD.renewed_at
          OR NEW.renewals IS NOT OLD.renewals)
     AND OLD.expires_at <= t.now;
  SELECT RAISE(ABORT, 'guests: expiry cannot move back')
   WHERE NEW.expires_at < OLD.expires_at;
  SELECT RAISE(ABORT, 'guests: expiry changes only by a renewal: expires_at = now + access_days, renewed_at = now, renewals + 1')
    FROM invite_now t
   WHERE (NEW.expires_at IS NOT OLD.expires_at OR NEW.renewed_at IS NOT OLD.renewed_at
          OR NEW.renewals IS NOT OLD.renewals)
     AND (NEW.renewed_at IS NOT t.now OR NEW.renewals IS NOT OLD.renewals + 1
          OR NEW.expires_at IS NOT datetime(t.now, '+' || OLD.access_days || ' days'));
  SELECT RAISE(ABORT, 'guests: an access ends with ended_at (a timestamp from its start to now) and end_reason ''removed'' or ''left''')
    FROM invite_now t
   WHERE (NEW.ended_at IS NOT NULL OR NEW.end_reason IS NOT NULL)
     AND (NEW.end_reason IS NULL OR NEW.ended_at IS NULL
          OR datetime(NEW.ended_at) IS NOT NEW.ended_at
          OR NEW.ended_at < OLD.started_at OR NEW.ended_at > t.now);
END;

-- A business left or removed stops being the user's current one, unless
-- the user still has access to it another way.
CREATE TRIGGER $S.guests_end AFTER UPDATE OF ended_at ON guests
WHEN OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL
BEGIN
  DELETE FROM guest_current
   WHERE user_id = NEW.user_id AND business_id = NEW.business_id
     AND NOT EXISTS (SELECT 1 FROM business_access a
                      WHERE a.user_id = NEW.user_id AND a.business_id = NEW.business_id);
END;

CREATE TRIGGER $S.guests_no_delete BEFORE DELETE ON guests
BEGIN
  SELECT RAISE(ABORT, 'guests: accesses are kept for the record (remove the guest instead)');
END;

-- ---- the law: the current business and the notices ----

CREATE TRIGGER $S.guest_current_check_insert BEFORE INSERT ON guest_current
BEGIN
  SELECT RAISE(ABORT, 'guest_current: the user has no access to this business')
   WHERE NOT EXISTS (SELECT 1 FROM business_access
                      WHERE user_id = NEW.user_id AND business_id = NEW.business_id);
END;

CREATE TRIGGER $S.guest_current_check_update BEFORE UPDATE ON guest_current
WHEN NEW.business_id IS NOT OLD.business_id OR NEW.user_id IS NOT OLD.user_id
BEGIN
  SELECT RAISE(ABORT, 'guest_current: the user has no access to this business')
   WHERE NOT EXISTS (SELECT 1 FROM business_access
                      WHERE user_id = NEW.user_id AND business_id = NEW.business_id);
END;

CREATE TRIGGER $S.guest_notices_check_insert BEFORE INSERT ON guest_notices
BEGIN
  SELECT RAISE(ABORT, 'guest_notices: a notice names an open access and its current expiry')
   WHERE NOT EXISTS (SELECT 1 FROM guests
                      WHERE id = NEW.guest_id AND expires_at = NEW.expires_at
                        AND ended_at IS NULL);
  SELECT RAISE(ABORT, 'guest_notices: notified_at must be a timestamp')
   WHERE datetime(NEW.notified_at) IS NOT NEW.notified_at;
END;

-- twin: guest_notices_no_delete BEFORE DELETE
CREATE TRIGGER $S.guest_notices_no_update BEFORE UPDATE ON guest_notices
BEGIN
  SELECT RAISE(ABORT, 'guest_notices: notices are kept as sent (one per access period)');
END;

-- ---- every write path (see core.sql) ----

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
