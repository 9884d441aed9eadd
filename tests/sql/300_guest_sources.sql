-- Where guests may come from (seed 002): the vendor's domains for every
-- business, a business's partners' domains for it; subdomains and any case
-- match; with no row that applies, any address is a guest.
.mode list
.nullvalue NULL
SELECT invite_init();
.read _catalog.inc
.read _guests.inc
SELECT invite_clock('2027-01-01 10:00:00') IS NOT NULL;
INSERT INTO account_managers VALUES (2, 1);
-- no row yet: any address
SELECT json_array_length(guest_invite('any@where.example', 1, 1));
INSERT INTO guest_sources VALUES (NULL, 'vendor.com'), (1, 'partner.example');
SELECT business_id, domain, source FROM guest_source_domains ORDER BY business_id, domain;
SELECT f FROM fingerprint;
-- an address from elsewhere is refused, naming it and where guests may come from
SELECT guest_invite('eve@evil.example', 1, 1);
-- one bad address fails the whole call
SELECT guest_invite('ok@vendor.com, eve@evil.example', 1, 1);
-- a domain is not a suffix of a longer name
SELECT guest_invite('zed@notpartner.example', 1, 1);
-- nothing was written
SELECT f FROM fingerprint;
-- the vendor, a partner's subdomain, any case
SELECT json_group_array(value ->> '$.email') FROM
  json_each(guest_invite('a@vendor.com, b@eu.partner.example, C@PARTNER.EXAMPLE', 1, 1));
-- Globex has no partner of its own: only the vendor
SELECT guest_invite('x@partner.example', 2, 1);
SELECT json_array_length(guest_invite('x@mail.vendor.com', 2, 1));
-- the same rule for a guest invite written with plain SQL
INSERT INTO invites(kind, key_hash, inviter_id, email, business_id, access_days, created_at, expires_at)
VALUES ('guest', randomblob(32), 1, 'eve@evil.example', 1, 90, '2027-01-01 10:00:00', '2027-01-08 10:00:00');
-- rows must name a real business and a lower-case domain
INSERT INTO guest_sources VALUES (1, 'Partner.Example');
INSERT INTO guest_sources VALUES (1, '.x.example');
INSERT INTO guest_sources VALUES (1, 'x@y.example');
INSERT INTO guest_sources VALUES (9, 'x.example');
-- every change is audited
DELETE FROM guest_sources WHERE business_id = 1;
SELECT action, subject, detail FROM audit_log WHERE action LIKE 'guest_source.%' ORDER BY id;
-- with no row left for Acme but the vendor's, partners are refused
SELECT guest_invite('p@partner.example', 1, 1);
DELETE FROM guest_sources;
SELECT json_array_length(guest_invite('eve@evil.example', 1, 1));
SELECT invite_audit_verify();
