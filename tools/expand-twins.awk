# expand-twins.awk — a trigger that INSERT and UPDATE (or DELETE) both need
# is written once. Each "-- twin:" line before a CREATE TRIGGER makes one
# more trigger with that name and that timing and event, on the same table,
# with the same WHEN clause and body, word for word:
#
#   -- twin: users_check_update BEFORE UPDATE OF email, first_name, last_name
#   CREATE TRIGGER $S.users_check_insert BEFORE INSERT ON users
#   BEGIN ... END;
#
# The copies follow the original, in the order of their lines (the order
# SQLite keeps for firing: newest first). Every other line passes through.
# (tools/embed-sql.sh runs it.)
function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; bad = 1; exit 1 }
/^-- twin: / { print; twin[++n] = substr($0, 10); next }
n && !inside {
  if ($0 !~ /^CREATE TRIGGER \$S\.[a-z_]+ .* ON [a-z_]+$/) fail("a -- twin: line must come right before CREATE TRIGGER $S.<name> ... ON <table>")
  inside = 1; table = $NF; body = ""; print; next
}
inside {
  print; body = body "\n" $0
  if ($0 == "END;") {
    for (i = 1; i <= n; i++) {
      name = twin[i]; sub(/ .*/, "", name); on = twin[i]; sub(/^[^ ]+ /, "", on)
      printf "\nCREATE TRIGGER $S.%s %s ON %s%s\n", name, on, table, body
    }
    n = 0; inside = 0
  }
  next
}
{ print }
END { if (n || inside) fail("a -- twin: line without its trigger"); if (bad) exit 1 }
