-- Retention (issue 16): invite_purge(before) deletes sent and failed
-- emails and ended invites older than `before` (clearing the personal
-- columns of ended invites an access still names), audits the counts, and
-- never touches what is pending, queued or newer; the law keeps every other
-- writer from deleting or rewriting invites.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
-- deletes must hold with foreign keys enforced
PRAGMA foreign_keys = ON;
CREATE TEMP VIEW fp AS
SELECT (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM invites WHERE email IS NULL) || ' without address, '
    || (SELECT count(*) FROM outbox) || ' emails, '
    || (SELECT count(*) FROM invite_old_keys) || ' old keys, '
    || (SELECT count(*) FROM invite_reminders) || ' reminders, '
    || (SELECT count(*) FROM audit_log) || ' audit rows' AS f;
.echo on
-- 1 redeemed member (Ann), 2 revoked (Rex, resent once), 3 expired (Eve,
-- reminded), 4 redeemed guest (Gus), 5 redeemed then the member removed
-- (Moe), 6 declined (Dee), 7 pending (Pat)
SELECT invite_redeem(invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee"}') ->> '$.key', 'ann@example.com') ->> '$.kind';
SELECT invite_create('rex@example.com', 2, 4, 1, '{"first_name":"Rex","last_name":"Roe","comments":"for the audit"}') ->> '$.id';
SELECT invite_resend(2) ->> '$.id';
SELECT invite_revoke(2);
SELECT invite_create('eve@example.com', 2, 4, 1, '{"first_name":"Eve","last_name":"Ash"}') ->> '$.id';
SELECT invite_redeem((guest_invite('gus@partner.com', 1, 1) ->> '$[0].key')) ->> '$.kind';
SELECT invite_redeem(invite_create('moe@example.com', 2, 4, 1, '{"first_name":"Moe","last_name":"Mo"}') ->> '$.key', 'moe@example.com') ->> '$.kind';
DELETE FROM members WHERE invite_id = 5;
-- 7 declined, with a reason
.echo off
.once keys.sql
SELECT '.parameter set @dee ' || quote(invite_create('dee@example.com', 2, 4, 1, '{"first_name":"Dee","last_name":"Day"}'));
.read keys.sql
.echo on
SELECT invite_decline(@dee ->> '$.key', 'I work elsewhere now') ->> '$.state';
-- the outbox: two sent, one failed, the rest queued
UPDATE outbox SET status = 'sent', sent_at = '2027-01-01 10:00:00' WHERE invite_id IN (1, 4);
UPDATE outbox SET status = 'failed', last_error = '550 no such user' WHERE invite_id = 3;
SELECT invite_clock('2027-01-06 11:00:00');
SELECT invite_notify_pending();
SELECT invite_clock('2027-01-10 10:00:00');
SELECT invite_create('pat@example.com', 2, 4, 1, '{"first_name":"Pat","last_name":"Po"}') ->> '$.id';
SELECT o.id, o.invite_id, o.kind, o.status FROM outbox o ORDER BY id;
SELECT invite_id, kind, state, ended_at, referenced FROM invite_ended ORDER BY invite_id;

-- nothing ended before the first day: nothing to do (but the run is audited)
SELECT invite_purge('2027-01-01 10:00:00');
SELECT f FROM fp;
-- everything that ended before now
SELECT invite_purge('2027-01-10 10:00:00');
SELECT f FROM fp;
SELECT id, kind, email, first_name, last_name, comments, redeemed_at, revoked_at FROM invites ORDER BY id;
SELECT id, invite_id, kind, status FROM outbox ORDER BY id;
-- what stays: the queued emails (and the invites they name, cleared)
SELECT action, subject, detail FROM audit_log ORDER BY id DESC LIMIT 2;
-- a second run finds nothing more
SELECT invite_purge('2027-01-10 10:00:00');
-- the memberships and the guest access are intact, the chain verifies
SELECT count(*) FROM members WHERE invite_id = 1;
SELECT count(*) FROM guests WHERE invite_id = 4;
SELECT invite_audit_verify();
-- the pending invite is untouched
SELECT invite_id, state, email FROM invite_status ORDER BY invite_id;
SELECT count(*) FROM pragma_foreign_key_check;

-- ---- refusals ----
SELECT invite_resend(7) ->> '$.id';
SELECT f FROM fp;
SELECT invite_purge(NULL);
SELECT invite_purge(20270101);
SELECT invite_purge('2027-01-10');
SELECT invite_purge('yesterday');
SELECT invite_purge('2027-01-10 10:00:01');
CREATE TEMP TABLE t(n);
INSERT INTO t SELECT invite_purge('2027-01-10 10:00:00');
-- plain SQL still cannot delete or rewrite an invite, or its old keys
DELETE FROM invites WHERE id = 1;
UPDATE invites SET email = NULL WHERE id = 7;
UPDATE invites SET comments = 'x' WHERE id = 1;
DELETE FROM invite_old_keys;
DELETE FROM invite_reminders;
INSERT OR REPLACE INTO invites SELECT * FROM invites WHERE id = 1;
SELECT invite_erasing();
SELECT f FROM fp;
