-- Leaving (seed 001): externals stay while a licensed representative
-- remains, and are logged out, with the reason, when none does. Leaving is
-- final for a roster row; ending a session empties it and kills its keys.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo on
SELECT session_join(1, 3);
SELECT invite_redeem(session_invite(1, 2, 1, 'Dana') ->> '$.key') ->> '$.session_member_id';
SELECT invite_redeem(session_invite(1, 3, 3, 'Xena', '{"email":"xena@vendor.com"}') ->> '$.key') ->> '$.session_member_id';
SELECT session_member_id, kind, user_id, name, present FROM session_roster;

-- ---- the primary representative leaves, another licensed one remains ----
SELECT invite_clock('2027-01-01 10:20:00');
SELECT session_leave(1, 2);
SELECT session_member_id, kind, left_at, left_reason, present FROM session_roster;
-- the remaining member may still invite; the owner who left may not
.echo off
.once keys.sql
SELECT '.parameter set @p ' || quote(session_invite(1, 3, 1, 'Pat'));
.read keys.sql
.echo on
SELECT session_invite(1, 2, 1, 'Quinn');

-- ---- the last licensed representative leaves: externals are logged out ----
SELECT invite_clock('2027-01-01 10:30:00');
SELECT session_leave(1, 3);
SELECT session_member_id, kind, user_id, name, joined_at, left_at, left_reason, present
  FROM session_roster ORDER BY session_member_id;
SELECT f FROM fingerprint;
-- no external joins a session without a licensed representative; the key
-- is not used up
SELECT invite_redeem(@p ->> '$.key');
SELECT invite_peek(@p ->> '$.key') ->> '$.state';
SELECT f FROM fingerprint;
-- an external cannot stay behind by leaving later on its own
SELECT session_leave(1, 6);

-- ---- coming back is a new row; a row that left cannot change ----
SELECT session_join(1, 2);
SELECT session_member_id, kind, user_id, joined_at, present FROM session_roster WHERE present;
SELECT invite_redeem(@p ->> '$.key') ->> '$.session_member_id';
UPDATE session_members SET left_at = NULL, left_reason = NULL WHERE id = 1;
UPDATE session_members SET left_at = '2027-01-01 10:45:00' WHERE id = 1;
UPDATE session_members SET left_reason = 'other reason' WHERE id = 1;
-- a row the law logged out, left again at the same moment: skipped, reason kept
UPDATE session_members SET left_at = left_at, left_reason = 'again' WHERE id = 3;
SELECT left_at, left_reason FROM session_members WHERE id = 3;
-- present twice in one session
SELECT session_join(1, 2);
SELECT session_leave(1, 5);
SELECT session_leave(9, 2);

-- ---- everyone leaves in one UPDATE (the owner's row logs the externals out first) ----
INSERT INTO sessions(id, subscription_id, owner_id) VALUES (2, 2, 5);
SELECT invite_redeem(session_invite(2, 5, 1, 'Uma') ->> '$.key') ->> '$.session_member_id';
SELECT invite_redeem(session_invite(2, 5, 3, 'Vlad') ->> '$.key') ->> '$.session_member_id';
SELECT invite_clock('2027-01-01 11:00:00');
UPDATE session_members SET left_at = (SELECT now FROM invite_now) WHERE session_id = 2;
SELECT session_member_id, kind, name, left_at, left_reason FROM session_roster WHERE session_id = 2;

-- ---- ending a session: everyone leaves, pending keys are revoked ----
.echo off
.once keys.sql
SELECT '.parameter set @q ' || quote(session_invite(1, 2, 1, 'Quinn'));
.read keys.sql
.echo on
SELECT invite_clock('2027-01-01 11:10:00');
UPDATE sessions SET ended_at = (SELECT now FROM invite_now) WHERE id = 1;
SELECT session_member_id, kind, name, left_at, left_reason FROM session_roster
 WHERE session_id = 1 AND left_at = '2027-01-01 11:10:00';
SELECT invite_redeem(@q ->> '$.key');
SELECT session_invite(1, 2, 1, 'Ray');
SELECT session_join(1, 3);
UPDATE sessions SET ended_at = '2027-01-01 11:20:00' WHERE id = 1;
SELECT f FROM fingerprint;
