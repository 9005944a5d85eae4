#!/bin/sh
# run_format2_witness.sh - writes the format 2.0 witness vectors into a temporary directory and reads them with the codec (test_format2_witness).
# usage: run_format2_witness.sh PROGRAM; exit 77 (skip) when make_witness.py lacks a Python module.
set -u
program=$1
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/format2-witness.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
/usr/bin/python3 "$here/../../spec/vectors/witness/make_witness.py" "$scratch" --no-check
rc=$?
if [ "$rc" -ne 0 ]; then
    [ "$rc" -eq 77 ] && echo "SKIP: make_witness.py is missing a Python module"
    exit "$rc"
fi
"$program" "$scratch"
