# client.tcl — the scenario of tests/clients/README.md through Tcl's sqlite3
# package (Debian libsqlite3-tcl).   tclsh client.tcl INVITE_SO CATALOG DB
package require sqlite3
lassign $argv so catalog path
set failed 0
proc check {cond what} {
  global failed
  if {$cond} { puts "ok $what" } else { puts "FAIL $what"; incr failed }
}
# Tcl has no JSON in its core: SQLite's json_extract reads the verbs' answers.
proc field {json path} { return [db onecolumn {SELECT json_extract($json, $path)}] }

sqlite3 db $path
db enable_load_extension 1
db eval {SELECT load_extension($so)}
set version [db onecolumn {SELECT invite_init()}]
check [expr {[string is integer -strict $version] && $version > 0}] "invite_init() returns the schema version $version"
set f [open $catalog]; db eval [read $f]; close $f
check [expr {[db onecolumn {SELECT count(*) FROM subscriptions}] == 3}] "catalog by plain SQL"

# ids as Tcl integers: $var binds a value whose internal type is an integer
# as INTEGER; a literal that was only ever a string ("2") binds as TEXT
set sub [expr {2}]; set role [expr {4}]; set inviter [expr {1}]
set created [db onecolumn {SELECT invite_create('ann@example.com', $sub, $role, $inviter,
                             '{"first_name":"Ann","last_name":"Lee"}')}]
set key [field $created {$.key}]
set id [field $created {$.id}]
check [expr {[string length $key] >= 32}] "invite_create with integer ids: invite $id, key captured"
set peek [db onecolumn {SELECT invite_peek($key)}]
check [expr {[field $peek {$.state}] eq "pending" && [field $peek {$.can_redeem}] == 1}] "invite_peek: pending, can redeem"
set redeemed [db onecolumn {SELECT invite_redeem($key)}]
check [expr {[field $redeemed {$.invite_id}] == $id && [field $redeemed {$.kind}] eq "member"}] "invite_redeem: member of invite $id"
set at [field [db onecolumn {SELECT invite_peek($key)}] {$.redeemed_at}]
set rc [catch {db onecolumn {SELECT invite_redeem($key)}} msg]
check [expr {$rc == 1 && $msg eq "invite_redeem: key already used on $at UTC"}] "redeem twice: $msg"
check [expr {[db errorcode] == 19}] "redeem twice: SQLITE_CONSTRAINT ([db errorcode])"
# a Tcl double
set two [expr {2.0}]
set rc [catch {db onecolumn {SELECT invite_create('bob@example.com', $two, 4, 1, '{"first_name":"Bob","last_name":"Ng"}')}} msg]
check [expr {$rc == 0}] "id 2.0 (a Tcl double) accepted as 2 ($msg)"
# bad UTF-8: a byte array cast to TEXT
set bad [binary format a*ca* ann -1 @example.com]
set rc [catch {db onecolumn {SELECT invite_create(CAST(@bad AS TEXT), 2, 4, 1)}} msg]
check [expr {$rc == 1 && [string match "invite_create: argument 1 (invitee) is not valid UTF-8*" $msg]}] "bad UTF-8 refused: $msg"

sqlite3 plain $path
check [expr {[plain onecolumn {SELECT state FROM invite_status WHERE invite_id = $id}] eq "accepted"}] "view invite_status without the extension"
set before [plain onecolumn {SELECT count(*) FROM invites}]
set rc [catch {plain eval {DELETE FROM invites}} msg]
check [expr {$rc == 1 && [string match "no such function: invite_*" $msg]}] "a write without the extension fails closed: $msg"
check [expr {[plain onecolumn {SELECT count(*) FROM invites}] == $before}] "nothing written"
exit [expr {$failed ? 1 : 0}]
