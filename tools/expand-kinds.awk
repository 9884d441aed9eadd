# expand-kinds.awk — the lists of kinds: each is declared once, on a line of
# sql/ (the invite kinds beside the invites table, the template kinds beside
# the templates table):
#
#   -- kinds: <list> <kind> <kind> ...
#
# and written out wherever a statement of any file names it:
#
#   @kinds(<list>)                member, guest or session   (for messages)
#   @kind_in(<list>, <expr>)      <expr> = 'member' OR <expr> = 'guest' OR ...
#   @kind_not_in(<list>, <expr>)  <expr> IS NOT 'member' AND <expr> IS NOT ...
#
# Run as: awk -f expand-kinds.awk defs=1 <every sql file> defs=0 file=<name> <file>
# The files after defs=1 are only read for their "-- kinds:" lines; the one
# after defs=0 is printed, expanded. tools/embed-sql.sh also writes every
# list into sql_kinds.h as a C X-macro, so C and SQL read the same list.
function fail(msg) { printf "%s:%d: %s\n", file, FNR, msg > "/dev/stderr"; bad = 1; exit 1 }
function list(name, sep, last, fmt, expr,   i, s) {
  if (!(name in n)) fail("no \"-- kinds: " name "\" line in sql/")
  for (i = 1; i <= n[name]; i++) {
    if (i > 1) s = s (i == n[name] && last != "" ? last : sep)
    s = s sprintf(fmt, expr, kind[name, i])
  }
  return s
}
defs && /^-- kinds: / {
  if ($3 in n) fail("kinds list " $3 " declared twice")
  n[$3] = NF - 3
  for (i = 4; i <= NF; i++) kind[$3, i - 3] = $i
  next
}
defs { next }
{
  out = ""
  while (match($0, /@kind(s|_in|_not_in)\([^)]*\)/)) {
    call = substr($0, RSTART, RLENGTH)
    op = substr(call, 1, index(call, "(") - 1)
    split(substr(call, length(op) + 2, length(call) - length(op) - 2), arg, /, */)
    if (op == "@kinds") text = list(arg[1], ", ", " or ", "%s%s", "")
    else if (op == "@kind_in") text = list(arg[1], " OR ", "", "%s = '%s'", arg[2])
    else text = list(arg[1], " AND ", "", "%s IS NOT '%s'", arg[2])
    out = out substr($0, 1, RSTART - 1) text
    $0 = substr($0, RSTART + RLENGTH)
  }
  print out $0
}
END { if (bad) exit 1 }
