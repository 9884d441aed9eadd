#!/bin/sh
# fresh-machine.sh — does the README's first sh block work for a newcomer?
#
# Builds a Debian 12 root with `debootstrap --variant=minbase bookworm`,
# installs only git in it, clones this project (the commit checked out now)
# into it, and runs the README's first ```sh block, line by line, as written,
# inside chroot. It fails when a line fails or the tests report a failure.
# Then the same on a second fresh root as a user who is not root: setup must
# install nothing, name every missing package in one command; that command,
# pasted into a root shell as printed, must be enough for the block to pass.
#
#   make fresh-machine                         (as root; needs debootstrap)
#   FRESH_SETUP_LEAVE_OUT=gcc make fresh-machine   a broken set-up: must fail
#   FRESH_ONLY=root|user                       run one of the two phases
#   FRESH_DIST=jammy|noble                     Ubuntu 22.04/24.04 instead
#
# The Debian mirror is the one this machine's apt uses, Ubuntu's is
# archive.ubuntu.com (FRESH_MIRROR overrides either). The minbase root with git is cached as a tarball in
# .ci/cache/ (gitignored; delete it to rebuild); each phase unpacks a new
# copy under build/fresh-machine/.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
work=$top/build/fresh-machine/${FRESH_DIST:-bookworm}
cache=$top/.ci/cache
dist=${FRESH_DIST:-bookworm}
case $dist in
  jammy|noble|focal) family=ubuntu ;;
  *) family=debian ;;
esac
base=$cache/$dist-minbase-git.tar.gz
leave_out=${FRESH_SETUP_LEAVE_OUT:-}
only=${FRESH_ONLY:-}

say() { echo "fresh-machine: $*"; }
die() { echo "fresh-machine: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"

mirror() {
  [ -n "${FRESH_MIRROR:-}" ] && { echo "$FRESH_MIRROR"; return; }
  [ $family = ubuntu ] && { echo http://archive.ubuntu.com/ubuntu; return; }
  # deb822 stanzas (*.sources): the URIs of a stanza whose Suites has bookworm
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
         { uri = ""; ok = 0
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
             if ($i ~ /^Suites:/ && $i ~ ("[ \t]" dist "([ \t]|$)")) ok = 1 }
           if (ok && uri != "") { print uri; exit } }' dist="$dist" "$f"
  done | head -1 | grep . && return
  # one-line form: deb [options] URI bookworm ...
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -E 's/\[[^]]*\]//' | awk -v dist="$dist" '$1 == "deb" && $3 == dist { print $2; exit }' | grep . && return
  echo http://deb.debian.org/debian
}

root=
unmount_root() {
  [ -n "$root" ] || return 0
  for mnt in dev/pts dev proc; do
    if grep -q " $root/$mnt " /proc/mounts; then umount -l "$root/$mnt" || true; fi
  done
}
remove_root() {
  unmount_root
  [ -n "$root" ] && [ -d "$root" ] || return 0
  if grep -q " $root/" /proc/mounts; then die "something is still mounted under $root"; fi
  rm -rf --one-file-system "$root"
}
trap 'unmount_root' EXIT INT TERM

make_base() {
  [ -f "$base" ] && return
  mirror_uri=$(mirror)
  say "building the base root: debootstrap --variant=minbase $dist from $mirror_uri (cached in $base)"
  opts="--variant=minbase"
  script=
  if [ $family = ubuntu ]; then
    # universe holds python3-aiosmtpd; an installed Ubuntu has it enabled.
    opts="$opts --components=main,universe"
    if [ -f /usr/share/keyrings/ubuntu-archive-keyring.gpg ]; then
      opts="$opts --keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg"
    else
      say "warning: no Ubuntu keyring on this machine: the base packages are not verified (apt inside the root verifies what follows)"
      opts="$opts --no-check-gpg"
    fi
    # an older debootstrap knows no newer release; they all use one script
    [ -e "/usr/share/debootstrap/scripts/$dist" ] || script=/usr/share/debootstrap/scripts/gutsy
  fi
  mkdir -p "$cache" "$work"
  root=$work/base
  remove_root
  # shellcheck disable=SC2086
  debootstrap $opts "$dist" "$root" "$mirror_uri" $script > "$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; die "debootstrap failed (log: $work/debootstrap.log)"; }
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends git >/dev/null && apt-get clean' ||
    die "installing git in the base root failed"
  tar -C "$root" -czf "$base.tmp" . && mv "$base.tmp" "$base"
  remove_root
  root=
}

# The README's first ```sh block, as written.
block=$work/readme-block.sh
mkdir -p "$work"
awk '/^```sh[ \t]*$/ && !done { inblock = 1; next }
     inblock && /^```/ { done = 1; inblock = 0 }
     inblock { print }' README.md > "$block"
[ -s "$block" ] || die "README.md has no \`\`\`sh block"
say "the README's first sh block:"; sed 's/^/    /' "$block"

commit=$(git rev-parse HEAD)
git diff --quiet HEAD -- 2>/dev/null || say "note: uncommitted changes are not tested (the clone is of $commit)"
git bundle create "$work/project.bundle" HEAD >/dev/null 2>&1 || die "git bundle failed"

# new_root NAME: a fresh copy of the base root with the project cloned in it
new_root() {
  root=$work/$1
  remove_root
  mkdir -p "$root"
  tar -C "$root" -xzf "$base"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts" 2>/dev/null || true
  cp "$work/project.bundle" "$root/tmp/project.bundle"
  cp "$block" "$root/tmp/readme-block.sh"
}

# in_root USER COMMAND: run COMMAND in the root as USER, with a login's
# environment and nothing of ours.
in_root() {
  u=$1; shift
  if [ "$u" = root ]; then h=/root; else h=/home/$u; fi
  chroot "$root" /usr/bin/env -i HOME="$h" USER="$u" LOGNAME="$u" TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SETUP_LEAVE_OUT="$leave_out" \
    setpriv --reuid="$u" --regid="$u" --init-groups sh -c "cd $h && $*" < /dev/null
}

# run_block USER LOG: each line of the block in the clone, in order
run_block() {
  u=$1 log=$2
  : > "$log"
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    [ -n "$line" ] || continue
    say "[$u] \$ $line"
    set +e
    in_root "$u" "cd sqlite-invite && $line" > "$log.$n" 2>&1
    rc=$?
    set -e
    cat "$log.$n" >> "$log"
    if [ $rc != 0 ]; then
      tail -25 "$log.$n" | sed 's/^/    /'
      die "[$u] '$line' exited with $rc (log: $log)"
    fi
    tail -3 "$log.$n" | sed 's/^/    /'
  done < "$block"
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  [ -n "$summary" ] || die "[$u] no test summary ('N passed, N failed') in the output (log: $log)"
  failed=$(echo "$summary" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
  [ "$failed" = 0 ] || die "[$u] the tests report failures: $summary"
  say "[$u] passed: $summary"
}

make_base

if [ "$only" != user ]; then
  say "phase 1: as root, on a fresh minbase $dist root with only git"
  new_root as-root
  in_root root "git -c advice.detachedHead=false clone -q /tmp/project.bundle sqlite-invite && cd sqlite-invite && git -c advice.detachedHead=false checkout -q $commit" ||
    die "git clone failed"
  run_block root "$work/as-root.log"
  remove_root; root=
fi

if [ "$only" != root ]; then
  say "phase 2: as a user who is not root; root pastes the one command setup prints"
  new_root as-user
  chroot "$root" useradd -m newcomer || die "useradd failed"
  in_root newcomer "git -c advice.detachedHead=false clone -q /tmp/project.bundle sqlite-invite && cd sqlite-invite && git -c advice.detachedHead=false checkout -q $commit" ||
    die "git clone failed"
  set +e
  in_root newcomer "cd sqlite-invite && sh tools/setup.sh" > "$work/as-user-setup.log" 2>&1
  rc=$?
  set -e
  sed 's/^/    /' "$work/as-user-setup.log"
  [ $rc != 0 ] || die "[newcomer] setup.sh exited 0 on a root without the packages"
  # The printed command: the indented line after "run this".
  cmd=$(sed -n '/run this/{n;s/^  //p;q}' "$work/as-user-setup.log")
  [ -n "$cmd" ] || die "[newcomer] setup.sh printed no command to run"
  say "[root] pasting: $cmd"
  in_root root "$cmd" > "$work/as-user-paste.log" 2>&1 ||
    { tail -20 "$work/as-user-paste.log"; die "the printed command failed as root"; }
  run_block newcomer "$work/as-user.log"
  remove_root; root=
fi
say "PASSED"
