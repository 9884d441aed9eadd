-- 002_invite_decline.sql — schema 1 (release 0.1.0) to 2: an invitee may
-- decline (invite_decline); an invite keeps the application's metadata. Run once by invite_init() on a database whose
-- schema_version is below 2, before the schema files; a new database gets
-- the columns from sql/schema.sql.
ALTER TABLE $S.invites ADD COLUMN declined_at TEXT;
ALTER TABLE $S.invites ADD COLUMN decline_reason TEXT;
ALTER TABLE $S.invites ADD COLUMN metadata TEXT;
