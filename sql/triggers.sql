-- triggers.sql — the law for members, seats and member invitations.
--
-- These hold for every client, including one that writes with plain
-- INSERT/UPDATE and has never loaded the extension. A write that would
-- break a rule fails with RAISE(ABORT, '<table>: <rule>') and changes
-- nothing. The verbs rely on them: they do not check the same thing twice,
-- they turn a refusal into a message with the details.

-- ---- bookkeeping ----

-- The schema version row and the clock row (the clock view's one row) are
-- kept, under their names.
CREATE TRIGGER $S.invite_meta_keep_version BEFORE DELETE ON invite_meta
WHEN OLD.name IN ('schema_version', 'clock')
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: schema_version is kept')
   WHERE OLD.name = 'schema_version';
  SELECT RAISE(ABORT, 'invite_meta: the clock row is kept (invite_clock(NULL) releases the clock)')
   WHERE OLD.name = 'clock';
END;

CREATE TRIGGER $S.invite_meta_keep_names BEFORE UPDATE OF name ON invite_meta
WHEN OLD.name IN ('schema_version', 'clock') AND NEW.name IS NOT OLD.name
BEGIN
  SELECT RAISE(ABORT, 'invite_meta: schema_version and clock keep their names');
END;

-- ---- users ----

CREATE TRIGGER $S.users_check_insert BEFORE INSERT ON users
BEGIN
  SELECT RAISE(ABORT, 'users: email and names cannot contain line breaks')
   WHERE instr(NEW.email, char(10)) OR instr(NEW.email, char(13))
      OR instr(NEW.first_name, char(10)) OR instr(NEW.first_name, char(13))
      OR instr(NEW.last_name, char(10)) OR instr(NEW.last_name, char(13));
  SELECT RAISE(ABORT, 'users: invalid email address')
   WHERE typeof(NEW.email) <> 'text'
      OR trim(NEW.email) NOT GLOB '?*@?*.?*' OR trim(NEW.email) GLOB '*[ ,;<>]*'
      OR trim(NEW.email) GLOB '*@*@*';
END;

CREATE TRIGGER $S.users_check_update BEFORE UPDATE OF email, first_name, last_name ON users
BEGIN
  SELECT RAISE(ABORT, 'users: email and names cannot contain line breaks')
   WHERE instr(NEW.email, char(10)) OR instr(NEW.email, char(13))
      OR instr(NEW.first_name, char(10)) OR instr(NEW.first_name, char(13))
      OR instr(NEW.last_name, char(10)) OR instr(NEW.last_name, char(13));
  SELECT RAISE(ABORT, 'users: invalid email address')
   WHERE typeof(NEW.email) <> 'text'
      OR trim(NEW.email) NOT GLOB '?*@?*.?*' OR trim(NEW.email) GLOB '*[ ,;<>]*'
      OR trim(NEW.email) GLOB '*@*@*';
END;

-- Stored addresses are normalised: trimmed, domain in lower case.
CREATE TRIGGER $S.users_normalize_insert AFTER INSERT ON users
WHEN NEW.email IS NOT substr(trim(NEW.email), 1, instr(trim(NEW.email), '@'))
                 || lower(substr(trim(NEW.email), instr(trim(NEW.email), '@') + 1))
BEGIN
  UPDATE users SET email = substr(trim(email), 1, instr(trim(email), '@'))
                           || lower(substr(trim(email), instr(trim(email), '@') + 1))
   WHERE id = NEW.id;
END;

CREATE TRIGGER $S.users_normalize_update AFTER UPDATE OF email ON users
WHEN NEW.email IS NOT substr(trim(NEW.email), 1, instr(trim(NEW.email), '@'))
                 || lower(substr(trim(NEW.email), instr(trim(NEW.email), '@') + 1))
BEGIN
  UPDATE users SET email = substr(trim(email), 1, instr(trim(email), '@'))
                           || lower(substr(trim(email), instr(trim(email), '@') + 1))
   WHERE id = NEW.id;
END;

-- ---- subscriptions and roles ----

CREATE TRIGGER $S.subscriptions_check_insert BEFORE INSERT ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: seats must be NULL (unlimited) or a whole number >= 0')
   WHERE NEW.seats IS NOT NULL AND (typeof(NEW.seats) <> 'integer' OR NEW.seats < 0);
  SELECT RAISE(ABORT, 'subscriptions: unknown business')
   WHERE NOT EXISTS (SELECT 1 FROM businesses WHERE id = NEW.business_id);
  SELECT RAISE(ABORT, 'subscriptions: unknown app')
   WHERE NOT EXISTS (SELECT 1 FROM apps WHERE id = NEW.app_id);
END;

CREATE TRIGGER $S.subscriptions_check_update BEFORE UPDATE ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: seats must be NULL (unlimited) or a whole number >= 0')
   WHERE NEW.seats IS NOT NULL AND (typeof(NEW.seats) <> 'integer' OR NEW.seats < 0);
  SELECT RAISE(ABORT, 'subscriptions: a subscription in use cannot move to another business or app')
   WHERE (NEW.business_id IS NOT OLD.business_id OR NEW.app_id IS NOT OLD.app_id
          OR NEW.id IS NOT OLD.id)
     AND (EXISTS (SELECT 1 FROM members WHERE subscription_id = OLD.id)
          OR EXISTS (SELECT 1 FROM invites WHERE subscription_id = OLD.id));
END;

CREATE TRIGGER $S.subscriptions_seats_update AFTER UPDATE OF seats ON subscriptions
BEGIN
  SELECT RAISE(ABORT, 'subscriptions: seats cannot go below the seats in use and reserved')
    FROM seat_usage WHERE subscription_id = NEW.id AND available < 0;
END;

-- Deleting a subscription in use: subscriptions_guard_delete (guards.sql);
-- builds before it had their own trigger.
DROP TRIGGER IF EXISTS $S.subscriptions_check_delete;

CREATE TRIGGER $S.roles_check_insert BEFORE INSERT ON roles
BEGIN
  SELECT RAISE(ABORT, 'roles: rank must be an integer')
   WHERE typeof(NEW.rank) <> 'integer';
  SELECT RAISE(ABORT, 'roles: can_invite must be 0 or 1')
   WHERE NEW.can_invite NOT IN (0, 1);
  SELECT RAISE(ABORT, 'roles: unknown app')
   WHERE NOT EXISTS (SELECT 1 FROM apps WHERE id = NEW.app_id);
END;

CREATE TRIGGER $S.roles_check_update BEFORE UPDATE ON roles
BEGIN
  SELECT RAISE(ABORT, 'roles: rank must be an integer')
   WHERE typeof(NEW.rank) <> 'integer';
  SELECT RAISE(ABORT, 'roles: can_invite must be 0 or 1')
   WHERE NEW.can_invite NOT IN (0, 1);
  SELECT RAISE(ABORT, 'roles: a role in use cannot move to another app')
   WHERE (NEW.app_id IS NOT OLD.app_id OR NEW.id IS NOT OLD.id)
     AND (EXISTS (SELECT 1 FROM members WHERE role_id = OLD.id)
          OR EXISTS (SELECT 1 FROM invites WHERE role_id = OLD.id));
END;

-- ---- members ----

CREATE TRIGGER $S.members_check_insert BEFORE INSERT ON members
BEGIN
  SELECT RAISE(ABORT, 'members: unknown user')
   WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id);
  SELECT RAISE(ABORT, 'members: unknown subscription')
   WHERE NOT EXISTS (SELECT 1 FROM subscriptions WHERE id = NEW.subscription_id);
  SELECT RAISE(ABORT, 'members: role belongs to another app than the subscription [members.role_app]')
   WHERE NOT EXISTS (SELECT 1 FROM roles r, subscriptions s
                      WHERE r.id = NEW.role_id AND s.id = NEW.subscription_id
                        AND r.app_id = s.app_id);
  SELECT RAISE(ABORT, 'members: already a member of this subscription')
   WHERE EXISTS (SELECT 1 FROM members
                  WHERE subscription_id = NEW.subscription_id AND user_id = NEW.user_id);
END;

-- Seat triggers count members and pending invites of the subscription: an
-- unlimited one (seats NULL) can never be over, so it is not counted (the
-- count grows with the subscription; the seats lookup does not).
CREATE TRIGGER $S.members_seats_insert AFTER INSERT ON members
WHEN (SELECT seats FROM subscriptions WHERE id = NEW.subscription_id) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'members: seat limit reached [members.seat_limit]')
    FROM seat_usage WHERE subscription_id = NEW.subscription_id AND available < 0;
END;

CREATE TRIGGER $S.members_check_update BEFORE UPDATE OF user_id, subscription_id, role_id, invite_id ON members
BEGIN
  SELECT RAISE(ABORT, 'members: a membership cannot move to another user, subscription or invite')
   WHERE NEW.user_id IS NOT OLD.user_id OR NEW.subscription_id IS NOT OLD.subscription_id
      OR NEW.invite_id IS NOT OLD.invite_id;
  SELECT RAISE(ABORT, 'members: role belongs to another app than the subscription [members.role_app]')
   WHERE NOT EXISTS (SELECT 1 FROM roles r, subscriptions s
                      WHERE r.id = NEW.role_id AND s.id = NEW.subscription_id
                        AND r.app_id = s.app_id);
END;

-- ---- invites ----

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

-- Member invitations: the cascade business -> app -> subscription -> role,
-- and who may invite whom with which role.
CREATE TRIGGER $S.invites_check_member BEFORE INSERT ON invites
WHEN NEW.kind = 'member'
BEGIN
  SELECT RAISE(ABORT, 'invites: a member invite needs the invitee''s email')
   WHERE NEW.email IS NULL;
  SELECT RAISE(ABORT, 'invites: subscription belongs to another business')
   WHERE NOT EXISTS (SELECT 1 FROM subscriptions
                      WHERE id = NEW.subscription_id AND business_id = NEW.business_id);
  SELECT RAISE(ABORT, 'invites: role belongs to another app than the subscription [invites.role_app]')
   WHERE NOT EXISTS (SELECT 1 FROM roles r, subscriptions s
                      WHERE r.id = NEW.role_id AND s.id = NEW.subscription_id
                        AND r.app_id = s.app_id);
  SELECT RAISE(ABORT, 'invites: already a member of this subscription')
   WHERE EXISTS (SELECT 1 FROM members m, users u
                  WHERE m.subscription_id = NEW.subscription_id AND m.user_id = u.id
                    AND u.email = NEW.email COLLATE NOCASE);
  SELECT RAISE(ABORT, 'invites: inviter may not invite to this subscription [invites.inviter_may_not_invite]')
   WHERE NOT EXISTS (SELECT 1 FROM business_managers
                      WHERE business_id = NEW.business_id AND user_id = NEW.inviter_id)
     AND NOT EXISTS (SELECT 1 FROM members m, roles r
                      WHERE m.subscription_id = NEW.subscription_id
                        AND m.user_id = NEW.inviter_id
                        AND r.id = m.role_id AND r.can_invite = 1);
  SELECT RAISE(ABORT, 'invites: cannot grant a role ranked above the inviter''s own')
   WHERE NOT EXISTS (SELECT 1 FROM business_managers
                      WHERE business_id = NEW.business_id AND user_id = NEW.inviter_id)
     AND (SELECT r.rank FROM members m, roles r
           WHERE m.subscription_id = NEW.subscription_id
             AND m.user_id = NEW.inviter_id AND r.id = m.role_id)
         < (SELECT rank FROM roles WHERE id = NEW.role_id);
  -- "+" keeps the planner on invites_pending_by_email (a handful of rows)
  -- rather than every pending invite of the subscription. The clock is read
  -- as a scalar: joined, the one-row view is materialized on every call.
  SELECT RAISE(ABORT, 'invites: a pending invite for this person and subscription exists (resend it) [invites.pending_member_invite]')
   WHERE EXISTS (SELECT 1 FROM invites i
                  WHERE i.email = NEW.email COLLATE NOCASE
                    AND +i.subscription_id = NEW.subscription_id AND i.kind = 'member'
                    AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
                    AND i.expires_at > (SELECT now FROM invite_now));
END;

-- A pending invite reserves a seat of its subscription.
CREATE TRIGGER $S.invites_seats_insert AFTER INSERT ON invites
WHEN (SELECT seats FROM subscriptions WHERE id = NEW.subscription_id) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'invites: seat limit reached [invites.seat_limit]')
    FROM seat_usage WHERE subscription_id = NEW.subscription_id AND available < 0;
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

-- An expired invite given a new life by a resend reserves its seat again
-- and must not duplicate a newer pending invite.
CREATE TRIGGER $S.invites_revive AFTER UPDATE OF expires_at ON invites
WHEN NEW.redeemed_at IS NULL AND NEW.revoked_at IS NULL
BEGIN
  SELECT RAISE(ABORT, 'invites: seat limit reached [invites.seat_limit]')
    FROM seat_usage WHERE subscription_id = NEW.subscription_id AND available < 0;
  SELECT RAISE(ABORT, 'invites: a pending invite for this person and subscription exists (resend it) [invites.pending_member_invite]')
   WHERE NEW.kind = 'member'
     AND EXISTS (SELECT 1 FROM invites i
                  WHERE i.email = NEW.email COLLATE NOCASE AND i.id <> NEW.id
                    AND +i.subscription_id = NEW.subscription_id AND i.kind = 'member'
                    AND i.redeemed_at IS NULL AND i.revoked_at IS NULL
                    AND i.expires_at > (SELECT now FROM invite_now));
END;

-- Redeeming a member invite makes the membership, in the same statement:
-- an invite is either fully redeemed or not at all, whoever writes.
CREATE TRIGGER $S.invites_redeem_member AFTER UPDATE OF redeemed_at ON invites
WHEN OLD.redeemed_at IS NULL AND NEW.redeemed_at IS NOT NULL AND NEW.kind = 'member'
BEGIN
  INSERT INTO members(user_id, subscription_id, role_id, invite_id, joined_at)
  VALUES (NEW.redeemed_by, NEW.subscription_id, NEW.role_id, NEW.id, NEW.redeemed_at);
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
