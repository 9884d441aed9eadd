-- Failed redemptions from one source: after redeem_failure_limit (10)
-- within redeem_failure_window_minutes (15), the source is refused, even
-- with a good key, until the window has passed; each refusal is audited.
-- The count survives the verb's own rollback.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
CREATE TEMP VIEW fingerprint AS
SELECT (SELECT count(*) FROM invites WHERE redeemed_at IS NULL) || ' pending, '
    || (SELECT count(*) FROM members) || ' members, '
    || (SELECT count(*) FROM users) || ' users, '
    || (SELECT count(*) FROM audit_log WHERE action = 'invite.redeem_failed') || ' failures, '
    || (SELECT count(*) FROM audit_log WHERE action = 'invite.redeem_blocked') || ' blocked' AS f;
.echo off
.once keys.sql
SELECT '.parameter set @exp ' || quote(invite_create('exp@example.com', 2, 4, 1, '{"first_name":"E","last_name":"X","days":1}'));
.read keys.sql
.echo on
SELECT invite_clock('2027-01-03 10:00:00');
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(invite_create('amy@example.com', 2, 4, 1, '{"first_name":"Amy","last_name":"A"}'))
 || char(10) || '.parameter set @b ' || quote(invite_create('bob@example.com', 2, 4, 1, '{"first_name":"Bob","last_name":"B"}'))
 || char(10) || '.parameter set @c ' || quote(invite_create('cid@example.com', 2, 4, 1, '{"first_name":"Cid","last_name":"C"}'))
 || char(10) || '.parameter set @used ' || quote(invite_create('uma@example.com', 2, 4, 1, '{"first_name":"Uma","last_name":"U"}'))
 || char(10) || '.parameter set @rev ' || quote(invite_create('rex@example.com', 2, 4, 1, '{"first_name":"Rex","last_name":"R"}'))
 || char(10) || '.parameter set @old ' || quote(invite_create('ola@example.com', 2, 4, 1, '{"first_name":"Ola","last_name":"O"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @new ' || quote(invite_resend(@old ->> '$.id'));
.read keys.sql
.echo on
SELECT invite_redeem(@used ->> '$.key') ->> '$.invite_id';
SELECT invite_revoke(@rev ->> '$.id');
SELECT name, value FROM invite_global_settings WHERE name LIKE 'redeem%' ORDER BY name;
SELECT f FROM fingerprint;

-- ---- ten failures from one source, every kind ----
SELECT invite_redeem('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', NULL, '203.0.113.7');
SELECT invite_redeem('BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA', NULL, '203.0.113.7');
SELECT invite_redeem('not a key', NULL, '203.0.113.7');
SELECT invite_redeem(printf('%.2000c', 'k'), NULL, '203.0.113.7');
SELECT invite_redeem(@used ->> '$.key', NULL, '203.0.113.7');
SELECT invite_redeem(@rev ->> '$.key', NULL, '203.0.113.7');
SELECT invite_redeem(@exp ->> '$.key', NULL, '203.0.113.7');
SELECT invite_redeem(@old ->> '$.key', NULL, '203.0.113.7');
SELECT invite_redeem(@a ->> '$.key', 'mallory@example.com', '203.0.113.7');
SELECT invite_redeem(@a ->> '$.key', 3, '203.0.113.7');
SELECT f FROM fingerprint;
SELECT subject, json_extract(detail, '$.reason'), json_extract(detail, '$.invite_id')
  FROM audit_log WHERE action = 'invite.redeem_failed' ORDER BY id;
-- the 11th attempt is refused even with a good key, and audited
SELECT invite_redeem(@a ->> '$.key', NULL, '203.0.113.7');
SELECT state FROM invite_status WHERE invite_id = @a ->> '$.id';
SELECT actor_id, action, subject, detail FROM audit_trail WHERE action = 'invite.redeem_blocked';
SELECT invite_redeem('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', NULL, '203.0.113.7');
SELECT invite_redeem('not a key', NULL, '203.0.113.7');
SELECT f FROM fingerprint;
SELECT * FROM redeem_sources;
-- another source, and a call without a source, are not affected
SELECT invite_redeem(@b ->> '$.key', NULL, '198.51.100.2') ->> '$.invite_id';
SELECT invite_redeem(@new ->> '$.key') ->> '$.invite_id';
-- still refused one second before the window has passed
SELECT invite_clock('2027-01-03 10:14:59');
SELECT invite_redeem(@a ->> '$.key', NULL, '203.0.113.7');
-- then the source works again
SELECT invite_clock('2027-01-03 10:15:00');
SELECT * FROM redeem_sources;
SELECT invite_redeem(@a ->> '$.key', NULL, '203.0.113.7') ->> '$.invite_id';
SELECT f FROM fingerprint;

-- ---- without a source: audited (subject: the invite, or "key"), not counted ----
SELECT invite_redeem(@used ->> '$.key');
SELECT invite_redeem('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
SELECT subject, detail FROM audit_log WHERE action = 'invite.redeem_failed' ORDER BY id DESC LIMIT 2;
SELECT count(*) FROM redeem_sources;

-- ---- inside the caller's transaction ----
-- the verb rolls back its own work only: the caller's write and the
-- failure count both remain, and commit with the caller
BEGIN;
INSERT INTO settings(business_id, name, value) VALUES (NULL, 'invite_days', 9);
SELECT invite_redeem(@used ->> '$.key', NULL, '192.0.2.1');
SELECT invite_redeem(@c ->> '$.key', 'mallory@example.com', '192.0.2.1');
SELECT source, failures FROM redeem_sources;
SELECT value FROM settings WHERE name = 'invite_days';
COMMIT;
SELECT source, failures FROM redeem_sources;
-- a caller that rolls back its transaction takes the count with it
BEGIN;
SELECT invite_redeem(@used ->> '$.key', NULL, '192.0.2.1');
SELECT source, failures FROM redeem_sources;
ROLLBACK;
SELECT source, failures FROM redeem_sources;

-- ---- a smaller limit, and 0 for none (default-for-all settings) ----
INSERT INTO settings(business_id, name, value) VALUES (NULL, 'redeem_failure_limit', 2), (NULL, 'redeem_failure_window_minutes', 60);
SELECT source, failures, blocked_until FROM redeem_sources;
SELECT invite_redeem(@c ->> '$.key', NULL, '192.0.2.1');
UPDATE settings SET value = 0 WHERE name = 'redeem_failure_limit';
SELECT invite_redeem(@c ->> '$.key', NULL, '192.0.2.1') ->> '$.invite_id';

-- ---- the source argument ----
SELECT invite_redeem(@b ->> '$.key', NULL, '');
SELECT invite_redeem(@b ->> '$.key', NULL, '10.0.0.1' || char(10) || 'x');
SELECT invite_redeem(@b ->> '$.key', NULL, printf('%.201c', 'a'));
SELECT invite_redeem(@b ->> '$.key', NULL, 42);
SELECT invite_redeem(@b ->> '$.key', NULL, '10.0.0.1' || char(0) || 'x');
-- argument errors are not attempts: nothing counted
SELECT invite_redeem(NULL, NULL, '10.0.0.9');
SELECT invite_redeem(42, NULL, '10.0.0.9');
SELECT invite_redeem(@b ->> '$.key', x'00', '10.0.0.9');
SELECT f FROM fingerprint;
SELECT invite_audit_verify();
-- the counter's query uses the partial index
EXPLAIN QUERY PLAN SELECT at FROM audit_log
 WHERE action = 'invite.redeem_failed' AND subject = 'source:x' AND at > '2027-01-01 00:00:00'
 ORDER BY at DESC LIMIT 1 OFFSET 9;
