-- The outbox: invite_create and invite_resend queue exactly one rendered
-- email each, in their own transaction; a refused verb queues nothing; the
-- key leaves the stored body when the email is sent (or given up); the
-- life cycle holds for plain UPDATEs.
.echo on
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 00:00:00');
.read _catalog.inc
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Globex: %FIRST_NAME%, join %APP_NAME%', 'Key link: %SESSION_KEY_URL%
Role %ROLE_NAME%, by %INVITER_NAME%, until %EXPIRES_AT% (%DAYS_LEFT% days). 100%% yours, %EMAIL%.');
INSERT INTO account_managers VALUES (2, 1);
-- A new person: the default template, with every macro filled in.
SELECT json_extract(invite_create('ann@example.com', 2, 4, 1,
  '{"first_name":"Zoë","last_name":"Ørsted","comments":"See you Monday."}'), '$.id');
-- An existing user, with the business's own template.
SELECT json_extract(invite_create(4, 3, 1, 1, '{"days":3}'), '$.id');
.mode line
SELECT id, kind, invite_id, business_id, recipient, recipient_name, subject,
       replace(body, secret, '<KEY>') AS body,
       message_id GLOB '<[0-9a-f]*@invite.local>' AS message_id_ok, length(secret) AS secret_len,
       status, attempts, next_attempt_at, quote(last_error) AS last_error, created_at, quote(sent_at) AS sent_at
  FROM outbox ORDER BY id;
.mode list
-- The stored secret is the invite's live key, shown in the body inside the link.
SELECT id, json_extract(invite_peek(secret), '$.invite_id') = invite_id,
       instr(body, 'accept?key=' || secret) > 0 FROM outbox ORDER BY id;
SELECT count(DISTINCT message_id) FROM outbox;
SELECT id, recipient FROM outbox_pending;
-- A refused create queues nothing.
SELECT invite_create('ann@example.com', 2, 4, 1);
SELECT invite_create('nobody@example.com', 1, 1, 3, '{"first_name":"N","last_name":"B"}');
SELECT count(*) FROM outbox;
-- The email is part of the verb: when it cannot be queued, no invite either.
INSERT INTO settings VALUES (1, 'mail_domain', 'not a domain');
SELECT invite_create('cy@example.com', 2, 4, 1, '{"first_name":"Cy","last_name":"Ng"}');
SELECT count(*) FROM invites WHERE email = 'cy@example.com';
SELECT count(*) FROM outbox;
DELETE FROM settings WHERE name = 'mail_domain';
INSERT INTO settings VALUES (1, 'mail_domain', 'mail.acme.com');
SELECT json_extract(invite_create('cy@example.com', 2, 4, 1, '{"first_name":"Cy","last_name":"Ng"}'), '$.id');
SELECT message_id GLOB '<*@mail.acme.com>' FROM outbox WHERE recipient = 'cy@example.com';
-- Inside the caller's transaction, a rollback takes the email away too.
BEGIN;
SELECT json_extract(invite_create('dee@example.com', 2, 4, 1, '{"first_name":"Dee","last_name":"Li"}'), '$.id');
SELECT count(*) FROM outbox WHERE recipient = 'dee@example.com';
ROLLBACK;
SELECT count(*) FROM outbox WHERE recipient = 'dee@example.com';
-- invite_resend queues one 'resend' email with the new key.
SELECT invite_clock('2027-01-02 00:00:00');
SELECT json_extract(invite_resend(1), '$.id');
SELECT id, kind, invite_id, recipient, subject, created_at FROM outbox WHERE invite_id = 1 ORDER BY id;
SELECT json_extract(invite_peek(secret), '$.invite_id') FROM outbox WHERE invite_id = 1 AND kind = 'resend';
-- the first email of a resent invite is given up (its key no longer works) and scrubbed
SELECT status, last_error, quote(secret), instr(body, '[key removed]') > 0 FROM outbox WHERE invite_id = 1 AND kind = 'member_invite';
SELECT replace(body, secret, '<KEY>') FROM outbox WHERE invite_id = 1 AND kind = 'resend';
SELECT invite_revoke(1);
SELECT invite_resend(1);
SELECT count(*) FROM outbox WHERE invite_id = 1;
-- ---- the life cycle, with plain SQL (what tools/invite-mail does) ----
UPDATE outbox SET status = 'sent' WHERE id = 2;
UPDATE outbox SET status = 'sent', sent_at = 'yesterday' WHERE id = 2;
UPDATE outbox SET status = 'delivered' WHERE id = 2;
UPDATE outbox SET body = 'changed' WHERE id = 2;
UPDATE outbox SET secret = NULL WHERE id = 2;
UPDATE outbox SET recipient = 'evil@example.com' WHERE id = 2;
UPDATE outbox SET attempts = attempts + 1, last_error = 'smtp 451: later',
       next_attempt_at = '2027-01-02 00:01:00' WHERE id = 2;
UPDATE outbox SET attempts = 0 WHERE id = 2;
SELECT id FROM outbox_pending ORDER BY id;
-- Marked sent in one UPDATE: the key is scrubbed in the same statement.
UPDATE outbox SET status = 'sent', sent_at = (SELECT now FROM invite_now),
       attempts = attempts + 1, last_error = NULL WHERE id = 2;
SELECT status, attempts, quote(secret), sent_at, instr(body, '[key removed]') > 0,
       body LIKE '%accept?key=[key removed]%' FROM outbox WHERE id = 2;
UPDATE outbox SET status = 'queued', sent_at = NULL WHERE id = 2;
UPDATE outbox SET last_error = 'x' WHERE id = 2;
-- Given up: scrubbed too, and final.
UPDATE outbox SET status = 'failed', attempts = 8, last_error = 'smtp 550: no such user' WHERE id = 3;
SELECT status, quote(secret), instr(body, '[key removed]') > 0 FROM outbox WHERE id = 3;
UPDATE outbox SET status = 'queued' WHERE id = 3;
-- Inserts: queued, no line breaks in headers, a well-formed Message-ID.
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at)
VALUES ('member_invite', 'a@example.com', 'Hi' || char(13, 10) || 'Bcc: x@evil.test', 'b', '<1@x>', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at)
VALUES ('member_invite', 'a@example.com' || char(10) || 'Bcc: x@evil.test', 'Hi', 'b', '<1@x>', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, recipient_name, subject, body, message_id, next_attempt_at, created_at)
VALUES ('member_invite', 'a@example.com', 'A' || char(13) || 'B', 'Hi', 'b', '<1@x>', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at)
VALUES ('member_invite', 'Ann <a@example.com>', 'Hi', 'b', '<1@x>', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at)
VALUES ('member_invite', 'a@example.com', 'Hi', 'b', '1@x', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, subject, body, message_id, status, sent_at, next_attempt_at, created_at)
VALUES ('member_invite', 'a@example.com', 'Hi', 'b', '<1@x>', 'sent', '2027-01-02 00:00:00', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, subject, body, message_id, secret, next_attempt_at, created_at)
VALUES ('member_invite', 'a@example.com', 'Hi', 'b', '<1@x>', 'KEY', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at)
VALUES ('newsletter', 'a@example.com', 'Hi', 'b', '<1@x>', '2027-01-02 00:00:00', '2027-01-02 00:00:00');
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at)
VALUES ('member_invite', 'a@example.com', 'Hi', 'b', '<1@x>', 'soon', '2027-01-02 00:00:00');
SELECT count(*) FROM outbox;
