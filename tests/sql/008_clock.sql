-- The clock: one kept row of invite_meta that the view invite_now reads.
-- invite_clock(ts) pins it, invite_clock(NULL) releases it (value NULL);
-- every change is audited; plain SQL cannot delete or rename the row.
.mode list
.nullvalue NULL
SELECT invite_init();
.echo on
SELECT name, value FROM invite_meta WHERE name = 'clock';
SELECT abs(julianday(now) - julianday('now')) < 0.0001 FROM invite_now;
SELECT invite_clock('2027-01-01 10:00:00');
SELECT now FROM invite_now;
SELECT invite_clock('2027-01-02 10:00:00');
SELECT invite_clock(NULL) IS NOT NULL;
SELECT name, value FROM invite_meta WHERE name = 'clock';
SELECT action, subject, detail FROM audit_trail;
-- the row is kept, under its name (and so is schema_version)
DELETE FROM invite_meta WHERE name = 'clock';
UPDATE invite_meta SET name = 'time' WHERE name = 'clock';
DELETE FROM invite_meta WHERE name = 'schema_version';
UPDATE invite_meta SET name = 'version' WHERE name = 'schema_version';
SELECT count(*) FROM invite_now;
-- plain SQL pins and releases it too, audited the same way
UPDATE invite_meta SET value = '2027-03-01 00:00:00' WHERE name = 'clock';
SELECT now FROM invite_now;
UPDATE invite_meta SET value = NULL WHERE name = 'clock';
SELECT action, detail FROM audit_trail ORDER BY id DESC LIMIT 2;
-- a database from a build that deleted the row to release the clock gets
-- it back from invite_init()
DROP TRIGGER invite_meta_keep_version;
DELETE FROM invite_meta WHERE name = 'clock';
SELECT count(*) FROM invite_now;
UPDATE invite_meta SET value = 'an older build' WHERE name = 'schema_hash';
SELECT invite_init();
SELECT count(*) FROM invite_now;
DELETE FROM invite_meta WHERE name = 'clock';
SELECT invite_audit_verify();
