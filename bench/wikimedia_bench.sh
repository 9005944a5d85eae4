#!/usr/bin/env bash
# wikimedia_bench.sh - wikipack on Wikimedia dumps as published, against
# Wikimedia's own random-access form (a multistream bzip2 dump and its
# index, made by bench/multistream.py) and the general compressors of the
# same XML; prints a Markdown table.
#
#   bench/wikimedia_bench.sh [--build DIR] [--reads N] [--runs R] DUMP [HISTORY_DUMP] [OUT.md]
#
# DUMP: a pages-articles dump (.bz2 as downloaded, or .xml); HISTORY_DUMP: a
# pages-meta-history dump (.7z or .bz2), packed for its revisions and size.
# --build: a build with wikipack, proc_bench and multistream_get
# (-DWIKIPACK_BUILD_BENCH=ON; default REPO/build). --reads: page IDs fetched
# (default 200); --runs: rounds, times are the medians (default 3).
# Sizes are exact; times depend on the machine's load (printed).
set -u -o pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$HERE/../build READS=200 RUNS=3
while [ $# -gt 0 ]; do
    case $1 in
        --build) BUILD=${2:?}; shift ;;
        --reads) READS=${2:?}; shift ;;
        --runs) RUNS=${2:?}; shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
        *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
DUMP=$1 HIST=${2:-} OUT=${3:-/dev/stdout}
WP=$BUILD/wikipack PB=$BUILD/proc_bench MG=$BUILD/multistream_get
for t in "$WP" "$PB" "$MG"; do [ -x "$t" ] || { echo "missing $t (build with -DWIKIPACK_BUILD_BENCH=ON)" >&2; exit 2; }; done
for t in xz zstd bzip2 python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done
W=$(mktemp -d /tmp/wpkwm.XXXXXX)
trap 'rm -rf "$W"' EXIT

size() { stat -c %s "$1"; }
# secs CMD...: wall seconds of one run
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || return 1; t1=$(date +%s.%N); printf '%.2f\n' "$(echo "$t1 - $t0" | bc)"; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
# timed NAME CMD...: median wall seconds over RUNS runs
timed() { local i; for i in $(seq "$RUNS"); do secs "$@"; done | median; }

python3 "$HERE/multistream.py" "$DUMP" "$W/ms.xml.bz2" "$W/ms-index.txt.bz2" >/dev/null || exit 1
bzip2 -dc "$W/ms.xml.bz2" >"$W/dump.xml"
XMLB=$(size "$W/dump.xml")
T_XZ=$(timed sh -c "xz -9 -T1 -c '$W/dump.xml' >'$W/dump.xml.xz'")
T_ZS=$(timed sh -c "zstd -q -19 --long=27 -T1 -f -o '$W/dump.xml.zst' '$W/dump.xml'")
T_BZ=$(timed sh -c "bzip2 -9 -c '$W/dump.xml' >'$W/dump.xml.bz2'")
T_WP=$(timed "$WP" pack -q -o "$W/dump.wpk" "$DUMP")
T_WB=$(timed "$WP" pack -q --best -o "$W/best.wpk" "$DUMP")

# Page IDs of articles (not redirect pages: both tools would read the page
# itself there, wikipack the page it leads to).
"$WP" list "$W/dump.wpk" | awk -F'\t' '$7 == "article" && $1 != "-" {print $1}' |
    python3 -c "import random,sys; ids=sys.stdin.read().split(); random.seed(20241215); random.shuffle(ids); print('\n'.join(ids[:$READS]))" >"$W/ids"
NIDS=$(wc -l <"$W/ids")
awk -v w="$WP" -v a="$W/dump.wpk" '{printf "%s\tget\t%s\t--id\t%s\n", w, a, $1}' "$W/ids" >"$W/cmd-wp"
awk -v m="$MG" -v d="$W/ms.xml.bz2" -v i="$W/ms-index.txt.bz2" '{printf "%s\t%s\t%s\t%s\n", m, d, i, $1}' "$W/ids" >"$W/cmd-ms"
for r in $(seq "$RUNS"); do
    "$PB" id "$W/cmd-wp" | awk '{print $4, $5}' >>"$W/p-wp"
    "$PB" id "$W/cmd-ms" | awk '{print $4, $5}' >>"$W/p-ms"
done
P50_WP=$(cut -d' ' -f1 "$W/p-wp" | median) P99_WP=$(cut -d' ' -f2 "$W/p-wp" | median)
P50_MS=$(cut -d' ' -f1 "$W/p-ms" | median) P99_MS=$(cut -d' ' -f2 "$W/p-ms" | median)

{
    echo "## wikipack on a Wikimedia dump: $(basename "$DUMP")"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- dump: $(basename "$DUMP"), $(size "$DUMP") bytes as given, $XMLB bytes of XML, $(grep -c '<page>' "$W/dump.xml") pages"
    echo "- command: \`bench/wikimedia_bench.sh --reads $READS --runs $RUNS $*\`; times are medians of $RUNS runs, one thread each"
    echo
    echo "| form | bytes | × wikipack | pack s | random access |"
    echo "|---|--:|--:|--:|---|"
    WPB=$(size "$W/dump.wpk")
    row() { printf '| %s | %s | %.2f× | %s | %s |\n' "$1" "$2" "$(echo "$2 / $WPB" | bc -l)" "$3" "$4"; }
    row "wikipack" "$WPB" "$T_WP" "page ID, title, path, URL"
    row "wikipack --best" "$(size "$W/best.wpk")" "$T_WB" "page ID, title, path, URL"
    row "multistream bzip2 (Wikimedia's form, 100 pages a stream) + index" "$(( $(size "$W/ms.xml.bz2") + $(size "$W/ms-index.txt.bz2") ))" "—" "page ID and title, through the index: one stream of 100 pages"
    row "bzip2 -9 of the XML" "$(size "$W/dump.xml.bz2")" "$T_BZ" "no"
    row "xz -9 of the XML" "$(size "$W/dump.xml.xz")" "$T_XZ" "no"
    row "zstd -19 --long=27 of the XML" "$(size "$W/dump.xml.zst")" "$T_ZS" "no"
    echo
    echo "Fetch one article by page ID in a new process ($NIDS page IDs of articles, \`bench/proc_bench\`), µs:"
    echo
    echo "| reader | p50 | p99 |"
    echo "|---|--:|--:|"
    echo "| \`wikipack get --id\` | $P50_WP | $P99_WP |"
    echo "| \`multistream_get\` (index, seek, one bzip2 stream) | $P50_MS | $P99_MS |"
    if [ -n "$HIST" ]; then
        T_H=$(timed "$WP" pack -q -o "$W/hist.wpk" "$HIST")
        "$WP" info "$W/hist.wpk" >"$W/hist.info"
        echo
        echo "History dump $(basename "$HIST") ($(size "$HIST") bytes as published): wikipack keeps every revision"
        echo "($("$WP" list --revisions "$W/hist.wpk" | wc -l) entries: $(sed -n 's/^articles: *//p' "$W/hist.info"); $(sed -n 's/^redirect pages: *//p' "$W/hist.info") redirect pages) in $(size "$W/hist.wpk") bytes,"
        echo "$(echo "scale=2; $(size "$W/hist.wpk") / $(size "$HIST")" | bc)× the published file, packed in $T_H s."
    fi
} >"$OUT"
