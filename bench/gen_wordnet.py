#!/usr/bin/python3
"""gen_wordnet.py - the benchmark's collection of many short entries, from
WordNet as Debian ships it for dictd (package dict-wn).

    bench/gen_wordnet.py DST [--dict /usr/share/dictd/wn] [--limit N]

Every headword of wn.index becomes one markdown file in the open_wiki layout
(title line, metadata with a unique page ID, the definition as summary):
DST/<first letter>/<headword>.md. Page IDs are the headword's line number in
wn.index, so they never collide. Prints "FILES BYTES".

WordNet 3.0 is (c) Princeton University, under the WordNet licence (see
/usr/share/doc/dict-wn/copyright); the entries are a benchmark input only and
are not copied into the project.
"""
import argparse
import gzip
import os
import sys
import urllib.parse

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def b64num(text):
    """dictd's index numbers: base 64, most significant digit first."""
    value = 0
    for ch in text:
        value = value * 64 + B64.index(ch)
    return value


def safe_name(word):
    """A file name for a headword: '/' and NUL are the only bytes a POSIX
    name cannot hold; leading dots would hide the file."""
    name = word.replace("/", "%2F").replace("\0", "")
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name[:200]


def shard(word):
    first = word[:1].lower()
    return first if first.isalpha() else "_"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dst")
    parser.add_argument("--dict", default="/usr/share/dictd/wn",
                        help="dictd database without suffix (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=0,
                        help="stop after N entries (0: all)")
    args = parser.parse_args()

    index_path = args.dict + ".index"
    data_path = args.dict + ".dict.dz"
    if not os.path.exists(index_path) or not os.path.exists(data_path):
        sys.exit(f"gen_wordnet: {args.dict}.index/.dict.dz not found "
                 "(apt-get install dict-wn)")
    with gzip.open(data_path, "rb") as f:
        data = f.read()

    files = total = 0
    seen = set()
    with open(index_path, encoding="utf-8") as index:
        for line_no, line in enumerate(index, start=1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[0].startswith("00-database"):
                continue
            word = fields[0]
            start, length = b64num(fields[1]), b64num(fields[2])
            body = data[start:start + length].decode("utf-8", "replace")
            rel = os.path.join(shard(word), safe_name(word) + ".md")
            if rel in seen:         # two headwords, one file name: keep the first
                continue
            seen.add(rel)
            url = "https://en.wiktionary.org/wiki/" + urllib.parse.quote(
                word.replace(" ", "_"), safe="/()_,'-.")
            text = (f"# {word}\n\n## Metadata\n"
                    f"- **Last Updated:** 2021-08-15 00:00:00 UTC\n"
                    f"- **Original Article:** [{word}]({url})\n"
                    f"- **Language:** en\n"
                    f"- **Page ID:** {line_no}\n\n"
                    f"## Summary\n{body.strip()}\n")
            path = os.path.join(args.dst, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
            files += 1
            total += len(text.encode("utf-8"))
            if args.limit and files >= args.limit:
                break
    print(files, total)


if __name__ == "__main__":
    main()
