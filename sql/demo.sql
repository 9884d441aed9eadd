-- demo.sql — a walk through sqlite-invite in the sqlite3 shell.
-- Run it with `make demo` (or: sqlite3 :memory: -cmd '.load build/invite' < sql/demo.sql).
-- The clock is pinned so the dates read the same on every run; keys are
-- random, so they differ.
.mode box
.nullvalue -
.print
.print '== 1. Install the schema and pin the clock'
SELECT invite_init() AS schema_version, invite_version() AS extension,
       invite_clock('2027-03-01 09:00:00') AS now;

.print
.print '== 2. The catalog an application writes with plain SQL'
.print '   business -> app -> subscription (seats) -> role (rank, can_invite)'
INSERT INTO businesses VALUES (1, 'Acme Ltd');
INSERT INTO apps VALUES (1, 'Ledger'), (2, 'Pager');
INSERT INTO subscriptions VALUES (1, 1, 1, 'Team', 3), (2, 1, 2, 'Free', NULL);
INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0), (2, 1, 'Editor', 20, 1),
                         (3, 1, 'Owner', 30, 1), (4, 2, 'Pager user', 10, 0);
INSERT INTO users(id, email, first_name, last_name) VALUES
  (1, 'mia@acme.example', 'Mia', 'Manager'), (2, 'ed@acme.example', 'Ed', 'Editor');
INSERT INTO account_managers VALUES (1, 1);
INSERT INTO members(user_id, subscription_id, role_id) VALUES (2, 1, 2);
SELECT business, app, plan, role, seats, available FROM invite_options;

.print
.print '== 3. Mia (account manager) invites a new person to Ledger / Team as Viewer'
.print "   SELECT invite_create('Ann.Lee@Example.COM', 1, 1, 1, '{\"first_name\":\"Ann\",\"last_name\":\"Lee\"}');"
-- (the shell keeps the result in the parameter @ann for the next steps)
.mode list
.once demo_key.sql
SELECT '.parameter set @ann ' || quote(invite_create('Ann.Lee@Example.COM', 1, 1, 1,
                     '{"first_name":"Ann","last_name":"Lee"}'));
.read demo_key.sql
.mode box
SELECT @ann AS result;
.print '   The result holds the one-time key and its link. Only a BLAKE2b hash of'
.print '   the key is stored:'
SELECT id, kind, email, hex(substr(key_hash, 1, 8)) || '...' AS key_hash_prefix,
       expires_at FROM invites;
.print '   A pending invite reserves a seat:'
SELECT subscription_id, seats, members, pending_invites, available FROM seat_usage;

.print
.print '== 4. The rules hold: each of these is refused and writes nothing'
.bail off
.echo on
SELECT invite_create('ann.lee@example.com', 1, 1, 1);              -- already pending
SELECT invite_create('bo@example.com', 1, 3, 2,
                     '{"first_name":"Bo","last_name":"Ng"}');         -- Ed (Editor) may not grant Owner
SELECT invite_create('bo@example.com', 1, 4, 1,
                     '{"first_name":"Bo","last_name":"Ng"}');         -- Pager role on a Ledger subscription
SELECT invite_create('not-an-address', 1, 1, 1);
INSERT INTO members(user_id, subscription_id, role_id) VALUES (1, 1, 4); -- plain SQL is held too
.echo off

.print
.print '== 5. Ann opens her link: peek shows what the key grants and uses nothing up'
.echo on
SELECT invite_peek(@ann ->> '$.key') ->> '$.state' AS state,
       invite_peek(@ann ->> '$.key') ->> '$.role' AS role,
       invite_peek(@ann ->> '$.key') ->> '$.business' AS business;
SELECT invite_redeem(@ann ->> '$.key', 'someone.else@example.com');  -- wrong person: refused, still good
SELECT invite_redeem(@ann ->> '$.key', 'ann.lee@example.com') AS redeemed;
SELECT invite_redeem(@ann ->> '$.key', 'ann.lee@example.com');       -- a key works once
.echo off
SELECT u.email, r.name AS role, s.plan, m.joined_at
  FROM members m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id
  JOIN subscriptions s ON s.id = m.subscription_id ORDER BY m.id;

.print
.print '== 6. Seats: Ed, Ann and one pending invite fill the three seats of Team'
SELECT invite_create('cy@example.com', 1, 1, 2, '{"first_name":"Cy","last_name":"Li"}') ->> '$.id' AS invite_id;
.echo on
SELECT seat_available(1) AS team_seats_left, seat_available(2) AS free_seats_left;
SELECT invite_create('dee@example.com', 1, 1, 1, '{"first_name":"Dee","last_name":"Ho"}');
.echo off

.print
.print '== 7. Revocation and expiry (the clock moves on a week)'
.echo on
SELECT invite_revoke(2);
.echo off
SELECT invite_clock('2027-03-09 09:00:00') AS now;
SELECT invite_id, email, state, expires_at, redeemed_at FROM invite_status;
