-- The law holds for plain INSERT/UPDATE/DELETE from any client: every
-- statement below tries to break a rule without the verbs and is refused.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(invite_create('amy@example.com', 2, 4, 1,
         '{"first_name":"Amy","last_name":"Ash"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @b ' || quote(invite_create('bob@example.com', 2, 4, 1,
         '{"first_name":"Bob","last_name":"Bu"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @c ' || quote(invite_create('cid@example.com', 2, 4, 1,
         '{"first_name":"Cid","last_name":"Co"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @c2 ' || quote(invite_resend(@c ->> '$.id'));
.read keys.sql
.echo on
SELECT invite_redeem(@a ->> '$.key') ->> '$.member_id';
SELECT invite_redeem(@c2 ->> '$.key') ->> '$.member_id';
SELECT invite_id, live FROM invite_old_keys;

-- reusing a used key: un-redeem, re-key, revive, delete
UPDATE invites SET redeemed_at = NULL, redeemed_by = NULL WHERE id = 1;
UPDATE invites SET key_hash = randomblob(32) WHERE id = 1;
UPDATE invites SET expires_at = '2030-01-01 00:00:00' WHERE id = 1;
DELETE FROM invites WHERE id = 1;
-- a new invite carrying the hash of a used key
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
SELECT 'member', key_hash, 1, 'new@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-08 10:00:00' FROM invites WHERE id = 1;
-- a hash that is not a hash
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', 'password', 1, 'zed@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
-- an invite of no known kind
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('admin', randomblob(32), 1, 'zed@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
-- an invite born redeemed
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at, redeemed_at, redeemed_by)
VALUES ('member', randomblob(32), 1, 'zed@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-08 10:00:00', '2027-01-01 10:00:00', 1);

-- redemption by plain UPDATE: only by the invitee, and it makes the membership
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00', redeemed_by = 3 WHERE id = 2;
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00' WHERE id = 2;
UPDATE invites SET redeemed_at = '2027-01-09 10:00:00', redeemed_by = 20 WHERE id = 2;
INSERT INTO users(id, email) VALUES (20, 'BOB@example.com');
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00', redeemed_by = 20 WHERE id = 2;
SELECT user_id, subscription_id, role_id, invite_id FROM members WHERE invite_id = 2;
SELECT invite_redeem(@b ->> '$.key');

-- revoked and expired invites cannot be redeemed, even by plain SQL
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 1, 'cy@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-02 10:00:00');
INSERT INTO users(id, email) VALUES (21, 'cy@example.com');
UPDATE invites SET revoked_at = '2027-01-01 10:00:00' WHERE id = 4;
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00', redeemed_by = 21 WHERE id = 4;
UPDATE invites SET revoked_at = NULL WHERE id = 4;
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 1, 'cy@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-02 10:00:00');
SELECT invite_clock('2027-01-05 00:00:00');
UPDATE invites SET redeemed_at = '2027-01-01 11:00:00', redeemed_by = 21 WHERE id = 5;

-- who may invite, by plain INSERT: a Viewer, an Editor granting Owner
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 3, 'dee@example.com', 1, 1, 1, '2027-01-05 00:00:00', '2027-01-06 00:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 2, 'dee@example.com', 1, 1, 3, '2027-01-05 00:00:00', '2027-01-06 00:00:00');
-- a role from another app, a subscription of another business
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 1, 'dee@example.com', 1, 1, 4, '2027-01-05 00:00:00', '2027-01-06 00:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 1, 'dee@example.com', 2, 1, 1, '2027-01-05 00:00:00', '2027-01-06 00:00:00');
-- members: a role of another app, a second membership, moving a membership
INSERT INTO members(user_id, subscription_id, role_id) VALUES (4, 1, 4);
INSERT INTO members(user_id, subscription_id, role_id) VALUES (2, 1, 1);
UPDATE members SET subscription_id = 3 WHERE user_id = 2 AND subscription_id = 1;
-- old keys are kept and cannot be revived once the invite is used
UPDATE invite_old_keys SET live = 1;
DELETE FROM invite_old_keys;
-- line breaks never reach a stored address or name
INSERT INTO users(email, first_name) VALUES ('x@example.com', 'Eve' || char(13, 10) || 'Bcc: all@example.com');
INSERT INTO users(email) VALUES ('x@example.com' || char(10));
INSERT INTO users(email) VALUES ('not an address');
UPDATE users SET email = 'Vic@ACME.COM ' WHERE id = 3;
SELECT email FROM users WHERE id = 3;
INSERT INTO users(email) VALUES ('VIC@acme.com');
SELECT count(*) FROM invites;
SELECT count(*) FROM members;
