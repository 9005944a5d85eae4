#!/usr/bin/env bash
# Regenerate the sample vectors of spec/vectors/valid/ with the wikipack
# command (the reference writer), from the inputs in spec/vectors/src/ and a
# generated collection. Rerun only when the format or the writer changes on
# purpose, and review what changed: the expected listings and contents are
# what the reference reader says of the new archives.
#
# usage: make_vectors.sh WIKIPACK [OUTDIR]   (OUTDIR: default spec/vectors/valid)
#
# For each NAME: NAME.wpk, NAME.list (`list --revisions`), NAME.contents/
# (each entry's bytes, by `extract`; for inputs that are files, checked
# against the files themselves), NAME.find (`find NAME.wpk ""`, when it
# finds anything), NAME.category (a category, then `list --category` of it).
# signed.wpk is small.wpk signed with the test key signed.key (public on
# purpose; signed.pub is its public key).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 WIKIPACK [OUTDIR]" >&2
    exit 2
fi
wikipack=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here/valid}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expected NAME [CATEGORY]: the listing, contents, find and category files.
expected() {
    local name=$1 category=${2:-}
    local wpk=$out/$name.wpk
    rm -rf "$out/$name.contents" "$out/$name.list" "$out/$name.find" "$out/$name.category"
    "$wikipack" list --revisions "$wpk" >"$out/$name.list"
    if [ -s "$out/$name.list" ]; then
        "$wikipack" extract -q "$wpk" -C "$out/$name.contents"
    fi
    if "$wikipack" find "$wpk" "" --limit 0 >"$tmp/find" 2>/dev/null; then
        mv "$tmp/find" "$out/$name.find"
    fi
    if [ -n "$category" ]; then
        { printf '%s\n' "$category"; "$wikipack" list "$wpk" --category "$category"; } >"$out/$name.category"
    fi
    "$wikipack" verify "$wpk" >/dev/null
}

# same_files DIR NAME: the archive's contents are the input files, byte for byte.
same_files() {
    if ! diff -r "$1" "$out/$2.contents" >/dev/null; then
        echo "$0: $2: the contents read back differ from $1" >&2
        exit 1
    fi
}

# empty: no entries.
mkdir "$tmp/empty"
"$wikipack" pack -q -o "$out/empty.wpk" "$tmp/empty"
expected empty

# small: two versions of one article, a non-ASCII path and title, categories,
# identical files stored once, an empty file.
"$wikipack" pack -q -o "$out/small.wpk" "$here/src/small" 2>/dev/null
expected small "Category:Python (programming language) web frameworks"
same_files "$here/src/small" small

# multi: 40 entries, pairs of versions, in 1 KiB blocks and 256-byte index
# pages: many blocks and pages of every index, category runs over pages.
for i in $(seq 0 39); do
    n=$((i / 2)) d=$((i % 2))
    dir=$tmp/multi/d$((i % 4))
    mkdir -p "$dir"
    parity=$([ $((n % 2)) -eq 0 ] && echo Even || echo Odd)
    {
        printf '# Article %d\n\n## Metadata\n' "$n"
        printf -- '- **Last Updated:** 202%d-01-%02d 10:00:00 UTC\n' "$((3 + d))" "$((n + 1))"
        printf -- '- **Original Article:** [Article %d](https://en.wikipedia.org/wiki/Article_%d)\n' "$n" "$n"
        printf -- '- **Language:** en\n- **Page ID:** %d\n\n' "$((1000 + n))"
        printf '## Categories\nThis article belongs to the following categories:\n\n'
        printf -- '- Category:All\n- Category:%s\n\n## Content\n\n' "$parity"
        for line in $(seq 1 6); do
            printf 'Line %d of version %d of article %d, a test text of the wikipack vectors.\n' "$line" "$d" "$n"
        done
    } >"$dir/Article_${n}_v$d.md"
done
"$wikipack" pack -q -o "$out/multi.wpk" --block-size 1K --page-size 256 --no-dict "$tmp/multi"
expected multi "Category:Even"
same_files "$tmp/multi" multi

# wikis: two MediaWiki exports whose page IDs collide (enwiki 101 Zürich and
# dewiki 101 Berlin; 23862 in both), one title in both wikis, redirects as
# aliases, a category page.
"$wikipack" pack -q -o "$out/wikis.wpk" "$here/src/wikis"
expected wikis

# merged (format 2.2): `wikipack merge` of two halves of a generated
# collection packed apart, each with a dictionary of its own (BLOCK_DICTS,
# one run of blocks each), and of wikis.wpk (no dictionary: a third run).
for half in a b; do
    base_id=$([ "$half" = a ] && echo 5000 || echo 6000)
    for i in $(seq 0 59); do
        dir=$tmp/merged-$half/$half$((i % 3))
        mkdir -p "$dir"
        {
            printf '# %s %d\n\n## Metadata\n' "${half^^} topic" "$i"
            printf -- '- **Last Updated:** 2024-02-%02d 08:00:00 UTC\n' "$((i % 28 + 1))"
            printf -- '- **Language:** en\n- **Page ID:** %d\n\n## Content\n\n' "$(( ${base_id:-0} + i ))"
            for line in $(seq 1 40); do
                printf 'Paragraph %d of %s topic %d: the %s half of the merged vector, words %d and %d.\n' \
                    "$line" "$half" "$i" "$half" "$(( (i * 7 + line * 13) % 97 ))" "$(( (i * 11 + line) % 89 ))"
            done
        } >"$dir/${half}_topic_$i.md"
    done
    "$wikipack" pack -q -o "$tmp/merged-$half.wpk" "$tmp/merged-$half"
done
"$wikipack" merge -q -o "$out/merged.wpk" "$tmp/merged-a.wpk" "$tmp/merged-b.wpk" "$out/wikis.wpk"
expected merged

# signed: small signed with the test key.
cp "$out/small.wpk" "$out/signed.wpk"
install -m 600 "$here/valid/signed.key" "$tmp/signed.key" # the command wants a private key file
[ "$out" = "$here/valid" ] || cp "$here/valid/signed.key" "$here/valid/signed.pub" "$out/"
"$wikipack" sign "$out/signed.wpk" --key "$tmp/signed.key" >/dev/null
expected signed "Category:Python (programming language) web frameworks"
"$wikipack" verify "$out/signed.wpk" --pubkey "$out/signed.pub" >/dev/null
echo "$0: vectors written to $out"
