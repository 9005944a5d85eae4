#!/usr/bin/env python3
"""Cut a MediaWiki XML dump into N parts at page boundaries, as Wikimedia
splits its dumps: each part keeps the <mediawiki> and <siteinfo> head and
holds whole pages. usage: split_dump.py DUMP(.xml|.xml.bz2) N OUTDIR
Part i is OUTDIR/p{i}/ named as DUMP, so that packing it gives the entry
paths that packing DUMP gives."""
import bz2
import os
import re
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    opener = bz2.open if src.endswith('.bz2') else open
    with opener(src, 'rb') as f:
        text = f.read().decode('utf-8')
    head = text[:text.index('  <page>')]
    pages = re.findall(r'  <page>.*?</page>\n', text, re.S)
    if len(pages) < n:
        sys.exit(f'{src}: {len(pages)} pages, fewer than {n} parts')
    for i in range(n):
        os.makedirs(f'{out}/p{i}', exist_ok=True)
        part = head + ''.join(pages[i * len(pages) // n:(i + 1) * len(pages) // n]) + '</mediawiki>\n'
        with opener(f'{out}/p{i}/{os.path.basename(src)}', 'wb') as f:
            f.write(part.encode('utf-8'))


if __name__ == '__main__':
    main()
