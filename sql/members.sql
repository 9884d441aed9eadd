-- members.sql — members and seats: subscriptions and their roles, account
-- managers, memberships, and the law of member invitations (the cascade
-- business -> app -> subscription -> role, who may invite whom, a pending
-- invite reserves a seat).

CREATE TABLE IF NOT EXISTS $S.subscriptions(
  id          INTEGER PRIMARY KEY,
  business_id INTEGER NOT NULL REFERENCES businesses(id),
  app_id      INTEGER NOT NULL REFERENCES apps(id),
  plan        TEXT NOT NULL,
  seats       INTEGER              -- NULL: unlimited
);
-- text: subscriptions | sql | plan
CREATE INDEX IF NOT EXISTS $S.subscriptions_by_business
  ON subscriptions(business_id, app_id);

CREATE TABLE IF NOT EXISTS $S.roles(
  id         INTEGER PRIMARY KEY,
  app_id     INTEGER NOT NULL REFERENCES apps(id),
  name       TEXT NOT NULL,
  rank       INTEGER NOT NULL,     -- higher may do more
  can_invite INTEGER NOT NULL DEFAULT 0
);
-- text: roles | sql | name
CREATE INDEX IF NOT EXISTS $S.roles_by_app ON roles(app_id, rank);

CREATE TABLE IF NOT EXISTS $S.account_managers(
  business_id INTEGER NOT NULL REFERENCES businesses(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY(business_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS $S.account_managers_by_user
  ON account_managers(user_id);

CREATE TABLE IF NOT EXISTS $S.members(
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users(id),
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
  role_id         INTEGER NOT NULL REFERENCES roles(id),
  invite_id       INTEGER REFERENCES invites(id),  -- NULL: added directly
  joined_at       TEXT
);
-- One membership per user and subscription.
CREATE UNIQUE INDEX IF NOT EXISTS $S.members_by_subscription
  ON members(subscription_id, user_id);
CREATE INDEX IF NOT EXISTS $S.members_by_user ON members(user_id);
CREATE INDEX IF NOT EXISTS $S.members_by_invite ON members(invite_id)
  WHERE invite_id IS NOT NULL;

-- ---- views ----

-- Who may act as an account manager of a business: its account managers,
-- and its active guests granted account_manager (guests: sql/guests.sql,
-- created later in the same install; a view resolves tables when read).
-- UNION ALL, not UNION: SQLite then pushes "business_id = ? AND user_id = ?"
-- into both arms (index searches); callers test EXISTS, so a user listed
-- twice does no harm.
CREATE VIEW $S.business_managers AS
SELECT business_id, user_id FROM account_managers
UNION ALL
SELECT g.business_id, g.user_id FROM guests g, invite_now t
 WHERE g.account_manager = 1 AND g.ended_at IS NULL AND g.expires_at > t.now;

-- Seats per subscription. used: members holding a seat and external
-- representatives present in a session (each takes a licence); reserved:
-- pending invites that will take one; available: seats - used - reserved
-- (NULL when the subscription is unlimited).
CREATE VIEW $S.seat_usage AS
SELECT subscription_id, business_id, app_id, plan, seats,
       members, externals, pending_invites,
       members + externals AS used, pending_invites AS reserved,
       -- CASE: an unlimited subscription never pays for the counts
       CASE WHEN seats IS NOT NULL THEN seats - members - externals - pending_invites END
         AS available
  FROM (SELECT s.id AS subscription_id, s.business_id, s.app_id, s.plan, s.seats,
               (SELECT count(*) FROM members m
                 WHERE m.subscription_id = s.id) AS members,
               (SELECT count(*) FROM sessions ss, session_members x
                 WHERE ss.subscription_id = s.id AND ss.ended_at IS NULL
                   AND x.session_id = ss.id AND x.kind = 'external'
                   AND x.left_at IS NULL) AS externals,
               (SELECT count(*) FROM invites i
                 WHERE i.subscription_id = s.id AND i.redeemed_at IS NULL
                   AND i.revoked_at IS NULL
                   AND i.expires_at > (SELECT now FROM invite_now))
                 AS pending_invites
          FROM subscriptions s);

-- What the Invite User page offers: business -> app -> subscription -> role,
-- in that order, with the seat information of the subscription.
CREATE VIEW $S.invite_options AS
SELECT b.id AS business_id, b.name AS business,
       a.id AS app_id, a.name AS app,
       s.id AS subscription_id, s.plan,
       su.seats, su.used, su.reserved, su.available,
       (su.available IS NULL OR su.available > 0) AS has_seat,
       r.id AS role_id, r.name AS role, r.rank, r.can_invite
  FROM businesses b
  JOIN subscriptions s ON s.business_id = b.id
  JOIN apps a ON a.id = s.app_id
  JOIN roles r ON r.app_id = s.app_id
  JOIN seat_usage su ON su.subscription_id = s.id
 ORDER BY b.name, a.name, s.plan, s.id, r.rank DESC, r.name;

CREATE VIEW $S.subscription_refs AS
SELECT subscription_id AS id, 'member' AS what FROM members
UNION ALL SELECT subscription_id, 'invite' FROM invites WHERE subscription_id IS NOT NULL
UNION ALL SELECT subscription_id, 'session' FROM sessions;

CREATE VIEW $S.role_refs AS
SELECT role_id AS id, 'member' AS what FROM members
UNION ALL SELECT role_id, 'invite' FROM invites WHERE role_id IS NOT NULL;

-- ---- subscriptions and roles ----

CREATE TRIGGER $S.subscriptions_check_insert BEFORE INSERT ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: seats must be NULL (unlimited) or a whole number >= 0')
   WHERE NEW.seats IS NOT NULL AND (typeof(NEW.seats) <> 'integer' OR NEW.seats < 0);
  SELECT RAISE(ABORT, 'subscriptions: unknown business')
   WHERE NOT EXISTS (SELECT 1 FROM businesses WHERE id = NEW.business_id);
  SELECT RAISE(ABORT, 'subscriptions: unknown app')
   WHERE NOT EXISTS (SELECT 1 FROM apps WHERE id = NEW.app_id);
END;

CREATE TRIGGER $S.subscriptions_check_update BEFORE UPDATE ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: seats must be NULL (unlimited) or a whole number >= 0')
   WHERE NEW.seats IS NOT NULL AND (typeof(NEW.seats) <> 'integer' OR NEW.seats < 0);
  SELECT RAISE(ABORT, 'subscriptions: a subscription in use cannot move to another business or app')
   WHERE (NEW.business_id IS NOT OLD.business_id OR NEW.app_id IS NOT OLD.app_id
          OR NEW.id IS NOT OLD.id)
     AND (EXISTS (SELECT 1 FROM members WHERE subscription_id = OLD.id)
          OR EXISTS (SELECT 1 FROM invites WHERE subscription_id = OLD.id));
END;

CREATE TRIGGER $S.subscriptions_seats_update AFTER UPDATE OF seats ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: seats cannot go below the seats in use and reserved')
    FROM seat_usage WHERE subscription_id = NEW.id AND available < 0;
END;

-- Deleting a subscription in use: subscriptions_guard_delete (below);
-- builds before it had their own trigger.
DROP TRIGGER IF EXISTS $S.subscriptions_check_delete;

CREATE TRIGGER $S.roles_check_insert BEFORE INSERT ON roles
BEGIN
  SELECT RAISE(ABORT, 'roles: rank must be an integer')
   WHERE typeof(NEW.rank) <> 'integer';
  SELECT RAISE(ABORT, 'roles: can_invite must be 0 or 1')
   WHERE NEW.can_invite NOT IN (0, 1);
  SELECT RAISE(ABORT, 'roles: unknown app')
   WHERE NOT EXISTS (SELECT 1 FROM apps WHERE id = NEW.app_id);
END;

CREATE TRIGGER $S.roles_check_update BEFORE UPDATE ON roles
BEGIN
  SELECT RAISE(ABORT, 'roles: rank must be an integer')
   WHERE typeof(NEW.rank) <> 'integer';
  SELECT RAISE(ABORT, 'roles: can_invite must be 0 or 1')
   WHERE NEW.can_invite NOT IN (0, 1);
  SELECT RAISE(ABORT, 'roles: a role in use cannot move to another app')
   WHERE (NEW.app_id IS NOT OLD.app_id OR NEW.id IS NOT OLD.id)
     AND (EXISTS (SELECT 1 FROM members WHERE role_id = OLD.id)
          OR EXISTS (SELECT 1 FROM invites WHERE role_id = OLD.id));
END;

-- ---- members ----

CREATE TRIGGER $S.members_check_insert BEFORE INSERT ON members
BEGIN
  SELECT RAISE(ABORT, 'members: unknown user')
   WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id);
  SELECT RAISE(ABORT, 'members: unknown subscription')
   WHERE NOT EXISTS (SELECT 1 FROM subscriptions WHERE id = NEW.subscription_id);
  SELECT RAISE(ABORT, 'members: role belongs to another app than the subscription [members.role_app]')
   WHERE NOT EXISTS (SELECT 1 FROM roles r, subscriptions s
                      WHERE r.id = NEW.role_id AND s.id = NEW.subscription_id
                        AND r.app_id = s.app_id);
  SELECT RAISE(ABORT, 'members: already a member of this subscription')
   WHERE EXISTS (SELECT 1 FROM members
                  WHERE subscription_id = NEW.subscription_id AND user_id = NEW.user_id);
END;

-- Seat triggers count members and pending invites of the subscription: an
-- unlimited one (seats NULL) can never be over, so it is not counted (the
-- count grows with the subscription; the seats lookup does not).
CREATE TRIGGER $S.members_seats_insert AFTER INSERT ON members
WHEN (SELECT seats FROM subscriptions WHERE id = NEW.subscription_id) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'members: seat limit reached [members.seat_limit]')
    FROM seat_usage WHERE subscription_id = NEW.subscription_id AND available < 0;
END;

CREATE TRIGGER $S.members_check_update BEFORE UPDATE OF user_id, subscription_id, role_id, invite_id ON members
BEGIN
  SELECT RAISE(ABORT, 'members: a membership cannot move to another user, subscription or invite')
   WHERE NEW.user_id IS NOT OLD.user_id OR NEW.subscription_id IS NOT OLD.subscription_id
      OR NEW.invite_id IS NOT OLD.invite_id;
  SELECT RAISE(ABORT, 'members: role belongs to another app than the subscription [members.role_app]')
   WHERE NOT EXISTS (SELECT 1 FROM roles r, subscriptions s
                      WHERE r.id = NEW.role_id AND s.id = NEW.subscription_id
                        AND r.app_id = s.app_id);
END;

-- ---- member invitations ----
-- Member invitations: the cascade business -> app -> subscription -> role,
-- and who may invite whom with which role.
CREATE VIEW $S.invites_new_member AS
SELECT email, business_id, subscription_id, role_id, inviter_id
  FROM invites WHERE 0;

CREATE TRIGGER $S.invites_route_member BEFORE INSERT ON invites
WHEN NEW.kind = 'member'
BEGIN
  INSERT INTO invites_new_member
  VALUES (NEW.email, NEW.business_id, NEW.subscription_id, NEW.role_id,
          NEW.inviter_id);
END;

CREATE TRIGGER $S.invites_check_member INSTEAD OF INSERT ON invites_new_member
BEGIN
  SELECT RAISE(ABORT, 'invites: a member invite needs the invitee''s email')
   WHERE NEW.email IS NULL;
  SELECT RAISE(ABORT, 'invites: subscription belongs to another business')
   WHERE NOT EXISTS (SELECT 1 FROM subscriptions
                      WHERE id = NEW.subscription_id AND business_id = NEW.business_id);
  SELECT RAISE(ABORT, 'invites: role belongs to another app than the subscription [invites.role_app]')
   WHERE NOT EXISTS (SELECT 1 FROM roles r, subscriptions s
                      WHERE r.id = NEW.role_id AND s.id = NEW.subscription_id
                        AND r.app_id = s.app_id);
  SELECT RAISE(ABORT, 'invites: already a member of this subscription')
   WHERE EXISTS (SELECT 1 FROM members m, users u
                  WHERE m.subscription_id = NEW.subscription_id AND m.user_id = u.id
                    AND u.email = NEW.email COLLATE NOCASE);
  SELECT RAISE(ABORT, 'invites: inviter may not invite to this subscription [invites.inviter_may_not_invite]')
   WHERE NOT EXISTS (SELECT 1 FROM business_managers
                      WHERE business_id = NEW.business_id AND user_id = NEW.inviter_id)
     AND NOT EXISTS (SELECT 1 FROM members m, roles r
                      WHERE m.subscription_id = NEW.subscription_id
                        AND m.user_id = NEW.inviter_id
                        AND r.id = m.role_id AND r.can_invite = 1);
  SELECT RAISE(ABORT, 'invites: cannot grant a role ranked above the inviter''s own')
   WHERE NOT EXISTS (SELECT 1 FROM business_managers
                      WHERE business_id = NEW.business_id AND user_id = NEW.inviter_id)
     AND (SELECT r.rank FROM members m, roles r
           WHERE m.subscription_id = NEW.subscription_id
             AND m.user_id = NEW.inviter_id AND r.id = m.role_id)
         < (SELECT rank FROM roles WHERE id = NEW.role_id);
  -- "+" keeps the planner on invites_pending_by_email (a handful of rows)
  -- rather than every pending invite of the subscription. The clock is read
  -- as a scalar: joined, the one-row view is materialized on every call.
  SELECT RAISE(ABORT, 'invites: a pending invite for this person and subscription exists (resend it) [invites.pending_member_invite]')
   WHERE EXISTS (SELECT 1 FROM invites i
                  WHERE i.email = NEW.email COLLATE NOCASE
                    AND +i.subscription_id = NEW.subscription_id AND i.kind = 'member'
                    AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
                    AND i.expires_at > (SELECT now FROM invite_now));
END;

-- A pending invite reserves a seat of its subscription.
CREATE TRIGGER $S.invites_seats_insert AFTER INSERT ON invites
WHEN (SELECT seats FROM subscriptions WHERE id = NEW.subscription_id) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'invites: seat limit reached [invites.seat_limit]')
    FROM seat_usage WHERE subscription_id = NEW.subscription_id AND available < 0;
END;

-- An expired invite given a new life by a resend reserves its seat again
-- and must not duplicate a newer pending invite.
CREATE TRIGGER $S.invites_revive AFTER UPDATE OF expires_at ON invites
WHEN NEW.redeemed_at IS NULL AND NEW.revoked_at IS NULL
BEGIN
  SELECT RAISE(ABORT, 'invites: seat limit reached [invites.seat_limit]')
    FROM seat_usage WHERE subscription_id = NEW.subscription_id AND available < 0;
  SELECT RAISE(ABORT, 'invites: a pending invite for this person and subscription exists (resend it) [invites.pending_member_invite]')
   WHERE NEW.kind = 'member'
     AND EXISTS (SELECT 1 FROM invites i
                  WHERE i.email = NEW.email COLLATE NOCASE AND i.id <> NEW.id
                    AND +i.subscription_id = NEW.subscription_id AND i.kind = 'member'
                    AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
                    AND i.expires_at > (SELECT now FROM invite_now));
END;

-- Redeeming a member invite makes the membership, in the same statement:
-- an invite is either fully redeemed or not at all, whoever writes.
CREATE VIEW $S.invites_redeemed_member AS
SELECT redeemed_by, subscription_id, role_id, id, redeemed_at
  FROM invites WHERE 0;

CREATE TRIGGER $S.invites_route_redeemed_member AFTER UPDATE OF redeemed_at ON invites
WHEN OLD.redeemed_at IS NULL AND NEW.redeemed_at IS NOT NULL AND NEW.kind = 'member'
BEGIN
  INSERT INTO invites_redeemed_member
  VALUES (NEW.redeemed_by, NEW.subscription_id, NEW.role_id, NEW.id,
          NEW.redeemed_at);
END;

CREATE TRIGGER $S.invites_redeem_member INSTEAD OF INSERT ON invites_redeemed_member
BEGIN
  INSERT INTO members(user_id, subscription_id, role_id, invite_id, joined_at)
  VALUES (NEW.redeemed_by, NEW.subscription_id, NEW.role_id, NEW.id, NEW.redeemed_at);
END;

-- ---- privilege: rows that vouch for themselves ----

-- A membership that names an invite must be the one that invite's
-- redemption made (same user, subscription, role): otherwise a plain INSERT
-- could borrow an invite's authority, and skip the member.added audit.
CREATE TRIGGER $S.members_check_invite BEFORE INSERT ON members
WHEN NEW.invite_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'members: invite_id must name the redeemed member invite this membership comes from')
   WHERE NOT EXISTS (SELECT 1 FROM invites i
                      WHERE i.id = NEW.invite_id AND i.kind = 'member'
                        AND i.redeemed_at IS NOT NULL
                        AND i.redeemed_by = NEW.user_id
                        AND i.subscription_id = NEW.subscription_id
                        AND i.role_id = NEW.role_id);
END;

-- account_managers is the application's table (who manages a business is
-- its decision: no trigger can know who is writing); the law only keeps
-- its rows real, and audit.sql records every change.
-- twin: account_managers_check_update BEFORE UPDATE
CREATE TRIGGER $S.account_managers_check_insert BEFORE INSERT ON account_managers
BEGIN
  SELECT RAISE(ABORT, 'account_managers: unknown business')
   WHERE NOT EXISTS (SELECT 1 FROM businesses WHERE id = NEW.business_id);
  SELECT RAISE(ABORT, 'account_managers: unknown user')
   WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id);
END;

-- ---- every write path (see core.sql) ----

-- guard: subscriptions | a subscription | subscription_refs | id | id = NEW.id | note replace update delete
-- guard: roles | a role | role_refs | id | id = NEW.id | note replace update delete

-- members: a membership is added, has its role changed, or is removed
-- (audited); a REPLACE would remove one unaudited.
CREATE TRIGGER $S.members_guard_insert BEFORE INSERT ON members
BEGIN
  SELECT RAISE(ABORT, 'members: membership ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM members WHERE id = NEW.id);
END;

CREATE TRIGGER $S.members_guard_update BEFORE UPDATE OF id ON members
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'members: a membership cannot change its id');
END;
