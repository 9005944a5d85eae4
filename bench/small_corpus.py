#!/usr/bin/python3
"""small_corpus.py - a collection of small entries (a few hundred bytes each)
from a markdown corpus, for the benchmark's small-entry case.

    bench/small_corpus.py SRC DST

For every .md file under SRC, DST gets the same path holding the file's
header (its title line and metadata, up to '## Summary') and the first 400
characters of its summary's first paragraph: each entry is an abstract of
~470 bytes, like the article abstracts some offline collections carry.
Prints "FILES BYTES".
"""
import os
import sys


def abstract(text):
    head, sep, rest = text.partition("## Summary")
    if not sep:
        return text[:400]
    first = rest.lstrip("\n").split("\n", 1)[0]
    return head + "## Summary\n" + first[:400] + "\n"


def main(src, dst):
    files = total = 0
    for root, dirs, names in os.walk(src):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".md"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                out = abstract(f.read()).encode("utf-8", errors="surrogateescape")
            target = os.path.join(dst, os.path.relpath(path, src))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(out)
            files += 1
            total += len(out)
    print(files, total)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
