-- The event feed (issue 16): invite_events(after) and the invite_event_feed
-- view, every kind of event, expiry recorded exactly once (by the sweep
-- invite_note_expired() and, for a revived invite, by the resend itself),
-- and the law of invite_expirations for plain SQL.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
CREATE TEMP VIEW fp AS
SELECT (SELECT count(*) FROM audit_log) || ' audit rows, '
    || (SELECT count(*) FROM invite_expirations) || ' expiries, '
    || (SELECT count(*) FROM invites) || ' invites' AS f;
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(invite_create('ann@example.com', 1, 1, 1, '{"first_name":"Ann","last_name":"Lee"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @b ' || quote(invite_create(4, 2, 4, 1));
.read keys.sql
.once keys.sql
SELECT '.parameter set @g ' || quote(guest_invite('gus@partner.com, gil@partner.com, rex@partner.com', 1, 1, '{"days":30}'));
.read keys.sql
.echo on
-- cursor 0: everything so far (invite events only; other audit rows are not events)
SELECT id, at, event, invite_id, user_id, business_id, detail ->> '$.kind' FROM invite_events(0);
SELECT invite_redeem(@a ->> '$.key', 'ann@example.com') ->> '$.user_id';
SELECT invite_revoke(2);
SELECT invite_redeem(@g ->> '$[0].key') ->> '$.guest_id', invite_redeem(@g ->> '$[1].key') ->> '$.guest_id',
       invite_redeem(@g ->> '$[2].key') ->> '$.guest_id';
-- a consumer resumes after the last id it handled: nothing is repeated
SELECT max(id) FROM invite_events(0) WHERE event = 'created';
SELECT id, event, invite_id, user_id, business_id FROM invite_events(8);
-- the view gives the same rows to a client without the extension
SELECT count(*) = (SELECT count(*) FROM invite_events(0)) FROM invite_event_feed;
SELECT count(*) FROM invite_events(0) a JOIN invite_event_feed b USING (id, at, event, invite_id, user_id, business_id, detail);
-- omitted after: every event
SELECT count(*) = (SELECT count(*) FROM invite_events(0)) FROM invite_events;

-- ---- guests: renewed, left, removed, expired ----
SELECT invite_clock('2027-01-20 10:00:00');
SELECT guest_renew(1);
SELECT guest_leave((SELECT user_id FROM guests WHERE id = 1), 1);
SELECT guest_remove(3);
SELECT invite_clock('2027-02-25 10:00:00');
SELECT expires_at FROM guests WHERE id = 2;

-- ---- expiry: a time, not a row change; recorded once per expiry ----
.echo off
.once keys.sql
SELECT '.parameter set @c ' || quote(invite_create('cy@example.com', 2, 4, 1, '{"first_name":"Cy","last_name":"Low"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @d ' || quote(invite_create('di@example.com', 2, 4, 1, '{"first_name":"Di","last_name":"Ng"}'));
.read keys.sql
.echo on
SELECT invite_clock('2027-03-05 10:00:00');
SELECT kind, ref_id, expires_at FROM invite_expired_unnoted ORDER BY kind, ref_id;
-- Cy's invite expired on 03-04 and is resent before anyone swept: the
-- resend records the expiry it ends, then the resend
SELECT invite_resend((SELECT id FROM invites WHERE email = 'cy@example.com')) ->> '$.expires_at';
SELECT id, at, event, invite_id, detail FROM invite_events((SELECT max(id) - 2 FROM audit_log));
-- the sweep records the others, once
SELECT invite_note_expired();
SELECT invite_note_expired();
SELECT kind, ref_id, expires_at, noted_at FROM invite_expirations ORDER BY id;
SELECT id, event, invite_id, user_id, business_id, detail FROM invite_events((SELECT max(id) - 2 FROM audit_log));
-- Cy's new period expires too: its own event, once
SELECT invite_clock('2027-03-12 10:00:00');
SELECT invite_note_expired();
SELECT invite_note_expired();
SELECT kind, ref_id, expires_at FROM invite_expirations ORDER BY id;
-- a revoked-before-expiry and a redeemed invite never expire
SELECT count(*) FROM invite_expirations WHERE kind = 'invite' AND ref_id IN (1, 2);

-- ---- declined: an event, and a declined invite never expires ----
.echo off
.once keys.sql
SELECT '.parameter set @n ' || quote(invite_create('nia@example.com', 2, 4, 1, '{"first_name":"Nia","last_name":"No"}'));
.read keys.sql
.echo on
SELECT invite_decline(@n ->> '$.key', 'not for me') ->> '$.state';
SELECT event, invite_id, business_id, detail FROM invite_events((SELECT max(id) - 1 FROM audit_log));
SELECT invite_clock('2027-03-30 10:00:00');
SELECT invite_note_expired();
SELECT count(*) FROM invite_expirations WHERE ref_id = (SELECT id FROM invites WHERE declined_at IS NOT NULL);
SELECT invite_clock('2027-03-12 10:00:00');

-- ---- externals logged out ----
SELECT session_join(1, 3);
SELECT invite_redeem(session_invite(1, 2, 1, 'Dana') ->> '$.key') ->> '$.session_member_id';
SELECT session_leave(1, 2);
SELECT session_leave(1, 3);
SELECT event, invite_id, business_id, detail ->> '$.reason' FROM invite_events((SELECT max(id) - 1 FROM audit_log));

-- ---- every event kind ----
SELECT event, count(*) FROM invite_events(0) GROUP BY event ORDER BY event;
SELECT invite_audit_verify();

-- ---- refusals ----
SELECT f FROM fp;
SELECT * FROM invite_events('5');
SELECT * FROM invite_events(NULL);
SELECT * FROM invite_events(-1);
SELECT * FROM invite_events(1.5);
-- plain SQL cannot invent, repeat, move or remove an expiry
INSERT INTO invite_expirations(kind, ref_id, expires_at, noted_at) VALUES ('member', 1, '2027-01-08 10:00:00', '2027-03-12 10:00:00');
INSERT INTO invite_expirations(kind, ref_id, expires_at, noted_at) VALUES ('invite', 1, '2027-01-08 10:00:00', '2027-03-12 10:00:00');
INSERT INTO invite_expirations(kind, ref_id, expires_at, noted_at) VALUES ('invite', 2, '2027-01-08 10:00:00', '2027-03-12 10:00:00');
INSERT INTO invite_expirations(kind, ref_id, expires_at, noted_at) VALUES ('invite', 7, '2027-03-19 10:00:00', '2027-03-12 10:00:00');
INSERT INTO invite_expirations(kind, ref_id, expires_at, noted_at) VALUES ('guest', 1, (SELECT expires_at FROM guests WHERE id = 1), '2027-03-12 10:00:00');
INSERT INTO invite_expirations(kind, ref_id, expires_at, noted_at) VALUES ('invite', 6, '2027-03-04 10:00:00', '2027-01-01 00:00:00');
INSERT OR REPLACE INTO invite_expirations(kind, ref_id, expires_at, noted_at) VALUES ('guest', 2, '2027-01-31 10:00:00', '2027-03-12 10:00:00');
INSERT OR IGNORE INTO invite_expirations(id, kind, ref_id, expires_at, noted_at) VALUES (1, 'invite', 9, '2027-03-04 10:00:00', '2027-03-12 10:00:00');
UPDATE invite_expirations SET expires_at = '2027-03-01 00:00:00' WHERE id = 1;
DELETE FROM invite_expirations;
SELECT f FROM fp;
-- a verb inside a writing statement is refused (it could not be atomic)
CREATE TEMP TABLE t(n);
INSERT INTO t SELECT invite_note_expired();
SELECT f FROM fp;
