.mode box --wrap 0
.nullvalue -
-- # 1. Inviting a user to a subscription, with a role, while seats last
--
-- Acme uses two apps, Ledger and Pager. Its Ledger subscription, plan
-- Team, has 3 seats. Mia is Acme's account manager; Ed is a member of Team
-- with the Editor role, which may invite. The application writes this
-- catalog with plain SQL. The demo pins the database's clock, so the dates
-- read the same on every run.
SELECT invite_init() AS schema_version, invite_clock('2027-03-01 09:00:00') AS now;
INSERT INTO businesses VALUES (1, 'Acme');
INSERT INTO apps VALUES (1, 'Ledger'), (2, 'Pager');
INSERT INTO subscriptions VALUES (1, 1, 1, 'Team', 3), (2, 1, 2, 'Free', NULL);
INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0), (2, 1, 'Editor', 20, 1),
                         (3, 1, 'Owner', 30, 1), (4, 2, 'Pager user', 10, 0);
INSERT INTO users(id, email, first_name, last_name) VALUES
  (1, 'mia@acme.example', 'Mia', 'Manager'), (2, 'ed@acme.example', 'Ed', 'Editor');
INSERT INTO account_managers VALUES (1, 1);
INSERT INTO members(user_id, subscription_id, role_id) VALUES (2, 1, 2);

-- The Invite User page offers business, app, subscription and role, in
-- that order, with the seats still free. One view answers it:
SELECT business, app, plan, role, seats, available FROM invite_options;

-- Mia invites a new person, Ann Lee, to Ledger / Team as a Viewer. The
-- result holds the one-time key and its link: they are shown here, once,
-- and sent to Ann by email. The database keeps only a hash of the key.
SELECT invite_create('Ann.Lee@Example.COM', 1, 1, 1,
                     '{"first_name":"Ann","last_name":"Lee"}') AS result;

-- A pending invitation reserves a seat, so two people cannot be promised
-- the last one:
SELECT plan, seats, members, pending_invites, available FROM seat_usage WHERE subscription_id = 1;

-- The rules hold for every request. Each of these is refused, and the
-- refusal says why; nothing is written.
SELECT invite_create('ann.lee@example.com', 1, 1, 1);  -- refused: Ann's invitation is still pending
SELECT invite_create('bo@example.com', 1, 3, 2,
                     '{"first_name":"Bo","last_name":"Ng"}');  -- refused: Ed may not grant Owner, above his Editor
SELECT invite_create('bo@example.com', 1, 4, 1,
                     '{"first_name":"Bo","last_name":"Ng"}');  -- refused: a Pager role on a Ledger subscription
SELECT invite_create('not-an-address', 1, 1, 1);       -- refused: not an email address
-- The rules live in the database, so plain SQL that skips the extension's
-- functions is held just the same:
INSERT INTO members(user_id, subscription_id, role_id) VALUES (1, 1, 4);  -- refused: the same cascade rule

-- Ann opens the link from her email. The confirmation page peeks at the
-- key: what it grants, and that it is still good. Peeking uses nothing up,
-- so a mail scanner that follows links cannot spend the invitation. (The
-- demo reads the key from the queued email, as Ann reads it from her inbox.)
SELECT p ->> 'state' AS state, p ->> 'business' AS business, p ->> 'app' AS app,
       p ->> 'role' AS role, p ->> 'expires_at' AS expires_at
  FROM (SELECT invite_peek(secret) AS p FROM outbox WHERE invite_id = 1);

-- The key works only for the address it was sent to, and only once:
SELECT invite_redeem(secret, 'someone.else@example.com') FROM outbox WHERE invite_id = 1;  -- refused: not Ann
SELECT invite_redeem(secret, 'ann.lee@example.com') AS redeemed FROM outbox WHERE invite_id = 1;
SELECT invite_redeem(secret, 'ann.lee@example.com') FROM outbox WHERE invite_id = 1;  -- refused: a key works once

-- Redeeming made Ann a user and a member in the same statement:
SELECT u.first_name || ' ' || u.last_name AS name, u.email, r.name AS role, m.joined_at
  FROM members m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id
 WHERE m.subscription_id = 1 ORDER BY m.id;

-- Ed, as an Editor, may invite too. Cy's invitation takes the last seat;
-- the next one is refused until a seat frees up.
SELECT invite_create('cy@example.com', 1, 1, 2, '{"first_name":"Cy","last_name":"Park"}') ->> 'id' AS invite;
SELECT seat_available(1) AS team_seats_left;
SELECT invite_create('dee@example.com', 1, 1, 1, '{"first_name":"Dee","last_name":"Ho"}');  -- refused: no seat left

-- Mia revokes Cy's invitation: its key stops working and the seat is free.
SELECT invite_revoke(2) AS revoked, seat_available(1) AS team_seats_left;
SELECT invite_id, email, state, expires_at, redeemed_at, revoked_at FROM invite_status ORDER BY invite_id;
