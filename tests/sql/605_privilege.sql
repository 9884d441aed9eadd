-- Privilege escalation through plain DML, table-driven: each attempt is a
-- row (what it tries, the SQL, what the law does). The script runs every
-- row's SQL and prints the outcome; the fingerprint shows nothing changed
-- except where the law's answer is "allowed, audited" (application tables:
-- no trigger can know who is writing, see sql/README.md, "What the triggers can and cannot enforce").
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
-- a pending invite from the Editor (user 2) for a Viewer seat, and one redeemed
.echo off
.once keys.sql
SELECT '.parameter set @p ' || quote(invite_create('pat@example.com', 1, 1, 2, '{"first_name":"Pat","last_name":"P"}'))
 || char(10) || '.parameter set @q ' || quote(invite_create('zoe@example.org', 2, 4, 1));
.read keys.sql
.echo on
SELECT invite_redeem(@q ->> '$.key') ->> '$.member_id';
SELECT json_type(invite_resend(@p ->> '$.id'));
CREATE TEMP TABLE attempts(n INTEGER PRIMARY KEY, attempt TEXT, law TEXT, sql TEXT);
INSERT INTO attempts(attempt, law, sql) VALUES
 ('invite by a user with no role (foreign inviter)', 'refused',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 4, ''x@example.com'', 1, 1, 1, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('invite by a Viewer (role without can_invite)', 'refused',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 3, ''x@example.com'', 1, 1, 1, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('Editor grants Owner (above own rank)', 'refused',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 2, ''x@example.com'', 1, 1, 3, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('Editor invites to a subscription they are not in', 'refused',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 2, ''x@example.com'', 1, 2, 4, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('Acme manager invites into Globex', 'refused',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 1, ''x@example.com'', 2, 3, 1, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('claims Acme for a Globex subscription', 'refused',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 1, ''x@example.com'', 1, 3, 1, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('a role of another app', 'refused',
  'INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at) VALUES (''member'', randomblob(32), 1, ''x@example.com'', 1, 1, 4, ''2027-01-01 10:00:00'', ''2027-01-08 10:00:00'')'),
 ('raise the role of a pending invite', 'refused',
  'UPDATE invites SET role_id = 3 WHERE email = ''pat@example.com'''),
 ('move a pending invite to another subscription', 'refused',
  'UPDATE invites SET subscription_id = 2, role_id = 4 WHERE email = ''pat@example.com'''),
 ('swap the inviter for the manager', 'refused',
  'UPDATE invites SET inviter_id = 1 WHERE email = ''pat@example.com'''),
 ('readdress a pending invite to oneself', 'refused',
  'UPDATE invites SET email = ''mallory@example.com'' WHERE email = ''pat@example.com'''),
 ('turn it into another kind', 'refused',
  'UPDATE invites SET kind = ''guest'' WHERE email = ''pat@example.com'''),
 ('redeem it as someone else', 'refused',
  'UPDATE invites SET redeemed_at = ''2027-01-01 10:00:00'', redeemed_by = 3 WHERE email = ''pat@example.com'''),
 ('change a redeemed invite''s role', 'refused',
  'UPDATE invites SET role_id = 1 WHERE id = 2'),
 ('a membership borrowing an invite, with a higher role', 'refused',
  'INSERT INTO members(user_id, subscription_id, role_id, invite_id) VALUES (4, 1, 3, 2)'),
 ('move a membership to another subscription', 'refused',
  'UPDATE members SET subscription_id = 3 WHERE user_id = 3'),
 ('a membership with another app''s role', 'refused',
  'UPDATE members SET role_id = 4 WHERE user_id = 3'),
 ('an account manager that does not exist', 'refused',
  'INSERT INTO account_managers VALUES (1, 99)'),
 ('erase the traces', 'refused', 'DELETE FROM audit_log'),
 ('rewrite the traces', 'refused', 'UPDATE audit_log SET actor = NULL'),
 ('reset the invite counter', 'refused', 'DELETE FROM invite_rate'),
 ('forget a used key so it could come back', 'refused', 'DELETE FROM invite_old_keys'),
 ('delete an invite', 'refused', 'DELETE FROM invites'),
 -- application tables: the application decides; the law audits
 ('promote a member to Owner', 'allowed, audited',
  'UPDATE members SET role_id = 3 WHERE user_id = 3'),
 ('make oneself an account manager', 'allowed, audited',
  'INSERT INTO account_managers VALUES (1, 3)');
.echo off
.once attempts.sql
SELECT 'SELECT ''-- ' || n || '. ' || replace(attempt, '''', '''''') || ' [' || law || ']'';' || char(10)
    || sql || ';' FROM attempts ORDER BY n;
CREATE TEMP TABLE before AS SELECT count(*) AS n FROM audit_log;
.echo on
.read attempts.sql
-- what changed: only the two "allowed, audited" rows, both in the log
SELECT action, subject, detail FROM audit_log WHERE id > (SELECT n FROM before) ORDER BY id;
SELECT user_id, subscription_id, role_id FROM members ORDER BY id;
SELECT business_id, user_id FROM account_managers ORDER BY 1, 2;
SELECT invite_id, state, role_id, inviter_id, email FROM invite_status ORDER BY invite_id;
SELECT invite_audit_verify();
