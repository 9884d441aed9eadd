-- demo_sessions.sql — a support session with external representatives
-- (seeds 000 and 001). Runs on its own or after sql/demo.sql:
--   sqlite3 :memory: -cmd '.load build/invite' < sql/demo_sessions.sql
-- It makes its own business, subscription and people, so it does not
-- depend on the ids of the main demo's catalog.
.mode box
.nullvalue ''
.bail off
.print
.print '== Support sessions: access invites and external representatives (seeds 000, 001)'
SELECT invite_init() AS schema_version;
SELECT invite_clock('2027-05-03 09:00:00') AS now;

-- A support team: Initech's "Remote Support" subscription has 5 licences;
-- three representatives hold one each.
INSERT INTO businesses(name) VALUES ('Initech');
INSERT INTO apps(name) VALUES ('Remote Support');
INSERT INTO subscriptions(business_id, app_id, plan, seats)
SELECT b.id, a.id, 'Support 5', 5 FROM businesses b, apps a
 WHERE b.name = 'Initech' AND a.name = 'Remote Support';
INSERT INTO roles(app_id, name, rank, can_invite)
SELECT id, 'Representative', 10, 0 FROM apps WHERE name = 'Remote Support';
INSERT INTO users(email, first_name, last_name) VALUES
  ('peter@initech.example', 'Peter', 'Gibbons'),
  ('samir@initech.example', 'Samir', 'Nagheenanajar'),
  ('milton@initech.example', 'Milton', 'Waddams');
INSERT INTO members(user_id, subscription_id, role_id)
SELECT u.id, s.id, r.id FROM users u, subscriptions s, roles r
 WHERE u.email IN ('peter@initech.example', 'samir@initech.example', 'milton@initech.example')
   AND s.plan = 'Support 5' AND r.name = 'Representative';

-- Session policies (only those enabled for access invite may be granted)
-- and the public portals externals connect through.
INSERT INTO security_profiles(name, description, enabled_for_invite) VALUES
  ('Observer', 'view the screen, chat', 1),
  ('Escalation engineer', 'screen control and shell, no file transfer', 1),
  ('Administrator', 'everything', 0);
INSERT INTO portals(name, base_url) VALUES
  ('Initech support', 'https://support.initech.example/join'),
  ('Initech EU', 'https://eu.support.initech.example/join');

-- Peter starts a session for a customer: he is its owner (the primary
-- representative), present from the start.
INSERT INTO sessions(subscription_id, owner_id)
SELECT s.id, u.id FROM subscriptions s, users u
 WHERE s.plan = 'Support 5' AND u.email = 'peter@initech.example';
.parameter set @session "(SELECT max(id) FROM sessions)"
.parameter set @peter "(SELECT id FROM users WHERE email = 'peter@initech.example')"
.parameter set @samir "(SELECT id FROM users WHERE email = 'samir@initech.example')"
.parameter set @observer "(SELECT id FROM security_profiles WHERE name = 'Observer')"
.parameter set @engineer "(SELECT id FROM security_profiles WHERE name = 'Escalation engineer')"
.parameter set @admin "(SELECT id FROM security_profiles WHERE name = 'Administrator')"
.parameter set @eu "(SELECT id FROM portals WHERE name = 'Initech EU')"
SELECT seats, members, externals, pending_invites, available
  FROM seat_usage WHERE plan = 'Support 5';

-- Samir joins as a second licensed representative.
SELECT session_join(@session, @samir) AS samir_row;

-- Peter invites two external representatives, one time each: a vendor
-- engineer by email through the EU portal, and a consultant without email
-- (the key is read to them on the phone). Each pending key reserves a
-- licence.
.mode list
.echo off
.once demo_sessions_keys.sql
SELECT '.parameter set @vendor ' || quote(session_invite(@session, @peter, @engineer,
         'Bob Slydell (vendor)',
         json_object('email', 'bob@vendor.example', 'portal', @eu,
                     'comments', 'database replication issue')));
.read demo_sessions_keys.sql
.once demo_sessions_keys.sql
SELECT '.parameter set @consultant ' || quote(session_invite(@session, @peter, @observer,
         'Dom Portwood'));
.read demo_sessions_keys.sql
.mode box
SELECT @vendor ->> '$.url' LIKE 'https://eu.support.initech.example/join?key=%' AS eu_url,
       @consultant ->> '$.url' LIKE 'https://support.initech.example/join?key=%' AS default_url,
       @consultant ->> '$.expires_at' AS key_good_until;
SELECT seats, members, externals, pending_invites, available
  FROM seat_usage WHERE plan = 'Support 5';
-- A profile not enabled for access invite cannot be granted.
SELECT session_invite(@session, @peter, @admin, 'Someone');

-- Both join with their key: one join per key.
SELECT invite_redeem(@vendor ->> '$.key') ->> '$.session_member_id' AS vendor_row;
SELECT invite_redeem(@consultant ->> '$.key') ->> '$.session_member_id' AS consultant_row;
SELECT invite_redeem(@consultant ->> '$.key');
SELECT seats, members, externals, pending_invites, available
  FROM seat_usage WHERE plan = 'Support 5';
-- The licences are all taken: no further invite.
SELECT session_invite(@session, @samir, @observer, 'One too many');
-- An external representative can never be made the owner.
UPDATE sessions SET owner_id = (SELECT id FROM users WHERE email = 'bob@vendor.example')
 WHERE id = @session;

-- Peter (the primary representative) leaves: Samir is still there, so the
-- externals stay.
SELECT invite_clock('2027-05-03 09:40:00') AS now;
SELECT session_leave(@session, @peter) AS peter_left;
SELECT kind, name, profile, joined_at, left_at, left_reason
  FROM session_roster WHERE session_id = @session;
-- Samir leaves too: no licensed representative remains, so the externals
-- are logged out with the reason, and their licences are free again.
SELECT invite_clock('2027-05-03 09:55:00') AS now;
SELECT session_leave(@session, @samir) AS samir_left;
SELECT kind, name, email, profile, comments, joined_at, left_at, left_reason
  FROM session_roster WHERE session_id = @session;
SELECT seats, members, externals, pending_invites, available
  FROM seat_usage WHERE plan = 'Support 5';
-- The session is over.
UPDATE sessions SET ended_at = (SELECT now FROM invite_now) WHERE id = @session;
SELECT id, started_at, ended_at FROM sessions WHERE id = @session;
