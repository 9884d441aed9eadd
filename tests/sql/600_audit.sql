-- The audit log: every state change appended by triggers (or by the verb for
-- a refused call), append-only, and hash-chained so that a row altered,
-- added or removed outside the extension is found by invite_audit_verify().
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.echo off
.once keys.sql
SELECT '.parameter set @a ' || quote(invite_create('amy@example.com', 2, 4, 1,
         '{"first_name":"Amy","last_name":"Ash"}'));
.read keys.sql
.once keys.sql
SELECT '.parameter set @b ' || quote(invite_create('bob@example.com', 2, 4, 1,
         '{"first_name":"Bob","last_name":"Bu"}'));
.read keys.sql
.echo on

-- every kind of event
SELECT json_type(invite_resend(@b ->> '$.id'));
SELECT invite_revoke(@b ->> '$.id');
SELECT invite_redeem(@a ->> '$.key') ->> '$.member_id';
UPDATE members SET role_id = 2 WHERE user_id = 3;
DELETE FROM members WHERE user_id = 3;
INSERT INTO account_managers VALUES (2, 2);
DELETE FROM account_managers WHERE business_id = 2;
INSERT INTO settings(business_id, name, value) VALUES (1, 'invite_days', 3);
UPDATE settings SET value = 5 WHERE name = 'invite_days';
DELETE FROM settings WHERE name = 'invite_days';
SELECT invite_clock('2027-01-02 10:00:00');
-- a refusal by the seat limit is recorded after the verb's rollback
SELECT invite_create('cat@example.com', 1, 1, 1, '{"first_name":"Cat","last_name":"Cu"}') ->> '$.id';
SELECT invite_create('dan@example.com', 1, 1, 1, '{"first_name":"Dan","last_name":"Do"}') ->> '$.id';
SELECT invite_create('eve@example.com', 1, 1, 1, '{"first_name":"Eve","last_name":"Ek"}');
SELECT count(*) FROM invites WHERE email = 'eve@example.com';
SELECT id, at, actor_id, actor_email, action, subject, detail FROM audit_trail;
SELECT count(*), count(DISTINCT hash), sum(length(hash) = 32) FROM audit_log;
SELECT count(*) FROM audit_log a JOIN audit_log b ON b.id = a.id + 1 WHERE b.prev_hash IS NOT a.hash;
SELECT invite_audit_verify();

-- append-only, whoever writes
UPDATE audit_log SET detail = '{}' WHERE id = 5;
DELETE FROM audit_log WHERE id = 5;
DELETE FROM audit_log;
-- events go through audit_append, which checks what it is given
INSERT INTO audit_append(actor, action, subject) VALUES ('mia', 'x.y', 'x:1');
INSERT INTO audit_append(actor, action, subject) VALUES (1, NULL, 'x:1');
INSERT INTO audit_append(actor, action, subject, detail) VALUES (1, 'note.added', 'x:1', '{"n":1}');
SELECT invite_audit_verify();

-- the hash is a pure function of the fields: typed and length-prefixed
-- (over the commitment of the detail with the row's salt, see audit_salts)
SELECT invite_audit_hash(prev_hash, id, at, actor, action, subject,
                         invite_audit_commit((SELECT salt FROM audit_salts WHERE audit_id = id), detail)) = hash
  FROM audit_log WHERE id = 5;
SELECT invite_audit_hash(NULL, 1, 'ab', NULL, 'c', 'd', NULL)
    <> invite_audit_hash(NULL, 1, 'a', NULL, 'bc', 'd', NULL);
SELECT invite_audit_hash(NULL, 1, 'a', 1, 'b', 'c', NULL)
    <> invite_audit_hash(NULL, 1, 'a', '1', 'b', 'c', NULL);
SELECT invite_audit_hash(NULL, 1, 'a', NULL, 'b', 'c', NULL)
    <> invite_audit_hash(NULL, 1, 'a', NULL, 'b', 'c', '');
SELECT typeof(invite_audit_hash(NULL, NULL, NULL, NULL, NULL, NULL, NULL));

-- tampering outside the extension: the triggers dropped, a row altered
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
UPDATE audit_log SET detail = json_set(detail, '$.role_id', 3) WHERE id = 9;
SELECT invite_audit_verify();
-- put back, the chain is whole again
UPDATE audit_log SET detail = json_set(detail, '$.role_id', 4) WHERE id = 9;
SELECT invite_audit_verify();
-- a changed actor
UPDATE audit_log SET actor = 2 WHERE id = 5;
SELECT invite_audit_verify();
UPDATE audit_log SET actor = 1 WHERE id = 5;
SELECT invite_audit_verify();
-- a deleted row: its successor no longer links
SAVEPOINT s;
DELETE FROM audit_log WHERE id = 12;
SELECT invite_audit_verify();
ROLLBACK TO s;
-- a row altered and re-hashed: its successor no longer links
UPDATE audit_log SET at = '2026-12-31 23:59:59',
       hash = invite_audit_hash(prev_hash, id, '2026-12-31 23:59:59', actor, action, subject,
                                invite_audit_commit((SELECT salt FROM audit_salts WHERE audit_id = id), detail))
 WHERE id = 9;
SELECT invite_audit_verify();
ROLLBACK TO s;
-- a row forged at the end, straight into the table: refused unless it
-- takes the next id; then the chain names it
INSERT INTO audit_log(at, action, subject, hash) VALUES ('2027-01-02 10:00:00', 'x', 'y', randomblob(32));
INSERT INTO audit_log(id, at, action, subject, hash) VALUES ((SELECT max(id) + 1 FROM audit_log), '2027-01-02 10:00:00', 'x', 'y', randomblob(32));
SELECT invite_audit_verify();
ROLLBACK TO s;
-- renumbered (a gap)
UPDATE audit_log SET id = 100 WHERE id = (SELECT max(id) FROM audit_log);
SELECT invite_audit_verify();
ROLLBACK TO s;
RELEASE s;
SELECT invite_audit_verify();

-- invite_audit_verify is DIRECTONLY; the hash is DETERMINISTIC|INNOCUOUS
-- (not DIRECTONLY: the trigger on audit_append calls it)
SELECT name, narg, (flags & 0x80000) <> 0 AS directonly, (flags & 0x200000) <> 0 AS innocuous,
       (flags & 0x800) <> 0 AS deterministic
  FROM pragma_function_list WHERE name LIKE 'invite_audit%' ORDER BY name;
CREATE VIEW v AS SELECT invite_audit_verify();
SELECT * FROM v;
