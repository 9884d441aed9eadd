-- Plain DML into text columns (the "-- text:" lines of sql/): invalid UTF-8 or NUL is refused
-- naming the table and column, by every write path; nothing is written.
-- Extension tables use invite_text_problem(); the catalog's plain-SQL check
-- refuses NUL and bytes that never occur in UTF-8.
.mode list
.nullvalue NULL
SELECT invite_init() > 0;
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.echo on
SELECT invite_text_problem('Zoë');
SELECT invite_text_problem(CAST(x'61ff' AS TEXT));
SELECT invite_text_problem(CAST(x'610062' AS TEXT));
SELECT invite_text_problem(CAST(x'eda080' AS TEXT));
SELECT invite_text_problem(42), invite_text_problem(NULL), invite_text_problem(x'ff');
SELECT invite_create(4, 1, 1, 1, '{"comments":"fine"}') ->> '$.id';
-- extension tables: insert and update, each path
UPDATE invites SET comments = CAST(x'6f6bff' AS TEXT) WHERE id = 1;
UPDATE invites SET comments = CAST(x'6f6b006576696c' AS TEXT) WHERE id = 1;
UPDATE OR IGNORE invites SET first_name = CAST(x'c0af' AS TEXT) WHERE id = 1;
UPDATE OR REPLACE invites SET display_name = CAST(x'80' AS TEXT) WHERE id = 1;
SELECT comments, first_name, display_name FROM invites WHERE id = 1;
INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'member_invite', CAST(x'4869ff' AS TEXT), '%SESSION_KEY_URL%');
INSERT OR IGNORE INTO templates(business_id, kind, subject, body) VALUES (1, 'member_invite', 'Hi', CAST(x'2553455353494f4e5f4b45595f55524c2500' AS TEXT));
SELECT count(*) FROM templates WHERE business_id = 1 AND kind = 'member_invite';
-- the application's catalog: plain SQL
INSERT INTO users(email, first_name, last_name) VALUES ('new@acme.com', CAST(x'416e6e00' AS TEXT), 'Lee');
INSERT INTO users(email, first_name, last_name) VALUES ('new@acme.com', 'Ann', CAST(x'4cff' AS TEXT));
UPDATE users SET first_name = CAST(x'5a6f65c1' AS TEXT) WHERE id = 4;
INSERT INTO businesses VALUES (9, CAST(x'41636d65f8' AS TEXT));
UPDATE businesses SET name = CAST(x'00' AS TEXT) WHERE id = 1;
SELECT count(*) FROM users WHERE email = 'new@acme.com';
SELECT first_name FROM users WHERE id = 4;
SELECT name FROM businesses ORDER BY id;
-- valid text of every kind still goes in
UPDATE users SET first_name = 'Zoë 😀' WHERE id = 4;
SELECT first_name FROM users WHERE id = 4;
-- the outbox: an insert needs the extension (invite_text_problem, every bad byte);
-- an update is plain SQL (the mailer writes last_error without the extension)
INSERT INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at) VALUES ('member_invite', 'x@example.com', CAST(x'486980' AS TEXT), 'b', '<t1@x>', '2027-01-01 10:00:00', '2027-01-01 10:00:00');
INSERT OR IGNORE INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at) VALUES ('member_invite', CAST(x'7840ff2e6964' AS TEXT), 'Hi', 'b', '<t2@x>', '2027-01-01 10:00:00', '2027-01-01 10:00:00');
INSERT OR REPLACE INTO outbox(kind, recipient, subject, body, message_id, next_attempt_at, created_at) VALUES ('member_invite', 'x@example.com', 'Hi', CAST(x'6200' AS TEXT), '<t3@x>', '2027-01-01 10:00:00', '2027-01-01 10:00:00');
SELECT count(*) FROM outbox WHERE message_id IN ('<t1@x>', '<t2@x>', '<t3@x>');
UPDATE outbox SET last_error = CAST(x'35353020ff' AS TEXT) WHERE id = (SELECT max(id) FROM outbox);
SELECT count(*) FROM outbox WHERE last_error IS NOT NULL;
