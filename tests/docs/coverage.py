"""coverage.py — every function, table-valued function, table, view and
setting of the extension is documented, and the docs' links lead somewhere.

    /usr/bin/python3 tests/docs/coverage.py INVITE_SO ROOT

The names come from the extension itself: the functions and modules it adds
to a connection (pragma_function_list / pragma_module_list, compared with a
connection without it), the tables and views invite_init() creates, and the
settings of invite_setting_defs. The reference must hold each one:

  function, module   ext/README.md or sql/README.md: a heading naming it, or
                     it in backticks (`name` or `name(...)`)
  table, view        sql/README.md: in backticks, or a heading naming it
  setting            sql/README.md: a table row (| `name` | ...)

and README.md must give each verb (a DIRECTONLY function), each
table-valued function and each view a line of its list (`- [...]` or a
table row) that names it in backticks. Every relative link and #anchor of
the READMEs must resolve, and no source names a docs-*.md that is gone.
"""
import os
import re
import sqlite3
import sys

DOCS = ["README.md", "sql/README.md", "ext/README.md", "tools/README.md", "tools/PERFORMANCE.md",
        "tests/README.md", "demo/README.md"]
DIRECTONLY = 0x80000


def read(root, rel):
    try:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def slug(heading):
    h = heading.strip().lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(text):
    """GitHub's anchors of a document's headings (repeats get -1, -2 ...)"""
    seen, out, in_code = {}, set(), False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        m = re.match(r"^#+ (.*)", line)
        if m and not in_code:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            out.add(s if n == 0 else f"{s}-{n}")
            seen[s] = n + 1
    return out


def named(text, name):
    n = re.escape(name)
    return re.search(rf"(^#+ .*\b{n}\b)|(`{n}[`(])", text, re.M) is not None


def main():
    so, root = sys.argv[1], sys.argv[2]
    bare = sqlite3.connect(":memory:")
    base_f = {r[0] for r in bare.execute("SELECT name FROM pragma_function_list")}
    base_m = {r[0] for r in bare.execute("SELECT name FROM pragma_module_list")}
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(so)
    functions, verbs = set(), set()
    for name, flags in db.execute("SELECT name, flags FROM pragma_function_list"):
        if name not in base_f:
            functions.add(name)
            if flags & DIRECTONLY:
                verbs.add(name)
    modules = {r[0] for r in db.execute("SELECT name FROM pragma_module_list")} - base_m
    db.execute("SELECT invite_init()")
    tables = {r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    views = {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'view'")}
    settings = {r[0] for r in db.execute("SELECT name FROM invite_setting_defs")}

    top = read(root, "README.md")
    ext = read(root, "ext/README.md")
    sql = read(root, "sql/README.md")
    missing = []
    for f in sorted(functions | modules):
        if not named(ext + "\n" + sql, f):
            missing.append(f"function {f}: not in ext/README.md or sql/README.md")
    for t in sorted(tables):
        if not named(sql, t):
            missing.append(f"table {t}: not in sql/README.md")
    for v in sorted(views):
        if not named(sql, v):
            missing.append(f"view {v}: not in sql/README.md")
    for s in sorted(settings):
        if not re.search(rf"^\|\s*`{re.escape(s)}`\s*\|", sql, re.M):
            missing.append(f"setting {s}: no row of a settings table in sql/README.md")
    listed = "\n".join(l for l in top.splitlines() if l.startswith("- [") or l.startswith("|"))
    for name in sorted(verbs | modules | views):
        if not re.search(rf"`{re.escape(name)}[`(]", listed):
            missing.append(f"{name}: no line in README.md's lists")

    # links: files exist, anchors exist
    texts = {rel: read(root, rel) for rel in DOCS}
    marks = {rel: anchors(t) for rel, t in texts.items()}
    for rel, text in texts.items():
        body = re.sub(r"```.*?```", "", text, flags=re.S)
        for m in re.finditer(r"\]\(([^)\s]+)\)", body):
            target = m.group(1)
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(rel), path)) if path else rel
            if path and not os.path.exists(os.path.join(root, dest)):
                missing.append(f"{rel}: link to {target}: no such file")
            elif frag and dest in marks and frag not in marks[dest]:
                missing.append(f"{rel}: link to {target}: no such heading")

    # references to documents that no longer exist (docs-security.md ...)
    for top_dir in ["ext", "sql", "tools", "tests", "demo", ".ci"]:
        for dirpath, _, names in os.walk(os.path.join(root, top_dir)):
            for n in names:
                path = os.path.join(dirpath, n)
                if n.endswith((".expected", ".py")) and "docs" in dirpath:
                    continue
                try:
                    text = open(path, encoding="utf-8").read()
                except (UnicodeDecodeError, OSError):
                    continue
                for m in set(re.findall(r"\bdocs-[a-z-]+\.md\b", text)):
                    if not os.path.exists(os.path.join(root, m)):
                        missing.append(f"{os.path.relpath(path, root)}: refers to {m}, which does not exist")
    for m in missing:
        print("FAIL " + m)
    print(f"coverage: {len(functions | modules)} functions, {len(tables)} tables, "
          f"{len(views)} views, {len(settings)} settings; {len(missing)} problems")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
