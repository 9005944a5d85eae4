#!/usr/bin/env bash
# merge_bench.sh - packing a dump in parts and merging them, against
# packing it whole: time, memory, size, and merge throughput beside a plain
# copy of the same bytes (the disk's speed).
#
#   bench/merge_bench.sh [--build DIR] [--data DIR] [--pages N] [--parts K] [--level L] OUT.md
#
# A synthetic MediaWiki dump of N pages (bench/gen_mediawiki.py, default
# 50,000: ~285 MB of XML) is cut into K parts at page boundaries
# (tests/cli/split_dump.py, default 4), as Wikimedia splits its dumps. Each
# is packed alone (one after the other with -j 1, and K at a time), the
# whole dump is packed once, and the parts are merged. The merged archive
# must list exactly what the whole pack lists (`list --revisions`) and
# verify. Merge throughput is the parts' bytes over the merge's wall time;
# the copy line is `cat` of the parts into one file and fsync, the same
# bytes read and written. --level passes to pack (default 3, as --fast).
set -u -o pipefail
export LC_ALL=C
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BUILD=$REPO/build DATA=/tmp/wpkbench-merge PAGES=50000 PARTS=4 LEVEL=3
while [ $# -gt 1 ]; do
    case "$1" in
        --build) BUILD=${2:?}; shift ;;
        --data) DATA=${2:?}; shift ;;
        --pages) PAGES=${2:?}; shift ;;
        --parts) PARTS=${2:?}; shift ;;
        --level) LEVEL=${2:?}; shift ;;
        -h|--help) usage ;;
        *) echo "merge_bench: unknown option $1" >&2; usage ;;
    esac
    shift
done
[ $# = 1 ] || usage
OUT=$1
WP=$BUILD/wikipack
[ -x "$WP" ] || { echo "merge_bench: no $WP (build first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "merge_bench: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
mkdir -p "$DATA"
DUMP=$DATA/bench-pages-articles.xml
log() { echo "merge_bench: $*" >&2; }
# timed NAME COMMAND...: wall seconds and peak RSS (MB) into $T_WALL, $T_RSS.
timed() {
    local name=$1; shift
    /usr/bin/time -f '%e %M' -o "$DATA/time.$name" "$@" >"$DATA/out.$name" 2>"$DATA/err.$name" ||
        { log "$name failed: $(tail -3 "$DATA/err.$name")"; exit 1; }
    read -r T_WALL T_RSS <"$DATA/time.$name"
    T_RSS=$((T_RSS / 1024))
}

if [ ! -s "$DUMP" ] || [ "$(cat "$DATA/pages" 2>/dev/null)" != "$PAGES" ]; then
    log "generating $PAGES pages"
    python3 "$HERE/gen_mediawiki.py" "$PAGES" "$DUMP" >/dev/null && echo "$PAGES" >"$DATA/pages" || exit 1
fi
rm -rf "$DATA/parts" "$DATA"/*.wpk
python3 "$REPO/tests/cli/split_dump.py" "$DUMP" "$PARTS" "$DATA/parts" || exit 1
sync
log "packing whole"
timed whole "$WP" pack -q -l "$LEVEL" -o "$DATA/whole.wpk" "$DUMP"
WHOLE_WALL=$T_WALL WHOLE_RSS=$T_RSS
log "packing the parts one after the other"
start=$EPOCHREALTIME
for ((i = 0; i < PARTS; i++)); do
    timed "part$i" "$WP" pack -q -j 1 -l "$LEVEL" -o "$DATA/parts/p$i.wpk" "$DATA/parts/p$i/$(basename "$DUMP")"
done
SERIAL=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
log "packing the parts $PARTS at a time"
rm -f "$DATA"/parts/p*.wpk
start=$EPOCHREALTIME
for ((i = 0; i < PARTS; i++)); do echo "$i"; done |
    xargs -P "$PARTS" -I{} "$WP" pack -q -j 1 -l "$LEVEL" -o "$DATA/parts/p{}.wpk" "$DATA/parts/p{}/$(basename "$DUMP")" ||
    { log "parallel pack failed"; exit 1; }
PARALLEL=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
PARTS_LIST=()
for ((i = 0; i < PARTS; i++)); do PARTS_LIST+=("$DATA/parts/p$i.wpk"); done
IN_BYTES=$(cat "${PARTS_LIST[@]}" | wc -c)
sync
log "copying the parts' bytes (the disk's speed)"
start=$EPOCHREALTIME
cat "${PARTS_LIST[@]}" >"$DATA/copy.bin" && sync "$DATA/copy.bin"
COPY=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
rm -f "$DATA/copy.bin"
log "merging"
timed merge "$WP" merge -q -o "$DATA/merged.wpk" "${PARTS_LIST[@]}"
MERGE_WALL=$T_WALL MERGE_RSS=$T_RSS
"$WP" list --revisions "$DATA/whole.wpk" >"$DATA/whole.list" && "$WP" list --revisions "$DATA/merged.wpk" >"$DATA/merged.list" ||
    exit 1
SAME=no
cmp -s "$DATA/whole.list" "$DATA/merged.list" && SAME=yes
VERIFY=failed
"$WP" verify -q "$DATA/merged.wpk" >/dev/null 2>&1 && VERIFY=ok
ENTRIES=$(wc -l <"$DATA/whole.list")
size() { stat -c %s "$1"; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? (b / 1e6 / s) : 0 }'; }
{
    echo "Dump: $PAGES generated pages (\`bench/gen_mediawiki.py\`), $(size "$DUMP") bytes of XML, $ENTRIES entries, cut in $PARTS parts; pack level $LEVEL; $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1 /proc/loadavg), $(nproc) cores."
    echo
    echo "| step | wall s | peak RSS MB | output bytes |"
    echo "|---|---:|---:|---:|"
    echo "| pack the whole dump | $WHOLE_WALL | $WHOLE_RSS | $(size "$DATA/whole.wpk") |"
    echo "| pack the $PARTS parts one after the other (-j 1 each) | $SERIAL | — | $IN_BYTES |"
    echo "| pack the $PARTS parts at once (xargs -P $PARTS, -j 1 each) | $PARALLEL | — | $IN_BYTES |"
    echo "| merge the parts | $MERGE_WALL | $MERGE_RSS | $(size "$DATA/merged.wpk") |"
    echo "| copy the parts' bytes (cat + fsync) | $COPY | — | $IN_BYTES |"
    echo
    echo "Merge: $(mbs "$IN_BYTES" "$MERGE_WALL") MB/s of parts (the copy: $(mbs "$IN_BYTES" "$COPY") MB/s); the merged archive lists the same entries as the whole pack: $SAME; verify: $VERIFY."
} | tee "$OUT"
[ "$SAME" = yes ] && [ "$VERIFY" = ok ]
