#!/usr/bin/env bash
# Authenticated reads over HTTP: the signed witness archive served through a
# mirror that alters one byte of a block and one byte of an index page
# (tests/cli/http_test_server.py --alter), and one that forges (serves the
# witness's signed-block-altered.wpk: a block altered with its XXH3 fixed up,
# the prefix signed again, standing for a forged XXH3). `get --pubkey`
# refuses what was altered and still reads what was not; without the key the
# forgery passes. And the request budget: a new process reading one article
# makes at most 4 requests (open, two index pages, one block) when the
# prefix fits the first read, one to open, two when the prefix is larger.
# usage: bash tests/cli/test_http_auth.sh PATH/TO/wikipack SCRATCH_DIR
# Exit 77 (skipped) when make_witness.py lacks a Python module.
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 PATH/TO/wikipack SCRATCH_DIR" >&2
    exit 2
fi
WP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
SERVER=$HERE/http_test_server.py
WITNESS=$HERE/../../spec/vectors/witness
rm -rf "$2"
mkdir -p "$2" || exit 4
S=$(cd "$2" && pwd)
PASS=0
FAIL=0
SERVER_PIDS=()

stop_servers() {
    local pid
    for pid in ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do kill "$pid" 2>/dev/null; done
    for pid in ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do wait "$pid" 2>/dev/null; done
    SERVER_PIDS=()
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

ok() { PASS=$((PASS + 1)); }
bad() {
    FAIL=$((FAIL + 1))
    printf 'FAIL: %s\n' "$1"
    shift
    local line
    for line in "$@"; do printf '%s\n' "$line" | sed 's/^/  | /'; done
}

/usr/bin/python3 "$WITNESS/make_witness.py" "$S/w" --no-check >"$S/make.log" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
    echo "SKIP: make_witness.py is missing a Python module"
    exit 77
fi
[ "$rc" -eq 0 ] || { cat "$S/make.log"; echo "make_witness.py failed ($rc)"; exit 1; }
KEY=$(python3 -c 'import base64, sys; print(base64.b64encode(bytes.fromhex(open(sys.argv[1]).read().strip())).decode())' \
    "$S/w/keys/test.pub")

# big.wpk (a signed archive whose pages and blocks mostly lie beyond the
# first read) and what to alter and read in it (tests/cli/http_auth_plan.py).
/usr/bin/python3 "$HERE/http_auth_plan.py" "$WITNESS" "$S" >"$S/plan" || { cat "$S/plan"; echo "no plan"; exit 1; }
eval "$(cat "$S/plan")"
echo "big.wpk: prefix $PREFIX bytes; altering the block of $A_PATH (byte $BLOCK_BYTE) and the title page"
echo "of \"$T_TITLE\" (byte $PAGE_BYTE); reading \"$C_TITLE\" ($C_PATH)"

# start_server NAME FILE [ARGS...]: sets URL and LOG.
start_server() {
    local name=$1 file=$2 i
    shift 2
    rm -f "$S/$name.port"
    python3 "$SERVER" "$file" --port-file "$S/$name.port" "$@" 2>"$S/$name.log" &
    SERVER_PIDS+=($!)
    for i in $(seq 100); do
        [ -s "$S/$name.port" ] && break
        sleep 0.1
    done
    [ -s "$S/$name.port" ] || { echo "test server $name did not start" >&2; cat "$S/$name.log" >&2; return 1; }
    URL=http://127.0.0.1:$(cat "$S/$name.port")/$(basename "$file")
    LOG=$S/$name.log
}

# run NAME WANT_EXIT ERR_PATTERN MAX_REQUESTS COMMAND...: exit status, stderr
# (a regex, "" for none expected) and requests made; OUT, REQUESTS set.
run() {
    local name=$1 want=$2 pattern=$3 max=$4 before
    shift 4
    before=$(wc -l <"$LOG")
    timeout 60 "$@" </dev/null >"$S/out" 2>"$S/err"
    local rc=$?
    sleep 0.1
    REQUESTS=$(($(wc -l <"$LOG") - before))
    printf '%-58s exit %d, %d requests\n' "$name" "$rc" "$REQUESTS"
    if [ "$rc" -eq "$want" ]; then ok; else bad "$name: exit $rc, expected $want" "$(head -n 3 "$S/err")"; fi
    if [ -z "$pattern" ] || grep -Eq "$pattern" "$S/err"; then ok
    else bad "$name: stderr does not say /$pattern/" "$(head -n 3 "$S/err")"; fi
    if [ "$REQUESTS" -le "$max" ]; then ok
    else bad "$name: $REQUESTS requests, at most $max expected" "$(tail -n "$REQUESTS" "$LOG")"; fi
}

same_as_local() { # same_as_local NAME ARCHIVE ARGS...: stdout equals `get` on the local file
    local name=$1 file=$2
    shift 2
    "$WP" get "$file" "$@" >"$S/local" 2>/dev/null
    if cmp -s "$S/local" "$S/out"; then ok; else bad "$name: output differs from the local file's"; fi
}

SIGNED=$S/w/valid/signed.wpk
BIG=$S/big.wpk

echo "== a mirror altering a block and an index page"
start_server alter "$BIG" --alter "$BLOCK_BYTE" --alter "$PAGE_BYTE" || exit 1
run "info (open: one request)" 0 "" 1 "$WP" info "$URL"
[ "$REQUESTS" -eq 1 ] && ok || bad "opening took $REQUESTS requests, not 1"
run "get --pubkey --path (altered block)" 1 "block at offset" 3 "$WP" get "$URL" --pubkey "$KEY" --path "$A_PATH"
run "get --pubkey --title (altered title page)" 1 "title page at offset" 3 "$WP" get "$URL" --pubkey "$KEY" --title "$T_TITLE"
run "get --pubkey --title (untouched)" 0 "" 4 "$WP" get "$URL" --pubkey "$KEY" --title "$C_TITLE"
[ "$REQUESTS" -gt 1 ] && ok || bad "get --pubkey --title: its pages and block were in the first read"
same_as_local "get --pubkey --title (untouched)" "$BIG" --title "$C_TITLE"
run "get --pubkey --path (untouched)" 0 "" 3 "$WP" get "$URL" --pubkey "$KEY" --path "$C_PATH"
same_as_local "get --pubkey --path (untouched)" "$BIG" --path "$C_PATH"
run "get --path (altered block, no key: its XXH3)" 1 "checksum mismatch" 3 "$WP" get "$URL" --path "$A_PATH"
run "find --pubkey (the altered title page)" 1 "title page at offset" 3 "$WP" find "$URL" --pubkey "$KEY" "$T_TITLE"
run "list --pubkey (entry pages untouched)" 0 "" 100 "$WP" list "$URL" --pubkey "$KEY"
run "verify --pubkey (reads it all: both found)" 1 "DAMAGED" 1000 \
    "$WP" verify "$URL" --pubkey "$KEY" --quiet

echo "== a mirror forging a block (XXH3 fixed up, prefix signed again)"
FORGED=$S/w/invalid/signed-block-altered.wpk
start_server forged "$FORGED" || exit 1
# The altered entry: the one whose content differs from signed.wpk's.
X_PATH=
while IFS= read -r p; do
    a=$("$WP" get "$SIGNED" --path "$p" | sha256sum)
    b=$("$WP" get "$FORGED" --path "$p" 2>/dev/null | sha256sum)
    if [ "$a" != "$b" ]; then X_PATH=$p; break; fi
done < <("$WP" list --revisions "$SIGNED" | cut -f3)
[ -n "$X_PATH" ] && ok || bad "no entry of signed-block-altered.wpk reads differently"
echo "forged entry: $X_PATH"
run "get --path (forged, no key: passes)" 0 "" 3 "$WP" get "$URL" --path "$X_PATH"
"$WP" get "$SIGNED" --path "$X_PATH" >"$S/local"
if cmp -s "$S/local" "$S/out"; then bad "the forged entry read as the original"; else ok; fi
run "get --pubkey --path (forged: refused)" 1 "BLAKE2b-256 mismatch" 3 "$WP" get "$URL" --pubkey "$KEY" --path "$X_PATH"
run "get --pubkey --title (untouched)" 0 "" 4 "$WP" get "$URL" --pubkey "$KEY" --title "$F_TITLE"
same_as_local "get --pubkey --title (untouched)" "$SIGNED" --title "$F_TITLE"

echo "== keys"
start_server plain "$SIGNED" || exit 1
OTHER=$(python3 -c 'import base64, sys; print(base64.b64encode(bytes.fromhex(open(sys.argv[1]).read().strip())).decode())' \
    "$S/w/keys/other.pub")
run "get --pubkey OTHER (signed by another key)" 1 "another key" 1 "$WP" get "$URL" --pubkey "$OTHER" --title "$C_TITLE"
start_server unsigned "$S/w/valid/rich.wpk" || exit 1
run "get --pubkey (unsigned archive)" 1 "not signed" 1 "$WP" get "$URL" --pubkey "$KEY" --title "$C_TITLE"

echo "== a prefix larger than the first read"
start_server big "$S/w/valid/dict-raw-big-prefix.wpk" || exit 1
run "info (open: two requests)" 0 "" 2 "$WP" info "$URL"
[ "$REQUESTS" -eq 2 ] && ok || bad "opening took $REQUESTS requests, not 2"

stop_servers
echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
