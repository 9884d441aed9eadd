-- Bad input to the session verbs: a clear error naming the problem, and
-- nothing written.
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
.read _sessions.inc
.echo on
-- no portal at all (none is in use yet, so they may go)
CREATE TEMP TABLE saved_portals AS SELECT * FROM portals;
DELETE FROM portals;
SELECT session_invite(1, 2, 1, 'Eve');
INSERT INTO portals SELECT * FROM saved_portals;
SELECT f FROM fingerprint;
-- session_invite: ids
SELECT session_invite(NULL, 2, 1, 'Eve');
SELECT session_invite('1', 2, 1, 'Eve');
SELECT session_invite(1, 2.5, 1, 'Eve');
SELECT session_invite(1, 2, 0, 'Eve');
SELECT session_invite(1, 2, x'01', 'Eve');
-- session_invite: the name shown to the customer
SELECT session_invite(1, 2, 1, NULL);
SELECT session_invite(1, 2, 1, 42);
SELECT session_invite(1, 2, 1, '');
SELECT session_invite(1, 2, 1, ' 	 ');
SELECT session_invite(1, 2, 1, 'Eve' || char(13, 10) || 'Bcc: x@example.com');
SELECT session_invite(1, 2, 1, 'Eve' || char(10));
SELECT session_invite(1, 2, 1, 'Eve' || char(0) || 'x');
SELECT session_invite(1, 2, 1, printf('%.201c', 'a'));
SELECT session_invite(1, 2, 1, printf('%.100000c', 'a'));
-- session_invite: options
SELECT session_invite(1, 2, 1, 'Eve', 'not json');
SELECT session_invite(1, 2, 1, 'Eve', 42);
SELECT session_invite(1, 2, 1, 'Eve', '[1]');
SELECT session_invite(1, 2, 1, 'Eve', '{"nope":1}');
SELECT session_invite(1, 2, 1, 'Eve', '{"portal":"2"}');
SELECT session_invite(1, 2, 1, 'Eve', '{"portal":0}');
SELECT session_invite(1, 2, 1, 'Eve', '{"portal":-3}');
SELECT session_invite(1, 2, 1, 'Eve', '{"email":7}');
SELECT session_invite(1, 2, 1, 'Eve', '{"email":"not-an-address"}');
SELECT session_invite(1, 2, 1, 'Eve', json_object('email', 'eve@example.com' || char(13, 10) || 'Bcc: x@example.com'));
SELECT session_invite(1, 2, 1, 'Eve', json_object('email', printf('%.2000c', 'a')));
SELECT session_invite(1, 2, 1, 'Eve', json_object('comments', printf('%.2001c', 'a')));
SELECT session_invite(1, 2, 1, 'Eve', '{"comments":"x","comments":"y"}');
SELECT f FROM fingerprint;
-- comments reach only the roster and the email body: line breaks are kept
SELECT session_invite(1, 2, 1, 'Eve', json_object('comments', 'line one' || char(10) || 'line two')) ->> '$.id';
SELECT comments = 'line one' || char(10) || 'line two' FROM invites WHERE id = 1;
-- at the limits
SELECT session_invite(1, 2, 1, printf('%.200c', 'a'), json_object('comments', printf('%.2000c', 'b'))) ->> '$.id';
-- session_join / session_leave
SELECT session_join(NULL, 3);
SELECT session_join(1, 'vic@acme.com');
SELECT session_join(1, -3);
SELECT session_join(9, 3);
SELECT session_join(1, 99);
SELECT session_join(1, 1);
SELECT session_leave(NULL, 2);
SELECT session_leave(1, NULL);
SELECT session_leave(1, 0);
SELECT session_leave(1, 99);
SELECT f FROM fingerprint;
-- verbs are DIRECTONLY and refuse to run under a writing statement
CREATE TEMP TABLE t(x);
INSERT INTO t SELECT session_join(1, 3);
INSERT INTO t SELECT session_invite(1, 2, 1, 'Eve');
CREATE VIEW v AS SELECT session_leave(1, 2);
SELECT * FROM v;
SELECT name, narg, flags & 0x80000 <> 0 AS directonly, flags & 0x200000 <> 0 AS innocuous
  FROM pragma_function_list WHERE name LIKE 'session_%' ORDER BY name, narg;
SELECT f FROM fingerprint;
