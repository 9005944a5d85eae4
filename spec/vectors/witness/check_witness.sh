#!/bin/bash
# Check a wikipack reader against archives written from spec/FORMAT.md alone.
#
# usage: check_witness.sh WIKIPACK SCRATCH
#
# Runs make_witness.py into SCRATCH (emptied first), then:
#   valid/NAME.wpk    `list --revisions` equals NAME.list, `get --path P`
#                     equals NAME.contents/P for every entry, `verify` exits 0;
#   invalid/NAME.wpk  the command on the first line of NAME.expect exits with
#                     the code on its second line and prints the third line.
# Prints one ok/FAIL line per check.  Exit 0 when everything matched, 1 when
# something did not, 77 (skip) when python3-xxhash or python3-zstandard is
# missing, 2 on usage errors.  PYTHON may name the interpreter to use.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 WIKIPACK SCRATCH" >&2
    exit 2
fi
wikipack=$1
scratch=$2
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$wikipack" ]; then
    echo "$0: $wikipack is not an executable" >&2
    exit 2
fi

# A Python 3 with both modules: $PYTHON, else python3, else Debian's own.
python=
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import xxhash, zstandard' >/dev/null 2>&1; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "SKIP: no python3 with the modules xxhash and zstandard;" \
         "install them with: apt-get install -y python3-xxhash python3-zstandard"
    exit 77
fi

if [ -e "$scratch" ] && [ "$(cd "$scratch" && pwd)" = "$here" ] || [ "$scratch" = / ]; then
    echo "$0: SCRATCH must be a scratch directory, not $scratch" >&2
    exit 2
fi
rm -rf "$scratch"
mkdir -p "$scratch"
set +e
"$python" "$here/make_witness.py" "$scratch"
rc=$?
set -e
if [ "$rc" -eq 77 ]; then
    echo "SKIP: make_witness.py is missing a module (see above)"
    exit 77
elif [ "$rc" -ne 0 ]; then
    echo "FAIL make_witness.py exited with $rc"
    exit 1
fi

pass=0
fail=0
ok()   { echo "ok   $*"; pass=$((pass + 1)); }
bad()  { echo "FAIL $*"; fail=$((fail + 1)); }

# run OUT ERR CMD...: run CMD with stdout and stderr to files; sets $status
run() {
    local out=$1 err=$2
    shift 2
    set +e
    "$@" >"$out" 2>"$err"
    status=$?
    set -e
}

tmp=$scratch/tmp
mkdir -p "$tmp"

for wpk in "$scratch"/valid/*.wpk; do
    name=$(basename "$wpk" .wpk)
    dir=$scratch/valid

    run "$tmp/list.out" "$tmp/list.err" "$wikipack" list "$wpk" --revisions
    if [ "$status" -ne 0 ]; then
        bad "$name: list --revisions exited $status: $(head -n 3 "$tmp/list.err")"
    elif diff -u "$dir/$name.list" "$tmp/list.out" >"$tmp/list.diff"; then
        ok "$name: list --revisions"
    else
        bad "$name: list --revisions differs from $name.list:"
        cat "$tmp/list.diff"
    fi

    if [ -d "$dir/$name.contents" ]; then
        while IFS= read -r -d '' file; do
            path=${file#"$dir/$name.contents/"}
            run "$tmp/get.out" "$tmp/get.err" "$wikipack" get "$wpk" --path "$path"
            if [ "$status" -ne 0 ]; then
                bad "$name: get --path $path exited $status: $(head -n 3 "$tmp/get.err")"
            elif cmp -s "$file" "$tmp/get.out"; then
                ok "$name: get --path $path"
            else
                bad "$name: get --path $path: content differs"
            fi
        done < <(find "$dir/$name.contents" -type f -print0 | sort -z)
    fi

    run "$tmp/verify.out" "$tmp/verify.err" "$wikipack" verify "$wpk"
    if [ "$status" -eq 0 ]; then
        ok "$name: verify"
    else
        bad "$name: verify exited $status: $(cat "$tmp/verify.out" "$tmp/verify.err" | head -n 5)"
    fi
done

for expect in "$scratch"/invalid/*.expect; do
    name=$(basename "$expect" .expect)
    wpk=$scratch/invalid/$name.wpk
    command=$(sed -n 1p "$expect")
    code=$(sed -n 2p "$expect")
    message=$(sed -n 3p "$expect")
    run "$tmp/cmd.out" "$tmp/cmd.err" "$wikipack" "$command" "$wpk"
    if [ "$status" -ne "$code" ]; then
        bad "$name: $command exited $status, expected $code: $(cat "$tmp/cmd.err" | head -n 3)"
    elif grep -qF -- "$message" "$tmp/cmd.err" "$tmp/cmd.out"; then
        ok "$name: $command exits $code: $message"
    else
        bad "$name: $command exited $code but did not say \"$message\"; it said: $(head -n 3 "$tmp/cmd.err")"
    fi
done

# The committed archives must be exactly what the script writes today.
for wpk in "$scratch"/valid/*.wpk "$scratch"/invalid/*.wpk; do
    rel=${wpk#"$scratch/"}
    if [ ! -e "$here/$rel" ]; then
        bad "$rel: not committed under spec/vectors/witness/"
    elif cmp -s "$wpk" "$here/$rel"; then
        ok "$rel: same bytes as committed"
    else
        bad "$rel: differs from the committed file (regenerate with make_witness.py)"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
