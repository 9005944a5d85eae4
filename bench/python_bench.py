#!/usr/bin/python3
"""python_bench.py - the Python binding against the C library, in one run.

    python_bench.py ARCHIVE LIST WPK_ITER_BENCH [--passes 3]

LIST: paths, one a line (a random sample of the archive's). The binding
(`import wikipack`: installed, or on PYTHONPATH) does what wpk_iter_bench
does in C: iterate every current article with its content in storage order
(Archive.articles()), and get each path of LIST and read it (warm reader).
Prints per pass the seconds and articles of the iteration and the p50/p99
of the gets for both, then the medians and the ratios (Python / C).
"""
import argparse
import statistics
import subprocess
import time

import wikipack


def pct(v, p):
    v = sorted(v)
    k = (len(v) * p + 99) // 100
    return v[max(k, 1) - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("archive")
    ap.add_argument("list")
    ap.add_argument("c_bench")
    ap.add_argument("--passes", type=int, default=3)
    a = ap.parse_args()
    paths = [line.rstrip("\n") for line in open(a.list, encoding="utf-8") if line.strip()]
    c_iter, c_get = [], []
    out = subprocess.run([a.c_bench, a.archive, a.list, "--passes", str(a.passes)], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f[1] == "iterate":
            c_iter.append(float(f[2]))
            c_articles = int(f[3])
        elif f[1] == "get":
            c_get.append(float(f[2]))
    py_iter, py_get = [], []
    with wikipack.open(a.archive) as wp:
        for _ in range(a.passes):
            t0 = time.perf_counter()
            n = nbytes = 0
            for art, body in wp.articles():
                n += 1
                nbytes += len(body)
            py_iter.append(time.perf_counter() - t0)
            assert n == c_articles, (n, c_articles)
            t = []
            for p in paths:
                s = time.perf_counter()
                try:
                    wp.get(path=p).bytes
                except KeyError:
                    continue
                t.append((time.perf_counter() - s) * 1e6)
            py_get.append(pct(t, 50))
            print(f"pass: iterate C {c_iter[len(py_iter) - 1]:.3f} s, Python {py_iter[-1]:.3f} s ({n} articles, "
                  f"{nbytes} bytes); get p50 C {c_get[len(py_get) - 1]:.1f} us, Python {py_get[-1]:.1f} us")
    ci, pi = statistics.median(c_iter), statistics.median(py_iter)
    cg, pg = statistics.median(c_get), statistics.median(py_get)
    print(f"RESULT iterate C {ci:.3f} s Python {pi:.3f} s: Python at {ci / pi * 100:.0f}% of C's speed")
    print(f"RESULT get p50 C {cg:.1f} us Python {pg:.1f} us: {pg / cg:.2f}x C")


if __name__ == "__main__":
    main()
