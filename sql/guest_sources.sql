-- guest_sources.sql — where guests may come from (seed 002: "Guests can be
-- insightsoftware users or users from the customer's partner account").
--
-- An application table, written with plain SQL. A row with business_id
-- NULL is one of the vendor's domains, allowed for every business; a row of
-- a business is one of its partners' domains. A domain admits an address
-- whose domain is that domain or a subdomain of it, case-insensitively.
-- When any row applies to a business, a guest invite of that business must
-- be addressed to an admitted address; when none applies, any address is
-- (a database without rows behaves as before the table existed).

CREATE TABLE IF NOT EXISTS $S.guest_sources(
  business_id INTEGER REFERENCES businesses(id),  -- NULL: the vendor, for all
  domain      TEXT NOT NULL                        -- 'partner.example', lower case
);
-- text: guest_sources | ext | domain
CREATE UNIQUE INDEX IF NOT EXISTS $S.guest_sources_by_business
  ON guest_sources(ifnull(business_id, 0), domain);

-- The domains that apply to each business, for people and for the rule.
CREATE VIEW $S.guest_source_domains AS
SELECT b.id AS business_id, s.domain,
       CASE WHEN s.business_id IS NULL THEN 'vendor' ELSE 'partner' END AS source
  FROM businesses b JOIN guest_sources s
    ON s.business_id = b.id OR s.business_id IS NULL;

-- twin: guest_sources_check_update BEFORE UPDATE
CREATE TRIGGER $S.guest_sources_check_insert BEFORE INSERT ON guest_sources
BEGIN
  SELECT RAISE(ABORT, 'guest_sources: unknown business')
   WHERE NEW.business_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM businesses WHERE id = NEW.business_id);
  SELECT RAISE(ABORT, 'guest_sources: domain must be a lower-case domain name such as partner.example')
   WHERE typeof(NEW.domain) <> 'text' OR NEW.domain <> lower(trim(NEW.domain))
      OR NEW.domain NOT GLOB '?*.?*' OR NEW.domain GLOB '*[^a-z0-9.-]*'
      OR NEW.domain GLOB '.*' OR NEW.domain GLOB '*.' OR NEW.domain GLOB '*..*';
END;

-- Who may be a guest is a security decision: every change is audited.
-- twin: audit_guest_source_removed AFTER DELETE | NEW. -> OLD. | 'guest_source.added' -> 'guest_source.removed'
CREATE TRIGGER $S.audit_guest_source_added AFTER INSERT ON guest_sources
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, 'guest_source.added', 'business:' || ifnull(NEW.business_id, 'all'),
          json_object('domain', NEW.domain));
END;

CREATE TRIGGER $S.audit_guest_source_changed AFTER UPDATE ON guest_sources
BEGIN
  INSERT INTO audit_append(actor, action, subject, detail)
  VALUES (NULL, 'guest_source.changed', 'business:' || ifnull(NEW.business_id, 'all'),
          json_object('from', json_object('business_id', OLD.business_id, 'domain', OLD.domain),
                      'to', json_object('business_id', NEW.business_id, 'domain', NEW.domain)));
END;

-- The rule, for every guest invite however it is written. The address is
-- stored normalised (domain in lower case), so comparing lower-case
-- domains is enough.
CREATE TRIGGER $S.invites_check_guest_source BEFORE INSERT ON invites
WHEN NEW.kind = 'guest'
 AND EXISTS (SELECT 1 FROM guest_sources
              WHERE business_id = NEW.business_id OR business_id IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'invites: a guest of this business must come from one of its guest sources [invites.guest_source]')
   WHERE NOT EXISTS (
     SELECT 1 FROM guest_sources s
      WHERE (s.business_id = NEW.business_id OR s.business_id IS NULL)
        AND (lower(substr(NEW.email, instr(NEW.email, '@') + 1)) = s.domain
             OR lower(substr(NEW.email, instr(NEW.email, '@') + 1)) LIKE '%.' || s.domain));
END;

-- Every change is audited, so no row may go unaudited: a REPLACE on a taken
-- rowid (and an UPDATE OR REPLACE moving a row onto one) would delete the
-- row there without its DELETE trigger. The BEFORE trigger notes a taken
-- rowid in invite_replaced (sql/core.sql), the AFTER INSERT trigger, which
-- runs only when the row was really inserted, refuses; so OR IGNORE and
-- UPSERT keep working. A REPLACE colliding on (business_id, domain) only
-- swaps a row for an identical one (audited as added again).
CREATE TRIGGER $S.guest_sources_guard_note BEFORE INSERT ON guest_sources
BEGIN
  DELETE FROM invite_replaced WHERE tbl = 'guest_sources';
  INSERT INTO invite_replaced(tbl, id)
  SELECT 'guest_sources', rowid FROM guest_sources WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER $S.guest_sources_guard_replace AFTER INSERT ON guest_sources
WHEN EXISTS (SELECT 1 FROM invite_replaced WHERE tbl = 'guest_sources')
BEGIN
  SELECT RAISE(ABORT, 'guest_sources: a row with this rowid exists (update or delete it instead)')
   WHERE EXISTS (SELECT 1 FROM invite_replaced WHERE tbl = 'guest_sources' AND id = NEW.rowid);
  DELETE FROM invite_replaced WHERE tbl = 'guest_sources';
END;

CREATE TRIGGER $S.guest_sources_guard_update BEFORE UPDATE ON guest_sources
WHEN NEW.rowid IS NOT OLD.rowid
BEGIN
  SELECT RAISE(ABORT, 'guest_sources: a row cannot change its rowid');
END;
