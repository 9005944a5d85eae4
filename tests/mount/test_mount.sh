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
mkdir -p "$S/m1" "$S/m2" "$S/m3" "$S/m6" "$S/x"
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

flip() { # flip FILE OFFSET: one byte inverted in place
    local b
    b=$(od -An -tu1 -j "$2" -N1 "$1")
    printf "\\$(printf %o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# read_damaged WHAT MOUNTPOINT: every extracted file read through the
# mount: each reads right or fails with EIO, never wrong; some of each.
read_damaged() {
    local what=$1 m=$2 good=0 eio=0 wrong=0 rel out
    while IFS= read -r f; do
        rel=${f#"$S/x/"}
        if out=$(cat "$m/$rel" 2>&1 >"$S/one"); then
            cmp -s "$S/one" "$f" && good=$((good + 1)) || wrong=$((wrong + 1))
        elif echo "$out" | grep "Input/output error" >/dev/null; then
            eio=$((eio + 1))
        else
            wrong=$((wrong + 1)); echo "  $rel: $out"
        fi
    done < <(find "$S/x" -type f)
    [ $eio -ge 1 ] && [ $good -ge 1 ] && [ $wrong = 0 ] &&
        ok "$what: $eio files fail with EIO, $good read right, none wrong" ||
        bad "$what: $eio EIO, $good right, $wrong wrong or other errors"
    mountpoint -q "$m" && ok "the mount survives the damaged reads" || bad "the mount died"
    fusermount3 -u "$m" || bad "unmount: $what"
}

# A damaged archive: small blocks, one byte flipped in the data.
"$WPK" pack -q --fast -B 4K -o "$S/d.wpk" "$SAMPLES/articles" || bad "pack small blocks"
flip "$S/d.wpk" $(( $(stat -c %s "$S/d.wpk") * 2 / 5 ))
"$WPK" mount "$S/d.wpk" "$S/m3" 2>"$S/m3.log" || bad "mount the damaged archive"
read_damaged "damaged data" "$S/m3"

# A damaged entry page (small pages, so that there are several): its
# entries fail with EIO, the other pages' entries still read. verify
# names the page; the flip lands inside the second entry page it finds.
"$WPK" pack -q --fast --page-size 1K -o "$S/p.wpk" "$SAMPLES/articles" || bad "pack small pages"
size=$(stat -c %s "$S/p.wpk") pages=()
for ((at = 0; at < size && ${#pages[@]} < 3; at += 256)); do
    cp "$S/p.wpk" "$S/probe.wpk"
    flip "$S/probe.wpk" $at
    page=$("$WPK" verify "$S/probe.wpk" 2>&1 | sed -n 's/.*: entry page at offset \([0-9]*\):.*/\1/p' | head -1)
    [ -n "$page" ] && [[ " ${pages[*]-} " != *" $page "* ]] && pages+=("$page")
done
if [ ${#pages[@]} -ge 3 ]; then
    cp "$S/p.wpk" "$S/pd.wpk"
    flip "$S/pd.wpk" $((pages[1] + 8))
    said=$("$WPK" verify "$S/pd.wpk" 2>&1)
    grep "entry page at offset ${pages[1]}:" >/dev/null <<<"$said" ||
        bad "the flip at ${pages[1]} + 8 is not in that entry page: $said"
    "$WPK" mount "$S/pd.wpk" "$S/m6" 2>"$S/m6.log" || bad "mount with a damaged entry page"
    read_damaged "damaged entry page (of ${#pages[@]})" "$S/m6"
else
    bad "expected several entry pages with --page-size 1K, found ${#pages[@]}"
fi

[ $fail = 0 ] && echo "mount: all checks passed" || echo "mount: FAILED"
exit $fail
