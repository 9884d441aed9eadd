-- schema.sql — the tables of sqlite-invite and their indexes.
--
-- "$S" stands for the schema invite_init() installs into; names inside
-- triggers and views stay unqualified, so they resolve in that schema.
-- Tables are created IF NOT EXISTS: an application may have made its own
-- `users` (or any catalog table) first, with at least these columns.
-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS', comparable as text.

-- Bookkeeping: schema version and hash, the pinned clock.
CREATE TABLE IF NOT EXISTS $S.invite_meta(
  name  TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;
-- Present from the first statement of an install (0 until the install is
-- recorded).
INSERT OR IGNORE INTO $S.invite_meta(name, value) VALUES ('schema_version', 0);
-- The clock view (invite_now) takes its one row from here: NULL follows the
-- real clock, a timestamp pins it (invite_clock()). The row is kept. (Builds
-- before it was kept audited any insert of it as a pin: their trigger goes
-- first; audit.sql makes it again.)
DROP TRIGGER IF EXISTS $S.audit_clock_pinned;
INSERT OR IGNORE INTO $S.invite_meta(name, value) VALUES ('clock', NULL);

-- ---- the catalog an application writes directly ----

CREATE TABLE IF NOT EXISTS $S.businesses(
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS $S.apps(
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS $S.subscriptions(
  id          INTEGER PRIMARY KEY,
  business_id INTEGER NOT NULL REFERENCES businesses(id),
  app_id      INTEGER NOT NULL REFERENCES apps(id),
  plan        TEXT NOT NULL,
  seats       INTEGER              -- NULL: unlimited
);
CREATE INDEX IF NOT EXISTS $S.subscriptions_by_business
  ON subscriptions(business_id, app_id);

CREATE TABLE IF NOT EXISTS $S.roles(
  id         INTEGER PRIMARY KEY,
  app_id     INTEGER NOT NULL REFERENCES apps(id),
  name       TEXT NOT NULL,
  rank       INTEGER NOT NULL,     -- higher may do more
  can_invite INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS $S.roles_by_app ON roles(app_id, rank);

CREATE TABLE IF NOT EXISTS $S.users(
  id         INTEGER PRIMARY KEY,
  email      TEXT NOT NULL,
  first_name TEXT,
  last_name  TEXT
);
-- One user per address, compared case-insensitively.
CREATE UNIQUE INDEX IF NOT EXISTS $S.users_email ON users(email COLLATE NOCASE);

CREATE TABLE IF NOT EXISTS $S.account_managers(
  business_id INTEGER NOT NULL REFERENCES businesses(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY(business_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS $S.account_managers_by_user
  ON account_managers(user_id);

CREATE TABLE IF NOT EXISTS $S.members(
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users(id),
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
  role_id         INTEGER NOT NULL REFERENCES roles(id),
  invite_id       INTEGER REFERENCES invites(id),  -- NULL: added directly
  joined_at       TEXT
);
-- One membership per user and subscription.
CREATE UNIQUE INDEX IF NOT EXISTS $S.members_by_subscription
  ON members(subscription_id, user_id);
CREATE INDEX IF NOT EXISTS $S.members_by_user ON members(user_id);
CREATE INDEX IF NOT EXISTS $S.members_by_invite ON members(invite_id)
  WHERE invite_id IS NOT NULL;

-- business_id NULL: the default for every business.
CREATE TABLE IF NOT EXISTS $S.settings(
  business_id INTEGER REFERENCES businesses(id),
  name        TEXT NOT NULL,
  value
);
CREATE UNIQUE INDEX IF NOT EXISTS $S.settings_by_name
  ON settings(name, ifnull(business_id, 0));
CREATE INDEX IF NOT EXISTS $S.settings_by_business ON settings(business_id, name);

-- The settings the product knows, with their built-in defaults.
CREATE TABLE IF NOT EXISTS $S.invite_setting_defs(
  name        TEXT PRIMARY KEY,
  value       NOT NULL,
  description TEXT NOT NULL
) WITHOUT ROWID;
INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('invite_days', 7, 'days a member invitation key stays good'),
  ('base_url', 'https://invite.example.com/accept',
   'where invitation links point; the key is added as ?key=...');

-- ---- the extension's own tables ----

-- One row per invitation, of every kind. The key itself is never stored:
-- key_hash is its BLAKE2b-256 hash. Columns that do not apply to a kind
-- stay NULL (or 0). The kinds, for the SQL and the C (tools/expand-kinds.awk):
-- kinds: invite member guest session
CREATE TABLE IF NOT EXISTS $S.invites(
  id              INTEGER PRIMARY KEY,
  -- Not IN (...): a list of three builds a temporary index on every insert.
  kind            TEXT NOT NULL CHECK (@kind_in(invite, kind)),
  key_hash        BLOB NOT NULL,
  inviter_id      INTEGER NOT NULL REFERENCES users(id),
  user_id         INTEGER REFERENCES users(id),  -- invitee, when already a user
  email           TEXT,       -- the address it is bound to (normalised)
  first_name      TEXT,       -- for a user created on redemption
  last_name       TEXT,
  business_id     INTEGER NOT NULL REFERENCES businesses(id),
  subscription_id INTEGER REFERENCES subscriptions(id),    -- member
  role_id         INTEGER REFERENCES roles(id),            -- member
  account_manager INTEGER NOT NULL DEFAULT 0,              -- guest
  can_invite      INTEGER NOT NULL DEFAULT 0,              -- guest
  access_days     INTEGER,                                 -- guest
  session_id      INTEGER,                                 -- session
  profile_id      INTEGER,                                 -- session
  portal_id       INTEGER,                                 -- session
  display_name    TEXT,                                    -- session
  comments        TEXT,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  redeemed_at     TEXT,
  redeemed_by     INTEGER REFERENCES users(id),
  revoked_at      TEXT,       -- also set, to the same time, when declined
  declined_at     TEXT,       -- the invitee said no (invite_decline); schema 2
  decline_reason  TEXT,
  metadata        TEXT,       -- a JSON object of the application's, <= 4 KB; schema 2
  sent_count      INTEGER NOT NULL DEFAULT 1,   -- 1 + resends
  last_sent_at    TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS $S.invites_by_key ON invites(key_hash);
-- Pending member invites reserve seats: counted per subscription. Guest
-- invites have none and are left out.
CREATE INDEX IF NOT EXISTS $S.invites_pending_by_subscription
  ON invites(subscription_id, expires_at)
  WHERE subscription_id IS NOT NULL AND redeemed_at IS NULL AND revoked_at IS NULL;
-- "A second pending invite for the same person" is looked up by address.
CREATE INDEX IF NOT EXISTS $S.invites_pending_by_email
  ON invites(email COLLATE NOCASE)
  WHERE redeemed_at IS NULL AND revoked_at IS NULL;

-- Keys an invite had before invite_resend() replaced them. live = 1 when
-- the resend kept old keys good ("keep_old_keys"); dead ones stay listed so
-- a replaced key is told apart from an unknown one and is never reused.
CREATE TABLE IF NOT EXISTS $S.invite_old_keys(
  key_hash   BLOB PRIMARY KEY,
  invite_id  INTEGER NOT NULL REFERENCES invites(id),
  live       INTEGER NOT NULL,
  retired_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS $S.invite_old_keys_by_invite ON invite_old_keys(invite_id);
