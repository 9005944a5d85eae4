#!/usr/bin/env bash
# Command-line tests for wikipack.
# usage: bash tests/cli/test_cli.sh PATH/TO/wikipack SAMPLES_DIR [CORPUS_DIR]
# Without CORPUS_DIR every section but the corpus one; with it, that one.
set -uo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 PATH/TO/wikipack SAMPLES_DIR [CORPUS_DIR]" >&2
    exit 2
fi
if [ ! -f "$2/EXPECTED.tsv" ] || [ ! -d "$2/articles" ]; then
    echo "$0: $2: no EXPECTED.tsv and articles/ there" >&2
    exit 2
fi
WP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
SAMPLES=$(cd "$2" && pwd)
ARTICLES=$SAMPLES/articles
CORPUS=${3:-}

TMP=$(mktemp -d) || exit 4
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0
A=$TMP/samples.wpk            # the archive most tests read

# ---------------------------------------------------------------- helpers

section() { printf '\n== %s\n' "$1"; }

# check NAME COMMAND...: COMMAND must exit 0; otherwise show it and its stderr.
check() {
    local name=$1; shift
    if "$@" </dev/null >"$TMP/check.out" 2>"$TMP/check.err"; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL: %s\n  command: %s\n' "$name" "$(printf '%q ' "$@")"
        head -n 20 "$TMP/check.err" | sed 's/^/  | /'
    fi
}

# expect_rc CODES [-m TEXT]... [-M TEXT]... -- COMMAND...
# COMMAND exits with one of CODES ("3" or "1|5"); stderr contains every -m TEXT,
# stdout or stderr contains every -M TEXT. The tool's stderr is passed on.
expect_rc() {
    local codes=$1 rc t; shift
    local -a err_texts=() any_texts=()
    while [ "$1" != "--" ]; do
        case $1 in -m) err_texts+=("$2") ;; -M) any_texts+=("$2") ;; esac
        shift 2
    done
    shift
    "$@" >"$TMP/rc.out" 2>"$TMP/rc.err"; rc=$?
    cat "$TMP/rc.err" >&2
    case "|$codes|" in *"|$rc|"*) ;; *) echo "exit status $rc, expected $codes" >&2; return 1 ;; esac
    [ -s "$TMP/rc.err" ] || { echo "no message on stderr" >&2; return 1; }
    for t in ${err_texts[@]+"${err_texts[@]}"}; do
        grep -qF -- "$t" "$TMP/rc.err" || { echo "stderr does not mention: $t" >&2; return 1; }
    done
    for t in ${any_texts[@]+"${any_texts[@]}"}; do
        cat "$TMP/rc.out" "$TMP/rc.err" | grep -cF -- "$t" || { echo "output does not mention: $t" >&2; return 1; }
    done
}

# info_line ARCHIVE LINE: `wikipack info` prints LINE, whole.
info_line() {
    "$WP" info "$1" >"$TMP/info.out" || return 1
    grep -qxF -- "$2" "$TMP/info.out" || { echo "info lacks \"$2\":" >&2; cat "$TMP/info.out" >&2; return 1; }
}

# same_output FILE COMMAND...: COMMAND exits 0 and prints exactly FILE's bytes.
same_output() {
    local want=$1; shift
    "$@" >"$TMP/same.out" || { echo "exit status $?" >&2; return 1; }
    cmp -- "$want" "$TMP/same.out" >&2
}

# line_count N COMMAND...: COMMAND exits 0 and prints N lines.
line_count() {
    local want=$1 got; shift
    "$@" >"$TMP/lines.out" || return 1
    got=$(wc -l <"$TMP/lines.out")
    [ "$got" -eq "$want" ] || { echo "$got lines, expected $want" >&2; return 1; }
}

is_json() { "$@" | python3 -m json.tool >/dev/null; }
absent() { [ ! -e "$1" ] || { echo "$1 exists" >&2; return 1; }; }
only_files() { # only_files DIR NAME...: ls -A DIR shows exactly NAMEs
    local dir=$1; shift
    [ "$(ls -A "$dir")" = "$(printf '%s\n' "$@" | LC_ALL=C sort)" ] || { ls -A "$dir" >&2; return 1; }
}
file_count() { # file_count N DIR
    local got; got=$(find "$2" -type f | wc -l)
    [ "$got" -eq "$1" ] || { echo "$got files in $2, expected $1" >&2; return 1; }
}
flip_byte() { # flip_byte SRC DST OFFSET: copy SRC to DST with one byte inverted
    python3 -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[3])] ^= 0xFF
open(sys.argv[2], "wb").write(b)' "$@" 2>/dev/null
}
# section_at ARCHIVE TYPE: "OFFSET STORED_SIZE" of the section of that type,
# read from the format 2.0 section table (48-byte entries from offset 128;
# section_count at 72): type u32, flags u32, offset u64, stored_size u64.
section_at() {
    python3 -c 'import struct, sys
b = open(sys.argv[1], "rb").read()
for i in range(struct.unpack_from("<I", b, 72)[0]):
    t, _, off, size = struct.unpack_from("<IIQQ", b, 128 + 48 * i)
    if t == int(sys.argv[2]):
        print(off, size)
        break
else:
    sys.exit("no section of type %s" % sys.argv[2])' "$@"
}
size_of() { local s; s=$( (wc -c <"$1") 2>/dev/null) || s=0; echo $((s)); }

# ---------------------------------------------------------------- groups

test_basic() {
    section "1. pack, info, verify"
    check "pack samples" "$WP" pack -q -o "$A" "$ARTICLES"
    check "info" "$WP" info "$A"
    check "info --json is valid JSON" is_json "$WP" info --json "$A"
    check "info: format 2.3 (a search index)" info_line "$A" "format version:   2.3"
    check "info: the wikis" info_line "$A" "wikis:            enwiki (en)"
    # A 2.0 reader refuses 1.x (and 3.x) archives by their header's major
    # version alone, whatever else the header holds.
    check "a 1.x archive: info -> 5, repack it" expect_rc 5 -m "made by wikipack 1.x (format 1.5); repack it with wikipack 2" -- \
        "$WP" info "$(with_version "$A" 1 5 "$TMP/v1.wpk")"
    check "a 1.x archive: get -> 5" expect_rc 5 -m "format 1.5" -- "$WP" get "$TMP/v1.wpk" --path "$(sed -n 2p "$SAMPLES/EXPECTED.tsv" | cut -f3)"
    check "a 3.x archive: info -> 5" expect_rc 5 -m "major version 3" -- "$WP" info "$(with_version "$A" 3 0 "$TMP/v3.wpk")"
    check "verify" "$WP" verify "$A"
    check "verify --quick" "$WP" verify --quick "$A"
}

# with_version ARCHIVE MAJOR MINOR OUT: ARCHIVE with another version in its
# header (bytes 8..11), written to OUT, whose name is printed.
with_version() {
    python3 -c 'import struct, sys
b = bytearray(open(sys.argv[1], "rb").read()); struct.pack_into("<HH", b, 8, int(sys.argv[2]), int(sys.argv[3]))
open(sys.argv[4], "wb").write(b)' "$@" && echo "$4"
}

# revisions_by_time ARCHIVE: `get --revision TIME` gives each older version
# whose time no other entry shares, and not the newest one.
revisions_by_time() {
    local id title path size updated lang kind cats n=0
    "$WP" list --revisions "$1" >"$TMP/rev.tsv" || return 1
    while IFS=$'\t' read -r id title path size updated lang kind cats; do
        [ "$kind" = revision ] && [ "$updated" != - ] || continue
        [ "$(cut -f5 "$TMP/rev.tsv" | grep -cxF -- "$updated")" = 1 ] || continue
        "$WP" get "$1" --path "$path" --revision "$updated" >"$TMP/rev.out" </dev/null || return 1
        cmp -s "$TMP/rev.out" "$ARTICLES/$path" || { echo "get --revision $updated is not $path" >&2; return 1; }
        n=$((n + 1))
    done <"$TMP/rev.tsv"
    [ "$n" -gt 0 ] || { echo "no older version with a time of its own" >&2; return 1; }
}

test_get() {
    section "2. get by id, title and path (EXPECTED.tsv)"
    local id title path
    while IFS=$'\t' read -r id title path; do
        check "get --id $id" same_output "$ARTICLES/$path" "$WP" get "$A" --id "$id"
        check "get --title $title" same_output "$ARTICLES/$path" "$WP" get "$A" --title "$title"
        check "get --path $path" same_output "$ARTICLES/$path" "$WP" get "$A" --path "$path"
    done < <(tail -n +2 "$SAMPLES/EXPECTED.tsv")
    check "get --revision TIME: that older version" revisions_by_time "$A"
    # Streamed output: a write error (a full disk) is an error, not a
    # silent truncation. An entry past stdio's 4 KiB buffer.
    local largest
    largest=$(cd "$ARTICLES" && find . -type f -size +8k | head -1)
    largest=${largest#./}
    check "get to a full disk: exit 4, write failed" expect_rc 4 -m "write failed" -- \
        "$WP" get "$A" --path "$largest" -o /dev/full
    # --latest-only keeps the newest version, even one saved without its
    # page ID whose older versions carried it: it is still found by that ID.
    check "pack --latest-only" "$WP" pack -q --latest-only -o "$TMP/newest.wpk" "$ARTICLES"
    check "--latest-only verifies" "$WP" verify -q "$TMP/newest.wpk"
    while IFS=$'\t' read -r id title path; do
        check "--latest-only: get --id $id" same_output "$ARTICLES/$path" "$WP" get "$TMP/newest.wpk" --id "$id"
        check "--latest-only: get --title $title" same_output "$ARTICLES/$path" "$WP" get "$TMP/newest.wpk" --title "$title"
    done < <(tail -n +2 "$SAMPLES/EXPECTED.tsv")
}

list_json_matches() { # list_json_matches JSON_FILE PATHS_FILE
    python3 -c 'import json, sys
entries = json.load(open(sys.argv[1]))
want = open(sys.argv[2], encoding="utf-8").read().splitlines()
got = [e["path"] for e in entries]
if len(got) != len(want): sys.exit("%d entries, expected %d" % (len(got), len(want)))
missing = set(want) - set(got)
if missing: sys.exit("missing paths: %s" % sorted(missing))' "$@"
}

test_list() {
    section "3. list"
    local n
    n=$(find "$ARTICLES" -type f | wc -l)
    (cd "$ARTICLES" && find . -type f | sed 's|^\./||') >"$TMP/paths.txt"
    check "list --revisions: one line per file ($n)" line_count "$n" "$WP" list --revisions "$A"
    # Without --revisions: one line per article (EXPECTED.tsv) plus the files without metadata.
    local articles plain
    articles=$(($(wc -l <"$SAMPLES/EXPECTED.tsv") - 1))
    plain=$(grep -rLE '^(## (Article )?Metadata|title:)' "$ARTICLES" | wc -l)
    check "list: one line per article ($articles) and plain file ($plain)" line_count "$((articles + plain))" "$WP" list "$A"
    check "list --json is valid JSON" is_json "$WP" list --json "$A"
    "$WP" list --json --revisions "$A" >"$TMP/list.json" 2>/dev/null </dev/null
    check "list --json: $n entries, every path present" list_json_matches "$TMP/list.json" "$TMP/paths.txt"
}

test_extract() {
    section "4. extract"
    local x=$TMP/x one=$TMP/x_one id path
    check "extract all" "$WP" extract -q "$A" -C "$x"
    check "extracted tree equals articles/" diff -r "$ARTICLES" "$x"
    check "extract again: exit 4, already exists" \
        expect_rc 4 -m "already exists" -- "$WP" extract -q "$A" -C "$x"
    check "extract again --force" "$WP" extract -q --force "$A" -C "$x"
    check "tree still equal after --force" diff -r "$ARTICLES" "$x"
    IFS=$'\t' read -r id _ path < <(sed -n 2p "$SAMPLES/EXPECTED.tsv")
    check "extract --id $id" "$WP" extract -q "$A" --id "$id" -C "$one"
    check "extract --id creates one file" file_count 1 "$one"
    check "extract --id: the right file" cmp "$ARTICLES/$path" "$one/$path"
    # What extract will write is counted first: entries sharing one stored
    # content expand a small archive; past --max-size nothing is written.
    local b=$TMP/bomb
    mkdir -p "$b/in"
    head -c 300000 /dev/zero | tr '\0' 'a' >"$b/in/0.txt"
    for i in $(seq 1 40); do cp "$b/in/0.txt" "$b/in/$i.txt"; done
    check "pack 41 copies of one content" "$WP" pack -q -o "$b/dup.wpk" "$b/in"
    check "extract --max-size 1M: refused, naming the expansion" expect_rc 6 -m "extracting would write 11.7 MiB" \
        -m "the archive's" -m "more than --max-size 1.0 MiB" -- "$WP" extract -q "$b/dup.wpk" -C "$b/out" --max-size 1M
    check "and nothing written" test -z "$(ls -A "$b/out" 2>/dev/null)"
    check "extract --max-size 20M: all of it" "$WP" extract -q "$b/dup.wpk" -C "$b/out2" --max-size 20M
    check "41 files" test "$(ls "$b/out2" | wc -l)" -eq 41
    # A block far beyond what text expands to (256 MiB of one byte, ~8 KB
    # stored) is refused before decompressing, unless the cap is raised;
    # the other entries of its page stay readable. Under valgrind (which
    # would take minutes over 256 MiB, and whose own memory is not the
    # program's) 16 MiB, and the memory bound is left to the other runs.
    local z=$TMP/zeros big=268435456 bound=128
    [ -n "${WPK_UNDER_VALGRIND:-}" ] && big=16777216 bound=
    mkdir -p "$z/in"
    head -c "$big" /dev/zero >"$z/in/zeros.bin"
    echo "small neighbour" >"$z/in/small.txt"
    check "pack warns of the block past the readers' cap" expect_rc 0 -m "expand more than 1024x" \
        -m "--max-expansion" -- "$WP" pack -q -o "$z/z.wpk" "$z/in"
    rm -f "$z/in/zeros.bin"
    check "get: refused by the plausibility cap (exit 6), naming the block" expect_rc 6 -m "plausibility cap" \
        -m "block at offset" -m "zeros.bin" -- "$WP" get "$z/z.wpk" --path zeros.bin
    check "its neighbour reads" stdout_has "small neighbour" "$WP" get "$z/z.wpk" --path small.txt
    check "verify: over the cap (exit 6)" expect_rc 6 -m "plausibility cap" -- "$WP" verify "$z/z.wpk"
    check "verify --max-expansion 32768: OK" "$WP" verify "$z/z.wpk" --max-expansion 32768
    check "--max-expansion 0 is a usage error" expect_rc 2 -m "--max-expansion" -- \
        "$WP" get "$z/z.wpk" --path small.txt --max-expansion 0
    # get and extract stream: the whole entry is never in memory (a whole
    # read of 256 MiB would take more than twice the bound).
    check "get --max-expansion 32768 streams the entry, peak RSS under ${bound:-(not measured)} MB" \
        peak_rss_under "$bound" bash -c '"$1" get "$2" --path zeros.bin --max-expansion 32768 | wc -c | grep -qx "$3"' \
        _ "$WP" "$z/z.wpk" "$big"
    check "extract streams it too" peak_rss_under "$bound" bash -c \
        '"$1" extract -q "$2" -C "$3" --max-expansion 32768 && test "$(stat -c %s "$3/zeros.bin")" = "$4"' \
        _ "$WP" "$z/z.wpk" "$z/out" "$big"
    rm -rf "$z"
}

test_errors() {
    section "5. error paths"
    local bad=$TMP/bad half first_id
    mkdir "$bad"
    first_id=$(sed -n 2p "$SAMPLES/EXPECTED.tsv" | cut -f1)
    check "get --id 999999999 -> 3" expect_rc 3 -m 999999999 -- "$WP" get "$A" --id 999999999
    check "get --title unknown -> 3" expect_rc 3 -m "No such title" -- "$WP" get "$A" --title "No such title"
    check "find with no match -> 3" expect_rc 3 -m "no title starts with" -- "$WP" find "$A" "No such prefix"
    check "find --json with no match: [] and 0" stdout_has "[]" "$WP" find "$A" "No such prefix" --json
    check "get --id abc -> 2" expect_rc 2 -m abc -- "$WP" get "$A" --id abc
    check "get without selector -> 2" expect_rc 2 -m "--id" -- "$WP" get "$A"
    check "unknown command -> 2" expect_rc 2 -m frobnicate -- "$WP" frobnicate "$A"
    check "missing archive -> 4" expect_rc 4 -m "$bad/missing.wpk" -- "$WP" info "$bad/missing.wpk"
    echo "just some text, not an archive" >"$bad/text.txt"
    check "text file -> 5" expect_rc 5 -m "not a wikipack archive" -m "$bad/text.txt" -- "$WP" info "$bad/text.txt"
    : >"$bad/empty.wpk"
    check "empty file -> 5" expect_rc 5 -m "$bad/empty.wpk" -- "$WP" info "$bad/empty.wpk"
    head -c -1 "$A" >"$bad/short1.wpk" 2>/dev/null
    half=$(( $(size_of "$A") / 2 ))
    head -c "$half" "$A" >"$bad/half.wpk" 2>/dev/null
    local f cmd
    for f in short1 half; do
        check "$f: info -> 1 truncated" expect_rc 1 -m truncated -- "$WP" info "$bad/$f.wpk"
        check "$f: get -> 1 truncated" expect_rc 1 -m truncated -- "$WP" get "$bad/$f.wpk" --id "$first_id"
    done
    flip_byte "$A" "$bad/middle.wpk" "$half"
    check "middle flip: verify -> 1 DAMAGED" expect_rc 1 -M DAMAGED -- "$WP" verify "$bad/middle.wpk"
    check "middle flip: verify --quick -> 1 DAMAGED" expect_rc 1 -M DAMAGED -- "$WP" verify --quick "$bad/middle.wpk"
    for f in 0 9 50 99; do
        flip_byte "$A" "$bad/head$f.wpk" "$f"
        for cmd in info list verify; do
            check "head flip @$f: $cmd -> 1|5" expect_rc "1|5" -- "$WP" "$cmd" "$bad/head$f.wpk"
        done
        check "head flip @$f: get -> 1|5" expect_rc "1|5" -- "$WP" get "$bad/head$f.wpk" --id "$first_id"
    done
    # Each format 2.0 structure damaged: the section table, every section of
    # the prefix (the four roots, WIKIS, SUMMARY; SIGNATURE is tested with
    # signing), the first index page and the first block. Each is checked
    # with XXH3 when read: verify and a get that reads it exit 1 and say so.
    local at what path
    path=$(sed -n 2p "$SAMPLES/EXPECTED.tsv" | cut -f3)
    for what in table 1 2 3 4 5 6 9 10; do
        case $what in
            table) at=140 ;;
            *) read -r at _ < <(section_at "$A" "$what") || at=0; at=$((at + 5)) ;;
        esac
        flip_byte "$A" "$bad/s$what.wpk" "$at"
        check "structure $what damaged (byte $at): verify -> 1" \
            expect_rc 1 -m "$bad/s$what.wpk" -m "checksum mismatch" -M DAMAGED -- "$WP" verify "$bad/s$what.wpk"
        check "structure $what damaged (byte $at): get -> 1" \
            expect_rc 1 -m "$bad/s$what.wpk" -m "checksum mismatch" -- "$WP" get "$bad/s$what.wpk" --path "$path"
    done
    check "pack without -o -> 2" expect_rc 2 -m "-o" -- "$WP" pack "$ARTICLES"
    check "pack nonexistent input -> 4" expect_rc 4 -m "$bad/nonexistent" -- \
        "$WP" pack -q -o "$bad/X.wpk" "$bad/nonexistent"
    check "pack nonexistent input: no output" absent "$bad/X.wpk"
    check "pack into missing directory -> 4" expect_rc 4 -m "$bad/nodir" -- \
        "$WP" pack -q -o "$bad/nodir/out.wpk" "$ARTICLES"
}

test_reproducible() {
    section "6. reproducible packing"
    check "pack -j1" "$WP" pack -q -j1 -o "$TMP/j1.wpk" "$ARTICLES"
    check "pack -j2" "$WP" pack -q -j2 -o "$TMP/j2.wpk" "$ARTICLES"
    check "-j1 and -j2 archives identical" cmp "$TMP/j1.wpk" "$TMP/j2.wpk"
}

test_atomic() {
    section "7. atomic output"
    local d=$TMP/atomic
    mkdir "$d"
    cp "$A" "$d/out.wpk" 2>/dev/null && cp "$A" "$TMP/out.copy"
    check "failing pack -> 4" expect_rc 4 -- "$WP" pack -q -o "$d/out.wpk" "$TMP/nonexistent"
    check "old archive unchanged" cmp "$TMP/out.copy" "$d/out.wpk"
    check "no temporary files left" only_files "$d" out.wpk
    mkdir "$TMP/small" && echo "small" >"$TMP/small/s.md"
    check "successful pack over it" "$WP" pack -q -o "$d/out.wpk" "$TMP/small"
    check "archive replaced" same_output "$TMP/small/s.md" "$WP" get "$d/out.wpk" --path s.md
    check "still no temporary files" only_files "$d" out.wpk
}

test_duplicates() {
    section "8. duplicate entry paths"
    mkdir -p "$TMP/dup/d1" "$TMP/dup/d2"
    echo one >"$TMP/dup/d1/a.md"
    echo two >"$TMP/dup/d2/a.md"
    check "same path twice -> 2, names both" expect_rc 2 -m "$TMP/dup/d1/a.md" -m "$TMP/dup/d2/a.md" -- \
        "$WP" pack -q -o "$TMP/dup.wpk" "$TMP/dup/d1" "$TMP/dup/d2"
    check "no archive written" absent "$TMP/dup.wpk"
}

# Entries are packed in bytewise path order, whatever order readdir gives
# and however names compare to their folders ('-' < '.' < '/' < '0').
paths_in_order() { # paths_in_order ARCHIVE PATH...
    local a=$1; shift
    [ "$("$WP" list --revisions "$a" | cut -f3)" = "$(printf '%s\n' "$@")" ]
}

test_order() {
    section "8b. path order"
    local d=$TMP/order
    mkdir -p "$d/in/a" "$d/in/a-b" "$d/in/b"
    for f in a/x a.md a-b/y a0 b/z 'a b'; do echo "$f" >"$d/in/$f"; done
    check "pack a tree" "$WP" pack -q -o "$d/tree.wpk" "$d/in"
    check "listed in bytewise path order" paths_in_order "$d/tree.wpk" "a b" a-b/y a.md a/x a0 b/z
    check "two inputs merged in order" "$WP" pack -q -o "$d/two.wpk" "$d/in/b" "$d/in/a-b" "$d/in/a"
    check "listed in bytewise path order" paths_in_order "$d/two.wpk" x y z
}

test_odd_names() {
    section "9. empty file and non-ASCII name"
    local u=$TMP/odd name='Ωmega é.md'
    mkdir "$u"
    : >"$u/empty.md"
    printf 'Omega article\n' >"$u/$name"
    check "pack" "$WP" pack -q -o "$TMP/odd.wpk" "$u"
    check "get --path empty.md" same_output "$u/empty.md" "$WP" get "$TMP/odd.wpk" --path empty.md
    check "get --path $name" same_output "$u/$name" "$WP" get "$TMP/odd.wpk" --path "$name"
    check "extract" "$WP" extract -q "$TMP/odd.wpk" -C "$TMP/odd_x"
    check "extracted tree equal" diff -r "$u" "$TMP/odd_x"
}

# Symbolic links among the inputs: a link to a file inside the input folder
# is packed under the link's name; a link out of it (to /etc/shadow, say) is
# skipped with a warning unless --follow-links; links to directories (loops)
# and to nothing are not followed, and a warning names them.
test_input_links() {
    section "9b. symbolic links in the input"
    local d=$TMP/inlinks
    mkdir -p "$d/in/real" "$d/elsewhere"
    echo "linked article" >"$d/elsewhere/target.md"
    echo "real" >"$d/in/real/r.md"
    ln -s "$d/elsewhere/target.md" "$d/in/link.md"
    ln -s real/r.md "$d/in/inside.md"
    ln -s "$d/in/real" "$d/in/dirlink"
    ln -s "$d/nothing" "$d/in/dangling.md"
    check "pack: links to a directory, to nothing and out of the folder are named" \
        expect_rc 0 -m "dirlink" -m "dangling.md" -m "link.md: symbolic link out of the input folder" -- \
        "$WP" pack -q -o "$d/links.wpk" "$d/in"
    check "a link inside the folder is packed under its own name" same_output "$d/in/real/r.md" \
        "$WP" get "$d/links.wpk" --path inside.md
    check "the link out of the folder is not packed" paths_in_order "$d/links.wpk" inside.md real/r.md
    check "--strict refuses the pack" expect_rc 2 -m "--strict" -- "$WP" pack -q --strict -o "$d/strict.wpk" "$d/in"
    check "--follow-links packs the link out of the folder" "$WP" pack -q --follow-links -o "$d/follow.wpk" "$d/in"
    check "under its own name" same_output "$d/elsewhere/target.md" "$WP" get "$d/follow.wpk" --path link.md
    # A name the format cannot store (a backslash) is skipped with a
    # warning, not the whole pack; the archive being written is not packed
    # into itself when its folder is packed again.
    mkdir -p "$d/names"
    echo one >"$d/names/a\\b.md"
    echo two >"$d/names/ok.md"
    check "a backslash in a name: warned, the rest packed" expect_rc 0 -m 'a\b.md: cannot be stored' -- \
        "$WP" pack -q -o "$d/names/out.wpk" "$d/names"
    check "its own output is not packed into it" expect_rc 0 -m "out.wpk: the archive being written" -- \
        "$WP" pack -q -o "$d/names/out.wpk" "$d/names"
    check "only ok.md is in it" paths_in_order "$d/names/out.wpk" ok.md
}

corpus_ids_ok() { # corpus_ids_ok ARCHIVE IDS_FILE: get --id succeeds for every ID
    local id bad=0
    while read -r id; do
        if ! "$WP" get "$1" --id "$id" >/dev/null 2>"$TMP/id.err" </dev/null; then
            bad=$((bad + 1))
            [ "$bad" -le 10 ] && echo "get --id $id: $(head -n 1 "$TMP/id.err")" >&2
        fi
    done <"$2"
    [ "$bad" -eq 0 ] || { echo "$bad of $(wc -l <"$2") IDs failed" >&2; return 1; }
}

corpus_titles_ok() { # corpus_titles_ok ARCHIVE TITLES_FILE: get --title gives that article
    local title bad=0
    while IFS= read -r title; do
        # The newest version may be markdown, YAML front matter or JSON: it names the title somewhere.
        if ! "$WP" get "$1" --title "$title" 2>"$TMP/title.err" </dev/null | grep -cF -- "$title"; then
            bad=$((bad + 1))
            [ "$bad" -le 10 ] && echo "get --title \"$title\": $(head -n 1 "$TMP/title.err")" >&2
        fi
    done <"$2"
    [ "$bad" -eq 0 ] || { echo "$bad of $(wc -l <"$2") titles failed" >&2; return 1; }
}

test_corpus() {
    section "10. corpus"
    local c=$TMP/corpus.wpk n
    check "pack corpus" "$WP" pack -q -o "$c" "$CORPUS"
    check "verify corpus" "$WP" verify "$c"
    check "extract corpus" "$WP" extract -q "$c" -C "$TMP/corpus_x"
    check "extracted corpus equal" diff -r "$CORPUS" "$TMP/corpus_x"
    find "$CORPUS" -type f -name '*.md' -exec grep -hE '^- \*\*Page ID:\*\* *[0-9]+' {} + |
        grep -oE '[0-9]+' | sort -u >"$TMP/corpus_ids"
    n=$(wc -l <"$TMP/corpus_ids")
    check "corpus has page IDs" test "$n" -gt 0
    check "get --id for all $n corpus page IDs" corpus_ids_ok "$c" "$TMP/corpus_ids"
    # Every title and URL as spelled in the corpus files, whatever their layout.
    corpus_spellings "$CORPUS" "$TMP/corpus_titles" "$TMP/corpus_urls"
    n=$(wc -l <"$TMP/corpus_titles")
    check "corpus has titles" test "$n" -gt 300
    check "get --title for all $n corpus title spellings" corpus_titles_ok "$c" "$TMP/corpus_titles"
    n=$(wc -l <"$TMP/corpus_urls")
    check "corpus has URLs" test "$n" -gt 300
    check "get --url for all $n corpus URL spellings" corpus_urls_ok "$c" "$TMP/corpus_urls"
    check "find Py lists Python articles" find_has "$c" Py "Python (programming language)"
    check "list --category lists its articles" line_count_min 10 "$WP" list "$c" --category "Category:Python (programming language) software"
    check "--latest-only packs one entry per article" latest_only_ok "$CORPUS"
}

# corpus_spellings DIR TITLES URLS: titles and URLs as written in markdown
# metadata blocks, YAML front matter and JSON articles (parsed by python3's
# own JSON reader, independently of wikipack).
corpus_spellings() {
    python3 - "$@" <<'PY'
import json, os, re, sys
root, tout, uout = sys.argv[1:4]
titles, urls = set(), set()
for dp, _, fn in os.walk(root):
    for f in fn:
        try:
            d = open(os.path.join(dp, f), encoding="utf-8").read()
        except (OSError, UnicodeDecodeError):
            continue
        if f.endswith(".json"):
            try:
                j = json.loads(d)
            except ValueError:
                continue
            titles.add(j.get("title") or "")
            urls.add(j.get("source_url") or "")
        elif d.startswith("---\n"):
            fm = d.split("\n---", 1)[0]
            for key, dest in (("title", titles), ("url", urls)):
                m = re.search(r"^%s: *(.*)$" % key, fm, re.M)
                if m:
                    dest.add(m.group(1).strip().strip('"'))
        elif re.search(r"^## (Article )?Metadata", d, re.M):
            titles.add(d.split("\n", 1)[0][2:].strip())
            m = re.search(r"^- \*\*Original Article:\*\* \[.*?\]\((.*)\)\s*$", d, re.M)
            if m:
                urls.add(m.group(1))
for path, values in ((tout, titles), (uout, urls)):
    with open(path, "w", encoding="utf-8") as o:
        o.writelines(v + "\n" for v in sorted(values) if v)
PY
}

corpus_urls_ok() { # corpus_urls_ok ARCHIVE URLS_FILE: get --url finds each
    local url bad=0
    while IFS= read -r url; do
        if ! "$WP" get "$1" --url "$url" >/dev/null 2>"$TMP/url.err" </dev/null; then
            bad=$((bad + 1))
            [ "$bad" -le 10 ] && echo "get --url \"$url\": $(head -n 1 "$TMP/url.err")" >&2
        fi
    done <"$2"
    [ "$bad" -eq 0 ] || { echo "$bad of $(wc -l <"$2") URLs failed" >&2; return 1; }
}

find_has() { # find_has ARCHIVE PREFIX TITLE: find PREFIX lists TITLE
    "$WP" find "$1" "$2" --limit 0 </dev/null | cut -f1 | grep -cxF -- "$3"
}

line_count_min() { # line_count_min N CMD...: CMD prints at least N lines
    local want=$1
    shift
    [ "$("$@" </dev/null | wc -l)" -ge "$want" ]
}

latest_only_ok() { # packing with --latest-only leaves no revision and as many entries as articles
    "$WP" pack -q --latest-only -o "$TMP/latest.wpk" "$1" 2>/dev/null || return 1
    [ "$("$WP" list --revisions "$TMP/latest.wpk" | cut -f7 | grep -c revision)" -eq 0 ] || return 1
    local articles files
    articles=$("$WP" info --json "$TMP/latest.wpk" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
    files=$("$WP" list "$TMP/latest.wpk" | cut -f7 | grep -c file)
    [ "$("$WP" list "$TMP/latest.wpk" | wc -l)" -eq $((articles + files)) ]
}

test_presets() {
    section "12. presets"
    check "pack --fast" "$WP" pack -q --fast -o "$TMP/fast.wpk" "$ARTICLES"
    check "pack --best" "$WP" pack -q --best -o "$TMP/best.wpk" "$ARTICLES"
    check "--fast verifies" "$WP" verify "$TMP/fast.wpk"
    check "--best verifies" "$WP" verify "$TMP/best.wpk"
    check "--best is smaller than --fast" test "$(stat -c %s "$TMP/best.wpk")" -lt "$(stat -c %s "$TMP/fast.wpk")"
    check "--fast round trip" extract_same "$TMP/fast.wpk" "$TMP/fast_x"
    check "pack --page-size 256 (a leaf per record or two)" "$WP" pack -q --page-size 256 -o "$TMP/tiny-pages.wpk" "$ARTICLES"
    check "--page-size 256 round trip" extract_same "$TMP/tiny-pages.wpk" "$TMP/tiny_x"
    check "--page-size 256 verifies" "$WP" verify "$TMP/tiny-pages.wpk"
    check "pack -l 23 -> 2 (levels are 1..22)" expect_rc 2 -m "-l wants a level 1..22" -- "$WP" pack -q -l 23 -o "$TMP/l23.wpk" "$ARTICLES"
    check "pack -l 23: no archive" absent "$TMP/l23.wpk"
    check "pack -l 0 -> 2" expect_rc 2 -m "-l wants a level 1..22" -- "$WP" pack -q -l 0 -o "$TMP/l0.wpk" "$ARTICLES"
    check "--page-size below 256 is refused" expect_rc 2 -m "page size" -- "$WP" pack -q --page-size 100 -o "$TMP/x.wpk" "$ARTICLES"
}

extract_same() { # extract_same ARCHIVE DIR: extracting gives back the sample articles
    "$WP" extract -q "$1" -C "$2" >/dev/null 2>&1 </dev/null && diff -r "$ARTICLES" "$2" >/dev/null
}

test_layouts() {
    section "11. article layouts, aliases and bad input"
    local L=$SAMPLES/layouts M=$SAMPLES/mediawiki a=$TMP/layouts.wpk
    check "pack YAML, JSON, JSON Lines and MediaWiki" "$WP" pack -q -o "$a" "$L" "$M"
    check "verify" "$WP" verify "$a"
    check "YAML front matter title" same_output "$L/Breezy_software.md" "$WP" get "$a" --title "Breezy (software)"
    check "JSON article by URL" same_output "$L/Pycassa_20241220_214817.json" "$WP" get "$a" --url "https://en.wikipedia.org/wiki/Pycassa"
    check "JSON Lines record by ID" stdout_has "Pylons" "$WP" get "$a" --id 36723720
    check "JSON Lines record path from its title" stdout_has "Twisted" "$WP" get "$a" --path "extracts/Twisted_(software).txt"
    check "MediaWiki page by ID" stdout_has "Zürich" "$WP" get "$a" --id 101
    check "MediaWiki redirect is an alias" same_stdout "$WP" get "$a" --title "Python (language)" -- "$WP" get "$a" --id 23862
    check "MediaWiki: latest revision" stdout_has "2024-11-30T12:34:56Z" "$WP" list "$a"
    check "MediaWiki namespace kept" list_json_has "$a" '"namespace": 14' '"namespace":14'
    check "find lists a record title" find_has "$a" "rock" "Rock & roll"
    check "category from YAML" line_count_min 1 "$WP" list "$a" --category "Category:Python (programming language) software"
    check "unknown category -> 3" expect_rc 3 -m "no article" -- "$WP" list "$a" --category "Category:Nothing"
    check "extract --url" "$WP" extract -q "$a" -C "$TMP/by_url" --url "https://en.wikipedia.org/wiki/Pycassa"
    check "extract --url wrote the article" file_count 1 "$TMP/by_url"

    local bad=$TMP/badin
    mkdir -p "$bad"
    printf '{"title": "Broken", "categories": [\n' >"$bad/broken.json"
    printf -- '---\ntitle: "unclosed\n---\n\nbody\n' >"$bad/broken.md"
    printf '# T\n\n## Metadata\n- **Page ID:** 12a\n' >"$bad/badid.md"
    printf '{"title": "ok", "text": "fine"}\nnot json\n' >"$bad/lines.jsonl"
    : >"$bad/empty.md"
    check "bad input: warnings name file and place" expect_rc 0 -m "broken.json" -m "line" -m "badid.md" -m "lines.jsonl, line 2" -m "empty file" -- \
        "$WP" pack -o "$TMP/bad.wpk" "$bad"
    check "bad input: still packed by path" stdout_has "broken.json" "$WP" list "$TMP/bad.wpk"
    check "bad input: summary counts warnings" expect_rc 0 -M "warnings: 5" -- "$WP" pack -o "$TMP/bad2.wpk" "$bad"
    check "--strict fails on warnings" expect_rc 2 -m "--strict" -- "$WP" pack --strict -o "$TMP/strict.wpk" "$bad"
    check "--strict leaves no archive" absent "$TMP/strict.wpk"
    check "--format forces a layout" expect_rc 0 -m "not in the json layout" -- "$WP" pack -q --format json -o "$TMP/forced.wpk" "$L/Breezy_software.md"
}

# A file name is an alias only when it is another name: not the title, nor
# the title plus its page ID or a time; an ID or a time after another name
# is cut off. Held against the title index itself (find "" lists
# every item) and the summary's count.
test_name_aliases() {
    section "11b. file names as aliases"
    local d=$TMP/names a=$TMP/names.wpk
    mkdir -p "$d/other"
    md() { printf '# %s\n\n## Metadata\n- **Page ID:** %s\n\n%s\n' "$2" "$3" "$4" >"$d/$1"; }
    md ansi_161818635.md ansi 161818635 "a 9-digit page ID after the title"
    md Foo_20241215041851.md Foo 42 "a time after the title"
    md Guido.md "Guido van Rossum" 12345 "a real other name"
    md BlueBream_34472.md Zope 34472 "another name and the page ID"
    md Apollo_11.md "Apollo 11" 11 "the title, which ends in its page ID"
    md other/Apollo_11.md "Apollo 1" 1 "the title and one more 1, not title + ID"
    md Saturn_5.md Saturn 7 "a number that is not the page ID"
    md "ZÜRICH_101.md" "Zürich" 101 "the title in other case + page ID"
    printf -- '---\ntitle: Bar\n---\n\n# Bar\n\nno page ID, a time\n' >"$d/Bar_2024-12-15T04:18:51.md"
    check "pack" "$WP" pack -q -o "$a" "$d"
    printf '%s\t%s\t%s\n' \
        "Apollo 1" 1 other/Apollo_11.md \
        "Apollo 11 -> Apollo 1" 1 other/Apollo_11.md \
        "Apollo 11" 11 Apollo_11.md \
        ansi 161818635 ansi_161818635.md \
        Bar - "Bar_2024-12-15T04:18:51.md" \
        "BlueBream -> Zope" 34472 BlueBream_34472.md \
        Foo 42 Foo_20241215041851.md \
        "Guido -> Guido van Rossum" 12345 Guido.md \
        "Guido van Rossum" 12345 Guido.md \
        Saturn 7 Saturn_5.md \
        "Saturn 5 -> Saturn" 7 Saturn_5.md \
        "Zürich" 101 "ZÜRICH_101.md" \
        Zope 34472 BlueBream_34472.md | LC_ALL=C sort >"$TMP/names.want"
    check "the title index: 9 titles and only the 4 real other names" \
        bash -o pipefail -c '"$1" find "$2" "" --limit 0 | LC_ALL=C sort | diff "$3" -' _ "$WP" "$a" "$TMP/names.want"
    check "find ansi: the title alone" line_count 1 "$WP" find "$a" ansi
    check "the summary counts 4 aliases" info_json_is "$a" aliases 4
    check "the path still finds a name left out" stdout_has "9-digit" "$WP" get "$a" --path ansi_161818635.md
    check "a real other name leads to its article" stdout_has "real other" "$WP" get "$a" --title Guido
}

# An article's own title wins over another article's alias (the title in
# its URL): exact title, then the title as MediaWiki spells it, then an
# alias, then a looser match.
test_title_before_alias() {
    section "11c. a title before another article's alias"
    local d=$TMP/tiers a=$TMP/tiers.wpk
    mkdir -p "$d"
    printf -- '---\ntitle: Delta\nurl: https://en.wikipedia.org/wiki/Delta\n---\nthe Delta article\n' >"$d/delta.md"
    printf -- '---\ntitle: Eps\nurl: https://en.wikipedia.org/wiki/Delta\n---\nthe Eps article\n' >"$d/eps.md"
    printf -- '---\ntitle: Zeta\nurl: https://en.wikipedia.org/wiki/gamma\n---\nthe Zeta article\n' >"$d/zeta.md"
    printf -- '---\ntitle: Gamma\n---\nthe Gamma article\n' >"$d/gamma.md"
    check "pack" "$WP" pack -q -o "$a" "$d"
    check "Delta: the article titled so, not Eps whose URL says Delta" stdout_has "the Delta article" "$WP" get "$a" --title Delta
    check "delta: the title in MediaWiki's spelling" stdout_has "the Delta article" "$WP" get "$a" --title delta
    check "gamma: Gamma's title in MediaWiki's spelling before Zeta's exact alias" stdout_has "the Gamma article" \
        "$WP" get "$a" --title gamma
    check "an alias still leads to its article when no title matches" stdout_has "the Eps article" "$WP" get "$a" --title Eps
}

info_json_is() { # info_json_is ARCHIVE KEY VALUE: info --json has KEY = VALUE
    "$WP" info --json "$1" </dev/null | python3 -c 'import json, sys; sys.exit(str(json.load(sys.stdin)[sys.argv[1]]) != sys.argv[2])' "$2" "$3"
}

peak_rss_under() { # peak_rss_under MB CMD...: CMD succeeds, its largest process under MB of RSS (MB "": not measured)
    python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print("peak RSS %d MB" % peak, file=sys.stderr)
sys.exit(rc or (sys.argv[1] != "" and peak >= int(sys.argv[1])))' "$@"
}

stdout_has() { # stdout_has TEXT CMD...: CMD succeeds and prints TEXT
    local t=$1
    shift
    "$@" >"$TMP/so" 2>"$TMP/se" </dev/null || { cat "$TMP/se" >&2; return 1; }
    grep -qF -- "$t" "$TMP/so" || { echo "output lacks \"$t\"" >&2; return 1; }
}

same_stdout() { # same_stdout CMD1... -- CMD2...: both print the same bytes
    local a=() b=()
    while [ "$1" != "--" ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    "${a[@]}" >"$TMP/s1" 2>/dev/null </dev/null && "${b[@]}" >"$TMP/s2" 2>/dev/null </dev/null && cmp -s "$TMP/s1" "$TMP/s2"
}

list_json_has() { # list_json_has ARCHIVE TEXT...: list --json contains one of the TEXTs
    local archive=$1 t
    shift
    "$WP" list --json "$archive" >"$TMP/lj" 2>/dev/null </dev/null || return 1
    for t in "$@"; do grep -qF -- "$t" "$TMP/lj" && return 0; done
    return 1
}

mode_of() { stat -c %a "$1"; }

test_signatures() {
    section "13. keygen, sign, verify --pubkey"
    local d=$TMP/sig s=$TMP/sig/signed.wpk key
    mkdir "$d"
    check "keygen" "$WP" keygen -o "$d/me"
    check "secret key file is mode 600" test "$(mode_of "$d/me.key")" = 600
    check "public key file has a header line" grep -q "^wikipack public key" "$d/me.pub"
    check "keygen refuses to replace keys -> 2" expect_rc 2 -m "already exists" -- "$WP" keygen -o "$d/me"
    check "keygen other" "$WP" keygen -o "$d/other"
    # --force replaces the name, never writes into the file that was there:
    # a file someone else made (here: another inode, mode 644) is not reused.
    ln "$d/me.key" "$d/me.key.link"
    chmod 644 "$d/me.key"
    check "keygen --force" "$WP" keygen -o "$d/me" --force
    check "a new secret key file, not the old one rewritten" test "$(stat -c %i "$d/me.key")" != "$(stat -c %i "$d/me.key.link")"
    check "the old file keeps its old key" bash -c '! cmp -s "$1" "$2"' _ "$d/me.key" "$d/me.key.link"
    check "the new one is mode 600" test "$(mode_of "$d/me.key")" = 600
    rm -f "$d/me.key.link"
    check "no temporary file left" bash -c '[ -z "$(ls "$1" | grep "\.key\.\|\.pub\.")" ]' _ "$d"
    mkdir -m 777 "$d/open"
    check "keygen refuses a folder writable by others -> 2" expect_rc 2 -m "writable by others" -- "$WP" keygen -o "$d/open/k"
    check "and writes nothing there" test -z "$(ls "$d/open")"
    rmdir "$d/open"
    cp "$A" "$s"
    check "verify --pubkey on an unsigned archive -> 1" expect_rc 1 -m "archive is not signed" -- "$WP" verify "$s" --pubkey "$d/me.pub"
    check "sign" "$WP" sign "$s" --key "$d/me.key"
    check "verify --pubkey" stdout_has "the trusted key" "$WP" verify "$s" --pubkey "$d/me.pub"
    key=$(tail -n 1 "$d/me.pub")
    check "verify --pubkey with the key pasted" "$WP" verify --quick "$s" --pubkey "$key"
    check "plain verify checks the signature too" stdout_has "signature valid" "$WP" verify "$s"
    check "verify --pubkey, another key -> 1" expect_rc 1 -m "signed by a different key" -- "$WP" verify "$s" --pubkey "$d/other.pub"
    check "signed: list unchanged" same_stdout "$WP" list --revisions "$A" -- "$WP" list --revisions "$s"
    check "signed: get unchanged" same_stdout "$WP" get "$A" --id 18836690 -- "$WP" get "$s" --id 18836690
    check "signed: extract" extract_same "$s" "$TMP/sig_x"
    # Format 2.0 keeps the signature in the prefix: a 160-byte SIGNATURE
    # section (type 7), the public key at 32, the signature at 96; it signs
    # the prefix, whose root items name every page and block by BLAKE2b.
    local size sig pages data at
    size=$(size_of "$s")
    read -r sig _ < <(section_at "$s" 7)
    read -r pages _ < <(section_at "$s" 9)
    read -r data _ < <(section_at "$s" 10)
    check "the signature record is in the prefix, before the pages" test "${sig:-0}" -gt 128 -a "${sig:-0}" -lt "${pages:-0}"
    # The header, the section table, the signature, the key, the first page,
    # a block and the last byte.
    for at in 0 200 $((sig + 100)) $((sig + 40)) "$pages" $((data + 10)) $((size - 1)); do
        flip_byte "$s" "$d/flip.wpk" "$at"
        check "byte $at changed: verify --pubkey -> 1|5" expect_rc "1|5" -- "$WP" verify "$d/flip.wpk" --pubkey "$d/me.pub"
    done
    flip_byte "$s" "$d/flip.wpk" $((sig + 100))
    check "signature byte changed: plain verify -> 1" expect_rc 1 -m "does not match the archive" -- "$WP" verify "$d/flip.wpk"
    check "signature byte changed: verify --quick -> 1" expect_rc 1 -m "does not match the archive" -- "$WP" verify --quick "$d/flip.wpk"
    check "signature byte changed: get --pubkey -> 1" expect_rc 1 -- "$WP" get "$d/flip.wpk" --id 18836690 --pubkey "$d/me.pub"
    flip_byte "$s" "$d/flip.wpk" $((data + 10))
    check "block byte changed: get --pubkey of it -> 1" expect_rc 1 -- "$WP" get "$d/flip.wpk" --id 18836690 --pubkey "$d/me.pub"

    cp "$s" "$d/before.wpk"
    printf 'wikipack secret key (Ed25519)\nnot base64 at all\n' >"$d/bad.key"
    check "sign with a bad key file -> 2" expect_rc 2 -m "bad.key" -- "$WP" sign "$s" --key "$d/bad.key"
    check "sign with a missing key file -> 4" expect_rc 4 -m "missing.key" -- "$WP" sign "$s" --key "$d/missing.key"
    check "failed signing leaves the archive unchanged" cmp "$d/before.wpk" "$s"
    flip_byte "$A" "$d/damaged.wpk" $(($(size_of "$A") / 2))
    cp "$d/damaged.wpk" "$d/damaged.copy"
    check "sign a damaged archive -> 1" expect_rc 1 -m "not signed" -- "$WP" sign "$d/damaged.wpk" --key "$d/me.key"
    check "damaged archive left as it was" cmp "$d/damaged.copy" "$d/damaged.wpk"
    rm -f "$d/damaged.wpk" "$d/damaged.copy"
    check "no temporary files left" only_files "$d" before.wpk bad.key flip.wpk me.key me.pub other.key other.pub signed.wpk
    chmod 644 "$d/other.key"
    check "re-sign with another key (warns: key readable by others)" expect_rc 0 -m "can be read by others" -- "$WP" sign "$s" --key "$d/other.key"
    check "re-signed: same size" test "$(size_of "$s")" -eq "$(size_of "$d/before.wpk")"
    check "re-signed: the new key" "$WP" verify --quick "$s" --pubkey "$d/other.pub"
    check "re-signed: not the old key -> 1" expect_rc 1 -m "signed by a different key" -- "$WP" verify --quick "$s" --pubkey "$d/me.pub"
}

# ---------------------------------------------------------------- manners

# verify --json, progress only on a terminal, JSON Lines packed from stdin.
test_manners() {
    section "command-line manners"
    local d=$TMP/manners
    mkdir -p "$d"
    "$WP" pack -q -o "$d/a.wpk" "$SAMPLES/articles" || FAIL=$((FAIL + 1))
    check "verify --json: ok, no problems" bash -o pipefail -c '"$1" verify --json "$2" | python3 -c "
import json, sys
o = json.load(sys.stdin)
assert o[\"ok\"] is True and o[\"problems\"] == [] and o[\"entries\"] > 0 and o[\"level\"] == \"full\", o
assert o[\"signature\"] == {\"signed\": False, \"public_key\": None, \"trusted\": None}, o"' _ "$WP" "$d/a.wpk"
    cp "$d/a.wpk" "$d/bad.wpk"
    printf '\377' | dd of="$d/bad.wpk" bs=1 seek=$(( $(size_of "$d/bad.wpk") / 2 )) conv=notrunc 2>/dev/null
    check "verify --json on damage: exit 1, problems listed" bash -o pipefail -c '"$1" verify --json "$2" >"$3"; rc=$?; [ $rc -eq 1 ] && python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
assert o[\"ok\"] is False and o[\"problems\"], o
assert all(p[\"code\"] == \"corrupt\" and p[\"message\"] for p in o[\"problems\"]), o" "$3"' _ "$WP" "$d/bad.wpk" "$d/v.json"
    # Progress: drawn on a terminal (script gives the command one), never
    # into a pipe or a file, and not with --quiet.
    check "pack: no progress when stderr is not a terminal" bash -o pipefail -c '"$1" pack -q -o "$2/p1.wpk" "$3" 2>"$2/p1.err" && ! grep -q "compressing" "$2/p1.err"' _ "$WP" "$d" "$SAMPLES/articles"
    # script(1) (util-linux, in every Debian) gives the command a terminal;
    # its exit status is the command's (-e).
    check "pack: progress on a terminal" bash -o pipefail -c 'script -qec "\"$1\" pack -o \"$2/p2.wpk\" \"$3\"" /dev/null | grep -c "compressing"' _ "$WP" "$d" "$SAMPLES/articles"
    check "pack --quiet: no progress on a terminal" bash -o pipefail -c 'script -qec "\"$1\" pack -q -o \"$2/p3.wpk\" \"$3\"" /dev/null >"$2/p3.out" && ! grep -q "compressing" "$2/p3.out"' _ "$WP" "$d" "$SAMPLES/articles"
    check "verify: progress on a terminal" bash -o pipefail -c 'script -qec "\"$1\" verify \"$2/a.wpk\"" /dev/null | grep -c "verifying"' _ "$WP" "$d"
    # JSON Lines from standard input.
    check "pack - (JSON Lines on stdin)" bash -o pipefail -c 'cat "$3"/layouts/*.jsonl | "$1" pack -q -o "$2/stdin.wpk" -' _ "$WP" "$d" "$SAMPLES"
    check "stdin entries are stdin/TITLE.txt" bash -o pipefail -c '"$1" get "$2/stdin.wpk" --path "stdin/Grok_(web_framework).txt" | grep -c Grok' _ "$WP" "$d"
    check "stdin: found by page ID" bash -o pipefail -c '"$1" get "$2/stdin.wpk" --id 18836690 >/dev/null' _ "$WP" "$d"
    check "pack - - -> usage error" expect_rc 2 -m "given twice" -- "$WP" pack -o "$d/twice.wpk" - -
}

# ---------------------------------------------------------------- main

# With CORPUS_DIR: the corpus section alone (ctest's cli_corpus), reported
# as skipped (77), never as passed, when the corpus is not there.
if [ -n "$CORPUS" ]; then
    if [ ! -d "$CORPUS" ]; then
        echo "SKIP: no corpus at $CORPUS"
        exit 77
    fi
    test_corpus
    echo
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
    exit
fi

test_basic
test_get
test_list
test_extract
test_errors
test_reproducible
test_atomic
test_duplicates
test_order
test_odd_names
test_input_links
test_layouts
test_name_aliases
test_title_before_alias
test_presets
test_signatures
test_manners

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
