#!/usr/bin/env python3
"""Write wikipack test archives byte by byte from spec/FORMAT.md alone.

usage: make_witness.py OUTDIR

Writes OUTDIR/valid/NAME.wpk with NAME.list (the expected output of
`wikipack list --revisions`) and NAME.contents/PATH (each entry's bytes), and
OUTDIR/invalid/NAME.wpk with NAME.expect (command, exit code, message
substring).  Nothing here comes from the wikipack library or its tools: every
structure is built from the tables of spec/FORMAT.md (format 1.5), and the
expected results are derived from this script's own inputs.

zstd frames are written by hand as raw (uncompressed) zstd blocks
(RFC 8878): the output does not depend on a compressor version, and the
python3-zstandard module is used only to check that each frame decodes to
what it should.

Needs python3-xxhash and python3-zstandard (Debian: apt-get install -y
python3-xxhash python3-zstandard).  Exits 77 when one is missing.
"""

import datetime
import os
import shutil
import struct
import sys

_missing = []
try:
    import xxhash
except ImportError:
    _missing.append("python3-xxhash (Python module xxhash)")
try:
    import zstandard
except ImportError:
    _missing.append("python3-zstandard (Python module zstandard)")
if _missing:
    sys.stderr.write("make_witness.py: missing " + " and ".join(_missing) +
                     "; install with: apt-get install -y python3-xxhash python3-zstandard\n")
    sys.exit(77)


# ---------------------------------------------------------------- primitives

def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def i64(v): return struct.pack("<q", v)


def xxh3(data):
    """Conventions / Checksums: XXH3-64, seed 0."""
    return xxhash.xxh3_64_intdigest(data)


assert xxh3(b"") == 0x2D06800538D394C2          # values given by the spec
assert xxh3(b"abc") == 0x78AF5F94892F3950


def zframe(raw):
    """One zstd frame (RFC 8878 3.1.1) of raw blocks: no checksum, no
    dictionary ID, Frame_Content_Size present (Conventions / zstd frames)."""
    n = len(raw)
    # Single_Segment_flag (bit 5) set: no Window_Descriptor, FCS always present.
    if n < 256:
        desc, fcs = 0x20, u8(n)
    elif n < 65536 + 256:
        desc, fcs = 0x60, u16(n - 256)
    else:
        desc, fcs = 0xA0, u32(n)
    out = b"\x28\xB5\x2F\xFD" + u8(desc) + fcs
    chunks = [raw[i:i + 131072] for i in range(0, n, 131072)] or [b""]
    for i, c in enumerate(chunks):
        last = 1 if i == len(chunks) - 1 else 0
        hdr = (len(c) << 3) | (0 << 1) | last          # Block_Type 0 = Raw
        out += struct.pack("<I", hdr)[:3] + c
    # independent check with libzstd: one frame, decoding to exactly raw
    params = zstandard.get_frame_parameters(out)
    assert params.content_size == n and not params.has_checksum and params.dict_id == 0
    assert zstandard.ZstdDecompressor().decompress(out, max_output_size=n) == raw
    return out


def rle_frame(byte, n):
    """One zstd frame of RLE blocks (RFC 8878 3.1.1.2.2) holding n copies of
    byte: 4 stored bytes for each 128 KiB.  Not decoded here (n may be 2 GiB);
    only its header is checked with libzstd."""
    out = b"\x28\xB5\x2F\xFD" + u8(0xA0) + u32(n)
    total = n
    while True:
        size = min(n, 131072)
        n -= size
        out += struct.pack("<I", (size << 3) | (1 << 1) | (0 if n else 1))[:3] + byte
        if not n:
            break
    params = zstandard.get_frame_parameters(out)
    assert params.content_size == total and not params.has_checksum and params.dict_id == 0
    return out


def varint(v):
    """Leaves in columns: unsigned LEB128, at most 10 bytes."""
    assert 0 <= v < 1 << 64
    out = b""
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out += u8(b | 0x80)
        else:
            return out + u8(b)


def zigzag(v):
    return ((v << 1) ^ (v >> 63)) & ((1 << 64) - 1)


def vstr(s):
    assert len(s) <= 65535
    return varint(len(s)) + s


# ---------------------------------------------------------------- constants

HEADER_MAGIC = b"\x89WPK\r\n\x1a\n"
TRAILER_MAGIC = b"\x89WPKEND\n"
PATH_ROOT, TITLE_ROOT, ID_ROOT, DICT, PAGES, DATA = 1, 2, 3, 4, 5, 6
FOLD_ROOT, CATEGORY_ROOT, SUMMARY, PAGES_EXT = 7, 8, 9, 10
F_REQUIRED, F_ZSTD, F_REGION = 0x1, 0x2, 0x4
HAS_PAGE_ID, HAS_UPDATED = 0x1, 0x2
EXT_CATEGORY, EXT_CURRENT, EXT_NAMESPACE, EXT_REVISIONS = 1, 2, 3, 4
FEAT_COLUMNS = 1 << 3


# ---------------------------------------------------------------- entries

class Entry:
    def __init__(self, path, content=b"", title="", page_id=None, updated_us=None,
                 language="", url="", media_type="", categories=()):
        self.path = path.encode()
        self.content = content
        self.title = title.encode()
        self.page_id = page_id
        self.updated_us = updated_us
        self.language = language.encode()
        self.url = url.encode()
        self.media_type = media_type.encode()
        self.categories = [c.encode() for c in categories]
        self.current = None        # entry number of the current version (older versions)
        self.revisions = []        # entry numbers of older versions (current versions)


def preference_key(e):
    """Preference among entries with the same key."""
    return (0 if e.updated_us is not None else 1,
            -(e.updated_us or 0), e.path)


def link_versions(entries):
    """Articles and versions: entries sharing a page ID are versions of one
    article; the first in preference order is the current version."""
    by_id = {}
    for n, e in enumerate(entries):
        if e.page_id is not None:
            by_id.setdefault(e.page_id, []).append(n)
    for nums in by_id.values():
        if len(nums) < 2:
            continue
        nums.sort(key=lambda n: preference_key(entries[n]))
        cur = nums[0]
        entries[cur].revisions = nums[1:]
        for n in nums[1:]:
            entries[n].current = cur


def ext_fields(e):
    """Record extension fields: CATEGORY..., then CURRENT or REVISIONS."""
    fields = [(EXT_CATEGORY, c) for c in e.categories]
    if e.current is not None:
        fields.append((EXT_CURRENT, u32(e.current)))
    if e.revisions:
        fields.append((EXT_REVISIONS, b"".join(u32(n) for n in e.revisions)))
    return fields


def ext_area(fields):
    return b"".join(u8(t) + u16(len(v)) + v for t, v in fields)


# ---------------------------------------------------------------- leaves

def offset_table_leaf(items):
    """Leaves with an offset table: count, item_offset[], items."""
    n = len(items)
    offs, pos = [], 4 + 4 * n
    for it in items:
        offs.append(pos)
        pos += len(it)
    return u32(n) + b"".join(u32(o) for o in offs) + b"".join(items)


def record_bytes(r):
    """Entry records: the 76-byte fixed part and the six strings."""
    strings = [r["path"], r["title"], r["language"], r["url"], r["media_type"], r["ext"]]
    return (u32(r["flags"]) + u32(r["offset_in_block"]) + u64(r["page_id"]) +
            i64(r["updated_us"]) + u64(r["content_size"]) + u64(r["content_hash"]) +
            u64(r["block_offset"]) + u32(r["block_stored_size"]) +
            u32(r["block_raw_size"]) + u64(r["block_checksum"]) +
            b"".join(u16(len(s)) for s in strings) + b"".join(strings))


def record_page_columns(recs, row_size, override=None):
    """Leaves in columns, record pages.  override maps (stream number,
    record index) to the bytes to write for that record in that stream."""
    override = override or {}
    strings = sorted({s for r in recs for s in (r["language"], r["media_type"]) if s} |
                     {v for r in recs for t, v in r["ext_fields"] if t == EXT_CATEGORY})
    sidx = {s: i for i, s in enumerate(strings)}
    refs = []
    for r in recs:
        ref = (r["block_offset"], r["block_stored_size"], r["block_raw_size"], r["block_checksum"])
        if ref not in refs:
            refs.append(ref)
    st = [b""] * 12
    st[0] = b"".join(vstr(s) for s in strings)
    st[1] = b"".join(u64(a) + u32(b) + u32(c) + u64(d) for a, b, c, d in refs)
    prev = b""
    for i, r in enumerate(recs):
        def put(k, data):
            st[k] += override.get((k, i), data)
        put(2, u8(r["flags"]))                       # no TITLE_/URL_DERIVED
        if r["flags"] & HAS_PAGE_ID:
            put(3, varint(r["page_id"]))
        if r["flags"] & HAS_UPDATED:
            put(4, varint(zigzag(r["updated_us"])))
        ref = (r["block_offset"], r["block_stored_size"], r["block_raw_size"], r["block_checksum"])
        put(5, varint(r["content_size"]) + varint(refs.index(ref)) + varint(r["offset_in_block"]))
        put(6, u64(r["content_hash"]))
        p = r["path"]
        shared = 0
        while shared < min(len(p), len(prev)) and p[shared] == prev[shared]:
            shared += 1
        put(7, varint(shared) + vstr(p[shared:]))
        prev = p
        put(8, vstr(r["title"]))
        put(9, varint(sidx[r["language"]] + 1 if r["language"] else 0) +
            varint(sidx[r["media_type"]] + 1 if r["media_type"] else 0))
        put(10, vstr(r["url"]))
        ext = varint(len(r["ext_fields"]))
        p_cat = -1
        for t, v in r["ext_fields"]:
            ext += u8(t)
            if t == EXT_CATEGORY:
                k = sidx[v]
                ext += varint(zigzag(k - p_cat - 1))
                p_cat = k
            else:
                ext += vstr(v)
        put(11, ext)
    head = u32(len(recs)) + u32(row_size) + u32(len(strings)) + b"".join(u32(len(s)) for s in st)
    return head + b"".join(st)


def key_leaf_columns(entries_nums, keys, row_size, id_keys=False, extra=b""):
    """Leaves in columns: title, category, folded-title and ID leaves."""
    ent, prev = b"", 0
    for n in entries_nums:
        ent += varint(zigzag(n - prev))
        prev = n
    ks, prevk = b"", b"" if not id_keys else 0
    for k in keys:
        if id_keys:
            ks += varint(k - prevk)
        else:
            shared = 0
            while shared < min(len(k), len(prevk)) and k[shared] == prevk[shared]:
                shared += 1
            ks += varint(shared) + vstr(k[shared:])
        prevk = k
    return (u32(len(entries_nums)) + u32(row_size) + u32(len(ent)) + u32(len(ks)) +
            u32(len(extra)) + ent + ks + extra)


def fold(title):
    """Title normalization, folded form, for ASCII titles only."""
    assert all(b < 0x80 for b in title), "this witness folds ASCII titles only"
    collapsed = b" ".join(w for w in bytes(0x20 if b in b"_ \t\n\r\f\v" else b
                                         for b in title).split(b" ") if w)
    return collapsed.lower()


# ---------------------------------------------------------------- archive

class Archive:
    """Builds an archive in stages.  Each stage leaves plain Python data that
    an invalid vector may change (hooks) before the next stage; checksums
    are computed last, from the bytes really written, unless a hook says
    otherwise."""

    def __init__(self, entries, per_page=64, columns=False, title_index=True,
                 id_index=True, category_index=False, fold_index=False,
                 summary=False, sort=True, hooks=None):
        self.entries = sorted(entries, key=lambda e: e.path) if sort else list(entries)
        link_versions(self.entries)
        self.per_page = per_page
        self.columns = columns
        self.title_index, self.id_index = title_index, id_index
        self.category_index, self.fold_index, self.summary = category_index, fold_index, summary
        self.hooks = hooks or {}

    def hook(self, name, *args):
        if name in self.hooks:
            self.hooks[name](*args)

    def build(self):
        E = self.entries
        # ---- DATA: one block holding each distinct non-empty content once
        raw_block, where = b"", {}
        for e in E:
            if e.content and e.content not in where:
                where[e.content] = len(raw_block)
                raw_block += e.content
        blocks = [zframe(raw_block)] if raw_block else []
        self.hook("blocks", blocks)
        data_region = b"".join(blocks)

        # ---- records
        recs = []
        for e in E:
            r = dict(path=e.path, title=e.title, language=e.language, url=e.url,
                     media_type=e.media_type, ext_fields=ext_fields(e),
                     flags=(HAS_PAGE_ID if e.page_id is not None else 0) |
                           (HAS_UPDATED if e.updated_us is not None else 0),
                     page_id=e.page_id or 0, updated_us=e.updated_us or 0,
                     content_size=len(e.content), content_hash=xxh3(e.content),
                     offset_in_block=0, block_offset=0, block_stored_size=0,
                     block_raw_size=0, block_checksum=0)
            if e.content:
                r.update(offset_in_block=where[e.content], block_offset=0,
                         block_stored_size=len(blocks[0]), block_raw_size=len(raw_block),
                         block_checksum=xxh3(blocks[0]))
            recs.append(r)
        self.hook("records", recs)
        for r in recs:
            r.setdefault("ext", ext_area(r["ext_fields"]))

        # ---- leaves: (row form, first_item, count, key), per index
        leaves = {}
        rows = []
        for i in range(0, len(recs), self.per_page):
            part = recs[i:i + self.per_page]
            row = offset_table_leaf([record_bytes(r) for r in part])
            stored = record_page_columns(part, len(row), self.hooks.get("columns_override", {}).get(i)) \
                if self.columns else row
            rows.append((stored, i, len(part), part[0]["path"]))
        leaves[PATH_ROOT] = rows

        def keyed(items, make_item, key_kind_u64=False, extra_of=None):
            """items: list of (key, entry number, extra) in index order -> one leaf."""
            if not items:
                return []
            row_items = [make_item(k, n, x) for k, n, x in items]
            if key_kind_u64:
                row = u32(len(items)) + b"".join(row_items)
            else:
                row = offset_table_leaf(row_items)
            if self.columns:
                extra = b"".join(extra_of(x) for k, n, x in items) if extra_of else b""
                row = key_leaf_columns([n for k, n, x in items], [k for k, n, x in items],
                                       len(row), id_keys=key_kind_u64, extra=extra)
            first = u64(items[0][0]) if key_kind_u64 else items[0][0]
            return [(row, 0, len(items), first)]

        def pref(n):
            return preference_key(E[n])

        if self.title_index:
            t = sorted(((e.title, n, None) for n, e in enumerate(E) if e.title),
                       key=lambda x: (x[0], pref(x[1])))
            self.hook("title_items", t)
            leaves[TITLE_ROOT] = keyed(t, lambda k, n, x: u32(n) + k)
        if self.id_index:
            t = sorted(((e.page_id, n, None) for n, e in enumerate(E) if e.page_id is not None),
                       key=lambda x: (x[0], pref(x[1])))
            leaves[ID_ROOT] = keyed(t, lambda k, n, x: u64(k) + u32(n), key_kind_u64=True)
        if self.fold_index:
            t = sorted(((fold(e.title), n, e.title) for n, e in enumerate(E)
                        if e.title and e.current is None), key=lambda x: (x[0], x[1]))
            leaves[FOLD_ROOT] = keyed(t, lambda k, n, x: u32(n) + u8(0) + u8(0) + u16(len(k)) + k + x,
                                      extra_of=lambda x: u8(0) + vstr(x))
        if self.category_index:
            t = sorted({(c, n, None) for n, e in enumerate(E) if e.current is None
                        for c in e.categories}, key=lambda x: (x[0], x[1]))
            leaves[CATEGORY_ROOT] = keyed(t, lambda k, n, x: u32(n) + k)
        self.hook("leaves", leaves)

        # ---- page regions and roots
        regions = {PAGES: b"", PAGES_EXT: b""}
        roots = {}
        for rtype in (PATH_ROOT, TITLE_ROOT, ID_ROOT, FOLD_ROOT, CATEGORY_ROOT):
            if rtype not in leaves:
                continue
            region = PAGES_EXT if rtype in (FOLD_ROOT, CATEGORY_ROOT) else PAGES
            items = []
            for raw, first, count, key in leaves[rtype]:
                frame = zframe(raw)
                items.append(dict(page_offset=len(regions[region]), page_stored_size=len(frame),
                                  page_raw_size=len(raw), page_checksum=xxh3(frame),
                                  first_item=first, leaf_item_count=count, key=key))
                regions[region] += frame
            roots[rtype] = dict(key_kind=2 if rtype == ID_ROOT else 1, items=items)
        self.hook("roots", roots)
        self.roots = roots                                                  # for expected messages
        self.hook("regions", regions)

        root_raw = {}
        for rtype, root in roots.items():
            raw = u32(len(root["items"])) + u32(root["key_kind"])
            for it in root["items"]:
                raw += (u64(it["page_offset"]) + u32(it["page_stored_size"]) +
                        u32(it["page_raw_size"]) + u64(it["page_checksum"]) +
                        u64(it["first_item"]) + u32(it["leaf_item_count"]) +
                        u32(len(it["key"])) + it["key"])
            root_raw[rtype] = raw
        self.hook("root_raw", root_raw)
        self.root_size = len(root_raw.get(PATH_ROOT, b""))                 # for expected messages
        self.first_page_raw = roots[PATH_ROOT]["items"][0]["page_raw_size"] if roots[PATH_ROOT]["items"] else 0

        # ---- sections, in the order they are laid out
        secs = []
        for rtype in (PATH_ROOT, TITLE_ROOT, ID_ROOT, FOLD_ROOT, CATEGORY_ROOT):
            if rtype in root_raw:
                raw = root_raw[rtype]
                secs.append(dict(type=rtype, flags=(F_REQUIRED if rtype <= 3 else 0) | F_ZSTD,
                                 data=zframe(raw), raw_size=len(raw),
                                 count=len(roots[rtype]["items"])))
        if self.summary:
            secs.append(dict(type=SUMMARY, flags=0, data=self.summary_bytes(), count=0))
        secs.append(dict(type=PAGES, flags=F_REQUIRED | F_REGION, data=regions[PAGES], count=0))
        if FOLD_ROOT in roots or CATEGORY_ROOT in roots:
            secs.append(dict(type=PAGES_EXT, flags=F_REGION, data=regions[PAGES_EXT], count=0))
        secs.append(dict(type=DATA, flags=F_REQUIRED | F_REGION, data=data_region,
                         count=len(blocks)))
        self.hook("sections", secs)

        table_end = 128 + 48 * len(secs)
        pos = table_end
        prefix_size = table_end
        for s in secs:
            s.setdefault("offset", pos)
            s.setdefault("stored_size", len(s["data"]))
            s.setdefault("raw_size", len(s["data"]))
            s.setdefault("checksum", 0 if s["flags"] & F_REGION else xxh3(s["data"]))
            pos += len(s["data"])
            if s["type"] in (PATH_ROOT, TITLE_ROOT, ID_ROOT, FOLD_ROOT, CATEGORY_ROOT, SUMMARY):
                prefix_size = pos
        body = b"".join(s["data"] for s in secs)
        self.hook("layout", secs)
        self.offset_of = {s["type"]: s["offset"] for s in secs}   # for expected messages
        table = b"".join(u32(s["type"]) + u32(s["flags"]) + u64(s["offset"]) +
                         u64(s["stored_size"]) + u64(s["raw_size"]) + u64(s["checksum"]) +
                         u64(s["count"]) for s in secs)
        file_size = table_end + len(body) + 32
        self.file_size = file_size                                          # for expected messages
        h = dict(major=1, minor=1, header_size=128,
                 required=FEAT_COLUMNS if self.columns else 0, optional=0,
                 file_size=file_size, entry_count=len(E), block_count=len(blocks),
                 content_bytes=sum(len(e.content) for e in E),
                 unique_bytes=len(raw_block), section_count=len(secs), reserved76=0,
                 prefix_size=prefix_size, table_checksum=xxh3(table), reserved96=bytes(24))
        self.hook("header", h)
        head = (HEADER_MAGIC + u16(h["major"]) + u16(h["minor"]) + u32(h["header_size"]) +
                u64(h["required"]) + u64(h["optional"]) + u64(h["file_size"]) +
                u64(h["entry_count"]) + u64(h["block_count"]) + u64(h["content_bytes"]) +
                u64(h["unique_bytes"]) + u32(h["section_count"]) + u32(h["reserved76"]) +
                u64(h["prefix_size"]) + u64(h["table_checksum"]) + h["reserved96"])
        assert len(head) == 120
        hc = xxh3(head)
        head += u64(hc)
        t = dict(magic=TRAILER_MAGIC, file_size=h["file_size"], header_checksum=hc)
        self.hook("trailer", t)
        trailer = t["magic"] + u64(t["file_size"]) + u64(t["header_checksum"])
        trailer += u64(xxh3(trailer))
        out = [head + table + body + trailer]
        self.hook("output", out)
        return out[0]

    def summary_bytes(self):
        """Summary: ARTICLES, REVISIONS, ALIASES, CATEGORIES, LANGUAGE..."""
        E = self.entries
        arts = [e for e in E if e.current is None and (e.page_id is not None or e.title)]
        langs = {}
        for e in arts:
            lang = e.language or next((E[n].language for n in e.revisions if E[n].language), b"")
            if lang:
                langs[lang] = langs.get(lang, 0) + 1
        cats = {c for e in E if e.current is None for c in e.categories}
        fields = [(1, u64(len(arts))), (2, u64(sum(1 for e in E if e.current is not None))),
                  (3, u64(0)), (4, u64(len(cats)))]
        fields += [(5, u64(n) + lang) for lang, n in sorted(langs.items())]
        self.hook("summary_fields", fields)
        return ext_area(fields)


# ---------------------------------------------------------------- expected output

def fmt_time(us):
    secs, frac = divmod(us, 1000000)
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (".%06d" % frac if frac else "") + "Z"


def list_lines(entries):
    """spec/vectors/README.md: page ID, title, path, size, last-updated,
    language, kind, categories; '-' when absent; tab-separated; path order."""
    out = []
    for e in entries:
        cats = e.categories if e.current is None or e.categories else []
        kind = ("revision" if e.current is not None else
                "article" if (e.title or e.page_id is not None) else "file")
        cols = ["-" if e.page_id is None else str(e.page_id),
                e.title.decode() or "-", e.path.decode(), str(len(e.content)),
                "-" if e.updated_us is None else fmt_time(e.updated_us),
                e.language.decode() or "-", kind,
                "; ".join(c.decode() for c in cats) or "-"]
        out.append("\t".join(cols) + "\n")
    return "".join(out)


# ---------------------------------------------------------------- the vectors

def three_entries():
    return [
        Entry("a/Ada_Lovelace.md", b"# Ada Lovelace\n\nFirst published algorithm, 1843.\n",
              title="Ada Lovelace", page_id=974, updated_us=1709296496789012,
              language="en", url="https://en.wikipedia.org/wiki/Ada_Lovelace",
              media_type="text/markdown"),
        Entry("notes/plain.txt", b"only a path\n"),
        Entry("z/empty", b""),
    ]


def versions_entries():
    return [
        Entry("b/Lord_Byron_2023.md", b"Lord Byron, poet (older text).\n", title="Lord Byron",
              page_id=4213, updated_us=1672531200000000, language="en"),
        Entry("a/Lord_Byron.md", b"Lord Byron, poet and peer.\n", title="Lord Byron",
              page_id=4213, updated_us=1714521600000000, language="en",
              url="https://en.wikipedia.org/wiki/Lord_Byron", categories=["Category:Poets"]),
        Entry("c/Epoch.md", b"Lord Byron, poet and peer.\n", title="Before 1970",
              updated_us=-31536001000000, language="de", categories=["Category:Poets"]),
    ]


VALID = {
    # name: (entries, Archive options)
    "empty": (lambda: [], dict(title_index=False, id_index=False)),
    "three": (three_entries, dict(per_page=2)),
    "three-columns": (three_entries, dict(per_page=2, columns=True)),
    "columns-max-id": (lambda: [set_attr(e, page_id=(1 << 64) - 1) if e.title else e
                                for e in three_entries()], dict(columns=True)),
    "versions": (versions_entries, dict(category_index=True, fold_index=True, summary=True)),
}


def set_attr(o, **kv):
    for k, v in kv.items():
        setattr(o, k, v)
    return o


def set_(d, **kv):
    d.update(kv)


def first_with(recs, path):
    return next(r for r in recs if r["path"] == path.encode())


def sec(ss, t):
    return next(s for s in ss if s["type"] == t)


def before_pages(ss, s):
    """Insert section s just before PAGES (where the reference writer puts
    the dictionary)."""
    ss.insert(ss.index(sec(ss, PAGES)), s)


def leaf_items(row):
    """The items of a leaf with an offset table (row form)."""
    n = struct.unpack_from("<I", row)[0]
    offs = [struct.unpack_from("<I", row, 4 + 4 * i)[0] for i in range(n)] + [len(row)]
    return [row[offs[i]:offs[i + 1]] for i in range(n)]


def patch_leaf(rtype, f, i=0):
    """A `leaves` hook replacing the row form of leaf i of index rtype by f(row)."""
    def hook(leaves):
        row, first, count, key = leaves[rtype][i]
        leaves[rtype][i] = (f(row), first, count, key)
    return hook


def leaf_at(a, rtype, i=0):
    """File offset of leaf i of index rtype in archive a (for messages)."""
    region = PAGES_EXT if rtype in (FOLD_ROOT, CATEGORY_ROOT) else PAGES
    return a.offset_of[region] + a.roots[rtype]["items"][i]["page_offset"]


def long_entries():
    """Three entries with 602-byte paths, so that the path root and the
    record page are over 512 bytes stored: a raw size over the 16 MiB page cap
    is then still within 32768 times the stored size (Plausibility)."""
    return [Entry("/".join([c * 200] * 3) + "", (c * 3 + "\n").encode()) for c in "abc"]


BIG_BLOCK = (1 << 31) + 1                        # default block cap (2 GiB) + 1
OVER_CAP = 16 * 1024 * 1024 + 1                  # default page and dictionary caps + 1
DICT_BYTES = b"witness raw-content dictionary: " * 20          # 640 bytes, no magic
SIG_RECORD = (b"\x89WPKSIG\n" + u8(1) + u8(1) + bytes(6) + bytes(32) + bytes(64))
assert len(SIG_RECORD) == 112


TEN_BYTE_OVERFLOW = b"\x80" * 9 + b"\x02"     # 2**64: a tenth byte above 1
ELEVEN_BYTES = b"\x80" * 10 + b"\x00"          # more than 10 bytes

# name: (entries, options, hooks, command, exit code, message substring)
INVALID = {
    # (a) per-entry content checksum
    "content-hash": (three_entries, dict(per_page=2), dict(
        records=lambda rs: set_(first_with(rs, "a/Ada_Lovelace.md"),
                                content_hash=xxh3(b"not the content"))),
        "verify", 1, lambda a: 'entry "a/Ada_Lovelace.md" (in block at offset %d): '
                               'content checksum mismatch' % a.offset_of[DATA]),
    # (b) varints
    "varint-overflow-10": (three_entries, dict(per_page=2, columns=True), dict(
        columns_override={0: {(4, 0): TEN_BYTE_OVERFLOW}}),
        "list", 1, lambda a: "record page at offset %d" % a.offset_of[PAGES]),
    "varint-11-bytes": (three_entries, dict(per_page=2, columns=True), dict(
        columns_override={0: {(3, 0): ELEVEN_BYTES}}),
        "list", 1, lambda a: "record page at offset %d" % a.offset_of[PAGES]),
    # (c) header
    "header-reserved": (three_entries, {}, dict(
        header=lambda h: set_(h, reserved96=b"\x01" + bytes(23))),
        "info", 1, "reserved header bytes are not zero"),
    "header-size": (three_entries, {}, dict(header=lambda h: set_(h, header_size=136)),
                    "info", 1, "header size is not 128"),
    "byte-totals": (three_entries, {}, dict(
        header=lambda h: set_(h, unique_bytes=h["content_bytes"] + 1)),
        "info", 1, "entry count or byte totals out of range"),
    "trailer-mismatch": (three_entries, {}, dict(
        trailer=lambda t: set_(t, header_checksum=t["header_checksum"] ^ 1)),
        "info", 1, "does not match the header"),
    "entry-count": (three_entries, {}, dict(header=lambda h: set_(h, entry_count=4)),
                    "list", 1, "path index root counts 3 entries, the header 4"),
    # (c) section table
    "section-flag-unknown": (three_entries, {}, dict(
        sections=lambda ss: set_(ss[-1], flags=ss[-1]["flags"] | 0x10)),
        "info", 1, "unknown section flag bits"),
    "region-checksum": (three_entries, {}, dict(
        sections=lambda ss: set_(ss[-1], checksum=xxh3(ss[-1]["data"]))),
        "info", 1, "region section with a checksum or compression"),
    "raw-size-mismatch": (three_entries, {}, dict(
        sections=lambda ss: set_(ss[-1], raw_size=len(ss[-1]["data"]) + 1)),
        "info", 1, "uncompressed section with raw size != stored size"),
    "section-twice": (three_entries, {}, dict(
        sections=lambda ss: ss.extend([dict(type=PAGES_EXT, flags=F_REGION, data=b"", count=0),
                                       dict(type=PAGES_EXT, flags=F_REGION, data=b"", count=0)])),
        "info", 1, "section type 10 appears twice"),
    "missing-data": (lambda: [], dict(title_index=False, id_index=False), dict(
        sections=lambda ss: ss.pop()),
        "info", 1, "a required section (path index, pages or data) is missing"),
    "pages-not-region": (three_entries, {}, dict(
        sections=lambda ss: set_(next(s for s in ss if s["type"] == PAGES), flags=F_REQUIRED)),
        "info", 1, "page or data section is not marked as a region"),
    "category-root-without-ext": (three_entries, {}, dict(
        sections=lambda ss: ss.insert(3, dict(type=CATEGORY_ROOT, flags=F_ZSTD,
                                              data=zframe(u32(0) + u32(1)), raw_size=8, count=0))),
        "info", 1, "folded-title or category root without its page region"),
    "root-outside-prefix": (three_entries, {}, dict(
        header=lambda h: set_(h, prefix_size=128 + 48 * h["section_count"])),
        "list", 1, "path index root lies outside the archive prefix"),
    "sections-overlap": (three_entries, {}, dict(
        layout=lambda ss: set_(next(s for s in ss if s["type"] == PAGES),
                               stored_size=next(s for s in ss if s["type"] == PAGES)["stored_size"] + 1,
                               raw_size=next(s for s in ss if s["type"] == PAGES)["raw_size"] + 1)),
        "info", 1, "section table: overlap at offset"),
    "sections-end-early": (three_entries, {}, dict(
        sections=lambda ss: set_(ss[-1], data=ss[-1]["data"] + b"\x00",
                                 stored_size=len(ss[-1]["data"]), raw_size=len(ss[-1]["data"]))),
        "info", 1, "not at the trailer"),
    # (c) index roots
    "root-key-kind": (three_entries, {}, dict(roots=lambda rs: set_(rs[PATH_ROOT], key_kind=3)),
                      "list", 1, "index root has an unknown key kind"),
    "root-positions": (three_entries, dict(per_page=2), dict(
        roots=lambda rs: set_(rs[PATH_ROOT]["items"][0], first_item=1)),
        "list", 1, "path index root item 0: leaf positions are not contiguous"),
    "root-keys-out-of-order": (lambda: list(reversed(three_entries())),
                               dict(per_page=1, sort=False), {},
                               "list", 1, "path index root item 1: leaf keys are out of order"),
    "root-same-path": (lambda: [Entry("a/same.md", b"one\n"), Entry("a/same.md", b"two\n")],
                       dict(per_page=1), {},
                       "list", 1, "path index root item 1: two leaves start with the same path"),
    "root-leaf-outside-region": (three_entries, {}, dict(
        roots=lambda rs: set_(rs[PATH_ROOT]["items"][0],
                              page_offset=rs[PATH_ROOT]["items"][0]["page_offset"] + 4096)),
        "list", 1, "path index root item 0: leaf lies outside the page region"),
    "id-root-leaf-outside-region": (three_entries, {}, dict(
        roots=lambda rs: set_(rs[ID_ROOT]["items"][0],
                              page_offset=rs[ID_ROOT]["items"][0]["page_offset"] + 4096)),
        # Roots are decoded when first needed (FORMAT.md, Opening, step 9):
        # listing by path never reads the ID root; verification reads them all.
        "verify", 1, "ID index root item 0: leaf lies outside the page region"),
    "root-trailing-bytes": (three_entries, {}, dict(
        root_raw=lambda rr: rr.__setitem__(PATH_ROOT, rr[PATH_ROOT] + b"\x00")),
        "list", 1, "path index root has trailing bytes"),
    # (c) records
    "record-flag-unknown": (three_entries, {}, dict(
        records=lambda rs: set_(first_with(rs, "notes/plain.txt"), flags=0x4)),
        "list", 1, "entry record has unknown flag bits"),
    "empty-entry-with-block": (three_entries, {}, dict(
        records=lambda rs: set_(first_with(rs, "z/empty"), offset_in_block=1)),
        "list", 1, "empty entry refers to a block"),
    "entry-past-block": (three_entries, {}, dict(
        records=lambda rs: set_(first_with(rs, "notes/plain.txt"),
                                offset_in_block=first_with(rs, "notes/plain.txt")["block_raw_size"]
                                - first_with(rs, "notes/plain.txt")["content_size"] + 1)),
        "list", 1, "entry content lies outside its block"),
    "block-outside-data": (three_entries, {}, dict(
        records=lambda rs: [set_(r, block_offset=1) for r in rs if r["content_size"]]),
        "list", 1, "block lies outside the data region"),
    "path-with-nul": (lambda: [Entry("a/nul\x00.md", b"x\n")], {}, {},
                      "list", 1, "entry path contains a NUL byte"),
    "current-out-of-range": (versions_entries, dict(category_index=True, fold_index=True), dict(
        records=lambda rs: set_(first_with(rs, "b/Lord_Byron_2023.md"),
                                ext_fields=[(EXT_CURRENT, u32(3))])),
        "list", 1, "current-version field malformed or out of range"),
    "revision-out-of-range": (versions_entries, dict(category_index=True, fold_index=True), dict(
        records=lambda rs: set_(first_with(rs, "a/Lord_Byron.md"),
                                ext_fields=[(EXT_CATEGORY, b"Category:Poets"),
                                            (EXT_REVISIONS, u32(3))])),
        "list", 1, "revision entry number out of range"),
    "namespace-size": (three_entries, {}, dict(
        records=lambda rs: set_(first_with(rs, "a/Ada_Lovelace.md"),
                                ext_fields=[(EXT_NAMESPACE, u32(0))])),
        "list", 1, "namespace field is not 8 bytes"),
    "ext-field-past-end": (three_entries, {}, dict(
        records=lambda rs: set_(first_with(rs, "notes/plain.txt"),
                                ext_fields=[], ext=u8(EXT_CATEGORY) + u16(10) + b"Category")),
        "list", 1, "record extension field runs past the record"),
    # (c) found by verification
    "block-raw-size": (three_entries, {}, dict(
        records=lambda rs: [set_(r, block_raw_size=r["block_raw_size"] + 1)
                            for r in rs if r["content_size"]]),
        "verify", 1, lambda a: "block at offset %d" % a.offset_of[DATA]),
    "data-unreferenced": (three_entries, {}, dict(
        sections=lambda ss: set_(ss[-1], data=ss[-1]["data"] + b"\x00")),
        "verify", 1, "data region: unreferenced bytes at offset"),
    # Unreferenced bytes before the first block (not only after the last).
    "data-gap": (three_entries, {}, dict(
        records=lambda rs: [set_(r, block_offset=r["block_offset"] + 1) for r in rs if r["content_size"]],
        sections=lambda ss: set_(ss[-1], data=b"\x00" + ss[-1]["data"])),
        "verify", 1, "data region: unreferenced bytes at offset"),
    "pages-unreferenced": (three_entries, {}, dict(
        sections=lambda ss: set_(next(s for s in ss if s["type"] == PAGES),
                                 data=next(s for s in ss if s["type"] == PAGES)["data"] + b"\x00")),
        "verify", 1, "page region: unreferenced bytes at offset"),
    "block-count": (three_entries, {}, dict(header=lambda h: set_(h, block_count=2)),
                    "verify", 1, "header counts 2 blocks, entries refer to 1"),
    "content-bytes": (three_entries, {}, dict(
        header=lambda h: set_(h, content_bytes=h["content_bytes"] + 1)),
        "verify", 1, lambda a: "entries hold %d bytes, the header says %d"
                               % (sum(len(e.content) for e in a.entries),
                                  sum(len(e.content) for e in a.entries) + 1)),
    "unsafe-path": (lambda: [Entry("a/../etc.md", b"x\n")], {}, {},
                    "verify", 1, 'unsafe path "a/../etc.md"'),
    "title-entry-out-of-range": (three_entries, {}, dict(
        title_items=lambda t: t.__setitem__(0, (t[0][0], 3, None))),
        "verify", 1, lambda a: "title index page at offset %d: entry number out of range"
                               % leaf_at(a, TITLE_ROOT)),
    "title-wrong-entry": (three_entries, {}, dict(
        title_items=lambda t: t.__setitem__(0, (t[0][0], 1, None))),
        "verify", 1, lambda a: "title index page at offset %d: item names an entry without this title"
                               % leaf_at(a, TITLE_ROOT)),
    # ---- at open, further rules (FORMAT.md numbers)
    "short-header": (three_entries, {}, dict(output=lambda o: o.__setitem__(0, o[0][:100])),
                     "info", 1, "file too short for a header"),
    "section-count-zero": (three_entries, {}, dict(header=lambda h: set_(h, section_count=0)),
                           "info", 1, "section count out of range"),
    "prefix-past-file": (three_entries, {}, dict(
        header=lambda h: set_(h, prefix_size=h["file_size"] + 1)),
        "info", 1, "prefix or file size inconsistent with the section table"),
    "section-extent-overflow": (three_entries, {}, dict(
        layout=lambda ss: set_(sec(ss, DATA), offset=(1 << 64) - 1)),
        "info", 1, "section 4 at offset %d: section extent overflows" % (128 + 4 * 48)),
    "pages-ext-not-region": (three_entries, {}, dict(
        sections=lambda ss: ss.insert(len(ss) - 1, dict(type=PAGES_EXT, flags=0, data=b"", count=0))),
        "info", 1, "extension page section is not marked as a region"),
    "root-overlaps-table": (three_entries, {}, dict(
        layout=lambda ss: set_(sec(ss, PATH_ROOT), offset=128)),
        "list", 1, "path index root overlaps the section table"),
    "root-not-zstd": (three_entries, {}, dict(
        sections=lambda ss: set_(sec(ss, PATH_ROOT), flags=F_REQUIRED,
                                 raw_size=len(sec(ss, PATH_ROOT)["data"]))),
        "list", 1, lambda a: "path index root at offset %d: empty, or flags other than zstd"
                             % a.offset_of[PATH_ROOT]),
    "root-over-page-cap": (long_entries, dict(per_page=1), dict(
        sections=lambda ss: set_(sec(ss, PATH_ROOT), raw_size=OVER_CAP)),
        "list", 6, lambda a: "path index root at offset %d claims %d bytes, over the page cap"
                             % (a.offset_of[PATH_ROOT], OVER_CAP)),
    "root-raw-size": (three_entries, {}, dict(
        sections=lambda ss: set_(sec(ss, PATH_ROOT), raw_size=sec(ss, PATH_ROOT)["raw_size"] + 1)),
        "list", 1, lambda a: "path index root at offset %d does not decompress to %d bytes"
                             % (a.offset_of[PATH_ROOT], a.root_size + 1)),
    "root-too-short": (three_entries, {}, dict(
        root_raw=lambda rr: rr.__setitem__(PATH_ROOT, bytes(6))),
        "list", 1, lambda a: "path index root at offset %d: index root too short"
                             % a.offset_of[PATH_ROOT]),
    "root-item-count": (three_entries, {}, dict(
        root_raw=lambda rr: rr.__setitem__(PATH_ROOT, u32(5) + rr[PATH_ROOT][4:])),
        "list", 1, lambda a: "path index root at offset %d: index root item count exceeds its size"
                             % a.offset_of[PATH_ROOT]),
    "root-item-truncated": (three_entries, {}, dict(
        root_raw=lambda rr: rr.__setitem__(PATH_ROOT, u32(2) + rr[PATH_ROOT][4:] + bytes(30))),
        "list", 1, "path index root item 1: index root item truncated"),
    "root-empty-leaf": (three_entries, {}, dict(
        roots=lambda rs: set_(rs[PATH_ROOT]["items"][0], leaf_item_count=0)),
        "list", 1, "path index root item 0: index root item describes an empty leaf"),
    "root-key-past-end": (three_entries, {}, dict(
        root_raw=lambda rr: rr.__setitem__(PATH_ROOT, rr[PATH_ROOT][:-1])),
        "list", 1, "path index root item 0: index root key runs past the root"),
    "id-root-key-size": (three_entries, {}, dict(
        roots=lambda rs: set_(rs[ID_ROOT]["items"][0], key=rs[ID_ROOT]["items"][0]["key"] + b"\0")),
        "verify", 1, "ID index root item 0: u64 index key is not 8 bytes"),
    "leaf-over-page-cap": (long_entries, dict(per_page=1), dict(
        roots=lambda rs: set_(rs[PATH_ROOT]["items"][0], page_raw_size=OVER_CAP)),
        # The spec's message says "leaf of N bytes"; the reference reader says
        # "page of N bytes": only the part both agree on is expected.
        "list", 6, "path index root item 0: "),
    "id-root-key-kind": (three_entries, {}, dict(roots=lambda rs: set_(rs[ID_ROOT], key_kind=1)),
                         "verify", 1, "ID index root has the wrong key kind"),
    "dict-region": (three_entries, {}, dict(
        sections=lambda ss: before_pages(ss, dict(type=DICT, flags=F_REQUIRED | F_REGION,
                                                  data=DICT_BYTES, count=0))),
        "info", 1, "dictionary section marked as a region"),
    "dict-over-cap": (three_entries, {}, dict(
        sections=lambda ss: before_pages(ss, dict(type=DICT, flags=F_REQUIRED | F_ZSTD,
                                                  data=zframe(DICT_BYTES), raw_size=OVER_CAP,
                                                  count=0))),
        "info", 6, "dictionary of %d bytes exceeds the %d-byte dictionary cap" % (OVER_CAP, OVER_CAP - 1)),
    "dict-empty": (three_entries, {}, dict(
        sections=lambda ss: before_pages(ss, dict(type=DICT, flags=F_REQUIRED, data=b"", count=0))),
        "info", 1, lambda a: "dictionary at offset %d is empty" % a.offset_of[DICT]),
    # Opening step 10 checks the dictionary's checksum, size and zstd form at
    # open; the reference reader loads it when first needed, so these three
    # are run through `verify`, which must find them either way.
    "dict-checksum": (three_entries, {}, dict(
        sections=lambda ss: before_pages(ss, dict(type=DICT, flags=F_REQUIRED, data=DICT_BYTES,
                                                  checksum=xxh3(DICT_BYTES) ^ 1, count=0))),
        "verify", 1, lambda a: "dictionary at offset %d: checksum mismatch" % a.offset_of[DICT]),
    "dict-raw-size": (three_entries, {}, dict(
        sections=lambda ss: before_pages(ss, dict(type=DICT, flags=F_REQUIRED | F_ZSTD,
                                                  data=zframe(DICT_BYTES),
                                                  raw_size=len(DICT_BYTES) + 1, count=0))),
        "verify", 1, lambda a: "dictionary at offset %d does not decompress to %d bytes"
                             % (a.offset_of[DICT], len(DICT_BYTES) + 1)),
    "dict-invalid": (three_entries, {}, dict(
        sections=lambda ss: before_pages(ss, dict(type=DICT, flags=F_REQUIRED,
                                                  data=b"\x37\xA4\x30\xEC" + bytes(60), count=0))),
        "verify", 1, lambda a: "dictionary at offset %d is not a valid zstd dictionary" % a.offset_of[DICT]),
    "summary-flags": (three_entries, dict(summary=True), dict(
        sections=lambda ss: set_(sec(ss, SUMMARY), flags=F_ZSTD, raw_size=len(sec(ss, SUMMARY)["data"]),
                                 data=zframe(sec(ss, SUMMARY)["data"]))),
        "info", 1, "summary section outside the prefix or with bad flags"),
    "summary-field-past-end": (three_entries, dict(summary=True), dict(
        sections=lambda ss: set_(sec(ss, SUMMARY), data=sec(ss, SUMMARY)["data"] + u8(6) + u16(8) + b"\0\0")),
        "info", 1, lambda a: "summary at offset %d: record extension field runs past the record"
                             % a.offset_of[SUMMARY]),
    "summary-field-size": (three_entries, dict(summary=True), dict(
        summary_fields=lambda f: f.__setitem__(0, (1, u32(1)))),
        "info", 1, lambda a: "summary at offset %d: summary field of the wrong size" % a.offset_of[SUMMARY]),
    "trailer-checksum": (three_entries, {}, dict(
        output=lambda o: o.__setitem__(0, o[0][:-1] + bytes([o[0][-1] ^ 1]))),
        "info", 1, lambda a: "trailer at offset %d: trailer checksum mismatch"
                             % (a.file_size - 32)),
    "unknown-required-section": (three_entries, {}, dict(
        sections=lambda ss: ss.append(dict(type=200, flags=F_REQUIRED | F_REGION, data=b"", count=0))),
        "info", 5, "section 5 has type 200, which this reader does not know and the archive requires"),
    "section-gap": (three_entries, {}, dict(
        sections=lambda ss: set_(sec(ss, PAGES), data=sec(ss, PAGES)["data"] + b"\0",
                                 stored_size=len(sec(ss, PAGES)["data"]),
                                 raw_size=len(sec(ss, PAGES)["data"]))),
        "info", 1, lambda a: "section table: gap at offset %d" % (a.offset_of[DATA] - 1)),
    # ---- when using a leaf page, a record or a block
    "page-raw-size": (three_entries, {}, dict(
        roots=lambda rs: set_(rs[PATH_ROOT]["items"][0],
                              page_raw_size=rs[PATH_ROOT]["items"][0]["page_raw_size"] + 1)),
        "list", 1, lambda a: "record page at offset %d does not decompress to %d bytes"
                             % (a.offset_of[PAGES], a.first_page_raw)),
    "page-count-zero": (three_entries, {}, dict(leaves=patch_leaf(PATH_ROOT, lambda r: u32(0) + r[4:])),
                        "list", 1, "record page at region offset 0: leaf page item count out of range"),
    "page-count-root": (three_entries, {}, dict(leaves=patch_leaf(PATH_ROOT, lambda r: u32(2) + r[4:])),
                        "list", 1, "record page at region offset 0: item count differs from the root"),
    "page-item-offsets": (three_entries, {}, dict(
        leaves=patch_leaf(PATH_ROOT, lambda r: r[:4] + u32(8) + r[8:])),
        "list", 1, "record page at region offset 0, entry 0: leaf item offsets out of order or out of the page"),
    "record-too-short": (three_entries, dict(per_page=2), dict(
        leaves=patch_leaf(PATH_ROOT, lambda r: offset_table_leaf([leaf_items(r)[0], bytes(50)]))),
        "list", 1, "record page at region offset 0, entry 1: entry record too short"),
    "record-empty-path": (three_entries, {}, dict(
        records=lambda rs: set_(first_with(rs, "notes/plain.txt"), path=b"")),
        "list", 1, "record page at region offset 0, entry 1: entry record string lengths do not match its size"),
    "revisions-size": (versions_entries, dict(category_index=True, fold_index=True), dict(
        records=lambda rs: set_(first_with(rs, "a/Lord_Byron.md"),
                                ext_fields=[(EXT_CATEGORY, b"Category:Poets"), (EXT_REVISIONS, bytes(3))])),
        "list", 1, "record page at region offset 0, entry 0: revisions field malformed or repeated"),
    "title-leaf-offsets": (three_entries, {}, dict(
        leaves=patch_leaf(TITLE_ROOT, lambda r: r[:4] + u32(4) + r[8:])),
        "verify", 1, lambda a: "title index page at offset %d: leaf item offsets out of order or out of the page"
                               % leaf_at(a, TITLE_ROOT)),
    # count 0 is also "count 0 or too large"; the verifier reports the
    # comparison with the root (both conditions hold)
    "title-leaf-count": (three_entries, {}, dict(
        leaves=patch_leaf(TITLE_ROOT, lambda r: u32(0) + r[4:])),
        "verify", 1, lambda a: "title index page at offset %d: item count differs from the root"
                               % leaf_at(a, TITLE_ROOT)),
    "title-item-short": (three_entries, {}, dict(
        leaves=patch_leaf(TITLE_ROOT, lambda r: offset_table_leaf([b"\0\0"]))),
        "verify", 1, lambda a: "title index page at offset %d: item too short" % leaf_at(a, TITLE_ROOT)),
    "id-leaf-size": (three_entries, {}, dict(leaves=patch_leaf(ID_ROOT, lambda r: r + b"\0")),
                     "verify", 1, lambda a: "ID index page at offset %d: ID leaf size does not match its item count"
                                            % leaf_at(a, ID_ROOT)),
    # An ID item that names an entry with another page ID (not merely none).
    "id-other-id": (lambda: [set_attr(e, page_id=975) if e.path == b"notes/plain.txt" else e
                             for e in three_entries()], {}, dict(
        leaves=patch_leaf(ID_ROOT, lambda r: r[:12] + u32(1) + r[16:])),
        "verify", 1, lambda a: "ID index page at offset %d: item names an entry without this page ID"
                               % leaf_at(a, ID_ROOT)),
    "id-wrong-entry": (three_entries, {}, dict(
        leaves=patch_leaf(ID_ROOT, lambda r: r[:12] + u32(1))),
        "verify", 1, lambda a: "ID index page at offset %d: item names an entry without this page ID"
                               % leaf_at(a, ID_ROOT)),
    "category-leaf-count": (versions_entries, dict(category_index=True, fold_index=True), dict(
        leaves=patch_leaf(CATEGORY_ROOT, lambda r: u32(0) + r[4:])),
        "verify", 1, lambda a: "category index page at offset %d: item count differs from the root"
                               % leaf_at(a, CATEGORY_ROOT)),
    "category-leaf-offsets": (versions_entries, dict(category_index=True, fold_index=True), dict(
        leaves=patch_leaf(CATEGORY_ROOT, lambda r: r[:4] + u32(4) + r[8:])),
        "verify", 1, lambda a: "category index page at offset %d: leaf item offsets out of order or out of the page"
                               % leaf_at(a, CATEGORY_ROOT)),
    "fold-item-short": (versions_entries, dict(category_index=True, fold_index=True), dict(
        leaves=patch_leaf(FOLD_ROOT, lambda r: offset_table_leaf([bytes(5)] + leaf_items(r)[1:]))),
        "verify", 1, lambda a: "folded-title index page at offset %d: folded-title item too short"
                               % leaf_at(a, FOLD_ROOT)),
    "fold-item-kind": (versions_entries, dict(category_index=True, fold_index=True), dict(
        leaves=patch_leaf(FOLD_ROOT, lambda r: offset_table_leaf(
            [leaf_items(r)[0][:4] + u8(2) + leaf_items(r)[0][5:]] + leaf_items(r)[1:]))),
        "verify", 1, lambda a: "folded-title index page at offset %d: folded-title item malformed"
                               % leaf_at(a, FOLD_ROOT)),
    # ---- found by verification
    "paths-out-of-order": (lambda: list(reversed(three_entries())), dict(sort=False), {},
                           "verify", 1, 'entry 1 "notes/plain.txt": paths out of order'),
    "page-first-path": (three_entries, {}, dict(roots=lambda rs: set_(rs[PATH_ROOT]["items"][0], key=b"a/")),
                        "verify", 1, lambda a: "record page at offset %d: first path differs from the root"
                                               % a.offset_of[PAGES]),
    "title-not-indexed": (three_entries, dict(title_index=False), {},
                          "verify", 1, "1 entries have a title and 1 a page ID, but the indexes hold 0 and 1"),
    "title-first-key": (three_entries, {}, dict(roots=lambda rs: set_(rs[TITLE_ROOT]["items"][0], key=b"Ada")),
                        "verify", 1, lambda a: "title index page at offset %d: first key differs from the root"
                                               % leaf_at(a, TITLE_ROOT)),
    "title-keys-out-of-order": (versions_entries, dict(category_index=True, fold_index=True), dict(
        title_items=lambda t: t.reverse()),
        "verify", 1, lambda a: "title index page at offset %d: keys out of order" % leaf_at(a, TITLE_ROOT)),
    "ext-pages-unreferenced": (versions_entries, dict(category_index=True, fold_index=True), dict(
        sections=lambda ss: set_(sec(ss, PAGES_EXT), data=sec(ss, PAGES_EXT)["data"] + b"\0")),
        "verify", 1, "extension page region: unreferenced bytes at offset"),
    # a frame of RLE blocks really holding 2 GiB + 1 bytes of "x" in 65 KiB
    "block-over-cap": (lambda: [Entry("a/big.md", b"x" * 70000)], {}, dict(
        blocks=lambda bs: bs.__setitem__(0, rle_frame(b"x", BIG_BLOCK)),
        records=lambda rs: set_(rs[0], block_raw_size=BIG_BLOCK)),
        "verify", 1, lambda a: "block at offset %d claims %d bytes, over the block cap"
                               % (a.offset_of[DATA], BIG_BLOCK)),
    "block-not-one-frame": (three_entries, {}, dict(
        blocks=lambda bs: bs.__setitem__(0, bs[0] + b"\x50\x2A\x4D\x18" + u32(0))),
        "verify", 1, lambda a: "block at offset %d is not exactly one zstd frame" % a.offset_of[DATA]),
    "block-disagree": (three_entries, {}, dict(
        records=lambda rs: set_(first_with(rs, "a/Ada_Lovelace.md"),
                                block_checksum=first_with(rs, "a/Ada_Lovelace.md")["block_checksum"] ^ 1)),
        "verify", 1, lambda a: "entries disagree about the block at offset %d" % a.offset_of[DATA]),
    "block-checksum": (three_entries, {}, dict(
        records=lambda rs: [set_(r, block_checksum=r["block_checksum"] ^ 1) for r in rs if r["content_size"]]),
        "verify", 1, lambda a: 'block at offset %d (holding "a/Ada_Lovelace.md"): checksum mismatch'
                               % a.offset_of[DATA]),
    "signature-not-region": (three_entries, {}, dict(
        sections=lambda ss: ss.append(dict(type=11, flags=0, data=SIG_RECORD, count=0))),
        "verify", 1, "signature section is not marked as a region"),
    "signature-size": (three_entries, {}, dict(
        sections=lambda ss: ss.append(dict(type=11, flags=F_REGION, data=SIG_RECORD[:111], count=0))),
        "verify", 1, lambda a: "signature at offset %d: signature section is not 112 bytes" % a.offset_of[11]),
    "signature-algorithm": (three_entries, {}, dict(
        sections=lambda ss: ss.append(dict(type=11, flags=F_REGION,
                                           data=SIG_RECORD[:8] + u8(2) + SIG_RECORD[9:], count=0))),
        "verify", 1, lambda a: "signature at offset %d: unknown signature or digest algorithm" % a.offset_of[11]),
    "signature-reserved": (three_entries, {}, dict(
        sections=lambda ss: ss.append(dict(type=11, flags=F_REGION,
                                           data=SIG_RECORD[:10] + u8(1) + SIG_RECORD[11:], count=0))),
        "verify", 1, lambda a: "signature at offset %d: reserved signature bytes are not zero" % a.offset_of[11]),
    "signature-bad-magic": (three_entries, {}, dict(
        sections=lambda ss: ss.append(dict(type=11, flags=F_REGION, data=b"\x89WPKSIX\n" + SIG_RECORD[8:],
                                           count=0))),
        "verify", 1, lambda a: "signature at offset %d: not a signature record (bad magic number)"
                               % a.offset_of[11]),
}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: make_witness.py OUTDIR\n")
        return 2
    out = sys.argv[1]
    for name, (make, opts) in VALID.items():
        a = Archive(make(), **opts)
        write(os.path.join(out, "valid", name + ".wpk"), a.build())
        write(os.path.join(out, "valid", name + ".list"), list_lines(a.entries).encode())
        cdir = os.path.join(out, "valid", name + ".contents")
        shutil.rmtree(cdir, ignore_errors=True)
        for e in a.entries:
            write(os.path.join(cdir, e.path.decode()), e.content)
    for name, (make, opts, hooks, cmd, code, msg) in INVALID.items():
        a = Archive(make(), hooks=hooks, **opts)
        write(os.path.join(out, "invalid", name + ".wpk"), a.build())
        if callable(msg):
            msg = msg(a)
        write(os.path.join(out, "invalid", name + ".expect"),
              ("%s\n%d\n%s\n" % (cmd, code, msg)).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
