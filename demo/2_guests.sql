.mode box --wrap 0
.nullvalue -
-- # 2. Guests: access for a while, renewed, ended
--
-- A guest is someone from outside Acme, a partner or a vendor's support,
-- whom an account manager lets in for a limited time. A guest takes no
-- seat. The access period counts from the day the guest accepts: 90 days
-- unless the invitation says otherwise. It can be renewed before it ends;
-- after it expires, or the guest is removed or leaves, only a new
-- invitation brings the guest back.
SELECT invite_clock('2027-04-01 09:00:00') AS now;

-- Mia pastes a list of partners' addresses. The whole list is checked
-- before anyone is invited, so one bad address stops all of it:
SELECT guest_invite('pat@partner.example; sam@partner.example', 1, 1);  -- refused: ';' is not a separator

-- Commas, spaces, tabs and line breaks are. Pat appears twice, in another
-- letter case, and is invited once. Both get 30 days of access and may
-- invite other guests; Kim, invited next, gets 30 days too.
SELECT value ->> 'email' AS email, value ->> 'id' AS invite, value ->> 'expires_at' AS key_expires_at
  FROM json_each(guest_invite('pat@partner.example, sam@partner.example
                               PAT@Partner.example', 1, 1, '{"days":30,"can_invite":true}'));
SELECT guest_invite('kim@partner.example', 1, 1, '{"days":30}') ->> '$[0].id' AS kims_invite;

-- The users list shows them at once, tagged Guest, as invited:
SELECT business, tag, state, email, can_invite, access_days FROM guest_directory ORDER BY invite_id;

-- The next morning Kim and Sam accept, with the keys from their emails.
-- Their 30 days start now.
SELECT invite_clock('2027-04-02 09:00:00') AS now;
SELECT invite_redeem(secret) AS kim FROM outbox WHERE recipient = 'kim@partner.example';
SELECT invite_redeem(secret) AS sam FROM outbox WHERE recipient = 'sam@partner.example';

-- Kim works in Acme now: she makes it her current business, and sees it
-- among the organisations she can enter.
SELECT guest_switch(id, 1) AS switched FROM users WHERE email = 'kim@partner.example';
SELECT b.name AS organisation, a.via, a.expires_at, a.is_current
  FROM business_access a JOIN businesses b ON b.id = a.business_id
  JOIN users u ON u.id = a.user_id WHERE u.email = 'kim@partner.example';

-- Three weeks later both are on the renew banner (ending within 14 days).
-- The daily job sends each an "expiring soon" email; run again, it sends
-- nothing new.
SELECT invite_clock('2027-04-23 09:00:00') AS now;
SELECT email, expires_at, days_left FROM guest_expiring ORDER BY email;
SELECT invite_notify_expiring() AS notices_sent, invite_notify_expiring() AS sent_again;

-- Mia renews Kim from the banner: 30 days from now, the period Kim was
-- invited for. Sam is not renewed.
SELECT email, guest_renew(guest_id) AS new_expires_at FROM guest_expiring WHERE email = 'kim@partner.example';

-- Two weeks on, Sam's access has expired. Nobody had to run anything: an
-- access ends at the second it expires, for every reader. It can no longer
-- be renewed; Sam needs a new invitation.
SELECT invite_clock('2027-05-07 09:00:00') AS now;
SELECT email, state, expires_at FROM guest_directory WHERE email IN ('kim@partner.example', 'sam@partner.example') ORDER BY email;
SELECT guest_renew(id) FROM guests WHERE user_id = (SELECT id FROM users WHERE email = 'sam@partner.example');  -- refused: expired

-- Kim leaves Acme. Acme stops being her current business, and a renewal
-- can no longer bring her back; a new invitation can.
SELECT guest_leave(id, 1) AS left_acme FROM users WHERE email = 'kim@partner.example';
SELECT email, state, ended_at FROM guest_directory WHERE email = 'kim@partner.example';
SELECT guest_renew(id) FROM guests WHERE user_id = (SELECT id FROM users WHERE email = 'kim@partner.example');  -- refused: she left
SELECT value ->> 'email' AS invited_again FROM json_each(guest_invite('kim@partner.example', 1, 1));
