#!/usr/bin/python3
"""search_queries.py - the query sets of the full-text search benchmark
(search_bench.sh), drawn from a corpus directory of markdown files, and the
ZIMs it searches them in.

    search_queries.py make CORPUS_DIR QUERIES.tsv ARTICLES.tsv [--n N] [--latency L] [--seed S]
    search_queries.py zim CORPUS_DIR OUT.zim [--index LANG]

`make` writes two files, UTF-8, tab-separated, one '#' header line each:

QUERIES.tsv: kind, query, expected path, expected title, expected article,
others (how many other articles hold all the query's words).
ARTICLES.tsv: path, article, title, for every .md file of the corpus.

An evaluator maps each result's path through ARTICLES.tsv and compares the
article, so that any copy or version of the expected article counts (the
open_wiki markdown holds three files for most articles, up to 24). A
result whose path is not in ARTICLES.tsv is an article of its own.

The rules, exactly:

* Files: the .md files below CORPUS_DIR, sorted by path (bytes). Reading is
  UTF-8 with replacement of invalid bytes.
* Article files carry a title in one of two layouts: YAML front matter
  ('---' first line, a 'title:' key, quotes stripped), or a '# Title' first
  line and an '## Article Metadata' or '## Metadata' block within the first
  8,192 characters. Their page ID is the first 'Page ID: N' in those
  characters.
  Other files (a folder's README.md) are no article's copy: they are
  searched but never expected.
* Article: files with the same page ID are one article; a file without a
  page ID belongs to the article whose title, case-folded, is the same
  (as `wikipack pack` groups versions); else to its case-folded title
  alone. The article column is 'id:N' or 'title:FOLDED', and 'path:P' for
  a file that is not an article's.
* Words: maximal runs of Unicode letters, digits and '_' (Python's \w,
  which Xapian's term generator also keeps together: RAND_MAX is one
  word), case-folded.
  Document frequency (df) of a word: the number of articles (all their
  files together, whole text) containing it.
* N articles (default 1,000; all when fewer) are drawn with
  random.Random(SEED) from the sorted article keys; for each, one of its
  files (sorted paths) is drawn as the expected path, whose title is the
  expected title. Each drawn article gives:
  - `title`: its title as typed: apostrophes removed ("Banker's" ->
    "bankers"), then its words joined by single spaces. Judged relevant
    when the article is among the first 3 results, one result per article.
  - `rare`: from that file's prose, one paragraph is drawn among those with
    at least PARA_WORDS (8) distinct eligible words (short lines are
    captions and boilerplate); when none has, its first paragraph with the
    most, if that has 3. The query is the paragraph's 3 eligible words of
    lowest df (ties: first in the paragraph), in paragraph order. Prose is
    the text after the front matter, without heading lines ('#...'), without
    the sections (and their subsections) in SKIP_SECTIONS (metadata, link
    lists) and without what follows a '---' rule up to the next heading
    (open_wiki's footer); a paragraph is a line together with the indented
    lines after it (open_wiki's extracts hold a paragraph per line,
    WordNet's dictd entries continue on indented lines). Eligible words:
    letters only, at least 3 of them, outside URLs ('scheme://...' and
    markdown link targets '](...)'). An article without such a paragraph
    gets no `rare` query. Judged relevant when the article is the first
    result.
  - others, for both: the number of articles besides the expected one whose
    files hold every word of the query (words as above, whole text). A
    `rare` query with others > 0 cannot be sure to rank first: WordNet
    repeats a definition under each of its synonyms' headwords.
* `latency` (L queries, default 300, no expected article): the pool is the
  100 words of at least 3 letters, not in STOPWORDS, found in the most
  article titles (ties by word; only words of 2 titles or more, unless
  none is). Query i has k = 1 + i % 3 words: one pool word at random for
  k = 1; for k = 2 or 3, a random article whose title holds at least k
  distinct pool words and k of them in title order (k random pool words
  if no title has k).

`zim` writes the ZIM of bench_util.write_zim with the titles above (the
path for a file with none), so that libzim's title weighting sees the same
titles as the queries; --index LANG adds libzim's full-text index.
"""
import argparse
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_util  # noqa: E402

WORD_RE = re.compile(r"\w+")  # letters, digits and "_", as Xapian's words
URL_RE = re.compile(r"\S+://\S*|\]\([^)]*\)")
APOSTROPHES_RE = re.compile(r"['\u2019]")
SKIP_SECTIONS = {"article metadata", "metadata", "categories", "table of contents",
                 "related articles", "archive info"}
STOPWORDS = set("""the and for with from that this are was were not but its his her
their into over under about after before between also has have had you your
our can all any one two new old list""".split())
POOL = 100
PARA_WORDS = 8
HEAD = 8192


def parse(full):
    """(title or None, page ID or None, whole text, body) of one markdown
    file; the body is what follows the front matter."""
    with open(full, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    head = text[:HEAD]
    m = bench_util.PAGE_ID_RE.search(head.encode("utf-8", "replace"))
    pid = int(m.group(1)) if m else None
    title, body = None, text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end >= 0:
            body = text[end + 5:]
            for line in text[4:end].split("\n"):
                if line.startswith("title:"):
                    title = line[6:].strip().strip("\"'").strip() or None
                    break
    else:
        first = text.split("\n", 1)[0].rstrip("\r")
        if first.startswith("# ") and ("\n## Article Metadata" in head or "\n## Metadata" in head):
            title = first[2:].strip() or None
    return title, pid, text, body


def paragraphs(body):
    """The prose paragraphs of a body (see the rules above)."""
    out, cur, skip_level = [], None, 0
    for line in body.split("\n"):
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            if skip_level and level > skip_level:
                pass  # a subsection of a skipped section
            elif line.lstrip("#").strip().casefold() in SKIP_SECTIONS:
                skip_level = level
            else:
                skip_level = 0
            cur = None
        elif line.strip() in ("---", "***", "___"):
            skip_level, cur = 99, None  # a rule: what follows is a footer
        elif skip_level or not line.strip():
            cur = None
        elif line[0] in " \t" and cur is not None:
            out[cur] += "\n" + line
        else:
            out.append(line)
            cur = len(out) - 1
    return out


def words(text):
    return WORD_RE.findall(text.casefold())


def eligible(text):
    return [w for w in words(URL_RE.sub(" ", text)) if len(w) >= 3 and w.isalpha()]


def title_query(title):
    return " ".join(words(APOSTROPHES_RE.sub("", title)))


def load(top):
    """files: rel -> parse(); key: rel -> article key."""
    files = {}
    for rel in bench_util.walk_files(top):
        if rel.endswith(".md") and "\t" not in rel and "\n" not in rel:
            files[rel] = parse(os.path.join(top, rel))
    id_of_title = {}
    for rel, (title, pid, _, _) in files.items():
        if title is not None and pid is not None:
            id_of_title.setdefault(title.casefold(), pid)
    key = {}
    for rel, (title, pid, _, _) in files.items():
        if title is None:
            key[rel] = "path:" + rel
        elif pid is not None:
            key[rel] = "id:%d" % pid
        elif title.casefold() in id_of_title:
            key[rel] = "id:%d" % id_of_title[title.casefold()]
        else:
            key[rel] = "title:" + title.casefold()
    return files, key


def clean(s):
    return s.replace("\t", " ").replace("\n", " ")


def cmd_make(top, queries_out, articles_out, n, n_latency, seed):
    files, key = load(top)
    with open(articles_out, "w", encoding="utf-8") as f:
        f.write("# path\tarticle\ttitle\n")
        for rel in files:
            f.write("%s\t%s\t%s\n" % (rel, key[rel], clean(files[rel][0] or "")))

    group = {}
    for rel in files:
        group.setdefault(key[rel], []).append(rel)
    # df over articles: the words of all of an article's files, counted once.
    df = {}
    for rels in group.values():
        for w in set(w for rel in rels for w in words(files[rel][2])):
            df[w] = df.get(w, 0) + 1

    by_article = {k: rels for k, rels in group.items() if not k.startswith("path:")}
    keys = sorted(by_article)
    rng = random.Random(seed)
    picks = rng.sample(keys, min(n, len(keys)))
    rows, no_rare = [], 0
    for k in picks:
        rel = rng.choice(by_article[k])
        title, _, _, body = files[rel]
        tq = title_query(title)
        if tq:
            rows.append(("title", tq, rel, title, k))
        paras = [(len(set(eligible(p))), p) for p in paragraphs(body)]
        full = [p for size, p in paras if size >= PARA_WORDS]
        if full:
            para = eligible(rng.choice(full))
        elif paras and max(paras)[0] >= 3:
            para = eligible(max(paras, key=lambda sp: sp[0])[1])  # the first of the richest
        else:
            no_rare += 1
            continue
        first = {}
        for i, w in enumerate(para):
            first.setdefault(w, i)
        rare = sorted(first, key=lambda w: (df.get(w, 0), first[w]))[:3]
        rows.append(("rare", " ".join(sorted(rare, key=first.get)), rel, title, k))

    # others: the articles besides the expected one that hold every word of
    # the query (WordNet repeats a definition under each of its synonyms).
    needed = set(w for r in rows for w in r[1].split())
    holding = {w: set() for w in needed}
    for k, rels in group.items():
        for w in needed.intersection(w for rel in rels for w in words(files[rel][2])):
            holding[w].add(k)
    rows = [r + (str(len(set.intersection(*(holding[w] for w in r[1].split())) - {r[4]})),)
            for r in rows]
    shared = sum(1 for r in rows if r[0] == "rare" and r[5] != "0")

    # latency: common title words, one title per article.
    titles = {}
    for k in keys:
        titles[k] = files[by_article[k][0]][0]
    count = {}
    for k in keys:
        for w in set(title_query(titles[k]).split()):
            if len(w) >= 3 and w.isalpha() and w not in STOPWORDS:
                count[w] = count.get(w, 0) + 1
    ranked = sorted(count, key=lambda w: (-count[w], w))
    pool = [w for w in ranked if count[w] >= 2][:POOL] or ranked[:POOL]
    in_pool = set(pool)
    holders = {2: [], 3: []}
    for k in keys:
        ws = list(dict.fromkeys(w for w in title_query(titles[k]).split() if w in in_pool))
        for m in (2, 3):
            if len(ws) >= m:
                holders[m].append(ws)
    for i in range(n_latency if pool else 0):
        m = 1 + i % 3
        if m == 1:
            q = [rng.choice(pool)]
        elif holders[m]:
            ws = rng.choice(holders[m])
            idx = sorted(rng.sample(range(len(ws)), m))
            q = [ws[j] for j in idx]
        else:
            q = rng.sample(pool, min(m, len(pool)))
        rows.append(("latency", " ".join(q), "", "", "", ""))

    with open(queries_out, "w", encoding="utf-8") as f:
        f.write("# kind\tquery\tpath\ttitle\tarticle\tothers\n")
        for r in rows:
            f.write("\t".join(clean(x) for x in r) + "\n")
    kinds = {}
    for r in rows:
        kinds[r[0]] = kinds.get(r[0], 0) + 1
    print("%d files, %d articles, %d picked (seed %d): %s; %d without a paragraph of 3 eligible words;"
          " %d rare queries whose words another article holds too"
          % (len(files), len(keys), len(picks), seed,
             ", ".join("%d %s" % (kinds[k], k) for k in sorted(kinds)), no_rare, shared))


def cmd_zim(top, out, index_lang):
    def title_of(rel, full):
        if rel.endswith(".md"):
            title = parse(full)[0]
            if title:
                return title
        return bench_util.file_meta(full)[0] or rel
    n = bench_util.write_zim(top, out, title_of=title_of, index_lang=index_lang)
    print("zim: %d items%s" % (n, ", full-text index (%s)" % index_lang if index_lang else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("corpus")
    m.add_argument("queries")
    m.add_argument("articles")
    m.add_argument("--n", type=int, default=1000)
    m.add_argument("--latency", type=int, default=300)
    m.add_argument("--seed", type=int, default=20241215)
    z = sub.add_parser("zim")
    z.add_argument("corpus")
    z.add_argument("out")
    z.add_argument("--index", metavar="LANG")
    a = ap.parse_args()
    if a.cmd == "make":
        cmd_make(a.corpus, a.queries, a.articles, a.n, a.latency, a.seed)
    else:
        cmd_zim(a.corpus, a.out, a.index)


if __name__ == "__main__":
    main()
