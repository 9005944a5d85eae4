#!/bin/bash
# test_mount.sh WIKIPACK SAMPLES SCRATCH - `wikipack mount`: the mounted tree
# is what `extract` writes (diff -r), grep and the by-id/by-title views work,
# fusermount3 -u and Ctrl-C unmount it, a URL mounts too, and a damaged
# archive's damaged files fail with EIO while the others still read.
set -uo pipefail
WPK=$1 SAMPLES=$2 S=$3
fail=0
ok()  { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
cleanup() {
    for m in "$S"/m*; do mountpoint -q "$m" 2>/dev/null && fusermount3 -u "$m"; done
}
trap cleanup EXIT
rm -rf "$S"
mkdir -p "$S/m1" "$S/m2" "$S/m3" "$S/x"
if [ ! -w /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
    # What a user gets where FUSE is missing: a clear message, not a crash.
    out=$("$WPK" mount "$SAMPLES/none.wpk" "$S/m1" 2>&1)
    echo "$out" | grep -q "FUSE is not available" && ok "no FUSE: says so" || bad "no FUSE: $out"
    echo "SKIPPED: /dev/fuse or fusermount3 missing, nothing mounted"
    exit $fail
fi

"$WPK" pack -q --fast -o "$S/a.wpk" "$SAMPLES/articles" || { bad "pack"; exit 1; }
"$WPK" extract -q "$S/a.wpk" -C "$S/x" >/dev/null 2>&1 || "$WPK" extract "$S/a.wpk" -C "$S/x" >/dev/null || bad "extract"

# Mounted in the background: the command returns once it is mounted.
"$WPK" mount "$S/a.wpk" "$S/m1" && mountpoint -q "$S/m1" && ok "mounted" || bad "mount"
if diff -r --exclude=by-id --exclude=by-title "$S/x" "$S/m1" >"$S/diff.txt"; then
    ok "diff -r against extract: the same tree and bytes ($(find "$S/x" -type f | wc -l) files)"
else
    bad "diff -r against extract: $(head -5 "$S/diff.txt")"
fi
want=$(cd "$S/x" && grep -rl "Guido" . | sort)
got=$(cd "$S/m1" && grep -rl "Guido" --exclude-dir=by-id --exclude-dir=by-title . | sort)
[ -n "$want" ] && [ "$want" = "$got" ] && ok "grep -r finds the same $(echo "$want" | wc -l) files" || bad "grep -r: '$got' against '$want'"
id=$(ls "$S/m1/by-id" | head -1)
[ -n "$id" ] && cmp -s "$S/m1/by-id/$id" <("$WPK" get "$S/a.wpk" --id "$id") && ok "by-id/$id is the article" || bad "by-id/$id"
title=$(ls "$S/m1/by-title" | head -1)
target=$(readlink "$S/m1/by-title/$title")
[ -n "$title" ] && [ -f "$S/m1/by-title/$title" ] && case $target in ../*) true ;; *) false ;; esac &&
    ok "by-title/$title links to $target" || bad "by-title: '$title' -> '$target'"
[ ! -e "$S/m1/no-such-file" ] && ok "a missing path is ENOENT" || bad "missing path"
touch "$S/m1/new" 2>/dev/null && bad "a write was accepted" || ok "read-only"
fusermount3 -u "$S/m1" && ! mountpoint -q "$S/m1" && ok "fusermount3 -u unmounts" || bad "unmount"

# An archive on a web server, read by Range requests (tests/cli/http_test_server.py).
HERE=$(cd "$(dirname "$0")" && pwd)
python3 "$HERE/../cli/http_test_server.py" "$S/a.wpk" --port-file "$S/port" 2>"$S/server.log" &
server=$!
for _ in $(seq 50); do [ -s "$S/port" ] && break; sleep 0.1; done
mkdir -p "$S/m4"
if "$WPK" mount "http://127.0.0.1:$(cat "$S/port")/a.wpk" "$S/m4" &&
   diff -r --exclude=by-id --exclude=by-title "$S/x" "$S/m4" >/dev/null; then
    ok "a URL mounted: the same tree and bytes (HTTP requests: $(wc -l <"$S/server.log"))"
else
    bad "mount a URL"
fi
fusermount3 -u "$S/m4"
kill $server

# A file over 16 MiB is streamed, not read whole: in order, and at random
# offsets (each a step back or forward of the stream).
mkdir -p "$S/big" "$S/m5"
python3 -c "
import random, sys
random.seed(1)
w = ['alpha', 'beta', 'gamma', 'python', 'wiki', 'omega']
with open(sys.argv[1], 'w') as f:
    for i in range(300000): f.write(' '.join(random.choice(w) for _ in range(10)) + ' %d\n' % i)" "$S/big/big.txt"
"$WPK" pack -q --fast -o "$S/big.wpk" "$S/big" && "$WPK" mount "$S/big.wpk" "$S/m5" || bad "mount a large file"
cmp -s "$S/big/big.txt" "$S/m5/big.txt" && ok "a $(stat -c %s "$S/big/big.txt")-byte file reads in order" || bad "large file in order"
python3 -c "
import os, random, sys
a = open(sys.argv[1], 'rb').read(); f = os.open(sys.argv[2], os.O_RDONLY)
random.seed(2)
wrong = sum(os.pread(f, n, o) != a[o:o + n] for o, n in ((random.randrange(len(a)), random.randrange(1, 300000)) for _ in range(100)))
sys.exit(wrong)" "$S/big/big.txt" "$S/m5/big.txt" && ok "and at 100 random offsets" || bad "large file at random offsets"
fusermount3 -u "$S/m5"

# In the foreground, Ctrl-C (SIGINT) unmounts and exits 0.
"$WPK" mount --foreground "$S/a.wpk" "$S/m2" &
pid=$!
for _ in $(seq 50); do mountpoint -q "$S/m2" && break; sleep 0.1; done
mountpoint -q "$S/m2" && ok "mounted in the foreground" || bad "foreground mount"
kill -INT "$pid"
wait "$pid"
rc=$?
! mountpoint -q "$S/m2" && [ $rc = 0 ] && ok "Ctrl-C unmounts (exit $rc)" || bad "Ctrl-C: exit $rc"

# A damaged archive: small blocks, one byte flipped in the data.
"$WPK" pack -q --fast -B 4K -o "$S/d.wpk" "$SAMPLES/articles" || bad "pack small blocks"
size=$(stat -c %s "$S/d.wpk")
python3 -c "
import sys
p, at = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read()); b[at] ^= 0xFF; open(p, 'wb').write(b)" "$S/d.wpk" $((size * 2 / 5))
"$WPK" mount "$S/d.wpk" "$S/m3" 2>"$S/m3.log" || bad "mount the damaged archive"
good=0 eio=0 wrong=0
while IFS= read -r f; do
    rel=${f#"$S/x/"}
    if out=$(cat "$S/m3/$rel" 2>&1 >"$S/one"); then
        cmp -s "$S/one" "$f" && good=$((good + 1)) || wrong=$((wrong + 1))
    elif echo "$out" | grep -q "Input/output error"; then
        eio=$((eio + 1))
    else
        wrong=$((wrong + 1)); echo "  $rel: $out"
    fi
done < <(find "$S/x" -type f)
[ $eio -ge 1 ] && [ $good -ge 1 ] && [ $wrong = 0 ] &&
    ok "damaged archive: $eio files fail with EIO, $good read right, none wrong" ||
    bad "damaged archive: $eio EIO, $good right, $wrong wrong or other errors"
mountpoint -q "$S/m3" && ok "the mount survives the damaged reads" || bad "the mount died"
fusermount3 -u "$S/m3" || bad "unmount the damaged archive"

[ $fail = 0 ] && echo "mount: all checks passed" || echo "mount: FAILED"
exit $fail
