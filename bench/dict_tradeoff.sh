#!/usr/bin/env bash
# dict_tradeoff.sh - what the shared dictionary's size buys and costs: the
# archive's size against the solid `tar | zstd -19 --long=27` stream, and the
# time to read one article from a new process (which decompresses the whole
# dictionary before its first block). Prints a Markdown table.
#
#   bench/dict_tradeoff.sh [OPTIONS] CORPUS_DIR [OUT.md]
#
# options:
#   --sizes LIST   comma-separated --dict-size values; "none" is --no-dict,
#                  "default" no option at all, "best" --best
#                  (default: none,64K,128K,256K,512K,1M,2M,default,best)
#   --md-only      copy only the .md files of CORPUS_DIR (with their paths)
#                  into the work directory and measure that copy
#   --reads N      random articles read by page ID (default 300)
#   --runs R       rounds; each round runs every size once, latencies are
#                  the medians of the rounds' p50 and p99 (default 3)
#   --seed S       seed of the random pick (default 20241215)
#   --build DIR    build directory with wikipack, wpk_read_bench and
#                  proc_bench (default: REPO/build; built when missing)
#   --work DIR     work directory (default: a new /tmp/wpkdict.XXXXXX, removed)
#
# Rounds interleave the sizes so that a busy spell of a shared machine
# falls on all of them rather than on one.
set -u -o pipefail
export LC_ALL=C

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

SIZES="none,64K,128K,256K,512K,1M,2M,default,best" READS=300 RUNS=3 SEED=20241215 BUILD="" WORK="" MD_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=${2:?}; shift ;;
        --md-only) MD_ONLY=1 ;;
        --reads) READS=${2:?}; shift ;;
        --runs) RUNS=${2:?}; shift ;;
        --seed) SEED=${2:?}; shift ;;
        --build) BUILD=${2:?}; shift ;;
        --work) WORK=${2:?}; shift ;;
        -h|--help) usage ;;
        -*) echo "dict_tradeoff: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
    shift
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
[ -d "$1" ] || { echo "dict_tradeoff: $1: not a directory" >&2; exit 2; }
CORPUS=$(cd "$1" && pwd) || exit 2
OUT=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BUILD=${BUILD:-$REPO/build}
UTIL=(python3 "$HERE/bench_util.py")
log() { echo "dict_tradeoff: $*" >&2; }

command -v zstd >/dev/null || { log "needs the zstd command (Debian: apt-get install zstd)"; exit 1; }
for t in wikipack wpk_read_bench proc_bench; do
    [ -x "$BUILD/$t" ] && continue
    [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2 || exit 1
    cmake --build "$BUILD" -j"$(nproc)" --target "${t/wikipack/wikipack_cli}" >&2 || exit 1
done
if [ -z "$WORK" ]; then
    WORK=$(mktemp -d /tmp/wpkdict.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"
if [ $MD_ONLY = 1 ]; then
    rm -rf "$WORK/corpus" && mkdir -p "$WORK/corpus"
    "${UTIL[@]}" copy-md "$CORPUS" "$WORK/corpus" >/dev/null || exit 1
    CORPUS=$WORK/corpus
fi

log "solid stream"
tar --sort=name -cf - -C "$CORPUS" . | zstd -19 --long=27 -q -o "$WORK/solid.tar.zst" -f || exit 1
SOLID=$(stat -c %s "$WORK/solid.tar.zst")
"${UTIL[@]}" readlist "$CORPUS" "$READS" "$SEED" "$WORK/picks.tsv" >&2 || exit 1

IFS=, read -r -a LABELS <<< "$SIZES"
for s in "${LABELS[@]}"; do
    case "$s" in
        none) opt=(--no-dict) ;;
        default) opt=() ;;
        best) opt=(--best) ;;
        *) opt=(--dict-size "$s") ;;
    esac
    log "pack: ${s}"
    rm -f "$WORK/$s.proc" "$WORK/$s.fresh" # a reused work directory starts afresh
    t0=$EPOCHREALTIME
    "$BUILD/wikipack" pack -q "${opt[@]}" -o "$WORK/$s.wpk" "$CORPUS" || exit 1
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' > "$WORK/$s.secs"
    "$BUILD/wikipack" info "$WORK/$s.wpk" | awk '/^dictionary:/ { print $2 }' > "$WORK/$s.dict"
    n=$("${UTIL[@]}" proc-commands "$BUILD/wikipack" id "$WORK/$s.wpk" "$WORK/picks.tsv" "$WORK/$s.cmds")
    [ "${n:-0}" -gt 0 ] || { log "no picks with a page ID in $CORPUS"; exit 1; }
done

for ((r = 1; r <= RUNS; r++)); do
    for s in "${LABELS[@]}"; do
        log "round $r: $s"
        "$BUILD/proc_bench" id "$WORK/$s.cmds" | awk '$1 == "RESULT" { print $4, $5 }' >> "$WORK/$s.proc" || exit 1
        "$BUILD/wpk_read_bench" "$WORK/$s.wpk" "$WORK/picks.tsv" 2>/dev/null |
            awk '$1 == "RESULT" && $2 == "fresh" && $3 == "id" { print $4 }' >> "$WORK/$s.fresh" || exit 1
    done
done

col_median() { awk -v c="$1" '{ print $c }' "$2" | "${UTIL[@]}" median; }
{
    echo "## Dictionary size: archive size against first-read time ($(basename "$CORPUS"))"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg);" \
        "solid \`tar | zstd -19 --long=27\` $SOLID bytes; $READS picks by page ID, median of $RUNS rounds."
    echo
    echo "| option | dictionary (raw bytes) | archive bytes | × solid | pack s | fresh read in-process p50 µs | new process p50 ms | new process p99 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for s in "${LABELS[@]}"; do
        case "$s" in none) o="--no-dict" ;; default) o="(default)" ;; best) o="--best" ;; *) o="--dict-size $s" ;; esac
        size=$(stat -c %s "$WORK/$s.wpk")
        awk -v o="$o" -v d="$(cat "$WORK/$s.dict")" -v z="$size" -v sol="$SOLID" -v t="$(cat "$WORK/$s.secs")" \
            -v f="$(col_median 1 "$WORK/$s.fresh")" -v p50="$(col_median 1 "$WORK/$s.proc")" \
            -v p99="$(col_median 2 "$WORK/$s.proc")" \
            'BEGIN { printf "| %s | %s | %d | %.3f | %s | %.0f | %.2f | %.2f |\n", o, (d == "" ? "-" : d), z, z / sol, t, f, p50 / 1000, p99 / 1000 }'
    done
} > "$WORK/table.md"
cat "$WORK/table.md"
[ -z "$OUT" ] || cp "$WORK/table.md" "$OUT"
