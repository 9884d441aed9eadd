-- demo_guests.sql — a guest walk-through (seed 002, Manage Guests).
-- Runs after sql/demo.sql's catalog, or alone on a fresh database:
--   sqlite3 :memory: -cmd '.load build/invite' < sql/demo_guests.sql
-- The INSERT OR IGNOREs add the little it needs when run alone.
.mode box
.nullvalue ''
.print
.print '== Guests (seed 002, Manage Guests)'
SELECT invite_init() AS schema_version;
SELECT invite_clock('2027-04-01 09:00:00') AS now;
INSERT OR IGNORE INTO businesses(id, name) VALUES (1, 'Acme');
INSERT OR IGNORE INTO users(id, email, first_name, last_name) VALUES (1, 'mia@acme.com', 'Mia', 'Manager');
INSERT OR IGNORE INTO account_managers(business_id, user_id) VALUES (1, 1);

-- 1. Mia, an account manager, invites two partners at once, pasted with
--    commas, spaces, tabs, a duplicate in other case. One invite each; the
--    access period counts from acceptance: 30 days here (default 90).
SELECT value ->> 'email' AS email, value ->> 'id' AS invite_id,
       value ->> 'expires_at' AS key_expires_at
  FROM json_each(guest_invite('pat@partner.example, sam@partner.example	PAT@partner.example,',
                              1, 1, '{"days":30,"can_invite":true}'));
-- They are listed at once, with the Guest tag.
SELECT business, tag, state, email, can_invite, access_days FROM guest_directory;

-- 2. Kim, invited next, accepts the next morning with the key of her email
--    (the demo keeps it in a shell parameter).
SELECT invite_clock('2027-04-02 09:00:00') AS now;
.mode list
.output demo_guests_key.sql
SELECT '.parameter set @key ' || quote(guest_invite('kim@partner.example', 1, 1, '{"days":30}') ->> '$[0].key');
.output stdout
.read demo_guests_key.sql
.mode box
SELECT r ->> '$.kind' AS kind, r ->> '$.guest_id' AS guest_id,
       r ->> '$.access_expires_at' AS access_expires_at
  FROM (SELECT invite_redeem(@key) AS r);
SELECT email, state, started_at, expires_at FROM guest_directory WHERE state = 'active';

-- 3. Kim works in Acme now (switch), and sees it among her organisations.
SELECT guest_switch(id, 1) AS switched FROM users WHERE email = 'kim@partner.example';
SELECT b.name AS organisation, a.via, a.expires_at, a.is_current
  FROM business_access a JOIN businesses b ON b.id = a.business_id
  JOIN users u ON u.id = a.user_id WHERE u.email = 'kim@partner.example';

-- 4. Three weeks later the renew banner shows her, and a daily job sends
--    the expiring-soon notice, once for this period.
SELECT invite_clock('2027-04-23 09:00:00') AS now;
SELECT business, email, expires_at, days_left FROM guest_expiring;
SELECT invite_notify_expiring() AS notices, invite_notify_expiring() AS again;

-- 5. Renew every guest on the banner with one statement: back to 30 days
--    from now (the period she was invited for), and the banner is empty.
SELECT email, guest_renew(guest_id) AS new_expires_at FROM guest_expiring WHERE business_id = 1;
SELECT count(*) AS on_banner FROM guest_expiring;

-- 6. She leaves; Acme stops being her current business. After expiry or
--    leaving only a new invitation brings a guest back.
SELECT guest_leave(id, 1) AS left_acme FROM users WHERE email = 'kim@partner.example';
SELECT email, state, ended_at FROM guest_directory WHERE email = 'kim@partner.example';
SELECT value ->> 'email' AS invited_again
  FROM json_each(guest_invite('kim@partner.example', 1, 1));
