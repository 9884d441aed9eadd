-- invite_peek on a session key shows the session, the security profile and
-- the name shown to the customer, and uses nothing up.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo off
.once keys.sql
SELECT '.parameter set @x ' || quote(session_invite(1, 2, 3, 'Xena from Vendor', '{"comments":"printer"}'));
.read keys.sql
.echo on
SELECT invite_peek(@x ->> '$.key') ->> '$.state', invite_peek(@x ->> '$.key') ->> '$.kind',
       invite_peek(@x ->> '$.key') ->> '$.session_id', invite_peek(@x ->> '$.key') ->> '$.profile_id',
       invite_peek(@x ->> '$.key') ->> '$.profile', invite_peek(@x ->> '$.key') ->> '$.display_name',
       invite_peek(@x ->> '$.key') ->> '$.can_redeem';
SELECT invite_redeem(@x ->> '$.key') ->> '$.profile_id';
SELECT invite_peek(@x ->> '$.key') ->> '$.state';
