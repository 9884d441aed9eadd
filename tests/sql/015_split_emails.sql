-- invite_split_emails: one row per address, separators comma, space, tab,
-- CR and LF; runs of them and leading/trailing ones give no empty rows.
.mode list
.nullvalue NULL
.echo on
SELECT * FROM invite_split_emails('ann@example.com, BOB@Example.COM' || char(9) || 'x@');
SELECT rowid, email FROM invite_split_emails(',, ann@example.com,,,' || char(13, 10) || ' bob@example.com , ');
SELECT count(*) FROM invite_split_emails('');
SELECT count(*) FROM invite_split_emails(' , ' || char(9, 10));
SELECT count(*) FROM invite_split_emails(NULL);
SELECT email, valid, error FROM invite_split_emails('a@b.c a@b..c .a@b.com a.@b.com a@b.c0m a@b-.com a@' || printf('%.64c', 'x') || '.com');
SELECT normalized FROM invite_split_emails('Mixed.Case@Sub.EXAMPLE.Org');
SELECT email, error FROM invite_split_emails('"quoted"@example.com bob(comment)@example.com bob@[127.0.0.1]');
-- duplicates are listed as given: callers decide (guest_invite collapses them)
SELECT email, normalized FROM invite_split_emails('ann@example.com ANN@example.com');
SELECT * FROM invite_split_emails(42);
SELECT count(*) FROM invite_split_emails(printf('%.1000001c', 'a'));
SELECT count(*) FROM invite_split_emails(replace(printf('%.20000c', 'x'), 'x', 'a@b.com '));
-- usable in joins, and pure (it writes nothing)
SELECT t.n, e.email FROM (SELECT 1 AS n, 'a@b.com c@d.com' AS l UNION ALL SELECT 2, 'e@f.com') t, invite_split_emails(t.l) e;
