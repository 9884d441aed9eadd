.mode box --wrap 0
.nullvalue -
-- The server accepted every email, so each is marked sent, and the key is
-- gone from the stored copy: a stolen database reveals no key of a sent
-- invitation. (Cy's stays failed; it was never sent.)
SELECT status, count(*) AS emails, sum(attempts) AS attempts FROM outbox GROUP BY status;
SELECT status, sent_at, secret, body FROM outbox WHERE recipient = 'zoe@example.com';

-- # The end
--
-- Every change of this story is in a hash-chained audit log, which finds
-- a row altered, removed or forged by anything that went around the rules:
SELECT action, count(*) AS events FROM audit_log GROUP BY action ORDER BY min(id);
SELECT coalesce(invite_audit_verify(), 'none: the chain is intact') AS first_bad_row;
