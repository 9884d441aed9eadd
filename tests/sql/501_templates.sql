-- Templates: a built-in default per kind, per-business rows, and triggers
-- that refuse unknown macros (naming them), line breaks in subjects, keys
-- in the wrong place, unknown kinds and businesses.
.echo on
.mode list
.nullvalue NULL
SELECT invite_init();
.read _catalog.inc
-- The defaults: one per kind, every macro known.
SELECT kind, quote(business_id), invite_template_check(subject), invite_template_check(body)
  FROM templates ORDER BY kind;
SELECT subject FROM templates WHERE kind = 'session_invite' AND business_id IS NULL;
-- A business's own template.
INSERT INTO templates(business_id, kind, subject, body)
VALUES (1, 'member_invite', 'Join %BUSINESS_NAME%, %FIRST_NAME%', 'Use %SESSION_KEY_URL% by %EXPIRES_AT% (100%% free)');
SELECT business_id, kind, subject FROM templates WHERE business_id IS NOT NULL;
-- Refused when saved, naming the macro and where it is.
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi %FRIST_NAME%', 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi', 'Use %SESSION_KEY_URL% before %EXPIRY%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi', 'Use %SESSION_KEY_URL% now: 50% off');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi', 'Dear %first_name%, %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi' || char(13, 10) || 'Bcc: x@evil.test', 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi' || char(10), 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'About %COMMENTS%', 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Your key %SESSION_KEY%', 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi', 'No link at all');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'expiring_soon', 'Hi', 'Your key: %SESSION_KEY%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'welcome', 'Hi', 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (99, 'member_invite', 'Hi', 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', NULL, 'Use %SESSION_KEY_URL%');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (2, 'member_invite', 'Hi', x'2553455353494f4e5f4b45595f55524c25');
INSERT INTO templates(business_id, kind, subject, body)
VALUES (1, 'member_invite', 'Again', 'Use %SESSION_KEY_URL%');
-- Updates are checked the same way; kind and business stay.
UPDATE templates SET body = 'Use %SESSION_KEY_URL% %NOPE%' WHERE business_id = 1;
UPDATE templates SET subject = 'Line' || char(10) || 'break' WHERE business_id IS NULL AND kind = 'resend';
UPDATE templates SET kind = 'resend' WHERE business_id = 1;
UPDATE templates SET business_id = 2 WHERE business_id = 1;
UPDATE templates SET subject = 'Welcome to %BUSINESS_NAME%' WHERE business_id = 1;
SELECT subject FROM templates WHERE business_id = 1;
-- A default can be reworded but not deleted; a business row can go.
UPDATE templates SET subject = 'Reminder from %BUSINESS_NAME%' WHERE business_id IS NULL AND kind = 'resend';
DELETE FROM templates WHERE business_id IS NULL AND kind = 'resend';
DELETE FROM templates WHERE business_id = 1;
SELECT count(*) FROM templates;
-- invite_init() when current writes nothing: the reworded default stays.
SELECT invite_init();
SELECT subject FROM templates WHERE business_id IS NULL AND kind = 'resend';
