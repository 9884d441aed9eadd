.mode box --wrap 0
.nullvalue -
-- # 4. The email: templates with macros, the outbox, one delivery
--
-- Every invitation above queued an email, in the same transaction as the
-- invitation itself: if the email cannot be queued, the invitation is not
-- made. The extension never talks to the network; a separate program,
-- invite-mail, delivers the outbox. An email is rendered from a template
-- of its kind, in which %NAME% macros stand for the invitation's details.
-- This is the built-in template of a member invitation:
SELECT subject, body FROM templates WHERE business_id IS NULL AND kind = 'member_invite';

-- macro_expand does the substitution; %% is a percent sign:
SELECT macro_expand('Hi %FIRST_NAME%, 100%% yours', '{"FIRST_NAME":"Zoë"}') AS expanded;

-- Acme writes its own wording with plain SQL. The rules check every
-- template, whoever writes it: a macro nobody fills in is refused.
INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'member_invite',
  'Join %BUSINESS_NAME% on %APP_NAME%, %FIRST_NAME%',
  'Hi %FIRST_NAME%, see you on %APP_NAME% before %EXPIRY%: %SESSION_KEY_URL%');  -- refused: %EXPIRY% is no macro
INSERT INTO templates(business_id, kind, subject, body) VALUES (1, 'member_invite',
  'Join %BUSINESS_NAME% on %APP_NAME%, %FIRST_NAME%',
  'Hi %FIRST_NAME%,

%INVITER_NAME% invites you to %APP_NAME% at %BUSINESS_NAME% as %ROLE_NAME%.
%COMMENTS%

Your link works once, until %EXPIRES_AT% UTC:
%SESSION_KEY_URL%');

-- Mia invites Zoë Ørsted; her email uses Acme's template:
SELECT invite_create('zoe@example.com', 1, 1, 1,
       '{"first_name":"Zoë","last_name":"Ørsted","comments":"Welcome to the team!"}') ->> 'id' AS invite;
SELECT subject, body FROM outbox WHERE recipient = 'zoe@example.com';

-- The outbox now holds every email of this story, queued, except Cy's:
-- it was cancelled when Mia revoked Cy's invitation, since its link could
-- only fail.
SELECT id, kind, recipient, subject, status, last_error FROM outbox ORDER BY id;
