-- The session law holds for plain INSERT/UPDATE/DELETE from any client:
-- each statement below tries to break a rule without the verbs.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(session_invite(1, 2, 1, 'Xena', '{"email":"xena@vendor.com"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @b ' || quote(session_invite(1, 2, 3, 'Dana'));
.read keys.sql
.echo on
SELECT invite_redeem(@a ->> '$.key') ->> '$.session_member_id';
SELECT f FROM fingerprint;

-- ---- an external representative can never become the session owner ----
UPDATE sessions SET owner_id = 6 WHERE id = 1;
UPDATE session_members SET kind = 'owner' WHERE id = 2;
UPDATE session_members SET kind = 'member' WHERE id = 2;
INSERT INTO session_members(session_id, user_id, kind) VALUES (1, 6, 'owner');
-- nor may the owner change at all, or a non-owner join as 'owner'
UPDATE sessions SET owner_id = 3 WHERE id = 1;
INSERT INTO session_members(session_id, user_id, kind) VALUES (1, 3, 'owner');
INSERT INTO session_members(session_id, user_id, kind) VALUES (1, 2, 'member');
SELECT f FROM fingerprint;

-- ---- externals come in only through a session key, once ----
INSERT INTO session_members(session_id, kind, profile_id, display_name) VALUES (1, 'external', 1, 'Sneaky');
INSERT INTO session_members(session_id, kind, profile_id, display_name, invite_id)
VALUES (1, 'external', 1, 'Xena', 1);
INSERT INTO session_members(session_id, kind, profile_id, display_name, invite_id)
VALUES (1, 'external', 3, 'Dana', 2);
-- redemption by plain UPDATE joins fully: the roster row comes with it
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00' WHERE id = 2;
SELECT session_member_id, kind, user_id, name, profile, invite_id, joined_at FROM session_roster WHERE invite_id = 2;
-- and a key's redemption cannot be undone to join twice
UPDATE invites SET redeemed_at = NULL WHERE id = 2;
SELECT f FROM fingerprint;

-- ---- licensed representatives hold a seat of the session's subscription ----
INSERT INTO session_members(session_id, user_id, kind) VALUES (1, 1, 'member');
INSERT INTO session_members(session_id, user_id, kind) VALUES (1, 99, 'member');
INSERT INTO session_members(session_id, user_id, kind, profile_id) VALUES (1, 5, 'member', 1);
INSERT INTO sessions(subscription_id, owner_id) VALUES (2, 1);
INSERT INTO sessions(subscription_id, owner_id) VALUES (99, 2);
INSERT INTO sessions(subscription_id, owner_id, ended_at) VALUES (2, 2, '2027-01-01 10:00:00');
INSERT INTO sessions(subscription_id, owner_id, started_at) VALUES (2, 2, 'yesterday');
INSERT INTO session_members(session_id, user_id, kind) VALUES (9, 5, 'member');
INSERT INTO session_members(session_id, user_id, kind, left_at) VALUES (1, 5, 'member', '2027-01-01 10:00:00');
INSERT INTO session_members(session_id, user_id, kind, joined_at) VALUES (1, 5, 'member', 'now');
-- a plain INSERT of a licensed member, joined_at set by the law
INSERT INTO session_members(session_id, user_id, kind) VALUES (1, 5, 'member');
SELECT kind, user_id, joined_at FROM session_members WHERE user_id = 5;
SELECT f FROM fingerprint;

-- ---- the roster is kept; rows change only by leaving ----
UPDATE session_members SET display_name = 'Someone else' WHERE id = 2;
UPDATE session_members SET comments = 'edited' WHERE id = 2;
UPDATE session_members SET joined_at = '2027-01-01 09:00:00' WHERE id = 2;
UPDATE session_members SET session_id = 2 WHERE id = 2;
UPDATE session_members SET left_reason = 'why not' WHERE id = 2;
UPDATE session_members SET left_at = '2026-12-31 23:00:00' WHERE id = 2;
UPDATE session_members SET left_at = 'soon' WHERE id = 2;
DELETE FROM session_members WHERE id = 2;
DELETE FROM sessions WHERE id = 1;
UPDATE sessions SET ended_at = '2026-12-31 00:00:00' WHERE id = 1;
UPDATE sessions SET subscription_id = 1 WHERE id = 1;
SELECT f FROM fingerprint;

-- ---- session invites by plain INSERT obey the same rules ----
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 2, 1, 2, 1, 2, 'Eve', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 1, 1, 2, 1, 1, 'Eve', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 2, 1, 1, 1, 1, 'Eve', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 2, 1, 2, 1, 1, '  ', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 2, 1, 2, 1, 1, 'Eve' || char(13, 10) || 'Bcc: x', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, portal_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 2, 1, 2, 1, 1, 7, 'Eve', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, role_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 2, 1, 2, 1, 1, 4, 'Eve', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at)
VALUES ('session', randomblob(32), 2, 1, 2, 8, 1, 'Eve', '2027-01-01 10:00:00', '2027-01-01 11:00:00');
-- a key sent to an address binds to a user of that address
.echo off
.once keys.sql
SELECT '.parameter set @d ' || quote(session_invite(1, 2, 1, 'Dee', '{"email":"dee@vendor.com"}'));
.read keys.sql
.echo on
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00' WHERE id = @d ->> '$.id';
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00', redeemed_by = 6 WHERE id = @d ->> '$.id';
UPDATE invites SET redeemed_by = 6 WHERE id = @d ->> '$.id';
SELECT f FROM fingerprint;

-- ---- profiles and portals ----
INSERT INTO security_profiles(name, enabled_for_invite) VALUES ('Odd', 2);
UPDATE security_profiles SET enabled_for_invite = 'yes' WHERE id = 1;
DELETE FROM security_profiles WHERE id = 1;
-- an unused profile may go
DELETE FROM security_profiles WHERE id = 2;
INSERT INTO portals(name, base_url) VALUES ('Bad', 'ftp://files.acme.com');
INSERT INTO portals(name, base_url) VALUES ('Bad', 'https://acme.com/a b');
INSERT INTO portals(name, base_url) VALUES ('Bad', 'https://acme.com/' || char(10) || 'x');
UPDATE portals SET base_url = 'javascript:alert(1)' WHERE id = 1;
DELETE FROM portals WHERE id = 1;
-- disabling a profile stops its pending keys from joining
.echo off
.once keys.sql
SELECT '.parameter set @c ' || quote(session_invite(1, 2, 3, 'Cid'));
.read keys.sql
.echo on
UPDATE security_profiles SET enabled_for_invite = 0 WHERE id = 3;
SELECT invite_redeem(@c ->> '$.key');
SELECT f FROM fingerprint;
