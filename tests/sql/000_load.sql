-- The extension loads, installs its schema idempotently and reports versions.
.echo on
.mode list
.nullvalue NULL
SELECT invite_init();
SELECT invite_init();
SELECT invite_version();
SELECT value FROM invite_meta WHERE name = 'schema_version';
SELECT invite_init('nope');
SELECT invite_init(42);
SELECT invite_clock('2027-01-01 00:00:00');
SELECT now FROM invite_now;
SELECT invite_clock('yesterday');
SELECT invite_clock('2027-02-30 00:00:00');
SELECT invite_clock(NULL) = datetime('now');
