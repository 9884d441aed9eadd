-- Licences (seed 001): each external representative present takes one
-- licence of the session's subscription, a pending session key reserves
-- one; leaving frees it. seat_usage / seat_available count them and the
-- seat law refuses an invite or a join beyond the seats.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo on
-- session 3 on subscription 1: 3 seats, Ed and Vic hold two
INSERT INTO sessions(id, subscription_id, owner_id) VALUES (3, 1, 2);
SELECT * FROM seat_usage WHERE subscription_id = 1;
SELECT seat_available(1);

-- ---- a pending key reserves the last licence ----
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(session_invite(3, 2, 1, 'Ann'));
.read keys.sql
.echo on
SELECT members, externals, pending_invites, used, reserved, available FROM seat_usage WHERE subscription_id = 1;
SELECT seat_available(1);
SELECT session_invite(3, 2, 3, 'Ben');
SELECT invite_create('new@example.com', 1, 1, 1, '{"first_name":"New","last_name":"Person"}');
SELECT f FROM fingerprint;

-- ---- joining turns the reservation into a licence taken ----
SELECT invite_redeem(@a ->> '$.key') ->> '$.session_member_id';
SELECT members, externals, pending_invites, used, reserved, available FROM seat_usage WHERE subscription_id = 1;
SELECT DISTINCT used, reserved, available, has_seat FROM invite_options WHERE subscription_id = 1;
SELECT session_invite(3, 2, 3, 'Ben');
SELECT invite_create('new@example.com', 1, 1, 1, '{"first_name":"New","last_name":"Person"}');
UPDATE subscriptions SET seats = 2 WHERE id = 1;
SELECT f FROM fingerprint;

-- ---- leaving frees the licence ----
UPDATE session_members SET left_at = (SELECT now FROM invite_now), left_reason = 'done'
 WHERE session_id = 3 AND kind = 'external';
SELECT members, externals, pending_invites, used, reserved, available FROM seat_usage WHERE subscription_id = 1;
SELECT seat_available(1);

-- ---- a join beyond the seats ----
-- The seat law keeps seats from going below what pending keys reserve, so
-- a join normally always finds its reserved licence. Here the clock is
-- turned forward until the key expires (its seat is freed and taken away by
-- lowering seats), then back, so the key is good again with no seat left:
-- the join itself is refused, and the key is not used up.
.echo off
.once keys.sql
SELECT '.parameter set @b ' || quote(session_invite(3, 2, 1, 'Bea'));
.read keys.sql
.echo on
UPDATE subscriptions SET seats = 2 WHERE id = 1;
SELECT invite_clock('2027-01-01 11:30:00');
SELECT seat_available(1);
UPDATE subscriptions SET seats = 2 WHERE id = 1;
SELECT invite_clock('2027-01-01 10:30:00');
SELECT members, externals, pending_invites, available FROM seat_usage WHERE subscription_id = 1;
SELECT invite_redeem(@b ->> '$.key');
SELECT invite_peek(@b ->> '$.key') ->> '$.state';
SELECT f FROM fingerprint;

-- ---- an unlimited subscription counts externals too, without a limit ----
SELECT invite_redeem(session_invite(1, 2, 1, 'U' || value) ->> '$.key') IS NOT NULL
  FROM generate_series(1, 3);
SELECT seats, members, externals, used, available FROM seat_usage WHERE subscription_id = 2;
SELECT seat_available(2);
-- ending the session frees every licence
UPDATE sessions SET ended_at = (SELECT now FROM invite_now) WHERE id = 1;
SELECT seats, members, externals, used, available FROM seat_usage WHERE subscription_id = 2;
