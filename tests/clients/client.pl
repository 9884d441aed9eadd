# client.pl — the scenario of tests/clients/README.md through DBI + DBD::SQLite
# (Debian libdbd-sqlite3-perl).   perl client.pl INVITE_SO CATALOG DB
use strict;
use warnings;
use DBI qw(:sql_types);
use JSON::PP;
my ($so, $catalog, $path) = @ARGV;
my $failed = 0;
sub check { my ($cond, $what) = @_; print(($cond ? "ok " : "FAIL ") . "$what\n"); $failed++ unless $cond; }

# sqlite_see_if_its_a_number: without it DBD::SQLite binds every Perl
# number as TEXT, and the verbs refuse a text id.
my $dbh = DBI->connect("dbi:SQLite:dbname=$path", "", "",
  { RaiseError => 1, PrintError => 0, sqlite_see_if_its_a_number => 1, sqlite_unicode => 1 });
$dbh->sqlite_enable_load_extension(1);
$dbh->sqlite_load_extension($so);
my ($version) = $dbh->selectrow_array("SELECT invite_init()");
check($version =~ /^\d+$/ && $version > 0, "invite_init() returns the schema version $version");
open my $fh, '<', $catalog or die; local $/; my $sql = <$fh>; close $fh;
$dbh->{sqlite_allow_multiple_statements} = 1;
$dbh->do($sql);
$dbh->{sqlite_allow_multiple_statements} = 0;
check(($dbh->selectrow_array("SELECT count(*) FROM subscriptions"))[0] == 3, "catalog by plain SQL");

my $json = JSON::PP->new;
my ($c) = $dbh->selectrow_array("SELECT invite_create(?, ?, ?, ?, ?)", undef,
  'ann@example.com', 2, 4, 1, '{"first_name":"Ann","last_name":"Lee"}');
my $created = $json->decode($c);
my $key = $created->{key};
check(length($key) >= 32, "invite_create with Perl numbers as ids: invite $created->{id}, key captured");
my $peek = $json->decode(($dbh->selectrow_array("SELECT invite_peek(?)", undef, $key))[0]);
check($peek->{state} eq 'pending' && $peek->{can_redeem}, "invite_peek: pending, can redeem");
my $redeemed = $json->decode(($dbh->selectrow_array("SELECT invite_redeem(?)", undef, $key))[0]);
check($redeemed->{invite_id} == $created->{id} && $redeemed->{kind} eq 'member', "invite_redeem: member of invite $redeemed->{invite_id}");
my $at = $json->decode(($dbh->selectrow_array("SELECT invite_peek(?)", undef, $key))[0])->{redeemed_at};
eval { $dbh->selectrow_array("SELECT invite_redeem(?)", undef, $key) };
my $msg = $dbh->errstr // '';
check($msg eq "invite_redeem: key already used on $at UTC", "redeem twice: $msg");
check(($dbh->err // 0) == 19, "redeem twice: SQLITE_CONSTRAINT (" . ($dbh->err // 'none') . ")");
# an id computed as a float (Perl binds it as 2, as its string form reads)
eval { $dbh->selectrow_array("SELECT invite_create('bob\@example.com', ?, 4, 1, '{\"first_name\":\"Bob\",\"last_name\":\"Ng\"}')", undef, 4 / 2.0) };
$msg = $@ ? $dbh->errstr : '';
check($msg eq '', "id 2.0 (a Perl float) accepted as 2 ($msg)");
# bad UTF-8: raw bytes bound as a BLOB, cast to TEXT
my $sth = $dbh->prepare("SELECT invite_create(CAST(? AS TEXT), 2, 4, 1)");
$sth->bind_param(1, "ann\xff\@example.com", SQL_BLOB);
eval { $sth->execute; $sth->fetchrow_array };
$msg = $dbh->errstr // '';
check($msg =~ /^invite_create: argument 1 \(invitee\) is not valid UTF-8/, "bad UTF-8 refused: $msg");

my $plain = DBI->connect("dbi:SQLite:dbname=$path", "", "", { RaiseError => 0, PrintError => 0 });
check(($plain->selectrow_array("SELECT state FROM invite_status WHERE invite_id = ?", undef, $created->{id}))[0] eq 'accepted',
  "view invite_status without the extension");
my ($before) = $plain->selectrow_array("SELECT count(*) FROM invites");
my $ok = $plain->do("DELETE FROM invites");
$msg = $plain->errstr // '';
check(!$ok && $msg =~ /^no such function: invite_/, "a write without the extension fails closed: $msg");
check(($plain->selectrow_array("SELECT count(*) FROM invites"))[0] == $before, "nothing written");
exit($failed ? 1 : 0);
