"""examples.py — runs every ```sql example of the READMEs and compares its results.

    /usr/bin/python3 tests/docs/examples.py INVITE_SO ROOT

Each ```sql block runs on a fresh in-memory database with the extension
loaded, after `SELECT invite_init()`, the clock pinned to 2027-01-01
09:00:00 and tests/docs/fixture.sql (the catalog the examples name: Acme,
Ledger, its subscriptions, roles and users). A block whose first line is
`-- on a new database` gets the extension and nothing else.

Inside a block, the `-- ` lines right after a statement (no blank line
between) are its result, one line per row, columns joined by `|`, NULL as
NULL; `-- error: <message>` says the statement fails with that message. `…`
in a result line stands for any text. A statement without result lines must
succeed. Lines starting with `.` (shell commands such as `.load`) are left
out: the runner loads the extension itself. Each block runs in a scratch
directory of its own (for an `ATTACH 'access.db'`). A block whose first line is
`-- not run: <why>` is skipped and listed.
"""
import os
import re
import sqlite3
import sys
import tempfile

FILES = ["README.md", "sql/README.md", "ext/README.md", "tools/README.md", "tools/PERFORMANCE.md",
         "tests/README.md", "demo/README.md"]


def blocks(path):
    """(first line number, lines) of each ```sql block"""
    out, cur, start = [], None, 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if cur is None:
                m = re.match(r"^(\s*)```sql\s*$", line)
                if m:
                    cur, start, indent = [], n + 1, len(m.group(1))
            elif line.strip().startswith("```"):
                out.append((start, cur))
                cur = None
            else:
                cur.append(line[indent:] if line[:indent].strip() == "" else line)
    return out


def statements(lines, start):
    """(line number, sql, expected lines or None) for each statement"""
    out, buf, buf_line, i = [], "", None, 0

    def only_comments(text):
        return all(l.strip() == "" or l.strip().startswith("--") for l in text.splitlines())

    while i < len(lines):
        line = lines[i]
        if line.startswith(".") and only_comments(buf):
            i += 1
            continue
        if only_comments(buf):
            buf_line = start + i
        buf += line + "\n"
        i += 1
        if sqlite3.complete_statement(buf):
            expected = []
            while i < len(lines) and (lines[i].startswith("-- ") or lines[i] == "--"):
                expected.append(lines[i][3:])
                i += 1
            out.append((buf_line, buf, expected or None))
            buf = ""
    if not only_comments(buf):
        out.append((buf_line, buf, "incomplete"))
    return out


def show(v):
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, bytes):
        return v.hex().upper()
    return str(v)


def matches(want, got):
    pattern = "^" + ".*".join(re.escape(p) for p in want.split("…")) + "$"
    return re.match(pattern, got, re.S) is not None


def main():
    so, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    scratch = tempfile.TemporaryDirectory()   # where an example's ATTACH 'x.db' lands
    fixture = open(f"{root}/tests/docs/fixture.sql", encoding="utf-8").read()
    ran = failed = 0
    skipped = []
    for rel in FILES:
        try:
            found = blocks(f"{root}/{rel}")
        except FileNotFoundError:
            continue
        for start, lines in found:
            where = f"{rel}:{start}"
            first = next((l for l in lines if l.strip()), "")
            if first.startswith("-- not run:"):
                skipped.append(f"{where}: {first[3:]}")
                continue
            os.chdir(tempfile.mkdtemp(dir=scratch.name))
            db = sqlite3.connect(":memory:", isolation_level=None)
            db.enable_load_extension(True)
            db.load_extension(so)
            if first.strip() != "-- on a new database":
                db.execute("SELECT invite_init()")
                db.execute("SELECT invite_clock('2027-01-01 09:00:00')")
                db.executescript(fixture)
            ran += 1
            for line, sql, expected in statements(lines, start):
                if expected == "incomplete":
                    print(f"FAIL {rel}:{line}: a statement without its ';'")
                    failed += 1
                    break
                try:
                    rows = db.execute(sql).fetchall()
                    got = ["|".join(show(v) for v in r) for r in rows]
                except sqlite3.Error as e:
                    got = [f"error: {e}"]
                    if expected is None:
                        print(f"FAIL {rel}:{line}: {sql.strip()}\n     fails: {e}")
                        failed += 1
                        continue
                if expected is None:
                    continue
                if len(expected) != len(got) or not all(matches(w, g) for w, g in zip(expected, got)):
                    print(f"FAIL {rel}:{line}: {sql.strip()}")
                    print("     the README says:\n" + "".join(f"       -- {w}\n" for w in expected), end="")
                    print("     it gives:\n" + "".join(f"       -- {g}\n" for g in got), end="")
                    failed += 1
            db.close()
    for s in skipped:
        print(f"not run: {s}")
    print(f"examples: {ran} blocks run, {len(skipped)} not run, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
