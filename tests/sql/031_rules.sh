#!/bin/sh
# Named rules: every rule a trigger names ("... [table.rule]") is in the
# registry of ext/rules.c and every registered rule is raised somewhere;
# no C file recognises a refusal by comparing its prose.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
raised=$(grep -ho "RAISE(ABORT, '[^']*\[[a-z_]*\.[a-z_]*\]')" "$root"/sql/*.sql |
         sed 's/.*\[\([a-z_.]*\)\].*/\1/' | sort -u)
registered=$(grep -o '^    {"[a-z_]*\.[a-z_]*", RULE_' "$root/ext/rules.c" |
             sed 's/.*{"\([a-z_.]*\)".*/\1/' | sort -u)
[ -n "$raised" ] || { echo "FAIL no named rule found in sql/"; exit 1; }
for r in $raised; do
  if printf '%s\n' "$registered" | grep -qx "$r"; then echo "ok   $r is registered"
  else echo "FAIL $r is raised in sql/ but not registered in ext/rules.c"; fails=$((fails + 1)); fi
done
for r in $registered; do
  printf '%s\n' "$raised" | grep -qx "$r" ||
    { echo "FAIL $r is registered but no trigger raises it"; fails=$((fails + 1)); }
done
# A message literal has a space in it; kinds and states do not. (errors.c
# strips SQLite's own "stepping, " from the messages it relays.)
prose=$(grep -n 'str\(n\)\?\(case\)\?cmp([a-zA-Z_>.-]*, *"[^"]* [^"]*"' "$root"/ext/*.c |
        grep -v '^[^:]*/errors\.c:.*"stepping, "')
if [ -n "$prose" ]; then
  echo "FAIL C compares message text:"; printf '%s\n' "$prose"; fails=$((fails + 1))
else
  echo "ok   no C file compares a refusal's prose"
fi
[ "$fails" = 0 ]
