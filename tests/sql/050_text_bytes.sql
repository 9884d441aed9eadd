-- Text is valid UTF-8 without NUL, or refused naming the argument or option;
-- messages escape the bad bytes (\xFF) so every client can decode them.
.mode list
.nullvalue NULL
SELECT invite_init() > 0;
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
CREATE TEMP VIEW fingerprint AS
SELECT (SELECT count(*) FROM invites) || ' invites, '
    || (SELECT count(*) FROM sessions) || ' sessions, '
    || (SELECT count(*) FROM outbox) || ' emails' AS f;
SELECT * FROM fingerprint;
.echo on
-- arguments
SELECT invite_create(CAST(x'616e6effe4' AS TEXT), 2, 4, 1);
SELECT invite_create(CAST(x'616e6e00' AS TEXT) || 'x@example.com', 2, 4, 1);
SELECT invite_create(CAST(x'c0af' AS TEXT) || '@example.com', 2, 4, 1);
SELECT invite_create(CAST(x'eda080' AS TEXT) || '@example.com', 2, 4, 1);
SELECT invite_redeem(CAST(x'ff' AS TEXT));
SELECT invite_redeem('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', NULL, CAST(x'3230332e302e3131332eff' AS TEXT));
SELECT guest_invite(CAST(x'61ff40782e6578616d706c65' AS TEXT), 1, 1);
SELECT session_invite(1, 1, 1, CAST(x'53757070fe' AS TEXT));
-- options: bytes, the NUL escape, strict types
SELECT invite_create('ann@example.com', 2, 4, 1, json_object('first_name', CAST(x'41ff' AS TEXT), 'last_name', 'Lee'));
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee","comments":"c\u0000hidden"}');
SELECT session_invite(1, 1, 1, 'Support', '{"email":"ann@x.example\u0000evil"}');
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee","days":true}');
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee","days":1.5}');
SELECT invite_create('ann@example.com', 2, 4, 1, '{"first_name":1,"last_name":"Lee"}');
SELECT guest_invite('gus@example.com', 1, 1, '{"can_invite":2}');
SELECT guest_invite('gus@example.com', 1, 1, '{"days":false}');
SELECT session_invite(1, 1, 1, 'Support', '{"portal":true}');
SELECT * FROM fingerprint;
-- an escaped backslash before u0000 is text, not a NUL; valid UTF-8 passes
SELECT json_extract(invite_create('ann@example.com', 2, 4, 1, '{"first_name":"J' || char(246) || 'rg","last_name":"Lee","comments":"a\\u0000b"}'), '$.id');
SELECT first_name, comments FROM invites;
SELECT json_extract(guest_invite('gus@example.com', 1, 1, '{"can_invite":true,"account_manager":0}'), '$[0].id') IS NOT NULL;
SELECT * FROM fingerprint;
