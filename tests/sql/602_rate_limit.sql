-- Invites per inviter per rolling 24 hours (setting
-- invites_per_inviter_per_day, default 100, per business overridable):
-- the trigger refuses, whoever writes; invite_create explains and audits.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
CREATE TEMP VIEW fingerprint AS
SELECT (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM invite_rate) || ' counted, '
    || (SELECT count(*) FROM users) || ' users' AS f;
.echo on
SELECT name, value FROM invite_setting_defs WHERE name = 'invites_per_inviter_per_day';

-- ---- at the default, 100 ----
SELECT count(invite_create(printf('u%03d@example.com', value), 2, 4, 1,
                           '{"first_name":"U","last_name":"Ser"}'))
  FROM generate_series(1, 100);
SELECT f FROM fingerprint;
SELECT invite_create('late@example.com', 2, 4, 1, '{"first_name":"La","last_name":"Te"}');
SELECT f FROM fingerprint;
SELECT actor_id, action, subject, detail FROM audit_trail WHERE action = 'invite.refused';
-- by plain INSERT too, even back-dated (the window follows the clock)
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 1, 'late@example.com', 1, 2, 4, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at)
VALUES ('member', randomblob(32), 1, 'late@example.com', 1, 2, 4, '2026-12-01 10:00:00', '2027-01-08 10:00:00');
-- another inviter is not affected
SELECT invite_create('ed1@example.com', 1, 1, 2, '{"first_name":"Ed","last_name":"One"}') ->> '$.id';
-- rolling: one second before the first invite is 24 hours old, still refused
SELECT invite_clock('2027-01-02 09:59:59');
SELECT invite_create('late@example.com', 2, 4, 1, '{"first_name":"La","last_name":"Te"}');
-- the first of the next day is accepted (all 100 were made at 10:00:00,
-- so they leave the window together)
SELECT invite_clock('2027-01-02 10:00:00');
SELECT invite_create('late@example.com', 2, 4, 1, '{"first_name":"La","last_name":"Te"}') ->> '$.id';
SELECT invite_create('later@example.com', 2, 4, 1, '{"first_name":"La","last_name":"Ter"}') ->> '$.id';
SELECT f FROM fingerprint;

-- ---- a per-business override: 3 for Globex; 0 means no limit ----
INSERT INTO account_managers VALUES (2, 4);
INSERT INTO settings(business_id, name, value) VALUES (2, 'invites_per_inviter_per_day', 3);
SELECT business_id, value FROM invite_settings WHERE name = 'invites_per_inviter_per_day';
SELECT invite_create('g1@example.com', 3, 1, 4, '{"first_name":"G","last_name":"One"}') ->> '$.id';
SELECT invite_revoke(last_insert_rowid());
SELECT invite_create('g2@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Two"}') ->> '$.id';
SELECT invite_revoke(last_insert_rowid());
SELECT invite_create('g3@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Three"}') ->> '$.id';
SELECT invite_revoke(last_insert_rowid());
-- revoked invites still count: the limit is on invites made
SELECT invite_create('g4@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Four"}');
SELECT invite_clock('2027-01-02 22:00:00');
SELECT invite_create('g4@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Four"}');
UPDATE settings SET value = 0 WHERE business_id = 2;
SELECT invite_create('g4@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Four"}') ->> '$.id';
SELECT invite_revoke(last_insert_rowid());
-- back to 3: g1..g3 have left the window at 10:00:00, g4 (22:00) has not
UPDATE settings SET value = 3 WHERE business_id = 2;
SELECT invite_clock('2027-01-03 10:00:00');
SELECT invite_create('g5@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Five"}') ->> '$.id';
SELECT invite_revoke(last_insert_rowid());
SELECT invite_create('g6@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Six"}') ->> '$.id';
SELECT invite_revoke(last_insert_rowid());
SELECT invite_create('g7@example.com', 3, 1, 4, '{"first_name":"G","last_name":"Seven"}');
SELECT f FROM fingerprint;
-- the counter cannot be reset by plain DML
DELETE FROM invite_rate WHERE inviter_id = 1;
UPDATE invite_rate SET at = '2000-01-01 00:00:00';
SELECT inviter_id, count(*), max(seq) FROM invite_rate GROUP BY inviter_id;
SELECT invite_audit_verify();
-- the check is one primary-key lookup, not a count over the window
EXPLAIN QUERY PLAN SELECT 1 FROM invite_rate r
 WHERE r.inviter_id = 1 AND r.seq = (SELECT seq FROM invite_rate WHERE inviter_id = 1 ORDER BY seq DESC LIMIT 1) - 99;
