-- Every hot path reads through an index: no SCAN of a growing table.
-- These are the statements of ext/verbs_*.c and the bodies of the
-- triggers in sql/invites.sql and sql/members.sql, with parameters.
.mode list
SELECT invite_init();
.echo on
-- redemption: the key is looked up through the unique index on its hash
EXPLAIN QUERY PLAN SELECT i.id FROM invites i, invite_now t WHERE i.key_hash = ?1;
EXPLAIN QUERY PLAN SELECT k.live FROM invite_old_keys k, invites i WHERE k.key_hash = ?1 AND i.id = k.invite_id;
-- the invitee by address, case-insensitively
EXPLAIN QUERY PLAN SELECT id, email FROM users WHERE email = ?1 COLLATE NOCASE;
-- a pending invite for the same person and subscription
EXPLAIN QUERY PLAN SELECT 1 FROM invites i, invite_now t
 WHERE i.email = ?1 COLLATE NOCASE AND +i.subscription_id = ?2 AND i.kind = 'member'
   AND i.redeemed_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > t.now;
-- seats of one subscription (used by triggers and seat_available)
EXPLAIN QUERY PLAN SELECT seats, available FROM seat_usage WHERE subscription_id = ?1;
-- settings of one business
EXPLAIN QUERY PLAN SELECT value FROM invite_settings WHERE business_id = ?1 AND name = 'invite_days';
-- the inviter's rights
EXPLAIN QUERY PLAN SELECT 1 FROM business_managers WHERE business_id = ?1 AND user_id = ?2;
EXPLAIN QUERY PLAN SELECT r.rank FROM members m, roles r
 WHERE m.subscription_id = ?1 AND m.user_id = ?2 AND r.id = m.role_id AND r.can_invite = 1;
-- already a member
EXPLAIN QUERY PLAN SELECT 1 FROM members m, users u
 WHERE m.subscription_id = ?1 AND m.user_id = u.id AND u.email = ?2 COLLATE NOCASE;
-- the membership made by a redemption
EXPLAIN QUERY PLAN SELECT m.id FROM members m WHERE m.invite_id = ?1;
-- invite_peek
EXPLAIN QUERY PLAN SELECT state FROM invite_status WHERE invite_id = ?1;
