-- Plain DML into our tables: invalid UTF-8 or NUL refused naming the
-- column (sql/text.sql); the application's tables refuse a NUL.
.mode list
.nullvalue NULL
SELECT invite_init() > 0;
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee"}') IS NOT NULL;
.echo on
UPDATE invites SET comments = CAST(x'6869ff' AS TEXT) WHERE id = 1;
UPDATE invites SET first_name = 'A' || char(0) || 'nn' WHERE id = 1;
UPDATE invites SET display_name = CAST(x'c0af' AS TEXT) WHERE id = 1;
INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'member_invite', CAST(x'48e9' AS TEXT), 'b %INVITE_URL%');
UPDATE outbox SET subject = CAST(x'ff' AS TEXT) WHERE id = 1;
SELECT count(*) FROM outbox WHERE subject = CAST(x'ff' AS TEXT);
INSERT INTO users(email, first_name, last_name) VALUES ('nul@example.com', 'N' || char(0) || 'ul', 'X');
UPDATE businesses SET name = 'Acme' || char(0) WHERE id = 1;
-- invalid UTF-8 in an application table is not refused by plain SQL (sql/README.md "Text")
INSERT INTO users(email, first_name, last_name) VALUES ('bad@example.com', CAST(x'ff' AS TEXT), 'X');
SELECT invite_create('bad@example.com', 2, 4, 1) IS NOT NULL;
SELECT hex(first_name) FROM invites ORDER BY id;
-- valid text passes
INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'member_invite', 'Caf' || char(233), 'b %SESSION_KEY_URL%');
SELECT subject FROM templates WHERE business_id = 1;
SELECT invite_text_problem('t', 'a', 'ok', 'b', 42, 'c', CAST(x'41ff' AS TEXT));
SELECT invite_text_problem('t', 'a', 'ok') IS NULL;
