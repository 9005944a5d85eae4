#!/usr/bin/env python3
"""test_outputs.py - wikipack's list, info, find and verify held against an independent answer.

usage: test_outputs.py WIKIPACK ARTICLES_DIR SCRATCH

The markdown articles in ARTICLES_DIR (the bundled samples' layouts: "# Title"
with a "## Metadata" block and a "## Categories" list, or YAML front
matter; anything else a plain file) are read here by this
script's own parser, which shares nothing with wikipack, and what the
documentation says the archive holds is computed from them: every file's
path, size, title, page ID, time, language, URL and categories; which
versions are articles and which revisions (within one wiki, named by the
URL's host or guessed from the language: same page ID, else same folded
title; the newest is the article, then the smallest path, whether or not
it carries the page ID); the totals of `info`. Then the directory is
packed and `list --json --revisions`,
`list --revisions` (text), `info --json`, `info` (text), `find --json`
and `verify --json` are compared with that answer field by field. Every
wikipack process must exit 0: its status is checked, never lost in a pipe.

The archive's bytes are read too, by the Python reader written from the
format 2.0 specification alone (spec/vectors/witness/check_witness.py,
which shares no code with wikipack): it must verify the archive, and
every entry it decodes, the header's totals, the wiki table, SUMMARY and
the index items must be what list, info and find print. That reader needs
python3-xxhash, python3-zstandard and python3-nacl; without them (under
this interpreter or /usr/bin/python3, where Debian installs them) the rest
is still checked and the exit status is 77 (skipped) instead of 0.
"""
import datetime
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import unicodedata

sys.dont_write_bytecode = True        # nothing written next to the scripts
WITNESS2 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "vectors", "witness")
SYSTEM_PYTHON = "/usr/bin/python3"

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def run(*args):
    p = subprocess.run(args, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {p.returncode}: {p.stderr.decode(errors='replace')[:400]}")
    return p.stdout.decode()


def parse_article(data):
    """Title, metadata and categories of one markdown article, by this script's own reading."""
    text = data.decode("utf-8")
    a = {"title": None, "page_id": None, "updated": None, "language": None, "url": None, "categories": []}
    lines = text.split("\n")
    if lines and lines[0] == "---" and "---" in lines[1:]:
        return parse_front_matter(lines[1:lines.index("---", 1)], a)
    # Only a file with a metadata block is an article; anything else is
    # packed as a plain file.
    if not any(l.strip() in ("## Metadata", "## Article Metadata") for l in lines):
        return a
    if lines and lines[0].startswith("# "):
        a["title"] = lines[0][2:].strip()
    section = None
    for line in lines:
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if section in ("Metadata", "Article Metadata"):
            m = re.match(r"- \*\*(.+?):\*\* *(.*)$", line)
            if not m:
                continue
            key, val = m.group(1), m.group(2).strip()
            if key == "Page ID" and val.isdigit():
                a["page_id"] = int(val)
            elif key == "Last Updated":
                a["updated"] = iso_utc(val)
            elif key == "Language":
                a["language"] = val or None
            elif key == "Original Article":
                m2 = re.match(r"\[(.*)\]\((.*)\)$", val)
                if m2:
                    a["url"] = m2.group(2)
        elif section == "Categories":
            m = re.match(r"- (Category:.+)$", line.strip())
            if m:
                a["categories"].append(m.group(1).strip())
    return a


def parse_front_matter(lines, a):
    """The YAML front matter of the samples: `key: value` lines, categories
    as a flow list of double-quoted strings (JSON's syntax)."""
    for line in lines:
        key, sep, val = line.partition(":")
        if not sep:
            continue
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] and val[0] in "\"'":
            val = val[1:-1]
        if key == "title":
            a["title"] = val
        elif key == "url":
            a["url"] = val
        elif key == "language":
            a["language"] = val
        elif key == "last_modified":
            a["updated"] = iso_utc(val)
        elif key == "categories":
            a["categories"] = json.loads(val)
    return a


def iso_utc(val):
    """'2024-12-14T19:37:00.096976+00:00' or '2024-12-15 04:18:51 UTC' as
    wikipack prints times: UTC, six fraction digits only when not zero."""
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\s*(Z|UTC|[+-]\d\d:?\d\d)?$", val)
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(x) for x in m.groups()[:6])
    frac = int((m.group(7) or "0").ljust(6, "0"))
    tz = m.group(8) or "Z"
    t = datetime.datetime(y, mo, d, h, mi, sec, frac, tzinfo=datetime.timezone.utc)
    if tz not in ("Z", "UTC"):
        sign = 1 if tz[0] == "+" else -1
        hh, mm = int(tz[1:3]), int(tz[-2:])
        t -= sign * datetime.timedelta(hours=hh, minutes=mm)
    out = t.strftime("%Y-%m-%dT%H:%M:%S")
    return out + (f".{t.microsecond:06d}" if t.microsecond else "") + "Z"


def fold(title):
    return unicodedata.normalize("NFC", title).casefold()


def wiki_of(e):
    """The wiki FORMAT.md ("Wikis") gives an entry without a WIKI field:
    Wikipedia's database name from its URL's host, else "<language>wiki"."""
    m = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)", e["url"] or "")
    if m:
        host = m.group(1).lower().rstrip(".")
        w = re.fullmatch(r"([a-z0-9_-]+)(?:\.m)?\.wikipedia\.org", host)
        return w.group(1).replace("-", "_") + "wiki" if w and w.group(1) != "www" else host
    if e["language"] and re.fullmatch(r"[A-Za-z0-9_-]+", e["language"]):
        return e["language"].lower().replace("-", "_") + "wiki"
    return None


def expected_entries(root):
    entries = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            with open(full, "rb") as f:
                data = f.read()
            e = parse_article(data)
            e["path"] = os.path.relpath(full, root).replace(os.sep, "/")
            e["size"] = len(data)
            e["digest"] = hashlib.sha256(data).hexdigest()
            entries.append(e)
    entries.sort(key=lambda e: e["path"].encode())
    # Versions of one article (README, "pack"), within one wiki: same page
    # ID; an entry without one takes the smallest page ID among the entries
    # with its folded title, else groups by the folded title alone.
    ids_by_title = {}
    for e in entries:
        e["wiki"] = wiki_of(e)
        if e["title"] and e["page_id"] is not None:
            ids_by_title.setdefault((e["wiki"], fold(e["title"])), set()).add(e["page_id"])
    groups = {}
    for e in entries:
        wt = (e["wiki"], fold(e["title"])) if e["title"] else None
        if e["page_id"] is not None:
            key = (e["wiki"], "id", e["page_id"])
        elif wt in ids_by_title:
            key = (e["wiki"], "id", min(ids_by_title[wt]))
        elif e["title"]:
            key = (e["wiki"], "title", fold(e["title"]))
        else:
            key = None
        e["kind"] = "file" if key is None else "article"
        e["group"] = key
        if key is not None:
            groups.setdefault(key, []).append(e)
    for versions in groups.values():
        # The newest is the article: latest time, then the smallest path.
        versions.sort(key=lambda e: (-(time_key(e["updated"])), e["path"].encode()))
        for old in versions[1:]:
            old["kind"] = "revision"
    return entries


def time_key(updated):
    """Newest first; an entry with a time before one without."""
    if not updated:
        return -(10 ** 30)
    return int(re.sub(r"\D", "", updated.rstrip("Z")).ljust(20, "0"))


def load_witness_reader():
    """check_witness.py's Reader, or None when a module it needs is missing.
    Without the modules under this interpreter, the script runs again
    under Debian's, which has them when the packages are installed."""
    try:
        import xxhash, zstandard, nacl.signing  # noqa: F401
    except ImportError as e:
        if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and os.access(SYSTEM_PYTHON, os.X_OK) \
                and not os.environ.get("TEST_OUTPUTS_REEXEC"):
            os.environ["TEST_OUTPUTS_REEXEC"] = "1"
            sys.stdout.flush()
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        print(f"SKIP: the archive's bytes are not read: {e} "
              "(apt-get install python3-xxhash python3-zstandard python3-nacl)")
        return None
    sys.path.insert(0, WITNESS2)
    import check_witness as witness_reader
    import make_witness as witness_writer
    # The witness folds only characters whose case folding Python and
    # utf8proc agree on; the samples add the en dash (no case, no
    # decomposition: its own folded form in both).
    witness_writer.SAFE_NON_ASCII.add("\u2013")
    return witness_reader


def iso_us(us):
    """Microseconds since the epoch as wikipack prints times."""
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(microseconds=us)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{t.microsecond:06d}" if t.microsecond else "") + "Z"


def check_bytes(w2, archive, want, listing, info, items):
    """The archive read by the format 2.0 witness reader, held against what
    list --json --revisions (listing), info --json and find "" printed."""
    with open(archive, "rb") as f:
        r = w2.Reader(f.read())
    try:
        r.verify()
    except w2.WpkError as e:
        fail(f"bytes: the witness reader does not verify the archive: {e}")
        return
    # Header and wiki table against info.
    for key, value in (("entries", r.entry_count), ("blocks", r.block_count), ("content_bytes", r.content_bytes),
                       ("unique_bytes", r.unique_bytes), ("file_size", r.file_size),
                       ("wikis", [x[0].decode() for x in r.wikis])):
        if info.get(key) != value:
            fail(f"bytes: info's {key} is {info.get(key)!r}, the archive holds {value!r}")
    if info.get("version") != f"2.{r.minor}":
        fail(f"bytes: info's version is {info.get('version')!r}, the header says 2.{r.minor}")
    # Every entry, in path order, as list prints it.
    digest = {w["path"]: w["digest"] for w in want}
    if len(listing) != r.entry_count:
        fail(f"bytes: list prints {len(listing)} entries, the archive holds {r.entry_count}")
    entries = []
    for n, g in zip(range(r.entry_count), listing):
        f = r.fields(n)
        entries.append(f)
        updated = None if f["time_us"] is None else iso_us(f["time_us"])
        kind = "revision" if f["current"] is not None else g.get("kind")
        for field, value in (("path", f["path"]), ("size", f["size"]), ("page_id", f["page_id"]),
                             ("title", f["title"]), ("url", f["url"]), ("wiki", f["wiki"]),
                             ("language", f["language"]), ("categories", f["categories"]), ("mime", f["media_type"]),
                             ("updated", updated), ("kind", kind)):
            if g.get(field) != value:
                fail(f"bytes: entry {n} ({f['path']}): list's {field} is {g.get(field)!r}, the archive holds {value!r}")
        if f["current"] is None and g.get("kind") == "revision":
            fail(f"bytes: entry {n} ({f['path']}): list calls it a revision, the archive a current version")
        if f["namespace"] != g.get("namespace"):
            fail(f"bytes: entry {n}: list's namespace {g.get('namespace')!r}, the archive holds {f['namespace']!r}")
        if f["sha256"] != digest.get(f["path"]):
            fail(f"bytes: entry {n} ({f['path']}): its content is not the file's")
    # The indexes: item counts as info gives them, the title index as find lists it.
    ids = sum(it["page_items"] for it in r.root(3))
    tleaves = [x for i in range(len(r.root(2))) for x in r.leaf(2, i)]
    if info.get("page_ids") != ids:
        fail(f"bytes: info's page_ids is {info.get('page_ids')!r}, the ID index holds {ids}")
    if info.get("titles") != len(tleaves):
        fail(f"bytes: info's titles is {info.get('titles')!r}, the title index holds {len(tleaves)}")
    # A title item: [key, form, kind, display, wiki, entry].
    have = sorted((x[3].decode(), entries[x[5]]["path"], x[2] == 0) for x in tleaves)
    shown = sorted((h["title"], h["path"], h["alias_of"] is None) for h in items)
    if have != shown:
        fail(f"bytes: find '' lists {shown!r}, the title index holds {have!r}")
    # SUMMARY: the counts info prints, and what the indexes and entries hold.
    summary, langs = {}, {}
    c = w2.Cur(r.section_raw(6), "SUMMARY")
    while c.more():
        tag = c.byte()
        value = c.take(struct.unpack("<H", c.take(2))[0])
        if 1 <= tag <= 4:
            summary[tag] = struct.unpack("<Q", value)[0]
        elif tag == 5:
            langs[value[8:].decode()] = struct.unpack_from("<Q", value)[0]
    cats = {x[0] for i in range(len(r.root(4))) for x in r.leaf(4, i)}
    current = [f for f in entries if f["current"] is None and (f["title"] or f["page_id"] is not None)]
    for tag, key, held in ((1, "articles", len(current)),
                           (2, "revisions", sum(1 for f in entries if f["current"] is not None)),
                           (3, "aliases", sum(1 for x in tleaves if x[2] == 1)),
                           (4, "categories", len(cats))):
        if summary.get(tag) != held:
            fail(f"bytes: SUMMARY says {summary.get(tag)!r} {key}, the archive holds {held}")
        if info.get(key) != summary.get(tag):
            fail(f"bytes: info's {key} is {info.get(key)!r}, SUMMARY says {summary.get(tag)!r}")
    held = ", ".join(f"{k} ({v})" for k, v in sorted(langs.items()))
    if info.get("languages") != held:
        fail(f"bytes: info's languages are {info.get('languages')!r}, SUMMARY says {held!r}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    w2 = load_witness_reader()
    wp, root, scratch = sys.argv[1:]
    os.makedirs(scratch, exist_ok=True)
    archive = os.path.join(scratch, "outputs.wpk")
    run(wp, "pack", "-q", "-o", archive, root)
    want = expected_entries(root)

    # list --json --revisions: every entry, in path order, every field.
    got = listing = json.loads(run(wp, "list", archive, "--json", "--revisions"))
    if [g["path"] for g in got] != [w["path"] for w in want]:
        fail(f"list paths differ: {len(got)} listed, {len(want)} files")
    for g, w in zip(got, want):
        for field in ("page_id", "title", "size", "updated", "language", "url", "kind", "categories", "wiki"):
            if g.get(field) != w[field]:
                fail(f"list {w['path']}: {field} is {g.get(field)!r}, the file says {w[field]!r}")
        if g.get("mime") != "text/markdown":
            fail(f"list {w['path']}: mime {g.get('mime')!r}")
    # list (text) --revisions: the same fields, tab-separated, '-' for none,
    # then the revision's facts.
    def cell(v):
        return "-" if v is None or v == "" else str(v)
    lines = run(wp, "list", archive, "--revisions").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(want):
        fail(f"list (text): {len(lines)} lines for {len(want)} files")
    for line, w in zip(lines, want):
        expect_line = "\t".join([cell(w["page_id"]), cell(w["title"]), w["path"], str(w["size"]), cell(w["updated"]),
                                 cell(w["language"]), w["kind"], "; ".join(w["categories"]) or "-",
                                 # revision ID, contributor, comment: MediaWiki's, none in markdown
                                 "-", "-", "-"])
        if line != expect_line:
            fail(f"list (text) {w['path']}: {line!r}, the file says {expect_line!r}")
    # list without --revisions: the articles and files only.
    got = json.loads(run(wp, "list", archive, "--json"))
    if [g["path"] for g in got] != [w["path"] for w in want if w["kind"] != "revision"]:
        fail("list without --revisions does not list exactly the articles and files")

    # info --json: the totals.
    info = json.loads(run(wp, "info", archive, "--json"))
    articles = [w for w in want if w["kind"] == "article"]
    expect = {
        "entries": len(want),
        "content_bytes": sum(w["size"] for w in want),
        "unique_bytes": sum({w["digest"]: w["size"] for w in want}.values()),
        # Format 2.0 indexes a page ID once: one ID item for each (wiki,
        # page ID), naming the article. (The title index's count is held
        # against find below: it includes aliases, not derived here.)
        "page_ids": len({(w["wiki"], w["page_id"]) for w in want if w["page_id"] is not None}),
        "articles": len(articles),
        "revisions": sum(1 for w in want if w["kind"] == "revision"),
        "categories": len({c for w in articles for c in w["categories"]}),
        "languages": ", ".join(f"{lang} ({n})" for lang, n in sorted(
            {l: sum(1 for a in articles if a["language"] == l) for l in {a["language"] for a in articles if a["language"]}}.items())),
    }
    for key, value in expect.items():
        if info.get(key) != value:
            fail(f"info: {key} is {info.get(key)!r}, the files say {value!r}")
    wikis = sorted({w["wiki"] for w in want if w["wiki"]})
    if sorted(info.get("wikis") or []) != wikis:
        fail(f"info: wikis {info.get('wikis')!r}, the files say {wikis!r}")
    if info.get("file_size") != os.path.getsize(archive):
        fail(f"info: file_size {info.get('file_size')} but the archive has {os.path.getsize(archive)} bytes")
    # info (text): the same totals in its lines.
    text = run(wp, "info", archive).split("\n")
    for line in (f"entries:          {expect['entries']} (indexed: {expect['page_ids']} page IDs, "
                 f"{info.get('titles')} titles and aliases)",
                 f"content:          {expect['content_bytes']} bytes ({expect['unique_bytes']} bytes distinct)",
                 # (aliases: not derived here, so not held against the files)
                 f"articles:         {expect['articles']} ({expect['revisions']} older revisions, ",
                 f"categories:       {expect['categories']}",
                 f"languages:        {expect['languages'] or '-'}"):
        if not any(t == line or (line.endswith(", ") and t.startswith(line)) for t in text):
            fail(f"info lacks {line!r}: {text!r}")

    # find: every article's title under its own first letters, with its page ID and path.
    for a in articles:
        prefix = a["title"][:3]
        hits = json.loads(run(wp, "find", archive, prefix, "--json", "--limit", "0"))
        mine = [h for h in hits if h["title"] == a["title"] and h["alias_of"] is None]
        if len(mine) != 1 or mine[0]["path"] != a["path"] or mine[0]["page_id"] != a["page_id"]:
            fail(f"find {prefix!r}: {a['title']!r} -> {mine!r}, expected path {a['path']!r}, ID {a['page_id']!r}")
        for h in hits:
            if not fold(h["title"]).startswith(fold(prefix)):
                fail(f"find {prefix!r} lists {h['title']!r}")

    # The title index whole (find "" lists every item): the titles of the
    # articles (an item each, alias_of null), the former titles of their
    # older versions (a title other than the article's), and aliases, each
    # naming an article. Its count is info's "titles", its aliases info's.
    items = json.loads(run(wp, "find", archive, "", "--json", "--limit", "0"))
    by_path = {w["path"]: w for w in want}
    current = {(a["title"], a["path"], a["page_id"]) for a in articles if a["title"]}
    got = [(h["title"], h["path"], h["page_id"]) for h in items if h["alias_of"] is None]
    if sorted(got) != sorted(current):
        fail(f"find '': the titles are {sorted(got)!r}, the files say {sorted(current)!r}")
    article_of = {}
    for w in want:
        if w["kind"] == "article":
            article_of[w["group"]] = w
    former = {(w["title"], article_of[w["group"]]["path"]) for w in want
              if w["kind"] == "revision" and w["title"] and w["title"] != article_of[w["group"]]["title"]}
    others = [h for h in items if h["alias_of"] is not None]
    for h in others:
        a = by_path.get(h["path"])
        if not a or a["kind"] != "article" or h["alias_of"] != a["title"] or h["page_id"] != a["page_id"]:
            fail(f"find '': {h!r} does not name an article by its title")
    missing = former - {(h["title"], h["path"]) for h in others}
    if missing:
        fail(f"find '': former titles missing: {sorted(missing)!r}")
    if info.get("titles") != len(items):
        fail(f"info: titles is {info.get('titles')!r}, find '' lists {len(items)} items")
    if info.get("aliases") != len(others) - len(former):
        fail(f"info: aliases is {info.get('aliases')!r}, find '' lists {len(others)} other names "
             f"of which {len(former)} former titles")

    # verify --json: intact, every entry and byte checked.
    v = json.loads(run(wp, "verify", archive, "--json"))
    if not (v.get("ok") is True and v.get("level") == "full" and v.get("problems") == []
            and v.get("entries") == len(want) and v.get("content_bytes") == expect["content_bytes"]):
        fail(f"verify --json: {v}")

    if w2:
        check_bytes(w2, archive, want, listing, info, items)
    print(f"{len(want)} entries, {len(articles)} articles checked{', bytes read' if w2 else ''}; {failures} failures")
    return 1 if failures else 0 if w2 else 77


if __name__ == "__main__":
    sys.exit(main())
