-- sessions.sql — support sessions (seeds 000, 001): security profiles,
-- public portals, sessions, who is in them, and the law of access invites.
--
-- A session belongs to a subscription; its owner (the primary
-- representative) and its members are licensed representatives: users who
-- hold a seat of that subscription. An external representative joins one
-- session one time through a session key (an invite of kind 'session'),
-- takes a licence of the subscription while present, can never be the
-- owner, and is logged out when no licensed representative remains.
-- Leaving is final for a roster row: joining again makes a new row.

-- ---- tables ----

-- Session policies; only those enabled for access invite may be granted.
CREATE TABLE IF NOT EXISTS $S.security_profiles(
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL,
  description        TEXT,
  enabled_for_invite INTEGER NOT NULL DEFAULT 0
);
-- text: security_profiles | sql | name description

-- Public sites through which an external representative connects; the
-- direct URL of a session key is base_url + '?key=' + key.
CREATE TABLE IF NOT EXISTS $S.portals(
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL,
  base_url TEXT NOT NULL
);
-- text: portals | sql | name base_url

CREATE TABLE IF NOT EXISTS $S.sessions(
  id              INTEGER PRIMARY KEY,
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
  owner_id        INTEGER NOT NULL REFERENCES users(id),  -- primary representative
  started_at      TEXT,     -- NULL on INSERT: the law sets it to now
  ended_at        TEXT      -- set once: everyone leaves, pending keys die
);
-- Externals are counted over open sessions only (seat_usage).
CREATE INDEX IF NOT EXISTS $S.sessions_open_by_subscription
  ON sessions(subscription_id) WHERE ended_at IS NULL;

-- The roster: one row per presence. kind 'owner' is the session's owner,
-- 'member' a licensed representative who joined, 'external' an external
-- representative (user_id NULL when the session key carried no email).
CREATE TABLE IF NOT EXISTS $S.session_members(
  id           INTEGER PRIMARY KEY,
  session_id   INTEGER NOT NULL REFERENCES sessions(id),
  user_id      INTEGER REFERENCES users(id),
  kind         TEXT NOT NULL CHECK (kind IN ('owner', 'member', 'external')),
  profile_id   INTEGER REFERENCES security_profiles(id),  -- external
  display_name TEXT,    -- external: the name shown to the customer and in reports
  comments     TEXT,    -- external: why they were invited
  invite_id    INTEGER REFERENCES invites(id),            -- external
  joined_at    TEXT,    -- NULL on INSERT: the law sets it to now
  left_at      TEXT,
  left_reason  TEXT
);
-- text: session_members | ext | display_name comments left_reason
CREATE INDEX IF NOT EXISTS $S.session_members_present
  ON session_members(session_id, kind) WHERE left_at IS NULL;
CREATE INDEX IF NOT EXISTS $S.session_members_by_user
  ON session_members(user_id, session_id) WHERE user_id IS NOT NULL;
-- One join per session key.
CREATE UNIQUE INDEX IF NOT EXISTS $S.session_members_by_invite
  ON session_members(invite_id) WHERE invite_id IS NOT NULL;

-- A session's pending keys: revoked together when it ends. Member and guest
-- invites have no session: left out, they cost no entry and no write.
CREATE INDEX IF NOT EXISTS $S.invites_pending_by_session
  ON invites(session_id)
  WHERE session_id IS NOT NULL AND redeemed_at IS NULL AND revoked_at IS NULL;

INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('session_key_minutes', 60,
   'minutes a session key (access invite) stays good; a pending key reserves a licence'),
  ('default_portal_id', 0,
   'portal of session key URLs when session_invite names none; 0: the portal with the lowest id');

-- ---- security profiles and portals ----

CREATE TRIGGER $S.security_profiles_check_insert BEFORE INSERT ON security_profiles
BEGIN
  SELECT RAISE(ABORT, 'security_profiles: enabled_for_invite must be 0 or 1')
   WHERE NEW.enabled_for_invite IS NOT 0 AND NEW.enabled_for_invite IS NOT 1;
END;

CREATE TRIGGER $S.security_profiles_check_update BEFORE UPDATE ON security_profiles
BEGIN
  SELECT RAISE(ABORT, 'security_profiles: enabled_for_invite must be 0 or 1')
   WHERE NEW.enabled_for_invite IS NOT 0 AND NEW.enabled_for_invite IS NOT 1;
  SELECT RAISE(ABORT, 'security_profiles: a profile in use cannot change its id')
   WHERE NEW.id IS NOT OLD.id
     AND (EXISTS (SELECT 1 FROM invites WHERE profile_id = OLD.id)
          OR EXISTS (SELECT 1 FROM session_members WHERE profile_id = OLD.id));
END;

CREATE TRIGGER $S.security_profiles_check_delete BEFORE DELETE ON security_profiles
BEGIN
  SELECT RAISE(ABORT, 'security_profiles: a profile in use cannot be deleted (disable it)')
   WHERE EXISTS (SELECT 1 FROM invites WHERE profile_id = OLD.id)
      OR EXISTS (SELECT 1 FROM session_members WHERE profile_id = OLD.id);
END;

-- The URL ends up in an email body and a browser: no spaces, no line breaks.
CREATE TRIGGER $S.portals_check_insert BEFORE INSERT ON portals
BEGIN
  SELECT RAISE(ABORT, 'portals: base_url must be an http(s) URL without spaces or control characters')
   WHERE typeof(NEW.base_url) <> 'text'
      OR (NEW.base_url NOT GLOB 'https://?*' AND NEW.base_url NOT GLOB 'http://?*')
      OR NEW.base_url GLOB '*[ ' || char(9, 10, 13) || ']*';
END;

CREATE TRIGGER $S.portals_check_update BEFORE UPDATE ON portals
BEGIN
  SELECT RAISE(ABORT, 'portals: base_url must be an http(s) URL without spaces or control characters')
   WHERE typeof(NEW.base_url) <> 'text'
      OR (NEW.base_url NOT GLOB 'https://?*' AND NEW.base_url NOT GLOB 'http://?*')
      OR NEW.base_url GLOB '*[ ' || char(9, 10, 13) || ']*';
  SELECT RAISE(ABORT, 'portals: a portal in use cannot change its id')
   WHERE NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM invites WHERE portal_id = OLD.id);
END;

CREATE TRIGGER $S.portals_check_delete BEFORE DELETE ON portals
BEGIN
  SELECT RAISE(ABORT, 'portals: a portal in use cannot be deleted')
   WHERE EXISTS (SELECT 1 FROM invites WHERE portal_id = OLD.id);
END;

-- ---- sessions ----

CREATE TRIGGER $S.sessions_check_insert BEFORE INSERT ON sessions
BEGIN
  SELECT RAISE(ABORT, 'sessions: unknown subscription')
   WHERE NOT EXISTS (SELECT 1 FROM subscriptions WHERE id = NEW.subscription_id);
  SELECT RAISE(ABORT, 'sessions: the owner must hold a seat of the subscription (a licensed representative)')
   WHERE NOT EXISTS (SELECT 1 FROM members
                      WHERE subscription_id = NEW.subscription_id AND user_id = NEW.owner_id);
  SELECT RAISE(ABORT, 'sessions: started_at must be a timestamp')
   WHERE NEW.started_at IS NOT NULL AND datetime(NEW.started_at) IS NOT NEW.started_at;
  SELECT RAISE(ABORT, 'sessions: a new session cannot have ended')
   WHERE NEW.ended_at IS NOT NULL;
END;

-- The owner is present from the start.
CREATE TRIGGER $S.sessions_start AFTER INSERT ON sessions
BEGIN
  UPDATE sessions SET started_at = (SELECT now FROM invite_now)
   WHERE id = NEW.id AND started_at IS NULL;
  INSERT INTO session_members(session_id, user_id, kind, joined_at)
  SELECT NEW.id, NEW.owner_id, 'owner', started_at FROM sessions WHERE id = NEW.id;
END;

CREATE TRIGGER $S.sessions_check_update BEFORE UPDATE ON sessions
BEGIN
  SELECT RAISE(ABORT, 'sessions: an external representative can never be the session owner')
   WHERE NEW.owner_id IS NOT OLD.owner_id
     AND EXISTS (SELECT 1 FROM session_members
                  WHERE session_id = OLD.id AND user_id = NEW.owner_id AND kind = 'external');
  SELECT RAISE(ABORT, 'sessions: only ended_at can change, once')
   WHERE NEW.id IS NOT OLD.id OR NEW.subscription_id IS NOT OLD.subscription_id
      OR NEW.owner_id IS NOT OLD.owner_id
      OR (NEW.started_at IS NOT OLD.started_at AND OLD.started_at IS NOT NULL)
      OR (NEW.ended_at IS NOT OLD.ended_at AND OLD.ended_at IS NOT NULL);
  SELECT RAISE(ABORT, 'sessions: ended_at must be a timestamp not before started_at')
   WHERE NEW.ended_at IS NOT NULL
     AND (datetime(NEW.ended_at) IS NOT NEW.ended_at OR NEW.ended_at < NEW.started_at);
END;

-- Ending a session: everyone present leaves, pending keys are revoked (they
-- would otherwise keep a licence reserved for a session nobody can join).
CREATE TRIGGER $S.sessions_end AFTER UPDATE OF ended_at ON sessions
WHEN OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL
BEGIN
  -- Externals first, so their reason is the session's end rather than the
  -- departure of the last licensed representative.
  UPDATE session_members SET left_at = max(NEW.ended_at, joined_at),
                             left_reason = 'session ended'
   WHERE session_id = NEW.id AND kind = 'external' AND left_at IS NULL;
  UPDATE session_members SET left_at = max(NEW.ended_at, joined_at),
                             left_reason = 'session ended'
   WHERE session_id = NEW.id AND left_at IS NULL;
  UPDATE invites SET revoked_at = NEW.ended_at
   WHERE session_id = NEW.id AND kind = 'session'
     AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > NEW.ended_at;
END;

CREATE TRIGGER $S.sessions_no_delete BEFORE DELETE ON sessions
BEGIN
  SELECT RAISE(ABORT, 'sessions: sessions are kept for the record (set ended_at instead)');
END;

-- ---- session members ----

CREATE TRIGGER $S.session_members_check_insert BEFORE INSERT ON session_members
BEGIN
  SELECT RAISE(ABORT, 'session_members: unknown session')
   WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id);
  SELECT RAISE(ABORT, 'session_members: the session has ended [session_members.session_ended]')
   WHERE EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id AND ended_at IS NOT NULL);
  SELECT RAISE(ABORT, 'session_members: a new row must be present (left_at NULL)')
   WHERE NEW.left_at IS NOT NULL OR NEW.left_reason IS NOT NULL;
  SELECT RAISE(ABORT, 'session_members: joined_at must be a timestamp')
   WHERE NEW.joined_at IS NOT NULL AND datetime(NEW.joined_at) IS NOT NEW.joined_at;
  SELECT RAISE(ABORT, 'session_members: unknown user [session_members.unknown_user]')
   WHERE NEW.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id);
  SELECT RAISE(ABORT, 'session_members: an external representative can never be the session owner')
   WHERE NEW.kind = 'external'
     AND EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id AND owner_id = NEW.user_id);
  SELECT RAISE(ABORT, 'session_members: only the session''s owner joins as kind ''owner'', and the owner joins only as that')
   WHERE (NEW.kind = 'owner') <> EXISTS (SELECT 1 FROM sessions
                                          WHERE id = NEW.session_id AND owner_id = NEW.user_id);
  SELECT RAISE(ABORT, 'session_members: a licensed representative must hold a seat of the session''s subscription')
   WHERE NEW.kind IN ('owner', 'member')
     AND NOT EXISTS (SELECT 1 FROM sessions s, members m
                      WHERE s.id = NEW.session_id AND m.subscription_id = s.subscription_id
                        AND m.user_id = NEW.user_id);
  SELECT RAISE(ABORT, 'session_members: profile, name, comments and invite belong to external representatives')
   WHERE NEW.kind <> 'external'
     AND (NEW.profile_id IS NOT NULL OR NEW.display_name IS NOT NULL
          OR NEW.comments IS NOT NULL OR NEW.invite_id IS NOT NULL);
  SELECT RAISE(ABORT, 'session_members: already present in this session')
   WHERE NEW.user_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM session_members
                  WHERE session_id = NEW.session_id AND user_id = NEW.user_id
                    AND left_at IS NULL);
  -- An external comes in only by redeeming a session key of this session,
  -- once, under the key's profile, name and comments.
  SELECT RAISE(ABORT, 'session_members: this session key was already used to join')
   WHERE NEW.kind = 'external'
     AND EXISTS (SELECT 1 FROM session_members WHERE invite_id = NEW.invite_id);
  SELECT RAISE(ABORT, 'session_members: an external representative joins only by redeeming a session key of this session')
   WHERE NEW.kind = 'external'
     AND NOT EXISTS (SELECT 1 FROM invites i
                      WHERE i.id = NEW.invite_id AND i.kind = 'session'
                        AND i.session_id = NEW.session_id AND i.redeemed_at IS NOT NULL
                        AND i.redeemed_by IS NEW.user_id
                        AND i.profile_id IS NEW.profile_id
                        AND i.display_name IS NEW.display_name
                        AND i.comments IS NEW.comments);
  SELECT RAISE(ABORT, 'session_members: security profile is not enabled for access invite [session_members.profile_disabled]')
   WHERE NEW.kind = 'external'
     AND NOT EXISTS (SELECT 1 FROM security_profiles
                      WHERE id = NEW.profile_id AND enabled_for_invite = 1);
  SELECT RAISE(ABORT, 'session_members: no licensed representative is present in the session')
   WHERE NEW.kind = 'external'
     AND NOT EXISTS (SELECT 1 FROM session_members
                      WHERE session_id = NEW.session_id AND kind IN ('owner', 'member')
                        AND left_at IS NULL);
END;

CREATE TRIGGER $S.session_members_joined AFTER INSERT ON session_members
WHEN NEW.joined_at IS NULL
BEGIN
  UPDATE session_members SET joined_at = (SELECT now FROM invite_now) WHERE id = NEW.id;
END;

-- A present external takes a licence of the session's subscription.
CREATE TRIGGER $S.session_members_seats_insert AFTER INSERT ON session_members
WHEN NEW.kind = 'external'
BEGIN
  SELECT RAISE(ABORT, 'session_members: seat limit reached: no licence left for an external representative [session_members.seat_limit]')
    FROM sessions s, seat_usage u
   WHERE s.id = NEW.session_id AND u.subscription_id = s.subscription_id
     AND u.available < 0;
END;

-- user_forget() clears names and comments instead (invite_erasing() = 1;
-- session_members_check_erasure, sql/retention.sql).
CREATE TRIGGER $S.session_members_check_update BEFORE UPDATE ON session_members
WHEN invite_erasing() IS NOT 1
BEGIN
  -- A row the law logged out, left again at that very moment, is skipped:
  -- this is what lets one UPDATE make everyone leave, although the first
  -- licensed representative's row already logged the externals out. The row
  -- keeps the law's reason.
  SELECT RAISE(IGNORE)
   WHERE OLD.left_at IS NOT NULL AND NEW.left_at IS OLD.left_at
     AND OLD.left_reason IN ('logged out: no licensed representative remains', 'session ended')
     AND NEW.id IS OLD.id AND NEW.session_id IS OLD.session_id
     AND NEW.user_id IS OLD.user_id AND NEW.kind IS OLD.kind
     AND NEW.profile_id IS OLD.profile_id AND NEW.display_name IS OLD.display_name
     AND NEW.comments IS OLD.comments AND NEW.invite_id IS OLD.invite_id
     AND NEW.joined_at IS OLD.joined_at;
  SELECT RAISE(ABORT, 'session_members: an external representative can never be the session owner')
   WHERE OLD.kind = 'external' AND NEW.kind IS NOT 'external';
  SELECT RAISE(ABORT, 'session_members: a row that has left cannot change (join again with a new row)')
   WHERE OLD.left_at IS NOT NULL;
  SELECT RAISE(ABORT, 'session_members: only left_at and left_reason can change')
   WHERE NEW.id IS NOT OLD.id OR NEW.session_id IS NOT OLD.session_id
      OR NEW.user_id IS NOT OLD.user_id OR NEW.kind IS NOT OLD.kind
      OR NEW.profile_id IS NOT OLD.profile_id OR NEW.display_name IS NOT OLD.display_name
      OR NEW.comments IS NOT OLD.comments OR NEW.invite_id IS NOT OLD.invite_id
      OR (NEW.joined_at IS NOT OLD.joined_at AND OLD.joined_at IS NOT NULL);
  SELECT RAISE(ABORT, 'session_members: left_reason needs left_at')
   WHERE NEW.left_at IS NULL AND NEW.left_reason IS NOT NULL;
  SELECT RAISE(ABORT, 'session_members: left_at must be a timestamp not before joined_at')
   WHERE NEW.left_at IS NOT NULL
     AND (datetime(NEW.left_at) IS NOT NEW.left_at OR NEW.left_at < NEW.joined_at);
END;

-- Externals are never left alone with the customer: when the last licensed
-- representative (the owner or a member) leaves, every present external is
-- logged out at the same moment, with the reason.
CREATE TRIGGER $S.session_members_last_licensed_left AFTER UPDATE OF left_at ON session_members
WHEN OLD.left_at IS NULL AND NEW.left_at IS NOT NULL AND NEW.kind IN ('owner', 'member')
BEGIN
  UPDATE session_members
     SET left_at = max(NEW.left_at, joined_at),
         left_reason = 'logged out: no licensed representative remains'
   WHERE session_id = NEW.session_id AND kind = 'external' AND left_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM session_members
                      WHERE session_id = NEW.session_id AND kind IN ('owner', 'member')
                        AND left_at IS NULL);
END;

CREATE TRIGGER $S.session_members_no_delete BEFORE DELETE ON session_members
BEGIN
  SELECT RAISE(ABORT, 'session_members: the roster is kept for the record (set left_at instead)');
END;

-- ---- session invites (access invites) ----

-- Who may invite, with which profile, to which session; the invite carries
-- the session's subscription so the seat law counts it as a reservation.
CREATE VIEW $S.invites_new_session AS
SELECT business_id, subscription_id, role_id, inviter_id, account_manager,
       can_invite, access_days, session_id, profile_id, portal_id,
       display_name
  FROM invites WHERE 0;

CREATE TRIGGER $S.invites_route_session BEFORE INSERT ON invites
WHEN NEW.kind = 'session'
BEGIN
  INSERT INTO invites_new_session
  VALUES (NEW.business_id, NEW.subscription_id, NEW.role_id, NEW.inviter_id,
          NEW.account_manager, NEW.can_invite, NEW.access_days, NEW.session_id,
          NEW.profile_id, NEW.portal_id, NEW.display_name);
END;

CREATE TRIGGER $S.invites_check_session INSTEAD OF INSERT ON invites_new_session
BEGIN
  SELECT RAISE(ABORT, 'invites: unknown session')
   WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id);
  SELECT RAISE(ABORT, 'invites: the session has ended [invites.session_ended]')
   WHERE EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id AND ended_at IS NOT NULL);
  SELECT RAISE(ABORT, 'invites: a session invite must name the session''s subscription and business')
   WHERE NOT EXISTS (SELECT 1 FROM sessions s, subscriptions b
                      WHERE s.id = NEW.session_id AND b.id = s.subscription_id
                        AND NEW.subscription_id IS s.subscription_id
                        AND NEW.business_id IS b.business_id);
  SELECT RAISE(ABORT, 'invites: a session invite grants a security profile, not a role or guest access')
   WHERE NEW.role_id IS NOT NULL OR NEW.account_manager IS NOT 0
      OR NEW.can_invite IS NOT 0 OR NEW.access_days IS NOT NULL;
  SELECT RAISE(ABORT, 'invites: only a representative present in the session may invite to it [invites.session_present]')
   WHERE NOT EXISTS (SELECT 1 FROM session_members
                      WHERE session_id = NEW.session_id AND user_id = NEW.inviter_id
                        AND kind IN ('owner', 'member') AND left_at IS NULL);
  SELECT RAISE(ABORT, 'invites: unknown security profile [invites.unknown_profile]')
   WHERE NOT EXISTS (SELECT 1 FROM security_profiles WHERE id = NEW.profile_id);
  SELECT RAISE(ABORT, 'invites: security profile is not enabled for access invite [invites.profile_disabled]')
   WHERE NOT EXISTS (SELECT 1 FROM security_profiles
                      WHERE id = NEW.profile_id AND enabled_for_invite = 1);
  SELECT RAISE(ABORT, 'invites: unknown portal')
   WHERE NEW.portal_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM portals WHERE id = NEW.portal_id);
  SELECT RAISE(ABORT, 'invites: a session invite needs the name shown to the customer')
   WHERE typeof(NEW.display_name) <> 'text' OR trim(NEW.display_name) = '';
END;

-- Redeeming a session key joins the session as an external representative,
-- in the same statement: fully or not at all, whoever writes.
CREATE VIEW $S.invites_redeemed_session AS
SELECT session_id, redeemed_by, profile_id, display_name, comments, id,
       redeemed_at
  FROM invites WHERE 0;

CREATE TRIGGER $S.invites_route_redeemed_session AFTER UPDATE OF redeemed_at ON invites
WHEN OLD.redeemed_at IS NULL AND NEW.redeemed_at IS NOT NULL AND NEW.kind = 'session'
BEGIN
  INSERT INTO invites_redeemed_session
  VALUES (NEW.session_id, NEW.redeemed_by, NEW.profile_id, NEW.display_name,
          NEW.comments, NEW.id, NEW.redeemed_at);
END;

CREATE TRIGGER $S.invites_redeem_session INSTEAD OF INSERT ON invites_redeemed_session
BEGIN
  INSERT INTO session_members(session_id, user_id, kind, profile_id, display_name,
                              comments, invite_id, joined_at)
  VALUES (NEW.session_id, NEW.redeemed_by, 'external', NEW.profile_id,
          NEW.display_name, NEW.comments, NEW.id, NEW.redeemed_at);
END;

-- ---- answers ----

-- Who is in which session, as what: the roster and the report of 000/001.
CREATE VIEW $S.session_roster AS
SELECT m.session_id, s.subscription_id, m.id AS session_member_id, m.kind,
       m.user_id, coalesce(u.email, i.email) AS email,
       coalesce(m.display_name,
                nullif(trim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')), ''),
                u.email) AS name,
       m.profile_id, p.name AS profile, m.comments, m.invite_id,
       i.inviter_id, m.joined_at, m.left_at,
       CASE WHEN m.left_at IS NOT NULL THEN coalesce(m.left_reason, 'left') END AS left_reason,
       m.left_at IS NULL AS present
  FROM session_members m
  JOIN sessions s ON s.id = m.session_id
  LEFT JOIN users u ON u.id = m.user_id
  LEFT JOIN invites i ON i.id = m.invite_id
  LEFT JOIN security_profiles p ON p.id = m.profile_id;

-- ---- every write path (see core.sql) ----

CREATE VIEW $S.security_profile_refs AS
SELECT profile_id AS id, 'invite' AS what FROM invites WHERE profile_id IS NOT NULL
UNION ALL SELECT profile_id, 'session roster' FROM session_members WHERE profile_id IS NOT NULL;

CREATE VIEW $S.portal_refs AS
SELECT portal_id AS id, 'invite' AS what FROM invites WHERE portal_id IS NOT NULL;

CREATE VIEW $S.session_refs AS
SELECT session_id AS id, 'invite' AS what FROM invites WHERE session_id IS NOT NULL
UNION ALL SELECT session_id, 'session roster' FROM session_members;

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
