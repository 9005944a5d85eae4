#!/usr/bin/python3
"""search_scale_queries.py - a query set for full-text search latency across
archive sizes, drawn from the first records of a gen_corpus.py --jsonl file.

    search_scale_queries.py RECORDS.jsonl QUERIES.tsv [--records N] [--n 300]
                            [--titles 100] [--seed S]

gen_corpus.py --jsonl draws its records from one sequential random stream,
so the first N records of a larger corpus are the corpus of N records: a set
drawn from the first N (--records, default 10,000) has its words in every
larger archive of the same seed, where they are as common relative to its
size. The output is the QUERIES.tsv of wpk_search_bench (kind, query and
four empty columns: no expected article, latency only):

* `words` (--n, default 300): query i has k = 1 + i % 3 words; a record is
  drawn at random (random.Random(SEED)) among the first N, and k distinct
  eligible words of its title and text, in their order there. Eligible:
  letters only, at least 3 of them, not in search_queries.py's STOPWORDS
  (the generator's common words, domain words and pseudo-words, so the
  document frequencies range from a handful of records to most of them).
  A record with fewer than k eligible words is drawn again.
* `title` (--titles, default 100): a random record's title, its words
  joined by spaces (the parentheses of a qualifier dropped).
"""
import argparse
import json
import random
import re

from search_queries import STOPWORDS

WORD_RE = re.compile(r"\w+")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("records")
    ap.add_argument("out")
    ap.add_argument("--records", dest="n_records", type=int, default=10000)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--titles", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20261207)
    a = ap.parse_args()
    recs = []
    with open(a.records, encoding="utf-8") as f:
        for line in f:
            if len(recs) == a.n_records:
                break
            recs.append(json.loads(line))
    rng = random.Random(a.seed)
    rows = []
    while len(rows) < a.n:
        k = 1 + len(rows) % 3
        r = recs[rng.randrange(len(recs))]
        seen, words = set(), []
        for w in WORD_RE.findall((r["title"] + " " + r["text"]).casefold()):
            if len(w) >= 3 and w.isalpha() and w not in STOPWORDS and w not in seen:
                seen.add(w)
                words.append(w)
        if len(words) < k:
            continue
        pick = sorted(rng.sample(range(len(words)), k))
        rows.append(("words", " ".join(words[i] for i in pick)))
    for _ in range(a.titles):
        r = recs[rng.randrange(len(recs))]
        rows.append(("title", " ".join(WORD_RE.findall(r["title"]))))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("# kind\tquery\texpected path\texpected title\texpected article\tothers\n")
        for kind, q in rows:
            f.write("%s\t%s\t\t\t\t\n" % (kind, q))


if __name__ == "__main__":
    main()
