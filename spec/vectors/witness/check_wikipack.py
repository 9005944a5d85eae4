#!/usr/bin/env python3
"""Check the wikipack command against the witness vectors, as manifest.json says.

usage: check_wikipack.py WIKIPACK SCRATCH [--all]

Runs make_witness.py into SCRATCH (emptied first), then reads every archive
with the `wikipack` command:

- valid/NAME.wpk: `info` and `verify` exit 0 (and `verify --pubkey` with the
  signer's key for the signed one, exit 1 with another key); `list
  --revisions --json` gives every entry's fields; `get --path` gives every
  entry's bytes (by SHA-256); every lookup of the manifest the command can
  express gives the expected entries: by path (`get --path`), by (wiki,
  page ID) and by title as typed (`extract`, which names the entry it
  found), by page ID without a wiki (one answer, or the choices listed, exit
  3), a category (`list --category`), a prefix (`find --json`) and the
  older versions (`get --revision all`);
- invalid/NAME.wpk, by its outcome: `open`: `info` exits with the status of
  the error class; `first-use` and `lookup`: each lookup of `fails` exits
  with it, and the lookups of `ok` still answer as in the base archive;
  `verify`: only `verify` fails (exit 1); `pubkey`: everything answers
  without the key, while with `--pubkey` the archive is refused at open or
  each lookup of `pubkey.fails` exits with the class's status; and `verify`
  fails or passes as the manifest's `verify` says.

Exit statuses of the command by error class: format 5, corrupt 1, limit 6,
untrusted 1; not found 3. Lookups the command cannot express (a title looked
up exactly when the query would match more as typed, a title within one
wiki) are skipped and counted. Without --all, at most 12 of the `ok` lookups
of each invalid archive are run (spread over the list); the valid archives'
lookups are all run.

Prints one line per failed check and a summary; exit 0 when everything
matched, 1 when something did not, 77 (skip) when make_witness.py lacks a
Python module, 2 on usage errors.
"""
import base64
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

STATUS = {"format": 5, "corrupt": 1, "limit": 6, "untrusted": 1}
NOT_FOUND = 3
OK_SAMPLE = 12


class Checker:
    def __init__(self, wikipack, scratch):
        self.wp, self.scratch = wikipack, scratch
        self.passed = self.failed = self.skipped = self.tolerated = 0
        self.out = os.path.join(scratch, "out")

    def ok(self):
        self.passed += 1

    def bad(self, what):
        self.failed += 1
        print("FAIL " + what)

    def run(self, *args):
        p = subprocess.run([self.wp] + [str(a) for a in args], capture_output=True, timeout=120)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")

    # ---- lookups ------------------------------------------------------------

    def lookup(self, wpk, lk, entries, key=None):
        """Run a manifest lookup with the command. Returns (status, answer):
        answer is what the lookup gave in the manifest's terms (an `expect`
        dict), None when the command failed, or "skip" when it cannot say."""
        extra = ["--pubkey", key] if key else []
        op = lk["op"]
        # The manifest says what the indexes name: a redirect page itself,
        # not the article the command leads on to.
        follow = ["--no-follow"] if op in ("id", "title") else []
        extra = extra + follow
        if op == "path":
            rc, out, _ = self.run("get", wpk, "--path", lk["path"], *extra)
            if rc == NOT_FOUND:
                return rc, {"entry": None}
            if rc:
                return rc, None
            return rc, {"entry": self.by_content(entries, out, lk["path"])}
        if op == "id" and lk["wiki"] is not None:
            rc, got = self.extract(wpk, ["--id", lk["id"], "--wiki", lk["wiki"]] + extra, entries)
            if rc == NOT_FOUND:
                return rc, {"entry": None}
            return rc, ({"entry": got[0]} if not rc and len(got) == 1 else None)
        if op == "id":
            # Without a wiki: one answer prints it, several are listed (exit 3).
            want = (lk.get("expect") or {}).get("choices")
            where = os.path.join(self.scratch, "x")
            shutil.rmtree(where, ignore_errors=True)
            rc, out, err = self.run("extract", wpk, "-C", where, "--id", lk["id"], *extra)
            if rc == 0:
                rc, got = self.extract(wpk, ["--id", lk["id"]] + extra, entries)
                return rc, ({"choices": [[entries[got[0]]["wiki"], got[0]]]} if not rc and len(got) == 1 else None)
            if rc != NOT_FOUND or want is None:
                return rc, (None if rc != NOT_FOUND else "skip")
            named = [c for c in want if self.names_path(err, entries[c[1]]["path"])]
            return rc, {"choices": named if len(want) > 1 else []}
        if op == "title":
            expect = lk.get("expect")
            if lk["wiki"] is not None:
                return None, "skip"
            # As typed, the command tries the exact display first: the same
            # answer when that finds something, and the same pages read.
            if lk["mode"] == "exact" and expect is not None and expect["level"] != "exact":
                return None, "skip"
            rc, got = self.extract(wpk, ["--title", lk["query"]] + extra, entries, ambiguous=expect)
            if rc == 0 and len(got) == 1:
                return rc, {"entries": got}
            if rc == NOT_FOUND:
                return rc, {"entries": got}
            return rc, None
        if op == "category":
            rc, out, _ = self.run("list", wpk, "--category", lk["name"], *extra)
            if rc == NOT_FOUND:
                return rc, {"entries": []}
            if rc:
                return rc, None
            paths = [line.split("\t")[2] for line in out.decode().splitlines()]
            by_path = {e["path"]: e["n"] for e in entries}
            return rc, {"entries": [by_path.get(p) for p in paths]}
        if op == "prefix":
            rc, out, _ = self.run("find", wpk, lk["prefix"], "--limit", "0", "--json", *extra)
            if rc == NOT_FOUND:
                return rc, {"items": []}
            if rc:
                return rc, None
            by_path = {e["path"]: e["n"] for e in entries}
            return rc, {"items": [[r["title"], by_path.get(r["path"])] for r in json.loads(out)]}
        if op == "revisions":
            rc, out, _ = self.run("get", wpk, "--path", lk["path"], "--revision", "all", *extra)
            if rc:
                return rc, None
            heads = re.findall(rb"^==> (.*) \([^()]*\) <==$", out, re.M)
            by_path = {e["path"]: e["n"] for e in entries}
            return rc, {"older": [by_path.get(h.decode()) for h in heads[1:]]}
        return None, "skip"

    def extract(self, wpk, args, entries, ambiguous=None):
        """`extract` one entry by a selector: (status, [entry numbers found]).
        On an ambiguous answer (exit 3), the entries whose paths the message
        names, when `ambiguous` (the expected answer) lists several."""
        where = os.path.join(self.scratch, "x")
        shutil.rmtree(where, ignore_errors=True)
        rc, out, err = self.run("extract", wpk, "-C", where, *args)
        by_path = {e["path"]: e["n"] for e in entries}
        if rc == NOT_FOUND:
            if ambiguous and len(ambiguous.get("matches", [])) > 1:
                return rc, [n for n, _ in ambiguous["matches"] if self.names_path(err, entries[n]["path"])]
            return rc, []
        if rc:
            return rc, []
        found = []
        for line in out.decode().splitlines():
            n = by_path.get(line)
            if n is None:
                return 1, []
            with open(os.path.join(where, line), "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() != entries[n]["sha256"]:
                    return 1, []
            found.append(n)
        return rc, found

    @staticmethod
    def names_path(message, path):
        return ("(" + path + ",") in message or ("(" + path + ")") in message

    @staticmethod
    def by_content(entries, data, path):
        digest = hashlib.sha256(data).hexdigest()
        same = [e["n"] for e in entries if e["sha256"] == digest]
        if path is not None:
            same = [n for n in same if entries[n]["path"] == path] or same[:1]
        return same[0] if len(same) == 1 else (same[0] if same else None)

    def same_answer(self, lk, got, entries):
        """Compare the command's answer with the manifest's expect."""
        want = lk["expect"]
        op = lk["op"]
        if op == "title":
            matches = [n for n, _ in want["matches"]]
            return got["entries"] == matches  # several: listed as choices, each named
        if op == "prefix":
            return [n for _, n in got["items"]] == [it[3] for it in want["items"]] and \
                [t for t, _ in got["items"]] == [it[0] for it in want["items"]]
        return got == want

    def check_lookup(self, what, wpk, lk, entries, key=None, tolerate=None):
        rc, got = self.lookup(wpk, lk, entries, key)
        if got == "skip":
            self.skipped += 1
            return
        if tolerate is not None and got is None and rc == tolerate:
            self.tolerated += 1
            return
        if got is None:
            self.bad("%s: %s exited %s" % (what, describe(lk), rc))
        elif self.same_answer(lk, got, entries):
            self.ok()
        else:
            self.bad("%s: %s gave %s, expected %s" % (what, describe(lk), got, lk["expect"]))

    def check_fails(self, what, wpk, lk, entries, status, key=None):
        """One lookup that must fail with `status`; False when skipped."""
        rc, got = self.lookup(wpk, lk, entries, key)
        if got == "skip" and rc is None:
            self.skipped += 1
            return False
        if rc == status:
            self.ok()
        else:
            self.bad("%s: %s exited %s, expected %s" % (what, describe(lk), rc, status))
        return True

    # ---- archives -----------------------------------------------------------

    def valid(self, v, keys):
        wpk = os.path.join(self.out, v["file"])
        name = v["file"]
        entries = v["entries"]
        for cmd in (["info"], ["verify"]):
            rc, out, err = self.run(cmd[0], wpk)
            self.ok() if rc == 0 else self.bad("%s: %s exited %d: %s" % (name, cmd[0], rc, err.strip()[:300]))
        if v["signed_by"]:
            rc, _, err = self.run("verify", wpk, "--pubkey", keys[v["signed_by"]])
            self.ok() if rc == 0 else self.bad("%s: verify --pubkey exited %d: %s" % (name, rc, err.strip()[:300]))
            other = [k for k in keys if k != v["signed_by"]][0]
            rc, _, _ = self.run("verify", wpk, "--pubkey", keys[other])
            self.ok() if rc == 1 else self.bad("%s: verify --pubkey with another key exited %d" % (name, rc))
        rc, out, err = self.run("list", wpk, "--revisions", "--json")
        if rc:
            self.bad("%s: list --revisions --json exited %d: %s" % (name, rc, err.strip()[:300]))
        else:
            listed = json.loads(out)
            if len(listed) != len(entries):
                self.bad("%s: list gives %d entries, the manifest %d" % (name, len(listed), len(entries)))
            for got, e in zip(listed, entries):
                diff = compare_entry(got, e)
                self.ok() if not diff else self.bad("%s: entry %d %s: %s" % (name, e["n"], e["path"], diff))
        for e in entries:
            rc, out, err = self.run("get", wpk, "--path", e["path"])
            if rc == 0 and hashlib.sha256(out).hexdigest() == e["sha256"]:
                self.ok()
            else:
                self.bad("%s: get --path %s: exit %d, content %s" % (name, e["path"], rc,
                                                                   "differs" if rc == 0 else err.strip()[:200]))
        for lk in v["lookups"]:
            self.check_lookup(name, wpk, lk, entries)

    def invalid(self, iv, bases, keys, run_all):
        wpk = os.path.join(self.out, iv["file"])
        name = iv["file"]
        base = bases[iv["base"]]
        entries = base["entries"]
        status = STATUS[iv["error"]]
        outcome = iv["outcome"]
        if outcome == "open":
            rc, _, err = self.run("info", wpk)
            self.ok() if rc == status else self.bad("%s: info exited %d, expected %d: %s" % (name, rc, status,
                                                                                               err.strip()[:300]))
            return
        rc, _, err = self.run("info", wpk)
        if rc == 0 or (outcome == "first-use" and rc == status):
            self.ok()
        else:
            self.bad("%s: info exited %d: %s" % (name, rc, err.strip()[:300]))
        ran = [self.check_fails(name, wpk, lk, entries, status) for lk in iv["fails"]]
        if iv["fails"] and not any(ran):
            self.bad("%s: none of its failing lookups can be run with the command" % name)
        ok = iv.get("ok", [])
        if not run_all and len(ok) > OK_SAMPLE:
            ok = [ok[i * len(ok) // OK_SAMPLE] for i in range(OK_SAMPLE)]
        # `get --id N --wiki W` looks N up in every wiki (to name the others
        # when W has none), so a damaged ID page of another wiki fails it.
        id_damaged = any(d[:2] == ["leaf", "id"] for d in iv.get("damaged", []))
        for i in ok:
            lk = base["lookups"][i]
            self.check_lookup(name + " (ok)", wpk, lk, entries,
                              tolerate=status if lk["op"] == "id" and id_damaged else None)
        verify_status = STATUS[iv["pubkey"]["error"]] if outcome == "pubkey" else status
        rc, out, err = self.run("verify", wpk)
        if iv["verify"]:
            self.ok() if rc == 0 else self.bad("%s: verify exited %d, expected 0: %s" % (name, rc, out.decode()[-300:]))
        else:
            self.ok() if rc == verify_status else self.bad("%s: verify exited %d, expected %d" % (name, rc,
                                                                                                 verify_status))
        if outcome != "pubkey":
            return
        pk = iv["pubkey"]
        key = keys[pk["key"]]
        pstatus = STATUS[pk["error"]]
        if pk.get("open"):
            first = entries[0]["path"]
            rc, _, err = self.run("get", wpk, "--path", first, "--pubkey", key)
            want = STATUS[pk["open"]]
            self.ok() if rc == want else self.bad("%s: get --pubkey exited %d, expected %d" % (name, rc, want))
            rc, _, _ = self.run("get", wpk, "--path", first)
            self.ok() if rc == 0 else self.bad("%s: get without a key exited %d" % (name, rc))
        for lk in pk.get("fails", []):
            self.check_fails(name + " (--pubkey)", wpk, lk, entries, pstatus, key)
            # Without the key the altered page or block reads: its XXH3 is right.
            rc, got = self.lookup(wpk, lk, entries)
            if got == "skip" and rc is None:
                self.skipped += 1
            else:
                self.ok() if rc == 0 else self.bad("%s (no key): %s exited %s" % (name, describe(lk), rc))
        rc, _, _ = self.run("verify", wpk, "--pubkey", key)
        self.ok() if rc == pstatus else self.bad("%s: verify --pubkey exited %d, expected %d" % (name, rc, pstatus))


def describe(lk):
    return " ".join("%s=%s" % (k, json.dumps(v, ensure_ascii=False)) for k, v in lk.items()
                    if k not in ("expect", "index"))


def iso_time(us):
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    return s + (".%06d" % t.microsecond if t.microsecond else "") + "Z"


def compare_entry(got, e):
    """What differs between a `list --json` object and a manifest entry."""
    kind = "revision" if e["current"] is not None else "redirect" if e.get("redirect") is not None else \
        "article" if e["page_id"] is not None or e["title"] is not None else "file"
    want = {"path": e["path"], "page_id": e["page_id"], "title": e["title"], "size": e["size"],
            "updated": iso_time(e["time_us"]) if e["time_us"] is not None else None,
            "language": e["language"], "kind": kind, "categories": e["categories"], "url": e["url"],
            "mime": e["media_type"], "wiki": e["wiki"]}
    if e.get("redirect") is not None:
        want["redirect"] = e["redirect"]
    if e["namespace"] is not None:
        want["namespace"] = e["namespace"]
    return ", ".join("%s %r, expected %r" % (k, got.get(k), w) for k, w in want.items() if got.get(k) != w)


def python_with_modules():
    """A Python 3 that has make_witness.py's modules: $PYTHON, this one,
    python3, else Debian's own (make_witness.py then says what is missing)."""
    for candidate in (os.environ.get("PYTHON"), sys.executable, "python3", "/usr/bin/python3"):
        if candidate and shutil.which(candidate) and subprocess.run(
                [candidate, "-c", "import xxhash, zstandard, nacl"], capture_output=True).returncode == 0:
            return candidate
    return "/usr/bin/python3"


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.stderr.write("usage: check_wikipack.py WIKIPACK SCRATCH [--all]\n")
        return 2
    wikipack, scratch = os.path.abspath(args[0]), os.path.abspath(args[1])
    here = os.path.dirname(os.path.abspath(__file__))
    if not os.access(wikipack, os.X_OK):
        sys.stderr.write("check_wikipack.py: %s is not an executable\n" % wikipack)
        return 2
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    c = Checker(wikipack, scratch)
    rc = subprocess.run([python_with_modules(), os.path.join(here, "make_witness.py"), c.out, "--no-check"]).returncode
    if rc == 77:
        print("SKIP: make_witness.py is missing a Python module")
        return 77
    if rc:
        print("FAIL make_witness.py exited %d" % rc)
        return 1
    with open(os.path.join(c.out, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    keys = {k: base64.b64encode(bytes.fromhex(v)).decode() for k, v in manifest["keys"].items()}
    bases = {v["file"]: v for v in manifest["valid"]}
    for v in manifest["valid"]:
        c.valid(v, keys)
    for iv in manifest["invalid"]:
        c.invalid(iv, bases, keys, "--all" in argv)
    print("check_wikipack.py: %d valid and %d invalid archives: %d checks passed, %d failed, %d lookups skipped "
          "(not expressible with the command), %d ID lookups failing on another wiki's damaged ID page"
          % (len(manifest["valid"]), len(manifest["invalid"]), c.passed, c.failed, c.skipped, c.tolerated))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
