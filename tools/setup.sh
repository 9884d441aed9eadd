#!/bin/sh
# setup.sh — installs everything sqlite-invite needs to build, test and run
# its demo, in one round: make, a C compiler, pkg-config, the -dev libraries,
# the sqlite3 shell and the local SMTP server of the demo and the mail test.
#
#   sh tools/setup.sh           as root: install what is missing (apt-get);
#                               otherwise: print the one command that does it
#   sh tools/setup.sh --check   only say what is missing (exit 1 if anything)
#
# Debian 12 and Ubuntu 24.04 (apt). Ubuntu 22.04's SQLite (3.37.2) is older
# than the 3.38.0 the extension needs: setup says so. Elsewhere it names what
# is needed.
# SETUP_LEAVE_OUT="gcc ..." leaves packages out on purpose: the fresh-machine
# check (.ci/fresh-machine.sh) uses it to show that a broken set-up fails.
set -u
packages="make gcc libc6-dev pkg-config libsqlite3-dev sqlite3 libsodium-dev
          libcurl4-openssl-dev python3 python3-aiosmtpd"
check_only=
[ "${1:-}" = --check ] && check_only=1

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: this is not a Debian or Ubuntu system (no apt-get)." >&2
  echo "setup: install these (names as Debian has them) with your package manager:" >&2
  echo "  $(echo $packages)" >&2
  exit 1
fi

installed() {
  dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q ' installed$'
}
missing=
for p in $packages; do
  case " ${SETUP_LEAVE_OUT:-} " in *" $p "*) continue ;; esac
  installed "$p" || missing="$missing $p"
done
missing=${missing# }

# The extension needs SQLite 3.38.0 or later (built-in JSON, ->>); say so
# once the system's version is known, rather than at the first query.
sqlite_new_enough() {
  v=$(dpkg-query -W -f='${Version}' libsqlite3-dev 2>/dev/null) || return 0
  [ -n "$v" ] || return 0
  if dpkg --compare-versions "$v" lt 3.38.0; then
    echo "setup: sqlite-invite needs SQLite 3.38.0 or later; this system's libsqlite3-dev is $v" >&2
    echo "setup: (Debian 12 and Ubuntu 24.04 have it; Ubuntu 22.04 has 3.37.2)" >&2
    return 1
  fi
}

if [ -z "$missing" ]; then
  sqlite_new_enough || exit 1
  echo "setup: everything needed is installed"
  exit 0
fi
if [ -n "$check_only" ]; then
  echo "setup: missing: $missing" >&2
  exit 1
fi

install="apt-get update && apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" = 0 ]; then
  echo "setup: installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  sh -c "$install" || { echo "setup: apt-get failed" >&2; exit 1; }
  sqlite_new_enough || exit 1
  echo "setup: done"
  exit 0
fi

echo "setup: missing: $missing" >&2
echo "setup: run this (as root), then run the command again:" >&2
if command -v sudo >/dev/null 2>&1; then
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
else
  echo "  su -c '$install'" >&2
fi
exit 1
