-- The inviter told of an acceptance (issue 16): template kind 'accepted',
-- queued on any redemption (verb or plain SQL) when the business's
-- notify_inviter_on_accept is 1 (default 0); the setting and the template
-- kind are checked by the law.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
CREATE TEMP VIEW fp AS
SELECT (SELECT count(*) FROM outbox) || ' emails, '
    || (SELECT count(*) FROM settings) || ' settings, '
    || (SELECT count(*) FROM templates) || ' templates, '
    || (SELECT count(*) FROM invites WHERE redeemed_at IS NOT NULL) || ' redeemed' AS f;
.echo on
SELECT name, value FROM invite_setting_defs WHERE name = 'notify_inviter_on_accept';
SELECT kind, subject FROM templates WHERE kind = 'accepted';
-- off by default: a redemption queues nothing for the inviter
SELECT invite_redeem(invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee"}') ->> '$.key', 'ann@example.com') ->> '$.kind';
SELECT count(*) FROM outbox WHERE kind = 'accepted';

-- ---- on for Acme ----
INSERT INTO settings VALUES (1, 'notify_inviter_on_accept', 1);
SELECT invite_redeem(invite_create(4, 2, 4, 1) ->> '$.key') ->> '$.kind';
SELECT invite_redeem((guest_invite('gus@partner.com', 1, 1) ->> '$[0].key')) ->> '$.kind';
SELECT invite_redeem(session_invite(1, 2, 3, 'Dana Vendor', '{"email":"dana@vendor.com","comments":"ticket 42"}') ->> '$.key') ->> '$.kind';
SELECT id, kind, invite_id, business_id, recipient, recipient_name, subject, status, secret FROM outbox WHERE kind = 'accepted' ORDER BY id;
SELECT body FROM outbox WHERE kind = 'accepted' ORDER BY id;
-- one email per redemption, to the inviter, never to the invitee
SELECT count(*) FROM outbox o JOIN invites i ON i.id = o.invite_id
 WHERE o.kind = 'accepted' AND o.recipient <> (SELECT email FROM users WHERE id = i.inviter_id);
-- a redemption written as plain SQL tells the inviter too
INSERT INTO users(id, email, first_name, last_name) VALUES (30, 'pia@example.com', 'Pia', 'Plain');
SELECT invite_create(30, 1, 1, 2) ->> '$.id';
UPDATE invites SET redeemed_at = '2027-01-01 10:00:00', redeemed_by = 30 WHERE user_id = 30;
SELECT recipient, subject FROM outbox WHERE kind = 'accepted' ORDER BY id DESC LIMIT 1;
-- another business keeps the default (0)
INSERT INTO account_managers VALUES (2, 1);
SELECT invite_redeem(invite_create('gia@example.com', 3, 1, 1, '{"first_name":"Gia","last_name":"Ray"}') ->> '$.key', 'gia@example.com') ->> '$.kind';
SELECT count(*) FROM outbox WHERE kind = 'accepted' AND business_id = 2;
-- a business's own wording
INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'accepted', '%USER_NAME% is in', '%USER_NAME% joined %BUSINESS_NAME%.');
SELECT invite_redeem((guest_invite('gil@partner.com', 1, 1) ->> '$[0].key')) ->> '$.kind';
SELECT subject, body FROM outbox WHERE kind = 'accepted' ORDER BY id DESC LIMIT 1;

-- ---- refusals ----
SELECT f FROM fp;
INSERT INTO settings VALUES (2, 'notify_inviter_on_accept', 'yes');
INSERT INTO settings VALUES (2, 'notify_inviter_on_accept', 2);
UPDATE settings SET value = '1' WHERE name = 'notify_inviter_on_accept';
INSERT INTO templates(business_id, kind, subject, body) VALUES (2, 'accepted', 'Hi', 'Your key: %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body) VALUES (2, 'acceptance', 'Hi', 'Hello');
INSERT INTO templates(business_id, kind, subject, body) VALUES (2, 'accepted', 'Hi %NAME%', 'Hello');
UPDATE templates SET body = body || '%SESSION_KEY%' WHERE kind = 'accepted' AND business_id IS NULL;
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at)
VALUES ('acceptance', 'a@example.com', 's', 'b', '<x@y.z>', '2027-01-01 10:00:00', '2027-01-01 10:00:00');
SELECT f FROM fp;

-- ---- invite_accepted_notice: at most one accepted email per redeemed invite ----
-- (the trigger hands redemptions to this view; a client may insert too)
SELECT count(*) FROM outbox WHERE kind = 'accepted';
-- already told: nothing more
INSERT INTO invite_accepted_notice VALUES ((SELECT max(invite_id) FROM outbox WHERE kind = 'accepted'));
-- pending, or unknown: nothing
SELECT invite_create('pen@example.com', 2, 4, 1) ->> '$.id';
INSERT INTO invite_accepted_notice VALUES ((SELECT id FROM invites WHERE email = 'pen@example.com'));
INSERT INTO invite_accepted_notice VALUES (9999);
-- redeemed in a business that does not ask (Beta, id 2): nothing
INSERT INTO invite_accepted_notice VALUES ((SELECT id FROM invites WHERE email = 'gia@example.com'));
SELECT count(*) FROM outbox WHERE kind = 'accepted';
-- redeemed while Acme's setting was off, asked for now: one, then no second
INSERT INTO invite_accepted_notice VALUES ((SELECT id FROM invites WHERE email = 'ann@example.com'));
INSERT INTO invite_accepted_notice VALUES ((SELECT id FROM invites WHERE email = 'ann@example.com'));
SELECT recipient, subject FROM outbox WHERE kind = 'accepted' AND invite_id = (SELECT id FROM invites WHERE email = 'ann@example.com');
SELECT count(*) FROM outbox WHERE kind = 'accepted';
