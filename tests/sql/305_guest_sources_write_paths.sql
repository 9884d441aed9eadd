-- guest_sources through every write path: each change is audited, so no
-- conflict clause may delete a row behind its DELETE trigger (a REPLACE on a
-- taken rowid, an UPDATE OR REPLACE moving a row onto one); seeding with
-- OR IGNORE / DO NOTHING keeps working, and recursive_triggers either way
-- changes nothing.
.mode list
.nullvalue NULL
SELECT invite_init();
.read _catalog.inc
SELECT invite_clock('2027-01-01 10:00:00') IS NOT NULL;
INSERT INTO guest_sources VALUES (1, 'partner.com'), (NULL, 'vendor.com');
CREATE TEMP VIEW sources AS
SELECT (SELECT group_concat(rowid || ':' || ifnull(business_id, 'all') || ':' || domain, ' ')
          FROM (SELECT rowid, * FROM guest_sources ORDER BY rowid)) || ' | '
    || (SELECT count(*) FROM audit_log WHERE action LIKE 'guest_source.%') || ' audited' AS f;
SELECT f FROM sources;
-- a REPLACE on a taken rowid would remove partner.com unaudited: refused
INSERT OR REPLACE INTO guest_sources(rowid, business_id, domain) VALUES (1, 1, 'evil.com');
REPLACE INTO guest_sources(rowid, business_id, domain) VALUES (1, 1, 'evil.com');
PRAGMA recursive_triggers = ON;
INSERT OR REPLACE INTO guest_sources(rowid, business_id, domain) VALUES (1, 1, 'evil.com');
PRAGMA recursive_triggers = OFF;
-- moving a row onto another's rowid, or to a new rowid, is refused
UPDATE OR REPLACE guest_sources SET rowid = 2 WHERE rowid = 1;
UPDATE guest_sources SET rowid = 9 WHERE rowid = 1;
SELECT f FROM sources;
-- seeding twice: OR IGNORE and DO NOTHING keep the row and audit nothing
INSERT OR IGNORE INTO guest_sources VALUES (1, 'partner.com');
INSERT INTO guest_sources VALUES (1, 'partner.com') ON CONFLICT DO NOTHING;
INSERT OR IGNORE INTO guest_sources(rowid, business_id, domain) VALUES (1, 1, 'evil.com');
SELECT f FROM sources;
-- an UPSERT on a taken rowid updates that row, audited as a change
INSERT INTO guest_sources(rowid, business_id, domain) VALUES (1, 1, 'partner.net')
  ON CONFLICT DO UPDATE SET domain = excluded.domain;
SELECT f FROM sources;
UPDATE guest_sources SET domain = 'partner.com' WHERE rowid = 1;
-- a REPLACE of an identical row swaps it for itself: audited as added again
INSERT OR REPLACE INTO guest_sources VALUES (1, 'partner.com');
SELECT f FROM sources;
-- an audited change and removal
UPDATE guest_sources SET domain = 'partner.org' WHERE domain = 'partner.com';
DELETE FROM guest_sources WHERE business_id IS NULL;
SELECT f FROM sources;
SELECT action || ' ' || subject || ' ' || detail FROM audit_log
 WHERE action LIKE 'guest_source.%' ORDER BY id;
SELECT coalesce(invite_audit_verify(), 'ok');
