-- Member invitations (seed 003, Invite User): create, peek, redeem once.
-- Keys are random, so each is captured into a shell parameter with
-- .once/.read while echo is off; what is printed never contains a key.
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
    || (SELECT count(*) FROM invites WHERE revoked_at IS NOT NULL) || ' revoked' AS f;
.echo on

-- A new person: email plus names. The result carries id, key, url, expiry.
.echo off
.once keys.sql
SELECT '.parameter set @ann ' || quote(invite_create('  ann@EXAMPLE.com ', 2, 4, 1,
         '{"first_name":"Ann","last_name":"Lee","comments":"welcome"}'));
.read keys.sql
.echo on
SELECT @ann ->> '$.id', length(@ann ->> '$.key'), @ann ->> '$.expires_at',
       (@ann ->> '$.url') = 'https://invite.example.com/accept?key=' || (@ann ->> '$.key');
SELECT invite_id, kind, state, business, app, plan, role, email, inviter_email FROM invite_status;
-- the key itself is not stored anywhere: only its 32-byte hash
SELECT count(*) FROM invites WHERE instr(CAST(key_hash AS TEXT), @ann ->> '$.key') OR typeof(key_hash) <> 'blob' OR length(key_hash) <> 32;

-- peek is read-only: it can be called any number of times
SELECT invite_peek(@ann ->> '$.key') ->> '$.state', invite_peek(@ann ->> '$.key') ->> '$.role',
       invite_peek(@ann ->> '$.key') ->> '$.business', invite_peek(@ann ->> '$.key') ->> '$.can_redeem';
SELECT f FROM fingerprint;

-- a wrong redeemer is refused and the invite stays good
SELECT invite_redeem(@ann ->> '$.key', 'someone@else.com');
SELECT invite_redeem(@ann ->> '$.key', 4);
SELECT state FROM invite_status WHERE invite_id = 1;
SELECT f FROM fingerprint;

-- redemption by the invitee (any letter case) creates the user and the membership
SELECT invite_redeem(@ann ->> '$.key', 'ANN@example.com');
SELECT id, email, first_name, last_name FROM users WHERE id = 5;
SELECT user_id, subscription_id, role_id, invite_id, joined_at FROM members WHERE invite_id = 1;
SELECT state, redeemed_at, redeemed_by FROM invite_status WHERE invite_id = 1;

-- a key works once
SELECT invite_redeem(@ann ->> '$.key', 'ann@example.com');
SELECT invite_peek(@ann ->> '$.key') ->> '$.state', invite_peek(@ann ->> '$.key') ->> '$.can_redeem';
SELECT f FROM fingerprint;

-- an existing user, by id or by an address in another letter case
.echo off
.once keys.sql
SELECT '.parameter set @zoe ' || quote(invite_create('zoe@example.ORG', 1, 1, 1));
.read keys.sql
.echo on
SELECT invite_id, email, user_id FROM invite_status WHERE invite_id = @zoe ->> '$.id';
SELECT invite_create(4, 1, 1, 1);
SELECT invite_create('ZOE@EXAMPLE.ORG', 1, 1, 1);
-- redeemed without naming the redeemer: the invitee
SELECT invite_redeem(@zoe ->> '$.key') ->> '$.user_id';
SELECT user_id, role_id FROM members WHERE invite_id = @zoe ->> '$.id';
-- a member cannot be invited again to the same subscription
SELECT invite_create(4, 1, 1, 1);
SELECT f FROM fingerprint;

-- the seat information of the Invite User page
SELECT subscription_id, seats, members, pending_invites, used, reserved, available FROM seat_usage;
SELECT seat_available(1), seat_available(2), seat_available(3);
SELECT business, app, plan, role, seats, available, has_seat FROM invite_options;
