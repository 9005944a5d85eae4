#!/usr/bin/env bash
# scale.sh - how wikipack's pack time, memory, size, open time and lookup
# latency grow with the number of entries, on corpora from gen_corpus.py.
#
#   bench/scale.sh [OPTIONS] [N ...]        (default N: 10000 100000)
#
# N counts files (article versions; ~1.75 files per article). 1000000 works
# but takes long (~12 GB of input, a long zstd -19 pack): ask for it
# explicitly, and run it in the background.
#
# options:
#   --build DIR      wikipack build directory (default: REPO/build)
#   --data DIR       where corpora and archives go (default /tmp/wpkbench-scale);
#                    a corpus already generated there with the same N and seed
#                    is reused
#   --seed S         gen_corpus.py seed (default 1); reads use seed 20241215
#   --reads N        random lookups by page ID (default 1000)
#   --opens N        fresh `wikipack info` processes timed (default 20)
#   --out FILE       also write the Markdown table to FILE
#   --clean          delete each corpus and archive after measuring it
#
# For each N: generate (or reuse) the corpus, `wikipack pack` it under GNU
# time (wall, peak RSS), then time `wikipack info` in fresh processes and
# lookups by page ID with wpk_read_bench. Peak RSS per entry is measured
# beyond a baseline, the peak RSS of packing a 100-file corpus, and as the
# growth from the size before: buffers that do not grow with the entries
# (compressors, dictionary training) reach full size only on larger inputs,
# and the growth leaves them out.
set -u -o pipefail
export LC_ALL=C

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BUILD="" DATA=/tmp/wpkbench-scale SEED=1 READS=1000 OPENS=20 OUT="" CLEAN=0
ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
    case "$1" in
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
gen() {
    local n=$1 dir=$DATA/gen_$1_s$SEED
    if [ ! -f "$dir.done" ]; then
        rm -rf "$dir" "$dir.done"
        log "generating $n files into $dir"
        "$PY" "$HERE/gen_corpus.py" --seed "$SEED" "$n" "$dir" > "$dir.tmp" 2>>"$DATA/logs/gen.log" ||
            { log "gen_corpus failed"; exit 1; }
        mv "$dir.tmp" "$dir.done"
    fi
    read -r G_FILES G_ARTICLES G_BYTES < "$dir.done"
    G_DIR=$dir
}

# pack DIR ARCHIVE LOG -> P_SECS P_KB
pack() {
    local t0=$EPOCHREALTIME
    rm -f "$2"
    /usr/bin/time -f '%e %M' -o "$DATA/time.out" "$WPK" pack -q -o "$2" "$1" >>"$3" 2>&1 ||
        { log "pack failed: $3"; return 1; }
    P_SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    P_KB=$(tail -n 1 "$DATA/time.out" | awk '{ print $2 }')
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

# Baseline: a 100-file corpus.
gen 100
BASE_ARCH=$DATA/base.wpk
pack "$G_DIR" "$BASE_ARCH" "$DATA/logs/pack-base.log" || exit 1
BASE_KB=$P_KB
BASE_INFO=$(info_ms "$BASE_ARCH")
log "baseline: packing 100 files peaks at $BASE_KB KiB; wikipack info on it: $BASE_INFO ms"

ROWS=()
PREV_KB=$BASE_KB PREV_FILES=100
for n in "${SIZES[@]}"; do
    gen "$n"
    A=$DATA/gen_${n}_s$SEED.wpk
    LG=$DATA/logs/pack-$n.log
    log "packing $G_FILES files ($G_BYTES bytes)"
    load0=$(cut -d' ' -f1 /proc/loadavg)
    pack "$G_DIR" "$A" "$LG" || exit 1
    size=$(stat -c %s "$A")
    per_entry=$(awk -v k="$P_KB" -v b="$BASE_KB" -v n="$G_FILES" 'BEGIN { printf "%d", (k - b) * 1024 / n }')
    [ "$per_entry" -ge 0 ] || per_entry="below baseline"
    # What each added file costs once the fixed buffers (compressors,
    # dictionary training, index pages) are at full size: the growth from
    # the previous size (the first size: from the baseline).
    marginal=$(awk -v k="$P_KB" -v p="$PREV_KB" -v n="$G_FILES" -v m="$PREV_FILES" 'BEGIN { printf "%d", (k - p) * 1024 / (n - m) }')
    PREV_KB=$P_KB PREV_FILES=$G_FILES
    log "timing opens and lookups"
    info=$(info_ms "$A") || { log "wikipack info failed on $A"; exit 1; }
    "$PY" "$HERE/bench_util.py" readlist "$G_DIR" "$READS" 20241215 "$DATA/picks-$n.tsv" >/dev/null
    res=$("$WRB" "$A" "$DATA/picks-$n.tsv" 2>>"$DATA/logs/reads-$n.log") || { log "wpk_read_bench failed"; exit 1; }
    printf '%s\n' "$res" >> "$DATA/logs/reads-$n.log"
    get() { printf '%s\n' "$res" | awk -v m="$1" -v k="$2" -v f="$3" '$1 == "RESULT" && $2 == m && $3 == k { print $f }'; }
    vt0=$EPOCHREALTIME
    "$WPK" verify "$A" >/dev/null 2>&1 || log "verify failed on $A"
    vsecs=$(awk -v a="$vt0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    load1=$(cut -d' ' -f1 /proc/loadavg)
    ROWS+=("| $(commas "$G_FILES") | $(commas "$G_ARTICLES") | $(commas "$(awk -v b="$G_BYTES" 'BEGIN { printf "%.0f", b / 1e6 }')") | $(commas "$size") | $(awk -v b="$G_BYTES" -v s="$size" 'BEGIN { printf "%.2f×", b / s }') | $P_SECS | $(awk -v b="$G_BYTES" -v s="$P_SECS" 'BEGIN { printf "%.1f", b / 1e6 / s }') | $(awk -v k="$P_KB" 'BEGIN { printf "%.0f", k / 1024 }') | $(commas "$per_entry") | $(commas "$marginal") | $info | $(get open id 4) | $(get warm id 4) / $(get warm id 5) | $(get fresh id 4) / $(get fresh id 5) | $vsecs | $load0 / $load1 |")
    [ $CLEAN = 1 ] && rm -rf "$G_DIR" "$G_DIR.done" "$A"
done

{
    echo "## wikipack at scale"
    echo
    "$PY" "$HERE/bench_util.py" machine
    echo "- corpora: \`bench/gen_corpus.py --seed $SEED N\` (N files; ~30% of the articles in 2-5 versions; log-normal sizes, median ~8 KB)"
    echo "- command: \`bench/scale.sh $ARGS_ORIG\`; wikipack: $WPK (built $(stat -c %y "$WPK" | cut -d. -f1)), default options (zstd 19, 256 KiB blocks, all $(nproc) cores)"
    echo "- baseline: packing 100 files peaks at $(awk -v k="$BASE_KB" 'BEGIN { printf "%.1f", k / 1024 }') MiB RSS; \`wikipack info\` on that archive takes $BASE_INFO ms (process start included)"
    echo
    echo "| files | articles | input MB | archive bytes | input ÷ archive | pack wall s | pack MB/s | peak RSS MiB | RSS beyond baseline, bytes/file | RSS growth from the row above, bytes per added file | \`wikipack info\` ms (fresh process, median of $OPENS) | in-process open p50 µs | by ID warm p50 / p99 µs | by ID fresh p50 / p99 µs | full verify s | load avg before / after |"
    echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Lookups: $READS files picked at random (seed 20241215), looked up by their page ID (the newest version of that article is returned) and read with its checksums checked; warm = one open reader; fresh = open + lookup + read + close each time, in one process, OS page cache warm. One pack per size: a shared machine, so treat differences under ~20% as noise."
} > "$DATA/scale.md"
[ -n "$OUT" ] && cp "$DATA/scale.md" "$OUT"
cat "$DATA/scale.md"
