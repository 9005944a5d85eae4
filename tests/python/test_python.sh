#!/bin/bash
# test_python.sh PYTHON SOURCE_DIR LIB_DIR WIKIPACK SAMPLES SCRATCH
# Builds the binding's extension (cffi, against SOURCE_DIR/include and the
# libwikipack.so in LIB_DIR) into SCRATCH, then runs its tests with pytest.
set -euo pipefail
# Every failing step names itself: a step that fails without a word of its
# own would otherwise leave ctest with nothing to show.
trap 'echo "FAIL: test_python.sh: line $LINENO exited with $?" >&2' ERR
PY=$1 SRC=$2 LIBDIR=$3 CLI=$4 SAMPLES=$5 SCRATCH=$6
if ! "$PY" -c 'import cffi, pytest' 2>/dev/null; then
    echo "FAIL: $PY lacks cffi or pytest (Debian: python3-cffi python3-pytest; tools/install-deps.sh installs them)" >&2
    exit 1
fi
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/wikipack"
cp "$SRC"/tools/python/wikipack/*.py "$SRC"/tools/python/wikipack/py.typed "$SCRATCH/wikipack/"
( cd "$SCRATCH" && WIKIPACK_INCLUDE_DIR="$SRC/include" WIKIPACK_LIB_DIR="$LIBDIR" \
    "$PY" -c 'import importlib.util as u; s = u.spec_from_file_location("b", "wikipack/_build.py"); m = u.module_from_spec(s); s.loader.exec_module(m); m.ffibuilder.compile(tmpdir=".")' >build.log 2>&1 ) \
    || { cat "$SCRATCH/build.log" >&2; echo "FAIL: the extension did not build" >&2; exit 1; }
cd "$SCRATCH"
# A sanitized build's library needs its runtime loaded first; Python
# itself keeps memory to the end, which is not the library's leak.
# (ldd's output is read whole first: grep -q leaving early would give ldd a
# SIGPIPE, and pipefail would then read the match as no match.)
deps=$(ldd "$LIBDIR/libwikipack.so" || true)
if grep -q libasan <<<"$deps"; then
    export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
WIKIPACK_CLI="$CLI" WIKIPACK_SAMPLES="$SAMPLES" PYTHONPATH="$SCRATCH" \
    "$PY" -u -X faulthandler -m pytest -q -rfE -p no:cacheprovider "$SRC/tools/python/tests"
