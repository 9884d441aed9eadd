-- Query plans of the session law's hot paths: every lookup uses an index
-- (no SCAN of session_members, sessions or invites).
.mode list
SELECT invite_init();
.echo on
-- is the inviter present as a licensed representative?
EXPLAIN QUERY PLAN SELECT 1 FROM session_members
 WHERE session_id = 1 AND user_id = 2 AND kind IN ('owner', 'member') AND left_at IS NULL;
-- does a licensed representative remain? (join check, automatic logout)
EXPLAIN QUERY PLAN SELECT 1 FROM session_members
 WHERE session_id = 1 AND kind IN ('owner', 'member') AND left_at IS NULL;
-- the externals to log out
EXPLAIN QUERY PLAN UPDATE session_members SET left_at = '2027-01-01 10:00:00'
 WHERE session_id = 1 AND kind = 'external' AND left_at IS NULL;
-- one join per key
EXPLAIN QUERY PLAN SELECT 1 FROM session_members WHERE invite_id = 3;
-- externals counted in the seat law
EXPLAIN QUERY PLAN SELECT count(*) FROM sessions ss, session_members x
 WHERE ss.subscription_id = 1 AND ss.ended_at IS NULL
   AND x.session_id = ss.id AND x.kind = 'external' AND x.left_at IS NULL;
-- a session's pending keys, revoked when it ends
EXPLAIN QUERY PLAN SELECT id FROM invites WHERE session_id = 1 AND kind = 'session'
   AND redeemed_at IS NULL AND revoked_at IS NULL;
