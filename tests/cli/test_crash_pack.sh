#!/usr/bin/env bash
# A pack killed at any moment leaves, under the final name, either nothing
# (first pack) or the previous archive byte for byte - never a partial
# file. Kills a packing process with SIGKILL at spread-out moments of a
# pack's run time, with and without an archive already in place.
# Usage: test_crash_pack.sh WIKIPACK SCRATCH_DIR
set -uo pipefail
wikipack=$1
scratch=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

rm -rf "$scratch"
mkdir -p "$scratch/input" "$scratch/out"
# About 6 MB of varied text, so that a pack takes long enough to be hit
# in its reading, compressing, index and commit phases.
python3 - "$scratch/input" <<'EOF'
import os, random, sys
random.seed(7)
words = [''.join(random.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(random.randint(2, 9))) for _ in range(4000)]
for i in range(300):
    d = os.path.join(sys.argv[1], 'd%02d' % (i % 17))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'article-%04d.md' % i), 'w') as f:
        f.write('# Article %d\n\n' % i)
        f.write(' '.join(random.choice(words) for _ in range(3500)))
EOF

final=$scratch/out/c.wpk
start=$(date +%s%N)
"$wikipack" pack -q -l 9 -o "$scratch/reference.wpk" "$scratch/input" || { echo "reference pack failed" >&2; exit 1; }
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took_ms" -lt 50 ] && took_ms=50
echo "one pack takes ${took_ms} ms; killing at 2% to 110% of that"
old_sum=$(cksum <"$scratch/reference.wpk")

# Kill at fraction PCT% of a pack's run time; $1 = "fresh" (no archive
# under the final name) or "replace" (the reference archive is there).
kill_at() {
    local mode=$1 pct=$2
    rm -f "$scratch/out/"*  "$scratch/out/".[!.]* 2>/dev/null
    [ "$mode" = replace ] && cp "$scratch/reference.wpk" "$final"
    "$wikipack" pack -q -l 9 -o "$final" "$scratch/input" &
    local pid=$!
    sleep "$(awk -v ms="$took_ms" -v p="$pct" 'BEGIN { printf "%.3f", ms * p / 100000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    local what="$mode, killed at ${pct}%"
    if [ ! -e "$final" ]; then
        if [ "$mode" = fresh ]; then ok; else bad "$what: the previous archive is gone"; fi
    elif [ "$mode" = replace ] && [ "$(cksum <"$final")" = "$old_sum" ]; then ok
    elif "$wikipack" verify "$final" >/dev/null 2>&1; then ok   # the new pack completed before the kill
    else bad "$what: a damaged archive under the final name: $("$wikipack" verify "$final" 2>&1 | head -2)"; fi
    # Nothing else is left, except, when killed between naming the finished
    # file and renaming it, that complete file under its temporary name.
    for f in "$scratch/out/"* "$scratch/out/".[!.]*; do
        [ -e "$f" ] || continue
        case $f in
        "$final") ;;
        "$final".tmp-*) "$wikipack" verify "$f" >/dev/null 2>&1 || bad "$what: damaged temporary $(basename "$f")" ;;
        *) bad "$what: unexpected file $(basename "$f")" ;;
        esac
    done
}

for mode in fresh replace; do
    for pct in 2 5 10 20 30 40 50 60 70 80 85 90 95 98 100 105 110; do
        kill_at "$mode" "$pct"
    done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
