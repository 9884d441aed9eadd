-- invites.sql — what every invitation has, whatever its kind (member,
-- guest, session): the invites table, its key (never stored, never reused,
-- old keys kept), what may change once it is made, and its state. What a
-- kind adds is in the file of the kind (members.sql, guests.sql,
-- sessions.sql); declining is decline.sql.


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
-- text: invites | ext | email first_name last_name display_name comments decline_reason metadata
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

-- Every invite with its derived state.
CREATE VIEW $S.invite_status AS
SELECT i.id AS invite_id, i.kind,
       CASE WHEN i.redeemed_at IS NOT NULL THEN 'accepted'
            WHEN i.declined_at IS NOT NULL THEN 'declined'
            WHEN i.revoked_at IS NOT NULL THEN 'revoked'
            WHEN i.expires_at <= t.now THEN 'expired'
            ELSE 'pending' END AS state,
       i.business_id, b.name AS business,
       i.subscription_id, a.name AS app, s.plan,
       i.role_id, r.name AS role,
       i.email, i.user_id, i.inviter_id, u.email AS inviter_email,
       i.session_id, i.created_at, i.expires_at, i.redeemed_at,
       i.redeemed_by, i.revoked_at, i.sent_count, i.last_sent_at,
       i.declined_at, i.decline_reason, i.metadata
  FROM invites i
  JOIN invite_now t
  LEFT JOIN businesses b ON b.id = i.business_id
  LEFT JOIN subscriptions s ON s.id = i.subscription_id
  LEFT JOIN apps a ON a.id = s.app_id
  LEFT JOIN roles r ON r.id = i.role_id
  LEFT JOIN users u ON u.id = i.inviter_id;

-- ---- the law of every invite ----

CREATE TRIGGER $S.invites_check_insert BEFORE INSERT ON invites
BEGIN
  SELECT RAISE(ABORT, 'invites: key_hash must be a 32-byte hash')
   WHERE typeof(NEW.key_hash) <> 'blob' OR length(NEW.key_hash) <> 32;
  SELECT RAISE(ABORT, 'invites: key already used')
   WHERE EXISTS (SELECT 1 FROM invite_old_keys WHERE key_hash = NEW.key_hash);
  SELECT RAISE(ABORT, 'invites: a new invite must be pending')
   WHERE NEW.redeemed_at IS NOT NULL OR NEW.redeemed_by IS NOT NULL
      OR NEW.revoked_at IS NOT NULL;
  SELECT RAISE(ABORT, 'invites: expires_at must be a timestamp after created_at')
   WHERE datetime(NEW.created_at) IS NOT NEW.created_at
      OR datetime(NEW.expires_at) IS NOT NEW.expires_at
      OR NEW.expires_at <= NEW.created_at;
  SELECT RAISE(ABORT, 'invites: email and names cannot contain line breaks')
   WHERE instr(NEW.email, char(10)) OR instr(NEW.email, char(13))
      OR instr(NEW.first_name, char(10)) OR instr(NEW.first_name, char(13))
      OR instr(NEW.last_name, char(10)) OR instr(NEW.last_name, char(13))
      OR instr(NEW.display_name, char(10)) OR instr(NEW.display_name, char(13));
  SELECT RAISE(ABORT, 'invites: unknown inviter [invites.unknown_inviter]')
   WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.inviter_id);
  SELECT RAISE(ABORT, 'invites: unknown business')
   WHERE NOT EXISTS (SELECT 1 FROM businesses WHERE id = NEW.business_id);
  SELECT RAISE(ABORT, 'invites: unknown invitee')
   WHERE NEW.user_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id
                        AND email = NEW.email COLLATE NOCASE);
END;

-- invite_erasing(): 1 only inside invite_purge() and user_forget(), whose
-- own rule is invites_check_erasure (sql/retention.sql).
CREATE TRIGGER $S.invites_check_update BEFORE UPDATE ON invites
WHEN invite_erasing() IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'invites: a redeemed invite cannot change')
   WHERE OLD.redeemed_at IS NOT NULL;
  SELECT RAISE(ABORT, 'invites: a revoked invite cannot change')
   WHERE OLD.revoked_at IS NOT NULL;
  SELECT RAISE(ABORT, 'invites: only the key, expiry, sending, redemption and revocation of an invite can change')
   WHERE NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind
      OR NEW.inviter_id IS NOT OLD.inviter_id OR NEW.user_id IS NOT OLD.user_id
      OR NEW.email IS NOT OLD.email OR NEW.first_name IS NOT OLD.first_name
      OR NEW.last_name IS NOT OLD.last_name OR NEW.business_id IS NOT OLD.business_id
      OR NEW.subscription_id IS NOT OLD.subscription_id OR NEW.role_id IS NOT OLD.role_id
      OR NEW.account_manager IS NOT OLD.account_manager
      OR NEW.can_invite IS NOT OLD.can_invite OR NEW.access_days IS NOT OLD.access_days
      OR NEW.session_id IS NOT OLD.session_id OR NEW.profile_id IS NOT OLD.profile_id
      OR NEW.portal_id IS NOT OLD.portal_id OR NEW.display_name IS NOT OLD.display_name
      OR NEW.comments IS NOT OLD.comments OR NEW.created_at IS NOT OLD.created_at;
  SELECT RAISE(ABORT, 'invites: an invite cannot be both redeemed and revoked')
   WHERE NEW.redeemed_at IS NOT NULL AND NEW.revoked_at IS NOT NULL;
  SELECT RAISE(ABORT, 'invites: key_hash must be a 32-byte hash')
   WHERE typeof(NEW.key_hash) <> 'blob' OR length(NEW.key_hash) <> 32;
  SELECT RAISE(ABORT, 'invites: key already used')
   WHERE NEW.key_hash IS NOT OLD.key_hash
     AND EXISTS (SELECT 1 FROM invite_old_keys WHERE key_hash = NEW.key_hash);
  SELECT RAISE(ABORT, 'invites: expires_at must be a timestamp after created_at')
   WHERE datetime(NEW.expires_at) IS NOT NEW.expires_at
      OR NEW.expires_at <= NEW.created_at;
  -- Redemption: once, before expiry, by the invitee, with nothing else changed.
  SELECT RAISE(ABORT, 'invites: invite expired')
   WHERE NEW.redeemed_at IS NOT NULL AND OLD.expires_at <= (SELECT now FROM invite_now);
  SELECT RAISE(ABORT, 'invites: redemption cannot change the key or the expiry')
   WHERE NEW.redeemed_at IS NOT NULL
     AND (NEW.key_hash IS NOT OLD.key_hash OR NEW.expires_at IS NOT OLD.expires_at);
  -- A session key sent to no address may be redeemed by nobody in particular.
  SELECT RAISE(ABORT, 'invites: redeemed_at and redeemed_by are set together')
   WHERE (NEW.redeemed_at IS NULL) <> (NEW.redeemed_by IS NULL)
     AND NOT (NEW.redeemed_at IS NOT NULL AND OLD.kind = 'session'
              AND OLD.email IS NULL AND OLD.user_id IS NULL);
  SELECT RAISE(ABORT, 'invites: redeemed_at must be a timestamp within the invite''s life')
   WHERE NEW.redeemed_at IS NOT NULL
     AND (datetime(NEW.redeemed_at) IS NOT NEW.redeemed_at
          OR NEW.redeemed_at < OLD.created_at OR NEW.redeemed_at >= OLD.expires_at);
  SELECT RAISE(ABORT, 'invites: redeemed by someone other than the invitee')
   WHERE NEW.redeemed_by IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.redeemed_by
                       AND (OLD.email IS NULL OR u.email = OLD.email COLLATE NOCASE));
  SELECT RAISE(ABORT, 'invites: already a member of this subscription')
   WHERE NEW.redeemed_at IS NOT NULL AND OLD.kind = 'member'
     AND EXISTS (SELECT 1 FROM members
                  WHERE subscription_id = OLD.subscription_id AND user_id = NEW.redeemed_by);
END;

-- A replaced key stays listed (dead), so it is never reused and is told
-- apart from an unknown key.
CREATE TRIGGER $S.invites_retire_key AFTER UPDATE OF key_hash ON invites
WHEN NEW.key_hash IS NOT OLD.key_hash
BEGIN
  INSERT INTO invite_old_keys(key_hash, invite_id, live, retired_at)
  SELECT OLD.key_hash, OLD.id, 0, t.now FROM invite_now t;
END;

CREATE TRIGGER $S.invites_no_delete BEFORE DELETE ON invites
WHEN invite_erasing() IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'invites: invites are kept for the record (revoke instead)');
END;

CREATE TRIGGER $S.invite_old_keys_check_insert BEFORE INSERT ON invite_old_keys
BEGIN
  SELECT RAISE(ABORT, 'invite_old_keys: key already used')
   WHERE EXISTS (SELECT 1 FROM invites WHERE key_hash = NEW.key_hash);
  SELECT RAISE(ABORT, 'invite_old_keys: unknown invite')
   WHERE NOT EXISTS (SELECT 1 FROM invites WHERE id = NEW.invite_id);
END;

CREATE TRIGGER $S.invite_old_keys_check_update BEFORE UPDATE ON invite_old_keys
BEGIN
  SELECT RAISE(ABORT, 'invite_old_keys: only whether an old key stays good can change')
   WHERE NEW.key_hash IS NOT OLD.key_hash OR NEW.invite_id IS NOT OLD.invite_id
      OR NEW.retired_at IS NOT OLD.retired_at;
  SELECT RAISE(ABORT, 'invite_old_keys: the invite is no longer pending')
   WHERE NEW.live <> OLD.live
     AND EXISTS (SELECT 1 FROM invites
                  WHERE id = OLD.invite_id
                    AND (redeemed_at IS NOT NULL OR revoked_at IS NOT NULL));
END;

CREATE TRIGGER $S.invite_old_keys_no_delete BEFORE DELETE ON invite_old_keys
WHEN invite_erasing() IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'invite_old_keys: old keys are kept so they are never reused');
END;

-- Bookkeeping is written by the law's own triggers on a connection that
-- loaded the extension: invite_law_writer() exists only there, so a client
-- without it cannot write these tables at all ("no such function").
CREATE TRIGGER $S.invite_old_keys_guard_insert BEFORE INSERT ON invite_old_keys
BEGIN
  SELECT RAISE(ABORT, 'invite_old_keys: written only by the extension')
   WHERE invite_law_writer() IS NOT 1;
  SELECT RAISE(ABORT, 'invite_old_keys: key already used')
   WHERE EXISTS (SELECT 1 FROM invite_old_keys WHERE key_hash = NEW.key_hash);
  -- A key is retired by invites_retire_key, dead, at the moment its invite
  -- got a new key; invite_resend keeps it good afterwards if asked. An old
  -- key cannot be planted live, nor back-dated.
  SELECT RAISE(ABORT, 'invite_old_keys: a key is retired dead, now, from a pending invite')
   WHERE NEW.live IS NOT 0 OR NEW.retired_at IS NOT (SELECT now FROM invite_now)
      OR NOT EXISTS (SELECT 1 FROM invites WHERE id = NEW.invite_id
                        AND redeemed_at IS NULL AND revoked_at IS NULL);
END;

-- Keeping an old key good is audited (the resend that retired it is too):
-- a client without the extension cannot do it, and a look-alike hash
-- function shows in invite_audit_verify() once the chain is keyed.
CREATE TRIGGER $S.invite_old_keys_guard_live BEFORE UPDATE OF live ON invite_old_keys
WHEN NEW.live IS NOT OLD.live
BEGIN
  SELECT RAISE(ABORT, 'invite_old_keys: live is 0 or 1')
   WHERE NEW.live IS NOT 0 AND NEW.live IS NOT 1;
  SELECT RAISE(ABORT, 'invite_old_keys: only a key retired just now can be kept good')
   WHERE NEW.live = 1 AND OLD.retired_at IS NOT (SELECT now FROM invite_now)
     AND EXISTS (SELECT 1 FROM invites WHERE id = OLD.invite_id
                    AND redeemed_at IS NULL AND revoked_at IS NULL);
END;

-- The guards of invites themselves (kind, id, key) are in security.sql: they
-- must refuse before the insert rule of any kind looks at the row, so they
-- are made after the kinds' files (newest fires first).
