-- The schema installs into an attached database beside an application's
-- own `users` table, which it leaves alone; verbs then work on it.
.echo on
.mode list
.nullvalue NULL
CREATE TABLE users(id INTEGER PRIMARY KEY, login TEXT);
INSERT INTO users VALUES(1, 'app-user');
ATTACH ':memory:' AS access;
SELECT invite_init('access');
SELECT count(*) FROM access.sqlite_schema WHERE name = 'invites';
SELECT * FROM main.users;
SELECT count(*) FROM main.sqlite_schema WHERE name <> 'users';
SELECT invite_clock('2027-01-01 00:00:00');
SELECT now FROM access.invite_now;
INSERT INTO access.businesses VALUES(1, 'Acme');
INSERT INTO access.apps VALUES(1, 'Ledger');
INSERT INTO access.subscriptions VALUES(1, 1, 1, 'Pro', 5);
INSERT INTO access.roles VALUES(1, 1, 'Viewer', 10, 0);
INSERT INTO access.users(id, email) VALUES(1, 'boss@acme.com');
INSERT INTO access.account_managers VALUES(1, 1);
SELECT json_extract(invite_create('ann@example.com', 1, 1, 1, '{"first_name":"Ann","last_name":"Lee"}'), '$.id');
SELECT invite_id, state, email FROM access.invite_status;
SELECT seat_available(1);
SELECT * FROM main.users;
