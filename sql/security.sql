-- security.sql — rate limits: invites per inviter per rolling 24 hours,
-- and the settings of the failed-redemption limit (counted in audit_log,
-- enforced by invite_redeem, see ext/security.c).

INSERT OR REPLACE INTO $S.invite_setting_defs(name, value, description) VALUES
  ('invites_per_inviter_per_day', 100,
   'invites one inviter may create in any 24 hours (0: no limit)'),
  ('redeem_failure_limit', 10,
   'failed redemptions from one source before it is refused (0: no limit); default-for-all level only'),
  ('redeem_failure_window_minutes', 15,
   'the window in which failed redemptions are counted, and how long a source stays refused; default-for-all level only');

-- Settings that apply to no business in particular (a failed key names
-- none): the default for all (settings.business_id NULL), else built-in.
CREATE VIEW $S.invite_global_settings AS
SELECT d.name AS name,
       coalesce((SELECT s.value FROM settings s
                  WHERE s.business_id IS NULL AND s.name = d.name),
                d.value) AS value
  FROM invite_setting_defs d;

-- One row per invite, numbered per inviter in the order they were made,
-- with the clock at that moment: "the invite `limit` back" is then one
-- primary-key lookup, so checking the rolling window costs the same at the
-- 1st and the 10 millionth invite (a count over the window would step
-- through up to `limit` index entries on every insert).
CREATE TABLE IF NOT EXISTS $S.invite_rate(
  inviter_id INTEGER NOT NULL,
  seq        INTEGER NOT NULL,   -- 1, 2, 3... per inviter
  at         TEXT NOT NULL,      -- invite_now when the invite was inserted
  PRIMARY KEY(inviter_id, seq)
) WITHOUT ROWID;

-- Each invite takes the next sequence number of its inviter in invite_rate,
-- stamped with the clock at insert time (not created_at, so a plain INSERT
-- cannot slip past the limit with a back-dated row). The invite is over the
-- limit when the row `limit` places back is younger than a day: one
-- primary-key lookup, whatever the number of invites. Counting and checking
-- in one AFTER trigger spares a trigger program per invite; the RAISE undoes
-- the insert and the count together.
CREATE TRIGGER $S.invites_rate_count AFTER INSERT ON invites
BEGIN
  -- VALUES, not INSERT ... SELECT: a SELECT that reads invite_rate is first
  -- copied into a temporary table.
  INSERT INTO invite_rate(inviter_id, seq, at)
  VALUES (NEW.inviter_id,
          coalesce((SELECT seq FROM invite_rate WHERE inviter_id = NEW.inviter_id
                     ORDER BY seq DESC LIMIT 1), 0) + 1,
          (SELECT now FROM invite_now));
  SELECT RAISE(ABORT, 'invites: inviter has reached the limit of invites in 24 hours [invites.rate_limit]')
    FROM invite_settings s
   WHERE s.business_id = NEW.business_id AND s.name = 'invites_per_inviter_per_day'
     AND CAST(s.value AS INTEGER) > 0
     AND EXISTS (SELECT 1 FROM invite_rate r
                  WHERE r.inviter_id = NEW.inviter_id
                    AND r.seq = (SELECT seq FROM invite_rate WHERE inviter_id = NEW.inviter_id
                                  ORDER BY seq DESC LIMIT 1) - CAST(s.value AS INTEGER)
                    AND r.at > datetime((SELECT now FROM invite_now), '-1 day'));
END;

-- The counter is kept like the invites it counts: deleting or rewriting it
-- would reset an inviter's limit.
-- twin: invite_rate_no_delete BEFORE DELETE
CREATE TRIGGER $S.invite_rate_no_update BEFORE UPDATE ON invite_rate
BEGIN
  SELECT RAISE(ABORT, 'invite_rate: the invite counter cannot change');
END;

-- Sources of failed redemptions in the current window, and until when each
-- is refused (blocked_until NULL: not refused). For operators; the verb runs
-- the same query for one source.
CREATE VIEW $S.redeem_sources AS
WITH c AS (
  SELECT CAST(l.value AS INTEGER) AS lim, CAST(w.value AS INTEGER) AS win,
         datetime(t.now, '-' || CAST(w.value AS INTEGER) || ' minutes') AS since
    FROM invite_global_settings l, invite_global_settings w, invite_now t
   WHERE l.name = 'redeem_failure_limit'
     AND w.name = 'redeem_failure_window_minutes'),
f AS (
  SELECT a.subject, a.at,
         row_number() OVER (PARTITION BY a.subject ORDER BY a.at DESC, a.id DESC) AS rn
    FROM audit_log a, c
   WHERE a.action = 'invite.redeem_failed' AND a.subject LIKE 'source:%'
     AND a.at > c.since)
SELECT substr(f.subject, 8) AS source, count(*) AS failures,
       max(f.at) AS last_failure_at,
       (SELECT datetime(g.at, '+' || c.win || ' minutes') FROM f g
         WHERE g.subject = f.subject AND g.rn = c.lim) AS blocked_until
  FROM f, c
 GROUP BY f.subject
 ORDER BY f.subject;

-- ---- every write path (see core.sql) ----

CREATE TRIGGER $S.invite_rate_guard_insert BEFORE INSERT ON invite_rate
BEGIN
  SELECT RAISE(ABORT, 'invite_rate: written only by the extension')
   WHERE invite_law_writer() IS NOT 1;
  -- Stamped now, numbered next: a row can neither be back-dated nor skip a
  -- number, so an extra one only ever tightens the inviter's limit.
  SELECT RAISE(ABORT, 'invite_rate: a count is the inviter''s next, stamped now')
   WHERE NEW.at IS NOT (SELECT now FROM invite_now)
      OR NEW.seq IS NOT coalesce((SELECT seq FROM invite_rate WHERE inviter_id = NEW.inviter_id
                                   ORDER BY seq DESC LIMIT 1), 0) + 1;
END;

-- The extension's own invites: no id or key is ever taken twice, whatever
-- the conflict clause. Made here, after the files of every invite kind
-- (members, guests, sessions), so it refuses before any kind's rule looks
-- at the row (SQLite fires the newest trigger first).
CREATE TRIGGER $S.invites_guard_insert BEFORE INSERT ON invites
BEGIN
  -- The CHECK constraint, again: ignore_check_constraints must not let an
  -- invite of no known kind skip every kind's rules.
  SELECT RAISE(ABORT, 'invites: kind must be @kinds(invite)')
   WHERE @kind_not_in(invite, NEW.kind);
  SELECT RAISE(ABORT, 'invites: invite ids are never reused (this one exists)')
   WHERE EXISTS (SELECT 1 FROM invites WHERE id = NEW.id);
  SELECT RAISE(ABORT, 'invites: key already used')
   WHERE EXISTS (SELECT 1 FROM invites WHERE key_hash = NEW.key_hash);
END;

CREATE TRIGGER $S.invites_guard_update BEFORE UPDATE OF id, key_hash ON invites
BEGIN
  SELECT RAISE(ABORT, 'invites: key already used')
   WHERE NEW.key_hash IS NOT OLD.key_hash
     AND EXISTS (SELECT 1 FROM invites WHERE key_hash = NEW.key_hash);
END;

-- Made after the last file that inserts built-in defaults (core, guests,
-- sessions, email, this one): a later file's defaults would be refused
-- where the reference schema of invite_check() is built.
-- The built-in defaults and the schema version are the extension's: they
-- change when invite_init() installs, never otherwise (a changed default
-- would be a setting change without an audit row). Settings override them.
-- twin: invite_setting_defs_guard_update BEFORE UPDATE
-- twin: invite_setting_defs_guard_delete BEFORE DELETE
CREATE TRIGGER $S.invite_setting_defs_guard_insert BEFORE INSERT ON invite_setting_defs
BEGIN
  SELECT RAISE(ABORT, 'invite_setting_defs: the built-in defaults change only with invite_init() (set a setting instead)')
   WHERE invite_installing() IS NOT 1;
END;
