#!/usr/bin/env python3
"""http_auth_plan.py - what test_http_auth.sh alters and reads: a big signed
archive written by the witness's writer, and the bytes to alter in it.

usage: http_auth_plan.py WITNESS_SRC_DIR SCRATCH   (SCRATCH/w: make_witness.py's output)

Writes SCRATCH/big.wpk: 12,000 articles of enwiki (3.5 MB), signed with the
witness's test key, so that most pages and blocks lie beyond the first
256 KiB an HTTP reader fetches. With the witness's own reader (which
records what each lookup reads) it picks a block that the path lookup of
article A reads, a title page that the title lookup of article T reads,
and an article C whose title lookup reads neither, its pages and block all
beyond the first read. Prints shell assignments (for eval): A_PATH,
T_TITLE, C_TITLE, C_PATH, BLOCK_BYTE and PAGE_BYTE (file offsets of one
byte of that block and of that page), PREFIX, and F_TITLE: a title of
signed.wpk whose lookup does not read the block signed-block-altered.wpk
forged.
"""
import json
import shlex
import sys

sys.path.insert(0, sys.argv[1])
import make_witness as mw                    # noqa: E402
from check_witness import Reader             # noqa: E402

FIRST = 256 * 1024


def main(scratch):
    built = mw.build(mw.Spec([mw.EN], mw.synthetic(12000, 7), sign=mw.TEST_SEED, block_target=16384))
    data = built.bytes
    with open(scratch + "/big.wpk", "wb") as f:
        f.write(data)
    r = Reader(data)

    def reads(how, arg):
        rd = Reader(data)
        rd.trace = set()
        if how == "path":
            rd.by_path(arg)
        else:
            rd.by_title(arg.decode(), "exact", None)
        return rd.trace

    def beyond(trace):
        for t in trace:
            if t[0] == "leaf" and r.pages_off + r.root(t[1])[t[2]]["page_offset"] < FIRST:
                return False
            if t[0] == "block" and r.data_off + t[1] < FIRST:
                return False
        return True

    titled = [e for e in built.E if e.title]
    a, t = titled[6000], titled[100]
    block = next(x for x in reads("path", a.path) if x[0] == "block")
    leaf = next(x for x in reads("title", t.title) if x[0] == "leaf" and x[1] == 2)
    c = None
    for e in titled[9000:]:
        tr = reads("title", e.title)
        if beyond(tr) and block not in tr and leaf not in tr:
            c = e
            break
    ref = next(r.entry(n)["block"] for n in range(len(built.E))
               if r.entry(n).get("block") and r.entry(n)["block"]["offset"] == block[1])
    item = r.root(2)[leaf[2]]
    out = dict(A_PATH=a.path.decode(), T_TITLE=t.title.decode(), C_TITLE=c.title.decode(), C_PATH=c.path.decode(),
               BLOCK_BYTE=r.data_off + ref["offset"] + ref["stored"] // 2,
               PAGE_BYTE=r.pages_off + item["page_offset"] + item["stored"] // 2, PREFIX=r.prefix_size)

    man = json.load(open(scratch + "/w/manifest.json"))
    base = next(v for v in man["valid"] if v["file"] == "valid/signed.wpk")
    inv = next(v for v in man["invalid"] if v["file"] == "invalid/signed-block-altered.wpk")
    ok = [base["lookups"][i] for i in inv["ok"]]
    out["F_TITLE"] = next(lk["query"] for lk in ok
                          if lk["op"] == "title" and lk["mode"] == "exact" and lk["expect"]["matches"])
    for k, v in out.items():
        print("%s=%s" % (k, shlex.quote(str(v))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[2]))
