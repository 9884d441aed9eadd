-- Bad input to every verb: a clear error naming the problem, nothing written.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
CREATE TEMP VIEW fingerprint AS
SELECT (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM members) || ' members, '
    || (SELECT count(*) FROM users) || ' users' AS f;
.echo on
-- invite_create: invitee
SELECT invite_create(NULL, 1, 1, 1);
SELECT invite_create(1.5, 1, 1, 1);
SELECT invite_create(x'00', 1, 1, 1);
SELECT invite_create(0, 1, 1, 1);
SELECT invite_create(99, 1, 1, 1);
SELECT invite_create('', 2, 4, 1);
SELECT invite_create('no-at-sign', 2, 4, 1);
SELECT invite_create('a@b@example.com', 2, 4, 1);
SELECT invite_create('ann@example.com' || char(13, 10) || 'Bcc: x@example.com', 2, 4, 1);
SELECT invite_create('ann@exam ple.com', 2, 4, 1);
SELECT invite_create('ann..lee@example.com', 2, 4, 1);
SELECT invite_create('ann@example', 2, 4, 1);
SELECT invite_create('ann@-example.com', 2, 4, 1);
SELECT invite_create('jos' || char(233) || '@example.com', 2, 4, 1);
SELECT invite_create(printf('%.65c@example.com', 'a'), 2, 4, 1);
SELECT invite_create('a@' || printf('%.250c.com', 'b'), 2, 4, 1);
SELECT invite_create(printf('%.2000c', 'a'), 2, 4, 1);
SELECT invite_create('ann@example.com' || char(0) || 'x', 2, 4, 1);
-- invite_create: ids
SELECT invite_create('ann@example.com', NULL, 4, 1);
SELECT invite_create('ann@example.com', '2', 4, 1);
SELECT invite_create('ann@example.com', 2, -4, 1);
SELECT invite_create('ann@example.com', 2, 4, NULL);
-- invite_create: a new person needs names; options are checked
SELECT invite_create('ann@example.com', 2, 4, 1);
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann"}');
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":""}');
SELECT invite_create('ann@example.com', 2, 4, 1, json_object('first_name', 'Ann' || char(13,10) || 'Bcc: x', 'last_name', 'Lee'));
SELECT invite_create('ann@example.com', 2, 4, 1, json_object('first_name', 'Ann', 'last_name', 'Lee' || char(10)));
SELECT invite_create('ann@example.com', 2, 4, 1, json_object('first_name', printf('%.300c', 'a'), 'last_name', 'Lee'));
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":7,"last_name":"Lee"}');
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee","days":"7"}');
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee","days":400}');
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee","nope":1}');
SELECT invite_create('ann@example.com', 2, 4, 1, 'not json');
SELECT invite_create('ann@example.com', 2, 4, 1, 42);
SELECT f FROM fingerprint;
-- keys: NULL, wrong type, malformed, oversized, unknown
SELECT invite_redeem(NULL);
SELECT invite_redeem(42);
SELECT invite_redeem('');
SELECT invite_redeem('short');
SELECT invite_redeem(printf('%.43c', '!'));
SELECT invite_redeem(printf('%.43c', 'A') || 'A');
SELECT invite_redeem(printf('%.100000c', 'A'));
SELECT invite_redeem(printf('%.42c', 'A') || 'B');
SELECT invite_redeem(printf('%.43c', 'A'));
SELECT invite_redeem(printf('%.43c', 'A'), x'01');
SELECT invite_peek(NULL);
SELECT invite_peek(printf('%.43c', 'A'));
SELECT invite_peek(printf('%.42c', 'A') || char(10));
-- ids for the other verbs
SELECT invite_revoke(NULL);
SELECT invite_revoke('1');
SELECT invite_resend(0);
SELECT invite_resend(77);
SELECT seat_available(NULL);
SELECT seat_available(99);
SELECT f FROM fingerprint;
-- verbs cannot hide in views, triggers or writing statements
CREATE VIEW sneaky AS SELECT invite_revoke(1);
SELECT * FROM sneaky;
CREATE TABLE t(x);
INSERT INTO t SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee"}');
SELECT f FROM fingerprint;
