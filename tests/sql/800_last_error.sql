-- invite_last_error(): the text of the last error an extension function
-- raised on this connection (dqlite 1.11 drops it on the query path; see
-- ext/dqlite.c). On a plain file the dqlite rules stay inactive.
.mode list
.nullvalue NULL
.echo on
SELECT invite_last_error();
SELECT invite_init();
SELECT invite_clock('2027-01-01 10:00:00');
.read _catalog.inc
SELECT invite_last_error();
SELECT invite_redeem('not-a-key');
SELECT invite_last_error();
SELECT invite_create(99, 1, 1, 1);
SELECT invite_last_error();
-- a success keeps the last error (it is the last error, not the last call)
SELECT invite_revoke(invite_create(4, 1, 1, 1) ->> '$.id');
SELECT invite_last_error();
-- autocommit verbs and an attached schema work as before off dqlite
ATTACH ':memory:' AS access;
SELECT invite_init('access');
SELECT invite_last_error();
