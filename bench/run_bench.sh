#!/usr/bin/env bash
# run_bench.sh - pack one corpus directory with wikipack and with the peers
# available from Debian, and print a Markdown table of sizes, pack time and
# memory, random-read latency and verify throughput. See bench/README.md.
#
#   bench/run_bench.sh [OPTIONS] CORPUS_DIR [OUT.md]
#
# options:
#   --smoke          CI mode: wikipack and the zstd peers only, 50 reads, one
#                    run; exit 0 only if every tool ran (times are not judged)
#   --md-only        copy only the .md files of CORPUS_DIR (keeping their
#                    paths) into the work directory and pack that copy
#   --reads N        random articles to read (default 1000; smoke 50)
#   --runs R         read-benchmark runs, latencies are medians (default 3)
#   --pack-runs R    pack runs, time/memory are medians (default 1)
#   --seed S         seed of the random pick (default 20241215)
#   --build DIR      wikipack build directory (default: REPO/build)
#   --no-build       use the binaries in the build directory as they are
#   --no-install     never apt-get install missing peers
#   --work DIR       work directory (default: a new /tmp/wpkbench.XXXXXX)
#   --keep           keep the work directory (archives, logs, raw results)
#   --only LIST      comma-separated systems to run: wikipack,wikipack-best,zim,squashfs,
#                    sqlar,zstd,solid (default: all; smoke: wikipack,zstd,solid)
#
# Exit status: 0 when every tool that was run succeeded; 1 when one failed
# (the table is still printed, with the failure in its notes); 2 usage.
set -u -o pipefail
export LC_ALL=C

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

SMOKE=0 MD_ONLY=0 READS="" RUNS="" PACK_RUNS=1 SEED=20241215 BUILD="" BUILD_IT=1 INSTALL=1
WORK="" KEEP=0 ONLY=""
ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --md-only) MD_ONLY=1 ;;
        --reads) READS=${2:?}; shift ;;
        --runs) RUNS=${2:?}; shift ;;
        --pack-runs) PACK_RUNS=${2:?}; shift ;;
        --seed) SEED=${2:?}; shift ;;
        --build) BUILD=${2:?}; shift ;;
        --no-build) BUILD_IT=0 ;;
        --no-install) INSTALL=0 ;;
        --work) WORK=${2:?}; shift ;;
        --keep) KEEP=1 ;;
        --only) ONLY=${2:?}; shift ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "run_bench: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
    shift
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
CORPUS_ARG=$1
OUT=${2:-}
[ -d "$CORPUS_ARG" ] || { echo "run_bench: $CORPUS_ARG: not a directory" >&2; exit 2; }
CORPUS_ARG=$(cd "$CORPUS_ARG" && pwd)

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BUILD=${BUILD:-$REPO/build}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
UTIL=("$PY" "$HERE/bench_util.py")
NPROC=$(nproc 2>/dev/null || echo 1)

if [ $SMOKE = 1 ]; then
    READS=${READS:-50} RUNS=${RUNS:-1} ONLY=${ONLY:-wikipack,zstd,solid} VRUNS=1
else
    READS=${READS:-1000} RUNS=${RUNS:-3} ONLY=${ONLY:-wikipack,wikipack-best,zim,squashfs,sqlar,zstd,solid} VRUNS=3
fi
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

if [ -z "$WORK" ]; then
    WORK=$(mktemp -d /tmp/wpkbench.XXXXXX)
else
    mkdir -p "$WORK"
fi
WORK=$(cd "$WORK" && pwd)
[ $KEEP = 1 ] || trap 'rm -rf "$WORK"' EXIT
R=$WORK/results
rm -rf "$R" && mkdir -p "$R" "$WORK/bin" "$WORK/logs"
: > "$R/pack.tsv"; : > "$R/reads.tsv"; : > "$R/verify.tsv"; : > "$R/notes.tsv"; : > "$R/meta.tsv"
FAILED=()

log() { echo "run_bench: $*" >&2; }
note() { printf '%s\n' "$*" >> "$R/notes.tsv"; }
meta() { printf '%s\t%s\n' "$1" "$2" >> "$R/meta.tsv"; }
failed() { FAILED+=("$1"); note "FAILED: $1 (log: $2)"; log "FAILED: $1 (log: $2)"; [ $KEEP = 1 ] || tail -5 "$2" >&2; }

# ---- dependencies ------------------------------------------------------------
APT_UPDATED=0
apt_install() {
    [ $INSTALL = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
    log "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$WORK/logs/apt.log" 2>&1 && return 0
    [ $APT_UPDATED = 0 ] || return 1
    APT_UPDATED=1
    apt-get update -qq >>"$WORK/logs/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$WORK/logs/apt.log" 2>&1
}
# ensure 'CHECK COMMAND' PACKAGE...: true when CHECK passes, installing the packages if needed.
ensure() {
    local check=$1; shift
    bash -c "$check" >/dev/null 2>&1 && return 0
    apt_install "$@"
    bash -c "$check" >/dev/null 2>&1
}

ensure 'test -x /usr/bin/time' time || note "GNU time (/usr/bin/time) is missing: no peak memory."
if want zstd || want solid; then
    ensure 'command -v zstd' zstd || { note "zstd could not be installed: zstd peers skipped."; ONLY=${ONLY//zstd/}; ONLY=${ONLY//solid/}; }
fi
HAVE_ZIM_READ=0 HAVE_ZIMCHECK=0
if want zim; then
    if ensure "$PY -c 'import libzim.writer'" python3-libzim; then
        ensure 'pkg-config --exists libzim && command -v c++' libzim-dev g++ && HAVE_ZIM_READ=1 ||
            note "libzim-dev or a C++ compiler could not be installed: ZIM read latency not measured."
        ensure 'command -v zimcheck' zim-tools && HAVE_ZIMCHECK=1 ||
            note "zim-tools could not be installed: ZIM verify not measured."
    else
        note "python3-libzim could not be installed: ZIM skipped."
        ONLY=${ONLY//zim/}
    fi
fi
if want squashfs && ! ensure 'command -v mksquashfs' squashfs-tools; then
    note "squashfs-tools could not be installed: squashfs skipped."; ONLY=${ONLY//squashfs/}
fi
if want sqlar && ! ensure "command -v sqlite3 && $PY -c 'import sqlite3'" sqlite3; then
    note "sqlite3 could not be installed: sqlar skipped."; ONLY=${ONLY//sqlar/}
fi

# ---- build -------------------------------------------------------------------
WPK=$BUILD/wikipack
if [ $BUILD_IT = 1 ]; then
    {
        [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$REPO" -B "$BUILD"
        cmake --build "$BUILD" -j"$NPROC" --target wikipack_cli
    } >>"$WORK/logs/build.log" 2>&1 || { failed "building wikipack" "$WORK/logs/build.log"; }
fi
[ -x "$WPK" ] || { log "no $WPK"; exit 1; }
# The read benchmarks: from the build directory when bench/CMakeLists.txt is
# part of the build, else compiled here against the built library.
WRB=$BUILD/wpk_read_bench
if [ $BUILD_IT = 1 ]; then
    cmake --build "$BUILD" -j"$NPROC" --target wpk_read_bench >>"$WORK/logs/build.log" 2>&1 || WRB=""
fi
if [ -z "$WRB" ] || [ ! -x "$WRB" ]; then
    WRB=$WORK/bin/wpk_read_bench
    cc -O2 -std=c11 -D_GNU_SOURCE -I"$REPO/include" "$HERE/wpk_read_bench.c" \
        "$BUILD/libwikipack.a" \
        $(pkg-config --libs libzstd libxxhash libutf8proc) -lpthread -o "$WRB" >>"$WORK/logs/build.log" 2>&1 ||
        { failed "building wpk_read_bench" "$WORK/logs/build.log"; WRB=""; }
fi
PB=$BUILD/proc_bench
if [ $BUILD_IT = 1 ]; then
    cmake --build "$BUILD" -j"$NPROC" --target proc_bench >>"$WORK/logs/build.log" 2>&1 || PB=""
fi
if [ -z "$PB" ] || [ ! -x "$PB" ]; then
    PB=$WORK/bin/proc_bench
    cc -O2 -std=c11 "$HERE/proc_bench.c" -o "$PB" >>"$WORK/logs/build.log" 2>&1 ||
        { failed "building proc_bench" "$WORK/logs/build.log"; PB=""; }
fi
ZRB=""
if want zim && [ $HAVE_ZIM_READ = 1 ]; then
    ZRB=$BUILD/zim_read_bench
    if [ $BUILD_IT = 1 ]; then
        cmake --build "$BUILD" -j"$NPROC" --target zim_read_bench >>"$WORK/logs/build.log" 2>&1 || ZRB=""
    fi
    if [ -z "$ZRB" ] || [ ! -x "$ZRB" ]; then
        ZRB=$WORK/bin/zim_read_bench
        c++ -O2 -std=c++17 "$HERE/zim_read_bench.cpp" $(pkg-config --cflags --libs libzim) -o "$ZRB" \
            >>"$WORK/logs/build.log" 2>&1 || { failed "building zim_read_bench" "$WORK/logs/build.log"; ZRB=""; }
    fi
fi

# ---- corpus and read list ----------------------------------------------------
if [ $MD_ONLY = 1 ]; then
    CORPUS=$WORK/corpus
    rm -rf "$CORPUS" && mkdir -p "$CORPUS"
    n=$("${UTIL[@]}" copy-md "$CORPUS_ARG" "$CORPUS") || { log "copy failed"; exit 1; }
    meta corpus_note " (only the .md files of it, copied with their paths)"
else
    CORPUS=$CORPUS_ARG
fi
read -r CFILES CBYTES < <("${UTIL[@]}" stats "$CORPUS")
[ "${CFILES:-0}" -gt 0 ] || { log "no files in $CORPUS"; exit 1; }
LIST=$WORK/picks.tsv
RL=$("${UTIL[@]}" readlist "$CORPUS" "$READS" "$SEED" "$LIST") || { log "readlist failed"; exit 1; }
log "corpus: $CFILES files, $CBYTES bytes; $RL"

"${UTIL[@]}" machine > "$R/machine.md"
meta title "wikipack vs peers: $(basename "$CORPUS_ARG")$([ $SMOKE = 1 ] && echo ' (smoke run)')"
meta corpus "$CORPUS_ARG"
meta corpus_files "$CFILES"
meta corpus_bytes "$CBYTES"
meta reads "$READS"
meta seed "$SEED"
meta readlist "$RL"
meta runs "$RUNS"
meta command "bench/run_bench.sh $ARGS_ORIG"
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
VERS="wikipack built $(stat -c %y "$WPK" | cut -d. -f1) in $BUILD; zstd $(ver zstd)"
want zim && VERS="$VERS; libzim $(pkg-config --modversion libzim 2>/dev/null || ver libzim8), python3-libzim $(ver python3-libzim), zim-tools $(ver zim-tools)"
want squashfs && VERS="$VERS; squashfs-tools $(ver squashfs-tools)"
want sqlar && VERS="$VERS; sqlite3 $(ver sqlite3)"
meta versions "$VERS"

# ---- helpers -----------------------------------------------------------------
# measure LOG CMD...: run once; sets M_SECS (wall, from bash's clock) and
# M_KB (peak RSS of the largest process, GNU time %M); returns CMD's status.
measure() {
    local lg=$1; shift
    local tf=$WORK/time.out t0 t1 rc
    rm -f "$tf"
    t0=$EPOCHREALTIME
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %M' -o "$tf" "$@" >>"$lg" 2>&1; rc=$?
    else
        "$@" >>"$lg" 2>&1; rc=$?
    fi
    t1=$EPOCHREALTIME
    M_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    M_KB=$( [ -s "$tf" ] && tail -n 1 "$tf" | awk '{ print $2 }' || echo -)
    return $rc
}
median() { "${UTIL[@]}" median; }
# pack NAME OUTPUT ACCESS CMD...: PACK_RUNS runs (OUTPUT removed before each);
# records size (file, or sum of a directory's files), median time and memory.
pack() {
    local name=$1 output=$2 access=$3; shift 3
    local lg=$WORK/logs/pack-${name%% *}.log secs=() kbs=() i size
    log "pack: $name"
    for ((i = 0; i < PACK_RUNS; i++)); do
        rm -rf "$output"
        if ! measure "$lg" "$@"; then
            failed "pack with $name" "$lg"
            printf '%s\t-\t-\t-\t%s\n' "$name" "$access" >> "$R/pack.tsv"
            return 1
        fi
        secs+=("$M_SECS"); kbs+=("$M_KB")
    done
    if [ -d "$output" ]; then
        size=$(find "$output" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    else
        size=$(stat -c %s "$output")
    fi
    local s kb
    s=$(printf '%s\n' "${secs[@]}" | median | awk '{ printf "%.2f", $1 }')
    kb=$(printf '%s\n' "${kbs[@]}" | grep -v '^-$' | median 2>/dev/null | awk '{ printf "%d", $1 }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$s" "${kb:--}" "$access" >> "$R/pack.tsv"
}
# reads NAME CMD...: RUNS runs of a read benchmark printing RESULT lines.
reads() {
    local name=$1; shift
    local lg=$WORK/logs/reads-${name%% *}.log run out
    log "reads: $name ($RUNS x $READS)"
    for ((run = 1; run <= RUNS; run++)); do
        if ! out=$("$@" 2>>"$lg"); then
            failed "reads with $name" "$lg"
            return 1
        fi
        printf '%s\n' "$out" >> "$lg"
        printf '%s\n' "$out" | awk -v s="$name" -v r="$run" 'BEGIN { OFS = "\t" }
            $1 == "RESULT" { print s, r, $2, $3, $4, $5, $6, $7; if ($7 > 0) m += $7 }
            END { exit m > 0 }' >> "$R/reads.tsv" || {
            grep -qF "$name: some picks" "$R/notes.tsv" ||
                note "$name: some picks were not found (see the misses in the reads column; log: $lg)"
            [ $SMOKE = 1 ] && failed "reads with $name: lookups not found" "$lg"
        }
    done
}
# procs NAME TOOL KEY...: get each pick with the command-line tool, a new
# process each time (proc_bench), for each key kind; RUNS runs, as reads.
procs() {
    local name=$1 tool=$2 k base=$WORK/proc-${1%% *}; shift 2
    [ -n "$PB" ] || return 1
    for k in "$@"; do
        "${UTIL[@]}" proc-commands "$tool" "$k" "$A" "$LIST" "$base-$k.txt" >/dev/null ||
            { failed "proc-commands for $name"; return 1; }
    done
    reads "$name" bash -c 'pb=$1 base=$2; shift 2; for k; do "$pb" "$k" "$base-$k.txt" || exit 1; done' _ "$PB" "$base" "$@"
}
# verify NAME LABEL WHAT CMD...: VRUNS runs, median wall time.
verify() {
    local name=$1 label=$2 what=$3; shift 3
    local lg=$WORK/logs/verify-${name%% *}.log secs=() i
    log "verify: $name ($label)"
    for ((i = 0; i < VRUNS; i++)); do
        if ! measure "$lg" "$@"; then
            failed "verify with $name ($label)" "$lg"
            printf '%s\t%s\t%s\t-\n' "$name" "$label" "$what (FAILED)" >> "$R/verify.tsv"
            return 1
        fi
        secs+=("$M_SECS")
    done
    printf '%s\t%s\t%s\t%s\n' "$name" "$label" "$what" "$(printf '%s\n' "${secs[@]}" | median)" >> "$R/verify.tsv"
}

# ---- the systems -------------------------------------------------------------
if want wikipack; then
    A=$WORK/out.wpk
    if pack "wikipack" "$A" "yes: page ID, title, path" "$WPK" pack -q -o "$A" "$CORPUS"; then
        [ -n "$WRB" ] && reads "wikipack" "$WRB" "$A" "$LIST"
        procs "wikipack" "$WPK" id title path
        verify "wikipack" "wikipack verify" "every block and index checksum, decompresses all, every entry's XXH3" "$WPK" verify "$A"
        verify "wikipack" "wikipack verify --quick" "every block and index checksum, no decompression" "$WPK" verify --quick "$A"
    fi
fi
if want wikipack-best; then
    A=$WORK/best.wpk
    if pack "wikipack --best" "$A" "yes: page ID, title, path" "$WPK" pack -q --best -o "$A" "$CORPUS"; then
        [ -n "$WRB" ] && reads "wikipack --best" "$WRB" "$A" "$LIST"
        procs "wikipack --best" "$WPK" id title path
        verify "wikipack --best" "wikipack verify" "every block and index checksum, decompresses all, every entry's XXH3" "$WPK" verify "$A"
    fi
fi
if want zim; then
    A=$WORK/out.zim
    if pack "ZIM (libzim)" "$A" "yes: path, title" "${UTIL[@]}" zim-pack "$CORPUS" "$A"; then
        [ -n "$ZRB" ] && reads "ZIM (libzim)" "$ZRB" "$A" "$LIST"
        command -v zimdump >/dev/null && procs "ZIM (libzim)" zimdump path
        if [ $HAVE_ZIMCHECK = 1 ]; then
            verify "ZIM (libzim)" "zimcheck -C" "MD5 of the whole file (no decompression)" zimcheck -C "$A"
            verify "ZIM (libzim)" "zimcheck -I" "structure: dirents, pointer lists, cluster offsets" zimcheck -I "$A"
        fi
    fi
fi
if want squashfs; then
    A=$WORK/out.sqfs
    pack "squashfs" "$A" "yes: path (mounted or unsquashfs; not timed)" \
        mksquashfs "$CORPUS" "$A" -comp zstd -Xcompression-level 19 -noappend -quiet
    printf '%s\t%s\t%s\t-\n' "squashfs" "—" "none: squashfs has no data checksums" >> "$R/verify.tsv"
fi
if want sqlar; then
    A=$WORK/out.sqlar
    if pack "sqlar" "$A" "yes: path" sqlite3 "$A" -A -c -C "$CORPUS" .; then
        reads "sqlar" "${UTIL[@]}" sqlar-read "$A" "$LIST"
        verify "sqlar" "PRAGMA integrity_check" "B-tree structure only; no content checksum" sqlite3 "$A" "PRAGMA integrity_check"
    fi
fi
if want zstd; then
    A=$WORK/zstd_files
    pack "zstd -19 per file" "$A" "yes: path (one file each)" \
        bash -c 'cd "$1" && zstd -19 -q -r . --output-dir-mirror "$2"' _ "$CORPUS" "$A" &&
        verify "zstd -19 per file" "zstd -t -r" "decompresses every file, XXH64 frame checksums" zstd -t -q -r "$A"
fi
if want solid; then
    A=$WORK/solid.tar.zst
    pack "solid tar+zstd -19 --long=27" "$A" "no" \
        bash -c 'set -o pipefail; tar --sort=name -cf - -C "$1" . | zstd -19 --long=27 -q -o "$2"' _ "$CORPUS" "$A" &&
        verify "solid tar+zstd -19 --long=27" "zstd -t --long=27" "decompresses everything, XXH64 frame checksum" zstd -t -q --long=27 "$A"
fi

# ---- notes and report --------------------------------------------------------
note "Threads while packing: wikipack all cores ($NPROC); libzim's Creator 4 workers; mksquashfs all cores; zstd per file and tar | zstd one thread."
note "Pack wall time is the median of $PACK_RUNS run(s); peak RSS is GNU time's %M, the largest single process (for ZIM it includes the Python interpreter)."
note "warm = one open archive per key kind, then the ${READS} picks in order (library caches start empty; the OS page cache is warm); fresh = open + lookup + read + close for each pick, in one process; open only = the open step of the fresh loop; new process = the command-line tool run once per pick (\`wikipack get --id|--title|--path\`, \`zimdump show --url=PATH\`), from spawn to exit, output to /dev/null (bench/proc_bench.c)."
want wikipack && note "wikipack reads check the block checksum and the entry's XXH3 (as \`wikipack get\` does). By page ID and by title it returns the newest version of that article, which may be another file than the one picked; by path, the file picked."
want zim && note "ZIM has no page ID, so compare ZIM's path row with wikipack's path row. ZIM reads copy the blob out of libzim's cluster cache (16 clusters of ~2 MiB by default) and check no checksum; ZIM title lookups are exact and return one of the entries with that title."
want sqlar && note "sqlar reads go through Python's sqlite3 module (SELECT sz, data FROM sqlar WHERE name=?; zlib when compressed): a few µs of interpreter overhead per read are included."
want squashfs && note "squashfs: no read latency (timing per-item \`unsquashfs -cat\` measures process start, and mounting needs privileges); size, pack time and memory only."
note "Verify rows are the median of $VRUNS run(s); MB/s is article bytes (the corpus size) per second, whatever the tool actually reads."
note "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). A shared, noisy machine: compare medians, and treat differences under ~20% as noise."
[ ${#FAILED[@]} -eq 0 ] || note "Failures: ${FAILED[*]}"

REPORT=$("${UTIL[@]}" report "$R")
if [ -n "$OUT" ]; then
    printf '%s\n' "$REPORT" > "$OUT"
fi
printf '%s\n' "$REPORT"
[ $KEEP = 1 ] && log "work directory kept: $WORK"
[ ${#FAILED[@]} -eq 0 ]
