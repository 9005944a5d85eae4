#!/usr/bin/env bash
# search_bench.sh - full-text search on one corpus directory: libzim's Xapian
# index as the peer of wikipack's own (issue 23). Prints a Markdown report:
# index sizes and pack times, relevance per query kind, warm latency, the
# latency of a new `wikipack search` process, and issue 23's targets.
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
#   --snippets       time snippets too (libzim's getSnippet of each result,
#                    wikipack's wpk_search_opts.snippets)
#   --lang LANG      libzim's indexing language (default eng)
#   --wikipack BIN   the wikipack binary (default: REPO/build/wikipack); the
#                    benchmarks wpk_search_bench and proc_bench are taken
#                    from its directory (else compiled against its library)
#   --pack-runs R    packs of each wikipack archive, without and with the
#                    index, alternating; the wall time is the median (default 3)
#   --proc N         latency queries run as a new `wikipack search` process
#                    each (default 100; the first N of the latency kind);
#                    as many `wikipack --version`, `/bin/true` and
#                    `wikipack get ARCHIVE --path P` processes beside them
#   --work DIR       work directory (default: a new temporary directory)
#   --keep           keep the work directory (ZIMs, queries, per-query dump)
#
# Steps: search_queries.py make (QUERIES.tsv, ARTICLES.tsv); two ZIMs written
# by python3-libzim, without and with the full-text index (the index's size
# is the difference); zim_search_bench compiled against libzim and run on the
# indexed one; wikipack_search (below) for wikipack's side: two archives
# (`pack --no-search` and `pack`: the index's size and pack time),
# wpk_search_bench on the indexed one, proc_bench for the new processes.
# Needs python3-libzim, libzim-dev, g++, pkg-config. Exit status 0 when
# every step ran, 1 otherwise, 2 usage.
set -u -o pipefail
export LC_ALL=C

usage() { sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

MD_ONLY=0 N=1000 LATENCY=300 SEED=20241215 PASSES=5 SNIPPETS="" LANG_IDX=eng WPK="" WORK="" KEEP=0
PACK_RUNS=3 PROC_N=100
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
        --pack-runs) PACK_RUNS=${2:?}; shift ;;
        --proc) PROC_N=${2:?}; shift ;;
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

# ---- wikipack ---------------------------------------------------------------
# wikipack_search measures `wikipack search` (issue 23) with the same files:
#   1. index bytes: `wikipack pack` by default minus `pack --no-search`, and
#      the pack wall time of each (median of --pack-runs, alternating);
#   2. relevance and warm latency in process: wpk_search_bench, the same
#      RESULT lines as zim_search_bench;
#   3. a new process per query: `wikipack search ARCHIVE QUERY --limit 10`
#      (and with --no-snippets) for the first --proc latency queries, timed
#      by proc_bench from spawn to exit.
# Sets WPK_ARCHIVE (bytes without the index), WPK_INDEXED, WPK_SECS_PLAIN,
# WPK_SECS_INDEXED, WPK_SEARCH (what is known when something is missing);
# writes $WORK/wpk_results.txt and $WORK/wpk_proc.txt.
HAS_SEARCH=0
[ -x "$WPK" ] && "$WPK" search --help >/dev/null 2>&1 && HAS_SEARCH=1
WPK_ARCHIVE=0 WPK_INDEXED=0 WPK_SECS_PLAIN=- WPK_SECS_INDEXED=- WPK_SECS_ALL="" WPK_SEARCH=""
: > "$WORK/wpk_results.txt"
: > "$WORK/wpk_proc.txt"
median() { "${UTIL[@]}" median | awk '{ printf "%.2f\n", $1 }'; }
# wpk_pack NAME [OPTIONS]: packs $CORPUS into $WORK/NAME.wpk; prints the wall s.
wpk_pack() {
    local name=$1 t0 t1; shift
    t0=$EPOCHREALTIME
    "$WPK" pack -q "$@" -o "$WORK/$name.wpk" "$CORPUS" >>"$WORK/logs/wpk.log" 2>&1 || return 1
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}
# bench_bin NAME: the benchmark NAME beside $WPK, else compiled here against
# the library found there.
bench_bin() {
    local name=$1 dir
    dir=$(dirname "$WPK")
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
    local out=$WORK/$name src=$HERE/$name.c
    if [ "$name" = proc_bench ]; then
        cc -O2 -std=c11 -D_GNU_SOURCE "$src" -o "$out"
    elif [ -f "$dir/libwikipack.so" ]; then
        cc -O2 -std=c11 -D_GNU_SOURCE -I"$REPO/include" "$src" -L"$dir" -lwikipack -Wl,-rpath,"$dir" -o "$out"
    else
        cc -O2 -std=c11 -D_GNU_SOURCE -I"$REPO/include" "$src" "$dir/lib/libwikipack.a" \
            $(pkg-config --libs libzstd libxxhash libutf8proc libsodium) -lm -lpthread -o "$out"
    fi >>"$WORK/logs/build.log" 2>&1 && echo "$out"
}
wikipack_search() {
    if [ ! -x "$WPK" ]; then
        WPK_SEARCH="no wikipack binary ($WPK)"; return 1
    fi
    if [ $HAS_SEARCH = 0 ]; then
        # An older wikipack: the archive's size only.
        local secs
        secs=$(wpk_pack plain) && WPK_ARCHIVE=$(size "$WORK/plain.wpk") WPK_SECS_PLAIN=$secs ||
            fail "wikipack pack" "$WORK/logs/wpk.log"
        WPK_SEARCH="no \`wikipack search\` in $WPK"; return 1
    fi
    log "wikipack pack, without and with the search index ($PACK_RUNS runs each)"
    local i secs plain_t=() indexed_t=()
    for ((i = 0; i < PACK_RUNS; i++)); do
        secs=$(wpk_pack plain --no-search) && plain_t+=("$secs") ||
            { fail "wikipack pack --no-search" "$WORK/logs/wpk.log"; return 1; }
        secs=$(wpk_pack indexed) && indexed_t+=("$secs") ||
            { fail "wikipack pack" "$WORK/logs/wpk.log"; return 1; }
    done
    WPK_ARCHIVE=$(size "$WORK/plain.wpk") WPK_INDEXED=$(size "$WORK/indexed.wpk")
    WPK_SECS_PLAIN=$(printf '%s\n' "${plain_t[@]}" | median)
    WPK_SECS_INDEXED=$(printf '%s\n' "${indexed_t[@]}" | median)
    WPK_SECS_ALL="without: ${plain_t[*]}; with: ${indexed_t[*]}"

    local wsb pb
    wsb=$(bench_bin wpk_search_bench) || { fail "building wpk_search_bench" "$WORK/logs/build.log"; return 1; }
    log "wpk_search_bench ($PASSES passes)"
    "$wsb" "$WORK/indexed.wpk" "$Q" "$A" --passes "$PASSES" $SNIPPETS --dump "$WORK/wpk_results.tsv" \
        > "$WORK/wpk_results.txt" 2>"$WORK/logs/wpk_search_bench.log" ||
        fail "wpk_search_bench" "$WORK/logs/wpk_search_bench.log"

    pb=$(bench_bin proc_bench) || { fail "building proc_bench" "$WORK/logs/build.log"; return 1; }
    awk -F'\t' -v n="$PROC_N" '$1 == "latency" && k < n { print $2; k++ }' "$Q" > "$WORK/proc_queries.txt"
    local extra label
    for extra in "" --no-snippets; do
        label=search$extra
        while IFS= read -r q; do
            printf '%s\tsearch\t%s\t%s\t--limit\t10' "$WPK" "$WORK/indexed.wpk" "$q"
            [ -n "$extra" ] && printf '\t%s' "$extra"
            printf '\n'
        done < "$WORK/proc_queries.txt" > "$WORK/proc_$label.txt"
        log "proc_bench: $(wc -l < "$WORK/proc_$label.txt") new processes, wikipack search --limit 10 $extra"
        "$pb" "$label" "$WORK/proc_$label.txt" >> "$WORK/wpk_proc.txt" 2>>"$WORK/logs/proc_bench.log" ||
            fail "proc_bench" "$WORK/logs/proc_bench.log"
    done
    # The floor under those: spawning a process (/bin/true), and wikipack's
    # own start (dynamic loading, no archive opened), as many times; and
    # another one-shot command on the same archive, `wikipack get ARCHIVE
    # --path P` (start, open, one article read): what a search process
    # spends beyond it is the search.
    local n
    n=$(wc -l < "$WORK/proc_queries.txt")
    for label in true version; do
        for ((i = 0; i < n; i++)); do
            if [ $label = true ]; then echo /bin/true; else printf '%s\t--version\n' "$WPK"; fi
        done > "$WORK/proc_$label.txt"
        "$pb" "$label" "$WORK/proc_$label.txt" >> "$WORK/wpk_proc.txt" 2>>"$WORK/logs/proc_bench.log" ||
            fail "proc_bench" "$WORK/logs/proc_bench.log"
    done
    # n paths of ARTICLES.tsv spread over it, each one that `get` finds.
    local total step path k=0
    total=$(grep -vc '^#' "$A")
    step=$(( total / n > 0 ? total / n : 1 ))
    : > "$WORK/proc_get.txt"
    while IFS=$'\t' read -r path _; do
        [ $k -lt "$n" ] || break
        "$WPK" get "$WORK/indexed.wpk" --path "$path" >/dev/null 2>&1 || continue
        printf '%s\tget\t%s\t--path\t%s\n' "$WPK" "$WORK/indexed.wpk" "$path" >> "$WORK/proc_get.txt"
        k=$((k + 1))
    done < <(grep -v '^#' "$A" | awk -v s="$step" '{ a[NR] = $0 }
        END { for (i = 1; i <= NR; i += s) print a[i]; for (i = 1; i <= NR; i++) if ((i - 1) % s) print a[i] }')
    log "proc_bench: $k new processes, wikipack get --path"
    "$pb" get "$WORK/proc_get.txt" >> "$WORK/wpk_proc.txt" 2>>"$WORK/logs/proc_bench.log" ||
        fail "proc_bench" "$WORK/logs/proc_bench.log"
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
    echo "### Index size and pack time"
    echo
    echo "| archive | bytes | write wall s |"
    echo "|---|--:|--:|"
    echo "| ZIM without full-text index | $(fmt "$PLAIN") | $PLAIN_SECS |"
    echo "| ZIM with full-text index (\`config_indexing(True, \"$LANG_IDX\")\`) | $(fmt "$INDEXED") | $INDEXED_SECS |"
    IDX=0
    if [ "$PLAIN" -gt 0 ] && [ "$INDEXED" -gt 0 ]; then
        IDX=$((INDEXED - PLAIN))
        line="| Xapian full-text index (the difference): $(pct $IDX "$PLAIN") of the ZIM without it"
        [ "$WPK_ARCHIVE" -gt 0 ] && line="$line, $(pct $IDX "$WPK_ARCHIVE") of the wikipack archive without index"
        echo "$line | $(fmt $IDX) | |"
    fi
    WIDX=0
    if [ "$WPK_ARCHIVE" -gt 0 ]; then
        echo "| wikipack archive without search index (\`pack --no-search\`) | $(fmt "$WPK_ARCHIVE") | $WPK_SECS_PLAIN |"
    else
        echo "| wikipack archive | $WPK_SEARCH | |"
    fi
    if [ "$WPK_INDEXED" -gt 0 ]; then
        WIDX=$((WPK_INDEXED - WPK_ARCHIVE))
        echo "| wikipack archive with search index (\`pack\` defaults) | $(fmt "$WPK_INDEXED") | $WPK_SECS_INDEXED |"
        line="| wikipack search index (the difference): $(pct $WIDX "$WPK_ARCHIVE") of the wikipack archive without it"
        [ "$IDX" -gt 0 ] && line="$line; Xapian's index is $(awk -v a=$IDX -v b=$WIDX 'BEGIN { printf "%.1f×", a / b }') its size"
        echo "$line | $(fmt $WIDX) | |"
    else
        echo "| wikipack search index | ${WPK_SEARCH:-not measured} | |"
    fi
    [ -n "$WPK_SECS_ALL" ] && {
        echo
        echo "wikipack's write wall s: median of $PACK_RUNS packs each, alternating (s, in order: $WPK_SECS_ALL);"
        echo "the ZIMs: one write each, by python3-libzim. Wall times depend on the machine's load."
    }
    echo
    echo "### Relevance and warm latency (top 10 per query)"
    echo
    echo "Relevant: a \`title\` query has its article in the top 3, a \`rare\` query first."
    echo "*one per article*: results cut to the first of each article's copies (the"
    echo "issue's rule); *as listed*: the list as returned (libzim lists every copy;"
    echo "wikipack lists one entry an article already). *repeats*: share of"
    echo "the top-10 results that repeat an article listed above them. Latency: warm,"
    echo "in process, search + first 10 results' path and title$([ -n "$SNIPPETS" ] && echo ' and snippet'),"
    echo "median over $PASSES passes of each pass's p50 / p99, µs. *words in no other"
    echo "article*: the queries of that kind whose words all occur in no other article"
    echo "(search_queries.py's others = 0); the others may tie with another article."
    echo
    echo "| system | kind | queries | relevant, one per article | relevant, as listed | repeats | no result | p50 µs | p99 µs |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
    rows() {
        local system=$1 tag kind rate p50 p99 n raw dup empty
        while read -r tag kind rate p50 p99 n raw dup empty; do
            case $tag in
                RESULT) echo "| $system | $kind | $n | $(r "$rate") | $(r "$raw") | $(r "$dup") | $empty | $p50 | $p99 |" ;;
                ALONE) # ALONE kind rate n: n was read into p50
                    echo "| $system | $kind, words in no other article | $p50 | $(r "$rate") | | | | | |" ;;
            esac
        done < "$2"
    }
    rows "libzim (Xapian)" "$WORK/results.txt"
    if [ -s "$WORK/wpk_results.txt" ]; then
        rows wikipack "$WORK/wpk_results.txt"
    else
        echo "| wikipack | | ${WPK_SEARCH:-not measured} | | | | | | |"
    fi
    echo
    if [ -s "$WORK/wpk_proc.txt" ]; then
        echo "### A new process per query"
        echo
        echo "\`wikipack search ARCHIVE QUERY --limit 10\` run once per query, spawn to exit, output to"
        echo "/dev/null (bench/proc_bench.c), for the first $PROC_N \`latency\` queries (1–3 common title"
        echo "words); the archive is in the OS page cache. A query without result exits non-zero: a miss, not timed."
        echo
        echo "| command | queries | misses | p50 µs | p99 µs |"
        echo "|---|--:|--:|--:|--:|"
        while read -r tag _ label p50 p99 n misses; do
            [ "$tag" = RESULT ] || continue
            case $label in
                search) cmd="\`wikipack search ARCHIVE QUERY --limit 10\`" ;;
                search--no-snippets) cmd="\`wikipack search ARCHIVE QUERY --limit 10 --no-snippets\`" ;;
                true) cmd="floor: \`/bin/true\` (a process spawned and waited for)" ;;
                version) cmd="floor: \`wikipack --version\` (wikipack started, no archive opened)" ;;
                get) cmd="reference: \`wikipack get ARCHIVE --path P\` (started, archive opened, one article read)" ;;
                *) cmd=$label ;;
            esac
            echo "| $cmd | $n | $misses | $p50 | $p99 |"
        done < "$WORK/wpk_proc.txt"
        echo
    fi
    if [ -s "$WORK/wpk_results.txt" ]; then
        # field F of the RESULT line of KIND in FILE
        res() { awk -v k="$2" -v f="$3" '$1 == "RESULT" && $2 == k { print $f }' "$1"; }
        ok() { awk -v c="$1" 'BEGIN { print ((c ? "yes" : "**no**")) }'; }
        W=$WORK/wpk_results.txt Z=$WORK/results.txt
        wt=$(res "$W" title 3) zt=$(res "$Z" title 3) wr=$(res "$W" rare 3) zr=$(res "$Z" rare 3)
        wl=$(res "$W" latency 4) zl=$(res "$Z" latency 4)
        pp50=$(awk '$3 == "search" { print $4 }' "$WORK/wpk_proc.txt") pp99=$(awk '$3 == "search" { print $5 }' "$WORK/wpk_proc.txt")
        gp50=$(awk '$3 == "get" { print $4 }' "$WORK/wpk_proc.txt")
        echo "### Against issue 23's targets"
        echo
        echo "| target | wikipack | libzim (Xapian), same run | met |"
        echo "|---|--:|--:|---|"
        echo "| index ≤ 30% of the archive without it | $(pct $WIDX "$WPK_ARCHIVE") | $([ "$IDX" -gt 0 ] && pct $IDX "$PLAIN" || echo —) of the ZIM | $(ok "$(awk -v a=$WIDX -v b="$WPK_ARCHIVE" 'BEGIN { print (a <= 0.30 * b) }')") |"
        echo "| title in the top 3 ≥ 90%, and no worse than Xapian | $(r "${wt:--}") | $(r "${zt:--}") | $(ok "$(awk -v w="${wt:-0}" -v z="${zt:-0}" 'BEGIN { print (w >= 0.9 && w >= z) }')") |"
        echo "| rare words: the article first ≥ 90% | $(r "${wr:--}") | $(r "${zr:--}") | $(ok "$(awk -v w="${wr:-0}" 'BEGIN { print (w >= 0.9) }')") |"
        echo "| query p50 ≤ 1 ms warm, in process (\`latency\` queries) | ${wl:-—} µs | ${zl:-—} µs | $(ok "$(awk -v w="${wl:-1e9}" 'BEGIN { print (w <= 1000) }')") |"
        echo "| query p50 ≤ 5 ms as a new process (p99 beside it; \`get --path\` p50 for reference) | ${pp50:-—} µs (p99 ${pp99:-—}; get ${gp50:-—}) | not measured | $(ok "$(awk -v w="${pp50:-1e9}" 'BEGIN { print (w <= 5000) }')") |"
        echo "| pack time ≤ +50% with the index | $(awk -v a="$WPK_SECS_PLAIN" -v b="$WPK_SECS_INDEXED" 'BEGIN { printf "%+.0f%% (%s → %s s)", 100 * (b - a) / a, a, b }') | $(awk -v a="$PLAIN_SECS" -v b="$INDEXED_SECS" 'BEGIN { if (a > 0) printf "%+.0f%% (%s → %s s)", 100 * (b - a) / a, a, b; else print "—" }') | $(ok "$(awk -v a="$WPK_SECS_PLAIN" -v b="$WPK_SECS_INDEXED" 'BEGIN { print (b <= 1.5 * a) }')") |"
        echo
    fi
} > "$WORK/report.md"
cat "$WORK/report.md"
[ -n "$OUT" ] && cp "$WORK/report.md" "$OUT"
[ $KEEP = 1 ] && log "work directory kept: $WORK"
exit $FAILED
