-- invite_init() is idempotent, re-creates views and triggers when the
-- embedded SQL changed (the recorded hash differs), keeps the data, and
-- refuses a database written by a newer extension.
.mode list
.nullvalue NULL
SELECT invite_init();
INSERT INTO businesses VALUES (1, 'Acme');
.echo on
-- a build with other SQL (simulated: another hash) re-installs views and triggers
UPDATE invite_meta SET value = 'an older build' WHERE name = 'schema_hash';
DROP VIEW seat_usage;
DROP TRIGGER members_seats_insert;
SELECT invite_init();
SELECT count(*) FROM sqlite_schema WHERE name IN ('seat_usage', 'members_seats_insert');
SELECT value <> 'an older build' FROM invite_meta WHERE name = 'schema_hash';
SELECT name FROM businesses;
-- when nothing changed, nothing is written
WITH before AS MATERIALIZED (SELECT total_changes() AS n)
SELECT invite_init(), total_changes() - n AS rows_written FROM before;
-- a database from a newer extension is refused, untouched
-- (schema_version changes only with invite_init(): a newer build is
-- played by a client that drops that rule first)
UPDATE invite_meta SET value = 99 WHERE name = 'schema_version';
DROP TRIGGER invite_meta_guard_version_update;
UPDATE invite_meta SET value = 99 WHERE name = 'schema_version';
SELECT invite_init();
SELECT value FROM invite_meta WHERE name = 'schema_version';
-- the version row stays: the clock view reads its one row from it
DELETE FROM invite_meta WHERE name = 'schema_version';
SELECT count(*) FROM invite_now;
