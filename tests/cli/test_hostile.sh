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
    # Sizes beyond what text expands to are refused by the plausibility cap
    # (exit 6) before anything is read; with the cap raised, the frame
    # header's own size must still catch the lie (exit 1).
    raise=()
    if [ "$kind" = size ]; then
        "$wikipack" get "$archive" --path z/victim.md >/dev/null 2>"$scratch/err"
        rc=$?
        if [ "$rc" -eq 6 ] && grep -qF "plausibility cap" "$scratch/err"; then ok; else bad "$name: get at the default cap exited $rc: $(cat "$scratch/err")"; fi
        raise=(--max-expansion 32768)
    fi
    "$wikipack" extract -C "$box/out" "$archive" "${raise[@]}" >"$scratch/out" 2>"$scratch/err"
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
        "$wikipack" get "$archive" --path z/victim.md "${raise[@]}" >/dev/null 2>"$scratch/err"
        rc=$?
        if [ "$rc" -eq 1 ] && grep -qF "$name.wpk" "$scratch/err"; then ok; else bad "$name: get exited $rc: $(cat "$scratch/err")"; fi
    fi
    if [ "$(wc -l <"$scratch/err")" -le 3 ] && ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$scratch/err"; then ok
    else bad "$name: raw control bytes or extra lines in the messages"; fi
    "$wikipack" verify "$archive" "${raise[@]}" >/dev/null 2>"$scratch/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -qF "$name.wpk" "$scratch/err"; then ok; else bad "$name: verify exited $rc: $(cat "$scratch/err")"; fi
    "$wikipack" list "$archive" >/dev/null 2>&1
    if [ $? -le 1 ]; then ok; else bad "$name: list crashed or failed oddly"; fi
done <"$scratch/archives/cases.tsv"

# Strings a terminal would obey (escape sequences, a C1 control, bytes
# that are not UTF-8): list, find, info, get and their messages show them
# as \xHH; --json keeps every key, bad bytes as U+FFFD, listed in not_utf8.
S=$scratch/archives/strings.wpk
no_raw_controls() { ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$1"; }
for cmd in "list" "list --revisions" "find ." "info"; do
    # shellcheck disable=SC2086
    "$wikipack" $cmd "$S" >"$scratch/out" 2>"$scratch/err"
    rc=$?
    [ "$cmd" = "find ." ] && "$wikipack" find "$S" "" >"$scratch/out" 2>"$scratch/err" && rc=0
    if [ "$rc" -eq 0 ] && no_raw_controls "$scratch/out" && no_raw_controls "$scratch/err"; then ok
    else bad "$cmd: exit $rc, or a raw control byte in its output"; fi
done
if "$wikipack" list "$S" | grep -F >/dev/null 'Clear\x1B[2J\x1B[H screen'; then ok
else bad "list does not show the escape as \\x1B"; fi
if "$wikipack" list "$S" | grep -F >/dev/null 'CSI \xC2\x9B31m red'; then ok; else bad "a C1 control (U+009B) not shown as bytes"; fi
if "$wikipack" list "$S" | grep -F >/dev/null 'Bad \xFF\xFE bytes \xF8\x88\x80'; then ok; else bad "bytes that are not UTF-8 (F8 leads nothing) not shown as \\xHH"; fi
"$wikipack" get "$S" --title "nothing like it" >/dev/null 2>"$scratch/err"
"$wikipack" get "$S" --id 101 >/dev/null 2>>"$scratch/err"
if no_raw_controls "$scratch/err"; then ok; else bad "get: a raw control byte in its messages"; fi
"$wikipack" list --json "$S" >"$scratch/list.json"
if python3 - "$scratch/list.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
keys = {"path", "page_id", "title", "size", "updated", "language", "kind", "categories", "url", "mime", "wiki"}
assert len(rows) == 4, rows
for r in rows:
    assert keys <= set(r), (r, keys - set(r))
bad = next(r for r in rows if r["path"] == "d/bad.md")
assert bad["title"] == "Bad \ufffd\ufffd bytes \ufffd\ufffd\ufffd" and bad["language"] == "x\ufffdy", bad
assert sorted(bad["not_utf8"]) == ["language", "title", "url"], bad
assert "not_utf8" not in next(r for r in rows if r["path"] == "b/title.md")
PY
then ok; else bad "list --json: a key missing or bad bytes not replaced and flagged"; fi
for cmd in "find" "info"; do
    if [ "$cmd" = find ]; then "$wikipack" find --json "$S" "" >"$scratch/out.json"; else "$wikipack" info --json "$S" >"$scratch/out.json"; fi
    if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$scratch/out.json"; then ok; else bad "$cmd --json: not JSON"; fi
done

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
