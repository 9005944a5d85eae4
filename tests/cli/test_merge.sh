#!/usr/bin/env bash
# wikipack merge: archives packed apart joined into one, compared entry by
# entry with a single pack of the same inputs. A Wikimedia dump cut into
# parts (as Wikimedia splits its dumps), parts with different dictionaries
# (format 2.2), markdown folders whose article versions are in different
# parts; conflicts, repeats, damaged parts, reproducibility, signing.
# usage: bash tests/cli/test_merge.sh PATH/TO/wikipack SAMPLES_DIR SCRATCH_DIR
set -uo pipefail
if [ $# -ne 3 ]; then
    echo "usage: $0 PATH/TO/wikipack SAMPLES_DIR SCRATCH_DIR" >&2
    exit 2
fi
WP=$1
S=$2
T=$3
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$T" && mkdir -p "$T" || exit 4
PASS=0
FAIL=0
EN=$S/wikimedia/enwiki-latest-pages-articles1.xml-p000000010p000000300.bz2
AA=$S/wikimedia/aawiki-20260101-pages-meta-current.xml.bz2

check() {
    local name=$1; shift
    if "$@" </dev/null >"$T/check.out" 2>"$T/check.err"; then
        cp "$T/check.out" "$T/last.out"
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL: %s\n  command: %s\n' "$name" "$(printf '%q ' "$@")"
        head -n 20 "$T/check.err" | sed 's/^/  | /'
    fi
}
# fails CODE NAME COMMAND...: COMMAND must exit with CODE.
fails() {
    local code=$1 name=$2; shift 2
    "$@" </dev/null >"$T/fail.out" 2>"$T/fail.err"
    local got=$?
    cp "$T/fail.err" "$T/last.err"
    if [ "$got" = "$code" ]; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL: %s (exit %s, wanted %s)\n' "$name" "$got" "$code"
        head -n 5 "$T/last.err" | sed 's/^/  | /'
    fi
}
field() { "$WP" info "$1" | sed -n "s/^$2: *//p"; }
# same_archive A B: every entry of A is in B and the other way round, with
# the same metadata (list --revisions: page ID, title, path, size, time,
# language, kind, categories, revision facts), the same bytes (extract,
# diff -r), and the same article, alias and redirect counts.
same_archive() {
    "$WP" list --revisions "$1" >"$T/a.list" && "$WP" list --revisions "$2" >"$T/b.list" &&
        diff "$T/a.list" "$T/b.list" >&2 || return 1
    rm -rf "$T/xa" "$T/xb"
    "$WP" extract -q "$1" -C "$T/xa" && "$WP" extract -q "$2" -C "$T/xb" && diff -r "$T/xa" "$T/xb" >&2 || return 1
    for f in articles "redirect pages" entries; do
        [ "$(field "$1" "$f")" = "$(field "$2" "$f")" ] || { echo "$f: $(field "$1" "$f") / $(field "$2" "$f")" >&2; return 1; }
    done
    same_search "$1" "$2"
}
# same_search A B: the same full-text search results, in the same order
# (a merge indexes the parts' texts again, as one pack would).
same_search() {
    local q ra rb
    for q in the language "united states" 'pyth*' '"web framework"' 'a -the'; do
        "$WP" search "$1" "$q" --limit 20 --no-snippets >"$T/sa" 2>&1; ra=$?
        "$WP" search "$2" "$q" --limit 20 --no-snippets >"$T/sb" 2>&1; rb=$?
        [ $ra = $rb ] && diff "$T/sa" "$T/sb" >&2 || { echo "search \"$q\": exit $ra / $rb" >&2; return 1; }
        [ $ra = 0 ] || [ $ra = 3 ] || { echo "search \"$q\": exit $ra" >&2; return 1; }
    done
}
has_text() {
    local a=$1 want=${*: -1}; shift
    "$WP" get "$a" "${@:1:$#-2}" >"$T/got" || { echo "get exited $?" >&2; return 1; }
    grep -qF -- "$want" "$T/got" || { echo "no \"$want\" in: $(head -c 200 "$T/got")" >&2; return 1; }
}
no_leftovers() { # DIR: nothing but the given names (no half-written output, no temporary file)
    local dir=$1; shift
    local extra
    extra=$(cd "$dir" && ls -A | grep -vxF -f <(printf '%s\n' "$@"))
    [ -z "$extra" ] || { echo "left in $dir: $extra" >&2; return 1; }
}

# ---- 1. A Wikimedia dump cut in three, each part packed alone, merged:
# the same archive as the dump packed whole, redirects joined across parts.
E=$T/en
check "cut the enwiki sample in three" python3 "$HERE/split_dump.py" "$EN" 3 "$E"
check "pack it whole" "$WP" pack -q -o "$E/whole.wpk" "$EN"
for i in 0 1 2; do check "pack part $i" "$WP" pack -q -o "$E/p$i.wpk" "$E/p$i/$(basename "$EN")"; done
check "merge the parts" "$WP" merge -o "$E/m.wpk" "$E/p0.wpk" "$E/p1.wpk" "$E/p2.wpk"
check "the merge says what it did" grep -q "merged 3 parts (19 entries)" "$T/last.out"
check "it verifies" "$WP" verify "$E/m.wpk"
check "every entry as in the whole pack" same_archive "$E/whole.wpk" "$E/m.wpk"
check "a redirect leads to an article packed in another part" \
    has_text "$E/m.wpk" --title "AnAmericanInParis" -- "influenced [[symphonic poem]]"
check "an article by page ID" has_text "$E/m.wpk" --id 309 -- "An American in Paris"
check "the same parts in the same order: the same bytes" "$WP" merge -q -o "$E/m2.wpk" "$E/p0.wpk" "$E/p1.wpk" "$E/p2.wpk"
check "... byte for byte" cmp "$E/m.wpk" "$E/m2.wpk"
check "another order: the same entries" "$WP" merge -q -o "$E/m3.wpk" "$E/p2.wpk" "$E/p0.wpk" "$E/p1.wpk"
check "... as the whole pack" same_archive "$E/whole.wpk" "$E/m3.wpk"
check "one part merged alone: itself again" "$WP" merge -q -o "$E/one.wpk" "$E/p1.wpk"
check "... the same entries" same_archive "$E/p1.wpk" "$E/one.wpk"

# ---- 2. Parts with dictionaries of their own: format 2.2, one run of
# blocks per part; verify, sign, and merge a merged archive again.
A=$T/aa
check "cut the aawiki dump in three" python3 "$HERE/split_dump.py" "$AA" 3 "$A"
check "pack it whole" "$WP" pack -q -o "$A/whole.wpk" "$AA"
for i in 0 1 2; do check "pack part $i" "$WP" pack -q -o "$A/p$i.wpk" "$A/p$i/$(basename "$AA")"; done
check "the first part has a dictionary" test "$(field "$A/p0.wpk" dictionary)" != "0 bytes"
check "merge them" "$WP" merge -q -o "$A/m.wpk" "$A/p0.wpk" "$A/p1.wpk" "$A/p2.wpk"
check "a merge of different dictionaries is format 2.3 (2.2's BLOCK_DICTS, and a search index)" test "$(field "$A/m.wpk" "format version")" = 2.3
check "info --json: a 2.2 reader is needed" grep -q '"reader_version": "2.2"' <("$WP" info --json "$A/m.wpk")
check "it verifies" "$WP" verify "$A/m.wpk"
check "every entry as in the whole pack" same_archive "$A/whole.wpk" "$A/m.wpk"
check "a merged archive merged again with a part" "$WP" merge -q -o "$A/mm.wpk" "$A/m.wpk" "$A/p0.wpk"
check "... its entries once each (the part's are all repeats)" same_archive "$A/whole.wpk" "$A/mm.wpk"
check "... the part's blocks left out: it verifies" "$WP" verify "$A/mm.wpk"
check "two merges merged" "$WP" merge -q -o "$A/m01.wpk" "$A/p0.wpk" "$A/p1.wpk"
check "... then with the last part" "$WP" merge -q -o "$A/m012.wpk" "$A/m01.wpk" "$A/p2.wpk"
check "... verifies" "$WP" verify "$A/m012.wpk"
check "... the same entries" same_archive "$A/whole.wpk" "$A/m012.wpk"
check "keygen" "$WP" keygen -o "$T/key"
check "sign the merged archive" "$WP" sign "$A/m.wpk" --key "$T/key.key"
check "its signature checks" "$WP" verify "$A/m.wpk" --pubkey "$T/key.pub"
check "a signed read by title" has_text "$A/m.wpk" --pubkey "$T/key.pub" --title "Main page" --no-follow -- "[[Main Page]]"

# ---- 3. Markdown folders packed apart: the versions of an article (one
# page ID) that sit in different parts are joined as in one pack.
M=$T/md
mkdir -p "$M/whole" "$M/a" "$M/b"
n=0
for d in "$S/articles"/*/; do
    name=$(basename "$d")
    cp -r "$d" "$M/whole/$name"
    if [ $((n % 2)) = 0 ]; then cp -r "$d" "$M/a/$name"; else cp -r "$d" "$M/b/$name"; fi
    n=$((n + 1))
done
check "pack the folders whole" "$WP" pack -q -o "$M/whole.wpk" "$M/whole"
check "pack half of them" "$WP" pack -q -o "$M/a.wpk" "$M/a"
check "pack the other half" "$WP" pack -q -o "$M/b.wpk" "$M/b"
check "merge the halves" "$WP" merge -q -o "$M/m.wpk" "$M/a.wpk" "$M/b.wpk"
check "versions joined: as many articles and older versions as one pack" \
    test "$(field "$M/m.wpk" articles)" = "$(field "$M/whole.wpk" articles)"
check "every entry as in the whole pack" same_archive "$M/whole.wpk" "$M/m.wpk"
check "it verifies" "$WP" verify "$M/m.wpk"

# ---- 4. What a merge refuses, leaving nothing behind.
C=$T/conflict
mkdir -p "$C/one/x" "$C/two/x" "$C/out"
printf '# A\n\nfirst text\n' >"$C/one/x/a.md"
printf '# A\n\nother text\n' >"$C/two/x/a.md"
check "pack one" "$WP" pack -q -o "$C/one.wpk" "$C/one"
check "pack two" "$WP" pack -q -o "$C/two.wpk" "$C/two"
fails 2 "one path, two contents: refused" "$WP" merge -q -o "$C/out/m.wpk" "$C/one.wpk" "$C/two.wpk"
check "... naming the entry and both parts" grep -q 'x/a.md.*one.wpk.*two.wpk.*content' "$T/last.err"
check "... leaving no file" no_leftovers "$C/out"
check "one path, the same entry in two parts: kept once" "$WP" merge -o "$C/out/same.wpk" "$C/one.wpk" "$C/one.wpk"
check "... and said" grep -q "kept once: 1" "$T/last.out"
check "... one entry" test "$(field "$C/out/same.wpk" entries | cut -d' ' -f1)" = 1
check "... it verifies" "$WP" verify "$C/out/same.wpk"
fails 2 "the output is one of the parts: refused" "$WP" merge -q -o "$C/one.wpk" "$C/one.wpk" "$C/two.wpk"
check "... the part left as it was" "$WP" verify "$C/one.wpk"
fails 2 "no part: usage" "$WP" merge -q -o "$C/out/none.wpk"
fails 5 "a part that is not an archive" "$WP" merge -q -o "$C/out/bad.wpk" "$C/one.wpk" "$C/one/x/a.md"
# A byte changed inside a block of a part: the copy checks every block.
cp "$E/p1.wpk" "$C/damaged.wpk"
size=$(stat -c %s "$C/damaged.wpk")
printf '\x01' | dd of="$C/damaged.wpk" bs=1 seek=$((size - 100)) conv=notrunc status=none
fails 1 "a damaged block in a part: refused" "$WP" merge -q -o "$C/out/d.wpk" "$E/p0.wpk" "$C/damaged.wpk"
check "... naming the part and the block" grep -q "damaged.wpk.*block at offset" "$T/last.err"
check "... leaving only what was there" no_leftovers "$C/out" same.wpk

# ---- 5. A lying BLOCK_DICTS (every checksum made right again by
# edit_block_dicts.py): refused at open (rules R11, R12), or when a block of
# the run is read (B5) while the other runs still read; verify finds it.
H=$T/hostile
mkdir -p "$H"
check "an unsigned 2.2 archive" "$WP" merge -q -o "$H/m.wpk" "$A/p0.wpk" "$A/p1.wpk" "$A/p2.wpk"
first_in() { "$WP" list "$1" | awk -F'\t' '$4 > 0 { print $3; exit }'; }
IN0=$(first_in "$A/p0.wpk")
IN2=$(first_in "$A/p2.wpk")
edit() { /usr/bin/python3 "$HERE/edit_block_dicts.py" "$H/m.wpk" "$H/$1.wpk" "$2"; }
check "an edit that changes nothing reads" edit same "pass"
check "... and verifies" "$WP" verify "$H/same.wpk"
open_case() { # NAME EXIT EDIT: open refuses it with EXIT
    check "make $1" edit "$1" "$3"
    fails "$2" "$1: refused at open" "$WP" info "$H/$1.wpk"
    check "... naming the section" grep -q "block dictionaries" "$T/last.err"
}
open_case first-not-0 1 "runs[0]['start'] = 1"
open_case step-0 1 "runs[1]['start'] = runs[0]['start']"
open_case form-3 1 "runs[0]['form'] = 3"
open_case start-past-data 1 "runs[2]['start'] = data_size"
open_case dict-past-next-run 1 "runs[0]['stored_size'] = runs[1]['start'] + 1"
open_case dict-over-cap 6 "runs[0]['raw_size'] = 17 << 20"
read_case() { # NAME EDIT NEEDLE: a block of the first run refused, the last run's read
    check "make $1" edit "$1" "$2"
    fails 1 "$1: an entry of the first run refused" "$WP" get "$H/$1.wpk" --path "$IN0"
    check "... saying why" grep -q "$3" "$T/last.err"
    check "$1: an entry of the last run still reads" "$WP" get "$H/$1.wpk" --path "$IN2"
    fails 1 "$1: verify finds it" "$WP" verify "$H/$1.wpk"
}
read_case dict-checksum "runs[0]['checksum'] ^= 1" "checksum mismatch"
read_case block-inside-dict "runs[0]['stored_size'] += 1" "inside the dictionary"
read_case no-dict-for-its-blocks "runs[0] = dict(start=0, form=0)" "decompress"
read_case run-inside-a-block "runs.insert(1, dict(start=runs[0]['stored_size'] + 1, form=0))" "crosses the end"

echo "test_merge: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
