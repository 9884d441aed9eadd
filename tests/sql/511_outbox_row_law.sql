-- The law of a new outbox row, checked in C by invite_outbox_problem() from
-- the outbox_check_insert trigger: timestamps must be real dates (leap
-- years included), addresses plain, Message-IDs well formed.
.mode list
.nullvalue NULL
.echo on
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2028-02-29 10:00:00', '2028-02-29 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2027-02-29 10:00:00', '2027-02-28 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2100-02-29 10:00:00', '2100-02-28 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2027-04-31 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2027-04-30 24:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2027-04-30T10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, 20270430, '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', '@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@b@c.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<@x>', NULL, 'queued', 0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x> <2@y>', NULL, 'queued', 0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', 0.0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'b', '<1@x>', NULL, 'queued', '0', NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'body with KEY', '<1@x>', 'KEY', 'queued', 0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem('member_invite', 'a@example.com', NULL, 'Hi', 'body', '<1@x>', 'KEY', 'queued', 0, NULL, '2027-04-30 10:00:00', '2027-04-30 10:00:00');
SELECT invite_outbox_problem(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
