-- The rules of guest access (seed 002): who may invite, renewal to the
-- original period, expiry and re-invitation, leave, switch, remove, seats.
-- After every refusal the fingerprint shows that nothing was written.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _guests.inc
.echo off
-- gil: 30 days, may invite guests; gus: account manager by guest grant
.once keys.sql
SELECT '.parameter set @gil ' || quote(guest_invite('gil@example.com', 1, 1, '{"days":30,"can_invite":true}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @gus ' || quote(guest_invite('gus@example.com', 1, 1, '{"account_manager":true}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @gia ' || quote(guest_invite('gia@example.com', 1, 1));
.read keys.sql
.echo on
SELECT invite_redeem(@gil ->> '$[0].key') ->> '$.guest_id';
SELECT invite_redeem(@gus ->> '$[0].key') ->> '$.guest_id';
SELECT invite_redeem(@gia ->> '$[0].key') ->> '$.guest_id';
SELECT guest_id, user_id, email, state, account_manager, can_invite, access_days, expires_at
  FROM guest_directory ORDER BY guest_id;

-- ---- who may invite guests ----
-- a member of the business who is not an account manager (Ed)
SELECT guest_invite('new1@example.com', 1, 2);
-- an account manager of another business
INSERT INTO users(id, email) VALUES (20, 'boss@globex.com');
INSERT INTO account_managers VALUES (2, 20);
SELECT guest_invite('new1@example.com', 1, 20);
-- a guest without can_invite (gia)
SELECT guest_invite('new1@example.com', 1, 7);
SELECT f FROM fingerprint;
-- a guest with can_invite (gil) may, but cannot grant account_manager
SELECT value ->> 'email' FROM json_each(guest_invite('new1@example.com', 1, 5, '{"can_invite":true}'));
SELECT guest_invite('new2@example.com', 1, 5, '{"account_manager":true}');
-- a guest granted account_manager (gus) may do what an account manager may:
-- invite guests with any flag, and invite members (invite_create)
SELECT value ->> 'email' FROM json_each(guest_invite('new2@example.com', 1, 6, '{"account_manager":true}'));
SELECT json_type(invite_create('mo@example.com', 1, 3, 6, '{"first_name":"Mo","last_name":"Ma"}'));
SELECT user_id FROM business_managers WHERE business_id = 1 ORDER BY user_id;
-- guests take no seat: neither pending guest invites nor guests count
SELECT subscription_id, seats, used, reserved, available FROM seat_usage ORDER BY subscription_id;

-- ---- one pending invite, one active access per person and business ----
SELECT guest_invite('new1@example.com', 1, 1);
SELECT guest_invite('x@example.com, GIL@example.com', 1, 1);
SELECT f FROM fingerprint;
-- another business is another access
SELECT value ->> 'email' FROM json_each(guest_invite('gil@example.com', 2, 20));

-- ---- renewal: the original period, counted from now ----
SELECT invite_clock('2027-01-21 10:00:00');
SELECT guest_renew(1);
SELECT guest_renew(2);
SELECT id, access_days, started_at, renewed_at, renewals, expires_at FROM guests ORDER BY id;
-- a second renewal at the same instant changes nothing
SELECT guest_renew(1);
SELECT renewals FROM guests WHERE id = 1;

-- ---- expiry: never active after it, renewal refused, re-invitation works ----
SELECT invite_clock('2027-02-20 10:00:00');
SELECT state FROM guest_directory WHERE guest_id = 1;
SELECT guest_renew(1);
SELECT count(*) FROM business_access WHERE user_id = 5 AND business_id = 1;
-- an expired guest may no longer invite
SELECT guest_invite('new3@example.com', 1, 5);
SELECT f FROM fingerprint;
.echo off
.once keys.sql
SELECT '.parameter set @gil2 ' || quote(guest_invite('gil@example.com', 1, 1, '{"days":30}'));
.read keys.sql
.echo on
SELECT invite_redeem(@gil2 ->> '$[0].key') ->> '$.guest_id';
SELECT invite_redeem(@gil2 ->> '$[0].key');
-- a new access row; the expired one stays as history
SELECT id, access_days, started_at, expires_at, ended_at FROM guests WHERE user_id = 5 ORDER BY id;
SELECT guest_id, state, expires_at FROM guest_directory WHERE user_id = 5 ORDER BY business_id;
-- the old access is still closed for good
SELECT guest_renew(1);

-- ---- switch: only to a business the user can still access ----
-- gil: member of nothing, guest of Acme (1), invited to Globex (2) only
SELECT guest_switch(5, 2);
SELECT guest_switch(5, 1);
SELECT business_id, via, expires_at, is_current FROM business_access WHERE user_id = 5;
-- Ed (member) and Mia (account manager) may switch to Acme; nobody to an unknown business
SELECT guest_switch(2, 1), guest_switch(1, 1);
SELECT guest_switch(5, 99);
SELECT guest_switch(99, 1);
-- gia's access expired (90 days) by the time she tries
SELECT invite_clock('2027-04-02 10:00:00');
SELECT guest_switch(7, 1);
SELECT f FROM fingerprint;

-- ---- leave and remove ----
SELECT guest_leave(5, 1);
SELECT guest_id, state, ended_at FROM guest_directory WHERE user_id = 5 AND business_id = 1;
-- leaving the current business clears the choice
SELECT count(*) FROM guest_current WHERE user_id = 5;
SELECT guest_leave(5, 1);
SELECT guest_leave(5, 2);
SELECT guest_renew(4);
SELECT guest_switch(5, 1);
SELECT guest_remove(2);
SELECT guest_remove(2);
SELECT guest_id, state FROM guest_directory WHERE guest_id = 2;
-- removal ends manager rights at once
SELECT user_id FROM business_managers WHERE business_id = 1 ORDER BY user_id;
SELECT guest_invite('new4@example.com', 1, 6);
SELECT guest_remove(99);
SELECT guest_renew(99);
SELECT f FROM fingerprint;

-- ---- bad arguments ----
SELECT guest_renew(NULL);
SELECT guest_renew('1');
SELECT guest_remove(0);
SELECT guest_leave(5, NULL);
SELECT guest_leave(NULL, 1);
SELECT guest_switch('gil', 1);
SELECT guest_switch(5, -1);
SELECT f FROM fingerprint;
-- verbs are DIRECTONLY: not from a view or a trigger of the schema
CREATE VIEW sneaky AS SELECT guest_remove(3);
SELECT * FROM sneaky;
SELECT name, narg, (flags & 524288) <> 0 AS directonly, (flags & 2097152) <> 0 AS innocuous
  FROM pragma_function_list
 WHERE name LIKE 'guest%' OR name = 'invite_notify_expiring' ORDER BY name, narg;
-- and not under a statement that writes
CREATE TEMP TABLE t(x);
INSERT INTO t SELECT guest_remove(3);
SELECT f FROM fingerprint;
