#!/usr/bin/env bash
# Check the reader against the sample vectors of spec/vectors/ (format 2.x,
# written by spec/vectors/make_vectors.sh): every valid archive lists as in
# NAME.list (and NAME.find, NAME.category when present), every entry reads
# back as the file in NAME.contents/, and verify passes (with NAME.pub, also
# --pubkey); every invalid archive (1.x archives, which a 2.0 reader
# refuses) gives the exit code and message in NAME.expect (command, exit
# code, message substring). The witness vectors (spec/vectors/witness/) have
# their own test, `witness`.
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
        if "$wikipack" find "$archive" "" --limit 0 >"$tmp/find" 2>"$tmp/err" && cmp -s "$tmp/find" "$name.find"; then ok; else bad "$base: find output differs"; fi
    fi
    if [ -f "$name.category" ]; then # first line a category, then its members as `list --category` shows them
        category=$(head -n 1 "$name.category")
        tail -n +2 "$name.category" >"$tmp/want"
        if "$wikipack" list "$archive" --category "$category" >"$tmp/members" 2>"$tmp/err" && cmp -s "$tmp/members" "$tmp/want"
        then ok; else bad "$base: members of $category differ"; fi
    fi
    if "$wikipack" verify "$archive" >/dev/null 2>&1; then ok; else bad "$base: verify failed"; fi
    if [ -f "$name.pub" ]; then # signed: by the key beside it
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

# The writer: make_vectors.sh packs the same inputs again with this build;
# what reading the new archives gives must be what is committed (their
# bytes may differ with the libzstd version, not their listings and
# contents). So a change in how the writer groups versions, names wikis or
# resolves aliases shows here.
if bash "$vectors/make_vectors.sh" "$wikipack" "$tmp/regen" >"$tmp/regen.log" 2>&1; then
    ok
    for f in "$vectors"/valid/*.list "$vectors"/valid/*.find "$vectors"/valid/*.category; do
        base=$(basename "$f")
        if cmp -s "$f" "$tmp/regen/$base"; then ok; else bad "repacked: $base differs"; fi
    done
    for d in "$vectors"/valid/*.contents; do
        base=$(basename "$d")
        if diff -r "$d" "$tmp/regen/$base" >/dev/null 2>&1; then ok; else bad "repacked: $base differs"; fi
    done
else
    bad "make_vectors.sh failed: $(tail -n 3 "$tmp/regen.log")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
