-- The renew banner (guest_expiring), bulk renewal written as plain SQL over
-- it, and the expiring-soon notices: once per guest and access period.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _guests.inc
INSERT INTO users(id, email) VALUES (20, 'boss@globex.com');
INSERT INTO account_managers VALUES (2, 20);
-- Globex warns 3 days ahead instead of 14
INSERT INTO settings(business_id, name, value) VALUES (2, 'guest_expiring_days', 3);
.echo off
.output keys.sql
SELECT '.parameter set @k1 ' || quote(guest_invite('ten@example.com', 1, 1, '{"days":10}'));
SELECT '.parameter set @k2 ' || quote(guest_invite('twenty@example.com', 1, 1, '{"days":20}'));
SELECT '.parameter set @k3 ' || quote(guest_invite('ninety@example.com', 1, 1));
SELECT '.parameter set @k4 ' || quote(guest_invite('ten@example.com', 2, 20, '{"days":10}'));
.output stdout
.read keys.sql
.echo on
SELECT invite_redeem(@k1 ->> '$[0].key') ->> '$.guest_id', invite_redeem(@k2 ->> '$[0].key') ->> '$.guest_id',
       invite_redeem(@k3 ->> '$[0].key') ->> '$.guest_id', invite_redeem(@k4 ->> '$[0].key') ->> '$.guest_id';
SELECT id, user_id, business_id, access_days, expires_at FROM guests;

-- ---- days left, counted as a person reads a deadline ----
SELECT invite_clock('2027-01-01 12:00:00');
SELECT guest_id, expires_at, days_left FROM guest_expiring;
SELECT invite_clock('2027-01-08 10:00:00');
SELECT guest_id, business, email, expires_at, days_left, access_days, account_manager,
       can_invite, notified_at FROM guest_expiring ORDER BY guest_id;
SELECT invite_clock('2027-01-11 08:00:00');
SELECT guest_id, days_left FROM guest_expiring ORDER BY guest_id;
SELECT invite_clock('2027-01-08 10:00:00');

-- ---- notices: one per guest and access period ----
SELECT invite_notify_expiring();
SELECT invite_notify_expiring();
SELECT guest_id, expires_at, notified_at FROM guest_notices ORDER BY guest_id;
SELECT guest_id, notified_at FROM guest_expiring ORDER BY guest_id;
-- the law, for any client: a second notice for the same period is refused
INSERT INTO guest_notices(guest_id, expires_at, notified_at) VALUES (1, '2027-01-11 10:00:00', '2027-01-08 11:00:00');

-- ---- bulk renewal as one plain SELECT over the banner ----
-- guest 1 (10 days) stays inside the 14-day window after its renewal: the
-- SELECT must still renew it exactly once. The plan reads guests through
-- an index of columns a renewal never changes.
EXPLAIN QUERY PLAN SELECT guest_renew(guest_id) FROM guest_expiring WHERE business_id = 1;
-- the inviter's rights, guests included, are still two index searches
EXPLAIN QUERY PLAN SELECT 1 FROM business_managers WHERE business_id = 1 AND user_id = 2;
SELECT guest_id, guest_renew(guest_id) FROM guest_expiring WHERE business_id = 1 ORDER BY guest_id;
SELECT id, renewals, renewed_at, expires_at FROM guests ORDER BY id;
-- the banner: guest 2 is gone (20 days left), guest 1 is back for its new period
SELECT guest_id, expires_at, days_left, notified_at FROM guest_expiring ORDER BY guest_id;
-- a new period gets its own notice, once
SELECT invite_notify_expiring();
SELECT invite_notify_expiring();
SELECT guest_id, expires_at, notified_at FROM guest_notices ORDER BY id;
-- the same without a filter, a day later, inside the caller's transaction
SELECT invite_clock('2027-01-09 10:00:00');
BEGIN;
SELECT guest_id, guest_renew(guest_id) FROM guest_expiring ORDER BY guest_id;
COMMIT;
SELECT id, renewals, expires_at FROM guests ORDER BY id;
-- the two-step form, for callers who prefer not to write while reading
CREATE TEMP TABLE to_renew AS SELECT guest_id FROM guest_expiring WHERE business_id = 1;
SELECT guest_id, guest_renew(guest_id) FROM to_renew;

-- ---- ended and expired accesses leave the banner and get no notice ----
SELECT guest_remove(4);
SELECT invite_clock('2027-01-16 10:00:00');
SELECT guest_id, days_left, notified_at FROM guest_expiring ORDER BY guest_id;
SELECT invite_notify_expiring();
SELECT invite_clock('2027-01-19 10:00:00');
SELECT guest_id FROM guest_expiring ORDER BY guest_id;
SELECT invite_notify_expiring();
SELECT guest_id, expires_at, notified_at FROM guest_notices ORDER BY id;
SELECT f FROM fingerprint;
-- a notice names an open access and its current expiry; notices are kept
INSERT INTO guest_notices(guest_id, expires_at, notified_at) VALUES (4, '2027-01-11 10:00:00', '2027-01-19 10:00:00');
INSERT INTO guest_notices(guest_id, expires_at, notified_at) VALUES (3, '2027-01-01 10:00:00', '2027-01-19 10:00:00');
INSERT INTO guest_notices(guest_id, expires_at, notified_at) VALUES (3, '2027-04-01 10:00:00', 'soon');
UPDATE guest_notices SET notified_at = '2027-01-19 10:00:00' WHERE id = 1;
DELETE FROM guest_notices WHERE id = 1;
SELECT f FROM fingerprint;
