-- invite_decline(key [, reason]): the invitee says no. The invite ends
-- declined, its seat is free again, the key is dead, it is audited, and it
-- blocks no later invite; a refused decline changes nothing.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
CREATE TEMP VIEW fingerprint AS
SELECT (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM invites WHERE revoked_at IS NOT NULL) || ' ended, '
    || (SELECT count(*) FROM invites WHERE declined_at IS NOT NULL) || ' declined, '
    || (SELECT count(*) FROM audit_log) || ' audit rows, seats left '
    || seat_available(1) AS f;
.echo off
.once keys.sql
SELECT '.parameter set @ann ' || quote(invite_create('ann@example.com', 1, 1, 1, '{"first_name":"Ann","last_name":"Lee"}'))
    || char(10) || '.parameter set @bob ' || quote(invite_create('bob@example.com', 2, 4, 1, '{"first_name":"Bob","last_name":"Ray"}'))
    || char(10) || '.parameter set @gus ' || quote(guest_invite('gus@partner.example', 1, 1));
.read keys.sql
.echo on
-- Ann's pending invite holds the last seat of subscription 1
SELECT f FROM fingerprint;
SELECT invite_decline(@ann ->> '$.key', 'I joined another team');
SELECT state, declined_at, decline_reason, revoked_at FROM invite_status WHERE invite_id = @ann ->> '$.id';
SELECT invite_peek(@ann ->> '$.key') ->> '$.state';
-- the seat is free again, and the event is in the log
SELECT f FROM fingerprint;
SELECT action, subject, detail FROM audit_log ORDER BY id DESC LIMIT 1;
SELECT group_concat(event, ',') FROM invite_events(0) WHERE invite_id = @ann ->> '$.id';
-- the key is dead: neither redeem nor a second decline
SELECT invite_redeem(@ann ->> '$.key', 'ann@example.com');
SELECT invite_decline(@ann ->> '$.key');
-- a declined invite never blocks a new one for the same person
SELECT json_type(invite_create('ann@example.com', 1, 1, 1, '{"first_name":"Ann","last_name":"Lee"}')) = 'object';
-- a guest invite, without a reason
SELECT invite_decline(json_extract(@gus, '$[0].key')) ->> '$.state';
-- refused declines change nothing
SELECT f FROM fingerprint;
SELECT invite_decline('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
SELECT invite_decline('not a key');
SELECT invite_decline(NULL);
SELECT invite_decline(@bob ->> '$.key', 'line one' || char(10) || 'line two');
SELECT invite_decline(@bob ->> '$.key', 42);
SELECT f FROM fingerprint;
-- a revoked invite is not declined afterwards
SELECT invite_revoke(@bob ->> '$.id');
SELECT invite_decline(@bob ->> '$.key');
-- after expiry the key cannot say no either
.echo off
.once keys.sql
SELECT '.parameter set @cy ' || quote(invite_create('cy@example.com', 2, 4, 1, '{"first_name":"Cy","last_name":"Lo"}'));
.read keys.sql
.echo on
SELECT invite_clock('2027-02-01 10:00:00') IS NOT NULL;
SELECT invite_decline(@cy ->> '$.key');
-- plain SQL follows the same law: a decline is the end of a pending invite
UPDATE invites SET declined_at = '2027-02-01 10:00:00' WHERE id = @cy ->> '$.id';
UPDATE invites SET declined_at = revoked_at WHERE id = @bob ->> '$.id';
UPDATE invites SET decline_reason = 'changed my mind' WHERE id = @ann ->> '$.id';
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, subscription_id, role_id, created_at, expires_at, declined_at)
VALUES ('member', randomblob(32), 1, 'dee@example.com', 1, 2, 4, '2027-02-01 10:00:00', '2027-02-08 10:00:00', '2027-02-01 10:00:00');
SELECT state, count(*) FROM invite_status GROUP BY state ORDER BY state;
SELECT invite_audit_verify();
