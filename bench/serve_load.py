#!/usr/bin/env python3
"""serve_load.py - `wikipack serve` under load and under attack at once.

wrk opens CONNECTIONS keep-alive connections, each asking for an article
page, a raw entry, a title or a suggestion about once a second (wrk's
delay(): a thousand readers, not a thousand clients in a loop), while
tests/serve/slowloris.py holds SLOWLORIS sockets from 40 loopback
addresses, each trickling a request head a byte a second and reopened as
soon as the server cuts it. Every few seconds the server's resident memory
is sampled.

usage: serve_load.py --wikipack BIN [--duration S] [--connections N]
                     [--slowloris N] [--rate-ms MS] [--raw-only]
                     [--kiwix ZIM] [--check] ARCHIVE [OUT.md]

--raw-only asks only for entries as stored (no page rendered), and
--kiwix ZIM runs the peer, kiwix-serve (Debian package kiwix-tools), on a
ZIM of the same files (bench_util.py zim-pack), under the same load and
attack: the same entries asked for at /NAME/PATH (kiwix-serve 3.3). kiwix-serve
serves stored entries, so compare it with --raw-only.

Prints (and appends to OUT.md) a table: requests answered, their latency
percentiles as wrk measured them, errors, attack sockets held and cut, and
the server's memory after the warm-up, at its highest and at the end.
--check exits 1 when a request failed (socket error, timeout, status other
than 2xx/3xx) or the attack was not cut: the short form CI runs, which
checks behaviour, never timings. Needs wrk (Debian package wrk).
"""
import argparse
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LORIS = os.path.join(HERE, "..", "tests", "serve", "slowloris.py")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def paths_of(wikipack, archive, name, raw_only=False, kiwix=None):
    """A mix of what readers ask for, from the archive's own entries."""
    out = subprocess.run([wikipack, "list", archive, "--json"], check=True, capture_output=True, text=True).stdout
    entries = json.loads(out)
    rng = random.Random(1)
    rng.shuffle(entries)
    paths = []
    quote = lambda s: "".join(c if c.isalnum() or c in "-._~" else "%%%02X" % b for c in s for b in c.encode())[:400]
    for e in entries[:400]:
        raw = "/".join(quote(p) for p in e["path"].split("/"))
        if kiwix:
            paths.append("/%s/%s" % (kiwix, raw))
            continue
        if raw_only:
            paths.append("/%s/raw/%s" % (name, raw))
            continue
        if e.get("page_id"):
            paths.append("/%s/id/%d" % (name, e["page_id"]))
        if e.get("title"):
            paths.append("/%s/A/%s" % (name, quote(e["title"].replace(" ", "_"))))
            paths.append("/%s/api/suggest?q=%s" % (name, quote(e["title"][:3])))
        paths.append("/%s/raw/%s" % (name, raw))
    rng.shuffle(paths)
    return paths


LUA = """
local paths = {%s}
local n = 0
function setup(thread) thread:set("off", n * 37); n = n + 1 end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[((i + off) %% #paths) + 1])
end
delay = function() return math.random(%d, %d) end
"""


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def parse_wrk(text):
    r = {"text": text}
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    r["requests"] = int(m.group(1)) if m else 0
    for pct in ("50", "75", "90", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, text, re.M)
        if m:
            v = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
            r["p" + pct] = v
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    r["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    r["socket_detail"] = m.group(0) if m else "none"
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    r["rps"] = float(m.group(1)) if m else 0
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wikipack", required=True)
    ap.add_argument("--duration", type=int, default=600)
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--slowloris", type=int, default=2000)
    ap.add_argument("--rate-ms", type=int, default=1000, help="mean pause of a connection between requests")
    ap.add_argument("--header-timeout", type=int, default=15)
    ap.add_argument("--raw-only", action="store_true")
    ap.add_argument("--kiwix", metavar="ZIM")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("archive")
    ap.add_argument("out", nargs="?")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.connections + a.slowloris + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    name = os.path.basename(a.archive)
    name = name[:-4] if name.endswith(".wpk") else name
    port = free_port()
    # wrk's connections all come from 127.0.0.1: the per-address limit is
    # raised for them (a thousand readers would come from many addresses);
    # the attack's stay within the default 64 an address.
    if a.kiwix:
        # kiwix-serve has no per-address or head limits to set.
        book = os.path.basename(a.kiwix)[:-4] if a.kiwix.endswith(".zim") else os.path.basename(a.kiwix)
        cmd = ["kiwix-serve", "--address", "127.0.0.1", "--port", str(port), a.kiwix]
    else:
        book = None
        cmd = [a.wikipack, "serve", a.archive, "--port", str(port), "--per-address", str(a.connections + 64),
               "--header-timeout", str(a.header_timeout)]
    serve = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = "http://127.0.0.1:%d" % port
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    paths = paths_of(a.wikipack, a.archive, name, a.raw_only, book)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % (",".join(json.dumps(p) for p in paths), a.rate_ms // 2, a.rate_ms * 3 // 2))
        lua = f.name
    addresses = 40
    per = (a.slowloris + addresses - 1) // addresses
    loris = subprocess.Popen([sys.executable, LORIS, "127.0.0.1", str(port), str(addresses), str(per),
                              str(a.duration + 20), "keep"], stdout=subprocess.PIPE, text=True)
    first = loris.stdout.readline().strip()  # "open: N" once the attack holds its sockets
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.wait(5):
            samples.append((time.time(), rss_kb(serve.pid)))

    t = threading.Thread(target=sample)
    t.start()
    started = time.time()
    wrk = subprocess.run(["wrk", "-t2", "-c%d" % a.connections, "-d%ds" % a.duration, "--timeout", "10s",
                          "--latency", "-s", lua, base + "/"], capture_output=True, text=True)
    stop.set()
    t.join()
    loris.wait()
    rest = loris.stdout.read()
    alive = serve.poll() is None
    serve.terminate()
    err = serve.communicate(timeout=30)[1]
    os.unlink(lua)
    w = parse_wrk(wrk.stdout + wrk.stderr)
    warm = [kb for ts, kb in samples if ts - started >= min(30, a.duration / 3)] or [kb for _, kb in samples] or [0]
    reopened = re.search(r"reopened: (\d+)", rest)
    held = re.search(r"held: (\d+)\.\.(\d+)", rest)
    row = {
        "requests": w["requests"], "rps": w["rps"], "p50": w.get("p50"), "p90": w.get("p90"), "p99": w.get("p99"),
        "errors": w["socket_errors"], "non2xx": w["non2xx"], "attack_first": first,
        "attack_held": held.group(0) if held else "?", "attack_reopened": int(reopened.group(1)) if reopened else 0,
        "rss_after_warmup_mb": warm[0] / 1024, "rss_max_mb": max(warm) / 1024, "rss_end_mb": warm[-1] / 1024,
        "server_alive": alive,
    }
    fmt = lambda v: "%.1f" % v if isinstance(v, float) else str(v)
    server = "kiwix-serve" if a.kiwix else "wikipack serve"
    mix = "stored entries" if a.kiwix or a.raw_only else "pages, entries, titles, suggestions"
    line = ("| %s, %s | %ds | %d + %d slowloris | %d (%.0f/s) | %s / %s / %s ms | %d socket, %d non-2xx | %s; reopened %d | "
            "%.1f / %.1f / %.1f MB |" % (server, mix, a.duration, a.connections, a.slowloris, w["requests"], w["rps"],
                                          fmt(w.get("p50", "?")), fmt(w.get("p90", "?")), fmt(w.get("p99", "?")),
                                          w["socket_errors"], w["non2xx"], row["attack_held"], row["attack_reopened"],
                                          row["rss_after_warmup_mb"], row["rss_max_mb"], row["rss_end_mb"]))
    head = ("| server, requests | run | connections | requests answered | p50 / p90 / p99 | errors | attack sockets held (after the "
            "first round); cut and reopened | server RSS after warm-up / max / end |\n|---|---|---|---|---|---|---|---|")
    print(head)
    print(line)
    print(json.dumps(row))
    if w["socket_errors"] or not w["requests"]:
        print(w["socket_detail"])
        print(w["text"].strip())
    if a.out:
        with open(a.out, "a") as f:
            f.write(line + "\n")
    if a.check:
        bad = []
        if not w["requests"]:
            bad.append("no request answered:\n" + w["text"])
        if w["socket_errors"] or w["non2xx"]:
            bad.append("requests failed: %s, non-2xx %d" % (w["socket_detail"], w["non2xx"]))
        if not row["attack_reopened"]:
            bad.append("no attacking socket was cut (%s)" % rest.strip())
        if not alive:
            bad.append("the server died: " + err[-2000:])
        if bad:
            print("FAIL: " + "\nFAIL: ".join(bad))
            return 1
        print("ok: every request answered; the attack's sockets cut at the head deadline")
    return 0


sys.exit(main())
