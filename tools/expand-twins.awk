# expand-twins.awk — a trigger that INSERT and UPDATE (or DELETE) both need
# is written once. Each "-- twin:" line before a CREATE TRIGGER makes one
# more trigger with that name and that timing and event, on the same table,
# with the same WHEN clause and body, word for word:
#
#   -- twin: users_check_update BEFORE UPDATE OF email, first_name, last_name
#   CREATE TRIGGER $S.users_check_insert BEFORE INSERT ON users
#   BEGIN ... END;
#
# After the event, " | <from> -> <to>" pairs replace text in the copy, each
# occurrence, literally (the DELETE twin of an audit trigger reads OLD):
#
#   -- twin: audit_template_deleted AFTER DELETE | NEW. -> OLD. | 'inserted' -> 'deleted'
#
# The copies follow the original, in the order of their lines (the order
# SQLite keeps for firing: newest first). Every other line passes through.
# (tools/embed-sql.sh runs it.)

# replace(s, from, to): s with every from replaced by to, literally.
function replace(s, from, to,   i, out) {
  while ((i = index(s, from)) > 0) { out = out substr(s, 1, i - 1) to; s = substr(s, i + length(from)) }
  return out s
}
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
      m = split(twin[i], part, / \| /)
      name = part[1]; sub(/ .*/, "", name); on = part[1]; sub(/^[^ ]+ /, "", on)
      copy = body
      for (j = 2; j <= m; j++) {
        if (split(part[j], ft, / -> /) != 2) fail("a replacement is <from> -> <to>")
        if (!index(copy, ft[1])) fail(name ": nothing to replace: " ft[1])
        copy = replace(copy, ft[1], ft[2])
      }
      printf "\nCREATE TRIGGER $S.%s %s ON %s%s\n", name, on, table, copy
    }
    n = 0; inside = 0
  }
  next
}
{ print }
END { if (n || inside) fail("a -- twin: line without its trigger"); if (bad) exit 1 }
