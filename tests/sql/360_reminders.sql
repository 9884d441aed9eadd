-- Reminders (issue 16): invite_notify_pending() queues one 'reminder' per
-- pending member or guest invite, reminder_days_before days (default 2)
-- before its key expires, once per key period; never for a revoked or
-- redeemed invite, never right after the invitation, never for a session
-- key; the law of invite_reminders for plain SQL.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
CREATE TEMP VIEW fp AS
SELECT (SELECT count(*) FROM outbox) || ' emails, '
    || (SELECT count(*) FROM invite_reminders) || ' reminders, '
    || (SELECT count(*) FROM settings) || ' settings' AS f;
.echo on
SELECT name, value FROM invite_setting_defs WHERE name = 'reminder_days_before';
-- 1 Ann (member, 7 days), 2 Zoe (member), 3 Gus (guest), 4 Rex (revoked),
-- 5 Red (redeemed), 6 a session key with an address, 7 Dee (declined)
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee"}') ->> '$.id';
SELECT invite_create(4, 2, 4, 1) ->> '$.id';
SELECT guest_invite('gus@partner.com', 1, 1) ->> '$[0].id';
SELECT invite_create('rex@example.com', 2, 4, 1, '{"first_name":"Rex","last_name":"Roe"}') ->> '$.id';
SELECT invite_redeem(invite_create('red@example.com', 2, 4, 1, '{"first_name":"Red","last_name":"Fox"}') ->> '$.key', 'red@example.com') ->> '$.kind';
SELECT session_invite(1, 2, 1, 'Dana', '{"email":"dana@vendor.com"}') ->> '$.id';
SELECT invite_revoke(4);
-- 7 Dee declines
.echo off
.once keys.sql
SELECT '.parameter set @dee ' || quote(invite_create('dee@example.com', 2, 4, 1, '{"first_name":"Dee","last_name":"Day"}'));
.read keys.sql
.echo on
SELECT invite_decline(@dee ->> '$.key') ->> '$.state';
-- too early: nothing due
SELECT invite_notify_pending();
SELECT invite_clock('2027-01-06 09:00:00');
SELECT invite_id, email, expires_at, days_left FROM invite_reminders_due ORDER BY invite_id;
SELECT invite_clock('2027-01-06 11:00:00');
SELECT invite_id, email, expires_at, days_left FROM invite_reminders_due ORDER BY invite_id;
SELECT invite_notify_pending();
SELECT invite_notify_pending();
SELECT invite_id, expires_at, sent_at FROM invite_reminders ORDER BY id;
SELECT o.invite_id, o.recipient, o.recipient_name, o.subject, o.secret FROM outbox o WHERE kind = 'reminder' ORDER BY id;
SELECT body FROM outbox WHERE kind = 'reminder' AND invite_id = 1;
-- the reminder shows no key and no link
SELECT count(*) FROM outbox WHERE kind = 'reminder' AND (body LIKE '%key=%' OR body LIKE '%http%');
-- never the declined one
SELECT count(*) FROM invite_reminders WHERE invite_id = 7;
-- a day later: still nothing twice
SELECT invite_clock('2027-01-07 11:00:00');
SELECT invite_notify_pending();
-- a resend starts a new key period, which gets its own reminder when due
SELECT invite_resend(1) ->> '$.expires_at';
SELECT invite_notify_pending();
SELECT invite_clock('2027-01-12 11:00:00');
SELECT invite_notify_pending(), invite_notify_pending();
SELECT invite_id, expires_at, sent_at FROM invite_reminders ORDER BY id;
-- a later invite of the same business
SELECT invite_clock('2027-01-13 10:00:00');
SELECT invite_create('kim@example.com', 2, 4, 1, '{"first_name":"Kim","last_name":"Ko"}') ->> '$.id';
SELECT invite_clock('2027-01-18 12:00:00');
SELECT invite_id FROM invite_reminders_due;
-- a business with reminders off, one with a longer lead
INSERT INTO settings VALUES (1, 'reminder_days_before', 0);
SELECT count(*) FROM invite_reminders_due;
SELECT invite_notify_pending();
UPDATE settings SET value = 6 WHERE business_id = 1 AND name = 'reminder_days_before';
SELECT invite_id, days_left FROM invite_reminders_due;
-- an invite whose key lives less than the lead is never reminded just
-- after it was sent
INSERT INTO settings VALUES (1, 'invite_days', 3);
SELECT invite_create('lou@example.com', 2, 4, 1, '{"first_name":"Lou","last_name":"Li"}') ->> '$.id';
SELECT invite_id FROM invite_reminders_due ORDER BY invite_id;
SELECT invite_notify_pending();

-- ---- refusals ----
SELECT f FROM fp;
INSERT INTO settings VALUES (NULL, 'reminder_days_before', -1);
INSERT INTO settings VALUES (NULL, 'reminder_days_before', 366);
INSERT INTO settings VALUES (NULL, 'reminder_days_before', '2');
INSERT INTO settings VALUES (NULL, 'reminder_days_before', 1.5);
UPDATE settings SET value = NULL WHERE name = 'reminder_days_before';
-- plain SQL cannot fake, repeat, move or remove a reminder
INSERT INTO invite_reminders(invite_id, expires_at, sent_at) VALUES (1, '2027-01-15 11:00:00', '2027-01-18 12:00:00');
INSERT INTO invite_reminders(invite_id, expires_at, sent_at) VALUES (4, '2027-01-08 10:00:00', '2027-01-18 12:00:00');
INSERT INTO invite_reminders(invite_id, expires_at, sent_at) VALUES (5, '2027-01-08 10:00:00', '2027-01-18 12:00:00');
INSERT INTO invite_reminders(invite_id, expires_at, sent_at) VALUES (9, (SELECT expires_at FROM invites WHERE id = 9), '2027-01-01 00:00:00');
INSERT OR REPLACE INTO invite_reminders(invite_id, expires_at, sent_at) VALUES (2, '2027-01-08 10:00:00', '2027-01-18 12:00:00');
INSERT OR IGNORE INTO invite_reminders(id, invite_id, expires_at, sent_at) VALUES (1, 9, (SELECT expires_at FROM invites WHERE id = 9), '2027-01-18 12:00:00');
UPDATE invite_reminders SET expires_at = '2027-01-01 00:00:00';
DELETE FROM invite_reminders;
INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'reminder', 'Hi', 'Use %SESSION_KEY%');
CREATE TEMP TABLE t(n);
INSERT INTO t SELECT invite_notify_pending();
SELECT f FROM fp;
