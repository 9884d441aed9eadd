-- Access invites (seeds 000, 001): who may invite, which profile, the key
-- and its direct URL through a portal, one join per key.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo on
-- the owner is present from the start
SELECT session_member_id, kind, user_id, name, joined_at, present FROM session_roster;

-- ---- key + URL through a chosen portal ----
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(session_invite(1, 2, 1, 'Dana (Globex IT)',
         '{"portal":2,"comments":"escalation: database expert"}'));
.read keys.sql
.echo on
SELECT json_type(@a), @a ->> '$.id', length(@a ->> '$.key'), @a ->> '$.expires_at';
SELECT @a ->> '$.url' = 'https://eu.acme.com/portal?lang=en&key=' || (@a ->> '$.key');
SELECT invite_id, kind, state, session_id, subscription_id, business_id, inviter_id, email
  FROM invite_status WHERE invite_id = @a ->> '$.id';
SELECT portal_id, profile_id, display_name, comments, user_id FROM invites WHERE id = @a ->> '$.id';
-- no portal named: the portal with the lowest id (Vic joins, then invites)
SELECT session_join(1, 3);
.echo off
.once keys.sql
SELECT '.parameter set @b ' || quote(session_invite(1, 3, 3, 'Bo'));
.read keys.sql
.echo on
SELECT @b ->> '$.url' = 'https://support.acme.com/join?key=' || (@b ->> '$.key');
-- a business's default portal (setting default_portal_id)
INSERT INTO settings(business_id, name, value) VALUES (1, 'default_portal_id', 2);
.echo off
.once keys.sql
SELECT '.parameter set @c ' || quote(session_invite(1, 2, 1, 'Cy', '{"email":"Cy@Vendor.COM"}'));
.read keys.sql
.echo on
SELECT @c ->> '$.url' = 'https://eu.acme.com/portal?lang=en&key=' || (@c ->> '$.key');
SELECT email, user_id, portal_id FROM invites WHERE id = @c ->> '$.id';
INSERT INTO settings(business_id, name, value) VALUES (1, 'default_portal_id', 9)
  ON CONFLICT DO UPDATE SET value = excluded.value;
SELECT session_invite(1, 2, 1, 'Cy');
DELETE FROM settings;
-- an email that belongs to a user binds the key to that user
.echo off
.once keys.sql
SELECT '.parameter set @x ' || quote(session_invite(1, 2, 3, 'Xena', '{"email":"XENA@vendor.com"}'));
.read keys.sql
.echo on
SELECT email, user_id FROM invites WHERE id = @x ->> '$.id';

-- ---- peek, then one-time join ----
SELECT invite_peek(@a ->> '$.key') ->> '$.kind', invite_peek(@a ->> '$.key') ->> '$.session_id',
       invite_peek(@a ->> '$.key') ->> '$.can_redeem';
SELECT invite_redeem(@a ->> '$.key');
SELECT invite_redeem(@a ->> '$.key');
SELECT f FROM fingerprint;
-- an addressed key binds to its address: another address is refused, the
-- key is not used up; redeemed by its address it makes (or finds) the user
SELECT invite_redeem(@c ->> '$.key', 'someone@else.com');
SELECT invite_redeem(@c ->> '$.key') ->> '$.user_id' = (SELECT id FROM users WHERE email = 'Cy@vendor.com');
SELECT invite_redeem(@x ->> '$.key', 6) ->> '$.user_id';
-- a key sent to nobody may still name who redeems it
SELECT invite_redeem(@b ->> '$.key', 'bo@vendor.com') ->> '$.user_id' = (SELECT id FROM users WHERE email = 'bo@vendor.com');
SELECT session_member_id, kind, user_id, email, name, profile, comments, invite_id, inviter_id, joined_at, present
  FROM session_roster ORDER BY session_member_id;
SELECT invite_id, state FROM invite_status WHERE kind = 'session';

-- ---- who may invite ----
-- a member of the subscription who is not in the session
SELECT session_invite(1, 5, 1, 'Eve');
-- the account manager is no representative of the session either
SELECT session_invite(1, 1, 1, 'Eve');
-- an external representative (Xena joined above)
SELECT session_invite(1, 6, 1, 'Eve');
-- a representative who joined and left
SELECT session_join(1, 5);
SELECT session_leave(1, 5);
SELECT session_invite(1, 5, 1, 'Eve');
-- unknown people, sessions, profiles, portals
SELECT session_invite(1, 99, 1, 'Eve');
SELECT session_invite(99, 2, 1, 'Eve');
SELECT session_invite(1, 2, 99, 'Eve');
SELECT session_invite(1, 2, 1, 'Eve', '{"portal":99}');
-- a profile not enabled for access invite
SELECT session_invite(1, 2, 2, 'Eve');
SELECT f FROM fingerprint;
-- several externals may be invited to one session; the keys differ
.echo off
.once keys.sql
SELECT '.parameter set @p ' || quote(session_invite(1, 2, 1, 'Pat'));
.read keys.sql
.echo on
SELECT count(DISTINCT session_invite(1, 2, 1, 'Ext ' || value) ->> '$.key') FROM generate_series(1, 3);
SELECT count(*) FROM invites WHERE session_id = 1 AND redeemed_at IS NULL;
-- a session key is not resent (it lives minutes, through a portal): a new
-- one comes from session_invite; revoking works as for any invite
SELECT invite_resend(@p ->> '$.id');
SELECT invite_revoke(@p ->> '$.id');
SELECT invite_redeem(@p ->> '$.key');
SELECT f FROM fingerprint;
