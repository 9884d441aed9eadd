# expand-guards.awk — writes out the REPLACE, re-key and delete guards of
# an application table from one "-- guard:" line of a sql/ file:
#
#   -- guard: <table> | <a noun> | <refs view> | <key columns> | <match NEW> | <parts>
#
# <match NEW> finds the rows an insert of NEW collides with (rowid and
# unique keys); <parts> lists what to write: note replace update delete.
# Every other line passes through unchanged. (tools/embed-sql.sh runs it.)
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
/^-- guard: / {
  line = substr($0, 11)
  n = split(line, f, "|")
  for (i = 1; i <= n; i++) f[i] = trim(f[i])
  t = f[1]; noun = f[2]; refs = f[3]; keys = f[4]; match_new = f[5]; parts = " " f[6] " "
  word = noun; sub(/^an? /, "", word)
  keylist = keys; gsub(/,/, ", ", keylist)
  keywords = keys; gsub(/,/, " or ", keywords)
  print $0
  if (parts ~ / note /) {
    printf "CREATE TRIGGER $S.%s_guard_note BEFORE INSERT ON %s\n", t, t
    printf "WHEN EXISTS (SELECT 1 FROM %s WHERE %s)\nBEGIN\n", t, match_new
    printf "  INSERT OR IGNORE INTO invite_replaced(tbl, id)\n"
    printf "  SELECT '%s', id FROM %s WHERE %s;\nEND;\n\n", t, t, match_new
  }
  if (parts ~ / replace /) {
    printf "CREATE TRIGGER $S.%s_guard_replace AFTER INSERT ON %s\n", t, t
    printf "WHEN EXISTS (SELECT 1 FROM invite_replaced WHERE tbl = '%s')\nBEGIN\n", t
    printf "  SELECT RAISE(ABORT, '%s: %s in use cannot be replaced (update it instead)')\n", t, noun
    printf "   WHERE EXISTS (SELECT 1 FROM invite_replaced r\n"
    printf "                  WHERE r.tbl = '%s'\n", t
    printf "                    AND (r.id = NEW.id OR NOT EXISTS (SELECT 1 FROM %s WHERE id = r.id))\n", t
    printf "                    AND EXISTS (SELECT 1 FROM %s WHERE id = r.id));\n", refs
    printf "  DELETE FROM invite_replaced WHERE tbl = '%s';\nEND;\n\n", t
  }
  if (parts ~ / update /) {
    printf "CREATE TRIGGER $S.%s_guard_update BEFORE UPDATE OF %s ON %s\nBEGIN\n", t, keylist, t
    printf "  SELECT RAISE(ABORT, '%s: %s in use cannot change its id')\n", t, noun
    printf "   WHERE NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM %s WHERE id = OLD.id);\n", refs
    printf "  SELECT RAISE(ABORT, '%s: another %s has this %s')\n", t, word, keywords
    printf "   WHERE EXISTS (SELECT 1 FROM %s\n", t
    printf "                  WHERE (%s) AND id IS NOT OLD.id);\nEND;\n\n", match_new
  }
  if (parts ~ / delete /) {
    printf "CREATE TRIGGER $S.%s_guard_delete BEFORE DELETE ON %s\nBEGIN\n", t, t
    printf "  SELECT RAISE(ABORT, '%s: %s in use cannot be deleted')\n", t, noun
    printf "   WHERE EXISTS (SELECT 1 FROM %s WHERE id = OLD.id);\nEND;\n\n", refs
  }
  next
}
{ print }
