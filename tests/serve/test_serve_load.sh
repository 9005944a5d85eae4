#!/bin/bash
# The short form of bench/serve_load.py: 200 readers and a 400-socket
# slowloris attack for 20 s against the sample archive. Checks behaviour
# only (every request answered, every attacking socket cut at the head
# deadline, the server alive), never timings: the machine may be busy.
# usage: test_serve_load.sh WIKIPACK SAMPLES SCRATCH
set -u
WP=$1 SAMPLES=$2 T=$3
rm -rf "$T"
mkdir -p "$T"
"$WP" pack -q -o "$T/samples.wpk" "$SAMPLES" 2>/dev/null || { echo "FAIL: pack"; exit 1; }
python3 "$(dirname "$0")/../../bench/serve_load.py" --wikipack "$WP" --duration 20 --connections 200 \
    --slowloris 400 --header-timeout 5 --check "$T/samples.wpk"
