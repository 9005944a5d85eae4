#!/usr/bin/env bash
# Archives from strangers: extraction never writes outside -C DIR, whatever
# the entry paths say or the directory already holds, and impossible sizes
# are refused. Each hostile archive has every checksum right (make_hostile
# writes it through a test hook), so only the reader's own checks stand
# between it and the file system.
# Usage: test_hostile.sh WIKIPACK MAKE_HOSTILE SCRATCH_DIR
set -uo pipefail
wikipack=$1
make_hostile=$2
scratch=$3
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

rm -rf "$scratch"
mkdir -p "$scratch"
"$make_hostile" "$scratch/archives" || { echo "make_hostile failed" >&2; exit 1; }

# Everything below $1 except its out/ directory, one path per line.
outside_of_out() { (cd "$1" && find . -path ./out -prune -o -print | LC_ALL=C sort); }

# The extraction sandbox: out/ is the target; a sibling directory and file
# are what an escape would reach.
new_sandbox() {
    box=$scratch/box
    rm -rf "$box"
    mkdir -p "$box/out" "$box/outside"
    echo original >"$box/outside/target"
    outside_of_out "$box" >"$scratch/before"
}

check_nothing_outside() {
    outside_of_out "$box" >"$scratch/after"
    if cmp -s "$scratch/before" "$scratch/after" && [ "$(cat "$box/outside/target")" = original ]; then ok
    else bad "$1: something changed outside out/: $(diff "$scratch/before" "$scratch/after" | tr '\n' ' ')"; fi
}

while IFS=$'\t' read -r name kind; do
    archive=$scratch/archives/$name.wpk
    new_sandbox
    "$wikipack" extract -C "$box/out" "$archive" >"$scratch/out" 2>"$scratch/err"
    rc=$?
    if [ "$rc" -eq 1 ]; then ok; else bad "$name: extract exited $rc, expected 1: $(cat "$scratch/err")"; fi
    check_nothing_outside "$name"
    # The good entries are still extracted, and only they.
    got=$(cd "$box/out" && find . -type f | LC_ALL=C sort | tr '\n' ' ')
    if [ "$got" = "./a/good-1.md ./b/good-2.md " ]; then ok; else bad "$name: extracted files: $got"; fi
    # The message names the archive or entry, with no raw control byte in it.
    if [ "$kind" = path ]; then
        if grep -qE 'unsafe path|NUL byte' "$scratch/err"; then ok; else bad "$name: no clear message: $(cat "$scratch/err")"; fi
    else
        if grep -qE 'claims more|not exactly one zstd frame' "$scratch/err"; then ok; else bad "$name: no clear message: $(cat "$scratch/err")"; fi
        "$wikipack" get "$archive" --path z/victim.md >/dev/null 2>"$scratch/err"
        rc=$?
        if [ "$rc" -eq 1 ] && grep -qF "$name.wpk" "$scratch/err"; then ok; else bad "$name: get exited $rc: $(cat "$scratch/err")"; fi
    fi
    if [ "$(wc -l <"$scratch/err")" -le 3 ] && ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$scratch/err"; then ok
    else bad "$name: raw control bytes or extra lines in the messages"; fi
    "$wikipack" verify "$archive" >/dev/null 2>"$scratch/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -qF "$name.wpk" "$scratch/err"; then ok; else bad "$name: verify exited $rc: $(cat "$scratch/err")"; fi
    "$wikipack" list "$archive" >/dev/null 2>&1
    if [ $? -le 1 ]; then ok; else bad "$name: list crashed or failed oddly"; fi
done <"$scratch/archives/cases.tsv"

# Links and files already in the target directory.
mkdir -p "$scratch/input/sub"
echo "# Inside" >"$scratch/input/sub/inner.md"
echo "# Top" >"$scratch/input/top.md"
"$wikipack" pack -q -o "$scratch/plain.wpk" "$scratch/input" || bad "pack of the link-test input failed"

new_sandbox
ln -s "$box/outside" "$box/out/sub"
"$wikipack" extract -q -C "$box/out" "$scratch/plain.wpk" 2>"$scratch/err"
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'symbolic link' "$scratch/err"; then ok; else bad "directory link: exit $rc: $(cat "$scratch/err")"; fi
check_nothing_outside "directory link"
if [ -f "$box/out/top.md" ]; then ok; else bad "directory link: the safe entry was not extracted"; fi

for force in "" --force; do
    new_sandbox
    ln -s "$box/outside/target" "$box/out/top.md"
    "$wikipack" extract -q $force -C "$box/out" "$scratch/plain.wpk" 2>"$scratch/err"
    rc=$?
    check_nothing_outside "file link ${force:-without --force}"
    if [ -z "$force" ]; then
        if [ "$rc" -ne 0 ] && [ -L "$box/out/top.md" ] && grep -q 'already exists' "$scratch/err"; then ok
        else bad "file link: exit $rc, link replaced or no message: $(cat "$scratch/err")"; fi
    else
        if [ "$rc" -eq 0 ] && [ ! -L "$box/out/top.md" ] && grep -q '^# Top' "$box/out/top.md"; then ok
        else bad "file link --force: exit $rc: $(cat "$scratch/err")"; fi
    fi
done

new_sandbox
echo keep >"$box/out/top.md"
"$wikipack" extract -q -C "$box/out" "$scratch/plain.wpk" 2>"$scratch/err"
rc=$?
if [ "$rc" -ne 0 ] && [ "$(cat "$box/out/top.md")" = keep ]; then ok; else bad "existing file overwritten without --force (exit $rc)"; fi
"$wikipack" extract -q --force -C "$box/out" "$scratch/plain.wpk" 2>"$scratch/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^# Top' "$box/out/top.md"; then ok; else bad "--force did not replace the file (exit $rc)"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
