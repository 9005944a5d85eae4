#!/usr/bin/env bash
# `wikipack serve`'s full-text search through HTTP: the results page and
# its paging, the JSON API, escaping of hostile queries and articles,
# refused queries (4xx, the server goes on), and an archive packed without
# a search index (the title search, with a note).
# usage: bash tests/serve/test_serve_search.sh PATH/TO/wikipack SCRATCH_DIR
set -uo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 PATH/TO/wikipack SCRATCH_DIR" >&2
    exit 2
fi
WP=$1
T=$2
rm -rf "$T" && mkdir -p "$T/find" "$T/plain" || exit 4
PASS=0
FAIL=0
PID=

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); printf 'FAIL: %s\n' "$1"; }
expect() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$name"; fi; }
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=; fi; }
trap stop EXIT

# ---- archives: 25 articles about zebras (more than a results page), one
# hostile article; and one packed without a search index.
for i in $(seq 25); do
    {
        printf -- '---\ntitle: Zebra %d\nlanguage: en\n' "$i"
        [ "$i" = 1 ] && printf 'page_id: 4242001\n'
        printf -- '---\nZebra number %d grazes in the savanna.\n' "$i"
        [ "$i" = 1 ] && printf 'It is the herd leader.\n'
    } >"$T/find/zebra$(printf %02d "$i").md"
done
cat >"$T/find/hostile.md" <<'EOF'
---
title: "<b>Okapi</b> & co"
language: en
---
The okapi <script>alert("okapi")</script> lives in rainforests, without a herd.
EOF
"$WP" pack -q -o "$T/find.wpk" "$T/find" || { echo "pack find failed"; exit 1; }
cat >"$T/plain/nosearch.md" <<'EOF'
---
title: Plain Article
language: en
---
An article of an archive packed without a search index.
EOF
cat >"$T/plain/other.md" <<'EOF'
---
title: Plain Other
language: en
---
Another article without an index.
EOF
NO_SEARCH=
"$WP" pack --help 2>&1 | grep -- --no-search >/dev/null && NO_SEARCH=--no-search
"$WP" pack -q $NO_SEARCH -o "$T/plain.wpk" "$T/plain" || { echo "pack plain failed"; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WP" serve "$T/find.wpk" "$T/plain.wpk" --port "$PORT" >"$T/serve.out" 2>"$T/serve.err" &
PID=$!
U=http://127.0.0.1:$PORT
for _ in $(seq 100); do
    curl -s -o /dev/null "$U/api/archives" && break
    sleep 0.1
done
expect "server answers" curl -sf -o /dev/null "$U/api/archives"

get() {
    local url=$1; shift
    rm -f "$T/body" "$T/head"
    ST=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' "$@" "$url")
}
body_has() { grep -qF -- "$1" "$T/body"; }
body_lacks() { ! grep -qF -- "$1" "$T/body"; }
head_has() { grep -qiF -- "$1" "$T/head"; }
status_is() { local name=$1 want=$2; if [ "$ST" = "$want" ]; then ok; else bad "$name: status $ST, wanted $want"; fi; }
# count of a fixed string's lines in the body
count() { grep -cF -- "$1" "$T/body"; }

# ---- the search box says what it searches
get "$U/find/"
expect "indexed archive: the box searches articles" body_has 'placeholder="Search articles"'
expect "the box leads to the search page" body_has 'action="/find/search"'
get "$U/plain/"
expect "archive without index: the box searches titles" body_has 'placeholder="Search titles"'

# ---- results page, first page of two
get "$U/find/search?q=zebra"
status_is "results page" 200
expect "results page is HTML" head_has 'Content-Type: text/html; charset=utf-8'
expect "25 results counted" body_has '<p class="stats">25 results, 1 to 20 shown</p>'
expect "20 on the first page ($(count '<li><a class="title"'))" test "$(count '<li><a class="title" href="/find/A/Zebra_')" = 20
expect "the list starts at 1" body_has '<ol class="results" start="1">'
expect "matched word marked" grep -qiE '<mark>zebra</mark>' "$T/body"
expect "each hit shows its path" test "$(grep -cE '<span class="path">zebra[0-9]{2}\.md</span>' "$T/body")" = 20
expect "a next link" body_has '<a rel="next" href="/find/search?q=zebra&amp;start=20">'
expect "no previous link on the first page" body_lacks 'rel="prev"'
expect "the query in the title" body_has '<h1>Search: zebra</h1>'
expect "results page has an ETag" head_has 'ETag: "'
ETAG=$(tr -d '\r' <"$T/head" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
get "$U/find/search?q=zebra" -H "If-None-Match: $ETAG"
status_is "results page 304" 304

# ---- second page, past the end
get "$U/find/search?q=zebra&start=20"
status_is "second page" 200
expect "5 on the second page" test "$(count '<li><a class="title" href="/find/A/Zebra_')" = 5
expect "numbered from 21" body_has '<ol class="results" start="21">'
expect "the count says which are shown" body_has '<p class="stats">25 results, 21 to 25 shown</p>'
expect "a previous link to the first page" body_has '<a rel="prev" href="/find/search?q=zebra">'
expect "no next link on the last page" body_lacks 'rel="next"'
get "$U/find/search?q=zebra&start=40"
status_is "past the last result" 200
expect "says there are no more" body_has 'No more results.'
expect "with a link to the first" body_has '<a rel="first" href="/find/search?q=zebra">'
# The query is percent-encoded in paging links.
get "$U/find/search?q=zebra%20%26%20savanna%2Bx&start=1"
expect "paging link encodes the query" body_has 'href="/find/search?q=zebra%20%26%20savanna%2Bx">'

# ---- one result: page ID, path, article link that opens
get "$U/find/search?q=leader"
status_is "one result" 200
expect "one result counted" body_has '<p class="stats">1 result</p>'
expect "its title links to the article" body_has '<li><a class="title" href="/find/A/Zebra_1">Zebra 1</a>'
expect "its page ID" body_has 'Page ID <span class="page-id">4242001</span>'
expect "its path" body_has '<span class="path">zebra01.md</span>'
expect "leader marked" grep -qiE '<mark>leader</mark>' "$T/body"
get "$U/find/search?q=herd"
expect "all shown: the count alone" body_has '<p class="stats">2 results</p>'
get "$U/find/A/Zebra_1"
status_is "the result's link opens the article" 200
expect "the article" body_has '<h1 id="title">Zebra 1</h1>'
get "$U/find/search?q=Zebra%2012"
expect "the article titled as the query comes first" body_has '<p class="title-match">The article titled <a href="/find/A/Zebra_12">Zebra 12</a></p>'

# ---- nothing found, empty query
get "$U/find/search?q=xylophone"
status_is "no match" 200
expect "no match says so" body_has 'No article matches this search.'
expect "no match has no list" body_lacks '<ol class="results"'
get "$U/find/search?q="
status_is "empty query" 200
expect "empty query says to type words" body_has 'Type words to search for'
get "$U/find/search"
status_is "no query at all" 200
expect "no query says to type words" body_has 'Type words to search for'

# ---- hostile articles and queries are escaped
get "$U/find/search?q=okapi"
status_is "hostile article found" 200
expect "its title escaped" body_has '&lt;b&gt;Okapi&lt;/b&gt; &amp; co</a>'
expect "no raw markup from the article" sh -c "! grep -q '<script>alert\|<b>Okapi' '$T/body'"
get "$U/find/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
status_is "a query with <script>" 200
expect "the query escaped in the heading" body_has '<h1>Search: &lt;script&gt;alert(1)&lt;/script&gt;</h1>'
expect "no raw script from the query" body_lacks '<script>alert'
get "$U/find/search?q=%22%3E%3Cimg%20src%3Dx%3E&start=1"
expect "the query escaped in attributes" body_lacks '"><img'

# ---- refused queries: clean 4xx pages, the server goes on
for case in \
    "400 start too large:q=zebra&start=1000" \
    "400 start huge:q=zebra&start=99999999999999999999999999" \
    "400 start negative:q=zebra&start=-1" \
    "400 start not a number:q=zebra&start=2x" \
    "400 start empty:q=zebra&start=" \
    "400 not UTF-8:q=%FF%FEzebra" \
    "400 overlong UTF-8:q=%C0%BCscript" \
    "400 a UTF-16 surrogate:q=%ED%A0%80" \
    "400 a control character:q=zeb%01ra" \
    "400 a newline:q=zebra%0Aleader" \
    "400 a C1 control character:q=zebra%C2%85" \
    "400 bad percent-encoding:q=%zz" \
    "400 an encoded NUL:q=zeb%00ra" \
    "400 only an excluded word:q=-zebra"; do
    want=${case%% *}; rest=${case#* }; name=${rest%%:*}; query=${rest#*:}
    get "$U/find/search?$query"
    status_is "page: $name" "$want"
    expect "page: $name is an HTML page" body_has "<h1>$want "
done
# The library's own refusals: its words, as a 400.
MANY=$(seq -s + -f 'w%g' 70)
get "$U/find/search?q=$MANY"
status_is "a query of 70 words" 400
expect "the library's reason" body_has 'That search cannot be run: the query has more than 64 words.'
get "$U/find/api/search?q=$MANY"
status_is "API: a query of 70 words" 400
expect "API: the library's reason" body_has '"error":"the query has more than 64 words"'
get "$U/find/search?q=$(head -c 1025 /dev/zero | tr '\0' z)"
status_is "a query over 1 KiB" 414
expect "says it is too long" body_has 'longer than 1024 bytes'
get "$U/find/search?q=$(head -c 1024 /dev/zero | tr '\0' z)"
status_is "a query of 1 KiB" 200
expect "still serving after hostile queries" curl -sf -o /dev/null "$U/find/search?q=zebra"

# ---- JSON API
get "$U/find/api/search?q=zebra&limit=100"
status_is "API" 200
expect "API is JSON" head_has 'Content-Type: application/json'
expect "API answer" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["query"] == "zebra" and d["matches"] == 25 and d["start"] == 0 and d["limit"] == 100, d
r = d["results"]
assert sorted(x["title"] for x in r) == sorted("Zebra %d" % i for i in range(1, 26)), r
for x in r:
    assert x["link"] == "/find/A/" + x["title"].replace(" ", "_"), x
    assert x["path"] == "zebra%02d.md" % int(x["title"].split()[1]), x
    assert isinstance(x["score"], float) and x["score"] > 0, x
    assert x["page_id"] == (4242001 if x["title"] == "Zebra 1" else None), x
    s = x["snippet"].encode()
    assert x["marks"], x
    for at, n in x["marks"]:
        assert s[at:at + n].decode().lower().startswith("zebra"), (x, at, n)
scores = [x["score"] for x in r]
assert scores == sorted(scores, reverse=True), scores' "$T/body"
cp "$T/body" "$T/all.json"
for s in 0 10 20; do
    curl -s "$U/find/api/search?q=zebra&limit=10&start=$s" >"$T/page$s.json"
done
expect "API pages of 10 are the whole list in order" python3 -c '
import json, sys
t = sys.argv[1]
whole = [x["title"] for x in json.load(open(t + "/all.json"))["results"]]
pages = [json.load(open("%s/page%d.json" % (t, s))) for s in (0, 10, 20)]
assert [len(p["results"]) for p in pages] == [10, 10, 5], pages
assert [p["start"] for p in pages] == [0, 10, 20]
assert [x["title"] for p in pages for x in p["results"]] == whole' "$T"
get "$U/find/api/search?q=zebra"
expect "API gives 10 by default" python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["results"]) == 10' "$T/body"
get "$U/find/api/search?q=xylophone"
status_is "API no match" 200
expect "API no match is an empty list" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); assert d["matches"] == 0 and d["results"] == [], d' "$T/body"
get "$U/find/api/search?q=okapi"
expect "API: hostile article, raw text in JSON, no raw <" python3 -c '
import json, sys
raw = open(sys.argv[1]).read()
assert "<" not in raw, raw
d = json.load(open(sys.argv[1]))
assert d["results"][0]["title"] == "<b>Okapi</b> & co", d' "$T/body"
get "$U/find/api/search?q=%3Cscript%3E"
expect "API: the query given back, no raw <" python3 -c '
import json, sys
assert "<" not in open(sys.argv[1]).read()
assert json.load(open(sys.argv[1]))["query"] == "<script>"' "$T/body"
for case in \
    "400 no q:limit=5" \
    "400 empty q:q=" \
    "400 limit 0:q=zebra&limit=0" \
    "400 limit over 100:q=zebra&limit=101" \
    "400 limit not a number:q=zebra&limit=ten" \
    "400 start too large:q=zebra&start=1000" \
    "400 not UTF-8:q=%FF" \
    "400 a control character:q=%1B%5B31m" \
    "400 only an excluded word:q=-zebra"; do
    want=${case%% *}; rest=${case#* }; name=${rest%%:*}; query=${rest#*:}
    get "$U/find/api/search?$query"
    status_is "API: $name" "$want"
    expect "API: $name is a JSON error" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); assert d["status"] == int(sys.argv[2]) and d["error"], d' "$T/body" "$want"
done
get "$U/find/api/search?q=$(head -c 1025 /dev/zero | tr '\0' z)"
status_is "API: a query over 1 KiB" 414

# ---- an archive without a search index: the title search, with a note
get "$U/plain/search?q=plain"
status_is "no index: a page" 200
expect "no index: says so" body_has 'This archive has no search index, so only titles are searched.'
expect "no index: titles starting so" body_has 'href="/plain/A/Plain_Article"'
expect "no index: and the other" body_has 'href="/plain/A/Plain_Other"'
get "$U/plain/search?q=Plain%20Article"
status_is "no index: a title leads to its article" 302
expect "no index: to that article" head_has 'Location: /plain/A/Plain_Article'
get "$U/plain/search?q=%FF"
status_is "no index: bad UTF-8 refused all the same" 400
get "$U/plain/api/search?q=plain"
status_is "no index: API 404" 404
expect "no index: API says so" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); assert "no search index" in d["error"] and d["status"] == 404, d' "$T/body"

# ---- many searches at once
seq 40 | xargs -P 20 -I{} curl -s -o /dev/null -w "%{http_code}\n" --max-time 20 "$U/find/search?q=zebra&start={}" >"$T/concurrent"
expect "40 searches at once" test "$(grep -c '^200$' "$T/concurrent")" = 40

kill -TERM "$PID"
wait "$PID"
RC=$?
PID=
expect "exit 0 on SIGTERM" test "$RC" = 0
expect "nothing on stderr" test ! -s "$T/serve.err"
[ -s "$T/serve.err" ] && head -20 "$T/serve.err"

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
