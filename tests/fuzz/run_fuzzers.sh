#!/usr/bin/env bash
# Run every libFuzzer target of a -DWIKIPACK_FUZZ=ON build for SECONDS each:
#
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]
#
# Each target starts from a scratch copy of tests/fuzz/seeds/<target>/ (the
# repository is not modified). A finding (crash, leak, UB, timeout, memory
# blow-up) is kept in BUILD_DIR/fuzz-findings/<target>/ and makes the script
# exit 1 after the other targets have run. Prints the executions per target.
set -uo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
    exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(reader roundtrip format2 analyze plain article_meta yaml json mediawiki wikitext wikitext_html)

max_len() {
    case $1 in
        reader|roundtrip|format2|mediawiki) echo 16384 ;;
        *) echo 8192 ;;
    esac
}

# The round trip writes (and fsyncs) two archives per input: keep its
# scratch files in memory when possible.
base=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
scratch=$(mktemp -d "$base/wpk-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
status=0
summary=""
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "$bin: missing (configure with CC=clang -DWIKIPACK_FUZZ=ON)" >&2
        exit 2
    fi
    corpus=$scratch/$t
    findings=$build/fuzz-findings/$t
    mkdir -p "$corpus" "$findings"
    cp "$here/seeds/$t/"* "$corpus/"
    log=$build/fuzz-findings/$t.log
    echo "== fuzz_$t: ${seconds}s"
    TMPDIR=$scratch "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    units=$(find "$corpus" -type f | wc -l)
    if [ $rc -ne 0 ]; then
        status=1
        tail -n 60 "$log"
        echo "fuzz_$t: FINDING (exit $rc), input kept in $findings/, log $log"
        summary+=$(printf '%-14s %12s executions  %5s corpus files  FINDING' "$t" "${execs:-?}" "$units")$'\n'
    else
        summary+=$(printf '%-14s %12s executions  %5s corpus files  ok' "$t" "${execs:-?}" "$units")$'\n'
    fi
done
echo "== summary (${seconds}s per target)"
printf '%s' "$summary"
exit $status
