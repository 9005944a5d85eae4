#!/usr/bin/env python3
"""gen_corpus.py - write a synthetic corpus of markdown articles for benchmarks.

    python3 bench/gen_corpus.py N OUTDIR [--seed S] [--median BYTES] [--sigma X]
                                         [--revision-share P]
    python3 bench/gen_corpus.py --jsonl N OUTDIR [--seed S] [--median BYTES] [--sigma X]

Writes N files (N counts every version file, as the open_wiki corpus's
"1,203 files" does) in the layout of ../shared/corpus/open_wiki's markdown:
  '# Title', a '## Article Metadata' (ISO time with microseconds) or
  '## Metadata' (YYYY-MM-DD HH:MM:SS UTC) block with Last Updated, Original
  Article [Title](URL), Language and Page ID, then Summary, Categories,
  Table of Contents (Metadata layout), Content, Related Articles / Archive Info.
Files live in topic folders (articles_Python_software/, Web_frameworks/, ...);
a file's name is its title with '_' for spaces (and, in the '## Metadata'
folders, without parentheses). The layout follows the folder, as in the real
corpus, where each folder came from one scrape.

The output depends only on N and the options (same Python 3 version):
  - sizes are log-normal: median ~8 KB (--median), sigma 0.9, so ~2% of the
    files are above 50 KB; from 400 bytes up to 600 KB;
  - words: a fixed word list (common English, then domain words, then
    pseudo-words made of syllables) drawn with Zipf frequencies, mixed with
    ~6% article-specific words (the article's name and its own pseudo-words);
  - ~30% of the articles (--revision-share) have 2-5 versions: the same page
    ID and title, slightly edited text (sentences replaced, a paragraph added
    or dropped, a category changed), a different Last Updated, each in a
    different folder; the rest have one;
  - page IDs are unique per article; titles are unique (a few non-ASCII).
About 12 KB per file on average: 30,000 files make ~360 MB, 100,000 ~1.2 GB.

With --jsonl it writes instead one JSON Lines file, OUTDIR/records.jsonl, of N
short records (one article each, no versions), for corpora of many millions
of entries: {"title", "page_id", "language", "text"}, the text a run of
words of log-normal length (median 100 bytes, sigma 0.5 unless --median and
--sigma say otherwise; 20 bytes to 4 KB). Titles are the unique names above
(a fifth syllable beyond 1.68M records, so up to 60M), some with a qualifier
in parentheses; page IDs as above. ~196 bytes a line: 10,000,000 records
make ~2 GB, written in about four minutes. `wikipack pack` names each record
records/TITLE.txt (spaces as '_').
Standard library only. Prints "FILES ARTICLES BYTES" at the end.
"""
import json
import argparse
import datetime
import math
import os
import random
import sys
from bisect import bisect
from itertools import accumulate

COMMON = """the of and in to a is was for as by with on that it from which are an be this
or at its has have were also not but their first one other used can his been more
two such new they may than into most after some these time all only over when
many would both between under while during through later including where made
several however since well use based part known three each any however then
there so about under early them each version year because who same its out""".split()
DOMAIN = """software system language program programming library framework version
released release developer developers support code source open data application
applications project user users written web server python module modules functions
function interface network systems computer design standard implementation features
feature tool tools platform development license free operating windows linux file
files package packages distribution community written api client service database
memory performance compiler interpreter runtime syntax object objects class
classes type types method methods value values documentation tests testing
integration engine model models graphics scientific numerical analysis text editor
protocol security format formats script scripts scripting environment team
company foundation university research academic commercial stable maintained
originally later announced introduced replaced added removed major minor
binary binaries command line shell extension extensions plugin plugins
framework frameworks template templates markup html http request response
version control repository branch merge commit build builds packaging
installer dependency dependencies cross platform mobile desktop cloud""".split()
SYLLABLES = ("ka ri to na mi shi lo ver an tel mar os ing ter pro gra lan ge ta py "
             "thon wik ar chi ve da ba sen cor dex ul per sta mo ne li su zo qui fe").split()
FOREIGN = ["Zürich", "café", "naïve", "Ελλάδα", "東京", "Москва", "São Paulo", "Kraków",
           "Dvořák", "Ångström", "façade", "日本語", "Øresund", "Malmö", "Gödel", "Señor"]
QUALIFIERS = ["software", "programming language", "library", "web framework", "company",
              "computer scientist", "file format", "protocol", "operating system", "video game"]
TOPICS = ["Python_programming_language", "Python_software", "Python_libraries",
          "Python_web_frameworks", "Python_people", "Python_implementations",
          "Python_development_tools", "Free_software", "Programming_languages",
          "Articles_with_example_code", "Scientific_software", "Software_companies"]
FOLDERS = ["articles_" + t for t in TOPICS] + TOPICS  # 24 folders
SECTION_NAMES = ["History", "Overview", "Design", "Features", "Syntax", "Implementation",
                 "Usage", "Reception", "Development", "Architecture", "Licensing",
                 "Examples", "Performance", "Criticism", "Releases", "Community"]
TAIL_SECTIONS = ["See also", "References", "Further reading", "External links"]

ID_MOD = 1 << 27          # page IDs: a bijection of the article number mod 2^27
NAME_MOD = 36 ** 4        # unique names: 4 syllables of 36 -> 1.68M articles max


class Vocab:
    def __init__(self, seed):
        rng = random.Random("vocab:%d" % seed)
        words, seen = [], set()
        for w in COMMON + DOMAIN:
            if w not in seen:
                seen.add(w)
                words.append(w)
        while len(words) < 12000:
            w = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
            if w not in seen:
                seen.add(w)
                words.append(w)
        self.words = words
        # Zipf-Mandelbrot: weight (rank + 2.7) ** -1.1
        self.cum = list(accumulate((r + 2.7) ** -1.1 for r in range(len(words))))
        self.total = self.cum[-1]
        crng = random.Random("categories:%d" % seed)
        cats = []
        for i in range(3000):
            n = crng.choice((2, 3, 3, 4, 5))
            ws = [self.draw(crng) for _ in range(n)]
            cats.append("Category:" + " ".join(ws).capitalize())
        cats[:8] = ["Category:Articles with short description",
                    "Category:Short description is different from Wikidata",
                    "Category:Python (programming language) software",
                    "Category:All stub articles", "Category:Free software programmed in Python",
                    "Category:Software using the MIT license", "Category:Cross-platform software",
                    "Category:Articles with example Python (programming language) code"]
        self.categories = cats
        self.cat_cum = list(accumulate(1.0 / (r + 1.5) for r in range(len(cats))))

    def draw(self, rng):
        return self.words[bisect(self.cum, rng.random() * self.total)]

    def draws(self, rng, k):
        cum, words, total, rnd = self.cum, self.words, self.total, rng.random
        return [words[bisect(cum, rnd() * total)] for _ in range(k)]

    def category(self, rng):
        return self.categories[bisect(self.cat_cum, rng.random() * self.cat_cum[-1])]


def scramble(x):
    """A bijection of [0, NAME_MOD): a 4-round Feistel network on 22 bits,
    cycle-walked back into range, so that consecutive articles get unrelated
    names (title order then says nothing about generation order)."""
    while True:
        left, right = x >> 11, x & 0x7FF
        for k in (0x3A7, 0x51D, 0x2C9, 0x6B3):
            f = ((right * 0x9E3779B1 + k) ^ (right >> 3)) * 0x85EBCA6B
            left, right = right, left ^ ((f >> 13) & 0x7FF)
        x = (left << 11) | right
        if x < NAME_MOD:
            return x


def unique_name(i):
    """A pronounceable name unique to article i (i < NAME_MOD)."""
    p = scramble(i)
    out = []
    for _ in range(4):
        p, d = divmod(p, 36)
        out.append(SYLLABLES[d])
    return "".join(out).capitalize()


def title_of(i, seed):
    rng = random.Random("title:%d:%d" % (seed, i))
    name = unique_name(i)
    r = rng.random()
    if r < 0.35:
        t = name
    elif r < 0.65:
        t = "%s (%s)" % (name, rng.choice(QUALIFIERS))
    elif r < 0.97:
        t = "%s %s" % (name, rng.choice(DOMAIN))
    else:
        t = "%s %s" % (name, rng.choice(FOREIGN))
    return t


def page_id_of(i):
    return (i * 2654435761) % ID_MOD + 1000


def jsonl_title(i, rng):
    """A unique title for record i: unique_name beyond NAME_MOD gets a fifth
    syllable; a third of the titles get a qualifier."""
    q, r = divmod(i, NAME_MOD)
    name = unique_name(r)
    if q:
        name += SYLLABLES[q - 1] if q <= len(SYLLABLES) else sys.exit("gen_corpus: too many records")
    return "%s (%s)" % (name, rng.choice(QUALIFIERS)) if rng.random() < 0.33 else name


def write_jsonl(a, vocab):
    """N one-line records into OUTDIR/records.jsonl (see the module's help)."""
    median = 100 if a.median is None else a.median
    sigma = 0.5 if a.sigma is None else a.sigma
    rng = random.Random("jsonl:%d" % a.seed)
    total = 0
    with open(os.path.join(a.outdir, "records.jsonl"), "w", encoding="utf-8") as f:
        for i in range(a.n):
            target = int(min(4096, max(20, median * math.exp(rng.gauss(0.0, sigma)))))
            words, size = [], 0
            while size < target:
                for w in vocab.draws(rng, 8):
                    words.append(w)
                    size += len(w) + 1
                    if size >= target:
                        break
            text = " ".join(words)
            line = json.dumps({"title": jsonl_title(i, rng), "page_id": page_id_of(i), "language": "en",
                               "text": text[0].upper() + text[1:] + "."}, ensure_ascii=False) + "\n"
            f.write(line)
            total += len(line.encode("utf-8"))
            if (i + 1) % 1000000 == 0:
                print("gen_corpus: %d records, %d bytes" % (i + 1, total), file=sys.stderr)
    print(a.n, a.n, total)


def file_name(title, layout):
    # The '## Metadata' scrapes dropped parentheses from file names
    # (Grok_web_framework.md for "Grok (web framework)"), as in open_wiki.
    name = title.replace(" ", "_").replace("/", "_")
    if layout == 1:
        name = name.replace("(", "").replace(")", "")
    return name + ".md"


def url_of(title):
    return "https://en.wikipedia.org/wiki/" + title.replace(" ", "_")


def make_sentence(rng, vocab, own):
    k = rng.randint(6, 26)
    ws = vocab.draws(rng, k)
    for j in range(k):
        if rng.random() < 0.06:
            ws[j] = rng.choice(own)
    if rng.random() < 0.15:
        ws.insert(rng.randint(0, k), str(rng.randint(1970, 2024)))
    s = " ".join(ws)
    return s[0].upper() + s[1:] + "."


def make_paragraph(rng, vocab, own):
    return [make_sentence(rng, vocab, own) for _ in range(rng.randint(2, 7))]


def fmt_time(ts, layout):
    # ts: seconds since the epoch (float)
    d = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    if layout == 0:
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%06d+00:00" % d.microsecond
    return d.strftime("%Y-%m-%d %H:%M:%S UTC")


class Article:
    """The newest version's parts; older versions are derived by edits."""

    def __init__(self, i, seed, vocab, target):
        rng = random.Random("article:%d:%d" % (seed, i))
        self.rng = rng
        self.title = title_of(i, seed)
        self.pid = page_id_of(i)
        name = unique_name(i)
        own = [name] * 3 + ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                            for _ in range(rng.randint(8, 25))]
        own += [w.capitalize() for w in own[3:8]]
        self.own = own
        ncat = rng.randint(3, 15)
        cats = {vocab.category(rng) for _ in range(ncat)}
        cats.add("Category:%s %s" % (name, rng.choice(QUALIFIERS)))
        self.categories = sorted(cats)
        self.links = sorted({title_of(rng.randrange(0, max(1, i * 2 + 50)), seed)
                             for _ in range(rng.randint(3, 30))})
        # Content: sections of paragraphs until the target size is reached.
        overhead = 600 + sum(len(c) + 3 for c in self.categories) + sum(2 * len(t) + 40 for t in self.links)
        budget = max(200, target - overhead)
        sections, size = [], 0
        names = rng.sample(SECTION_NAMES, rng.randint(1, min(8, len(SECTION_NAMES))))
        si = 0
        while size < budget * 0.9:
            heading = names[si % len(names)] if si < len(names) else "%s %d" % (names[si % len(names)], si)
            paras = []
            for _ in range(rng.randint(1, 5)):
                p = make_paragraph(rng, vocab, own)
                paras.append(p)
                size += sum(len(s) + 1 for s in p) + 1
                if size >= budget * 0.9:
                    break
            sections.append([heading, paras])
            si += 1
        self.sections = sections
        self.summary_paras = 1 if size < 3000 else rng.randint(1, 3)

    def edited(self, vocab):
        """An older version: a few sentences differ, a paragraph more or less, a category."""
        rng = self.rng
        secs = [[h, [list(p) for p in ps]] for h, ps in self.sections]
        for _ in range(rng.randint(1, 4)):
            h, ps = secs[rng.randrange(len(secs))]
            p = ps[rng.randrange(len(ps))]
            p[rng.randrange(len(p))] = make_sentence(rng, vocab, self.own)
        r = rng.random()
        if r < 0.3 and sum(len(ps) for _, ps in secs) > 1:
            h, ps = secs[rng.randrange(len(secs))]
            if len(ps) > 1:
                del ps[rng.randrange(len(ps))]
        elif r < 0.5:
            secs[-1][1].append(make_paragraph(rng, vocab, self.own))
        cats = list(self.categories)
        if rng.random() < 0.3 and len(cats) > 2:
            del cats[rng.randrange(len(cats))]
        new = Article.__new__(Article)
        new.__dict__.update(self.__dict__)
        new.sections, new.categories = secs, cats
        return new

    def render(self, layout, ts):
        when = fmt_time(ts, layout)
        out = ["# %s" % self.title, ""]
        first_paras = [p for _, ps in self.sections for p in ps][:self.summary_paras]
        summary = "\n".join(" ".join(p) for p in first_paras)
        if layout == 0:
            out += ["## Article Metadata", "",
                    "- **Last Updated:** %s" % when,
                    "- **Original Article:** [%s](%s)" % (self.title, url_of(self.title)),
                    "- **Language:** en",
                    "- **Page ID:** %d" % self.pid, "",
                    "## Summary", "", summary, "",
                    "## Categories", ""]
            out += ["- %s" % c for c in self.categories]
            out += ["", "## Content", ""]
            for h, ps in self.sections:
                out += ["=== %s ===" % h, ""]
                out += [" ".join(p) + "\n" for p in ps]
            out += ["## Related Articles", "", "### Internal Links", ""]
            out += ["- [%s](%s)" % (t, url_of(t)) for t in self.links]
            out += ["", "---", "_This article is part of the Python Programming Language wiki archive._",
                    "_Retrieved and archived on: %s_" % when]
        else:
            out += ["## Metadata",
                    "- **Last Updated:** %s" % when,
                    "- **Original Article:** [%s](%s)" % (self.title, url_of(self.title)),
                    "- **Language:** en",
                    "- **Page ID:** %d" % self.pid, "",
                    "## Summary", summary, "",
                    "## Categories", "This article belongs to the following categories:", ""]
            out += ["- %s" % c for c in self.categories]
            out += ["", "## Table of Contents", ""]
            out += ["- %s" % h for h, _ in self.sections] + ["- %s" % t for t in TAIL_SECTIONS]
            out += ["", "## Content", ""]
            for h, ps in self.sections:
                out += [h] + ["\n".join(" ".join(p[k:k + 3]) for k in range(0, len(p), 3)) for p in ps] + [""]
            out += TAIL_SECTIONS + [""]
            out += ["## Archive Info",
                    "- **Archived on:** %s" % when,
                    "- **Archive Source:** Wikipedia (_en_)",
                    "- **Total References:** %d" % len(self.links),
                    "- **Article Size:** %d bytes" % sum(len(s) for _, ps in self.sections for p in ps for s in p),
                    "- **Word Count:** %d words" % sum(s.count(" ") + 1 for _, ps in self.sections for p in ps for s in p),
                    ""]
        return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of files (article versions) to write")
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--median", type=float, default=None, help="median size (default 8000; --jsonl: 100)")
    ap.add_argument("--sigma", type=float, default=None, help="log-normal sigma (default 0.9; --jsonl: 0.5)")
    ap.add_argument("--revision-share", type=float, default=0.30)
    ap.add_argument("--jsonl", action="store_true", help="N short records in OUTDIR/records.jsonl")
    a = ap.parse_args()
    if a.n < 1:
        sys.exit("gen_corpus: N must be positive")
    vocab = Vocab(a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    if a.jsonl:
        write_jsonl(a, vocab)
        return
    if a.median is None:
        a.median = 8000
    if a.sigma is None:
        a.sigma = 0.9
    for f in FOLDERS:
        os.makedirs(os.path.join(a.outdir, f), exist_ok=True)
    plan = random.Random("plan:%d" % a.seed)
    files = articles = total = 0
    t_start, t_span = 1672531200.0, 60 * 86400 * 12  # versions from 2023-01-01 over ~2 years
    while files < a.n:
        i = articles
        if i >= NAME_MOD:
            sys.exit("gen_corpus: too many articles for unique names")
        nver = plan.randint(2, 5) if plan.random() < a.revision_share else 1
        nver = min(nver, a.n - files)
        target = int(min(600_000, max(400, a.median * math.exp(plan.gauss(0.0, a.sigma)))))
        art = Article(i, a.seed, vocab, target)
        folders = plan.sample(range(len(FOLDERS)), nver)
        times = sorted(t_start + plan.random() * t_span for _ in range(nver))
        versions = [art]
        for _ in range(nver - 1):
            versions.append(versions[-1].edited(vocab))
        # versions[0] is the newest: it gets the latest time.
        for k in range(nver):
            v, fi = versions[k], folders[k]
            layout = fi % 2  # the folder's scrape decides the layout
            text = v.render(layout, times[nver - 1 - k]).encode("utf-8")
            path = os.path.join(a.outdir, FOLDERS[fi], file_name(art.title, layout))
            with open(path, "wb") as f:
                f.write(text)
            files += 1
            total += len(text)
        articles += 1
        if articles % 10000 == 0:
            print("gen_corpus: %d files, %d articles, %d bytes" % (files, articles, total), file=sys.stderr)
    print(files, articles, total)


if __name__ == "__main__":
    main()
