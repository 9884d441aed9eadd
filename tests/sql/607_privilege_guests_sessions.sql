-- Privilege escalation through plain DML against guests and support
-- sessions, table-driven like 605_privilege: every attempt is refused.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
-- Zoe (4) is a guest of Acme without rights; Gil (a new user) is a guest
-- who may invite guests but is not an account manager.
.echo off
.once keys.sql
SELECT '.parameter set @z ' || quote(guest_invite('zoe@example.org', 1, 1)) || char(10)
    || '.parameter set @g ' || quote(guest_invite('gil@example.com', 1, 1, '{"can_invite":true}')) || char(10)
    || '.parameter set @p ' || quote(guest_invite('pia@example.com', 1, 1)) || char(10)
    || '.parameter set @x ' || quote(session_invite(1, 2, 1, 'Xena from Vendor'));
.read keys.sql
.echo on
SELECT invite_redeem(@z ->> '$[0].key') ->> '$.guest_id', invite_redeem(@g ->> '$[0].key') ->> '$.guest_id';
SELECT invite_redeem(@x ->> '$.key') ->> '$.session_member_id';
SELECT id, user_id, account_manager, can_invite FROM guests;
SELECT id, kind, display_name FROM session_members;
CREATE TEMP TABLE attempts(n INTEGER PRIMARY KEY, attempt TEXT, sql TEXT);
INSERT INTO attempts(attempt, sql) VALUES
 ('a guest without can_invite invites a guest',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at) VALUES (''guest'', randomblob(32), 4, ''x@example.com'', 1, 90, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('a can_invite guest grants account_manager',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, account_manager, access_days, created_at, expires_at) VALUES (''guest'', randomblob(32), 7, ''x@example.com'', 1, 1, 90, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('a can_invite guest invites a member',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 7, ''x@example.com'', 1, 2, 4, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('a guest makes itself an account manager',
  'UPDATE guests SET account_manager = 1 WHERE user_id = 4'),
 ('a guest gives itself can_invite',
  'UPDATE guests SET can_invite = 1 WHERE user_id = 4'),
 ('a guest extends its own access',
  'UPDATE guests SET expires_at = ''2030-01-01 00:00:00'' WHERE user_id = 4'),
 ('access granted to oneself without an invite',
  'INSERT INTO guests(user_id, business_id, account_manager, can_invite, access_days, started_at, expires_at) VALUES (3, 2, 1, 1, 90, ''2027-01-01 10:00:00'', ''2027-04-01 10:00:00'')'),
 ('a pending guest invite raised to account manager',
  'UPDATE invites SET account_manager = 1 WHERE kind = ''guest'' AND redeemed_at IS NULL'),
 ('an access invite under a profile not enabled for access invite',
  'INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at) VALUES (''session'', randomblob(32), 2, 1, 2, 1, 2, ''X'', ''2027-01-01 10:00:00'', ''2027-01-01 11:00:00'')'),
 ('an access invite by a representative not in the session',
  'INSERT INTO invites(kind, key_hash, inviter_id, business_id, subscription_id, session_id, profile_id, display_name, created_at, expires_at) VALUES (''session'', randomblob(32), 5, 1, 2, 1, 1, ''X'', ''2027-01-01 10:00:00'', ''2027-01-01 11:00:00'')'),
 ('an external joins without a key',
  'INSERT INTO session_members(session_id, kind, profile_id, display_name) VALUES (1, ''external'', 1, ''X'')'),
 ('an external made the session owner',
  'UPDATE sessions SET owner_id = 6 WHERE id = 1'),
 ('a roster row turned into the owner',
  'UPDATE session_members SET kind = ''owner'' WHERE session_id = 1 AND kind <> ''owner''');
.echo off
.once attempts.sql
SELECT 'SELECT ''-- ' || n || '. ' || replace(attempt, '''', '''''') || ''';' || char(10)
    || sql || ';' FROM attempts ORDER BY n;
CREATE TEMP TABLE before AS SELECT count(*) AS n FROM audit_log;
.echo on
.read attempts.sql
-- nothing changed
SELECT count(*) FROM audit_log WHERE id > (SELECT n FROM before);
SELECT id, kind FROM session_members;
SELECT account_manager FROM invites WHERE id = @p ->> '$[0].id';
SELECT id, user_id, account_manager, can_invite, expires_at FROM guests;
SELECT count(*) FROM invites;
SELECT invite_audit_verify();
-- taking rights away is allowed (and audited)
UPDATE guests SET can_invite = 0 WHERE user_id = 7;
SELECT action, detail FROM audit_log WHERE id > (SELECT n FROM before);
