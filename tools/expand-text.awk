# expand-text.awk — the checks that a table's free-text columns hold valid
# UTF-8 without NUL, from one line beside the table:
#
#   -- text: <table> | <ext, sql or sql+ext> | <columns> [| <columns an UPDATE checks>]
#
# ext: invite_text_problem() (ext/text.c) names the bad byte; a client
# without the extension cannot write the table at all (for the extension's
# own tables). sql: plain SQL refuses NUL and the bytes that never occur in
# UTF-8 (C0, C1, F5..FF), for tables written by clients that may not load
# the extension. sql+ext: for a table whose inserts need the extension
# anyway and whose updates do not (the outbox: tools/invite-mail writes
# last_error): an INSERT gets the ext check (it refuses more, and its frame
# is a tenth the size of the byte scan's: -28k instructions per create), an
# UPDATE the sql check. Writes <table>_text_insert and <table>_text_update for
# every such line of the files it reads, in their order. tools/embed-sql.sh
# runs it over every file and installs the result after the last one:
# SQLite fires the newest trigger first, so bad text is refused before any
# rule reads it.
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
function check(t, how, c, event,   i, s) {
  if (how == "ext" || (how == "sql+ext" && event == "INSERT"))
    return sprintf("  SELECT invite_raise('%s: %s ' || invite_text_problem(NEW.%s));\n", t, c, c)
  s = "instr(b, x'00')"
  split("C0 C1 F5 F6 F7 F8 F9 FA FB FC FD FE FF", bytes, " ")
  for (i = 1; i <= 13; i++) s = s " OR instr(b, x'" bytes[i] "')"
  return sprintf("  SELECT RAISE(ABORT, '%s: %s contains NUL or bytes that are not UTF-8')\n" \
                 "    FROM (SELECT CAST(NEW.%s AS BLOB) AS b) WHERE typeof(NEW.%s) = 'text' AND (%s);\n", t, c, c, c, s)
}
function trigger(t, how, event, cols,   n, c, i) {
  n = split(cols, c, " ")
  printf "CREATE TRIGGER $S.%s_text_%s BEFORE %s ON %s\nBEGIN\n", t, event == "INSERT" ? "insert" : "update", \
         event == "INSERT" ? "INSERT" : "UPDATE OF " join(c, n), t
  for (i = 1; i <= n; i++) printf "%s", check(t, how, c[i], event)
  printf "END;\n\n"
}
function join(c, n,   i, s) { s = c[1]; for (i = 2; i <= n; i++) s = s ", " c[i]; return s }
/^-- text: / {
  n = split(substr($0, 10), f, "|")
  t = trim(f[1]); how = trim(f[2]); cols = trim(f[3]); upd = n > 3 ? trim(f[4]) : cols
  if (how != "ext" && how != "sql" && how != "sql+ext") { printf "%s:%d: -- text: <table> | ext, sql or sql+ext | <columns>\n", FILENAME, FNR > "/dev/stderr"; exit 1 }
  gsub(/[ \t]+/, " ", cols); gsub(/[ \t]+/, " ", upd)
  trigger(t, how, "INSERT", cols)
  trigger(t, how, "UPDATE", upd)
}
