#!/usr/bin/env python3
"""current_versions.py - the version of each sample article that format 2.0 makes current.

usage: current_versions.py ARTICLES_DIR EXPECTED.tsv

EXPECTED.tsv (tests/samples) names the newest version of each page ID, which
may be a file without a page ID that joins the article by its title. In
format 2.0 an older version that has a page ID has its current version's
(the spec's Articles and versions), so a version carrying the page ID is
the current one: the newest of those (times compared as instants), then the
bytewise smallest path. Read here from the files' metadata blocks, apart
from wikipack. Prints each row of EXPECTED.tsv (page ID, title, newest
path) with a fourth column, the current version's path; fails when a page
ID is carried by no file or there are no rows.
"""
import datetime
import os
import re
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    root, expected = sys.argv[1:]
    with_id = {}
    for dp, _, fn in os.walk(root):
        for f in fn:
            full = os.path.join(dp, f)
            with open(full, encoding="utf-8") as fh:
                text = fh.read()
            pid = re.search(r"^- \*\*Page ID:\*\* *([0-9]+) *$", text, re.M)
            t = re.search(r"^- \*\*Last Updated:\*\* *(.+?) *$", text, re.M)
            if not pid or not t:
                continue
            when = datetime.datetime.fromisoformat(t.group(1).replace(" UTC", "+00:00"))
            rel = os.path.relpath(full, root)
            with_id.setdefault(int(pid.group(1)), []).append((-when.timestamp(), rel.encode(), rel))
    with open(expected, encoding="utf-8") as fh:
        rows = fh.read().splitlines()[1:]
    if not rows:
        sys.exit(f"{expected}: no rows")
    for row in rows:
        pid, title, path = row.split("\t")
        versions = sorted(with_id.get(int(pid), []))
        if not versions:
            sys.exit(f"page ID {pid}: no file carries it")
        print("\t".join((pid, title, path, versions[0][2])))


if __name__ == "__main__":
    main()
