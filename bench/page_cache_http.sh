#!/bin/bash
# page_cache_http.sh - what `list` over HTTP holds for an archive of large
# index pages: the page cache is bounded in bytes (256 MiB for a URL),
# whatever the number of pages; a count alone (4,096 pages of up to 16 MiB)
# let a small archive of large pages make `list` hold gigabytes.
#
# usage: bench/page_cache_http.sh BUILD_DIR SCRATCH [RECORDS]
# Writes RECORDS (default 400000) JSON Lines records with long titles and
# many categories, packs them with 4 MiB index pages, serves the archive
# with tests/cli/http_test_server.py (Range requests) and runs `list` over
# HTTP and on the file under /usr/bin/time, printing the peak memory of
# each beside the archive's size and page count.
set -euo pipefail
B=$1 T=$2 N=${3:-400000}
WP=$B/wikipack
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$T"
python3 - "$T/big-pages.jsonl" "$N" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    for i in range(n):
        title = "Record %07d of a collection whose titles are long on purpose, " % i + "x" * 400
        cats = ["Category:Group %d of the records with long category names" % ((i + k) % 97) for k in range(20)]
        f.write(json.dumps({"title": title, "page_id": i + 1, "text": "r%d" % i, "categories": cats}) + "\n")
PY
"$WP" pack -q -o "$T/big-pages.wpk" --page-size 4M "$T/big-pages.jsonl"
size=$(stat -c %s "$T/big-pages.wpk")
pages=$("$WP" info "$T/big-pages.wpk" | grep -i "index" | head -3 | tr '\n' ' ')
python3 "$HERE/../tests/cli/http_test_server.py" "$T/big-pages.wpk" --port-file "$T/port" 2>/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat "$T/port")/big-pages.wpk
/usr/bin/time -f "%M %e" -o "$T/time-http" "$WP" list "$URL" >/dev/null
/usr/bin/time -f "%M %e" -o "$T/time-file" "$WP" list "$T/big-pages.wpk" >/dev/null
read -r http_kb http_s <"$T/time-http"
read -r file_kb file_s <"$T/time-file"
echo "archive: $size bytes, $N entries ($pages)"
echo "| list of | peak RSS | time |"
echo "|---|---:|---:|"
echo "| the archive over HTTP | $((http_kb / 1024)) MiB | ${http_s} s |"
echo "| the file | $((file_kb / 1024)) MiB | ${file_s} s |"
