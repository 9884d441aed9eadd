-- The events of guests, support sessions and templates are audited too,
-- and the chain still verifies.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo off
.once keys.sql
SELECT '.parameter set @g ' || quote(guest_invite('gia@example.com hal@example.com', 1, 1, '{"days":30}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @s ' || quote(session_invite(1, 2, 1, 'Xena from Vendor'));
.read keys.sql
.echo on
SELECT invite_redeem(@g ->> '$[0].key') ->> '$.kind', invite_redeem(@g ->> '$[1].key') ->> '$.kind';
SELECT invite_redeem(@s ->> '$.key') ->> '$.kind';
SELECT invite_clock('2027-01-20 10:00:00');
SELECT guest_renew(1);
SELECT guest_remove(1);
SELECT guest_leave(8, 1);
-- the owner leaves, no other licensed representative: the external is logged out
SELECT session_leave(1, 2);
UPDATE templates SET subject = 'Welcome to %BUSINESS_NAME%' WHERE business_id IS NULL AND kind = 'guest_invite';
SELECT id, actor_id, action, subject FROM audit_trail
 WHERE action GLOB 'guest.*' OR action GLOB 'session.*' OR action GLOB 'external.*' OR action GLOB 'template.*';
SELECT detail ->> '$.reason' FROM audit_log WHERE action = 'external.logged_out';
SELECT invite_audit_verify();
