#!/usr/bin/env bash
# Page IDs scoped by wiki, through the command: two wikis whose page IDs
# collide (open_wiki markdown, then two MediaWiki exports) packed into one
# archive, each article read by title and by (wiki, page ID).
# usage: bash tests/cli/test_wiki.sh PATH/TO/wikipack SCRATCH_DIR
set -uo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 PATH/TO/wikipack SCRATCH_DIR" >&2
    exit 2
fi
WP=$1
T=$2
rm -rf "$T" && mkdir -p "$T" || exit 4
PASS=0
FAIL=0

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
# prints TEXT COMMAND...: COMMAND exits 0 and its stdout's first line is TEXT.
prints() {
    local want=$1; shift
    "$@" >"$T/out" || { echo "exit status $?" >&2; return 1; }
    [ "$(head -n 1 "$T/out")" = "$want" ] || { echo "first line: $(head -n 1 "$T/out")" >&2; return 1; }
}
# fails CODE COMMAND...: COMMAND exits CODE, prints nothing on stdout, and
# its stderr (shown) has each line of $T/want, in that order.
fails() {
    local code=$1 rc; shift
    "$@" >"$T/out" 2>"$T/err"; rc=$?
    cat "$T/err" >&2
    [ "$rc" -eq "$code" ] || { echo "exit status $rc, expected $code" >&2; return 1; }
    [ ! -s "$T/out" ] || { echo "stdout not empty" >&2; return 1; }
    grep -vxF -f "$T/err" "$T/want" >&2 && { echo "stderr lacks the lines above" >&2; return 1; }
    [ "$(grep -xF -f "$T/want" "$T/err")" = "$(cat "$T/want")" ] || { echo "lines out of order" >&2; return 1; }
}
# kind PATH KIND: `list --revisions` calls the entry at PATH an article or a revision.
kind() {
    "$WP" list --revisions "$A" >"$T/list" || return 1
    awk -F'\t' -v p="$1" -v k="$2" '$3 == p { found = 1; if ($7 != k) { print p ": " $7 > "/dev/stderr"; exit 1 } }
        END { if (!found) { print p ": not listed" > "/dev/stderr"; exit 1 } }' "$T/list"
}

article() { # article DIR/FILE TITLE LANG HOST PAGE_ID UPDATED BODY: an open_wiki markdown article
    mkdir -p "$T/in/$(dirname "$1")"
    cat >"$T/in/$1" <<EOF
# $2

## Metadata
- **Last Updated:** $6
- **Original Article:** [$2](https://$4/wiki/${2// /_})
- **Language:** $3
- **Page ID:** $5

## Summary

$7
EOF
}

# ---- open_wiki markdown: English and German articles with page ID 23862
article en/Python_programming_language.md "Python (programming language)" en en.wikipedia.org 23862 \
    "2024-12-15 04:18:51 UTC" "Python is a high-level, general-purpose programming language."
article de/Sachsen.md Sachsen de de.wikipedia.org 23862 "2024-12-14 10:00:00 UTC" \
    "Sachsen ist ein Land im Osten der Bundesrepublik Deutschland."
# A genuine article in two versions, in one wiki: they still join.
article en/Kippo.md Kippo en en.wikipedia.org 30993917 "2024-12-15 04:20:00 UTC" "Kippo is an SSH honeypot."
article en/old/Kippo.md Kippo en en.wikipedia.org 30993917 "2024-06-01 08:00:00 UTC" "Kippo is a honeypot."
# One title in two wikis, under different page IDs.
article en/Berlin.md Berlin en en.wikipedia.org 3354 "2024-12-15 05:00:00 UTC" "Berlin is the capital of Germany."
article de/Berlin.md Berlin de de.wikipedia.org 2672 "2024-12-15 06:00:00 UTC" "Berlin ist die Hauptstadt Deutschlands."
A=$T/two.wpk
check "pack two wikis" "$WP" pack -q -o "$A" "$T/in"

check "Python is an article" kind en/Python_programming_language.md article
check "Sachsen is an article, not a revision of Python" kind de/Sachsen.md article
check "Kippo's newer version is the article" kind en/Kippo.md article
check "Kippo's older version is its revision" kind en/old/Kippo.md revision
check "get --title Python gives Python" prints "# Python (programming language)" \
    "$WP" get "$A" --title "Python (programming language)"
check "get --title Sachsen gives Sachsen" prints "# Sachsen" "$WP" get "$A" --title Sachsen
check "get --url of de.wikipedia.org gives Sachsen" prints "# Sachsen" \
    "$WP" get "$A" --url https://de.wikipedia.org/wiki/Sachsen

check "Berlin of each wiki is an article" kind en/Berlin.md article
check "... both of them" kind de/Berlin.md article
printf '%s\n' "wikipack: \"Berlin\" is the title of 2 articles:" "  Berlin  (de/Berlin.md, dewiki)" \
    "  Berlin  (en/Berlin.md, enwiki)" >"$T/want"
check "get --title of two wikis lists both with their wiki, exit 3" fails 3 "$WP" get "$A" --title Berlin
check "get --id of one of them" prints "# Berlin" "$WP" get "$A" --id 2672

# The choices come in wiki order (format 2.0: wiki numbers, 0 to
# wiki_count), the order info lists the wikis in.
check "info lists the wikis, in their order" bash -c '"$1" info "$2" | grep -qxF "wikis:            dewiki (de), enwiki (en)"' _ "$WP" "$A"
check "info --json lists the wikis, in their order" bash -c '"$1" info --json "$2" | python3 -c "import json, sys; sys.exit(json.load(sys.stdin)[\"wikis\"] != [\"dewiki\", \"enwiki\"])"' _ "$WP" "$A"
printf '%s\n' "wikipack: page ID 23862 names 2 articles, of different wikis:" \
    "  dewiki  Sachsen  (de/Sachsen.md)" \
    "  enwiki  Python (programming language)  (en/Python_programming_language.md)" \
    "wikipack: page IDs are numbered by each wiki: choose one with --wiki or --lang" >"$T/want"
check "get --id 23862 lists both choices, exit 3" fails 3 "$WP" get "$A" --id 23862
check "get --id 23862 --wiki dewiki gives Sachsen" prints "# Sachsen" "$WP" get "$A" --id 23862 --wiki dewiki
check "get --id 23862 --lang de gives Sachsen" prints "# Sachsen" "$WP" get "$A" --id 23862 --lang de
check "get --id 23862 --wiki enwiki gives Python" prints "# Python (programming language)" \
    "$WP" get "$A" --id 23862 --wiki enwiki
check "get --id 23862 -L EN (any case) gives Python" prints "# Python (programming language)" \
    "$WP" get "$A" --id 23862 -L EN
check "get --id 23862 --wiki dewiki --revision all: Sachsen alone" prints "==> de/Sachsen.md (2024-12-14T10:00:00Z) <==" \
    "$WP" get "$A" --id 23862 --wiki dewiki --revision all
printf '%s\n' "wikipack: page ID 23862 is not in wiki frwiki; it is in:" \
    "  dewiki  Sachsen  (de/Sachsen.md)" \
    "  enwiki  Python (programming language)  (en/Python_programming_language.md)" >"$T/want"
check "get --id 23862 --wiki frwiki: none, the choices listed" fails 3 "$WP" get "$A" --id 23862 --wiki frwiki
printf '%s\n' "  dewiki  Sachsen  (de/Sachsen.md)" >"$T/want"
check "get --id 23862 --wiki enwiki --lang de: none" fails 3 "$WP" get "$A" --id 23862 --wiki enwiki --lang de
check "an ID of one wiki: get --id as before" prints "# Kippo" "$WP" get "$A" --id 30993917
check "an ID of one wiki: --wiki of it too" prints "# Kippo" "$WP" get "$A" --id 30993917 --wiki enwiki
printf '%s\n' "wikipack: get: --wiki and --lang choose among the articles of one page ID: give them with --id" >"$T/want"
check "--wiki without --id: usage" fails 2 "$WP" get "$A" --title Sachsen --wiki dewiki
check "list --json gives each entry's wiki" bash -c '"$1" list --json "$2" | grep -q "\"path\": *\"de/Sachsen.md\".*\"wiki\": *\"dewiki\""' _ "$WP" "$A"

check "extract --id 23862 --lang de: Sachsen only" "$WP" extract -q "$A" --id 23862 --lang de -C "$T/x"
check "extract: the right file" cmp "$T/in/de/Sachsen.md" "$T/x/de/Sachsen.md"
check "extract: no other" bash -c '[ "$(find "$1" -type f | wc -l)" -eq 1 ]' _ "$T/x"
printf '%s\n' "wikipack: 1 entry not extracted" >"$T/want"
check "extract --id 23862 alone: ambiguous, not extracted" fails 3 "$WP" extract -q "$A" --id 23862 -C "$T/y"

# ---- MediaWiki exports of two wikis: <dbname> names each one's wiki
dump() { # dump FILE DBNAME LANG TITLE TEXT [xml:lang given: yes|no]
    local lang=""
    [ "${6:-yes}" = yes ] && lang=" xml:lang=\"$3\""
    cat >"$T/mw/$1" <<EOF
<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11"$lang>
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <dbname>$2</dbname>
    <base>https://$3.wikipedia.org/wiki/Main_Page</base>
  </siteinfo>
  <page>
    <title>$4</title>
    <ns>0</ns>
    <id>23862</id>
    <revision><id>7</id><timestamp>2024-01-02T03:04:05Z</timestamp><text xml:space="preserve">$5</text></revision>
  </page>
</mediawiki>
EOF
}
mkdir -p "$T/mw"
# Neither export says its language: the wiki comes from <dbname> alone.
dump enwiki-pages-articles.xml enwiki en "Python (programming language)" "'''Python''' is a language." no
dump dewiki-pages-articles.xml dewiki de Sachsen "'''Sachsen''' ist ein Land." no
A=$T/mw.wpk
check "pack two MediaWiki exports" "$WP" pack -q -o "$A" "$T/mw"
check "MediaWiki: Python is an article" kind "enwiki-pages-articles/Python_(programming_language).wiki" article
check "MediaWiki: Sachsen is an article" kind "dewiki-pages-articles/Sachsen.wiki" article
check "MediaWiki: get --title Sachsen" prints "'''Sachsen''' ist ein Land." "$WP" get "$A" --title Sachsen
check "MediaWiki: get --title Python" prints "'''Python''' is a language." \
    "$WP" get "$A" --title "Python (programming language)"
printf '%s\n' "  dewiki  Sachsen  (dewiki-pages-articles/Sachsen.wiki)" \
    "  enwiki  Python (programming language)  (enwiki-pages-articles/Python_(programming_language).wiki)" >"$T/want"
check "MediaWiki: get --id 23862 lists both" fails 3 "$WP" get "$A" --id 23862
check "MediaWiki: get --id 23862 --wiki dewiki" prints "'''Sachsen''' ist ein Land." \
    "$WP" get "$A" --id 23862 --wiki dewiki
check "MediaWiki: get --id 23862 --wiki enwiki" prints "'''Python''' is a language." \
    "$WP" get "$A" --id 23862 --wiki enwiki

printf '\n%d passed, %d failed\n' "$PASS" "$FAIL"
[ "$FAIL" -eq 0 ]
