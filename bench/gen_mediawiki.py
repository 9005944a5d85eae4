#!/usr/bin/env python3
"""gen_mediawiki.py - write a synthetic MediaWiki XML export for benchmarks.

    python3 bench/gen_mediawiki.py N OUTPUT [--seed S]

Writes N <page> elements in the pages-articles layout that Wikipedia's dumps
use (<mediawiki><siteinfo>...</siteinfo><page><title/><ns/><id/>[<redirect/>]
<revision>...<text/></revision>...</page>...</mediawiki>). OUTPUT ending in
.bz2 or .gz is compressed (.zst too, with Python 3.14's compression.zstd);
"-" writes plain XML to stdout, e.g. to pipe it through `zstd`.

The output depends only on N and the seed (same Python version):
  - text sizes are log-normal with a median of 3 KB (from ~150 bytes up to
    1 MB), made of wiki markup: bold, links, templates, <ref>s, headings,
    categories, some non-ASCII words, and characters that need escaping;
  - ~5% of the pages are redirects (#REDIRECT [[Target]] and <redirect/>);
  - ~10% of the pages have 2-5 revisions, oldest first, earlier ones shorter;
  - namespaces 0 (most), 1 Talk, 4 Wikipedia, 10 Template and 14 Category.
About 5.7 KB of XML per page on average: 100,000 pages make ~570 MB.
Standard library only.
"""
import argparse
import bz2
import gzip
import hashlib
import math
import random
import sys
import time
from xml.sax.saxutils import escape

NAMESPACES = [  # (key, prefix, share)
    (0, "", 0.80),
    (1, "Talk", 0.06),
    (4, "Wikipedia", 0.03),
    (10, "Template", 0.05),
    (14, "Category", 0.06),
]
REDIRECT_SHARE = 0.05
MULTI_REVISION_SHARE = 0.10
MEDIAN_TEXT = 3000
SIGMA = 0.9
MIN_TEXT, MAX_TEXT = 150, 1_000_000
CORPUS_BYTES = 4 << 20
SYLLABLES = ("ka ri to na mi shi lo ver an tel mar os ing ter pro gra lan ge ta "
             "py thon wik ar chi ve da ba sen cor dex ul per sta".split())
FOREIGN = ["Zürich", "café", "naïve", "Ελλάδα", "東京", "Москва", "São Paulo", "Kraków",
           "Dvořák", "Ångström", "façade", "日本語", "북한", "مصر", "ॐ", "Ærø"]
ATTR_QUOTE = {'"': "&quot;"}


def make_words(rng, n):
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def make_corpus(rng, words, size):
    """A long run of wiki-like text (unescaped) to cut page texts from."""
    out, total = [], 0
    while total < size:
        sentence = []
        for _ in range(rng.randint(6, 24)):
            r = rng.random()
            w = rng.choice(words)
            if r < 0.06:
                w = "[[%s]]" % w.capitalize()
            elif r < 0.08:
                w = "[[%s|%s]]" % (w.capitalize(), w)
            elif r < 0.10:
                w = "'''%s'''" % w
            elif r < 0.12:
                w = "''%s''" % w
            elif r < 0.135:
                w = rng.choice(FOREIGN)
            elif r < 0.14:
                w = "R&D"
            elif r < 0.145:
                w = "1 < 2 > 0"
            sentence.append(w)
        s = " ".join(sentence)
        s = s[0].upper() + s[1:] + "."
        r = rng.random()
        if r < 0.10:
            s += '<ref name="r%d">{{cite web |title=%s |url=https://example.org/%s?a=1&b=2}}</ref>' % (
                rng.randint(1, 99), rng.choice(words), rng.choice(words))
        elif r < 0.15:
            s += "\n\n== %s ==\n" % rng.choice(words).capitalize()
        elif r < 0.25:
            s += "\n\n"
        elif r < 0.27:
            s += "\n{{%s|%s}}\n" % (rng.choice(words).capitalize(), rng.choice(words))
        else:
            s += " "
        out.append(s)
        total += len(s)
    return "".join(out)


def cut(rng, corpus, size):
    """About `size` characters of the corpus, starting and ending on a space."""
    n = len(corpus)
    if size >= n - 2:
        size = n // 2
    start = rng.randrange(0, n - size - 1)
    sp = corpus.find(" ", start)
    start = sp + 1 if 0 <= sp < start + 200 else start
    end = corpus.rfind(" ", start, start + size)
    if end <= start:
        end = start + size
    return corpus[start:end]


def sha1_base36(data):
    v = int.from_bytes(hashlib.sha1(data).digest(), "big")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while v:
        v, r = divmod(v, 36)
        s = digits[r] + s
    return s.rjust(31, "0")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def open_output(path):
    if path == "-":
        return sys.stdout.buffer
    if path.endswith(".bz2"):
        return bz2.open(path, "wb", compresslevel=9)
    if path.endswith(".gz"):
        return gzip.open(path, "wb", compresslevel=6)
    if path.endswith(".zst"):
        try:
            from compression import zstd  # Python 3.14+
        except ImportError:
            sys.exit("gen_mediawiki.py: .zst needs Python 3.14; write to - and pipe through zstd instead")
        return zstd.open(path, "wb")
    return open(path, "wb")


def header():
    ns = "\n".join(
        '      <namespace key="%d" case="first-letter"%s' % (k, ">%s</namespace>" % p if p else " />")
        for k, p, _ in NAMESPACES)
    return (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ '
        'http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="en">\n'
        "  <siteinfo>\n"
        "    <sitename>Synthetic Wiki</sitename>\n"
        "    <dbname>synthwiki</dbname>\n"
        "    <base>https://synth.example.org/wiki/Main_Page</base>\n"
        "    <generator>MediaWiki 1.43.0 (bench/gen_mediawiki.py)</generator>\n"
        "    <case>first-letter</case>\n"
        "    <namespaces>\n%s\n    </namespaces>\n"
        "  </siteinfo>\n" % ns)


def main():
    ap = argparse.ArgumentParser(description="Write a synthetic MediaWiki XML export.")
    ap.add_argument("n", type=int, help="number of pages")
    ap.add_argument("output", help="output path (.bz2 / .gz / .zst compress; - for stdout)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.n < 0:
        ap.error("N must be >= 0")

    rng = random.Random(args.seed)
    words = make_words(rng, 5000)
    corpus = make_corpus(rng, words, CORPUS_BYTES)
    ns_keys = [k for k, _, _ in NAMESPACES]
    ns_prefix = {k: p for k, p, _ in NAMESPACES}
    ns_weights = [w for _, _, w in NAMESPACES]
    mu = math.log(MEDIAN_TEXT)

    out = open_output(args.output)
    out.write(header().encode())
    titles = set()
    articles = []  # main-namespace titles, redirect targets
    rev_id = 100000
    stats = {"pages": 0, "redirects": 0, "revisions": 0, "bytes": 0}
    batch = []

    for i in range(args.n):
        ns = rng.choices(ns_keys, ns_weights)[0]
        is_redirect = bool(articles) and rng.random() < REDIRECT_SHARE
        if is_redirect:
            ns = 0
        base = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3))).capitalize()
        if rng.random() < 0.15:
            base += " (%s)" % rng.choice(words)
        if rng.random() < 0.03:
            base = rng.choice(FOREIGN) + " " + base
        if rng.random() < 0.01:
            base += " & " + rng.choice(words)
        title = "%s:%s" % (ns_prefix[ns], base) if ns_prefix[ns] else base
        if title in titles:
            title = "%s %d" % (title, i)
        titles.add(title)
        page_id = 1000 + i * 3 + rng.randint(0, 2)

        nrev = rng.randint(2, 5) if rng.random() < MULTI_REVISION_SHARE else 1
        t = rng.randint(1104537600, 1733000000 - nrev * 86400 * 30)  # 2005 .. late 2024
        if is_redirect:
            target = rng.choice(articles)
            section = "#%s" % rng.choice(words).capitalize() if rng.random() < 0.1 else ""
            text = "#REDIRECT [[%s%s]]" % (target, section)
            if rng.random() < 0.5:
                text += "\n\n{{R from %s}}" % rng.choice(["move", "alternative name", "short name"])
            texts = [text] * nrev
        else:
            size = int(rng.lognormvariate(mu, SIGMA))
            size = max(MIN_TEXT, min(MAX_TEXT, size))
            body = cut(rng, corpus, size)
            cats = "".join("\n[[Category:%s]]" % rng.choice(words).capitalize()
                           for _ in range(rng.randint(0, 4)))
            text = "'''%s''' is %s%s" % (base, body, cats)
            texts = [text[:max(40, len(text) * (k + 1) // nrev)] for k in range(nrev)]
            if ns == 0:
                articles.append(title)

        parts = ["  <page>\n    <title>%s</title>\n    <ns>%d</ns>\n    <id>%d</id>\n"
                 % (escape(title), ns, page_id)]
        if is_redirect:
            parts.append('    <redirect title="%s" />\n' % escape(target, ATTR_QUOTE))
        parent = None
        for k in range(nrev):
            rev_id += rng.randint(1, 50)
            t += rng.randint(3600, 86400 * 30)
            raw = texts[k].encode()
            sha1 = sha1_base36(raw)
            parts.append("    <revision>\n      <id>%d</id>\n" % rev_id)
            if parent:
                parts.append("      <parentid>%d</parentid>\n" % parent)
            parts.append("      <timestamp>%s</timestamp>\n" % iso(t))
            if rng.random() < 0.2:
                parts.append("      <contributor>\n        <ip>192.0.2.%d</ip>\n      </contributor>\n"
                             % rng.randint(1, 254))
            else:
                parts.append("      <contributor>\n        <username>%s</username>\n        <id>%d</id>\n"
                             "      </contributor>\n" % (rng.choice(words).capitalize(), rng.randint(1, 10**7)))
            if rng.random() < 0.3:
                parts.append("      <minor />\n")
            if rng.random() < 0.7:
                parts.append("      <comment>%s</comment>\n" % escape(" ".join(rng.choice(words) for _ in range(3))))
            parts.append("      <origin>%d</origin>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                         '      <text bytes="%d" sha1="%s" xml:space="preserve">%s</text>\n'
                         "      <sha1>%s</sha1>\n    </revision>\n"
                         % (rev_id, len(raw), sha1, escape(texts[k]), sha1))
            parent = rev_id
            stats["revisions"] += 1
        parts.append("  </page>\n")
        batch.append("".join(parts))
        stats["pages"] += 1
        stats["redirects"] += bool(is_redirect)
        if len(batch) >= 512:
            data = "".join(batch).encode()
            stats["bytes"] += len(data)
            out.write(data)
            batch = []

    data = ("".join(batch) + "</mediawiki>\n").encode()
    stats["bytes"] += len(data) + len(header().encode())
    out.write(data)
    if out is not sys.stdout.buffer:
        out.close()
    else:
        out.flush()
    print("gen_mediawiki.py: %(pages)d pages, %(redirects)d redirects, %(revisions)d revisions, "
          "%(bytes)d bytes of XML" % stats, file=sys.stderr)


if __name__ == "__main__":
    main()
