-- The options every key-making verb takes: "send_email": false (the key and
-- URL come back, no email is queued) and "metadata" (a JSON object of the
-- application's, at most 4 KB, returned by invite_peek and invite_redeem,
-- in invite_status, in no email).
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
UPDATE subscriptions SET seats = 10 WHERE id = 1;
CREATE TEMP VIEW key_fp AS
SELECT (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM outbox) || ' emails, '
    || (SELECT count(*) FROM invites WHERE metadata IS NOT NULL) || ' with metadata' AS f;
.echo off
.once keys.sql
SELECT '.parameter set @ann ' || quote(invite_create('ann@example.com', 1, 1, 1,
         '{"first_name":"Ann","last_name":"Lee","send_email":false,"metadata":{"campaign":"spring","return_to":"/projects/7"}}'))
    || char(10) || '.parameter set @gus ' || quote(guest_invite('gus@partner.example, gil@partner.example', 1, 1,
         '{"send_email":false,"metadata":{"for":"audit review"}}'))
    || char(10) || '.parameter set @ext ' || quote(session_invite(1, 2, 1, 'Xavier',
         '{"email":"xav@vendor.com","send_email":false,"metadata":{"ticket":4711}}'))
    || char(10) || '.parameter set @bob ' || quote(invite_create('bob@example.com', 1, 1, 1,
         '{"first_name":"Bob","last_name":"Ray","metadata":{"campaign":"spring"}}'));
.read keys.sql
.echo on
-- keys and URLs come back; only Bob's invite queued an email
SELECT length(@ann ->> '$.key'), @ann ->> '$.url' LIKE 'https://%?key=%',
       json_array_length(@gus), length(@ext ->> '$.key');
SELECT f FROM key_fp;
SELECT recipient FROM outbox;
-- the metadata is in no email
SELECT count(*) FROM outbox WHERE instr(body, 'spring') OR instr(subject, 'spring');
-- peek, the status view and redeem give it back as the object it was
SELECT invite_peek(@ann ->> '$.key') -> '$.metadata';
SELECT invite_id, metadata FROM invite_status WHERE metadata IS NOT NULL ORDER BY invite_id;
SELECT invite_redeem(@ann ->> '$.key', 'ann@example.com') -> '$.metadata';
SELECT invite_redeem(json_extract(@gus, '$[0].key'), 'gus@partner.example') ->> '$.metadata.for';
SELECT invite_redeem(@ext ->> '$.key', 'xav@vendor.com') ->> '$.metadata.ticket';
-- an invite without metadata has none in its results
SELECT json_type(invite_peek(invite_create('dee@example.com', 1, 1, 1,
         '{"first_name":"Dee","last_name":"Do"}') ->> '$.key'), '$.metadata') IS NULL;
-- a resend may send no email, and may replace the metadata
SELECT invite_resend(@bob ->> '$.id', '{"send_email":false,"metadata":{"campaign":"summer"}}') ->> '$.id';
SELECT f FROM key_fp;
SELECT metadata FROM invite_status WHERE invite_id = @bob ->> '$.id';
-- refused, and nothing written
SELECT invite_create('cy@example.com', 1, 1, 1, '{"first_name":"Cy","last_name":"Lo","metadata":[1,2]}');
SELECT invite_create('cy@example.com', 1, 1, 1, '{"first_name":"Cy","last_name":"Lo","metadata":"spring"}');
SELECT invite_create('cy@example.com', 1, 1, 1, json_object('first_name', 'Cy', 'last_name', 'Lo',
         'metadata', json_object('blob', printf('%.5000c', 'x'))));
SELECT guest_invite('cy@partner.example', 1, 1, '{"send_email":"no"}');
SELECT session_invite(1, 2, 1, 'Yves', '{"send_email":2}');
SELECT f FROM key_fp;
-- plain SQL keeps the same law
UPDATE invites SET metadata = '[1]' WHERE id = @bob ->> '$.id';
UPDATE invites SET metadata = 'not json' WHERE id = @bob ->> '$.id';
UPDATE invites SET metadata = '{"x":1}' WHERE id = @ann ->> '$.id';
SELECT invite_audit_verify();
