-- The public surface, pinned: every function the extension registers, with
-- its flags. Verbs (anything that reads or writes state) carry DIRECTONLY
-- and neither DETERMINISTIC nor INNOCUOUS; only pure helpers are INNOCUOUS.
.mode list
.echo on
SELECT name, narg,
       CASE WHEN flags & 0x80000 THEN 'directonly' ELSE '' END AS directonly,
       CASE WHEN flags & 0x200000 THEN 'innocuous' ELSE '' END AS innocuous,
       CASE WHEN flags & 0x800 THEN 'deterministic' ELSE '' END AS deterministic
  FROM pragma_function_list
 WHERE builtin = 0 AND name NOT IN (SELECT name FROM pragma_function_list WHERE builtin = 1)
   AND (name GLOB 'invite_*' OR name GLOB 'guest_*' OR name GLOB 'session_*'
        OR name GLOB 'seat_*' OR name GLOB 'macro_*' OR name GLOB 'user_*')
 ORDER BY name, narg;
SELECT name FROM pragma_module_list WHERE name GLOB 'invite_*' ORDER BY name;
