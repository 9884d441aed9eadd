-- macro_expand(text, values): %NAME% from a JSON object, %% for '%', values
-- verbatim, strict about unknown and malformed macros, positions in bytes
-- counting from 1; invite_template_check() and invite_raise().
.echo on
.mode list
.nullvalue NULL
SELECT invite_init();
-- Flags: pure (DETERMINISTIC 0x800 | INNOCUOUS 0x200000), never DIRECTONLY.
SELECT name, narg, flags & 0x800 > 0, flags & 0x200000 > 0, flags & 0x80000 > 0
  FROM pragma_function_list
 WHERE name IN ('macro_expand', 'invite_template_check', 'invite_raise') ORDER BY name;
-- Every macro of the design.
SELECT macro_expand('%USER_NAME%|%SESSION_KEY_URL%|%FIRST_NAME%|%LAST_NAME%|%EMAIL%|%SESSION_KEY%|%INVITER_NAME%|%BUSINESS_NAME%|%APP_NAME%|%ROLE_NAME%|%EXPIRES_AT%|%COMMENTS%|%DAYS_LEFT%',
  json_object('USER_NAME', 'Ann Lee', 'SESSION_KEY_URL', 'https://x.test/a?key=K1',
              'FIRST_NAME', 'Ann', 'LAST_NAME', 'Lee', 'EMAIL', 'ann@example.com',
              'SESSION_KEY', 'K1', 'INVITER_NAME', 'Mia Manager', 'BUSINESS_NAME', 'Acme',
              'APP_NAME', 'Ledger', 'ROLE_NAME', 'Viewer', 'EXPIRES_AT', '2027-01-08 00:00:00',
              'COMMENTS', 'Welcome', 'DAYS_LEFT', 7));
-- %% is a literal percent; adjacent macros; a macro at both ends.
SELECT macro_expand('100%% sure', '{}');
SELECT macro_expand('%%%%', '{}');
SELECT macro_expand('%A%%B%', '{"A":"x","B":"y"}');
SELECT macro_expand('%A%%%%B%', '{"A":"x","B":"y"}');
SELECT macro_expand('%A%', '{"A":"only"}');
-- Values are inserted verbatim, never expanded again.
SELECT macro_expand('Hi %FIRST_NAME%', '{"FIRST_NAME":"%USER_NAME% and 50%"}');
-- Numbers and null (null counts as empty); unused values are fine.
SELECT macro_expand('[%N%][%R%][%Z%]', '{"N":42,"R":1.5,"Z":null,"UNUSED":"u"}');
-- Empty text, text without macros.
SELECT quote(macro_expand('', '{}'));
SELECT macro_expand('no macros here', '{}');
-- Non-ASCII in text and values; positions are in bytes.
SELECT macro_expand('Grüße, %USER_NAME% — 日本', '{"USER_NAME":"Zoë Ørsted"}');
SELECT macro_expand('é%FOO%', '{}');
-- Not UTF-8 at all: bytes pass through.
SELECT hex(macro_expand(CAST(x'FF254125FE2525' AS TEXT), '{"A":"z"}'));
-- Errors name the macro and the byte where its '%' is.
SELECT macro_expand('Hello %FOO%!', '{"USER_NAME":"Ann"}');
SELECT macro_expand('Dear %USER_NAME%, see %SESSION_KEY_URL', '{"USER_NAME":"a","SESSION_KEY_URL":"b"}');
SELECT macro_expand('Dear %USER_NAME', '{"USER_NAME":"a"}');
SELECT macro_expand('trailing %', '{}');
SELECT macro_expand('50% off', '{}');
SELECT macro_expand('Hi %first_name%', '{}');
SELECT macro_expand('%' || printf('%.*c', 65, 'A') || '%', '{}');
SELECT length(macro_expand('%' || printf('%.*c', 64, 'A') || '%', json_object(printf('%.*c', 64, 'A'), 'ok')));
-- A huge text: 1 MB of plain bytes, and 100 000 macros (linear time).
SELECT length(macro_expand(printf('%.*c', 1000000, 'x'), '{}'));
SELECT length(macro_expand(replace(hex(zeroblob(100000)), '00', '%A%.'), '{"A":"xyz"}'));
SELECT substr(macro_expand(replace(hex(zeroblob(100000)), '00', '%A%.'), '{"A":"xyz"}'), 1, 12);
-- Output bounded by SQLITE_LIMIT_LENGTH.
.limit length 100000
SELECT macro_expand(replace(hex(zeroblob(1000)), '00', '%A%'), json_object('A', printf('%.*c', 200, 'v')));
.limit length 1000000000
-- The parsed values are cached per statement: many rows, one object.
SELECT macro_expand(column1, '{"A":"x"}') FROM (VALUES ('%A%'), ('b%A%'), (NULL), ('%A%%A%'));
-- ... and values that change per row are read per row.
SELECT macro_expand('<%A%>', json_object('A', column1)) FROM (VALUES ('p'), ('q'), (3));
-- NULL text gives NULL; other types, and bad values, are errors.
SELECT macro_expand(NULL, '{"A":"x"}');
SELECT macro_expand(NULL, NULL);
SELECT macro_expand('x', NULL);
SELECT macro_expand(42, '{}');
SELECT macro_expand(x'2541', '{}');
SELECT macro_expand('x', 42);
SELECT macro_expand('x', 'not json');
SELECT macro_expand('x', '[1,2]');
SELECT macro_expand('x', '"text"');
SELECT macro_expand('x', '{"first_name":"a"}');
SELECT macro_expand('x', '{"":"a"}');
SELECT macro_expand('x', '{"A":true}');
SELECT macro_expand('x', '{"A":[1]}');
SELECT macro_expand('x', '{"A":{"B":1}}');
SELECT macro_expand('x', '{"A":"1","A":"2"}');
-- invite_template_check: NULL when every macro is a known one, else why.
SELECT invite_template_check('Hi %USER_NAME%, 100%% at %SESSION_KEY_URL%');
SELECT invite_template_check(NULL);
SELECT invite_template_check('Hi %FOO% and %BAR%');
SELECT invite_template_check('Hi %USER_NAME');
SELECT invite_template_check('50% off');
SELECT invite_template_check(1);
-- invite_raise: RAISE with a computed message; NULL raises nothing.
SELECT invite_raise('templates: body: ' || invite_template_check('%NOPE%'));
SELECT invite_raise('templates: body: ' || invite_template_check('%EMAIL%'));
