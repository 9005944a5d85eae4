#!/usr/bin/env python3
"""multistream.py - write a MediaWiki dump the way Wikimedia publishes its
"pages-articles-multistream" files, the yardstick for random access into a
dump: the <siteinfo> head as one bzip2 stream, then one stream of every 100
pages, then the closing tag as a last stream; and the index file beside
it, bzip2-compressed lines "OFFSET:PAGEID:TITLE" (OFFSET: the byte where the
page's stream starts).

    bench/multistream.py DUMP OUT_DUMP.xml.bz2 OUT_INDEX.txt.bz2

DUMP may be plain XML or bzip2-, gzip- or xz-compressed. Pages are copied
byte for byte. Prints the page count."""
import bz2
import gzip
import lzma
import re
import sys


def open_dump(path):
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic.startswith(b"BZh"):
        return bz2.open(path, "rb")
    if magic.startswith(b"\x1f\x8b"):
        return gzip.open(path, "rb")
    if magic.startswith(b"\xfd7zXZ"):
        return lzma.open(path, "rb")
    return open(path, "rb")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, out_path, index_path = sys.argv[1:]
    xml = open_dump(src).read()
    first = xml.find(b"<page>")
    last = xml.rfind(b"</page>")
    if first < 0 or last < 0:
        sys.exit("%s: no <page> in it" % src)
    # Back to the start of the line, as the dumps' own streams begin.
    head_end = xml.rfind(b"\n", 0, first) + 1
    tail_start = xml.find(b"\n", last) + 1
    pages = [m.group(0) for m in re.finditer(rb"[ \t]*<page>.*?</page>\n", xml[head_end:tail_start], re.S)]
    index = []
    with open(out_path, "wb") as out:
        out.write(bz2.compress(xml[:head_end], 9))
        for k in range(0, len(pages), 100):
            offset = out.tell()
            group = pages[k:k + 100]
            for p in group:
                pid = re.search(rb"<id>(\d+)</id>", p).group(1).decode()
                title = re.search(rb"<title>(.*?)</title>", p, re.S).group(1).decode()
                title = title.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                index.append("%d:%s:%s\n" % (offset, pid, title))
            out.write(bz2.compress(b"".join(group), 9))
        out.write(bz2.compress(xml[tail_start:], 9))
    with open(index_path, "wb") as f:
        f.write(bz2.compress("".join(index).encode(), 9))
    print(len(pages))


if __name__ == "__main__":
    main()
