-- The guest law holds for plain INSERT/UPDATE/DELETE from any client: each
-- statement below tries to break a rule without the verbs and is refused.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _guests.inc
.echo off
.output keys.sql
SELECT '.parameter set @a ' || quote(guest_invite('amy@example.com', 1, 1, '{"days":30,"can_invite":true}'));
SELECT '.parameter set @b ' || quote(guest_invite('bo@example.com', 1, 1));
.output stdout
.read keys.sql
.echo on
SELECT invite_redeem(@a ->> '$[0].key') ->> '$.guest_id';

-- ---- guest invites ----
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, NULL, 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, 'cy@example.com', 1, 1, 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, can_invite, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, 'cy@example.com', 1, 2, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, 'cy@example.com', 1, NULL, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, 'cy@example.com', 1, 3651, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 3, 'cy@example.com', 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, account_manager, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 5, 'cy@example.com', 1, 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
-- rights come from the invite: a plain UPDATE cannot add any
UPDATE guests SET account_manager = 1 WHERE id = 1;
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, account_manager, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 5, 'cy@example.com', 1, 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, 'AMY@example.com', 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, 'BO@example.com', 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
-- a resend that would revive an expired invite beside a newer pending one
SELECT invite_clock('2027-01-09 10:00:00');
SELECT json_type(guest_invite('bo@example.com', 1, 1));
SELECT invite_resend(@b ->> '$[0].id');
SELECT invite_clock('2027-01-01 10:00:00');
SELECT f FROM fingerprint;

-- ---- guest accesses ----
-- an active access with its expiry in the past, or not matching its period
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (3, 1, 10, '2026-12-01 10:00:00', '2026-12-11 10:00:00');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (3, 1, 10, '2027-01-01 10:00:00', '2030-01-01 00:00:00');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (3, 1, 10, '2027-02-01 10:00:00', '2027-02-11 10:00:00');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (3, 1, 10, 'yesterday', NULL);
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (3, 1, 0, '2027-01-01 10:00:00', '2027-01-01 10:00:00');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at, can_invite)
VALUES (3, 1, 10, '2027-01-01 10:00:00', '2027-01-11 10:00:00', 'yes');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at, ended_at, end_reason)
VALUES (3, 1, 10, '2027-01-01 10:00:00', '2027-01-11 10:00:00', '2027-01-01 10:00:00', 'left');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (99, 1, 10, '2027-01-01 10:00:00', '2027-01-11 10:00:00');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (3, 99, 10, '2027-01-01 10:00:00', '2027-01-11 10:00:00');
INSERT INTO guests(user_id, business_id, invite_id, access_days, started_at, expires_at)
VALUES (3, 1, 1, 10, '2027-01-01 10:00:00', '2027-01-11 10:00:00');
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (5, 1, 10, '2027-01-01 10:00:00', '2027-01-11 10:00:00');
-- granted directly (no invite) is refused: who may invite is checked on
-- the invite, so an access always has one, with the same rights and period
INSERT INTO guests(user_id, business_id, access_days, started_at, expires_at)
VALUES (3, 1, 10, '2027-01-01 10:00:00', '2027-01-11 10:00:00');
.echo off
.once keys.sql
SELECT '.parameter set @v ' || quote(guest_invite('vic@acme.com', 1, 1, '{"days":10}'));
.read keys.sql
.echo on
SELECT invite_redeem(@v ->> '$[0].key') ->> '$.guest_id';
SELECT f FROM fingerprint;

-- expiry moves only by a renewal, to now + the original period
UPDATE guests SET expires_at = '2030-01-01 00:00:00' WHERE id = 1;
UPDATE guests SET expires_at = '2027-01-20 10:00:00' WHERE id = 1;
UPDATE guests SET expires_at = datetime('2027-01-01 10:00:00', '+90 days'),
       renewed_at = '2027-01-01 10:00:00', renewals = renewals + 1 WHERE id = 1;
UPDATE guests SET renewals = 5 WHERE id = 1;
UPDATE guests SET access_days = 90 WHERE id = 1;
UPDATE guests SET user_id = 3, business_id = 2 WHERE id = 1;
UPDATE guests SET account_manager = 2 WHERE id = 1;
-- the renewal itself, written by hand, is accepted
SELECT invite_clock('2027-01-05 10:00:00');
UPDATE guests SET expires_at = '2027-02-04 10:00:00', renewed_at = '2027-01-05 10:00:00',
       renewals = renewals + 1 WHERE id = 1;
-- a clock moved back cannot move expiry back, not even through the verb
SELECT invite_clock('2027-01-03 10:00:00');
SELECT guest_renew(1);
UPDATE guests SET expires_at = '2027-02-02 10:00:00', renewed_at = '2027-01-03 10:00:00',
       renewals = renewals + 1 WHERE id = 1;
-- an expired access cannot be extended, by any write
SELECT invite_clock('2027-02-10 10:00:00');
UPDATE guests SET expires_at = '2027-03-12 10:00:00', renewed_at = '2027-02-10 10:00:00',
       renewals = renewals + 1 WHERE id = 1;
UPDATE guests SET expires_at = '2030-01-01 00:00:00' WHERE id = 1;
SELECT f FROM fingerprint;
-- ending: a reason and a time within the access's life
UPDATE guests SET ended_at = '2027-02-10 10:00:00' WHERE id = 2;
UPDATE guests SET ended_at = '2027-02-10 10:00:00', end_reason = 'expired' WHERE id = 2;
UPDATE guests SET ended_at = '2030-01-01 00:00:00', end_reason = 'removed' WHERE id = 2;
UPDATE guests SET ended_at = '2026-01-01 00:00:00', end_reason = 'removed' WHERE id = 2;
UPDATE guests SET end_reason = 'left' WHERE id = 2;
UPDATE guests SET ended_at = '2027-02-10 10:00:00', end_reason = 'removed' WHERE id = 2;
-- an ended access never comes back
UPDATE guests SET ended_at = NULL, end_reason = NULL WHERE id = 2;
UPDATE guests SET can_invite = 1 WHERE id = 2;
DELETE FROM guests WHERE id = 2;
SELECT f FROM fingerprint;

-- ---- the current business ----
INSERT INTO guest_current(user_id, business_id) VALUES (3, 2);
INSERT INTO guest_current(user_id, business_id) VALUES (3, 1);
UPDATE guest_current SET business_id = 2 WHERE user_id = 3;
SELECT f FROM fingerprint;
