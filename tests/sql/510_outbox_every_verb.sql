-- Every verb that should tell someone queues one rendered email in its own
-- transaction: guest_invite (one per address), session_invite (only with an
-- email), invite_notify_expiring (once per access period).
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo on
-- guests: one email per address, duplicates collapsed, the link and names filled in
.echo off
.once keys.sql
SELECT '.parameter set @g ' || quote(guest_invite('gia@example.com, GIA@example.com	hal@example.com', 1, 1, '{"days":30}'));
.read keys.sql
.echo on
SELECT kind, invite_id, recipient, subject FROM outbox ORDER BY id;
SELECT count(*) FROM outbox o, json_each(@g) j
 WHERE o.invite_id = j.value ->> '$.id'
   AND instr(o.body, j.value ->> '$.url') AND instr(o.body, 'Mia Manager invited you to Acme as a guest');
-- a refused guest_invite queues nothing
SELECT guest_invite('ivy@example.com, bad@', 1, 1);
SELECT count(*) FROM outbox;

-- sessions: an access invite with an email is sent, one without is not
SELECT json_type(session_invite(1, 2, 1, 'Xena from Vendor', '{"email":"xena@vendor.com","comments":"printer driver"}'));
SELECT json_type(session_invite(1, 2, 3, 'Walk-in helper'));
SELECT kind, recipient, recipient_name, subject FROM outbox WHERE kind = 'session_invite';
SELECT instr(body, 'Hello Xena from Vendor,') > 0, instr(body, '(Observer)') > 0,
       instr(body, 'printer driver') > 0, instr(body, 'https://support.acme.com/join?key=') > 0
  FROM outbox WHERE kind = 'session_invite';

-- expiring soon: once per period, again after a renewal
.echo off
.once keys.sql
SELECT '.parameter set @k ' || quote(@g ->> '$[0].key');
.read keys.sql
.echo on
SELECT invite_redeem(@k) ->> '$.kind';
SELECT invite_clock('2027-01-25 10:00:00');
SELECT invite_notify_expiring();
SELECT invite_notify_expiring();
SELECT kind, recipient, subject FROM outbox WHERE kind = 'expiring_soon';
SELECT instr(body, '6 days') > 0 OR instr(body, '7 days') > 0, instr(body, 'Acme') > 0 FROM outbox WHERE kind = 'expiring_soon';
SELECT guest_renew(1);
SELECT invite_clock('2027-02-18 10:00:00');
SELECT invite_notify_expiring();
SELECT count(*) FROM outbox WHERE kind = 'expiring_soon';

-- a revoked or re-keyed invite's queued email is given up, its key scrubbed
SELECT status, last_error, secret IS NULL, instr(body, '[key removed]') > 0 FROM outbox WHERE invite_id = 2;
SELECT invite_revoke(2);
SELECT status, last_error, secret IS NULL, instr(body, '[key removed]') > 0 FROM outbox WHERE invite_id = 2;
SELECT json_type(invite_resend(3));
SELECT id, kind, status, last_error, secret IS NULL FROM outbox WHERE invite_id = 3 ORDER BY id;
