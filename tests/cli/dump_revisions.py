#!/usr/bin/env python3
"""Check an archive's revision facts against the MediaWiki dump it was packed
from, read here with Python's own bz2 and XML parsers (not wikipack's):
every page's newest revision must be listed (`wikipack list --json
--revisions`) with that revision's ID, contributor (user name or IP address)
and comment, and nothing where the dump has none.

usage: dump_revisions.py WIKIPACK ARCHIVE DUMP.xml.bz2
"""
import bz2
import json
import subprocess
import sys
import xml.etree.ElementTree as ET


def local(tag):
    return tag.rsplit("}", 1)[-1]


def newest_revisions(path):
    """{title: (revision ID, contributor or None, comment or None)} of each page's newest revision."""
    out = {}
    with bz2.open(path, "rb") as f:
        for _, el in ET.iterparse(f, events=("end",)):
            if local(el.tag) != "page":
                continue
            title = next(c.text for c in el if local(c.tag) == "title")
            best = None
            for rev in (c for c in el if local(c.tag) == "revision"):
                fields = {local(c.tag): c for c in rev}
                who = None
                if "contributor" in fields:
                    for c in fields["contributor"]:
                        if local(c.tag) in ("username", "ip") and c.text and c.text.strip():
                            who = c.text.strip()
                comment = fields["comment"].text if "comment" in fields else None
                key = fields["timestamp"].text
                if best is None or key >= best[0]:
                    best = (key, int(fields["id"].text), who, comment or None)
            out[title] = best[1:]
            el.clear()
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wp, archive, dump = sys.argv[1:]
    want = newest_revisions(dump)
    listing = json.loads(subprocess.run([wp, "list", archive, "--json", "--revisions"], check=True,
                                        capture_output=True).stdout)
    got = {e["title"]: (e.get("revision_id"), e.get("contributor"), e.get("comment"))
           for e in listing if e["kind"] != "revision"}
    bad = 0
    for title, facts in sorted(want.items()):
        if got.get(title) != facts:
            bad += 1
            if bad <= 10:
                print(f"FAIL: {title!r}: the archive says {got.get(title)!r}, the dump {facts!r}")
    with_comment = sum(1 for f in want.values() if f[2])
    print(f"revision facts: {len(want)} pages, {with_comment} with a comment, {bad} differ")
    sys.exit(1 if bad or not want or not with_comment else 0)


main()
