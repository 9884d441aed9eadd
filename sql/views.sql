-- views.sql — the answers. Pure SQL: a client that has not loaded the
-- extension (a reporting tool) reads every one of them.

-- The current time: the pinned clock (invite_clock) or the real one. Verbs,
-- triggers and views all read it here: one primary-key lookup of the clock
-- row (always there once installed, and kept). Over a table, the view is
-- flattened into a query that joins it, where a FROM-less one would be
-- materialized into a temporary table on every execution.
CREATE VIEW $S.invite_now AS
SELECT coalesce(value, datetime('now')) AS now
  FROM invite_meta WHERE name = 'clock';

-- Every setting for every business: the business's own value, else the
-- default for all (business_id NULL), else the built-in default.
CREATE VIEW $S.invite_settings AS
SELECT b.id AS business_id, d.name AS name,
       coalesce((SELECT s.value FROM settings s
                  WHERE s.business_id = b.id AND s.name = d.name),
                (SELECT s.value FROM settings s
                  WHERE s.business_id IS NULL AND s.name = d.name),
                d.value) AS value
  FROM businesses b, invite_setting_defs d;

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

-- Every invite with its derived state.
CREATE VIEW $S.invite_status AS
SELECT i.id AS invite_id, i.kind,
       CASE WHEN i.redeemed_at IS NOT NULL THEN 'accepted'
            WHEN i.declined_at IS NOT NULL THEN 'declined'
            WHEN i.revoked_at IS NOT NULL THEN 'revoked'
            WHEN i.expires_at <= t.now THEN 'expired'
            ELSE 'pending' END AS state,
       i.business_id, b.name AS business,
       i.subscription_id, a.name AS app, s.plan,
       i.role_id, r.name AS role,
       i.email, i.user_id, i.inviter_id, u.email AS inviter_email,
       i.session_id, i.created_at, i.expires_at, i.redeemed_at,
       i.redeemed_by, i.revoked_at, i.sent_count, i.last_sent_at,
       i.declined_at, i.decline_reason, i.metadata
  FROM invites i
  JOIN invite_now t
  LEFT JOIN businesses b ON b.id = i.business_id
  LEFT JOIN subscriptions s ON s.id = i.subscription_id
  LEFT JOIN apps a ON a.id = s.app_id
  LEFT JOIN roles r ON r.id = i.role_id
  LEFT JOIN users u ON u.id = i.inviter_id;

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
