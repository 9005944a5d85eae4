#!/usr/bin/env bash
# Check the reader against spec/vectors/: every valid archive lists as in
# NAME.list (and NAME.find, NAME.category when present), every entry reads
# back as the file in NAME.contents/, and verify passes; every invalid
# archive gives the exit code and message in NAME.expect (command, exit
# code, message substring).
set -uo pipefail
wikipack=$1
vectors=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for archive in "$vectors"/valid/*.wpk; do
    name=${archive%.wpk}
    base=$(basename "$name")
    if "$wikipack" list --revisions "$archive" >"$tmp/list" 2>"$tmp/err" && cmp -s "$tmp/list" "$name.list"; then ok; else bad "$base: listing differs"; fi
    if [ -f "$name.find" ]; then
        if "$wikipack" find "$archive" "" >"$tmp/find" 2>"$tmp/err" && cmp -s "$tmp/find" "$name.find"; then ok; else bad "$base: find output differs"; fi
    fi
    if [ -f "$name.category" ]; then # first line a category, then its members as `list --category` shows them
        category=$(head -n 1 "$name.category")
        tail -n +2 "$name.category" >"$tmp/want"
        if "$wikipack" list "$archive" --category "$category" >"$tmp/members" 2>"$tmp/err" && cmp -s "$tmp/members" "$tmp/want"
        then ok; else bad "$base: members of $category differ"; fi
    fi
    if "$wikipack" verify "$archive" >/dev/null 2>&1; then ok; else bad "$base: verify failed"; fi
    if [ -f "$name.pub" ]; then # signed (1.2): by the key beside it
        if "$wikipack" verify --quick "$archive" --pubkey "$name.pub" >/dev/null 2>&1; then ok; else bad "$base: not signed by $base.pub"; fi
    fi
    count=0
    while IFS=$'\t' read -r _id _title path _size _updated; do
        count=$((count + 1))
        expected="$name.contents/$path"
        if "$wikipack" get "$archive" --path "$path" >"$tmp/got" 2>/dev/null && cmp -s "$tmp/got" "$expected"; then ok
        else bad "$base: entry $path differs from $expected"; fi
    done <"$name.list"
    files=$(find "$name.contents" -type f 2>/dev/null | wc -l)
    if [ "$files" -eq "$count" ]; then ok; else bad "$base: $files files in contents, $count entries listed"; fi
done

for archive in "$vectors"/invalid/*.wpk; do
    name=${archive%.wpk}
    base=$(basename "$name")
    { read -r command; read -r code; read -r message; } <"$name.expect"
    "$wikipack" "$command" "$archive" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq "$code" ]; then ok; else bad "$base: $command exited $rc, expected $code: $(cat "$tmp/err")"; fi
    if grep -qF -- "$message" "$tmp/err"; then ok; else bad "$base: message lacks \"$message\": $(cat "$tmp/err")"; fi
    if grep -qF -- "$base.wpk" "$tmp/err"; then ok; else bad "$base: message does not name the file"; fi
done

# What verify refuses, a read refuses too: the entry of the spec's witness
# archive whose content hash is wrong (every other checksum right) is not
# printed by get, which names it; its block is fine, so only the content
# check can catch it.
witness=$vectors/witness/invalid/content-hash.wpk
"$wikipack" get "$witness" --path a/Ada_Lovelace.md >"$tmp/got" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -qF 'entry "a/Ada_Lovelace.md": content checksum mismatch' "$tmp/err"; then ok
else bad "get of an entry with a wrong content hash: exit $rc: $(cat "$tmp/err")"; fi
if [ ! -s "$tmp/got" ]; then ok; else bad "get printed the damaged entry"; fi

# Rules met only by a lookup or a read (spec: "When using a leaf page, a
# record or a block"; tests/REJECTIONS.md), on witness archives whose
# verification form check_witness.sh already covers: ARCHIVE | ARGS | MESSAGE.
while IFS='|' read -r name args message; do
    # shellcheck disable=SC2086 # ARGS are words
    eval "set -- $args"
    "$wikipack" get "$vectors/witness/invalid/$name.wpk" "$@" >"$tmp/got" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -qF -- "$message" "$tmp/err" && [ ! -s "$tmp/got" ]; then ok
    else bad "$name: get $args: exit $rc, expected 1 and \"$message\": $(cat "$tmp/err")"; fi
done <<'EOF_LOOKUPS'
id-wrong-entry|--id 974|ID index points page ID 974 at entry 1, which has another ID
id-other-id|--id 974|ID index points page ID 974 at entry 1, which has another ID
title-wrong-entry|--title "Ada Lovelace"|title index points "Ada Lovelace" at entry 1, which has another title
title-entry-out-of-range|--title "Ada Lovelace"|title index page at region offset 362: entry number out of range
block-checksum|--path a/Ada_Lovelace.md|block at offset 996 (entry "a/Ada_Lovelace.md"): checksum mismatch
block-raw-size|--path a/Ada_Lovelace.md|block at offset 996 (entry "a/Ada_Lovelace.md") is not exactly one zstd frame
block-not-one-frame|--path a/Ada_Lovelace.md|block at offset 996 (entry "a/Ada_Lovelace.md") is not exactly one zstd frame
EOF_LOOKUPS

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
