-- The rules of member invitations, each with its failing case. After every
-- refusal the fingerprint shows that nothing was written.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
CREATE TEMP VIEW fingerprint AS
SELECT (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM members) || ' members, '
    || (SELECT count(*) FROM users) || ' users, '
    || (SELECT count(*) FROM invite_old_keys) || ' old keys, '
    || (SELECT count(*) FROM invites WHERE redeemed_at IS NOT NULL) || ' redeemed, '
    || (SELECT count(*) FROM invites WHERE revoked_at IS NOT NULL) || ' revoked, '
    || (SELECT group_concat(sent_count || ':' || expires_at) FROM invites) AS f;
.echo on

-- ---- expiry (pinned clock) ----
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(invite_create('amy@example.com', 2, 4, 1,
         '{"first_name":"Amy","last_name":"Ash","days":2}'));
.read keys.sql
.echo on
SELECT @a ->> '$.expires_at';
SELECT invite_clock('2027-01-03 10:00:00');
SELECT invite_redeem(@a ->> '$.key');
SELECT state FROM invite_status WHERE invite_id = @a ->> '$.id';
SELECT f FROM fingerprint;
-- an expired invite never blocks a new one for the same person
.echo off
.once keys.sql
SELECT '.parameter set @a2 ' || quote(invite_create('amy@example.com', 2, 4, 1,
         '{"first_name":"Amy","last_name":"Ash"}'));
.read keys.sql
.echo on
SELECT invite_redeem(@a2 ->> '$.key') ->> '$.kind';
SELECT invite_id, state FROM invite_status WHERE email = 'amy@example.com';

-- ---- revoke ----
.echo off
.once keys.sql
SELECT '.parameter set @b ' || quote(invite_create('bea@example.com', 2, 4, 1,
         '{"first_name":"Bea","last_name":"Bo"}'));
.read keys.sql
.echo on
SELECT invite_revoke(@b ->> '$.id');
SELECT invite_redeem(@b ->> '$.key');
SELECT invite_revoke(@b ->> '$.id');
SELECT invite_revoke(@a2 ->> '$.id');
SELECT invite_revoke(999);
SELECT invite_resend(@b ->> '$.id');
-- a revoked invite never blocks a new one
SELECT json_type(invite_create('bea@example.com', 2, 4, 1, '{"first_name":"Bea","last_name":"Bo"}'));
SELECT f FROM fingerprint;

-- ---- resend: a fresh key, the old one dead ----
.echo off
.once keys.sql
SELECT '.parameter set @c ' || quote(invite_create('cat@example.com', 2, 4, 1,
         '{"first_name":"Cat","last_name":"Cy"}'));
.read keys.sql
SELECT invite_clock('2027-01-04 10:00:00');
.once keys.sql
SELECT '.parameter set @c2 ' || quote(invite_resend(@c ->> '$.id'));
.read keys.sql
.echo on
SELECT @c2 ->> '$.id' = @c ->> '$.id', @c2 ->> '$.key' <> @c ->> '$.key', @c2 ->> '$.expires_at';
SELECT invite_peek(@c ->> '$.key');
SELECT invite_redeem(@c ->> '$.key');
SELECT sent_count, last_sent_at FROM invite_status WHERE invite_id = @c ->> '$.id';
SELECT invite_redeem(@c2 ->> '$.key') ->> '$.kind';
SELECT invite_resend(@c ->> '$.id');

-- ---- resend with keep_old_keys: every key stays good until the invite is used ----
.echo off
.once keys.sql
SELECT '.parameter set @d ' || quote(invite_create('dan@example.com', 2, 4, 1,
         '{"first_name":"Dan","last_name":"Do"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @d2 ' || quote(invite_resend(@d ->> '$.id', '{"keep_old_keys":true}'));
.read keys.sql
.echo on
SELECT invite_peek(@d ->> '$.key') ->> '$.state', invite_peek(@d2 ->> '$.key') ->> '$.state';
SELECT live FROM invite_old_keys WHERE invite_id = @d ->> '$.id';
SELECT invite_redeem(@d ->> '$.key') ->> '$.invite_id' = @d ->> '$.id';
SELECT invite_redeem(@d2 ->> '$.key');
SELECT invite_redeem(@d ->> '$.key');
SELECT invite_resend(@d ->> '$.id', '{"keep_old_keys":true,"colour":"red"}');
SELECT invite_resend(@d ->> '$.id', '[1,2]');
SELECT invite_resend(@d ->> '$.id', '{"days":0}');
SELECT f FROM fingerprint;

-- ---- the seat limit: members + pending invites never exceed seats ----
SELECT seat_available(1);
.echo off
.once keys.sql
SELECT '.parameter set @e ' || quote(invite_create('eve@example.com', 1, 1, 1,
         '{"first_name":"Eve","last_name":"Ek"}'));
.read keys.sql
.echo on
SELECT seat_available(1);
SELECT invite_create('fay@example.com', 1, 1, 1, '{"first_name":"Fay","last_name":"Fu"}');
SELECT f FROM fingerprint;
-- revoking the pending invite frees its seat
SELECT invite_revoke(@e ->> '$.id');
SELECT seat_available(1);
-- plain SQL cannot oversell either
INSERT INTO members(user_id, subscription_id, role_id) VALUES (4, 1, 1);
INSERT INTO members(user_id, subscription_id, role_id) VALUES (1, 1, 1);
SELECT used, reserved, available FROM seat_usage WHERE subscription_id = 1;
UPDATE subscriptions SET seats = 2 WHERE id = 1;
UPDATE subscriptions SET seats = -1 WHERE id = 2;
UPDATE subscriptions SET seats = 'lots' WHERE id = 2;

-- ---- the cascade business -> app -> subscription -> role ----
SELECT invite_create('gus@example.com', 3, 4, 1, '{"first_name":"Gus","last_name":"Go"}');
SELECT invite_create('gus@example.com', 99, 1, 1, '{"first_name":"Gus","last_name":"Go"}');
SELECT invite_create('gus@example.com', 3, 99, 1, '{"first_name":"Gus","last_name":"Go"}');

-- ---- who may invite ----
-- an account manager of another business
INSERT INTO users(id, email) VALUES (10, 'gm@globex.com');
INSERT INTO account_managers VALUES (2, 10);
SELECT invite_create('gus@example.com', 2, 4, 10, '{"first_name":"Gus","last_name":"Go"}');
-- a member whose role cannot invite (Viewer)
SELECT invite_create('gus@example.com', 1, 1, 3, '{"first_name":"Gus","last_name":"Go"}');
-- a member whose role can invite, but not above its own rank (Editor -> Owner)
SELECT invite_revoke(id) FROM invites WHERE email = 'eve@example.com' AND revoked_at IS NULL;
DELETE FROM members WHERE user_id = 4 AND subscription_id = 1;
SELECT invite_create('gus@example.com', 1, 3, 2, '{"first_name":"Gus","last_name":"Go"}');
SELECT json_type(invite_create('gus@example.com', 1, 2, 2, '{"first_name":"Gus","last_name":"Go"}'));
-- an unknown inviter
SELECT invite_create('hal@example.com', 2, 4, 99, '{"first_name":"Hal","last_name":"Hu"}');
SELECT f FROM fingerprint;
