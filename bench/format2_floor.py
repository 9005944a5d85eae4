#!/usr/bin/python3
"""format2_floor.py - what the index of format 2.0 (spec/FORMAT.md) would take
on a collection, estimated before 2.0 was built: encodes its entry, title, ID
and category streams from an archive's listing and compresses each page's
streams alone (zstd level 19, no dictionary; the real pages also get the
archive's dictionary, so this errs on the large side).

    wikipack list --revisions --json ARCHIVE > list.json
    bench/format2_floor.py list.json [--page N]

Prints bytes a stream and bytes an entry. Needs python3-zstandard.
Content placement (the PLACES stream) is counted as contents following each
other in path order, which is how the reference writer fills blocks.
"""
import argparse
import datetime
import json
import unicodedata

import zstandard


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def zigzag(n):
    return n << 1 if n >= 0 else ((-n) << 1) - 1


def string(b):
    return varint(len(b)) + b


def fold(t):
    # close to 1.5's folded form (NFC + full case folding) for this estimate
    return unicodedata.normalize("NFC", " ".join(t.replace("_", " ").split()).casefold())


def front(prev, key):
    n = 0
    while n < min(len(prev), len(key)) and prev[n] == key[n]:
        n += 1
    return varint(n) + varint(len(key) - n) + key[n:]


def micros(text):
    if not text:
        return None
    # whole seconds: the draft's TIMES unit (every time of these corpora is a whole second)
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


class Tally:
    def __init__(self):
        self.zc = zstandard.ZstdCompressor(level=19)
        self.bytes = {}

    def add(self, name, data):
        size = len(self.zc.compress(bytes(data))) if data else 0
        self.bytes[name] = self.bytes.get(name, 0) + size


def spelled_title(path):
    last = path.rsplit("/", 1)[-1]
    dot = last.rfind(".")
    if dot > 0:
        last = last[:dot]
    return last.replace("_", " ")


def entry_pages(ents, page, tally):
    for s in range(0, len(ents), page):
        cols = {k: bytearray() for k in
                ("strings", "flags", "wikis", "ids", "times", "sizes", "places",
                 "paths", "titles", "urls", "types", "ext")}
        strings = {}
        prev_path, prev_id, prev_time = b"", 0, 0
        cols["times"] += varint(1000000)
        for e in ents[s:s + page]:
            flags = 0
            path = e["path"].encode()
            cols["paths"] += front(prev_path, path)
            prev_path = path
            if e.get("page_id") is not None:
                flags |= 1
                cols["ids"] += varint(zigzag(e["page_id"] - prev_id))
                prev_id = e["page_id"]
            t = micros(e.get("updated"))
            if t is not None:
                flags |= 2
                cols["times"] += varint(zigzag(t - prev_time))
                prev_time = t
            title = e.get("title") or ""
            if title:
                flags |= 16
                if title == spelled_title(e["path"]):
                    flags |= 4
                else:
                    cols["titles"] += string(title.encode())
            url = e.get("url") or ""
            if url:
                flags |= 32
                base = url[:url.find("/wiki/") + 6] if "/wiki/" in url else ""
                if base and url == base + title.replace(" ", "_"):
                    flags |= 8       # the wiki's url_base is stored once per archive
                else:
                    cols["urls"] += string(url.encode())
            cols["wikis"] += varint(1 if e.get("language") else 0)
            cols["sizes"] += varint(e["size"])
            if e["size"]:
                cols["places"] += varint(0)
            mime = e.get("mime") or ""
            if mime not in strings:
                strings[mime] = len(strings)
                cols["strings"] += string(mime.encode())
            cols["types"] += varint(1 + strings[mime] if mime else 0)
            cats = e.get("categories") or []
            if cats:
                flags |= 64
                cols["ext"] += varint(len(cats))
                prev = -1
                for c in cats:
                    if c not in strings:
                        strings[c] = len(strings)
                        cols["strings"] += string(c.encode())
                    cols["ext"] += bytes([1]) + varint(zigzag(strings[c] - prev - 1))
                    prev = strings[c]
            cols["flags"].append(flags)
        for name, data in cols.items():
            tally.add("entries." + name, data)


def title_pages(ents, page, tally):
    items = sorted(((fold(e["title"]).encode(), i, e["title"]) for i, e in enumerate(ents)
                    if e.get("title") and e.get("kind") != "revision"))
    for s in range(0, len(items), page):
        keys, forms, displays, wikis, entries = (bytearray() for _ in range(5))
        prev, prev_entry = b"", 0
        for key, i, title in items[s:s + page]:
            keys += front(prev, key)
            prev = key
            shown = title.encode()
            if shown == key:
                forms.append(0)
            elif (title[:1].upper() + fold(title)[1:]).encode() == shown:
                forms.append(1)
            else:
                forms.append(2)
                displays += string(shown)
            wikis += varint(1)
            entries += varint(zigzag(i - prev_entry))
            prev_entry = i
        for name, data in (("keys", keys), ("forms", forms), ("displays", displays),
                           ("wikis", wikis), ("entries", entries)):
            tally.add("titles." + name, data)


def id_pages(ents, page, tally):
    items = sorted((e["page_id"], i) for i, e in enumerate(ents)
                   if e.get("page_id") is not None and e.get("kind") != "revision")
    for s in range(0, len(items), page):
        wikis, ids, entries = bytearray(), bytearray(), bytearray()
        prev_id, prev_entry = 0, 0
        for pid, i in items[s:s + page]:
            wikis += varint(1)
            ids += varint(pid - prev_id)
            entries += varint(zigzag(i - prev_entry))
            prev_id, prev_entry = pid, i
        for name, data in (("wikis", wikis), ("ids", ids), ("entries", entries)):
            tally.add("ids." + name, data)


def category_pages(ents, page, tally):
    items = sorted({(c.encode(), i) for i, e in enumerate(ents) if e.get("kind") != "revision"
                    for c in (e.get("categories") or [])})
    for s in range(0, len(items), page):
        names, runs, entries = bytearray(), bytearray(), bytearray()
        prev_name, run, prev_entry = None, 0, 0
        for name, i in items[s:s + page]:
            if name != prev_name:
                if prev_name is not None:
                    runs += varint(run)
                names += front(prev_name or b"", name)
                prev_name, run, prev_entry = name, 0, 0
            entries += varint(i - prev_entry)
            prev_entry = i
            run += 1
        if prev_name is not None:
            runs += varint(run)
        for name, data in (("names", names), ("runs", runs), ("entries", entries)):
            tally.add("categories." + name, data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("listing")
    ap.add_argument("--page", type=int, default=4096, help="items a page (default %(default)s)")
    args = ap.parse_args()
    ents = json.load(open(args.listing, encoding="utf-8"))
    ents.sort(key=lambda e: e["path"].encode())
    tally = Tally()
    entry_pages(ents, args.page, tally)
    title_pages(ents, args.page, tally)
    id_pages(ents, args.page, tally)
    category_pages(ents, args.page, tally)
    n = len(ents)
    for name, size in sorted(tally.bytes.items()):
        print(f"{name:22s} {size:10d} {size / n:7.2f} B/entry")
    total = sum(tally.bytes.values())
    print(f"{'total':22s} {total:10d} {total / n:7.2f} B/entry ({n} entries)")


if __name__ == "__main__":
    main()
