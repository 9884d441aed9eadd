# present.awk — turns what `sqlite3 -echo` prints for a demo chapter into the
# story a reader follows:
#   -- # Title         a heading
#   -- text            narration, printed without the "-- "
#   .command           hidden (the shell's settings are not the story)
#   SQL                shown after a "sqlite>" prompt, with its result
#   an error           "refused, as it should be: <message>" when the
#                      statement carries a "-- refused" comment; anything
#                      else is "UNEXPECTED ERROR" and the exit status is 1
# A statement marked "-- refused" that is accepted is an error too.
function settle() {
  if (expect) { print "   UNEXPECTED: the statement above was accepted, not refused"; bad = 1 }
  expect = 0
}
BEGIN { blank = 1 }
/^\.[a-z]/ { next }
/^(Runtime error|Parse error|Error:)/ {
  msg = $0
  sub(/^(Runtime error|Parse error|Error:)( near line [0-9]+)?: /, "", msg)
  sub(/ \([0-9]+\)$/, "", msg)
  if (expect) { print "   refused, as it should be: " msg; refusals++ }
  else { print "   UNEXPECTED ERROR: " msg; bad = 1 }
  expect = 0; blank = 0; next
}
/^-- # / {
  settle(); instmt = 0
  t = substr($0, 6)
  if (!blank) print ""
  print t; u = t; gsub(/./, "=", u); print u
  blank = 0; next
}
/^--( |$)/ && !instmt {
  settle()
  print substr($0, 4); blank = 0; next
}
/^[ \t]*$/ {
  if (instmt) print "   ...>"
  else { if (!blank) print ""; blank = 1 }
  next
}
/^(┌|│|├|└)/ { print; blank = 0; next }
{
  if (!instmt) { settle(); printf "sqlite> %s\n", $0 } else printf "   ...> %s\n", $0
  if ($0 ~ /-- refused/) expect = 1
  code = $0; sub(/[ \t]*--.*$/, "", code)
  instmt = (code !~ /;[ \t]*$/)
  blank = 0
}
END {
  settle()
  if (refusals_file != "") print refusals + 0 > refusals_file
  exit bad
}
