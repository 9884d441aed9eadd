-- demo_outbox.sql — the end of the walk-through: every email the verbs
-- queued, rendered from the templates, waiting for tools/invite-mail.
.mode box
.nullvalue ''
.print
.print '== The outbox: every email the walk-through queued, in the same transactions'
SELECT id, kind, recipient, subject, status FROM outbox ORDER BY id;
.print '   One of them as it will be sent (the key appears until the email is sent, then it is scrubbed):'
.mode line
SELECT recipient, subject, body FROM outbox WHERE kind = 'guest_invite' ORDER BY id LIMIT 1;
.mode box
.print '   Every change above is in the hash-chained audit log (invite_audit_verify() = NULL: intact):'
SELECT action, count(*) AS events FROM audit_log GROUP BY action ORDER BY min(id);
SELECT coalesce(invite_audit_verify(), 'none: the chain is intact') AS first_altered_row;
