-- Integral REAL ids are ids (Node's better-sqlite3 binds numbers as REAL):
-- 1.0 means 1, a fraction or an out-of-range value is refused.
.mode list
.nullvalue NULL
SELECT invite_init() > 0;
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.echo on
SELECT invite_create('ann@example.com', 2.0, 4.0, 1.0, '{"first_name":"Ann","last_name":"Lee"}') ->> '$.id';
SELECT invite_create(3.0, 2.0, 4.0, 1.0) ->> '$.id';
SELECT id, user_id, subscription_id, role_id, inviter_id FROM invites ORDER BY id;
SELECT invite_create('bob@example.com', 2.5, 4, 1, '{"first_name":"Bob","last_name":"Lee"}');
SELECT invite_create('bob@example.com', 2, 4, 1e300, '{"first_name":"Bob","last_name":"Lee"}');
SELECT invite_create('bob@example.com', 2, -4.0, 1, '{"first_name":"Bob","last_name":"Lee"}');
SELECT invite_create(2.000001, 2, 4, 1);
SELECT invite_revoke(1.0) IS NOT NULL;
SELECT invite_revoke(1.5);
SELECT seat_available(1.0) IS NOT NULL;
SELECT count(*) FROM invite_events(0.0);
SELECT count(*) FROM invite_events(0.5);
SELECT count(*) FROM invites;
