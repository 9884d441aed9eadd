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
-- a database from a build that deleted the row to release the clock (and
-- audited any insert of it as a pin) gets it back from invite_init(),
-- without a false audit event
DROP TRIGGER invite_meta_keep_version;
DROP TRIGGER audit_clock_pinned;
CREATE TRIGGER audit_clock_pinned AFTER INSERT ON invite_meta
WHEN NEW.name = 'clock'
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, 'clock.pinned', 'clock', json_object('from', NULL, 'to', NEW.value));
END;
DELETE FROM invite_meta WHERE name = 'clock';
SELECT count(*) FROM invite_now;
UPDATE invite_meta SET value = 'an older build' WHERE name = 'schema_hash';
SELECT max(id) FROM audit_log;
SELECT invite_init();
SELECT count(*) FROM invite_now;
SELECT max(id) FROM audit_log;
DELETE FROM invite_meta WHERE name = 'clock';
SELECT invite_audit_verify();
