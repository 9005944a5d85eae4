#!/usr/bin/env bash
# search_bench.sh - full-text search on one corpus directory: libzim's Xapian
# index as the peer, wikipack's own search once it exists (issue 23). Prints
# a Markdown report: index sizes, relevance per query kind, warm latency.
#
#   bench/search_bench.sh [OPTIONS] CORPUS_DIR [OUT.md]
#
# options:
#   --md-only        copy only the .md files of CORPUS_DIR (keeping their
#                    paths) into the work directory and use that copy
#   --n N            articles the title and rare queries are drawn from
#                    (default 1000; all when fewer)
#   --latency L      latency queries (default 300)
#   --seed S         seed of search_queries.py (default 20241215)
#   --passes P       timed passes of every query (default 5)
#   --snippets       time libzim's snippets too (getSnippet of each result)
#   --lang LANG      libzim's indexing language (default eng)
#   --wikipack BIN   the wikipack binary (default: REPO/build/wikipack), for
#                    the size of its archive and, later, its search
#   --work DIR       work directory (default: a new temporary directory)
#   --keep           keep the work directory (ZIMs, queries, per-query dump)
#
# Steps: search_queries.py make (QUERIES.tsv, ARTICLES.tsv); two ZIMs written
# by python3-libzim, without and with the full-text index (the index's size
# is the difference); zim_search_bench compiled against libzim and run on the
# indexed one; wikipack_search (below) for wikipack's side.
# Needs python3-libzim, libzim-dev, g++, pkg-config. Exit status 0 when
# every step ran, 1 otherwise, 2 usage.
set -u -o pipefail
export LC_ALL=C

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

MD_ONLY=0 N=1000 LATENCY=300 SEED=20241215 PASSES=5 SNIPPETS="" LANG_IDX=eng WPK="" WORK="" KEEP=0
ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --md-only) MD_ONLY=1 ;;
        --n) N=${2:?}; shift ;;
        --latency) LATENCY=${2:?}; shift ;;
        --seed) SEED=${2:?}; shift ;;
        --passes) PASSES=${2:?}; shift ;;
        --snippets) SNIPPETS=--snippets ;;
        --lang) LANG_IDX=${2:?}; shift ;;
        --wikipack) WPK=${2:?}; shift ;;
        --work) WORK=${2:?}; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) usage ;;
        -*) echo "search_bench: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
    shift
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
CORPUS_ARG=$1
OUT=${2:-}
[ -d "$CORPUS_ARG" ] || { echo "search_bench: $CORPUS_ARG: not a directory" >&2; exit 2; }
CORPUS_ARG=$(cd "$CORPUS_ARG" && pwd)

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
WPK=${WPK:-$REPO/build/wikipack}
PY=/usr/bin/python3          # python3-libzim is a Debian package
[ -x "$PY" ] || PY=$(command -v python3)
UTIL=("$PY" "$HERE/bench_util.py")
SQ=("$PY" "$HERE/search_queries.py")

if [ -z "$WORK" ]; then
    WORK=$(mktemp -d -t wpksearch.XXXXXX)
else
    mkdir -p "$WORK"
fi
WORK=$(cd "$WORK" && pwd)
[ $KEEP = 1 ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/logs"
FAILED=0
log() { echo "search_bench: $*" >&2; }
fail() { FAILED=1; log "FAILED: $1 (log: $2)"; [ $KEEP = 1 ] || tail -5 "$2" >&2; }
fmt() { "$PY" -c 'import sys; print("{:,}".format(int(sys.argv[1])))' "$1"; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
r() { [ "$1" = - ] && echo "—" || awk -v x="$1" 'BEGIN { printf "%.1f%%", 100 * x }'; }
LOAD_START=$(loadavg)
MACHINE=$("${UTIL[@]}" machine)

# ---- corpus and queries ------------------------------------------------------
if [ $MD_ONLY = 1 ]; then
    CORPUS=$WORK/corpus
    rm -rf "$CORPUS" && mkdir -p "$CORPUS"
    "${UTIL[@]}" copy-md "$CORPUS_ARG" "$CORPUS" >/dev/null || { log "copy failed"; exit 1; }
else
    CORPUS=$CORPUS_ARG
fi
read -r CFILES CBYTES < <("${UTIL[@]}" stats "$CORPUS")
Q=$WORK/queries.tsv A=$WORK/articles.tsv
QSUM=$("${SQ[@]}" make "$CORPUS" "$Q" "$A" --n "$N" --latency "$LATENCY" --seed "$SEED") ||
    { log "search_queries.py failed"; exit 1; }
log "$QSUM"

# ---- the ZIMs ----------------------------------------------------------------
# zim NAME [--index LANG]: writes $WORK/NAME.zim; sets Z_SECS (wall time).
zim() {
    local name=$1 t0 t1; shift
    t0=$EPOCHREALTIME
    "${SQ[@]}" zim "$CORPUS" "$WORK/$name.zim" "$@" >>"$WORK/logs/zim.log" 2>&1 ||
        { fail "writing $name.zim" "$WORK/logs/zim.log"; Z_SECS=-; return 1; }
    t1=$EPOCHREALTIME
    Z_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
log "ZIM without full-text index"
zim plain && PLAIN_SECS=$Z_SECS || PLAIN_SECS=-
log "ZIM with full-text index ($LANG_IDX)"
zim indexed --index "$LANG_IDX" && INDEXED_SECS=$Z_SECS || INDEXED_SECS=-
size() { [ -f "$1" ] && stat -c %s "$1" || echo 0; }
PLAIN=$(size "$WORK/plain.zim") INDEXED=$(size "$WORK/indexed.zim")

# ---- libzim's search -----------------------------------------------------------
ZSB=$WORK/zim_search_bench
c++ -O2 -std=c++17 "$HERE/zim_search_bench.cpp" $(pkg-config --cflags --libs libzim) -o "$ZSB" \
    >"$WORK/logs/build.log" 2>&1 || fail "building zim_search_bench" "$WORK/logs/build.log"
: > "$WORK/results.txt"
if [ -x "$ZSB" ] && [ "$INDEXED" -gt 0 ]; then
    log "zim_search_bench ($PASSES passes)"
    "$ZSB" "$WORK/indexed.zim" "$Q" "$A" --passes "$PASSES" $SNIPPETS --dump "$WORK/zim_results.tsv" \
        > "$WORK/results.txt" 2>"$WORK/logs/zim_search_bench.log" ||
        fail "zim_search_bench" "$WORK/logs/zim_search_bench.log"
fi

# ---- wikipack: the hook ----------------------------------------------------------
# The archive without a search index is measured now (its size is what the
# index is compared to). wikipack_search is where `wikipack search ARCHIVE
# QUERY --json --limit N` (issue 23) is to be measured with the same files:
#   1. index bytes: `wikipack pack` by default minus `pack --no-search`;
#   2. relevance: each query of $Q, its results' paths mapped through $A to
#      articles, ranked as zim_search_bench ranks them (title: top 3, rare:
#      first), printed as zim_search_bench's RESULT lines;
#   3. latency warm in process (a library benchmark printing the same RESULT
#      lines) and as a new process per query (proc_bench).
# Until the command exists it prints "not built yet" rather than any number.
HAS_SEARCH=0
[ -x "$WPK" ] && "$WPK" search --help >/dev/null 2>&1 && HAS_SEARCH=1
WPK_ARCHIVE=0
if [ -x "$WPK" ]; then
    log "wikipack pack"
    NO_SEARCH=(); [ $HAS_SEARCH = 1 ] && NO_SEARCH=(--no-search)   # the issue's option
    "$WPK" pack -q "${NO_SEARCH[@]}" -o "$WORK/plain.wpk" "$CORPUS" >"$WORK/logs/wpk.log" 2>&1 &&
        WPK_ARCHIVE=$(size "$WORK/plain.wpk") || fail "wikipack pack" "$WORK/logs/wpk.log"
fi
# wikipack_search: sets WPK_SEARCH (what is known) and writes its table rows
# to $WORK/wikipack_rows.md.
wikipack_search() {
    WPK_SEARCH="not built yet"
    [ $HAS_SEARCH = 1 ] &&
        WPK_SEARCH="not measured yet (\`wikipack search\` exists: measure it in wikipack_search)"
    for kind in title rare latency; do
        printf '| wikipack | %s | %s | | | | | | |\n' "$kind" "$WPK_SEARCH"
    done > "$WORK/wikipack_rows.md"
}
wikipack_search

# ---- report ------------------------------------------------------------------
LOAD_END=$(loadavg)
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
{
    echo "## Full-text search: $(basename "$CORPUS_ARG")"
    echo
    echo "$MACHINE"
    echo "- corpus: \`$CORPUS_ARG\` — $(fmt "$CFILES") files, $(fmt "$CBYTES") bytes$([ $MD_ONLY = 1 ] && echo ' (only its .md files)')"
    echo "- queries: $QSUM"
    echo "- command: \`bench/search_bench.sh $ARGS_ORIG\`"
    echo "- tools: libzim $(pkg-config --modversion libzim 2>/dev/null || echo ?), python3-libzim $(ver python3-libzim), Xapian $(ver libxapian30)"
    echo "- load average: $LOAD_START at start, $LOAD_END at the end"
    echo
    echo "### Index size"
    echo
    echo "| archive | bytes | write wall s |"
    echo "|---|--:|--:|"
    echo "| ZIM without full-text index | $(fmt "$PLAIN") | $PLAIN_SECS |"
    echo "| ZIM with full-text index (\`config_indexing(True, \"$LANG_IDX\")\`) | $(fmt "$INDEXED") | $INDEXED_SECS |"
    if [ "$PLAIN" -gt 0 ] && [ "$INDEXED" -gt 0 ]; then
        IDX=$((INDEXED - PLAIN))
        line="| Xapian full-text index (the difference): $(pct $IDX "$PLAIN") of the ZIM without it"
        [ "$WPK_ARCHIVE" -gt 0 ] && line="$line, $(pct $IDX "$WPK_ARCHIVE") of the wikipack archive"
        echo "$line | $(fmt $IDX) | |"
    fi
    if [ "$WPK_ARCHIVE" -gt 0 ]; then
        echo "| wikipack archive (\`pack\` defaults, no search index) | $(fmt "$WPK_ARCHIVE") | |"
    else
        echo "| wikipack archive | no wikipack binary ($WPK) | |"
    fi
    echo "| wikipack search index | $WPK_SEARCH | |"
    echo
    echo "### Relevance and warm latency (top 10 per query)"
    echo
    echo "Relevant: a \`title\` query has its article in the top 3, a \`rare\` query first."
    echo "*one per article*: results cut to the first of each article's copies (the"
    echo "issue's rule); *as listed*: libzim's list as returned. *repeats*: share of"
    echo "the top-10 results that repeat an article listed above them. Latency: warm,"
    echo "in process, search + first 10 results' path and title$([ -n "$SNIPPETS" ] && echo ' and snippet'),"
    echo "median over $PASSES passes of each pass's p50 / p99, µs. *words in no other"
    echo "article*: the queries of that kind whose words all occur in no other article"
    echo "(search_queries.py's others = 0); the others may tie with another article."
    echo
    echo "| system | kind | queries | relevant, one per article | relevant, as listed | repeats | no result | p50 µs | p99 µs |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
    while read -r tag kind rate p50 p99 n raw dup empty; do
        case $tag in
            RESULT) echo "| libzim (Xapian) | $kind | $n | $(r "$rate") | $(r "$raw") | $(r "$dup") | $empty | $p50 | $p99 |" ;;
            ALONE) # ALONE kind rate n: n was read into p50
                echo "| libzim (Xapian) | $kind, words in no other article | $p50 | $(r "$rate") | | | | | |" ;;
        esac
    done < "$WORK/results.txt"
    cat "$WORK/wikipack_rows.md"
    echo
} > "$WORK/report.md"
cat "$WORK/report.md"
[ -n "$OUT" ] && cp "$WORK/report.md" "$OUT"
[ $KEEP = 1 ] && log "work directory kept: $WORK"
exit $FAILED
