#!/usr/bin/env python3
"""run_mutants.py - mutation testing: does the suite notice a small wrong change?

Each mutant in the lists (tests/mutants/*.txt) is one meaningful change to the code (a check
removed, a comparison flipped, an off-by-one, an output altered). For each,
this script applies the change to a scratch copy of the tree, rebuilds it
and runs the ctest tests named for it. A mutant is *killed* when a test
fails (or times out), *survives* when every test passes, and is *stillborn*
when it does not build or its text is not found exactly once (a mistake in
the list, reported as such and never counted as killed).

usage: run_mutants.py [--list FILE]... [--scratch DIR] [--only ID,...]
                      [--sample N] [--seed S] [--timeout SEC] [--report FILE]

--sample N picks N mutants with a seeded random generator (CI runs a
rotating sample: the seed defaults to the day's date). The exit status is
1 when a mutant survives or is stillborn, so CI notices either.
"""
import argparse
import datetime
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class Mutant:
    def __init__(self, mid, title):
        self.id, self.title = mid, title
        self.file, self.tests, self.old, self.new = None, None, [], []

    def check(self):
        if not self.file or not self.tests or not self.old:
            raise ValueError(f"{self.id}: needs file:, tests: and at least one '-' line")


def parse(path):
    """A list: blocks of
         [ID] what the change does
         file: path/from/root.c
         tests: ctest regex
         - exact text to replace (one or more lines)
         + replacement (zero or more lines)
    '#' starts a comment line; '-'/'+' take the rest of the line after one space."""
    mutants, cur = [], None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            m = re.match(r"\[(\w+)\]\s*(.*)", line)
            if m:
                cur = Mutant(m.group(1), m.group(2))
                mutants.append(cur)
            elif cur is None:
                raise ValueError(f"{path}:{n}: text before the first [ID]")
            elif line.startswith("file:"):
                cur.file = line[5:].strip()
            elif line.startswith("tests:"):
                cur.tests = line[6:].strip()
            elif line.startswith("- ") or line == "-":
                cur.old.append(line[2:])
            elif line.startswith("+ ") or line == "+":
                cur.new.append(line[2:])
            else:
                raise ValueError(f"{path}:{n}: cannot read {line!r}")
    seen = set()
    for m in mutants:
        m.check()
        if m.id in seen:
            raise ValueError(f"duplicate mutant id {m.id}")
        seen.add(m.id)
    return mutants


def run(cmd, cwd, timeout=None, log=None, append=False):
    """Run cmd in its own process group, so that a timeout ends the tests'
    own children (servers, scripts) with it."""
    with open(log or os.devnull, "a" if append else "w") as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            return "timeout"


def prepare(scratch, tests, timeout):
    """A copy of the tracked tree (as it is in the working tree), built once,
    whose tests pass before any mutant is tried (else every mutant naming a
    failing test would count as killed)."""
    src, build = os.path.join(scratch, "src"), os.path.join(scratch, "build")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    if os.path.isdir(src):
        shutil.rmtree(src)
    for rel in filter(None, files):
        full = os.path.join(ROOT, rel)
        if not os.path.isfile(full):
            continue
        dst = os.path.join(src, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        # New times, not the originals: an object file left mutated by an
        # interrupted run must be older than its source, and rebuilt.
        shutil.copy(full, dst)
    os.makedirs(build, exist_ok=True)
    log = os.path.join(scratch, "build.log")
    if run(["cmake", "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DWIKIPACK_BUILD_BENCH=OFF"],
           scratch, log=log) != 0 or run(["cmake", "--build", build, "-j2"], scratch, log=log) != 0:
        sys.exit(f"run_mutants: the unmutated tree does not build (see {log})")
    # The tests the mutants name, as one list: ctest's regexes allow only a
    # few groups, so the names are matched here.
    listed = subprocess.run(["ctest", "--test-dir", build, "-N"], capture_output=True, text=True).stdout
    names = [n for n in re.findall(r"Test +#\d+: (\S+)", listed) if any(re.search(t, n) for t in tests)]
    if not names:
        sys.exit("run_mutants: no test matches the mutants' tests")
    log = os.path.join(scratch, "baseline.log")
    if run(["ctest", "--test-dir", build, "-j2", "-R", "^(" + "|".join(names) + ")$", "--no-tests=error",
            "--timeout", str(timeout)], scratch, log=log) != 0:
        sys.exit(f"run_mutants: the tests fail on the unmutated tree (see {log})")
    return src, build


def try_mutant(m, src, build, scratch, timeout):
    path = os.path.join(src, m.file)
    try:
        with open(path, encoding="utf-8") as f:
            original = f.read()
    except OSError as e:
        return "stillborn", f"cannot read {m.file}: {e.strerror}"
    old, new = "\n".join(m.old), "\n".join(m.new)
    count = original.count(old)
    if count != 1:
        return "stillborn", f"the text to replace is found {count} times in {m.file}"
    log = os.path.join(scratch, f"{m.id}.log")
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.replace(old, new))
        if run(["cmake", "--build", build, "-j2"], scratch, log=log) != 0:
            return "stillborn", f"does not build (see {log})"
        # --no-tests=error: a regex naming no test is a mistake, not a pass.
        rc = run(["ctest", "--test-dir", build, "-j2", "-R", m.tests, "--no-tests=error", "--output-on-failure",
                  "--timeout", str(timeout)], scratch, timeout=3 * timeout, log=log, append=True)
        if rc == "timeout":
            return "killed", "timed out"
        if "No tests were found" in open(log, encoding="utf-8", errors="replace").read():
            return "stillborn", f"no test matches {m.tests}"
        if rc != 0:
            failed = re.findall(r"\d+ - (\S+) \(", open(log, encoding="utf-8", errors="replace").read())
            return "killed", "failed: " + ", ".join(failed) if failed else f"ctest exit {rc}"
        return "survived", f"tests {m.tests} all passed"
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", action="append", help="a list of mutants (default: every tests/mutants/*.txt)")
    ap.add_argument("--scratch", default=os.path.join(tempfile.gettempdir(), "wikipack-mutants"))
    ap.add_argument("--only", help="comma-separated mutant IDs")
    ap.add_argument("--sample", type=int)
    ap.add_argument("--seed", default=datetime.date.today().isoformat())
    ap.add_argument("--timeout", type=int, default=600, help="seconds for a mutant's tests")
    ap.add_argument("--report", help="also write the table (markdown) here")
    ap.add_argument("--check", action="store_true", help="only check that each mutant's text is found once")
    a = ap.parse_args()

    lists = a.list or sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".txt"))
    mutants = [m for path in lists for m in parse(path)]
    ids = [m.id for m in mutants]
    if len(ids) != len(set(ids)):
        sys.exit("run_mutants: a mutant ID is used twice")
    if a.check:
        bad = 0
        for m in mutants:
            try:
                with open(os.path.join(ROOT, m.file), encoding="utf-8") as f:
                    n = f.read().count("\n".join(m.old))
            except OSError as e:
                n, bad = -1, bad + 1
                print(f"{m.id}: {m.file}: {e.strerror}")
                continue
            if n != 1:
                bad += 1
                print(f"{m.id}: {m.file}: the text to replace is found {n} times")
        print(f"{len(mutants)} mutants, {bad} unusable")
        return 1 if bad else 0
    if a.only:
        want = set(a.only.split(","))
        unknown = want - {m.id for m in mutants}
        if unknown:
            sys.exit(f"run_mutants: no mutant {', '.join(sorted(unknown))}")
        mutants = [m for m in mutants if m.id in want]
    if a.sample:
        mutants = random.Random(a.seed).sample(mutants, min(a.sample, len(mutants)))
        print(f"sample of {len(mutants)} (seed {a.seed}): {' '.join(m.id for m in mutants)}")
    a.scratch = os.path.abspath(a.scratch)  # commands run with the scratch as their directory
    os.makedirs(a.scratch, exist_ok=True)
    src, build = prepare(a.scratch, {m.tests for m in mutants}, a.timeout)

    rows, counts = [], {"killed": 0, "survived": 0, "stillborn": 0}
    for m in mutants:
        t0 = time.time()
        verdict, why = try_mutant(m, src, build, a.scratch, a.timeout)
        counts[verdict] += 1
        rows.append((m, verdict, why))
        print(f"{m.id:5} {verdict:9} {time.time() - t0:6.1f}s  {m.file}: {m.title} — {why}", flush=True)
    # Rebuild the unmutated tree so that the scratch build is left clean.
    run(["cmake", "--build", build, "-j2"], a.scratch)

    valid = counts["killed"] + counts["survived"]
    score = 100.0 * counts["killed"] / valid if valid else 0.0
    summary = (f"{counts['killed']} killed, {counts['survived']} survived, {counts['stillborn']} stillborn "
               f"of {len(mutants)}: score {score:.1f}%")
    print(summary)
    if a.report:
        with open(a.report, "w", encoding="utf-8") as f:
            f.write("| mutant | file | change | verdict | detail |\n|---|---|---|---|---|\n")
            for m, verdict, why in rows:
                f.write(f"| {m.id} | `{m.file}` | {m.title} | {verdict} | {why} |\n")
            f.write(f"\n{summary}\n")
    return 0 if counts["survived"] == 0 and counts["stillborn"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
