#!/usr/bin/python3
"""search_floor.py - how large a full-text index of a corpus would be, in
the designs issue 23 weighs, before any is built into the format.

    search_floor.py CORPUS_DIR [ARCHIVE_BYTES]

One document an article (search_queries.load: files grouped by page ID or
folded title; the longest file of each stands for it), indexed by its
title and its body without the metadata block. Words as analyze.c cuts
them, near enough: runs of letters and digits, case-folded, stemmed by
Snowball English (python3-stemmer binds the same libstemmer).

Designs, each printed in bytes and as a share of ARCHIVE_BYTES (the archive
without an index, `wikipack info`):

* paged, gaps+impact: the inverted index in the format's paged style.
  Terms sorted, cut in pages of 2,048 terms; each page holds four streams
  compressed alone by zstd -19: terms front-coded, document counts,
  document-number gaps (varints), and a byte a posting (BM25's
  length-normalized term-frequency part in 8 classes, and a title bit), so
  that ranking needs no table of document lengths.
* paged, gaps only: the same without the byte a posting (boolean index).
* paged, df <= 10%: the first without the postings of terms in more than a
  tenth of the documents (what a stop list would drop).
* SQLite FTS5, contentless (content=''), detail=none and detail=column: an
  embedded engine readable by pages through an HTTP VFS; its database size
  after VACUUM.
"""
import collections
import os
import re
import sqlite3
import sys
import tempfile

import Stemmer
import zstandard

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import search_queries  # noqa: E402

WORD = re.compile(r"[^\W_]+", re.U)
METADATA = re.compile(r"(?ms)^## (?:Article )?Metadata\n.*?(?=^## )")
STEM = Stemmer.Stemmer("english")


def documents(top):
    files, key = search_queries.load(top)
    best = {}
    for rel, (title, _pid, text, body) in files.items():
        k = key[rel]
        if k not in best or len(text) > len(best[k][1]):
            best[k] = (title or rel, METADATA.sub("", body))
    return [best[k] for k in sorted(best)]


def terms(text, cache={}):
    out = []
    for w in WORD.findall(text.casefold()):
        s = cache.get(w)
        if s is None:
            s = cache[w] = w if w.isdigit() else STEM.stemWord(w)
        out.append(s)
    return out


def varint(n, out):
    while n >= 128:
        out.append(n & 127 | 128)
        n >>= 7
    out.append(n)


K1, B = 1.2, 0.75


LEVELS = int(os.environ.get("LEVELS", "8"))


def impact(tf, length, mean_length):
    """BM25's term-frequency part, length-normalized, in LEVELS classes
    (environment, default 8): what a posting needs for ranking without a
    table of document lengths."""
    part = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / mean_length))
    return min(LEVELS - 1, int(part / (K1 + 1) * LEVELS))


def paged(postings, ndocs, with_impact=True, most_df=1.0, page_terms=2048):
    cctx = zstandard.ZstdCompressor(level=19)
    chosen = [t for t in sorted(postings) if len(postings[t]) <= most_df * ndocs]
    total = 0
    for i in range(0, len(chosen), page_terms):
        names, counts, gaps, impacts = bytearray(), bytearray(), bytearray(), bytearray()
        prev = b""
        for t in chosen[i:i + page_terms]:
            b = t.encode()
            common = 0
            while common < min(len(b), len(prev)) and b[common] == prev[common]:
                common += 1
            names += bytes([common, len(b) - common]) + b[common:]
            prev = b
            plist = postings[t]
            varint(len(plist), counts)
            last = -1
            for doc, klass, in_title in plist:
                varint(doc - last - 1, gaps)
                last = doc
                if with_impact:
                    impacts.append(klass | (8 if in_title else 0))
        total += sum(len(cctx.compress(bytes(s))) for s in (names, counts, gaps, impacts) if s)
    return total


def fts5(docs, detail):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "fts.db")
        db = sqlite3.connect(path)
        db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, content='', detail=%s, "
                   "tokenize='porter unicode61 remove_diacritics 2')" % detail)
        db.executemany("INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)",
                       ((i + 1, title, body) for i, (title, body) in enumerate(docs)))
        db.execute("INSERT INTO t(t) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
        db.close()
        return os.path.getsize(path)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    archive = int(sys.argv[2]) if len(sys.argv) == 3 else 0
    docs = documents(sys.argv[1])
    postings = collections.defaultdict(list)
    analyzed = [(set(terms(title)), terms(title + "\n" + body)) for title, body in docs]
    mean = sum(len(words) for _, words in analyzed) / max(1, len(analyzed))
    for n, (in_title, words) in enumerate(analyzed):
        for t, tf in collections.Counter(words).items():
            postings[t].append((n, impact(tf, len(words), mean), t in in_title))
    print("documents %d, terms %d, postings %d" % (len(docs), len(postings), sum(map(len, postings.values()))))
    rows = [("paged, gaps+impact", paged(postings, len(docs))),
            ("paged, gaps only", paged(postings, len(docs), with_impact=False)),
            ("paged, df <= 10%", paged(postings, len(docs), most_df=0.1)),
            ("SQLite FTS5 detail=none", fts5(docs, "none")),
            ("SQLite FTS5 detail=column", fts5(docs, "column"))]
    print("| design | bytes | of the archive |")
    print("|---|--:|--:|")
    for name, size in rows:
        share = "%.1f%%" % (100.0 * size / archive) if archive else "-"
        print("| %s | %s | %s |" % (name, format(size, ","), share))


if __name__ == "__main__":
    main()
