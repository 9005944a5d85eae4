#!/usr/bin/env bash
# Reading archives over HTTP: `wikipack get|list|find|info|verify URL` give
# what they give on the local file, with few Range requests and few bytes,
# and every server failure (404, 5xx, no Range support, short answers, a
# file changed between requests, a server too slow) is a clean error that
# names the URL.
# nginx (a normal server, started as the current user with its files in
# SCRATCH_DIR) serves the archives; tests/cli/http_test_server.py plays the
# misbehaving servers.
# usage: bash tests/cli/test_http.sh PATH/TO/wikipack SAMPLES_DIR SCRATCH_DIR [HTTP_BUDGET]
# With HTTP_BUDGET (tests/http_budget.c, built), every entry of each archive
# is also looked up through the library against nginx.
# Fails when nginx is not installed (tools/install-deps.sh installs it):
# a test that skips itself would hide a missing install step.
set -uo pipefail

if [ $# -ne 3 ] && [ $# -ne 4 ]; then
    echo "usage: $0 PATH/TO/wikipack SAMPLES_DIR SCRATCH_DIR [HTTP_BUDGET]" >&2
    exit 2
fi
if [ ! -f "$2/EXPECTED.tsv" ] || [ ! -d "$2/articles" ]; then
    echo "$0: $2: no EXPECTED.tsv and articles/ there" >&2
    exit 2
fi
WP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SAMPLES=$(cd "$2" && pwd)
ARTICLES=$SAMPLES/articles
HERE=$(cd "$(dirname "$0")" && pwd)
SERVER=$HERE/http_test_server.py
BUDGET=
[ $# -eq 4 ] && BUDGET=$(cd "$(dirname "$4")" && pwd)/$(basename "$4")
NGINX=${NGINX:-/usr/sbin/nginx}
if [ ! -x "$NGINX" ]; then
    echo "$0: $NGINX not found: install nginx (tools/install-deps.sh)" >&2
    exit 1
fi

rm -rf "$3"
mkdir -p "$3" || exit 4
S=$(cd "$3" && pwd)
mkdir -p "$S/www" "$S/nginx" "$S/servers"
PASS=0
FAIL=0
ARCHIVES="dict nodict bigdict"
NGINX_PID=
SERVER_PIDS=()

stop_servers() {
    local pid
    for pid in $NGINX_PID ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do
        kill "$pid" 2>/dev/null
    done
    for pid in $NGINX_PID ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do
        wait "$pid" 2>/dev/null
    done
    NGINX_PID=
    SERVER_PIDS=()
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers

section() { printf '\n== %s\n' "$1"; }
ok() { PASS=$((PASS + 1)); }
bad() {
    FAIL=$((FAIL + 1))
    printf 'FAIL: %s\n' "$1"
    shift
    local line
    for line in "$@"; do printf '%s\n' "$line" | sed 's/^/  | /'; done
}

# run OUT ERR COMMAND...: run COMMAND under `timeout 60`, stdout to OUT and
# stderr to ERR; RC is its exit status. A hang or a crash is reported here
# (and the caller's own check then fails too).
run() {
    local out=$1 err=$2
    shift 2
    timeout 60 "$@" </dev/null >"$out" 2>"$err"
    RC=$?
    if [ "$RC" -eq 124 ]; then
        echo "  (hung: killed after 60 s: $(printf '%q ' "$@"))"
    elif [ "$RC" -ge 128 ]; then
        echo "  (crashed: exit status $RC: $(printf '%q ' "$@"))"
    fi
}

free_port() {
    python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- nginx

ACCESS_LOG=$S/nginx/access.log

write_nginx_conf() { # write_nginx_conf PORT
    {
        [ "$(id -u)" -eq 0 ] && echo "user root;"   # else the workers would be nobody
        cat <<EOF
daemon off;
worker_processes 1;
pid $S/nginx/nginx.pid;
error_log $S/nginx/error.log info;
events { worker_connections 64; }
http {
    default_type application/octet-stream;
    log_format ranges '\$request "\$http_range" \$status \$body_bytes_sent';
    access_log $ACCESS_LOG ranges;
    client_body_temp_path $S/nginx/client_body;
    proxy_temp_path $S/nginx/proxy;
    fastcgi_temp_path $S/nginx/fastcgi;
    uwsgi_temp_path $S/nginx/uwsgi;
    scgi_temp_path $S/nginx/scgi;
    server {
        listen 127.0.0.1:$1;
        root $S/www;
    }
}
EOF
    } >"$S/nginx/nginx.conf"
}

# Starts nginx on a free port (a few tries: another program may take the
# port between our choosing it and nginx binding it); sets NGINX_PORT.
start_nginx() {
    local try i
    for try in 1 2 3; do
        NGINX_PORT=$(free_port) || return 1
        write_nginx_conf "$NGINX_PORT"
        "$NGINX" -p "$S/nginx" -e "$S/nginx/error.log" -c "$S/nginx/nginx.conf" 2>>"$S/nginx/stderr" &
        NGINX_PID=$!
        for i in $(seq 100); do
            port_open "$NGINX_PORT" && return 0
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$NGINX_PID" 2>/dev/null
        wait "$NGINX_PID" 2>/dev/null
        NGINX_PID=
    done
    echo "nginx did not start:" >&2
    cat "$S/nginx/stderr" "$S/nginx/error.log" >&2 2>/dev/null
    return 1
}

# The access log lines written since the last mark_log, in $S/requests.
# nginx logs a request once it has answered it: wait for the log to settle.
mark_log() { LOG_MARK=$(wc -l <"$ACCESS_LOG"); }
requests_since_mark() {
    local n m
    n=$(wc -l <"$ACCESS_LOG")
    for _ in 1 2 3 4 5; do
        sleep 0.05
        m=$(wc -l <"$ACCESS_LOG")
        [ "$m" -eq "$n" ] && break
        n=$m
    done
    tail -n +$((LOG_MARK + 1)) "$ACCESS_LOG" >"$S/requests"
    REQUESTS=$(wc -l <"$S/requests")
    BYTES=$(awk '{ s += $NF } END { print s + 0 }' "$S/requests")
}

# ---------------------------------------------------------------- test server

# start_server NAME FILE MODE...: tests/cli/http_test_server.py serving FILE;
# sets URL to it (the path part is ignored by that server).
start_server() {
    local name=$1 file=$2 i
    shift 2
    rm -f "$S/servers/$name.port"
    python3 "$SERVER" "$file" --port-file "$S/servers/$name.port" "$@" 2>"$S/servers/$name.log" &
    SERVER_PIDS+=($!)
    for i in $(seq 100); do
        [ -s "$S/servers/$name.port" ] && break
        sleep 0.1
    done
    [ -s "$S/servers/$name.port" ] || { echo "test server $name did not start" >&2; cat "$S/servers/$name.log" >&2; return 1; }
    URL=http://127.0.0.1:$(cat "$S/servers/$name.port")/$(basename "$file")
}

# ---------------------------------------------------------------- archives

# The 40 sample articles alone make a 26 KB archive, read whole by the first
# request. 4000 generated articles (title, page ID, random words from the
# samples) around them make one of ~1.6 MB, with most index pages beyond
# the first 64 KiB, which a lookup then has to fetch. A few of them, in the
# layout of EXPECTED.tsv, go to $S/generated.tsv.
# dict.wpk is packed with the default options (its dictionary, compressed,
# still lies within the first 64 KiB), nodict.wpk with --no-dict and
# bigdict.wpk with a 256 KiB dictionary that reaches beyond them.
make_generated() {
    python3 - "$ARTICLES" "$S/generated" "$S/generated.tsv" <<'EOF'
import os, random, re, sys
src, out, keys = sys.argv[1:]
words = []
for d, dirs, files in sorted(os.walk(src)):
    for f in sorted(files):
        words += re.findall(r"[A-Za-z]+", open(os.path.join(d, f), encoding="utf-8").read())
rng = random.Random(1)
os.makedirs(out)
with open(keys, "w") as k:
    k.write("page_id\ttitle\tpath\n")
    for i in range(4000):
        title = "%s %s %d" % (rng.choice(words).capitalize(), rng.choice(words), i)
        body = " ".join(rng.choice(words) for _ in range(rng.randint(80, 250)))
        name = "generated_%04d.md" % i
        with open(os.path.join(out, name), "w") as f:
            f.write("# %s\n\n## Metadata\n- **Last Updated:** 2024-12-15 04:18:51 UTC\n"
                    "- **Original Article:** [%s](https://en.wikipedia.org/wiki/%s)\n"
                    "- **Language:** en\n- **Page ID:** %d\n\n## Summary\n%s\n"
                    % (title, title, title.replace(" ", "_"), 90000000 + i, body))
        if i in (7, 1999, 3998):
            k.write("%d\t%s\t%s\n" % (90000000 + i, title, name))
EOF
}

# dict_end FILE: the file offset where the DICT section ends (0 without one).
dict_end() {
    python3 - "$1" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read(65536)
end = 0
for i in range(struct.unpack_from("<I", b, 72)[0]):
    kind, flags, offset, size = struct.unpack_from("<IIQQ", b, 128 + 48 * i)
    if kind == 8:
        end = offset + size
print(end)
EOF
}

dict_bytes() {
    "$WP" info --json "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["dictionary_bytes"])'
}

prepare() {
    section "archives and servers"
    if make_generated && "$WP" pack -q -o "$S/www/dict.wpk" "$ARTICLES" "$S/generated" \
        && "$WP" pack -q --no-dict -o "$S/www/nodict.wpk" "$ARTICLES" "$S/generated" \
        && "$WP" pack -q --dict-size 256K -o "$S/www/bigdict.wpk" "$ARTICLES" "$S/generated"; then ok
    else bad "pack the archives"; exit 1; fi
    cp "$S/www/dict.wpk" "$S/changing.wpk"   # for the server that keeps changing it
    local d n b
    d=$(dict_bytes "$S/www/dict.wpk")
    n=$(dict_bytes "$S/www/nodict.wpk")
    b=$(dict_end "$S/www/bigdict.wpk")
    if [ "${d:-0}" -gt 0 ] && [ "${n:-1}" -eq 0 ] && [ "${b:-0}" -gt 65536 ]; then ok
    else bad "dict.wpk has a dictionary ($d bytes), nodict.wpk none ($n bytes), bigdict.wpk's ends after 64 KiB (at $b)"; fi
    local size
    for a in $ARCHIVES; do
        size=$(stat -c %s "$S/www/$a.wpk")
        if [ "$size" -gt 1048576 ]; then ok; else bad "$a.wpk: $size bytes, expected more than 1 MiB"; fi
        echo "$a.wpk: $size bytes, dictionary $(dict_bytes "$S/www/$a.wpk") bytes (stored up to offset $(dict_end "$S/www/$a.wpk"))"
    done
    if start_nginx; then ok; else bad "start nginx"; exit 1; fi
    echo "nginx on port $NGINX_PORT"
    # The server itself: a Range request gets 206, and is logged.
    mark_log
    python3 - "http://127.0.0.1:$NGINX_PORT/dict.wpk" <<'EOF' >/dev/null
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], headers={"Range": "bytes=0-31"})
assert urllib.request.urlopen(req).status == 206
EOF
    requests_since_mark
    if [ "$REQUESTS" -eq 1 ] && grep -q '"bytes=0-31" 206 32$' "$S/requests"; then ok
    else bad "nginx answers a Range request with 206 and logs it" "$(cat "$S/requests")"; fi
}

# ---------------------------------------------------------------- lookups

# Entries looked up: the articles of EXPECTED.tsv and a few generated ones,
# each with the input file whose bytes it must give back.
lookup_keys() {
    local id title path src
    while IFS=$'\t' read -r id title path; do
        case $path in generated_*) src=$S/generated/$path ;; *) src=$ARTICLES/$path ;; esac
        printf 'id\t%s\t%s\n' "$id" "$src"
        printf 'title\t%s\t%s\n' "$title" "$src"
        printf 'path\t%s\t%s\n' "$path" "$src"
    done < <(tail -q -n +2 "$SAMPLES/EXPECTED.tsv" "$S/generated.tsv")
}

# get_over_http ARCHIVE KIND KEY SOURCE: `get URL --KIND KEY` prints the bytes
# of the input file SOURCE (an answer wikipack did not compute) and what `get
# FILE --KIND KEY` prints, in few Range requests and few bytes.
get_over_http() {
    local a=$1 kind=$2 key=$3 src=$4 file=$S/www/$1.wpk url=http://127.0.0.1:$NGINX_PORT/$1.wpk
    local size limit name="get $a.wpk --$kind $key"
    size=$(stat -c %s "$file")
    run "$S/local.out" "$S/local.err" "$WP" get "$file" --"$kind" "$key"
    if [ "$RC" -ne 0 ]; then bad "$name: local get failed ($RC)" "$(cat "$S/local.err")"; return; fi
    mark_log
    run "$S/url.out" "$S/url.err" "$WP" get "$url" --"$kind" "$key"
    requests_since_mark
    printf '%-7s --%-5s %-52s %2d requests %7d bytes\n' "$a" "$kind" "$key" "$REQUESTS" "$BYTES"
    if [ "$RC" -eq 0 ] && cmp -s "$src" "$S/url.out"; then ok
    else bad "$name: exit $RC, output differs from the input file $src" "$(head -n 5 "$S/url.err")"; fi
    if cmp -s "$S/local.out" "$S/url.out"; then ok
    else bad "$name: output differs from the local file's"; fi
    # open: 1, 2 when the prefix (its dictionary) is larger than the first
    # 256 KiB; index pages: 2 (by path the entry page and, for an older
    # version sharing its current version's categories, that one's); the block: 1
    limit=4
    [ "$a" = bigdict ] && limit=5
    if [ "$REQUESTS" -ge 1 ] && [ "$REQUESTS" -le "$limit" ]; then ok
    else bad "$name: $REQUESTS requests, expected 1..$limit" "$(cat "$S/requests")"; fi
    if awk '$(NF-2) == "\"-\"" || $(NF-1) != 206 { exit 1 }' "$S/requests"; then ok
    else bad "$name: a request without Range or not answered with 206" "$(cat "$S/requests")"; fi
    if [ "$BYTES" -lt $((size / 2)) ]; then ok
    else bad "$name: $BYTES bytes transferred, the archive has $size" "$(cat "$S/requests")"; fi
}

test_get() {
    section "get by id, title and path: same bytes, few requests"
    local a kind key
    for a in $ARCHIVES; do
        while IFS=$'\t' read -r kind key src; do
            get_over_http "$a" "$kind" "$key" "$src"
        done < <(lookup_keys)
    done
}

# ---------------------------------------------------------------- other commands

# same_as_local NAME ARCHIVE COMMAND ARGS...: `wikipack COMMAND URL ARGS`
# exits and prints as `wikipack COMMAND FILE ARGS` does (the URL in place of
# the file name); no byte range is asked twice.
same_as_local() {
    local name=$1 a=$2 cmd=$3 file=$S/www/$2.wpk url=http://127.0.0.1:$NGINX_PORT/$2.wpk
    shift 3
    run "$S/local.out" "$S/local.err" "$WP" "$cmd" "$file" "$@"
    local lrc=$RC
    mark_log
    run "$S/url.out" "$S/url.err" "$WP" "$cmd" "$url" "$@"
    requests_since_mark
    printf '%-7s %-28s %3d requests %7d bytes\n' "$a" "$name" "$REQUESTS" "$BYTES"
    python3 - "$S/local.out" "$S/url.out" "$file" "$url" <<'EOF'
import sys
local, remote, path, url = sys.argv[1:]
open(local + ".url", "wb").write(open(local, "rb").read().replace(path.encode(), url.encode()))
EOF
    if [ "$RC" -eq "$lrc" ] && cmp -s "$S/local.out.url" "$S/url.out"; then ok
    else
        bad "$name ($a.wpk): exit $RC (local $lrc), or the output differs" \
            "$(diff "$S/local.out.url" "$S/url.out" | head -n 6)" "$(head -n 3 "$S/url.err")"
    fi
    local again
    again=$(awk '{ print $(NF-2) }' "$S/requests" | sort | uniq -d | head -n 3 | tr '\n' ' ')
    if [ -z "$again" ]; then ok; else bad "$name ($a.wpk): ranges asked more than once: $again"; fi
}

test_commands() {
    section "list, info, find, verify: as on the local file"
    local a
    for a in $ARCHIVES; do
        same_as_local "list" "$a" list
        same_as_local "list --json" "$a" list --json
        same_as_local "info" "$a" info
        same_as_local "info --json" "$a" info --json
        same_as_local "find Py" "$a" find Py
        same_as_local "find t --limit 0" "$a" find t --limit 0
        same_as_local "find nothing-like-it" "$a" find "nothing-like-it"
        same_as_local "verify --quick" "$a" verify --quick
        same_as_local "verify" "$a" verify
        same_as_local "get (not found)" "$a" get --id 999999999
    done
    local url=http://127.0.0.1:$NGINX_PORT/dict.wpk
    run "$S/local.out" "$S/local.err" "$WP" get "$S/www/dict.wpk" --title Pycassa
    run "$S/url.out" "$S/url.err" "$WP" get "$url" --title Pycassa --timeout 5
    if [ "$RC" -eq 0 ] && cmp -s "$S/local.out" "$S/url.out"; then ok
    else bad "get --timeout 5 through nginx: exit $RC or wrong bytes" "$(head -n 3 "$S/url.err")"; fi
    run "$S/local.out" "$S/local.err" "$WP" get "$S/www/dict.wpk" --path generated_0150.md
    mark_log
    run "$S/url.out" "$S/url.err" "$WP" get "$url" --path generated_0150.md --download
    requests_since_mark
    echo "get --download: $REQUESTS requests, $BYTES bytes"
    if [ "$RC" -eq 0 ] && cmp -s "$S/local.out" "$S/url.out"; then ok
    else bad "get --download through nginx: exit $RC or wrong bytes" "$(head -n 3 "$S/url.err")"; fi
}

# ---------------------------------------------------------------- errors

# fails CODES TEXTS NAME COMMAND...: COMMAND exits with one of CODES ("4" or
# "1|4") and a message on stderr that names the URL $URL and matches the
# extended regular expression TEXTS (case ignored).
fails() {
    local codes=$1 texts=$2 name=$3
    shift 3
    run "$S/err.out" "$S/err.err" "$@"
    printf '%-44s exit %3d: %s\n' "$name" "$RC" "$(head -n 1 "$S/err.err")"
    case "|$codes|" in
        *"|$RC|"*) ok ;;
        *) bad "$name: exit status $RC, expected $codes" "$(head -n 5 "$S/err.err")" ;;
    esac
    if grep -qiE -- "$texts" "$S/err.err"; then ok
    else bad "$name: the message does not match /$texts/" "$(head -n 5 "$S/err.err")"; fi
    if grep -qF -- "$URL" "$S/err.err"; then ok
    else bad "$name: the message does not name $URL" "$(head -n 5 "$S/err.err")"; fi
}

test_errors() {
    section "server failures"
    local cmd t0 t1 ms
    URL=http://127.0.0.1:$NGINX_PORT/missing.wpk
    for cmd in get info list verify; do
        if [ "$cmd" = get ]; then
            fails 4 "404" "404: $cmd" "$WP" get "$URL" --id 1251223
        else
            fails 4 "404" "404: $cmd" "$WP" "$cmd" "$URL"
        fi
    done
    fails 4 "404" "404: find" "$WP" find "$URL" Py

    URL=http://127.0.0.1:$(free_port)/dict.wpk
    fails 4 "connect|refused|reach" "nothing listening" "$WP" get "$URL" --id 1251223

    start_server norange "$S/www/dict.wpk" --no-range || { bad "start the test server"; return; }
    fails 4 "does not support range requests" "no Range support: get" "$WP" get "$URL" --id 1251223
    if grep -qF -- "--download" "$S/err.err"; then ok
    else bad "no Range support: the message does not mention --download" "$(cat "$S/err.err")"; fi
    fails 4 "does not support range requests" "no Range support: info" "$WP" info "$URL"
    run "$S/local.out" "$S/local.err" "$WP" get "$S/www/dict.wpk" --id 1251223
    run "$S/url.out" "$S/url.err" "$WP" get "$URL" --id 1251223 --download
    if [ "$RC" -eq 0 ] && cmp -s "$S/local.out" "$S/url.out"; then ok
    else bad "no Range support: get --download: exit $RC or wrong bytes" "$(head -n 3 "$S/url.err")"; fi
    for cmd in info list verify; do
        run "$S/local.out" "$S/local.err" "$WP" "$cmd" "$S/www/dict.wpk"
        run "$S/url.out" "$S/url.err" "$WP" "$cmd" "$URL" --download
        if [ "$RC" -eq 0 ] && [ "$(sed "s|$S/www/dict.wpk|X|g" "$S/local.out")" = "$(sed "s|$URL|X|g" "$S/url.out")" ]; then ok
        else bad "no Range support: $cmd --download: exit $RC or different output" "$(head -n 3 "$S/url.err")"; fi
    done

    # --download is bounded: an endless body stops at --max-download, a
    # dripping server is given up (less than 1 KiB a second for 30 s), a
    # redirect loop after 5 redirects.
    start_server endless "$S/www/dict.wpk" --endless || { bad "start the test server"; return; }
    fails 6 "larger than the 52428800 bytes a download may take" "endless body: --download stops at its cap" \
        "$WP" info "$URL" --download --max-download 50M
    start_server redirects "$S/www/dict.wpk" --redirect-loop || { bad "start the test server"; return; }
    fails 4 "redirect" "a redirect loop: --download gives up" "$WP" info "$URL" --download
    if [ "$(grep -c '302' "$S/servers/redirects.log")" -le 6 ]; then ok
    else bad "a redirect loop: $(grep -c '302' "$S/servers/redirects.log") requests"; fi
    start_server drip "$S/www/dict.wpk" --drip 0.5 || { bad "start the test server"; return; }
    t0=$(date +%s)
    fails 4 "timeout|slow" "a dripping server: --download gives up" "$WP" info "$URL" --download
    [ $(( $(date +%s) - t0 )) -le 45 ] && ok || bad "a dripping server held --download for $(( $(date +%s) - t0 )) s"

    start_server truncate "$S/www/dict.wpk" --truncate || { bad "start the test server"; return; }
    fails "4|1" "short" "connection closed mid-body" "$WP" get "$URL" --id 1251223

    start_server short "$S/www/dict.wpk" --short || { bad "start the test server"; return; }
    fails "4|1" "short" "206 shorter than asked" "$WP" get "$URL" --id 1251223

    start_server etag "$S/www/dict.wpk" --change-etag || { bad "start the test server"; return; }
    fails "4|1" "changed" "ETag changes" "$WP" get "$URL" --id 1251223

    start_server date "$S/changing.wpk" --change-date || { bad "start the test server"; return; }
    fails "4|1" "changed" "Last-Modified changes (no ETag)" "$WP" get "$URL" --id 1251223

    for code in 500 503; do
        start_server "status$code" "$S/www/dict.wpk" --status "$code" || { bad "start the test server"; return; }
        fails 4 "$code" "status $code" "$WP" get "$URL" --id 1251223
    done

    start_server slow "$S/www/dict.wpk" --slow 20 || { bad "start the test server"; return; }
    t0=${EPOCHREALTIME/./}
    fails 4 "timed out|timeout" "server slower than --timeout 1" "$WP" get "$URL" --id 1251223 --timeout 1
    t1=${EPOCHREALTIME/./}
    ms=$(((t1 - t0) / 1000))
    if [ "$ms" -lt 5000 ]; then ok; else bad "--timeout 1 against a slow server took $ms ms"; fi
    echo "  (--timeout 1 gave up after $ms ms)"
}

# ---------------------------------------------------------------- library

test_budget() {
    section "every entry through the library (http_budget)"
    # ctest always gives it; a hand run without it fails rather than skip.
    if [ -z "$BUDGET" ]; then bad "no http_budget program given (4th argument)" ""; return; fi
    local a
    for a in $ARCHIVES; do
        echo "$a.wpk:"
        timeout 600 "$BUDGET" "http://127.0.0.1:$NGINX_PORT/$a.wpk" "$S/www/$a.wpk" </dev/null >"$S/budget.out" 2>&1
        RC=$?
        sed 's/^/  /' "$S/budget.out" | tail -n 20
        if [ "$RC" -eq 0 ]; then ok; else bad "http_budget $a.wpk: exit status $RC"; fi
    done
}

# ---------------------------------------------------------------- main

prepare
test_get
test_commands
test_errors
test_budget
stop_servers

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
