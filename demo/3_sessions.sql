.mode box --wrap 0
.nullvalue -
-- # 3. A support session: an access invite for an external representative
--
-- Ed is helping a customer in a live support session and needs a
-- database expert from Globex, a vendor. He invites her into this session,
-- one time, under a security profile that limits what she can do. She
-- gets a key and a direct link on one of Acme's public portals. While she
-- is there she takes one licence of the subscription; she can never own
-- the session, and she is logged out as soon as no licensed representative
-- of Acme is left in it.
SELECT invite_clock('2027-06-01 10:00:00') AS now;
INSERT INTO security_profiles VALUES (1, 'Observer', 'sees the session, changes nothing', 1),
                                     (2, 'Full access', 'everything the owner can do', 0);
INSERT INTO portals VALUES (1, 'Acme support EU', 'https://eu.acme.example/portal?lang=en');

-- Ed starts the session on Ledger / Team (he holds one of its seats) and
-- Ann joins him. Both are licensed representatives.
INSERT INTO sessions(subscription_id, owner_id) VALUES (1, 2);
SELECT session_join(1, id) AS ann_joined FROM users WHERE first_name = 'Ann';
SELECT plan, seats, members, externals, pending_invites, available FROM seat_usage WHERE subscription_id = 1;

-- Only a representative who is in the session may invite, and only under a
-- profile enabled for access invites:
SELECT session_invite(1, 1, 1, 'Dana (Globex)');          -- refused: Mia is not in the session
SELECT session_invite(1, 2, 2, 'Dana (Globex)');          -- refused: Full access is not enabled for invites
SELECT session_invite(1, 2, 1, 'Dana (Globex)',
       '{"email":"dana@globex.example","comments":"escalation: database expert"}') AS result;

-- Dana follows her link and joins, once, as an external representative:
SELECT invite_redeem(secret, 'dana@globex.example') AS dana_joined FROM outbox WHERE recipient = 'dana@globex.example';
SELECT invite_redeem(secret, 'dana@globex.example') FROM outbox WHERE recipient = 'dana@globex.example';  -- refused: one time only
SELECT kind, name, profile, comments, joined_at FROM session_roster WHERE session_id = 1 AND present ORDER BY session_member_id;
SELECT plan, seats, members, externals, available FROM seat_usage WHERE subscription_id = 1;

-- While she is there she holds the last licence of Team, so nobody else
-- can be invited to it:
SELECT invite_create('dee@example.com', 1, 1, 1, '{"first_name":"Dee","last_name":"Ho"}');  -- refused: no licence left

-- She can never become the owner, whatever the client writes:
UPDATE sessions SET owner_id = (SELECT id FROM users WHERE email = 'dana@globex.example') WHERE id = 1;  -- refused: never the owner

-- Twenty minutes later Ed, the owner, leaves. Ann is still there, so Dana
-- stays. Ten minutes after that Ann leaves too: no licensed
-- representative remains, and Dana is logged out in the same statement.
SELECT invite_clock('2027-06-01 10:20:00') AS now;
SELECT session_leave(1, 2) AS ed_left;
SELECT kind, name, left_at FROM session_roster WHERE session_id = 1 ORDER BY session_member_id;
SELECT invite_clock('2027-06-01 10:30:00') AS now;
SELECT session_leave(1, id) AS ann_left FROM users WHERE first_name = 'Ann';
SELECT kind, name, profile, joined_at, left_at, left_reason FROM session_roster WHERE session_id = 1 ORDER BY session_member_id;

-- Her licence is free again:
SELECT plan, seats, members, externals, available FROM seat_usage WHERE subscription_id = 1;
