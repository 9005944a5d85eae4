#!/usr/bin/env bash
# scale.sh - how wikipack's pack time, memory, size, open time and lookup
# latency grow with the number of entries, on corpora from gen_corpus.py.
#
#   bench/scale.sh [OPTIONS] [N ...]        (default N: 10000 100000)
#
# --format md (the default): N counts markdown files (article versions;
# ~1.75 files per article, ~12 KB each). 1000000 works but takes long
# (~12 GB of input, a long zstd -19 pack): ask for it explicitly, and run it
# in the background. 10,000,000 files is not practical (~120 GB, and
# gen_corpus.py's names stop at 1.68M articles): use --format jsonl.
# --format jsonl: N short records (~196 bytes a line, ~110 bytes of text)
# in one JSON Lines file (gen_corpus.py --jsonl), up to 10,000,000 and more
# (~2 GB; at 10M the run takes ~30 min with --pack-args --fast).
#
# options:
#   --format F       md or jsonl (default md)
#   --build DIR      wikipack build directory (default: REPO/build)
#   --data DIR       where corpora and archives go (default /tmp/wpkbench-scale);
#                    a corpus already generated there with the same N, seed
#                    and format is reused
#   --seed S         gen_corpus.py seed (default 1); reads use seed 20241215
#   --reads N        random lookups by page ID (default 1000)
#   --opens N        fresh `wikipack info` processes timed (default 20)
#   --pack-args A    more options for `wikipack pack`, one word (e.g. --fast)
#   --no-verify      skip `wikipack verify` (minutes at 10M)
#   --out FILE       also write the Markdown table to FILE
#   --clean          delete each corpus and archive after measuring it
#
# For each N: generate (or reuse) the corpus, `wikipack pack` it under GNU
# time (wall, user, system, peak RSS), read the index and data sizes from
# `wikipack info`, then time `wikipack info` in fresh processes and
# lookups by page ID with wpk_read_bench. Peak RSS per entry is measured
# beyond a baseline, the peak RSS of packing a 100-entry corpus, and as the
# growth from the size before: buffers that do not grow with the entries
# (compressors, dictionary training) reach full size only on larger inputs,
# and the growth leaves them out.
set -u -o pipefail
export LC_ALL=C

usage() { sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BUILD="" DATA=/tmp/wpkbench-scale SEED=1 READS=1000 OPENS=20 OUT="" CLEAN=0 FORMAT=md PACK_ARGS="" VERIFY=1
ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --format) FORMAT=${2:?}; shift ;;
        --pack-args) PACK_ARGS=${2:?}; shift ;;
        --no-verify) VERIFY=0 ;;
        --build) BUILD=${2:?}; shift ;;
        --data) DATA=${2:?}; shift ;;
        --seed) SEED=${2:?}; shift ;;
        --reads) READS=${2:?}; shift ;;
        --opens) OPENS=${2:?}; shift ;;
        --out) OUT=${2:?}; shift ;;
        --clean) CLEAN=1 ;;
        -h|--help) usage ;;
        -*) echo "scale: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
    shift
done
SIZES=("$@")
case "$FORMAT" in md|jsonl) ;; *) echo "scale: --format wants md or jsonl" >&2; usage ;; esac
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
BUILD=${BUILD:-$REPO/build}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
WPK=$BUILD/wikipack
mkdir -p "$DATA/logs" "$DATA/bin"
DATA=$(cd "$DATA" && pwd)
log() { echo "scale: $*" >&2; }

[ -x /usr/bin/time ] || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1; }
[ -x /usr/bin/time ] || { log "GNU time (/usr/bin/time) is needed"; exit 1; }
if [ ! -x "$WPK" ]; then
    { [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$REPO" -B "$BUILD"; cmake --build "$BUILD" -j"$(nproc)" --target wikipack_cli; } \
        >>"$DATA/logs/build.log" 2>&1 || { log "build failed: $DATA/logs/build.log"; exit 1; }
fi
WRB=$BUILD/wpk_read_bench
if [ ! -x "$WRB" ]; then
    cmake --build "$BUILD" --target wpk_read_bench >>"$DATA/logs/build.log" 2>&1 || true
fi
if [ ! -x "$WRB" ]; then
    WRB=$DATA/bin/wpk_read_bench
    cc -O2 -std=c11 -D_GNU_SOURCE -I"$REPO/include" "$HERE/wpk_read_bench.c" "$BUILD/libwikipack.a" \
        $(pkg-config --libs libzstd libxxhash libutf8proc) -lpthread -o "$WRB" \
        >>"$DATA/logs/build.log" 2>&1 || { log "cannot build wpk_read_bench"; exit 1; }
fi

ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", (b - a) * 1000 }'; }
median() { "$PY" "$HERE/bench_util.py" median; }
commas() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

# gen N -> corpus directory (reused when complete); sets G_FILES G_ARTICLES G_BYTES
# G_DIR (the corpus directory) and G_INPUT (what is packed: it, or its .jsonl file)
gen() {
    local n=$1 dir=$DATA/gen_$1_s$SEED opt="" what=files
    [ "$FORMAT" = jsonl ] && { dir=$DATA/jsonl_$1_s$SEED; opt=--jsonl; what=records; }
    if [ ! -f "$dir.done" ]; then
        rm -rf "$dir" "$dir.done"
        log "generating $n $what into $dir"
        "$PY" "$HERE/gen_corpus.py" $opt --seed "$SEED" "$n" "$dir" > "$dir.tmp" 2>>"$DATA/logs/gen.log" ||
            { log "gen_corpus failed"; exit 1; }
        mv "$dir.tmp" "$dir.done"
    fi
    read -r G_FILES G_ARTICLES G_BYTES < "$dir.done"
    G_DIR=$dir G_INPUT=$dir
    [ "$FORMAT" = jsonl ] && G_INPUT=$dir/records.jsonl
}

# pack INPUT ARCHIVE LOG -> P_SECS P_KB P_USER P_SYS
pack() {
    local t0=$EPOCHREALTIME
    rm -f "$2"
    /usr/bin/time -f '%e %M %U %S' -o "$DATA/time.out" "$WPK" pack -q $PACK_ARGS -o "$2" "$1" >>"$3" 2>&1 ||
        { log "pack failed: $3"; return 1; }
    P_SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    read -r _ P_KB P_USER P_SYS < <(tail -n 1 "$DATA/time.out")
}

# info_ms ARCHIVE -> median wall ms of OPENS fresh `wikipack info` processes
info_ms() {
    local i t0 v=()
    for ((i = 0; i < OPENS; i++)); do
        t0=$EPOCHREALTIME
        "$WPK" info "$1" >/dev/null 2>&1 || return 1
        v+=("$(ms_since "$t0")")
    done
    printf '%s\n' "${v[@]}" | median | awk '{ printf "%.2f", $1 }'
}

# Baseline: a 100-entry corpus.
gen 100
BASE_ARCH=$DATA/base-$FORMAT.wpk
pack "$G_INPUT" "$BASE_ARCH" "$DATA/logs/pack-base.log" || exit 1
BASE_KB=$P_KB
BASE_INFO=$(info_ms "$BASE_ARCH")
log "baseline: packing 100 entries peaks at $BASE_KB KiB; wikipack info on it: $BASE_INFO ms"

ROWS=()
PREV_KB=$BASE_KB PREV_FILES=100
for n in "${SIZES[@]}"; do
    gen "$n"
    A=$G_DIR.wpk
    LG=$DATA/logs/pack-$FORMAT-$n.log
    log "packing $G_FILES entries ($G_BYTES bytes)"
    load0=$(cut -d' ' -f1 /proc/loadavg)
    pack "$G_INPUT" "$A" "$LG" || exit 1
    size=$(stat -c %s "$A")
    # The index and data split, as `wikipack info` reports it.
    "$WPK" info "$A" > "$DATA/info.out" 2>&1 || { log "wikipack info failed on $A"; exit 1; }
    idx=$(awk '$1 == "indexes:" { print $2 }' "$DATA/info.out")
    dat=$(awk '$1 == "blocks:" { gsub(/[(]/, "", $3); print $3 }' "$DATA/info.out")
    per_entry=$(awk -v k="$P_KB" -v b="$BASE_KB" -v n="$G_FILES" 'BEGIN { printf "%d", (k - b) * 1024 / n }')
    [ "$per_entry" -ge 0 ] || per_entry="below baseline"
    # What each added file costs once the fixed buffers (compressors,
    # dictionary training, index pages) are at full size: the growth from
    # the previous size (the first size: from the baseline).
    marginal=$(awk -v k="$P_KB" -v p="$PREV_KB" -v n="$G_FILES" -v m="$PREV_FILES" 'BEGIN { printf "%d", (k - p) * 1024 / (n - m) }')
    PREV_KB=$P_KB PREV_FILES=$G_FILES
    log "timing opens and lookups"
    info=$(info_ms "$A") || { log "wikipack info failed on $A"; exit 1; }
    if [ "$FORMAT" = jsonl ]; then
        "$PY" "$HERE/bench_util.py" readlist-jsonl "$G_INPUT" "$READS" 20241215 "$DATA/picks-$n.tsv" >/dev/null
    else
        "$PY" "$HERE/bench_util.py" readlist "$G_DIR" "$READS" 20241215 "$DATA/picks-$n.tsv" >/dev/null
    fi
    res=$("$WRB" "$A" "$DATA/picks-$n.tsv" 2>>"$DATA/logs/reads-$n.log") || { log "wpk_read_bench failed"; exit 1; }
    printf '%s\n' "$res" >> "$DATA/logs/reads-$n.log"
    get() { printf '%s\n' "$res" | awk -v m="$1" -v k="$2" -v f="$3" '$1 == "RESULT" && $2 == m && $3 == k { print $f }'; }
    vsecs=-
    if [ $VERIFY = 1 ]; then
        vt0=$EPOCHREALTIME
        "$WPK" verify "$A" >/dev/null 2>&1 || log "verify failed on $A"
        vsecs=$(awk -v a="$vt0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    fi
    load1=$(cut -d' ' -f1 /proc/loadavg)
    ROWS+=("| $(commas "$G_FILES") | $(commas "$G_ARTICLES") | $(commas "$(awk -v b="$G_BYTES" 'BEGIN { printf "%.0f", b / 1e6 }')") | $(commas "$size") | $(commas "${idx:-?}") / $(commas "${dat:-?}") | $(awk -v b="$G_BYTES" -v s="$size" 'BEGIN { printf "%.2f×", b / s }') | $P_SECS | $P_USER / $P_SYS | $(awk -v b="$G_BYTES" -v s="$P_SECS" 'BEGIN { printf "%.1f", b / 1e6 / s }') | $(awk -v k="$P_KB" 'BEGIN { printf "%.0f", k / 1024 }') | $(commas "$per_entry") | $(commas "$marginal") | $info | $(get open id 4) | $(get warm id 4) / $(get warm id 5) | $(get fresh id 4) / $(get fresh id 5) | $vsecs | $load0 / $load1 |")
    [ $CLEAN = 1 ] && rm -rf "$G_DIR" "$G_DIR.done" "$A"
done

{
    echo "## wikipack at scale"
    echo
    "$PY" "$HERE/bench_util.py" machine
    if [ "$FORMAT" = jsonl ]; then
        echo "- corpora: \`bench/gen_corpus.py --jsonl --seed $SEED N\` (N JSON Lines records, one file; title, page ID, language, ~110 bytes of text; no versions)"
    else
        echo "- corpora: \`bench/gen_corpus.py --seed $SEED N\` (N files; ~30% of the articles in 2-5 versions; log-normal sizes, median ~8 KB)"
    fi
    echo "- command: \`bench/scale.sh $ARGS_ORIG\`; wikipack: $WPK (built $(stat -c %y "$WPK" | cut -d. -f1)), pack options: ${PACK_ARGS:-default (zstd 19, 256 KiB blocks)}, all $(nproc) cores"
    echo "- baseline: packing 100 entries peaks at $(awk -v k="$BASE_KB" 'BEGIN { printf "%.1f", k / 1024 }') MiB RSS; \`wikipack info\` on that archive takes $BASE_INFO ms (process start included)"
    echo
    echo "| entries | articles | input MB | archive bytes | index / data bytes | input ÷ archive | pack wall s | pack user / sys s | pack MB/s | peak RSS MiB | RSS beyond baseline, bytes/entry | RSS growth from the row above, bytes per added entry | \`wikipack info\` ms (fresh process, median of $OPENS) | in-process open p50 µs | by ID warm p50 / p99 µs | by ID fresh p50 / p99 µs | full verify s | load avg before / after |"
    echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Lookups: $READS entries picked at random (seed 20241215), looked up by their page ID (the newest version of that article is returned) and read with its checksums checked; warm = one open reader; fresh = open + lookup + read + close each time, in one process, OS page cache warm. index / data: \`wikipack info\`'s indexes and blocks. One pack per size: a shared machine, so treat differences under ~20% as noise."
} > "$DATA/scale.md"
[ -n "$OUT" ] && cp "$DATA/scale.md" "$OUT"
cat "$DATA/scale.md"
