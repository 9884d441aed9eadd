-- user_forget (issue 16), in detail: what is erased and what is kept, the
-- pending invite revoked first, the emails of invitations the person sent,
-- a second call, the refusals, and the law that keeps every other writer
-- from blanking rosters, audit details or salts.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
CREATE TEMP VIEW fp AS
SELECT (SELECT count(*) FROM users) || ' users, '
    || (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM invites WHERE email IS NULL) || ' without address, '
    || (SELECT count(*) FROM outbox) || ' emails, '
    || (SELECT count(*) FROM session_members WHERE display_name IS NULL) || ' unnamed roster rows, '
    || (SELECT count(*) FROM audit_log) || ' audit rows, '
    || (SELECT count(*) FROM audit_log WHERE detail IS NULL) || ' erased' AS f;
.echo on
-- Ann: a member (redeemed), a pending guest invite, and she invites Bo
SELECT invite_redeem(invite_create('ann@example.com', 1, 2, 1, '{"first_name":"Ann","last_name":"Lee"}') ->> '$.key', 'ann@example.com') ->> '$.user_id';
INSERT INTO account_managers VALUES (2, 1);
SELECT guest_invite('ann@example.com', 2, 1) ->> '$[0].id';
UPDATE subscriptions SET seats = 5 WHERE id = 1;
SELECT invite_create('bo@example.com', 1, 1, 7, '{"first_name":"Bo","last_name":"Berg"}') ->> '$.id';
SELECT id, kind, recipient, status FROM outbox ORDER BY id;
SELECT f FROM fp;
SELECT user_forget(7);
SELECT f FROM fp;
SELECT id, kind, email, first_name, last_name, revoked_at IS NOT NULL AS revoked FROM invites ORDER BY id;
SELECT id, kind, recipient FROM outbox ORDER BY id;
SELECT * FROM users WHERE id = 7;
SELECT a.id, a.action, a.subject, a.detail IS NULL AS erased FROM audit_log a WHERE a.id > 8 ORDER BY a.id;
SELECT invite_audit_verify();
-- Bo's invitation is still pending (its email, which named Ann, is gone:
-- resend it); Ann is still a member
SELECT invite_id, state FROM invite_status WHERE invite_id = 3;
SELECT count(*) FROM members WHERE user_id = 7;
-- again: nothing more to erase, still audited
SELECT user_forget(7);
SELECT invite_audit_verify();

-- an erased inviter is not emailed when her invitation is accepted
INSERT INTO settings VALUES (1, 'notify_inviter_on_accept', 1);
SELECT invite_redeem(invite_resend(3) ->> '$.key', 'bo@example.com') ->> '$.kind';
SELECT count(*) FROM outbox WHERE kind = 'accepted';

-- a declined invite's reason is the person's words: erased too
SELECT invite_decline(invite_create(4, 2, 4, 1) ->> '$.key', 'Zoe says no') ->> '$.state';
SELECT user_forget(4) ->> '$.invites';
SELECT count(*) FROM invites WHERE decline_reason IS NOT NULL;
SELECT count(*) FROM audit_log WHERE detail LIKE '%Zoe%';
SELECT invite_audit_verify();

-- ---- refusals ----
SELECT invite_redeem(session_invite(1, 2, 1, 'Dana') ->> '$.key') ->> '$.session_member_id';
SELECT f FROM fp;
SELECT user_forget(99);
SELECT user_forget('ann@example.com');
SELECT user_forget(NULL);
SELECT user_forget(0);
CREATE TEMP TABLE t(n);
INSERT INTO t SELECT user_forget(2);
-- only user_forget may blank these, for any other writer the law holds
UPDATE audit_log SET detail = NULL WHERE id = 9;
UPDATE audit_salts SET salt = NULL WHERE audit_id = 9;
DELETE FROM audit_salts WHERE audit_id = 9;
INSERT INTO audit_salts(audit_id, salt) VALUES (9, randomblob(16));
INSERT OR REPLACE INTO audit_salts(audit_id, salt) VALUES (9, randomblob(16));
UPDATE session_members SET display_name = NULL WHERE display_name = 'Dana';
UPDATE invites SET first_name = NULL WHERE id = 3;
SELECT f FROM fp;
SELECT invite_audit_verify();
