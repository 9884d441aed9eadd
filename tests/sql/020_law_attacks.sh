#!/bin/sh
# Every known attack on the law, each on 16 connections (with and without
# the extension; recursive_triggers, foreign_keys, ignore_check_constraints
# each on and off): refused with its message, nothing changed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cp "$here"/_catalog.inc "$here"/_sessions.inc .
exec /usr/bin/python3 "$here/../law/attacks.py" "$INVITE_SO" "$PWD"
