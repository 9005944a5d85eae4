#!/usr/bin/env bash
# Wikimedia dumps as published, through the command: the forms Wikimedia
# names and compresses its dumps in (a split part, a .7z history dump, a
# multistream index beside its dump, standard input), the encodings and
# headers older exporters wrote (UTF-16, a DOCTYPE), read with no option.
# The dumps are tests/samples/wikimedia (see tests/samples/ATTRIBUTION.md).
# usage: bash tests/cli/test_dumps.sh PATH/TO/wikipack SAMPLES_DIR SCRATCH_DIR
set -uo pipefail
if [ $# -ne 3 ]; then
    echo "usage: $0 PATH/TO/wikipack SAMPLES_DIR SCRATCH_DIR" >&2
    exit 2
fi
WP=$1
D=$2/wikimedia
T=$3
rm -rf "$T" && mkdir -p "$T" || exit 4
PASS=0
FAIL=0
EN=$D/enwiki-latest-pages-articles1.xml-p000000010p000000300.bz2
AA_CUR=$D/aawiki-20260101-pages-meta-current.xml.bz2
AA_HIST=$D/aawiki-20260101-pages-meta-history.xml.7z

# check NAME COMMAND...: COMMAND must exit 0; otherwise show it and its stderr.
check() {
    local name=$1; shift
    if "$@" </dev/null >"$T/check.out" 2>"$T/check.err"; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL: %s\n  command: %s\n' "$name" "$(printf '%q ' "$@")"
        head -n 20 "$T/check.err" | sed 's/^/  | /'
    fi
}
# field ARCHIVE NAME: the value of `info`'s line "NAME: value".
field() { "$WP" info "$1" | sed -n "s/^$2: *//p"; }
# same_list A B: two archives list the same entries (every field but the
# path, whose folder is named after the input).
same_list() {
    "$WP" list --revisions "$1" | cut -f1,2,4- >"$T/a.list" && "$WP" list --revisions "$2" | cut -f1,2,4- >"$T/b.list" &&
        diff "$T/a.list" "$T/b.list" >&2
}
# has_text ARCHIVE SELECTOR... -- TEXT: get prints content containing TEXT.
has_text() {
    local a=$1 want=${*: -1}; shift
    "$WP" get "$a" "${@:1:$#-2}" >"$T/got" || { echo "get exited $?" >&2; return 1; }
    grep -qF -- "$want" "$T/got" || { echo "no \"$want\" in: $(head -c 200 "$T/got")" >&2; return 1; }
}

# ---- 1. A split part, named as Wikimedia names it, packs with no option.
S=$T/split.wpk
check "pack the split part as downloaded" "$WP" pack -q -o "$S" "$EN"
check "its articles are articles" test "$(field "$S" articles | cut -d' ' -f1)" = 7
check "an article by page ID" has_text "$S" --id 309 -- "An American in Paris"
check "an article by title" has_text "$S" --title "Aa River" -- "is the name of a large number of small European rivers"
check "a redirect's title leads to its target" has_text "$S" --title "AnAmericanInParis" -- "influenced [[symphonic poem]]"

# ---- 3. Every redirect page is kept: by its title or page ID it leads to
# its target when the archive has it, else it reads as itself.
check "a redirect's page ID leads to its target" has_text "$S" --id 299 -- "influenced [[symphonic poem]]"
check "--no-follow: the redirect page itself" has_text "$S" --id 299 --no-follow -- "#REDIRECT [[An American in Paris]]"
check "by the title of a redirect to another spelling" has_text "$S" --title "Astronomers and Astrophysicists" -- "is a scientist in the field of [[astronomy]]"
check "a redirect to an article not in the archive reads as itself" has_text "$S" --id 10 -- "#REDIRECT [[Computer accessibility]]"
check "... by its title too" has_text "$S" --title "AccessibleComputing" -- "#REDIRECT [[Computer accessibility]]"
check "... and by its path" has_text "$S" --path "enwiki-latest-pages-articles1/AccessibleComputing.wiki" -- "#REDIRECT"
check "info counts both kinds" bash -c "'$WP' info '$S' | grep -qx 'redirect pages: *12 (2 to articles in the archive, 10 to articles not in it)'"
check "verify" "$WP" verify "$S"

# ---- 5. Categories come from the pages' category links.
check "list --category finds the article" bash -c "'$WP' list '$S' --category 'Category:Astronomers' | cut -f2 | grep -qx Astronomer"
check "each of its categories" bash -c "[ \$('$WP' list '$S' | awk -F'\t' '\$2 == \"Algorithms (journal)\"' | tr ';' '\n' | grep -c Category:) -eq 7 ]"

# ---- 4. UTF-16 with a byte-order mark, and a DOCTYPE: the same archive.
bzcat "$EN" >"$T/en.xml"
iconv -f UTF-8 -t UTF-16 "$T/en.xml" >"$T/en16.xml"      # iconv writes a BOM
iconv -f UTF-8 -t UTF-16BE "$T/en.xml" | { printf '\xfe\xff'; cat; } >"$T/en16be.xml"
{ printf '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE mediawiki [ <!ELEMENT mediawiki ANY> ]>\n'; cat "$T/en.xml"; } >"$T/doctype.xml"
for f in en16 en16be doctype; do
    check "$f: packed as a dump" "$WP" pack -q -o "$T/$f.wpk" "$T/$f.xml"
    check "$f: the same entries as the UTF-8 dump" same_list "$S" "$T/$f.wpk"
done

# ---- xz (through libarchive), made with Python's lzma module.
python3 -c 'import lzma, sys; open(sys.argv[2], "wb").write(lzma.compress(open(sys.argv[1], "rb").read()))' "$T/en.xml" "$T/en.xml.xz"
check "xz: packed as a dump" "$WP" pack -q -o "$T/xz.wpk" "$T/en.xml.xz"
check "xz: the same entries as the bzip2 dump" same_list "$S" "$T/xz.wpk"

# ---- Standard input, compressed or not, is recognised as a dump.
check "bzip2 on standard input" bash -c "'$WP' pack -q -o '$T/stdin.wpk' - < '$EN'"
check "stdin: the same entries, named below stdin" test "$(field "$T/stdin.wpk" articles | cut -d' ' -f1)" = 7
check "plain XML piped in" bash -c "bzcat '$EN' | '$WP' pack -q -o '$T/stdin2.wpk' -"
check "piped: an article by page ID" has_text "$T/stdin2.wpk" --id 742 -- "Algorithms"

# ---- A multistream index beside its dump is not packed as an article.
mkdir -p "$T/ms"
cp "$EN" "$T/ms/enwiki-20260101-pages-articles-multistream1.xml-p10p300.bz2"
printf '597:10:AccessibleComputing\n597:12:Anarchism\n597:13:AfghanistanHistory\n' |
    bzip2 >"$T/ms/enwiki-20260101-pages-articles-multistream-index1.txt-p10p300.bz2"
check "pack a dump and its index" "$WP" pack -o "$T/ms.wpk" "$T/ms"
cp "$T/check.err" "$T/ms.err"
check "the summary says the index was left out, and why" grep -q "index of a multistream dump" "$T/ms.err"
check "the index is not an entry" bash -c "! '$WP' list '$T/ms.wpk' | grep -q index"
check "the dump's articles are" test "$(field "$T/ms.wpk" articles | cut -d' ' -f1)" = 7

# ---- 2. A history dump as published (.7z) is read as a dump, not a file.
H=$T/hist.wpk
check "pack the .7z history dump" "$WP" pack -q -o "$H" "$AA_HIST"
check "the .7z's pages are articles" bash -c "[ \"\$('$WP' info '$H' | sed -n 's/^articles: *//p' | cut -d' ' -f1)\" -gt 100 ]"
check "a page by title" has_text "$H" --title "Talk:Main Page" -- "What kind of wiki is this?"
# Every revision is there: "Main Page" has 81 in the dump, each readable
# by its time, named by its revision ID.
versions() { "$WP" list --revisions "$1" | awk -F'\t' -v t="$2" '$2 == t' | wc -l; }
check "Main Page: 81 versions" test "$(versions "$H" "Main Page")" -eq 81
check "an older revision by its time" bash -c "[ \$('$WP' get '$H' --title 'Main Page' --revision 2005-07-07T15:31:37Z | wc -c) -eq 8211 ]"
check "an older revision by its path (revision ID)" has_text "$H" --path "aawiki-20260101-pages-meta-history/Main_Page@r1269.wiki" -- "Wikipedia"
check "pack the history dump with --latest-only" "$WP" pack -q --latest-only -o "$T/latest.wpk" "$AA_HIST"
check "--latest-only: one version of Main Page" test "$(versions "$T/latest.wpk" "Main Page")" -eq 1
check "pack the current dump" "$WP" pack -q -o "$T/cur.wpk" "$AA_CUR"
check "--latest-only history and current dump: the same entries" same_list "$T/latest.wpk" "$T/cur.wpk"
check "all 1,307 revisions are entries" test "$("$WP" list --revisions "$H" | wc -l)" -eq 1307
check "507 pages: 488 articles and 19 redirect pages" bash -c "'$WP' info '$H' | grep -q '^articles: *488 ' && '$WP' info '$H' | grep -q '^redirect pages: *19 '"
# Each revision's own facts: its ID, contributor and comment, as the dump
# gives them (read by Python's parsers, not wikipack's).
HERE=$(cd "$(dirname "$0")" && pwd)
check "history: each page's newest revision's ID, contributor, comment" python3 "$HERE/dump_revisions.py" "$WP" "$H" "$AA_CUR"
check "current dump: the same" python3 "$HERE/dump_revisions.py" "$WP" "$T/cur.wpk" "$AA_CUR"
check "an older revision's facts in get --revision all" bash -c "'$WP' get '$H' --title 'Main Page' --revision all | grep -qxF '==> aawiki-20260101-pages-meta-history/Main_Page@r3807.wiki (2008-05-13T19:01:34Z; revision 3807 by VasilievVV: closed) <=='"
check "list --revisions: an older revision's ID, contributor and comment" bash -c "'$WP' list --revisions '$H' | awk -F'\t' '\$3 ~ /Main_Page@r3807/' | cut -f9- | grep -qxP '3807\tVasilievVV\tclosed'"
check "the archive says format 2.3 (its search index; it uses 2.1's fields too)" test "$(field "$H" 'format version')" = 2.3

# ---- 6. The wiki's case rule, from <siteinfo><case>: on a case-sensitive
# wiki (Wiktionary) "polish" and "Polish" are two pages, and a title typed
# loosely ("polish_") is the page of its own case; on a first-letter wiki
# both name "Polish".
WIKT=$2/mediawiki/wiktionary_case.xml
W=$T/wikt.wpk
check "pack a case-sensitive wiki" "$WP" pack -q -o "$W" "$WIKT"
check "info says it is case-sensitive" bash -c "'$WP' info '$W' | grep -q '^wikis: *enwiktionary (en, Wiktionary, case-sensitive)'"
check "polish_ is polish" has_text "$W" --title "polish_" -- "to make smooth and shiny; to refine"
check "Polish_ is Polish" has_text "$W" --title "Polish_" -- "(of Poland)"
check "POLISH is ambiguous (exit 3)" bash -c "'$WP' get '$W' --title POLISH >/dev/null 2>&1; [ \$? -eq 3 ]"
sed 's#<case>case-sensitive</case>#<case>first-letter</case>#' "$WIKT" >"$T/first_letter.xml"
check "pack the same pages as a first-letter wiki" "$WP" pack -q -o "$T/first.wpk" "$T/first_letter.xml"
check "there, polish_ names both (exit 3)" bash -c "'$WP' get '$T/first.wpk' --title polish_ >/dev/null 2>&1; [ \$? -eq 3 ]"
check "its revision facts and search index make it format 2.3" test "$(field "$T/first.wpk" 'format version')" = 2.3

# ---- Damage is reported, naming the file, and nothing is lost.
head -c 100000 "$AA_HIST" >"$T/cut.7z"
"$WP" pack -o "$T/cut.wpk" "$T/cut.7z" >"$T/cut.out" 2>"$T/cut.err"
check "a truncated .7z: a warning names the file and the problem" grep -q "cut.7z: 7z: .*packed whole" "$T/cut.err"
check "a truncated .7z: kept whole by path" bash -c "'$WP' list '$T/cut.wpk' | grep -q 'cut.7z'"

echo "dumps: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
