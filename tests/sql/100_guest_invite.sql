-- guest_invite (seed 002, Invite Guests): lists of addresses, the access
-- period and its overrides, the result, bad arguments. Keys are random, so
-- results are shown without them (length and url form only).
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _guests.inc
.echo on

-- ---- separators and odd lists ----
-- comma, space, tab, CR/LF, runs of them, leading and trailing ones;
-- duplicates (any case) collapse into the first spelling, in list order
SELECT value ->> 'email', value ->> 'id', value ->> 'expires_at', length(value ->> 'key'),
       value ->> 'url' = 'https://invite.example.com/accept?key=' || (value ->> 'key')
  FROM json_each(guest_invite(char(10) || ' ,ann@example.com,,  bob@Example.COM	'
                 || 'ANN@EXAMPLE.COM' || char(13, 10) || 'cy@example.net,bob@example.com, ,',
                 1, 1));
-- one invite per distinct address, listed at once with the Guest tag
SELECT tag, state, email, invite_id, account_manager, can_invite, access_days, invite_expires_at
  FROM guest_directory ORDER BY invite_id;
SELECT f FROM fingerprint;
-- one bad address among good ones fails the whole call, naming it
SELECT guest_invite('dee@example.com, eve@@example.com, fay@example.com', 1, 1);
SELECT guest_invite('dee@example.com x@ eve@@example.com y', 1, 1);
SELECT guest_invite('dee@example.com,' || printf('%.300c', 'a') || '@example.com', 1, 1);
SELECT guest_invite('dee@example.com ' || char(1) || 'x@example.com', 1, 1);
SELECT f FROM fingerprint;
-- nothing to invite
SELECT guest_invite('', 1, 1);
SELECT guest_invite(' ,' || char(9, 13, 10) || ', ', 1, 1);
-- the same list through the pure splitter shows how it is read
SELECT email, valid FROM invite_split_emails('a@example.com,,b@example.com' || char(13, 10) || ' c@');

-- ---- existing users are bound; new people need no names ----
SELECT value ->> 'email' FROM json_each(guest_invite('zoe@example.org', 1, 1));
SELECT id, email, user_id FROM invites WHERE email = 'Zoe@example.org';
.echo off
.once keys.sql
SELECT '.parameter set @dan ' || quote(guest_invite('dan@example.com', 1, 1));
.read keys.sql
.echo on
SELECT invite_peek(@dan ->> '$[0].key') ->> '$.kind', invite_peek(@dan ->> '$[0].key') ->> '$.state';
-- accepted the next day: the 90 days count from acceptance
SELECT invite_clock('2027-01-02 09:30:00');
SELECT invite_redeem(@dan ->> '$[0].key');
SELECT id, email, first_name, last_name FROM users WHERE email = 'dan@example.com';
SELECT guest_id, state, started_at, expires_at, access_days FROM guest_directory WHERE email = 'dan@example.com';

-- ---- the access period: 90 days, a business setting, an option ----
SELECT name, value FROM invite_setting_defs WHERE name LIKE 'guest%';
SELECT value ->> 'email' FROM json_each(guest_invite('p1@example.com', 1, 1));
INSERT INTO settings(business_id, name, value) VALUES (1, 'guest_access_days', 45);
SELECT value ->> 'email' FROM json_each(guest_invite('p2@example.com', 1, 1));
SELECT value ->> 'email' FROM json_each(guest_invite('p3@example.com', 1, 1, '{"days":30}'));
-- a default for all businesses applies where a business has none
INSERT INTO settings(business_id, name, value) VALUES (NULL, 'guest_access_days', 60);
INSERT INTO users(id, email) VALUES (20, 'boss@globex.com');
INSERT INTO account_managers VALUES (2, 20);
SELECT value ->> 'email' FROM json_each(guest_invite('p4@example.com', 2, 20));
SELECT email, business_id, access_days FROM invites WHERE email LIKE 'p_@example.com' ORDER BY email;
-- a bad setting is named, not silently used
UPDATE settings SET value = 'ninety' WHERE business_id = 1 AND name = 'guest_access_days';
SELECT guest_invite('p5@example.com', 1, 1);
SELECT value ->> 'email' FROM json_each(guest_invite('p5@example.com', 1, 1, '{"days":7}'));
DELETE FROM settings;

-- ---- the flags ----
SELECT value ->> 'email' FROM json_each(guest_invite('f1@example.com f2@example.com', 1, 1,
       '{"account_manager":true,"can_invite":1}'));
SELECT email, account_manager, can_invite FROM guest_directory WHERE email LIKE 'f_@example.com';

-- ---- bad arguments: an error naming the problem, nothing written ----
SELECT f FROM fingerprint;
SELECT guest_invite(NULL, 1, 1);
SELECT guest_invite(42, 1, 1);
SELECT guest_invite('a@example.com' || char(0) || 'b@example.com', 1, 1);
SELECT guest_invite(printf('%.100001c', ' '), 1, 1);
SELECT guest_invite('q@example.com', NULL, 1);
SELECT guest_invite('q@example.com', 1, 'mia');
SELECT guest_invite('q@example.com', 0, 1);
SELECT guest_invite('q@example.com', 99, 1);
SELECT guest_invite('q@example.com', 1, 99);
SELECT guest_invite('q@example.com', 1, 1, '[]');
SELECT guest_invite('q@example.com', 1, 1, '{"colour":"red"}');
SELECT guest_invite('q@example.com', 1, 1, '{"can_invite":2}');
SELECT guest_invite('q@example.com', 1, 1, '{"account_manager":-1}');
SELECT guest_invite('q@example.com', 1, 1, '{"can_invite":"yes"}');
SELECT guest_invite('q@example.com', 1, 1, '{"days":0}');
SELECT guest_invite('q@example.com', 1, 1, '{"days":3651}');
SELECT guest_invite('q@example.com', 1, 1, '{"days":"30"}');
SELECT f FROM fingerprint;
-- the limit: at most 1000 distinct addresses per call
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1001)
SELECT guest_invite((SELECT group_concat('u' || i || '@example.com', ' ') FROM n), 1, 1);
-- (the invites-per-day limit, 100 by default, is lifted for this inviter's business)
INSERT INTO settings VALUES (1, 'invites_per_inviter_per_day', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
SELECT json_array_length(guest_invite((SELECT group_concat('u' || i || '@example.com', ' ') FROM n), 1, 1));
SELECT count(*) FROM invites WHERE kind = 'guest';
