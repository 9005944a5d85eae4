#!/bin/sh
# run_verify_budget.sh - test_verify_budget over the damaged and valid archives the other tests use: the
# witness vectors (when make_witness.py has its Python modules), make_hostile's and the committed vectors.
# usage: run_verify_budget.sh PROGRAM MAKE_HOSTILE SOURCE_DIR SCRATCH
set -u
program=$1 make_hostile=$2 src=$3 scratch=$4
rm -rf "$scratch"
mkdir -p "$scratch"
"$make_hostile" "$scratch/hostile" >/dev/null || { echo "make_hostile failed" >&2; exit 1; }
witness=
if /usr/bin/python3 "$src/spec/vectors/witness/make_witness.py" "$scratch/witness" --no-check >/dev/null 2>&1; then
    witness=$scratch/witness
else
    echo "note: no witness vectors (make_witness.py is missing a Python module)"
fi
exec "$program" "$scratch/work" "$scratch/hostile" "$src/spec/vectors" $witness
