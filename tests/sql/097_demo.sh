#!/bin/sh
# make demo tells the same story on every run: its output, with what is
# random masked (keys, Message-IDs, the delivery time), must equal
# 097_demo.expected, and the demo must exit 0 (it exits 1 on an error it
# does not announce, or an announced refusal that did not happen).
# BLESS=1 rewrites the expected file.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(dirname "$INVITE_SO")
sh "$root/demo/demo.sh" "${build#$root/}" > raw 2>&1
rc=$?
/usr/bin/python3 - raw > out <<'PY'
import re, sys
t = open(sys.argv[1], encoding='utf-8').read()
# a key split by a quoted-printable soft line break: key=3D<part>=\n<rest>
t = re.sub(r'key=3D[A-Za-z0-9_-]+=\n(\s*)[A-Za-z0-9_-]+', r'key=3D<key>=\n\1<key, continued>', t)
t = re.sub(r'(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])', '<key>', t)
t = re.sub(r'[0-9a-f]{32}@', '<message-id>@', t)
t = re.sub(r'^(\s*Date: ).*$', r'\1<time of delivery>', t, flags=re.M)
sys.stdout.write(t)
PY
cat out
[ "$rc" = 0 ] || { echo "demo exited $rc"; exit 1; }
if [ "${BLESS:-}" = 1 ]; then cp out "$here/097_demo.expected"; fi
diff -u "$here/097_demo.expected" out
