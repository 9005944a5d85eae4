#!/usr/bin/env python3
"""Write wikipack format 2.0 test archives from spec/FORMAT.md alone.

usage: make_witness.py OUTDIR [--no-check] [--tables]

Writes OUTDIR/valid/*.wpk, OUTDIR/invalid/*.wpk, OUTDIR/keys/ and
OUTDIR/manifest.json (format in README.md), then re-reads every archive with
check_witness.py (an independent re-parse of the spec) unless --no-check.

Nothing here comes from the wikipack library or its tools: every structure is
built from the tables of spec/FORMAT.md (format 2.0; written first from its
draft, which took parts of the 1.5 spec by reference: "1.5" below names those
parts), and the expected results are derived from this script's own inputs.
Deterministic: fixed inputs, fixed keys, no clock.  Where the draft was
unclear, the choice made is listed in AMBIGUITIES.md (A-numbers below).

The one input not written here is a genuine 1.x archive, which a 2.0 reader
must refuse: spec/vectors/invalid/format-1.5.wpk (written by the 1.5 witness
generator before 2.0 replaced it).

zstd frames are written by hand as raw zstd blocks (RFC 8878), so their bytes
do not depend on a compressor, except in the archives with a dictionary,
whose pages and blocks must really use it: those are compressed by
python3-zstandard (their bytes may change with the libzstd version; the
manifest does not record archive bytes, only what reading them gives).

Needs python3-xxhash, python3-zstandard and python3-nacl.  Exits 77 when one
is missing.
"""

import hashlib
import json
import os
import random
import shutil
import struct
import sys
import unicodedata

sys.dont_write_bytecode = True        # nothing written next to the scripts

_missing = []
try:
    import xxhash
except ImportError:
    _missing.append("python3-xxhash")
try:
    import zstandard
except ImportError:
    _missing.append("python3-zstandard")
try:
    import nacl.signing
except ImportError:
    _missing.append("python3-nacl")
if _missing:
    sys.stderr.write("make_witness.py: missing " + " and ".join(_missing) +
                     "; install with: apt-get install -y " + " ".join(_missing) + "\n")
    sys.exit(77)


# ---------------------------------------------------------------- primitives

def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)


MASK64 = (1 << 64) - 1


def varint(v):
    """Unsigned LEB128, at most 10 bytes (FORMAT.md, Leaves in columns)."""
    assert 0 <= v <= MASK64, v
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(v):
    """Signed v -> (v << 1) XOR (v >> 63), as a u64."""
    assert -(1 << 63) <= v < (1 << 63), v
    return ((v << 1) ^ (v >> 63)) & MASK64


def vstr(b):
    """A string in a stream: varint length <= 65,535, then the bytes."""
    assert isinstance(b, bytes) and len(b) <= 65535
    return varint(len(b)) + b


def xxh3(b):
    return xxhash.xxh3_64_intdigest(b)


def b2b256(b):
    """BLAKE2b-256 (RFC 7693, 32-byte output, no key): the `auth` hashes."""
    return hashlib.blake2b(b, digest_size=32).digest()


def b2b512(b):
    return hashlib.blake2b(b, digest_size=64).digest()


assert xxh3(b"") == 0x2D06800538D394C2 and xxh3(b"abc") == 0x78AF5F94892F3950


class Cur0:
    """Reads varint-length strings back (for hooks editing streams)."""

    def __init__(self, b):
        self.b, self.i = b, 0

    def varint(self):
        v, k = 0, 0
        while True:
            c = self.b[self.i]
            self.i += 1
            v |= (c & 0x7F) << (7 * k)
            k += 1
            if not c & 0x80:
                return v

    def string(self):
        n = self.varint()
        self.i += n
        return self.b[self.i - n:self.i]


def front_code(prev, cur):
    """Front coding as in 1.5: shared prefix length, suffix length, suffix."""
    shared = 0
    while shared < min(len(prev), len(cur)) and prev[shared] == cur[shared]:
        shared += 1
    return varint(shared) + vstr(cur[shared:])


def zframe(raw):
    """One zstd frame of raw blocks: Frame_Content_Size present, no checksum,
    no dictionary ID (FORMAT.md, zstd frames; kept by the draft)."""
    n = len(raw)
    if n < 256:
        desc, fcs = 0x20, u8(n)
    elif n < 65536 + 256:
        desc, fcs = 0x60, u16(n - 256)
    else:
        desc, fcs = 0xA0, u32(n)
    out = bytearray(b"\x28\xB5\x2F\xFD" + u8(desc) + fcs)
    chunks = [raw[i:i + 131072] for i in range(0, n, 131072)] or [b""]
    for i, c in enumerate(chunks):
        last = 1 if i == len(chunks) - 1 else 0
        out += struct.pack("<I", (len(c) << 3) | last)[:3] + c
    out = bytes(out)
    p = zstandard.get_frame_parameters(out)
    assert p.content_size == n and not p.has_checksum and p.dict_id == 0
    assert zstandard.ZstdDecompressor().decompress(out, max_output_size=max(n, 1)) == raw
    return out


def zframe_rle(n, byte=0):
    """A zstd frame of n copies of one byte in RLE blocks (4 bytes each per
    128 KiB): a page as large as a writer could really store in few bytes."""
    out = bytearray(b"\x28\xB5\x2F\xFD" + u8(0xA0) + u32(n))
    left = n
    while True:
        size = min(left, 131072)
        left -= size
        out += struct.pack("<I", (size << 3) | (1 << 1) | (1 if not left else 0))[:3] + u8(byte)
        if not left:
            break
    out = bytes(out)
    p = zstandard.get_frame_parameters(out)
    assert p.content_size == n and not p.has_checksum and p.dict_id == 0
    return out


class Codec:
    """Compresses pages and blocks: hand-made raw frames without a
    dictionary, or python3-zstandard with the archive's dictionary."""

    def __init__(self, dict_bytes=None, raw_content=False):
        self.dict_bytes = dict_bytes
        if dict_bytes is not None:
            kind = zstandard.DICT_TYPE_RAWCONTENT if raw_content else zstandard.DICT_TYPE_FULLDICT
            self.zd = zstandard.ZstdCompressionDict(dict_bytes, dict_type=kind)
            self.zd.precompute_compress(level=19)
            self.cctx = zstandard.ZstdCompressor(level=19, dict_data=self.zd, write_checksum=False,
                                                 write_content_size=True, write_dict_id=False)
            self.dctx = zstandard.ZstdDecompressor(dict_data=self.zd)

    def compress(self, raw):
        if self.dict_bytes is None:
            return zframe(raw)
        out = self.cctx.compress(raw)
        p = zstandard.get_frame_parameters(out)
        assert p.content_size == len(raw) and not p.has_checksum and p.dict_id == 0
        assert self.dctx.decompress(out, max_output_size=max(len(raw), 1)) == raw
        return out


# ---------------------------------------------------------------- titles

SPACES = b"_ \t\n\r\x0b\x0c"


def collapse(b):
    """FORMAT.md, Title normalization: runs of _, space, 09..0D -> one space,
    trimmed."""
    t = bytes(0x20 if c in SPACES else c for c in b)
    return b" ".join(w for w in t.split(b" ") if w)


# Non-ASCII characters this witness uses: their case folding and composition
# are the same in every Unicode version and in Python as in utf8proc.
SAFE_NON_ASCII = set("ßÉéçëÖöÜüäÄèàñ")


def fold(b):
    """Folded form: NFC with full case folding (utf8proc STABLE|COMPOSE|
    CASEFOLD); invalid UTF-8: ASCII A-Z lowered, other bytes kept."""
    c = collapse(b)
    try:
        s = c.decode("utf-8")
    except UnicodeDecodeError:
        return bytes(x + 32 if 0x41 <= x <= 0x5A else x for x in c)
    assert all(ord(ch) < 0x80 or ch in SAFE_NON_ASCII for ch in s), s
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", s).casefold()).encode()


def mwform(b):
    """MediaWiki form: collapsed, first code point simple-upper-cased."""
    c = collapse(b)
    try:
        s = c.decode("utf-8")
    except UnicodeDecodeError:
        return c
    if not s:
        return c
    up = s[0].upper()
    if len(up) != 1:               # no simple mapping (e.g. U+00DF): unchanged
        up = s[0]
    return (up + s[1:]).encode()


def spell_title(path):
    """1.5 TITLE_DERIVED: last component, without its last '.' and what
    follows unless that '.' is the component's first byte, '_' -> ' '."""
    comp = path.rsplit(b"/", 1)[-1]
    dot = comp.rfind(b".")
    if dot > 0:
        comp = comp[:dot]
    return comp.replace(b"_", b" ")


def spell_url(url_base, title):
    return url_base + title.replace(b" ", b"_")


# ---------------------------------------------------------------- constants

MAGIC = b"\x89WPK\r\n\x1a\n"
SIG_MAGIC = b"\x89WPKSIG\n"
ENTRY_ROOT, TITLE_ROOT, ID_ROOT, CATEGORY_ROOT = 1, 2, 3, 4
WIKIS, SUMMARY, SIGNATURE, DICT, PAGES, DATA = 5, 6, 7, 8, 9, 10
F_REQUIRED, F_ZSTD, F_REGION, F_BRANCHED = 1, 2, 4, 8
K_ENTRY, K_TITLE, K_ID, K_CATEGORY, K_BRANCH = 1, 2, 3, 4, 5
ROOT_OF_KIND = {K_ENTRY: ENTRY_ROOT, K_TITLE: TITLE_ROOT, K_ID: ID_ROOT, K_CATEGORY: CATEGORY_ROOT}
INDEX_NAMES = {K_ENTRY: "entry", K_TITLE: "title", K_ID: "id", K_CATEGORY: "category"}

HAS_ID, HAS_TIME, TITLE_SPELLED, URL_SPELLED = 1, 2, 4, 8
HAS_TITLE, HAS_URL, HAS_EXT = 16, 32, 64

T_CATEGORY, T_CURRENT, T_NAMESPACE, T_REVISIONS = 1, 2, 3, 4
T_SAME_CATEGORIES, T_REDIRECT, T_LANGUAGE = 5, 6, 7
T_REVISION_ID, T_CONTRIBUTOR, T_COMMENT = 8, 9, 10      # format 2.1
S_CASE_SENSITIVE = 8                                     # format 2.1 summary tag

ENTRY_STREAMS = ["STRINGS", "BLOCKS", "FLAGS", "WIKIS", "IDS", "TIMES", "SIZES", "PLACES",
                 "PATHS", "TITLES", "URLS", "TYPES", "EXT"]
TITLE_STREAMS = ["KEYS", "FORMS", "DISPLAYS", "WIKIS", "ENTRIES"]
ID_STREAMS = ["WIKIS", "IDS", "ENTRIES"]
CATEGORY_STREAMS = ["NAMES", "RUNS", "ENTRIES"]

TEST_SEED = bytes(range(32))                   # as 1.5's test key: 00 01 .. 1F
OTHER_SEED = bytes(range(32, 64))
TEST_PUB_HEX = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
assert nacl.signing.SigningKey(TEST_SEED).verify_key.encode().hex() == TEST_PUB_HEX


# ---------------------------------------------------------------- input model

class Entry:
    def __init__(self, path, content=b"", wiki=0, page_id=None, time_us=None, title=None,
                 url=None, media_type=None, categories=(), namespace=None, redirect=None,
                 language=None, unknown_ext=(), spell=True, joins=None, revision_id=None,
                 contributor=None, comment=None):
        enc = lambda s: s.encode() if isinstance(s, str) else s
        self.path = enc(path)
        self.content = content
        self.wiki = wiki
        self.page_id = page_id
        self.time_us = time_us
        self.title = enc(title)
        self.url = enc(url)
        self.media_type = enc(media_type)
        self.categories = [enc(c) for c in categories]
        self.namespace = namespace
        self.redirect = enc(redirect)
        self.language = enc(language)
        self.unknown_ext = [(t, enc(v)) for t, v in unknown_ext]
        self.revision_id = revision_id        # 2.1: a MediaWiki revision's ID, contributor, comment
        self.contributor = enc(contributor)
        self.comment = enc(comment)
        self.spell = spell           # may the writer spell title and URL when they match
        self.joins = joins           # without a page ID: the page ID of the article it is a version of
        self.current = None          # entry number of the current version (older versions)
        self.revisions = []          # older versions, newest first (current versions)


class Spec:
    """An archive to write: its wikis, entries, aliases and layout options."""

    def __init__(self, wikis, entries, aliases=(), entry_items=64, title_items=64, id_items=64,
                 cat_items=64, split_runs=False, branch=None, block_target=1 << 20,
                 dict_bytes=None, dict_raw_content=False, dict_zstd=False, summary=True,
                 sign=None, extra_sections=(), minor=0, optional=0, case_sensitive=(), description=""):
        self.wikis = [tuple(x.encode() for x in w) for w in wikis]
        self.entries = entries
        self.aliases = [(a.encode(), w, t.encode()) for a, w, t in aliases]
        self.entry_items, self.title_items, self.id_items = entry_items, title_items, id_items
        self.cat_items, self.split_runs, self.branch = cat_items, split_runs, branch
        self.block_target = block_target
        self.dict_bytes, self.dict_raw_content, self.dict_zstd = dict_bytes, dict_raw_content, dict_zstd
        self.summary, self.sign = summary, sign
        self.extra_sections = list(extra_sections)
        self.minor, self.optional = minor, optional
        self.case_sensitive = sorted(case_sensitive)   # 2.1: wiki numbers whose titles keep their case
        self.description = description


def preference(e):
    """1.5 preference: with a time first, newest first, then smallest path."""
    return (0 if e.time_us is not None else 1, -(e.time_us or 0), e.path)


def article_id(e):
    """The page ID of the article an entry is a version of."""
    return e.page_id if e.page_id is not None else e.joins


def link_versions(E):
    """Versions: entries of one wiki sharing a page ID (the draft: versions
    join only within one wiki).  This writer groups by page ID only, or by
    the one an entry without a page ID is said to join."""
    groups = {}
    for n, e in enumerate(E):
        if article_id(e) is not None:
            groups.setdefault((e.wiki, article_id(e)), []).append(n)
    for nums in groups.values():
        if len(nums) > 1:
            nums.sort(key=lambda n: preference(E[n]))
            E[nums[0]].revisions = nums[1:]
            for n in nums[1:]:
                E[n].current = nums[0]


def cur_of(E, n):
    return E[n].current if E[n].current is not None else n


def effective_categories(E, n):
    e = E[n]
    if e.current is not None and e.categories == E[e.current].categories and e.categories:
        return E[e.current].categories              # SAME_CATEGORIES
    return e.categories


def ext_fields(E, n, sidx):
    """(tag, encoded value) in this writer's order: CATEGORY..., NAMESPACE,
    CURRENT or REVISIONS, SAME_CATEGORIES, REDIRECT, LANGUAGE, REVISION_ID,
    CONTRIBUTOR, COMMENT, unknown."""
    e = E[n]
    out = []
    same = e.current is not None and e.categories and e.categories == E[e.current].categories
    if not same:
        p = -1
        for c in e.categories:
            k = sidx[c]
            out.append((T_CATEGORY, varint(zigzag(k - p - 1))))
            p = k
    if e.namespace is not None:
        out.append((T_NAMESPACE, varint(zigzag(e.namespace))))
    if e.current is not None:
        out.append((T_CURRENT, varint(zigzag(e.current - n))))
    if e.revisions:
        v, prev = varint(len(e.revisions)), n
        for r in e.revisions:
            v += varint(zigzag(r - prev))
            prev = r
        out.append((T_REVISIONS, v))
    if same:
        out.append((T_SAME_CATEGORIES, b""))
    if e.redirect is not None:
        out.append((T_REDIRECT, vstr(e.redirect)))
    if e.language is not None:
        out.append((T_LANGUAGE, vstr(e.language)))
    if e.revision_id is not None:
        out.append((T_REVISION_ID, vstr(str(e.revision_id).encode())))
    if e.contributor is not None:
        out.append((T_CONTRIBUTOR, vstr(e.contributor)))
    if e.comment is not None:
        out.append((T_COMMENT, vstr(e.comment)))
    for t, v in e.unknown_ext:
        out.append((t, vstr(v)))
    return out


# ---------------------------------------------------------------- the writer

class Built:
    """What building an archive gives: its bytes and the model the manifest
    and the expected results are computed from."""


def resolve(E, wiki, target):
    """An alias target: the current version in the same wiki whose folded
    title equals the folded target, preferring an exact title, then the
    smallest entry number."""
    f = fold(target)
    cands = [n for n, e in enumerate(E) if e.current is None and e.title is not None
             and e.wiki == wiki and fold(e.title) == f]
    exact = [n for n in cands if E[n].title == target]
    return (exact or cands or [None])[0]


def title_items(E, aliases):
    """Title index items (key, wiki, kind, entry, display): current titles
    (kind 0), aliases (kind 1: given aliases and redirect pages), former
    titles of older versions (kind 2)."""
    items = []
    for n, e in enumerate(E):
        if e.title is None:
            continue
        if e.current is None:
            items.append((fold(e.title), e.wiki, 0, n, e.title))
        elif e.title != E[e.current].title:
            items.append((fold(e.title), e.wiki, 2, e.current, e.title))
        if e.redirect is not None and e.current is None:
            t = resolve(E, e.wiki, e.redirect)
            if t is not None:
                items.append((fold(e.title), e.wiki, 1, t, e.title))
    for display, wiki, target in aliases:
        t = resolve(E, wiki, target)
        assert t is not None, target
        items.append((fold(display), wiki, 1, t, display))
    items = sorted(set(items), key=lambda x: (x[0], x[1], x[2], x[3], x[4]))   # each distinct item once
    return items


def split_leaves(items, max_items, key, split_runs, cuts=None):
    """Cut items into leaves of max_items, never starting a leaf inside a run
    of equal keys unless split_runs (the category index); cuts: positions
    to cut at instead (invalid vectors)."""
    if cuts is not None:
        bounds = [0] + list(cuts) + [len(items)]
        return [items[a:b] for a, b in zip(bounds, bounds[1:])]
    leaves, cur = [], []
    for it in items:
        if len(cur) >= max_items and (split_runs or key(it) != key(cur[-1])):
            leaves.append(cur)
            cur = []
        cur.append(it)
    if cur:
        leaves.append(cur)
    return leaves


def page_head(count, kind, streams):
    return u32(count) + u32(kind) + b"".join(u32(len(s)) for s in streams)


def encode_entry_page(B, nums, hook_streams=None, ordinal=0):
    """An entry page (kind 1) holding entries nums (consecutive).
    B.override[(stream, entry number)]: bytes to write instead, or a function
    of the bytes that would be written."""
    override = B.override
    E = B.E
    strings = sorted({E[n].media_type for n in nums if E[n].media_type is not None} |
                     {c for n in nums for c in E[n].categories})
    sidx = {s: i for i, s in enumerate(strings)}
    used = sorted({B.place[E[n].content][0] for n in nums if E[n].content})
    ref_of = {b: i for i, b in enumerate(used)}
    st = {k: b"" for k in ENTRY_STREAMS}
    st["STRINGS"] = b"".join(vstr(s) for s in strings)
    prev_end = 0
    for b in used:
        r = B.block_refs[b]
        auth = bytes(32) if getattr(B, "x_disagree", None) == (ordinal, b) else r["auth"]
        st["BLOCKS"] += (varint(r["offset"] - prev_end) + varint(r["stored"]) + varint(r["raw"]) +
                         u64(r["xxh3"]) + auth)
        prev_end = r["offset"] + r["stored"]
    times = [E[n].time_us for n in nums if E[n].time_us is not None]
    unit = 1000000 if times and all(t % 1000000 == 0 for t in times) else 1
    if times:
        st["TIMES"] = varint(unit)
    prev_id = prev_time = 0
    prev_place = None
    prev_path = b""
    flags_of = {}
    for i, n in enumerate(nums):
        e = E[n]
        def put(k, data):
            ov = override.get((k, n))
            st[k] += data if ov is None else ov(data) if callable(ov) else ov
        f = 0
        if e.page_id is not None:
            f |= HAS_ID
        if e.time_us is not None:
            f |= HAS_TIME
        if e.title is not None:
            f |= HAS_TITLE
            if e.spell and spell_title(e.path) == e.title and e.title:
                f |= TITLE_SPELLED
        if e.url is not None:
            f |= HAS_URL
            base = B.wikis[e.wiki - 1][2] if e.wiki else b""
            if e.spell and e.title is not None and base and spell_url(base, e.title) == e.url:
                f |= URL_SPELLED
        fields = e.x_ext if hasattr(e, "x_ext") else ext_fields(E, n, sidx)
        if fields:
            f |= HAS_EXT
        flags_of[n] = f
        put("FLAGS", u8(f))
        put("WIKIS", varint(e.wiki))
        if e.page_id is not None:
            put("IDS", varint(zigzag(e.page_id - prev_id)))
            prev_id = e.page_id
        if e.time_us is not None:
            put("TIMES", varint(zigzag((e.time_us - prev_time) // unit)))
            prev_time = e.time_us
        put("SIZES", varint(len(e.content)))
        if e.content:
            blk, off = B.place[e.content]
            if prev_place is not None and prev_place == (blk, off):
                put("PLACES", varint(0))
            else:
                put("PLACES", varint(ref_of[blk] + 1) + varint(off))
            prev_place = (blk, off + len(e.content))
        put("PATHS", front_code(prev_path, e.path))
        prev_path = e.path
        if e.title is not None and not f & TITLE_SPELLED:
            put("TITLES", vstr(e.title))
        if e.url is not None and not f & URL_SPELLED:
            put("URLS", vstr(e.url))
        put("TYPES", varint(sidx[e.media_type] + 1 if e.media_type is not None else 0))
        if fields:
            put("EXT", varint(len(fields)) + b"".join(u8(t) + v for t, v in fields))
    B.flags.update(flags_of)
    streams = [st[k] for k in ENTRY_STREAMS]
    if hook_streams:
        hook_streams(st)
        streams = [st[k] for k in ENTRY_STREAMS]
    return page_head(len(nums), K_ENTRY, streams) + b"".join(streams)


def title_form(key, display):
    if display == key:
        return 0
    if display == mwform(key):
        return 1
    return 2


def encode_title_page(items):
    st = {k: b"" for k in TITLE_STREAMS}
    prev_key, prev_n = b"", 0
    for key, wiki, kind, n, display in items:
        st["KEYS"] += front_code(prev_key, key)
        prev_key = key
        form = title_form(key, display)
        st["FORMS"] += u8(form | kind << 2)
        if form == 2:
            st["DISPLAYS"] += vstr(display)
        st["WIKIS"] += varint(wiki)
        st["ENTRIES"] += varint(zigzag(n - prev_n))
        prev_n = n
    streams = [st[k] for k in TITLE_STREAMS]
    return page_head(len(items), K_TITLE, streams) + b"".join(streams)


def encode_id_page(items):
    st = {k: b"" for k in ID_STREAMS}
    prev_wiki, prev_id, prev_n = None, 0, 0
    for wiki, pid, n in items:
        st["WIKIS"] += varint(wiki)
        st["IDS"] += varint(pid - prev_id if wiki == prev_wiki else pid)
        st["ENTRIES"] += varint(zigzag(n - prev_n))
        prev_wiki, prev_id, prev_n = wiki, pid, n
    streams = [st[k] for k in ID_STREAMS]
    return page_head(len(items), K_ID, streams) + b"".join(streams)


def encode_category_page(items, runs=None):
    """runs: [(name, [entry numbers])] to write instead of items' runs."""
    if runs is None:
        runs = []
        for name, n in items:
            if runs and runs[-1][0] == name:
                runs[-1][1].append(n)
            else:
                runs.append((name, [n]))
        count = len(items)
    else:
        count = sum(len(r[1]) for r in runs)
    st = {k: b"" for k in CATEGORY_STREAMS}
    prev = b""
    for name, nums in runs:
        st["NAMES"] += front_code(prev, name)
        prev = name
        st["RUNS"] += varint(len(nums))
        st["ENTRIES"] += varint(nums[0]) + b"".join(varint(b - a) for a, b in zip(nums, nums[1:]))
    streams = [st[k] for k in CATEGORY_STREAMS]
    return page_head(count, K_CATEGORY, streams) + b"".join(streams)


def id_key(wiki, pid):
    return u16(wiki) + u64(pid)


def root_item(it):
    return (u64(it["page_offset"]) + u32(it["stored"]) + u32(it["raw"]) + u64(it["xxh3"]) +
            it["auth"] + u64(it["first_item"]) + u32(it["page_items"]) + u16(len(it["key"])) +
            it["key"])


def hook(hooks, name, *args):
    if hooks and name in hooks:
        hooks[name](*args)


def build(spec, hooks=None):
    """Write the archive described by spec.  hooks: stage name -> function
    changing that stage's plain data (invalid vectors); hashes and checksums
    are computed from the bytes really written unless a hook overrides
    them afterwards."""
    global BUILDING
    B = Built()
    BUILDING = B             # for hooks that need the archive being built
    B.spec = spec
    B.wikis = spec.wikis
    E = sorted(spec.entries, key=lambda e: e.path)
    assert len({e.path for e in E}) == len(E)
    link_versions(E)
    B.E = E
    hook(hooks, "entries", E)
    codec = Codec(spec.dict_bytes, spec.dict_raw_content)

    # ---- DATA: distinct non-empty contents in path order, cut into blocks
    blocks, place = [], {}
    cur = b""
    for e in E:
        c = e.content
        if not c or c in place:
            continue
        if cur and len(cur) + len(c) > spec.block_target:
            blocks.append(cur)
            cur = b""
        place[c] = (len(blocks), len(cur))
        cur += c
    if cur:
        blocks.append(cur)
    B.place = place
    B.blocks = [dict(raw=r, frame=codec.compress(r)) for r in blocks]
    hook(hooks, "blocks", B.blocks)
    refs, off = [], 0
    for b in B.blocks:
        refs.append(dict(offset=off, stored=len(b["frame"]), raw=len(b["raw"]),
                         xxh3=xxh3(b["frame"]), auth=b.get("auth_override", b2b256(b["frame"]))))
        off += len(b["frame"])
    B.block_refs = refs
    hook(hooks, "block_refs", refs)
    data_region = b"".join(b["frame"] for b in B.blocks)

    # ---- index items
    B.title_items = title_items(E, spec.aliases)
    # One item an article with a page ID, naming its current version (which
    # may carry none when only an older version does).
    B.id_items = sorted((e.wiki, article_id(e), n) for n, e in enumerate(E)
                        if e.current is None and article_id(e) is not None)
    B.cat_items = sorted({(c, n) for n, e in enumerate(E) if e.current is None
                          for c in e.categories})
    B.override = {}
    B.cuts = {}
    hook(hooks, "items", B)

    # ---- leaves: dicts with raw, first_item, page_items, key
    B.flags = {}
    leaves = {}
    stream_hooks = hooks.get("entry_streams", {}) if hooks else {}
    lv = []
    for i, part in enumerate(split_leaves(list(range(len(E))), spec.entry_items, lambda n: n, True)):
        raw = encode_entry_page(B, part, stream_hooks.get(i), i)
        lv.append(dict(raw=raw, first_item=part[0], page_items=len(part), key=E[part[0]].path))
    leaves[K_ENTRY] = lv
    lv, first = [], 0
    for part in split_leaves(B.title_items, spec.title_items, lambda x: x[0], False,
                             B.cuts.get(K_TITLE)):
        lv.append(dict(raw=encode_title_page(part), first_item=first, page_items=len(part),
                       key=part[0][0], items=part))
        first += len(part)
    leaves[K_TITLE] = lv
    lv, first = [], 0
    for part in split_leaves(B.id_items, spec.id_items, lambda x: x[:2], False, B.cuts.get(K_ID)):
        lv.append(dict(raw=encode_id_page(part), first_item=first, page_items=len(part),
                       key=id_key(part[0][0], part[0][1]), items=part))
        first += len(part)
    leaves[K_ID] = lv
    lv, first = [], 0
    for part in split_leaves(B.cat_items, spec.cat_items, lambda x: x[0], spec.split_runs):
        lv.append(dict(raw=encode_category_page(part), first_item=first, page_items=len(part),
                       key=part[0][0], items=part))
        first += len(part)
    leaves[K_CATEGORY] = lv
    B.leaves = leaves
    hook(hooks, "leaves", leaves)

    # ---- PAGES: leaves of the four indexes in order, then branch pages
    pages = bytearray()

    def place_page(d):
        d.setdefault("frame", codec.compress(d["raw"]))
        d["page_offset"] = len(pages)
        pages.extend(d["frame"])

    for kind in (K_ENTRY, K_TITLE, K_ID, K_CATEGORY):
        for d in leaves[kind]:
            place_page(d)
    hook(hooks, "frames", leaves)
    for kind in (K_ENTRY, K_TITLE, K_ID, K_CATEGORY):
        for d in leaves[kind]:
            d.setdefault("stored", len(d["frame"]))
            d.setdefault("raw_size", len(d["raw"]))
            d.setdefault("xxh3", xxh3(d["frame"]))
            d.setdefault("auth", b2b256(d["frame"]))
    hook(hooks, "leaf_refs", leaves)

    def item_of(d):
        return dict(page_offset=d["page_offset"], stored=d["stored"], raw=d["raw_size"],
                    xxh3=d["xxh3"], auth=d["auth"], first_item=d["first_item"],
                    page_items=d["page_items"], key=d["key"])

    roots = {}
    B.branches = {}
    for kind in (K_ENTRY, K_TITLE, K_ID, K_CATEGORY):
        items = [item_of(d) for d in leaves[kind]]
        fan = spec.branch.get(kind) if spec.branch else None
        if fan:
            bps = []
            for j in range(0, len(items), fan):
                group = items[j:j + fan]
                raw = u32(len(group)) + u32(K_BRANCH) + u32(kind) + b"".join(root_item(x) for x in group)
                bps.append(dict(raw=raw, first_item=group[0]["first_item"],
                                page_items=sum(x["page_items"] for x in group), key=group[0]["key"],
                                children=group))
            B.branches[kind] = bps
            roots[kind] = dict(kind=K_BRANCH, items=None)
        else:
            roots[kind] = dict(kind=kind, items=items)
    hook(hooks, "branches", B.branches)
    for kind in (K_ENTRY, K_TITLE, K_ID, K_CATEGORY):
        if kind in B.branches:
            for d in B.branches[kind]:
                place_page(d)
                d.update(stored=len(d["frame"]), raw_size=len(d["raw"]), xxh3=xxh3(d["frame"]),
                         auth=b2b256(d["frame"]))
            roots[kind]["items"] = [item_of(d) for d in B.branches[kind]]
    B.roots = roots
    hook(hooks, "roots", roots)
    pages = bytes(pages)
    root_raw = {k: u32(len(r["items"])) + u32(r["kind"]) + b"".join(root_item(x) for x in r["items"])
                for k, r in roots.items()}
    hook(hooks, "root_raw", root_raw)

    # ---- prefix sections
    secs = []
    for kind in (K_ENTRY, K_TITLE, K_ID, K_CATEGORY):
        flags = F_REQUIRED | F_ZSTD | (F_BRANCHED if roots[kind]["kind"] == K_BRANCH else 0)
        secs.append(dict(type=ROOT_OF_KIND[kind], flags=flags, data=zframe(root_raw[kind]),
                         raw_size=len(root_raw[kind]), count=len(roots[kind]["items"])))
    wraw = b"".join(vstr(a) + vstr(b) + vstr(c) + vstr(d) for a, b, c, d in B.wikis)
    B.wikis_raw = wraw
    hook(hooks, "wikis_raw", B)
    secs.append(dict(type=WIKIS, flags=F_REQUIRED | F_ZSTD, data=zframe(B.wikis_raw),
                     raw_size=len(B.wikis_raw), count=len(B.wikis)))
    for s in spec.extra_sections:
        secs.append(dict(s))
    if spec.summary:
        sraw = summary_bytes(B, hooks)
        secs.append(dict(type=SUMMARY, flags=F_ZSTD, data=zframe(sraw), raw_size=len(sraw), count=0))
    secs.append(dict(type=SIGNATURE, flags=F_REQUIRED, data=bytes(160), checksum=0, count=0))
    if spec.dict_bytes is not None:
        if spec.dict_zstd:
            secs.append(dict(type=DICT, flags=F_REQUIRED | F_ZSTD, data=zframe(spec.dict_bytes),
                             raw_size=len(spec.dict_bytes), count=0))
        else:
            secs.append(dict(type=DICT, flags=F_REQUIRED, data=spec.dict_bytes, count=0))
    secs.append(dict(type=PAGES, flags=F_REQUIRED | F_REGION, data=pages, checksum=0,
                     count=sum(len(v) for v in leaves.values()) + sum(len(v) for v in B.branches.values())))
    secs.append(dict(type=DATA, flags=F_REQUIRED | F_REGION, data=data_region, checksum=0,
                     count=len(B.blocks)))
    hook(hooks, "sections", secs)

    table_end = 128 + 48 * len(secs)
    pos = table_end
    for s in secs:
        s.setdefault("offset", pos)
        s.setdefault("stored_size", len(s["data"]))
        s.setdefault("raw_size", len(s["data"]))
        s.setdefault("checksum", 0 if s["flags"] & F_REGION else xxh3(s["data"]))
        pos += len(s["data"])
    body = b"".join(s["data"] for s in secs)
    file_size = table_end + len(body)
    regions = [s["offset"] for s in secs if s["type"] in (PAGES, DATA)]
    h = dict(magic=MAGIC, major=2, minor=spec.minor, header_size=128, required=0,
             optional=spec.optional, file_size=file_size, entry_count=len(E),
             block_count=len(B.blocks), content_bytes=sum(len(e.content) for e in E),
             unique_bytes=sum(len(b["raw"]) for b in B.blocks), section_count=len(secs),
             wiki_count=len(B.wikis), prefix_size=min(regions) if regions else file_size,
             reserved=bytes(24))
    B.sections = secs
    hook(hooks, "layout", secs, h)
    table = b"".join(u32(s["type"]) + u32(s["flags"]) + u64(s["offset"]) + u64(s["stored_size"]) +
                     u64(s["raw_size"]) + u64(s["checksum"]) + u64(s["count"]) for s in secs)
    h["table_checksum"] = xxh3(table)
    hook(hooks, "header", h)
    head = (h["magic"] + u16(h["major"]) + u16(h["minor"]) + u32(h["header_size"]) +
            u64(h["required"]) + u64(h["optional"]) + u64(h["file_size"]) + u64(h["entry_count"]) +
            u64(h["block_count"]) + u64(h["content_bytes"]) + u64(h["unique_bytes"]) +
            u32(h["section_count"]) + u32(h["wiki_count"]) + u64(h["prefix_size"]) +
            u64(h["table_checksum"]) + h["reserved"])
    assert len(head) == 120
    head += u64(h.get("header_checksum", xxh3(head)))
    out = bytearray(head + table + body)
    B.header = h
    B.offset_of = {s["type"]: s["offset"] for s in secs}
    B.prefix_size = h["prefix_size"]
    sig = next((s for s in secs if s["type"] == SIGNATURE), None)
    if spec.sign is not None and sig is not None:
        rec = sign_record(bytes(out), h["prefix_size"], sig["offset"], spec.sign)
        out[sig["offset"]:sig["offset"] + 160] = rec
    hook(hooks, "output", out, B)
    B.bytes = bytes(out)
    return B


def sign_record(data, prefix_size, sig_offset, seed):
    """Signature: message = record bytes 0..95 (all but the signature, the
    public key included) + BLAKE2b-512 of the prefix with the SIGNATURE
    section's 160 bytes zeroed; Ed25519 (RFC 8032)."""
    key = nacl.signing.SigningKey(seed)
    head = SIG_MAGIC + u8(1) + u8(2) + bytes(22) + key.verify_key.encode() + bytes(32)
    prefix = bytearray(data[:prefix_size])
    prefix[sig_offset:sig_offset + 160] = bytes(160)
    msg = head + b2b512(bytes(prefix))
    sig = key.sign(msg).signature
    rec = head + sig
    assert len(rec) == 160
    return rec


def entry_language(B, n):
    e = B.E[n]
    if e.language is not None:
        return e.language
    if e.wiki:
        return B.wikis[e.wiki - 1][1] or None
    return None


def summary_bytes(B, hooks=None):
    """SUMMARY as in 1.5 (tag u8, length u16, value): ARTICLES, REVISIONS,
    ALIASES (kind-1 items of the title index), CATEGORIES, LANGUAGE..."""
    E = B.E
    arts = [n for n, e in enumerate(E) if e.current is None and (e.page_id is not None or e.title is not None)]
    langs = {}
    for n in arts:
        lang = entry_language(B, n)
        if not lang:
            lang = next((entry_language(B, r) for r in E[n].revisions if entry_language(B, r)), None)
        if lang:
            langs[lang] = langs.get(lang, 0) + 1
    fields = [(1, u64(len(arts))), (2, u64(sum(1 for e in E if e.current is not None))),
              (3, u64(sum(1 for it in B.title_items if it[2] == 1))),
              (4, u64(len({c for c, n in B.cat_items})))]
    fields += [(5, u64(c) + lang) for lang, c in sorted(langs.items())]
    fields += [(S_CASE_SENSITIVE, u16(w)) for w in B.spec.case_sensitive]
    hook(hooks, "summary_fields", fields)
    return b"".join(u8(t) + u16(len(v)) + v for t, v in fields)


# ---------------------------------------------------------------- expected results

def wiki_name(B, w):
    return B.wikis[w - 1][0].decode() if w else None


def entry_record(B, n):
    E = B.E
    e = E[n]
    return dict(
        n=n, path=e.path.decode(), wiki=wiki_name(B, e.wiki), page_id=e.page_id, time_us=e.time_us,
        title=e.title.decode() if e.title is not None else None,
        url=e.url.decode() if e.url is not None else None,
        media_type=e.media_type.decode() if e.media_type is not None else None,
        language=(entry_language(B, n) or b"").decode() or None,
        categories=[c.decode() for c in effective_categories(E, n)],
        namespace=e.namespace,
        redirect=e.redirect.decode() if e.redirect is not None else None,
        revision_id=e.revision_id, contributor=e.contributor.decode() if e.contributor is not None else None,
        comment=e.comment.decode() if e.comment is not None else None,
        current=e.current, revisions=list(e.revisions), size=len(e.content),
        sha256=hashlib.sha256(e.content).hexdigest(),
        title_spelled=bool(B.flags[n] & TITLE_SPELLED), url_spelled=bool(B.flags[n] & URL_SPELLED))


def wiki_number(B, name):
    return next(i + 1 for i, w in enumerate(B.wikis) if w[0] == name.encode())


def expect_title(B, query, mode, wiki=None):
    """The draft's title lookup on this archive's items: the run of the
    folded query, answered in tiers: titles (kind 0) whose display equals
    the query, then (typed) titles naming the same page by their wiki's case
    rule (same MediaWiki form; on a CASE_SENSITIVE wiki the same collapsed
    string); then aliases and former titles, exactly, then (typed) so
    named; then (typed) the whole run.  Matches: distinct entries, aliases
    before former titles (and titles first in the run), then in index
    order."""
    q = query.encode()
    f = fold(q)
    run = [it for it in B.title_items if it[0] == f and (wiki is None or it[1] == wiki_number(B, wiki))]

    def named(w, b):
        return collapse(b) if w in B.spec.case_sensitive else mwform(b)
    exact = lambda it: it[4] == q
    same = lambda it: named(it[1], it[4]) == named(it[1], q)
    title = lambda p: lambda it: it[2] == 0 and p(it)
    other = lambda p: lambda it: it[2] != 0 and p(it)
    levels = [("exact", title(exact))]
    if mode == "typed":
        levels += [("mediawiki", title(same))]
    levels += [("exact", other(exact))]
    if mode == "typed":
        levels += [("mediawiki", other(same)), ("folded", lambda it: True)]
    for name, pred in levels:
        hits = [it for it in run if pred(it)]
        if hits:
            hits.sort(key=lambda it: it[2])           # stable: index order within a kind
            seen, out = set(), []
            for it in hits:
                if it[3] not in seen:
                    seen.add(it[3])
                    out.append([it[3], it[2]])
            return dict(level=name, matches=out)
    return dict(level=None, matches=[])


def lookups(B, extra_titles=(), extra_prefixes=(), missing=True):
    """Every lookup this archive answers, with the expected result."""
    E = B.E
    out = []
    for n, e in enumerate(E):
        out.append(dict(op="path", path=e.path.decode(), expect=dict(entry=n)))
    if missing:
        out.append(dict(op="path", path="no/such/path.md", expect=dict(entry=None)))
    ids = {}
    for n, e in enumerate(E):
        if e.page_id is not None:
            ids.setdefault(e.page_id, set()).add(e.wiki)
    for pid in sorted(ids):
        for w in sorted(ids[pid] - {0}):
            hit = [n for ww, p, n in B.id_items if ww == w and p == pid]
            out.append(dict(op="id", wiki=wiki_name(B, w), id=pid, expect=dict(entry=hit[0] if hit else None)))
        choices = [[wiki_name(B, ww), n] for ww, p, n in B.id_items if p == pid]
        out.append(dict(op="id", wiki=None, id=pid, expect=dict(choices=choices)))
    if missing:
        out.append(dict(op="id", wiki=None, id=987654321, expect=dict(choices=[])))
    queries = sorted({it[4].decode() for it in B.title_items}) + list(extra_titles)
    for q in queries:
        out.append(dict(op="title", query=q, mode="exact", wiki=None, expect=expect_title(B, q, "exact")))
    for q in extra_titles:
        out.append(dict(op="title", query=q, mode="typed", wiki=None, expect=expect_title(B, q, "typed")))
    if missing:
        out.append(dict(op="title", query="No such title", mode="typed", wiki=None,
                        expect=dict(level=None, matches=[])))
    for c in sorted({c for c, n in B.cat_items}):
        out.append(dict(op="category", name=c.decode(),
                        expect=dict(entries=[n for cc, n in B.cat_items if cc == c])))
    if missing:
        out.append(dict(op="category", name="Category:No such category", expect=dict(entries=[])))
    for p in extra_prefixes:
        f = fold(p.encode())
        items = [[it[4].decode(), it[2], wiki_name(B, it[1]), it[3]] for it in B.title_items
                 if it[0].startswith(f)]
        out.append(dict(op="prefix", prefix=p, expect=dict(items=items)))
    for n, e in enumerate(E):
        if e.revisions:
            out.append(dict(op="revisions", path=e.path.decode(), expect=dict(older=list(e.revisions))))
    # From an older version: its article's versions, through its CURRENT.
    for n, e in enumerate(E):
        if e.current is not None:
            out.append(dict(op="revisions", path=e.path.decode(), expect=dict(older=list(E[e.current].revisions))))
    return out


# ---------------------------------------------------------------- the collections

EN = ("enwiki", "en", "https://en.wikipedia.org/wiki/", "Wikipedia")
DE = ("dewiki", "de", "https://de.wikipedia.org/wiki/", "Wikipedia")
ENWIKT = ("enwiktionary", "en", "https://en.wiktionary.org/wiki/", "Wiktionary")
ENW = "https://en.wikipedia.org/wiki/"
T2024 = 1714521600 * 10**6


def text(title, body, n=1):
    return ("# %s\n\n%s\n" % (title, (body + " ") * n)).encode()


def tiny():
    return Spec([EN], [
        Entry("Ada_Lovelace.md", text("Ada Lovelace", "First published algorithm, 1843."), wiki=1,
              page_id=974, time_us=1709296496 * 10**6, title="Ada Lovelace",
              url=ENW + "Ada_Lovelace", media_type="text/markdown"),
        Entry("Grace_Hopper.md", text("Grace Hopper", "COBOL, compilers, the first bug."), wiki=1,
              page_id=12345, time_us=1709300000 * 10**6 + 250, title="Grace Brewster Hopper",
              url="https://en.wikipedia.org/w/index.php?curid=12345", media_type="text/markdown"),
        Entry("empty.txt", b""),
    ], description="3 entries, one wiki, one block, one leaf per index, empty category index: "
                   "a spelled title and URL (Ada), an explicit title and URL with a time in "
                   "microseconds (Grace), an empty content without wiki (empty.txt)")


def two_wikis():
    return Spec([EN, DE], [
        Entry("en/Python_(programming_language).md",
              text("Python (programming language)", "A programming language by Guido van Rossum."),
              wiki=1, page_id=23862, title="Python (programming language)",
              url=ENW + "Python_(programming_language)", media_type="text/markdown",
              time_us=1714000000 * 10**6),
        Entry("de/Sachsen.md", text("Sachsen", "Freistaat im Osten Deutschlands."), wiki=2,
              page_id=23862, title="Sachsen", url="https://de.wikipedia.org/wiki/Sachsen",
              media_type="text/markdown", time_us=1713000000 * 10**6),
        Entry("en/Berlin.md", text("Berlin", "Capital of Germany."), wiki=1, page_id=3354,
              title="Berlin", url=ENW + "Berlin", media_type="text/markdown"),
        Entry("de/Berlin.md", text("Berlin", "Hauptstadt Deutschlands."), wiki=2, page_id=2036,
              title="Berlin", url="https://de.wikipedia.org/wiki/Berlin", media_type="text/markdown"),
        Entry("de/Straße.md", text("Straße", "Verkehrsweg."), wiki=2, page_id=99001, title="Straße",
              url="https://de.wikipedia.org/wiki/Straße", media_type="text/markdown"),
    ], description="two wikis (enwiki, dewiki) whose page IDs collide: enwiki 23862 "
                   "'Python (programming language)' and dewiki 23862 'Sachsen'; 'Berlin' in both "
                   "(one run of the title index across wikis); 'Straße' folds to 'strasse'")


KEATS = text("Ode to a Nightingale", "My heart aches, and a drowsy numbness pains my sense.")


def rich_entries():
    W = 1
    return [
        Entry("Category/Poets.md", text("Category:Poets", "Poets."), wiki=W, page_id=700001,
              title="Category:Poets", url=ENW + "Category:Poets", namespace=14,
              media_type="text/markdown"),
        Entry("a/Ada_Lovelace.md", text("Ada Lovelace", "Mathematician and writer.", 3), wiki=W,
              page_id=974, time_us=1709296496 * 10**6, title="Ada Lovelace", url=ENW + "Ada_Lovelace",
              media_type="text/markdown",
              categories=["Category:English writers", "Category:Mathematicians"]),
        Entry("b/Charles_Babbage.md", text("Charles Babbage", "Difference engine.", 2), wiki=W,
              page_id=4212, time_us=1700000000123456, title="Charles Babbage",
              url=ENW + "Charles_Babbage", media_type="text/markdown",
              categories=["Category:Mathematicians"], namespace=0),
        Entry("copies/Keats_a.txt", KEATS, media_type="text/plain"),
        Entry("copies/Keats_b.txt", KEATS, media_type="text/plain"),
        Entry("misc/Lorem_ipsum.md", text("Lorem ipsum", "Dolor sit amet."), wiki=W, page_id=1793,
              title="Lorem ipsum", url=ENW + "Lorem_ipsum", language="la", media_type="text/markdown"),
        Entry("notes/fr.txt", "Une note en français.\n".encode(), title="Note en français",
              url="https://example.org/note", language="fr", time_us=-31536001 * 10**6),
        Entry("old/George_Gordon_Byron.md", text("George Gordon Byron", "Poet (2019 text)."), wiki=W,
              page_id=4213, time_us=1546300800 * 10**6, title="George Gordon Byron",
              url=ENW + "George_Gordon_Byron", media_type="text/markdown",
              categories=["Category:Peers"]),
        Entry("old/Lord_Byron_2023.md", text("Lord Byron", "Poet and peer (2023 text)."), wiki=W,
              page_id=4213, time_us=1672531200 * 10**6, title="Lord Byron", url=ENW + "Lord_Byron",
              media_type="text/markdown", categories=["Category:English writers", "Category:Poets"]),
        Entry("people/Jane_Austen.md", text("Jane Austen", "Novelist.", 2), wiki=W, page_id=14000,
              title="Jane Austen", url=ENW + "Jane_Austen", media_type="text/markdown",
              categories=["Category:English writers"]),
        Entry("people/John_Keats.md", KEATS, wiki=W, page_id=16000, title="John Keats",
              url=ENW + "John_Keats", media_type="text/markdown",
              categories=["Category:Poets", "Category:English writers"]),
        Entry("people/Lord_Byron.md", text("Lord Byron", "Poet and peer."), wiki=W, page_id=4213,
              time_us=T2024, title="Lord Byron", url=ENW + "Lord_Byron", media_type="text/markdown",
              categories=["Category:English writers", "Category:Poets"]),
        Entry("people/Percy_Bysshe_Shelley.md", text("Percy Bysshe Shelley", "Ozymandias."), wiki=W,
              page_id=24000, title="Percy Bysshe Shelley",
              url="https://en.m.wikipedia.org/wiki/Percy_Bysshe_Shelley", media_type="text/markdown",
              categories=["Category:English writers", "Category:Poets"]),
        Entry("people/William_Wordsworth.md", text("William Wordsworth", "Daffodils."), wiki=W,
              page_id=33000, title="William Wordsworth", url=ENW + "William_Wordsworth",
              media_type="text/markdown", categories=["Category:English writers", "Category:Poets"]),
        Entry("people/Émile_Zola.md", text("Émile Zola", "J'accuse."), wiki=W, page_id=60000,
              title="Émile Zola", url=ENW + "Émile_Zola", media_type="text/markdown",
              categories=["Category:French writers"]),
        Entry("redirects/Byron.md", b"#REDIRECT [[Lord Byron]]\n", wiki=W, page_id=57555,
              title="Byron", url=ENW + "Byron", redirect="Lord Byron", namespace=0),
        Entry("wikt/serendipity.md", text("serendipity", "A happy accident."), wiki=2, page_id=51000,
              title="serendipity", url="https://en.wiktionary.org/wiki/serendipity",
              media_type="text/markdown"),
        Entry("z/empty.txt", b"", unknown_ext=[(200, "x-witness unknown field"), (0, "tag 0, skipped too")]),
        Entry("z/keats_again.txt", KEATS, media_type="text/plain"),
        Entry("z/keats_twice.txt", KEATS, media_type="text/plain"),
    ]


RICH_ALIASES = [("Ada King", 1, "Ada Lovelace"), ("Lord George Byron", 1, "Lord Byron"),
                ("serendipitous", 2, "serendipity")]
RICH_TITLES = ["lord byron", "LORD_BYRON", "Lord  byron", "byron", "ada king", "STRASSE",
               "émile zola", "ÉMILE ZOLA", "george gordon byron", "Serendipity", "Category:poets"]
RICH_PREFIXES = ["lord", "By", "", "émile", "Ser"]


def rich(**kw):
    opts = dict(entry_items=4, title_items=4, id_items=4, cat_items=3, split_runs=True,
                block_target=300)
    opts.update(kw)
    return Spec([EN, ENWIKT], rich_entries(), RICH_ALIASES,
                description="revisions (Lord Byron 4213: current, an older version with the same "
                            "title and SAME_CATEGORIES, an older version with a former title), "
                            "aliases (given, and a REDIRECT page), categories with the run of "
                            "'Category:English writers' and of 'Category:Poets' split across "
                            "category leaves, dedup (copies/Keats_a, Keats_b, people/John_Keats and "
                            "z/keats_again, z/keats_twice share one stored content; in the last "
                            "entry page keats_twice has PLACES p>=1 repeating keats_again's "
                            "offset), an empty "
                            "content with unknown EXT tags (200 and 0), spelled and explicit titles and URLs, "
                            "LANGUAGE fields, NAMESPACE, times whole (unit 1e6) and in microseconds "
                            "(unit 1) and before 1970, 5 entry pages, several blocks shared by pages",
                **opts)


def synthetic(count, seed, with_cats=True):
    """count articles of enwiki with shared boilerplate (for dictionaries and
    branching)."""
    r = random.Random(seed)
    words = ("river mountain city village school church castle bridge railway station museum "
             "library market harbour island valley forest lake tower garden").split()
    out = []
    for i in range(count):
        name = "%s %s %d" % (r.choice(words).capitalize(), r.choice(words), i)
        body = ("{{Infobox settlement}}\n'''%s''' is a place in the county. It has a population "
                "of %d. == History == The %s was founded in %d. == Geography == It lies near "
                "the %s. == References == {{reflist}} [[Category:Places]]\n" %
                (name, r.randrange(100, 100000), r.choice(words), r.randrange(900, 2000),
                 r.choice(words))).encode()
        cats = ["Category:Places"] + (["Category:Even" if i % 2 == 0 else "Category:Odd"] if with_cats else [])
        out.append(Entry("p/%s.md" % name.replace(" ", "_"), body, wiki=1, page_id=1000 + 7 * i,
                         time_us=(1600000000 + 86400 * i) * 10**6, title=name,
                         url=ENW + name.replace(" ", "_"), media_type="text/markdown",
                         categories=cats if with_cats else ()))
    return out


def dict_trained():
    entries = synthetic(60, 11)
    samples = [e.content for e in synthetic(300, 99, with_cats=False)]
    d = zstandard.train_dictionary(4096, samples, k=64, d=8, threads=1).as_bytes()
    return Spec([EN], entries, entry_items=16, title_items=16, id_items=16, cat_items=16,
                block_target=2048, dict_bytes=d, dict_zstd=True,
                description="60 entries; a trained zstd dictionary (RFC 8878 section 5 format), "
                            "stored as a zstd frame (DICT with ZSTD); every page and block "
                            "compressed with it (frames without dictionary ID)")


def dict_raw_big_prefix():
    r = random.Random(5)
    words = b"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi".split()
    d = b" ".join(r.choice(words) for _ in range(60000))[:300000]
    entries = []
    for i in range(8):
        a = r.randrange(0, len(d) - 2000)
        entries.append(Entry("g/%02d.txt" % i, d[a:a + 1500] + b"\nentry %d\n" % i, wiki=1,
                             page_id=500 + i, title="Greek %d" % i, url=ENW + "Greek_%d" % i))
    return Spec([EN], entries, block_target=4000, dict_bytes=d, dict_raw_content=True,
                description="a 300,000-byte raw-content dictionary stored uncompressed, so the "
                            "prefix (%d+ bytes) is larger than both the first 64 KiB read and the "
                            "256 KiB HTTP read: opening needs the second read; contents are "
                            "excerpts of the dictionary" % len(d))


def branched():
    entries = synthetic(40, 3)
    return Spec([EN], entries, [("Alias %d" % i, 1, entries[i].title.decode()) for i in range(0, 40, 9)],
                entry_items=2, title_items=3, id_items=3, cat_items=4, split_runs=True,
                branch={K_ENTRY: 4, K_TITLE: 4, K_ID: 4, K_CATEGORY: 3}, block_target=1024,
                description="40 entries, every root BRANCHED (kind 5): 20 entry leaves under 5 "
                            "branch pages, title, ID and category leaves under branch pages; the "
                            "run of 'Category:Places' (40 items) spans many category leaves and "
                            "several branch pages, so category root keys repeat")


def no_wikis():
    return Spec([], [
        Entry("readme.txt", b"Plain file, no wiki.\n", title="Read me", language="en",
              url="https://example.org/readme", time_us=0),
        Entry("zz/other.md", b"Another.\n", page_id=7, title="other", language="de"),
    ], description="wiki_count 0 (empty WIKIS), entries of wiki 0 with LANGUAGE fields, a page ID "
                   "without wiki, a time of exactly 0")


def empty():
    return Spec([], [], description="no entries and no wikis: four empty roots, empty WIKIS, "
                                    "zero-size PAGES and DATA at the end of the file")


def with_unknown_section():
    s = tiny()
    s.extra_sections = [dict(type=4000, flags=0, data=b"unknown optional section, skipped", count=0)]
    s.description = "tiny plus a section of unknown type 4000 without REQUIRED, in the prefix: ignored"
    return s


def minor_optional():
    s = tiny()
    s.minor, s.optional = 9, 1 << 40
    s.description = "tiny with minor_version 9 and optional_features bit 40: both ignored"
    return s


def current_without_id():
    return Spec([EN], [
        Entry("new/Mary_Shelley.md", text("Mary Shelley", "Frankenstein (2024 copy, saved without its ID)."),
              wiki=1, time_us=T2024, title="Mary Shelley", url=ENW + "Mary_Shelley",
              media_type="text/markdown", joins=28000),
        Entry("old/Mary_Shelley.md", text("Mary Shelley", "Frankenstein (2019 text)."), wiki=1,
              page_id=28000, time_us=1546300800 * 10**6, title="Mary Shelley", url=ENW + "Mary_Shelley",
              media_type="text/markdown"),
        Entry("old/Mary_Shelley_2010.md", text("Mary Shelley", "Frankenstein (2010 text)."), wiki=1,
              page_id=28000, time_us=1262304000 * 10**6, title="Mary Shelley", url=ENW + "Mary_Shelley",
              media_type="text/markdown"),
        Entry("people/Jane_Austen.md", text("Jane Austen", "Novelist."), wiki=1, page_id=14000,
              title="Jane Austen", url=ENW + "Jane_Austen", media_type="text/markdown"),
        Entry("z/notes.md", b"Notes, no title, no page ID.\n", wiki=1),
    ], description="an article whose current version carries no page ID: new/Mary_Shelley.md "
                   "(2024, no ID) is current, old/Mary_Shelley.md (2019) and old/Mary_Shelley_2010.md "
                   "(2010), both page ID 28000, its older versions; the ID item (enwiki, 28000) names "
                   "the current version; z/notes.md (enwiki, neither title nor page ID) is no article")


def wiktionary_case():
    return Spec([EN, ENWIKT], [
        Entry("e/Polish.wiki", b"'''Polish''' may refer to Poland.\n", wiki=1, page_id=23000, title="Polish",
              url=ENW + "Polish", media_type="text/x-wiki", revision_id=9223372036854775807,
              contributor="Exämple Editor", comment="disambiguation"),
        Entry("t/Polish.wiki", b"==English==\n'''Polish''' (of Poland)\n", wiki=2, page_id=30002,
              title="Polish", url="https://en.wiktionary.org/wiki/Polish", media_type="text/x-wiki",
              time_us=1580601600 * 10**6, revision_id=700003, contributor="Bob"),
        Entry("t/polish.wiki", b"==English==\n'''polish''' (to make smooth; to refine)\n", wiki=2,
              page_id=30001, title="polish", url="https://en.wiktionary.org/wiki/polish",
              media_type="text/x-wiki", time_us=1622548800 * 10**6, revision_id=700002,
              contributor="192.0.2.44", comment="add a sense: to refine"),
        Entry("t/polish@r700001.wiki", b"==English==\n'''polish''' (to make smooth)\n", wiki=2,
              page_id=30001, title="polish", url="https://en.wiktionary.org/wiki/polish",
              media_type="text/x-wiki", time_us=1577836800 * 10**6, revision_id=0, comment="new entry"),
    ], minor=1, case_sensitive=[2],
        description="format 2.1: enwiktionary (wiki 2) CASE_SENSITIVE in the SUMMARY, where 'polish' "
                    "and 'Polish' are two pages and 'polish_' names 'polish' alone, beside enwiki "
                    "(first-letter); REVISION_ID (0 and 2^63 - 1: the manifest is read by jansson, whose integers are signed), CONTRIBUTOR and COMMENT fields, "
                    "an older version with a revision ID and comment but no contributor")


def signed():
    s = rich(sign=TEST_SEED)
    s.description = "rich, signed with the test key (seed 00..1F): Ed25519 over record bytes 0..95 " \
                    "and the BLAKE2b-512 of the prefix with SIGNATURE zeroed"
    return s


VALID = {
    "empty": (empty, {}),
    "tiny": (tiny, {}),
    "no-wikis": (no_wikis, dict(titles=["read me", "OTHER"])),
    "two-wikis": (two_wikis, dict(titles=["berlin", "STRASSE", "python (Programming language)"],
                                  prefixes=["", "b"])),
    "rich": (rich, dict(titles=RICH_TITLES, prefixes=RICH_PREFIXES)),
    "signed": (signed, dict(titles=RICH_TITLES, prefixes=RICH_PREFIXES)),
    "dict-trained": (dict_trained, dict(prefixes=["river"])),
    "dict-raw-big-prefix": (dict_raw_big_prefix, {}),
    "branched": (branched, dict(titles=["alias 9", "ALIAS_18"], prefixes=["r", "alias"])),
    "unknown-optional-section": (with_unknown_section, {}),
    "current-without-id": (current_without_id, dict(titles=["mary shelley"])),
    "minor-and-optional-feature": (minor_optional, {}),
    "wiktionary-case": (wiktionary_case, dict(titles=["polish_", "Polish_", "POLISH", " polish", "pOLISH"],
                                              prefixes=["pol"])),
}


def title_lookups_wiki(B):
    """Lookups restricted to one wiki (two-wikis only)."""
    if len(B.wikis) < 2 or B.wikis[1][0] != b"dewiki":
        return []
    return [dict(op="title", query=q, mode="typed", wiki=w, expect=expect_title(B, q, "typed", w))
            for q, w in (("Berlin", "dewiki"), ("Berlin", "enwiki"), ("berlin", "enwiki"))]


# ---------------------------------------------------------------- invalid vectors

# ---------------------------------------------------------------- what a lookup reads

def key_cmp_form(K, key):
    """Root keys compare bytewise, except ID keys: (wiki, page ID) numerically."""
    if K == K_ID:
        return struct.unpack("<HQ", key)
    return key


def leaf_for(B, K, key):
    """The leaf holding key by the run rule: the last leaf whose first key is
    not above key (-1: none)."""
    k = key_cmp_form(K, key)
    i = -1
    for j, d in enumerate(B.leaves[K]):
        if key_cmp_form(K, d["key"]) <= k:
            i = j
    return i


def trace(B, lk):
    """Everything a reader may read for a lookup, conservatively: the roots,
    branch pages, leaves (and the next leaf where a scan may peek) and blocks.
    A defect in none of these must not change the lookup's result."""
    T = set()

    def use(K):
        T.add(("root", K))
        for j in range(len(B.branches.get(K, []))):
            T.add(("branch", K, j))
        if B.spec.dict_bytes is not None:
            T.add(("dict",))

    def leaf(K, i, peek=False):
        use(K)
        n = len(B.leaves[K])
        for j in ([i, i + 1] if peek else [i]):
            if 0 <= j < n:
                T.add(("leaf", K, j))

    def entry(n, block=True):
        i = next(j for j, d in enumerate(B.leaves[K_ENTRY])
                 if d["first_item"] <= n < d["first_item"] + d["page_items"])
        leaf(K_ENTRY, i)
        c = B.E[n].content
        if block and c:
            T.add(("block", B.place[c][0]))

    op = lk["op"]
    ex = lk["expect"]
    if op == "path":
        leaf(K_ENTRY, leaf_for(B, K_ENTRY, lk["path"].encode()))
        if ex["entry"] is not None:
            entry(ex["entry"])
    elif op == "id":
        ws = [wiki_number(B, lk["wiki"])] if lk["wiki"] else range(len(B.wikis) + 1)
        for w in ws:
            leaf(K_ID, leaf_for(B, K_ID, id_key(w, lk["id"])))
        hits = [ex["entry"]] if "entry" in ex else [n for w, n in ex["choices"]]
        for n in hits:
            if n is not None:
                entry(n)
    elif op == "title":
        leaf(K_TITLE, leaf_for(B, K_TITLE, fold(lk["query"].encode())), peek=True)
        for n, kind in ex["matches"]:
            entry(n)
    elif op in ("category", "prefix"):
        K = K_CATEGORY if op == "category" else K_TITLE
        key = lk["name"].encode() if op == "category" else fold(lk["prefix"].encode())
        keys = [d["key"] for d in B.leaves[K]]
        start = max([j for j, k in enumerate(keys) if k < key] or [0])
        if op == "prefix":
            start = max(0, leaf_for(B, K, key))
        end = start
        for j in range(start, len(keys)):
            if keys[j] <= key or keys[j].startswith(key):
                end = j
        for j in range(start, end + 2):
            leaf(K, j)
        use(K)
        got = ex["entries"] if op == "category" else [it[3] for it in ex["items"]]
        for n in got:
            entry(n, block=False)
    elif op == "revisions":
        entry([n for n, e in enumerate(B.E) if e.path == lk["path"].encode()][0])
        for n in ex["older"]:
            entry(n, block=False)
    return T


# ---------------------------------------------------------------- invalid vectors

INVALID = {}


def V(name, base, rule, defect, outcome, error, hooks=None, spec=None, fails=(), damaged=(),
      pubkey=None, verify=False, note=None):
    """Register an invalid vector.  outcome: open | first-use | lookup |
    verify | pubkey (see README.md)."""
    assert name not in INVALID, name
    v = dict(base=base, rule=rule, defect=defect, outcome=outcome, error=error,
             hooks=hooks or {}, fails=list(fails), damaged=[d if callable(d) else tuple(d) for d in damaged], verify=verify)
    if spec:
        v["spec"] = spec
    if pubkey:
        v["pubkey"] = pubkey
    if note:
        v["note"] = note
    INVALID[name] = v


def P(path): return dict(op="path", path=path)
def TT(q): return dict(op="title", query=q, mode="exact", wiki=None)
def ID(wiki, pid): return dict(op="id", wiki=wiki, id=pid)
def CAT(name): return dict(op="category", name=name)
def REV(path): return dict(op="revisions", path=path)


def n_of(B, path):
    return next(n for n, e in enumerate(B.E) if e.path == path.encode())


def set_header(**kw):
    return lambda h: h.update(kw)


def sec_of(secs, t):
    return next(s for s in secs if s["type"] == t)


def set_sec(t, **kw):
    return lambda secs: sec_of(secs, t).update(kw)


def flip(off, bit=1):
    def f(out, B):
        out[off] ^= bit
    return f


def entry_ov(path, stream, value):
    """Override the bytes one entry writes to one stream of its page."""
    def f(B):
        B.override[(stream, n_of(B, path))] = value
    return f


def ext_ov(path, fields):
    """Write these EXT fields (tag, encoded value) for one entry."""
    def f(B):
        B.E[n_of(B, path)].x_ext = fields
    return f


def u32_at(raw, off, v):
    return raw[:off] + u32(v) + raw[off + 4:]


def leaf_raw(K, i, f):
    """A `leaves` hook changing the raw bytes of leaf i of index K."""
    def h(leaves):
        leaves[K][i]["raw"] = f(leaves[K][i]["raw"])
    return h


def stream_span(raw, nstreams, which):
    """(start, end) of stream `which` in a page with this many streams."""
    lens = struct.unpack_from("<%dI" % nstreams, raw, 8)
    start = 8 + 4 * nstreams + sum(lens[:which])
    return start, start + lens[which]


def edit_stream(raw, nstreams, which, f):
    """Replace stream `which` by f(stream) and fix its length in the head."""
    a, b = stream_span(raw, nstreams, which)
    new = f(raw[a:b])
    raw = raw[:a] + new + raw[b:]
    return u32_at(raw, 8 + 4 * which, len(new))


def item_field(K, i, field, f):
    """A `roots` hook changing one field of root item i of index K."""
    def h(roots):
        it = roots[K]["items"][i]
        it[field] = f(it[field])
    return h


def one_in_sig_record(off, value, resign=True):
    """Signed archives: set record byte off, re-signing over the changed
    bytes 0..95 so that only the rule about that byte is broken."""
    def f(out, B):
        s = B.offset_of[SIGNATURE]
        rec = bytearray(out[s:s + 160])
        rec[off] = value
        if resign and off < 96:
            prefix = bytearray(out[:B.prefix_size])
            prefix[s:s + 160] = bytes(160)
            key = nacl.signing.SigningKey(TEST_SEED)
            rec[96:160] = key.sign(bytes(rec[:96]) + b2b512(bytes(prefix))).signature
        out[s:s + 160] = rec
    return f


def real_15_archive(out, B):
    """A genuine format 1.5 archive, written by the 1.5 witness generator
    (its three.wpk) and kept as spec/vectors/invalid/format-1.5.wpk."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "invalid", "format-1.5.wpk"), "rb") as f:
        out[:] = f.read()


# ---- opening: header
V("bad-magic", "tiny", "Header: magic 89 57 50 4B 0D 0A 1A 0A", "byte 3 'K' -> 'X'",
  "open", "format", dict(header=set_header(magic=b"\x89WPX\r\n\x1a\n")))
V("major-1", "tiny", "A 2.0 reader refuses a 1.x archive (WPK_E_FORMAT)",
  "major_version 1, minor_version 5, 2.0 layout, checksums right", "open", "format",
  dict(header=set_header(major=1, minor=5)))
V("format-1.5-archive", "tiny", "A 2.0 reader refuses a 1.x archive (WPK_E_FORMAT)",
  "a genuine 1.5 archive (spec/vectors/invalid/format-1.5.wpk)", "open", "format",
  dict(output=real_15_archive))
V("major-3", "tiny", "Header: major_version 2", "major_version 3", "open", "format",
  dict(header=set_header(major=3)), note="unknown major version: WPK_E_FORMAT as in 1.5")
V("header-checksum", "tiny", "Header: header_checksum = XXH3-64 of bytes 0..119",
  "one bit of header_checksum flipped", "open", "corrupt", dict(output=flip(120)))
V("header-size", "tiny", "Header: header_size 128", "header_size 136", "open", "corrupt",
  dict(header=set_header(header_size=136)))
V("required-feature", "tiny", "Header: required_features MUST be 0; a reader refuses an unknown bit",
  "required_features bit 0 (1.x's PAGE_DICT)", "open", "format", dict(header=set_header(required=1)))
V("header-reserved", "tiny", "Header: bytes 96..119 reserved, MUST be 0", "byte 100 = 1",
  "open", "corrupt", dict(header=set_header(reserved=bytes(4) + b"\x01" + bytes(19))))
V("section-count-zero", "tiny", "Header: section_count 1 to 64", "section_count 0",
  "open", "corrupt", dict(header=set_header(section_count=0)))
V("section-count-65", "tiny", "Header: section_count 1 to 64", "section_count 65 (the table holds 8)",
  "open", "corrupt", dict(header=set_header(section_count=65)))
V("entry-count-over", "tiny", "Header: entry_count at most 2^32 - 1", "entry_count 2^32",
  "open", "corrupt", dict(header=set_header(entry_count=1 << 32)),
  note="the entry root then also disagrees with entry_count; the header check comes first")
V("unique-over-content", "tiny", "Header: unique_bytes <= content_bytes",
  "unique_bytes = content_bytes + 1", "open", "corrupt",
  dict(header=lambda h: h.update(unique_bytes=h["content_bytes"] + 1)))
V("prefix-before-table", "tiny", "Header: table_end <= prefix_size", "prefix_size = table_end - 1",
  "open", "corrupt", dict(header=lambda h: h.update(prefix_size=128 + 48 * h["section_count"] - 1)))
V("prefix-past-file", "tiny", "Header: prefix_size <= file_size", "prefix_size = file_size + 1",
  "open", "corrupt", dict(header=lambda h: h.update(prefix_size=h["file_size"] + 1)))
V("prefix-not-first-region", "tiny", "Header: prefix_size is the first byte of the first region",
  "prefix_size = PAGES offset + 1 (the prefix reaches into PAGES)", "open", "corrupt",
  dict(header=lambda h: h.update(prefix_size=h["prefix_size"] + 1)),
  note="AMBIGUITIES A4: read as a MUST (prefix_size equals the smallest region offset)")
V("file-longer", "tiny", "Header: file_size MUST equal the actual size", "one byte appended",
  "open", "corrupt", dict(output=lambda out, B: out.extend(b"\0")))
V("file-truncated", "tiny", "Header: file_size MUST equal the actual size", "last byte cut",
  "open", "corrupt", dict(output=lambda out, B: out.__delitem__(slice(len(out) - 1, None))))
V("wiki-count-mismatch", "tiny", "Wikis: WIKIS holds wiki_count wikis, filling it exactly",
  "wiki_count 2, WIKIS holds 1", "open", "corrupt", dict(header=set_header(wiki_count=2)),
  note="AMBIGUITIES A9: WIKIS decoded at open")

# ---- opening: section table
V("table-checksum", "tiny", "Header: section_table_checksum = XXH3-64 of the section table",
  "section_table_checksum off by one bit (header checksum recomputed)", "open", "corrupt",
  dict(header=lambda h: h.update(table_checksum=h["table_checksum"] ^ 1)))
V("section-flag-unknown", "tiny", "Section table: flags bits 0..3 only (1.5: unknown bit is corrupt)",
  "SUMMARY with flag bit 4", "open", "corrupt",
  dict(sections=lambda ss: sec_of(ss, SUMMARY).update(flags=F_ZSTD | 0x10)))
V("unknown-required-section", "unknown-optional-section",
  "Section table: unknown type with REQUIRED is refused (WPK_E_FORMAT)",
  "the type-4000 section has REQUIRED", "open", "format",
  dict(sections=lambda ss: sec_of(ss, 4000).update(flags=F_REQUIRED)))
V("section-twice", "tiny", "Section table: each type at most once (1.5)", "two identical SUMMARY sections",
  "open", "corrupt",
  dict(sections=lambda ss: ss.insert(ss.index(sec_of(ss, SUMMARY)) + 1, dict(sec_of(ss, SUMMARY)))))
V("missing-signature", "tiny", "Section types: SIGNATURE is a MUST (all zero when unsigned)",
  "no SIGNATURE section", "open", "corrupt", dict(sections=lambda ss: ss.remove(sec_of(ss, SIGNATURE))))
V("missing-wikis", "tiny", "Section types: WIKIS is a MUST", "no WIKIS section", "open", "corrupt",
  dict(sections=lambda ss: ss.remove(sec_of(ss, WIKIS))))
V("missing-category-root", "tiny", "Section types: CATEGORY_ROOT is a MUST",
  "no CATEGORY_ROOT section (tiny has no categories)", "open", "corrupt",
  dict(sections=lambda ss: ss.remove(sec_of(ss, CATEGORY_ROOT))))
V("pages-not-region", "tiny", "Section table: PAGES is a region (REGION flag)",
  "PAGES with REQUIRED only", "open", "corrupt", dict(sections=set_sec(PAGES, flags=F_REQUIRED)),
  note="its checksum stays 0; a reader may also report that checksum")
V("root-not-zstd", "tiny", "Roots are zstd frames without dictionary (ZSTD)",
  "ENTRY_ROOT stored raw, flags REQUIRED only (raw_size = stored_size, checksum right)", "open",
  "corrupt", dict(sections=lambda ss: sec_of(ss, ENTRY_ROOT).update(
      flags=F_REQUIRED, data=zstandard.ZstdDecompressor().decompress(sec_of(ss, ENTRY_ROOT)["data"]),
      raw_size=sec_of(ss, ENTRY_ROOT)["raw_size"])),
  note="checked at open with the flags (1.5 #27a); a reader decoding roots on first use may "
       "report it at the first lookup")


def move_to_end(t):
    def f(ss):
        s = sec_of(ss, t)
        ss.remove(s)
        ss.append(s)
    return f


V("summary-after-regions", "tiny", "Every section but PAGES and DATA lies within the prefix",
  "SUMMARY placed after DATA (tiling intact, prefix_size = PAGES offset)", "open", "corrupt",
  dict(sections=move_to_end(SUMMARY)))


def gap_after(t):
    def f(ss):
        s = sec_of(ss, t)
        s["stored_size"] = len(s["data"])
        s["raw_size"] = s.get("raw_size", len(s["data"]))
        s["data"] = s["data"] + b"\0"
    return f


V("tiling-gap", "tiny", "The sections tile table_end .. file_size - 1",
  "one byte between SIGNATURE and PAGES that no section covers", "open", "corrupt",
  dict(sections=gap_after(SIGNATURE)))


def overlap_4000(secs, h):
    s = sec_of(secs, 4000)
    s["stored_size"] += 1
    s["raw_size"] += 1
    nxt = sec_of(secs, SUMMARY)
    s["checksum"] = xxh3(s["data"] + nxt["data"][:1])


V("tiling-overlap", "unknown-optional-section", "The sections tile table_end .. file_size - 1",
  "the unknown optional section is one byte longer, overlapping SUMMARY (its checksum covers the "
  "byte)", "open", "corrupt", dict(layout=overlap_4000))
V("sections-end-early", "tiny", "The sections tile table_end .. file_size - 1",
  "a byte after DATA, counted by file_size, that no section covers", "open", "corrupt",
  dict(sections=gap_after(DATA)))
V("summary-checksum", "tiny", "Opening checks the prefix sections' checksums",
  "SUMMARY checksum off by one bit", "open", "corrupt",
  dict(layout=lambda ss, h: sec_of(ss, SUMMARY).update(checksum=xxh3(sec_of(ss, SUMMARY)["data"]) ^ 1)))
V("root-checksum", "rich", "Opening checks the prefix sections' checksums",
  "TITLE_ROOT checksum off by one bit", "open", "corrupt",
  dict(layout=lambda ss, h: sec_of(ss, TITLE_ROOT).update(checksum=xxh3(sec_of(ss, TITLE_ROOT)["data"]) ^ 1)))
V("dict-checksum", "dict-trained", "Opening checks the prefix sections' checksums",
  "DICT checksum off by one bit", "open", "corrupt",
  dict(layout=lambda ss, h: sec_of(ss, DICT).update(checksum=xxh3(sec_of(ss, DICT)["data"]) ^ 1)))


def wikis_raw(f):
    def h(B):
        B.wikis_raw = f(B.wikis_raw)
    return h


V("wikis-duplicate-name", "two-wikis", "Wikis: name unique in the archive",
  "the second wiki is also named 'enwiki'", "open", "corrupt",
  dict(wikis_raw=wikis_raw(lambda r: r.replace(b"\x06dewiki", b"\x06enwiki"))),
  note="AMBIGUITIES A9: WIKIS decoded at open")
V("wikis-empty-name", "tiny", "Wikis: name non-empty", "the wiki's name is empty", "open", "corrupt",
  dict(wikis_raw=wikis_raw(lambda r: r.replace(b"\x06enwiki", b"\x00"))),
  note="AMBIGUITIES A9: WIKIS decoded at open")
V("wikis-trailing-byte", "tiny", "Wikis: four strings per wiki (filling the section exactly)",
  "one byte after the last wiki", "open", "corrupt", dict(wikis_raw=wikis_raw(lambda r: r + b"\0")),
  note="AMBIGUITIES A9: WIKIS decoded at open")
V("summary-field-size", "tiny", "SUMMARY as in 1.5: tags 1..4 are 8 bytes",
  "ARTICLES field of 4 bytes", "open", "corrupt",
  dict(summary_fields=lambda fs: fs.__setitem__(0, (1, u32(2))) if fs else None),
  note="AMBIGUITIES A10: SUMMARY decoded at open, as in 1.5")

# ---- opening: rules the first vectors left to the codec's unit tests
def insert_before(t, sec):
    """A `sections` hook adding a section just before the one of type t."""
    def f(ss):
        ss.insert(ss.index(sec_of(ss, t)), dict(sec))
    return f


def cut_to(n):
    def f(out, B):
        del out[n:]
    return f


V("header-short", "tiny", "Header: 128 bytes (a file with the magic and major version 2, shorter)",
  "the file cut to its first 100 bytes", "open", "corrupt", dict(output=cut_to(100)),
  note="also shorter than file_size; the header is refused first, being incomplete")
V("wiki-count-over", "tiny", "Header: wiki_count 0 to 65,535", "wiki_count 65,536", "open", "corrupt",
  dict(header=set_header(wiki_count=65536)))
V("region-checksum", "tiny", "Section table: a region has checksum 0", "PAGES with checksum 1",
  "open", "corrupt", dict(sections=set_sec(PAGES, checksum=1)))
V("region-zstd", "tiny", "Section table: a region has no ZSTD", "DATA with flags REQUIRED, ZSTD and REGION",
  "open", "corrupt", dict(sections=set_sec(DATA, flags=F_REQUIRED | F_ZSTD | F_REGION)))
V("raw-size-mismatch", "unknown-optional-section",
  "Section table: a section without ZSTD has raw_size = stored_size",
  "the unknown section's raw_size one more than its stored size", "open", "corrupt",
  dict(sections=lambda ss: sec_of(ss, 4000).update(raw_size=len(sec_of(ss, 4000)["data"]) + 1)))
V("zstd-expansion", "tiny", "Section table: a ZSTD section has raw_size at most 32,768 x stored_size",
  "WIKIS raw_size 32,768 x its stored size + 1", "open", "corrupt",
  dict(sections=lambda ss: sec_of(ss, WIKIS).update(raw_size=32768 * len(sec_of(ss, WIKIS)["data"]) + 1)))
V("zstd-empty", "unknown-optional-section", "Section table: a ZSTD section has stored_size >= 1",
  "the unknown section empty, with ZSTD and raw_size 1", "open", "corrupt",
  dict(sections=lambda ss: sec_of(ss, 4000).update(flags=F_ZSTD, data=b"", raw_size=1)))
V("section-extent-overflow", "unknown-optional-section",
  "Section table: offset + stored_size does not overflow 64 bits",
  "the unknown section's offset 2^64 - 4", "open", "corrupt",
  dict(layout=lambda ss, h: sec_of(ss, 4000).update(offset=(1 << 64) - 4)),
  note="the tiling is broken too; the entry is refused first")
V("signature-checksum", "tiny", "Section table: SIGNATURE has checksum 0", "SIGNATURE checksum 5",
  "open", "corrupt", dict(sections=set_sec(SIGNATURE, checksum=5)))
V("dict-empty", "tiny", "Section table: DICT is not empty",
  "an empty DICT (flags REQUIRED) before PAGES", "open", "corrupt",
  dict(sections=insert_before(PAGES, dict(type=DICT, flags=F_REQUIRED, data=b"", count=0))))
V("root-raw-short", "tiny", "Section table: a root's raw_size is at least 8",
  "ENTRY_ROOT raw_size 7 (its frame holds more)", "open", "corrupt",
  dict(sections=set_sec(ENTRY_ROOT, raw_size=7)))
V("wikis-frame-size", "tiny", "zstd frames: WIKIS decodes to exactly its raw_size (decoded at open)",
  "WIKIS raw_size one more than its frame holds", "open", "corrupt",
  dict(sections=lambda ss: sec_of(ss, WIKIS).update(raw_size=sec_of(ss, WIKIS)["raw_size"] + 1)))

# ---- roots: first use
V("root-frame-size", "rich", "zstd frames: a root decodes to exactly its raw_size",
  "TITLE_ROOT raw_size one more than its frame holds", "first-use", "corrupt",
  dict(sections=lambda ss: sec_of(ss, TITLE_ROOT).update(raw_size=sec_of(ss, TITLE_ROOT)["raw_size"] + 1)),
  fails=[TT("Lord Byron"), TT("Ada King")], damaged=[("root", K_TITLE)])
V("root-kind-mismatch", "rich", "Roots: kind is the kind of the pages it names (TITLE_ROOT: 2)",
  "TITLE_ROOT kind 3", "first-use", "corrupt",
  dict(roots=lambda rs: rs[K_TITLE].update(kind=K_ID)), fails=[TT("Lord Byron"), TT("Ada King")],
  damaged=[("root", K_TITLE)])
V("root-positions", "rich", "Roots: first_item contiguous from 0",
  "ID_ROOT item 1 first_item + 1", "first-use", "corrupt",
  dict(roots=item_field(K_ID, 1, "first_item", lambda v: v + 1)),
  fails=[ID("enwiki", 4213), ID(None, 974)], damaged=[("root", K_ID)])
V("root-entry-total", "rich", "Roots: for ENTRY_ROOT the page_items total is entry_count",
  "header entry_count one more than the entry root's total", "first-use", "corrupt",
  dict(header=lambda h: h.update(entry_count=h["entry_count"] + 1)),
  fails=[P("a/Ada_Lovelace.md"), TT("Lord Byron")], damaged=[("root", K_ENTRY)])
V("root-keys-decreasing", "rich", "Roots: keys never decrease",
  "TITLE_ROOT item 2 key = item 1 key minus its last byte", "first-use", "corrupt",
  dict(roots=lambda rs: rs[K_TITLE]["items"][2].update(key=rs[K_TITLE]["items"][1]["key"][:-1])),
  fails=[TT("Lord Byron"), TT("Ada King")], damaged=[("root", K_TITLE)],
  note="the key then also differs from its page's first key (a consequence)")
V("root-leaf-outside-pages", "rich", "Pages lie within PAGES",
  "CATEGORY_ROOT last item page_offset = PAGES size", "first-use", "corrupt",
  dict(roots=lambda rs: rs[K_CATEGORY]["items"][-1].update(page_offset=10**6)),
  fails=[CAT("Category:Poets")], damaged=[("root", K_CATEGORY)],
  note="PAGES then also has an unreferenced page (a consequence)")
V("root-trailing-byte", "rich", "Roots: the items fill the root exactly", "one byte after the last ID_ROOT item",
  "first-use", "corrupt", dict(root_raw=lambda rr: rr.update({K_ID: rr[K_ID] + b"\0"})),
  fails=[ID("enwiki", 974)], damaged=[("root", K_ID)])
V("root-branched-flag", "rich", "Section table: BRANCHED marks a root whose items name branch pages (kind 5)",
  "TITLE_ROOT has flag BRANCHED, kind 2", "first-use", "corrupt",
  dict(sections=lambda ss: sec_of(ss, TITLE_ROOT).update(flags=F_REQUIRED | F_ZSTD | F_BRANCHED)),
  fails=[TT("Lord Byron")], damaged=[("root", K_TITLE)], note="AMBIGUITIES A30")
V("root-kind5-without-flag", "branched", "Roots: kind 5 when the root is BRANCHED",
  "TITLE_ROOT kind 5 without flag BRANCHED", "first-use", "corrupt",
  dict(sections=lambda ss: sec_of(ss, TITLE_ROOT).update(flags=F_REQUIRED | F_ZSTD)),
  fails=[TT("Alias 9")], damaged=[("root", K_TITLE)], note="AMBIGUITIES A30")
V("branch-child-kind", "branched", "Branch pages: child_kind is the kind of the leaves it names",
  "the first ID branch page says child_kind 2", "lookup", "corrupt",
  dict(branches=lambda bs: bs[K_ID][0].update(raw=u32_at(bs[K_ID][0]["raw"], 8, K_TITLE))),
  fails=[ID("enwiki", 1000)], damaged=[("root", K_ID)])
V("dict-invalid", "dict-trained", "DICT: a zstd dictionary", "DICT = dictionary magic and 60 zero bytes",
  "first-use", "corrupt", dict(sections=lambda ss: sec_of(ss, DICT).update(
      data=zframe(b"\x37\xA4\x30\xEC" + bytes(60)), raw_size=64)),
  fails=[lambda B: P(B.E[0].path.decode())], damaged=[("dict",)],
  note="the dictionary is decoded on first use; every page needs it")

# ---- pages
V("page-xxh3", "rich", "Every page is checked with XXH3-64 whenever it is read",
  "ENTRY_ROOT item 1 checksum off by one bit", "lookup", "corrupt",
  dict(leaf_refs=lambda lv: lv[K_ENTRY][1].update(xxh3=lv[K_ENTRY][1]["xxh3"] ^ 1)),
  fails=[P("misc/Lorem_ipsum.md"), TT("Lorem ipsum")], damaged=[("leaf", K_ENTRY, 1)])
V("page-count-mismatch", "rich", "Pages: count other than the referring item's page_items is corrupt",
  "entry page 2 says count 3, its root item 4", "lookup", "corrupt",
  dict(leaves=leaf_raw(K_ENTRY, 2, lambda r: u32_at(r, 0, 3))),
  fails=[P("people/Jane_Austen.md")], damaged=[("leaf", K_ENTRY, 2)],
  note="its streams then hold more than count items (a consequence)")
V("page-kind-mismatch", "rich", "Pages: a page of another kind than its referrer says is corrupt",
  "title page 0 says kind 3", "lookup", "corrupt",
  dict(leaves=leaf_raw(K_TITLE, 0, lambda r: u32_at(r, 4, K_ID))),
  fails=[TT("Ada King")], damaged=[("leaf", K_TITLE, 0)])
V("page-raw-over-cap", "tiny", "Pages: raw_size over the page cap (16 MiB) refused before decompressing",
  "entry page 0 is a frame of 16 MiB + 1 zero bytes in RLE blocks (525 bytes stored)", "lookup", "limit",
  dict(leaves=lambda lv: lv[K_ENTRY][0].update(frame=zframe_rle(16 * 1024 * 1024 + 1),
                                                 raw_size=16 * 1024 * 1024 + 1)),
  fails=[P("Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)],
  note="the frame is plausible (under 32,768 raw bytes a stored byte), so only the cap refuses it")
V("page-raw-implausible", "tiny", "Roots: raw_size at most 32,768 x stored_size",
  "ENTRY_ROOT item 0 raw_size 16 MiB + 1 for a page of 277 stored bytes", "first-use", "corrupt",
  dict(leaf_refs=lambda lv: lv[K_ENTRY][0].update(raw_size=16 * 1024 * 1024 + 1)),
  fails=[P("Ada_Lovelace.md")], damaged=[("root", K_ENTRY)],
  note="no zstd frame expands that much: the root item is refused when the root is decoded")
V("page-raw-size", "tiny", "zstd frames: the page decodes to exactly raw_size",
  "ENTRY_ROOT item 0 raw_size one more than its frame holds", "lookup", "corrupt",
  dict(leaf_refs=lambda lv: lv[K_ENTRY][0].update(raw_size=lv[K_ENTRY][0]["raw_size"] + 1)),
  fails=[P("Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)])
V("streams-short-of-page", "rich", "Pages: the stream lengths MUST add up to the rest of the page",
  "entry page 0 has one byte after its last stream", "lookup", "corrupt",
  dict(leaves=leaf_raw(K_ENTRY, 0, lambda r: r + b"\0")),
  fails=[P("a/Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)])
V("streams-past-page", "rich", "Pages: the stream lengths MUST add up to the rest of the page",
  "title page 1: the ENTRIES length one more than the bytes left", "lookup", "corrupt",
  dict(leaves=leaf_raw(K_TITLE, 1, lambda r: u32_at(r, 8 + 4 * 4, struct.unpack_from("<I", r, 24)[0] + 1))),
  fails=[TT("Charles Babbage")], damaged=[("leaf", K_TITLE, 1)])
V("stream-not-read-to-end", "rich", "Pages: every stream MUST be read exactly to its end",
  "entry page 0: SIZES has one varint more than count (lengths adding up)", "lookup", "corrupt",
  dict(leaves=leaf_raw(K_ENTRY, 0, lambda r: edit_stream(r, 13, 6, lambda s: s + b"\x05"))),
  fails=[P("a/Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)])
V("flags-bit7", "rich", "Entry pages: FLAGS bit 7 MUST be 0", "FLAGS of b/Charles_Babbage.md | 0x80",
  "lookup", "corrupt", dict(items=entry_ov("b/Charles_Babbage.md", "FLAGS", lambda d: bytes([d[0] | 0x80]))),
  fails=[P("b/Charles_Babbage.md")], damaged=[("leaf", K_ENTRY, 0)])
V("wiki-over-count", "rich", "Entry pages: WIKIS: a wiki number <= wiki_count",
  "copies/Keats_a.txt (no title, no ID) in wiki 3 of 2", "lookup", "corrupt",
  dict(items=entry_ov("copies/Keats_a.txt", "WIKIS", varint(3))),
  fails=[P("copies/Keats_a.txt")], damaged=[("leaf", K_ENTRY, 0)])
V("places-p0-first", "rich", "Entry pages: PLACES p = 0 is not allowed for the page's first placed entry",
  "copies/Keats_b.txt (first of entry page 1) has p = 0", "lookup", "corrupt",
  dict(items=entry_ov("copies/Keats_b.txt", "PLACES", varint(0))),
  fails=[P("copies/Keats_b.txt")], damaged=[("leaf", K_ENTRY, 1)])


def ref_out_of_range(d):
    # d = varint(p) varint(offset); the page has few references
    return varint(9) + d[1:]


V("places-ref-out-of-range", "rich", "Entry pages: PLACES p - 1 less than the number of references",
  "a/Ada_Lovelace.md has p = 9", "lookup", "corrupt",
  dict(items=entry_ov("a/Ada_Lovelace.md", "PLACES", ref_out_of_range)),
  fails=[P("a/Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)])
V("content-past-block", "tiny", "Entry pages: offset + size MUST NOT exceed the block's raw size",
  "Grace_Hopper.md (last in its block) one byte longer", "lookup", "corrupt",
  dict(items=entry_ov("Grace_Hopper.md", "SIZES", lambda d: varint(d[0] + 1))),
  fails=[P("Grace_Hopper.md")], damaged=[("leaf", K_ENTRY, 0)],
  note="header content_bytes then also disagrees (a consequence found by verify)")
V("url-spelled-without-base", "rich",
  "Entry pages: URL_SPELLED needs HAS_URL, HAS_TITLE and a wiki whose url_base is not empty",
  "notes/fr.txt (wiki 0) with URL_SPELLED and no URLS string", "lookup", "corrupt",
  dict(items=lambda B: (entry_ov("notes/fr.txt", "FLAGS", lambda d: bytes([d[0] | URL_SPELLED]))(B),
                        entry_ov("notes/fr.txt", "URLS", b"")(B))),
  fails=[P("notes/fr.txt")], damaged=[("leaf", K_ENTRY, 1)])
V("title-spelled-without-title", "rich", "Entry pages: TITLE_SPELLED (with HAS_TITLE)",
  "z/empty.txt with TITLE_SPELLED and no HAS_TITLE", "lookup", "corrupt",
  dict(items=entry_ov("z/empty.txt", "FLAGS", lambda d: bytes([d[0] | TITLE_SPELLED]))),
  fails=[P("z/empty.txt")], damaged=[("leaf", K_ENTRY, 4)], note="AMBIGUITIES A13")
V("times-unit-zero", "tiny", "Entry pages: TIMES unit >= 1", "unit 0", "lookup", "corrupt",
  dict(entry_streams={0: lambda st: st.update(TIMES=varint(0) + st["TIMES"][1:])}),
  fails=[P("Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)])
V("times-without-time", "rich", "Entry pages: TIMES is empty when no entry has HAS_TIME",
  "entry page 4 (no times) has TIMES = varint 1", "lookup", "corrupt",
  dict(entry_streams={4: lambda st: st.update(TIMES=varint(1))}),
  fails=[P("wikt/serendipity.md")], damaged=[("leaf", K_ENTRY, 4)])
V("varint-11-bytes", "rich", "Varints (as in 1.5): at most 10 bytes",
  "SIZES of people/Jane_Austen.md as an 11-byte varint", "lookup", "corrupt",
  dict(items=entry_ov("people/Jane_Austen.md", "SIZES",
                      lambda d: bytes(b | 0x80 for b in d) + b"\x80" * (10 - len(d)) + b"\x00")),
  fails=[P("people/Jane_Austen.md")], damaged=[("leaf", K_ENTRY, 2)])
V("varint-overflow", "rich", "Varints (as in 1.5): a tenth byte above 1 is corruption",
  "IDS of people/Jane_Austen.md: 80 x9 then 02", "lookup", "corrupt",
  dict(items=entry_ov("people/Jane_Austen.md", "IDS", b"\x80" * 9 + b"\x02")),
  fails=[P("people/Jane_Austen.md")], damaged=[("leaf", K_ENTRY, 2)])
V("string-over-65535", "rich", "Strings (as in 1.5): varint length <= 65,535",
  "TITLES string of notes/fr.txt of 65,536 bytes", "lookup", "corrupt",
  dict(items=entry_ov("notes/fr.txt", "TITLES", varint(65536) + b"t" * 65536)),
  fails=[P("notes/fr.txt")], damaged=[("leaf", K_ENTRY, 1)])
V("path-shared-too-long", "rich", "PATHS front-coded as in 1.5: the shared length at most the previous path's",
  "b/Charles_Babbage.md shares 100 bytes with a 17-byte path", "lookup", "corrupt",
  dict(items=entry_ov("b/Charles_Babbage.md", "PATHS", varint(100) + vstr(b"x"))),
  fails=[P("b/Charles_Babbage.md")], damaged=[("leaf", K_ENTRY, 0)])
V("path-with-nul", "rich", "Paths as in 1.5: a path with a 00 byte is refused when decoded",
  "notes/fr.txt is spelled 'notes/f\\0.txt' in PATHS", "lookup", "corrupt",
  dict(items=entry_ov("notes/fr.txt", "PATHS", lambda d: d.replace(b"fr.txt", b"f\0.txt"))),
  fails=[P("misc/Lorem_ipsum.md")], damaged=[("leaf", K_ENTRY, 1)],
  note="the page is refused whole, so a lookup of another entry of the page fails")
V("types-string-out-of-range", "rich", "Entry pages: TYPES: 1 + a string number of STRINGS",
  "TYPES of b/Charles_Babbage.md = 40", "lookup", "corrupt",
  dict(items=entry_ov("b/Charles_Babbage.md", "TYPES", varint(40))),
  fails=[P("b/Charles_Babbage.md")], damaged=[("leaf", K_ENTRY, 0)])
V("category-string-out-of-range", "rich", "Extension fields: a CATEGORY string number not below the page's string count",
  "people/Jane_Austen.md CATEGORY k = 30", "lookup", "corrupt",
  dict(items=ext_ov("people/Jane_Austen.md", [(T_CATEGORY, varint(zigzag(30)))])),
  fails=[P("people/Jane_Austen.md")], damaged=[("leaf", K_ENTRY, 2)])
V("current-out-of-range", "rich", "Extension fields: CURRENT landing in 0 .. entry_count - 1",
  "old/George_Gordon_Byron.md CURRENT lands on entry entry_count", "lookup", "corrupt",
  dict(items=lambda B: ext_ov("old/George_Gordon_Byron.md",
                              [(T_CURRENT, varint(zigzag(len(B.E) - n_of(B, "old/George_Gordon_Byron.md"))))])(B)),
  fails=[P("old/George_Gordon_Byron.md")], damaged=[("leaf", K_ENTRY, 1)])
V("current-zero", "rich", "Extension fields: CURRENT not 0", "old/Lord_Byron_2023.md CURRENT 0",
  "lookup", "corrupt",
  dict(items=ext_ov("old/Lord_Byron_2023.md", [(T_CURRENT, varint(0)), (T_SAME_CATEGORIES, b"")])),
  fails=[P("old/Lord_Byron_2023.md")], damaged=[("leaf", K_ENTRY, 2)])
V("revisions-count-zero", "rich", "Extension fields: a REVISIONS count of 0 is corrupt",
  "people/Lord_Byron.md REVISIONS n = 0", "lookup", "corrupt",
  dict(items=ext_ov("people/Lord_Byron.md", [(T_CATEGORY, varint(0)), (T_CATEGORY, varint(0)),
                                              (T_REVISIONS, varint(0))])),
  fails=[P("people/Lord_Byron.md")], damaged=[("leaf", K_ENTRY, 2)])
V("revisions-out-of-range", "rich", "Extension fields: an entry number out of range is corrupt",
  "people/Lord_Byron.md REVISIONS lists entry 40", "lookup", "corrupt",
  dict(items=lambda B: ext_ov("people/Lord_Byron.md", [
      (T_REVISIONS, varint(1) + varint(zigzag(40 - n_of(B, "people/Lord_Byron.md"))))])(B)),
  fails=[P("people/Lord_Byron.md")], damaged=[("leaf", K_ENTRY, 2)])
def facts_ov(tag, value):
    """t/polish.wiki's EXT fields, with one 2.1 field replaced or added."""
    def f(B):
        e = B.E[n_of(B, "t/polish.wiki")]
        fields = [(t, v) for t, v in ext_fields(B.E, n_of(B, "t/polish.wiki"), {}) if t != tag]
        B.E[n_of(B, "t/polish.wiki")].x_ext = fields + ([(tag, value)] if value is not None else [])
    return f


for name, digits, what in (("revision-id-leading-zero", b"0700002", "a leading zero"),
                           ("revision-id-2-64", b"18446744073709551616", "2^64"),
                           ("revision-id-not-digits", b"70000x", "a letter"),
                           ("revision-id-empty", b"", "no digit")):
    V(name, "wiktionary-case", "Extension fields (2.1): REVISION_ID is 1 to 20 decimal digits, no leading 0, below 2^64",
      "t/polish.wiki REVISION_ID with %s" % what, "lookup", "corrupt",
      dict(items=facts_ov(T_REVISION_ID, vstr(digits))),
      fails=[P("t/polish.wiki")], damaged=[("leaf", K_ENTRY, 0)])
V("contributor-empty", "wiktionary-case", "Extension fields (2.1): CONTRIBUTOR not empty",
  "t/polish.wiki CONTRIBUTOR of 0 bytes", "lookup", "corrupt", dict(items=facts_ov(T_CONTRIBUTOR, vstr(b""))),
  fails=[P("t/polish.wiki")], damaged=[("leaf", K_ENTRY, 0)])
V("comment-repeated", "wiktionary-case", "Extension fields: a field of tags 2 to 10 at most once an entry",
  "t/polish.wiki with two COMMENT fields", "lookup", "corrupt",
  dict(items=lambda B: (facts_ov(T_COMMENT, None)(B),
                        setattr(B.E[n_of(B, "t/polish.wiki")], "x_ext",
                                B.E[n_of(B, "t/polish.wiki")].x_ext + [(T_COMMENT, vstr(b"a")), (T_COMMENT, vstr(b"b"))]))),
  fails=[P("t/polish.wiki")], damaged=[("leaf", K_ENTRY, 0)])
for name, fields, what in (("case-sensitive-wiki-0", [(S_CASE_SENSITIVE, u16(0))], "wiki 0"),
                           ("case-sensitive-over-count", [(S_CASE_SENSITIVE, u16(3))], "wiki 3 of 2"),
                           ("case-sensitive-repeated", [(S_CASE_SENSITIVE, u16(2)), (S_CASE_SENSITIVE, u16(2))],
                            "wiki 2 twice"),
                           ("case-sensitive-length", [(S_CASE_SENSITIVE, u16(2) + b"\0")], "3 bytes")):
    V(name, "wiktionary-case", "SUMMARY (2.1): CASE_SENSITIVE, 2 bytes, wiki numbers 1..wiki_count increasing",
      "CASE_SENSITIVE naming %s" % what, "open", "corrupt",
      dict(summary_fields=lambda fs, fields=fields: fs.__setitem__(slice(len(fs) - 1, len(fs)), fields)))
V("ext-count-over", "rich", "Extension fields: a field count above 65,535 is corrupt",
  "z/empty.txt EXT field count 65,536", "lookup", "corrupt",
  dict(items=entry_ov("z/empty.txt", "EXT", lambda d: varint(65536) + d[1:])),
  fails=[P("z/empty.txt")], damaged=[("leaf", K_ENTRY, 4)])
V("ext-field-count-zero", "rich", "Extension fields: a field count of 0 is corrupt (HAS_EXT has a field)",
  "z/empty.txt has HAS_EXT and a field count of 0", "lookup", "corrupt",
  dict(items=entry_ov("z/empty.txt", "EXT", varint(0))),
  fails=[P("z/empty.txt")], damaged=[("leaf", K_ENTRY, 4)])
V("ext-field-repeated", "rich", "Extension fields: a field of tags 2-7 appearing twice in one entry is corrupt",
  "b/Charles_Babbage.md has two NAMESPACE fields", "lookup", "corrupt",
  dict(items=ext_ov("b/Charles_Babbage.md", [(T_NAMESPACE, varint(0)), (T_NAMESPACE, varint(0))])),
  fails=[P("b/Charles_Babbage.md")], damaged=[("leaf", K_ENTRY, 0)])
V("ext-current-and-revisions", "rich", "Extension fields: CURRENT together with REVISIONS is corrupt",
  "people/Lord_Byron.md gets a CURRENT field (naming the entry before it) beside its REVISIONS", "lookup",
  "corrupt", dict(items=lambda B: ext_ov("people/Lord_Byron.md", [
      (T_REVISIONS, varint(1) + varint(zigzag(n_of(B, "old/Lord_Byron_2023.md") - n_of(B, "people/Lord_Byron.md")))),
      (T_CURRENT, varint(zigzag(-1)))])(B)),
  fails=[P("people/Lord_Byron.md")], damaged=[("leaf", K_ENTRY, 2)])
V("title-empty", "rich", "Entry pages: TITLES holds the title, not empty",
  "notes/fr.txt (HAS_TITLE) has an empty TITLES string", "lookup", "corrupt",
  dict(items=entry_ov("notes/fr.txt", "TITLES", vstr(b""))),
  fails=[P("notes/fr.txt")], damaged=[("leaf", K_ENTRY, 1)])


def strings_repeated(st):
    c = Cur0(st["STRINGS"])
    last = None
    while c.i < len(st["STRINGS"]):
        last = c.string()
    st["STRINGS"] += vstr(last)


def unused_ref(ordinal):
    """Append to entry page `ordinal`'s BLOCKS a reference to the next block
    of DATA, which none of its entries uses."""
    def f(st):
        B = BUILDING
        per = B.spec.entry_items
        used = sorted({B.place[e.content][0] for e in B.E[ordinal * per:(ordinal + 1) * per] if e.content})
        last, nxt = B.block_refs[used[-1]], B.block_refs[used[-1] + 1]
        st["BLOCKS"] += (varint(nxt["offset"] - last["offset"] - last["stored"]) + varint(nxt["stored"]) +
                         varint(nxt["raw"]) + u64(nxt["xxh3"]) + nxt["auth"])
    return f


V("strings-repeated", "rich", "Entry pages: STRINGS each once, in strictly increasing order",
  "entry page 0's last string written twice", "lookup", "corrupt",
  dict(entry_streams={0: strings_repeated}), fails=[P("a/Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)])
V("block-ref-unused", "rich", "Block references: every reference is used by at least one entry of the page",
  "entry page 0 references one block more, the next in DATA, used by none of its entries", "lookup", "corrupt",
  dict(entry_streams={0: unused_ref(0)}), fails=[P("a/Ada_Lovelace.md")], damaged=[("leaf", K_ENTRY, 0)])
V("title-form-3", "rich", "Title pages: FORMS bits 0-1 are 0, 1 or 2", "title page 0 item 0 form 3",
  "lookup", "corrupt",
  dict(leaves=leaf_raw(K_TITLE, 0, lambda r: edit_stream(r, 5, 1, lambda s: bytes([s[0] | 3]) + s[1:]))),
  fails=[TT("Ada King")], damaged=[("leaf", K_TITLE, 0)])
V("title-kind-3", "rich", "Title pages: FORMS bits 2-3 are 0, 1 or 2; other bits 0",
  "title page 0 item 0 kind 3", "lookup", "corrupt",
  dict(leaves=leaf_raw(K_TITLE, 0, lambda r: edit_stream(r, 5, 1, lambda s: bytes([s[0] | 12]) + s[1:]))),
  fails=[TT("Ada King")], damaged=[("leaf", K_TITLE, 0)])


def title_last_entry(lv):
    d = lv[K_TITLE][-1]
    items = d["items"]
    bad = items[:-1] + [items[-1][:3] + (len(BUILDING.E),) + items[-1][4:]]
    d["raw"] = encode_title_page(bad)


V("title-entry-out-of-range", "rich", "Title pages: ENTRIES name an entry (< entry_count)",
  "the last title item names entry entry_count", "lookup", "corrupt",
  dict(leaves=title_last_entry), fails=[lambda B: TT(B.title_items[-1][4].decode())],
  damaged=[lambda B: ("leaf", K_TITLE, len(B.leaves[K_TITLE]) - 1)])


def id_last_wiki(lv):
    d = lv[K_ID][-1]
    items = d["items"]
    bad = items[:-1] + [(3,) + items[-1][1:]]
    d["raw"] = encode_id_page(bad)


def id_repeat(B):
    i = next(i for i, it in enumerate(B.id_items) if it[1] == 14000)
    w, p, n = B.id_items[i]
    B.id_items.insert(i + 1, (w, p, n_of(B, "people/Percy_Bysshe_Shelley.md")))


def id_leaf_of(pid):
    return lambda B: ("leaf", K_ID, next(i for i, d in enumerate(B.leaves[K_ID])
                                          if any(it[1] == pid for it in d["items"])))


V("id-key-repeated", "rich", "ID pages: items strictly increase by (wiki, page ID) (one current version each)",
  "a second item (enwiki, 14000) naming people/Percy_Bysshe_Shelley.md (IDS step 0)", "lookup", "corrupt",
  dict(items=id_repeat), fails=[ID("enwiki", 14000)], damaged=[id_leaf_of(14000)],
  note="AMBIGUITIES A26: versions are grouped by (wiki, page ID), so a repeated pair is corrupt")
V("id-wiki-over-count", "rich", "ID pages: WIKIS a wiki number <= wiki_count",
  "the last ID item (wiki 2, serendipity) in wiki 3 of 2", "lookup", "corrupt",
  dict(leaves=id_last_wiki), fails=[ID("enwiktionary", 51000)], damaged=[lambda B: ("leaf", K_ID, len(B.leaves[K_ID]) - 1)])


def cat_leaf_with_two_runs(lv):
    i, d = next((i, d) for i, d in enumerate(lv[K_CATEGORY])
                if len({c for c, n in d["items"]}) >= 2)
    return d


def two_runs_leaf(B):
    return ("leaf", K_CATEGORY, next(i for i, d in enumerate(B.leaves[K_CATEGORY])
                                     if len({c for c, n in d["items"]}) >= 2))


def cat_runs_sum(lv):
    d = cat_leaf_with_two_runs(lv)
    d["raw"] = edit_stream(d["raw"], 3, 1, lambda s: s[:-1] + bytes([s[-1] + 1]))


V("category-runs-sum", "rich", "Category pages: RUNS add up to count",
  "in the category page holding 'Category:French writers' and 'Category:Mathematicians', the last "
  "run says one item more", "lookup", "corrupt", dict(leaves=cat_runs_sum),
  fails=[CAT("Category:Mathematicians")], damaged=[two_runs_leaf],
  note="ENTRIES then holds one varint too few for the runs (a consequence)")


def cat_names_equal(lv):
    d = cat_leaf_with_two_runs(lv)
    runs = []
    for c, n in d["items"]:
        if runs and runs[-1][0] == c:
            runs[-1][1].append(n)
        else:
            runs.append((c, [n]))
    runs[1] = (runs[0][0], runs[1][1])
    d["raw"] = encode_category_page(None, runs)


V("category-names-not-increasing", "rich", "Category pages: each name is greater than the one before",
  "a category page whose two runs have the same name", "lookup", "corrupt", dict(leaves=cat_names_equal),
  fails=[CAT("Category:French writers")], damaged=[two_runs_leaf])


def cat_step_zero(lv):
    d = next(d for d in lv[K_CATEGORY] if d["page_items"] >= 2 and len({c for c, n in d["items"]}) == 1)
    d["raw"] = edit_stream(d["raw"], 3, 2, lambda s: s[:-1] + b"\x00")


V("category-step-zero", "rich", "Category pages: ENTRIES steps >= 1 within a run",
  "the last step of the first one-name category page is 0", "lookup", "corrupt",
  dict(leaves=cat_step_zero), fails=[CAT("Category:English writers")],
  damaged=[("leaf", K_CATEGORY, 0)])

# ---- blocks
V("block-xxh3", "tiny", "Every block is checked with XXH3-64 whenever it is read",
  "the block reference's XXH3 off by one bit (the page's hashes recomputed)", "lookup", "corrupt",
  dict(block_refs=lambda rs: rs[0].update(xxh3=rs[0]["xxh3"] ^ 1)),
  fails=[P("Ada_Lovelace.md"), P("Grace_Hopper.md")], damaged=[("block", 0)])


def alter_block(i, keep_auth):
    def f(bs):
        b = bs[i]
        raw = bytearray(b["raw"])
        raw[raw.index(b"#") + 2] ^= 0x20          # a letter of the first heading changes case
        if keep_auth:
            b["auth_override"] = b2b256(b["frame"])
        b["raw"] = bytes(raw)
        b["frame"] = zframe(b["raw"])
    return f


V("block-bytes-altered", "tiny", "Every block is checked with XXH3-64 whenever it is read",
  "one byte of the block's stored bytes changed (its reference unchanged)", "lookup", "corrupt",
  dict(output=lambda out, B: out.__setitem__(B.offset_of[DATA] + 12, out[B.offset_of[DATA] + 12] ^ 0x20)),
  fails=[P("Ada_Lovelace.md")], damaged=[("block", 0)])
V("block-raw-size", "tiny", "zstd frames: a block decodes to exactly its raw size",
  "the block reference's raw size one more than the frame holds", "lookup", "corrupt",
  dict(block_refs=lambda rs: rs[0].update(raw=rs[0]["raw"] + 1)),
  fails=[P("Ada_Lovelace.md")], damaged=[("block", 0)])
V("block-outside-data", "tiny", "Block references: the block lies within DATA",
  "the block reference's stored size one more (past DATA's end)", "lookup", "corrupt",
  dict(block_refs=lambda rs: rs[0].update(stored=rs[0]["stored"] + 1)),
  fails=[P("Ada_Lovelace.md")], damaged=[("block", 0), ("leaf", K_ENTRY, 0)],
  note="the reference is part of its entry page's BLOCKS stream: the page is refused whole")

# ---- verify only
V("paths-out-of-order", "rich", "Entries are in path order (verify)",
  "entries 1 and 2 of entry page 0 swapped", "verify", "corrupt",
  dict(entries=lambda E: E.__setitem__(slice(1, 3), [E[2], E[1]])), damaged=[("leaf", K_ENTRY, 0)])
V("paths-across-pages", "rich", "Entries are in path order, across entry pages too (verify)",
  "the last entry of entry page 0 and the first of page 1 swapped: each page in order, the root keys "
  "increasing, the paths not", "verify", "corrupt",
  dict(entries=lambda E: E.__setitem__(slice(3, 5), [E[4], E[3]])),
  damaged=[("leaf", K_ENTRY, 0), ("leaf", K_ENTRY, 1)])
V("unsafe-path", "rich", "Paths as in 1.5 (verify reports an unsafe path)",
  "notes/fr.txt is 'notes/../fr.txt'", "verify", "corrupt",
  dict(entries=lambda E: setattr(next(e for e in E if e.path == b"notes/fr.txt"), "path", b"notes/../fr.txt")),
  damaged=[("leaf", K_ENTRY, 1)])


def first_key_off(roots):
    it = roots[K_ENTRY]["items"][1]
    it["key"] = it["key"][:-1]        # still after page 0's last path, before page 1's first


V("page-first-key", "rich", "Roots: each key equals the first key of the page it names (verify)",
  "ENTRY_ROOT item 1 key = its page's first path without its last byte", "verify", "corrupt",
  dict(roots=first_key_off), damaged=[("leaf", K_ENTRY, 0), ("leaf", K_ENTRY, 1)])


def swap_title_items(B):
    it = B.title_items
    it[1], it[2] = it[2], it[1]


V("title-keys-out-of-order", "rich", "Title pages: items sorted by folded key, wiki, kind, entry (verify)",
  "items 1 and 2 of title page 0 swapped", "verify", "corrupt", dict(items=swap_title_items),
  damaged=[("leaf", K_TITLE, 0)])


def split_byron_run(B):
    keys = [it[0] for it in B.title_items]
    i = keys.index(b"byron")
    assert keys[i + 1] == b"byron"
    cuts = sorted({x for x in range(4, len(keys), 4) if x not in (i, i + 1)} | {i + 1})
    B.cuts[K_TITLE] = cuts


V("title-run-split", "rich", "Run rule: a title leaf never starts inside a run of equal folded keys (verify)",
  "the run of 'byron' (a title and an alias) split across two title leaves", "verify", "corrupt",
  dict(items=split_byron_run), damaged=[("root", K_TITLE)],
  note="a lookup of 'Byron' may then miss the alias: every title lookup is left out of `ok`")


def swap_id_items(B):
    it = B.id_items
    it[-2], it[-1] = it[-1], it[-2]


V("id-items-out-of-order", "rich", "ID pages: items sorted by wiki, page ID, entry number (verify)",
  "the last two ID items swapped: (enwiktionary, 51000) before (enwiki, 700001) in the last ID page",
  "verify", "corrupt", dict(items=swap_id_items),
  damaged=[lambda B: ("leaf", K_ID, len(B.leaves[K_ID]) - 1)],
  note="IDS steps are unsigned within a wiki, so only a decrease of the wiki number can be written")


def id_to_no_article(B):
    i = next(i for i, it in enumerate(B.id_items) if it[1] == 28000)
    w, p, n = B.id_items[i]
    B.id_items[i] = (w, p, n_of(B, "z/notes.md"))


V("id-item-no-versions", "current-without-id",
  "ID pages: an item names the current version of the article with that (wiki, page ID) (verify)",
  "the item (enwiki, 28000) names z/notes.md, which carries no page ID and has no older versions",
  "verify", "corrupt", dict(items=id_to_no_article), damaged=[("root", K_ID)])
V("id-lookup-no-versions", "current-without-id",
  "Reading: the entry an ID lookup finds carries that page ID, or none and has older versions",
  "the item (enwiki, 28000) names z/notes.md; looking (enwiki, 28000) up", "lookup", "corrupt",
  dict(items=id_to_no_article), fails=[ID("enwiki", 28000)], damaged=[("root", K_ID)],
  note="the same archive as id-item-no-versions, whose lookup of (enwiki, 28000) is checked here")
V("version-ids-differ-current-without", "current-without-id",
  "Versions: every version of an article that carries a page ID carries the same one (verify)",
  "old/Mary_Shelley_2010.md (an older version of new/Mary_Shelley.md, which carries none) has page "
  "ID 28001, old/Mary_Shelley.md 28000", "verify", "corrupt",
  dict(items=entry_ov("old/Mary_Shelley_2010.md", "IDS", varint(zigzag(1)))),
  damaged=[("leaf", K_ENTRY, 0)])


def title_wrong_entry(B):
    i = next(i for i, it in enumerate(B.title_items) if it[4] == b"Jane Austen")
    k, w, kind, n, d = B.title_items[i]
    B.title_items[i] = (k, w, kind, n_of(B, "people/Percy_Bysshe_Shelley.md"), d)


V("title-item-wrong-entry", "rich", "Title pages: a title item names the entry with that title (verify)",
  "the item 'Jane Austen' names people/Percy_Bysshe_Shelley.md", "verify", "corrupt",
  dict(items=title_wrong_entry), damaged=[("root", K_TITLE)])


def id_wrong_entry(B):
    i = next(i for i, it in enumerate(B.id_items) if it[1] == 14000)
    w, p, n = B.id_items[i]
    B.id_items[i] = (w, p, n_of(B, "people/Percy_Bysshe_Shelley.md"))


V("id-item-wrong-entry", "rich", "ID pages: an item names the current version with that (wiki, page ID) (verify)",
  "the item (enwiki, 14000) names people/Percy_Bysshe_Shelley.md", "verify", "corrupt",
  dict(items=id_wrong_entry), damaged=[("root", K_ID)])
V("id-lookup-wrong-entry", "rich",
  "Reading: the entry an ID lookup finds MUST have that wiki and page ID",
  "the item (enwiki, 14000) names people/Percy_Bysshe_Shelley.md; looking (enwiki, 14000) up", "lookup",
  "corrupt", dict(items=id_wrong_entry), fails=[ID("enwiki", 14000)], damaged=[("root", K_ID)],
  note="the same archive as id-item-wrong-entry, whose lookup of (enwiki, 14000) is checked here")
V("title-item-missing", "rich", "Title pages: one item for each current version that has a title (verify)",
  "no item for 'Jane Austen'", "verify", "corrupt",
  dict(items=lambda B: B.title_items.remove(next(it for it in B.title_items if it[4] == b"Jane Austen"))),
  damaged=[("root", K_TITLE)])
V("category-item-missing", "rich", "Category pages: one item for each (category name, current version) (verify)",
  "no item for (Category:Mathematicians, b/Charles_Babbage.md)", "verify", "corrupt",
  dict(items=lambda B: B.cat_items.remove((b"Category:Mathematicians", n_of(B, "b/Charles_Babbage.md")))),
  damaged=[("root", K_CATEGORY)])
V("versions-inconsistent", "rich", "Versions as in 1.5: CURRENT and REVISIONS agree (verify)",
  "people/Lord_Byron.md lists only one older version; old/George_Gordon_Byron.md still names it",
  "verify", "corrupt",
  dict(items=lambda B: ext_ov("people/Lord_Byron.md", [
      (T_CATEGORY, varint(zigzag(0))), (T_CATEGORY, varint(zigzag(0))),
      (T_REVISIONS, varint(1) + varint(zigzag(n_of(B, "old/Lord_Byron_2023.md") - n_of(B, "people/Lord_Byron.md"))))])(B)),
  damaged=[("leaf", K_ENTRY, 2)], note="AMBIGUITIES A22: the 1.5 reference verifier did not check this")


def data_extra(ss):
    sec_of(ss, DATA)["data"] += b"\0"


V("data-unreferenced", "tiny", "Blocks tile DATA (verify)", "one byte at the end of DATA no block covers",
  "verify", "corrupt", dict(sections=data_extra))
V("pages-unreferenced", "tiny", "Pages tile PAGES exactly (verify)", "one byte at the end of PAGES no page covers",
  "verify", "corrupt", dict(sections=lambda ss: sec_of(ss, PAGES).update(data=sec_of(ss, PAGES)["data"] + b"\0")))


def block_tail(bs):
    b = bs[0]
    b["raw"] = b["raw"] + b"\n"
    b["frame"] = zframe(b["raw"])


V("block-not-covered", "tiny", "verify: the contents placed in each block cover its raw bytes exactly",
  "the block has one more byte than its contents", "verify", "corrupt",
  dict(blocks=block_tail, header=lambda h: h.update(unique_bytes=h["unique_bytes"] - 1)))
def copy_inside(B):
    """z_copy.md (the first 20 bytes of Ada's content, stored nowhere else)
    placed at offset 0 of the block, inside Ada's content; the block loses
    the 20 bytes the writer appended for it."""
    B.override[("PLACES", n_of(B, "z_copy.md"))] = varint(1) + varint(0)


def drop_tail(n):
    def f(bs):
        b = bs[-1]
        b["raw"] = b["raw"][:-n]
        b["frame"] = zframe(b["raw"])
    return f


V("block-content-inside", "tiny", "verify: contents cover each block exactly; equal places count once, "
  "other overlaps are corrupt", "z_copy.md (20 bytes) placed inside Ada_Lovelace.md's content", "verify",
  "corrupt", dict(items=copy_inside, blocks=drop_tail(20)),
  spec=lambda s: s.entries.append(Entry("z_copy.md", s.entries[0].content[:20])),
  note="AMBIGUITIES A18: only equal (offset, size) places may share bytes")
V("unique-bytes", "tiny", "Header: unique_bytes is the sum of the blocks' raw sizes (verify)",
  "unique_bytes one less", "verify", "corrupt",
  dict(header=lambda h: h.update(unique_bytes=h["unique_bytes"] - 1)))
V("version-page-id-differs", "rich", "Versions: every version of an article that carries a page ID carries the same one (verify)",
  "old/George_Gordon_Byron.md (older version of 4213) has page ID 4214", "verify", "corrupt",
  dict(items=lambda B: entry_ov("old/George_Gordon_Byron.md", "IDS", varint(zigzag(4214 - 1793)))(B)),
  damaged=[("leaf", K_ENTRY, 1)])
V("revisions-repeated", "rich", "Versions: REVISIONS lists each older version once (verify)",
  "people/Lord_Byron.md lists old/Lord_Byron_2023.md twice", "verify", "corrupt",
  dict(items=lambda B: ext_ov("people/Lord_Byron.md", [
      (T_CATEGORY, varint(zigzag(0))), (T_CATEGORY, varint(zigzag(0))),
      (T_REVISIONS, varint(3) + varint(zigzag(n_of(B, "old/Lord_Byron_2023.md") - n_of(B, "people/Lord_Byron.md")))
       + varint(zigzag(n_of(B, "old/George_Gordon_Byron.md") - n_of(B, "old/Lord_Byron_2023.md")))
       + varint(zigzag(n_of(B, "old/Lord_Byron_2023.md") - n_of(B, "old/George_Gordon_Byron.md"))))])(B)),
  damaged=[("leaf", K_ENTRY, 2)])
def versions_cycle(B):
    """Two older versions naming each other as current version (a cycle)."""
    a, g = n_of(B, "old/Lord_Byron_2023.md"), n_of(B, "old/George_Gordon_Byron.md")
    ext_ov("old/Lord_Byron_2023.md", [(T_CURRENT, varint(zigzag(g - a)))])(B)
    ext_ov("old/George_Gordon_Byron.md", [(T_CURRENT, varint(zigzag(a - g)))])(B)


V("versions-cycle", "rich", "Versions: CURRENT names a current version, which lists it back (verify)",
  "old/Lord_Byron_2023.md and old/George_Gordon_Byron.md name each other as current version",
  "verify", "corrupt", dict(items=versions_cycle), damaged=[("leaf", K_ENTRY, 1), ("leaf", K_ENTRY, 2)],
  fails=[REV("people/Lord_Byron.md"), REV("old/Lord_Byron_2023.md"), REV("old/George_Gordon_Byron.md")])
V("block-count", "tiny", "Header: block_count is the number of blocks (verify)", "block_count 2, one block",
  "verify", "corrupt", dict(header=set_header(block_count=2)))
V("content-bytes", "tiny", "Header: content_bytes is the sum of the content sizes (verify)",
  "content_bytes one more", "verify", "corrupt",
  dict(header=lambda h: h.update(content_bytes=h["content_bytes"] + 1)))


def block_ref_disagree(B):
    """A block used by two pages: one page's reference has another BLAKE2b."""
    pages = {}
    per = B.spec.entry_items
    for n, e in enumerate(B.E):
        if e.content:
            pages.setdefault(B.place[e.content][0], set()).add(n // per)
    b = next(b for b, ps in sorted(pages.items()) if len(ps) >= 2)
    B.x_disagree = (max(pages[b]), b)


V("block-refs-disagree", "rich", "Block references: a block used by two pages is referenced by both with "
  "the same sizes and hashes (verify)",
  "the second page using a shared block gives another BLAKE2b for it", "verify", "corrupt",
  dict(items=block_ref_disagree),
  note="its XXH3 is right, so reading without a key succeeds; with the key, lookups through that "
       "page fail")

# ---- signatures and BLAKE2b
V("signed-page-blake2b", "signed", "Authentication: a reader given a key checks each page against its BLAKE2b",
  "title page 0's auth in TITLE_ROOT wrong (XXH3 right); the signature is valid over this prefix, "
  "standing for an XXH3 second preimage a hostile mirror can forge", "pubkey", "corrupt",
  dict(leaf_refs=lambda lv: lv[K_TITLE][0].update(auth=bytes(32))),
  damaged=[("leaf", K_TITLE, 0)], verify=False,
  pubkey=dict(key="test", open=None, fails=[TT("Ada King")], error="corrupt"),
  note="plain lookups check XXH3 only and succeed; verify checks every BLAKE2b, key or not")
V("signed-block-altered", "signed", "Authentication: a reader given a key checks each block against its BLAKE2b",
  "block 1's bytes altered (a heading letter's case), its XXH3 recomputed in the entry pages, its "
  "BLAKE2b left; pages and roots rehashed and the prefix signed", "pubkey", "corrupt",
  dict(blocks=alter_block(1, True)), damaged=[("block", 1)], verify=False,
  pubkey=dict(key="test", open=None, error="corrupt",
              fails=[lambda B: [P(e.path.decode()) for e in B.E if e.content and B.place[e.content][0] == 1]]))


def tamper_after_signing(out, B):
    """Sign the genuine archive, then set optional feature bit 40 (header
    checksum recomputed): every XXH3 right, the signature wrong."""
    h = bytearray(out[:120])
    h[24 + 5] |= 1
    out[:128] = bytes(h) + u64(xxh3(bytes(h)))


V("signed-tampered", "signed", "Signature: Ed25519 over record bytes 0..95 and the BLAKE2b-512 of the prefix",
  "after signing, optional_features bit 40 set and the header checksum recomputed", "verify", "corrupt",
  dict(output=tamper_after_signing),
  pubkey=dict(key="test", open="corrupt", fails=[], error="corrupt"),
  note="plain lookups succeed (optional features are ignored); verify checks the signature "
       "whoever the signer, as in 1.5")
V("signed-by-other-key", "signed", "A reader given a key refuses an archive signed by another key",
  "signed with the seed 20..3F", "pubkey", "untrusted",
  spec=lambda s: setattr(s, "sign", OTHER_SEED), verify=True,
  pubkey=dict(key="test", open="untrusted", fails=[], error="untrusted"))
V("unsigned-with-key", "rich", "A reader given a key refuses an unsigned archive",
  "rich, unsigned (all-zero SIGNATURE)", "pubkey", "untrusted", verify=True,
  pubkey=dict(key="test", open="untrusted", fails=[], error="untrusted"))
V("signed-algorithm", "signed", "Signature: algorithm 1 = Ed25519", "algorithm 2 (record re-signed)",
  "verify", "corrupt", dict(output=one_in_sig_record(8, 2)),
  pubkey=dict(key="test", open="corrupt", fails=[], error="corrupt"))
V("signed-digest-id", "signed", "Signature: digest 2 = BLAKE2b-512 of the prefix",
  "digest 1 (1.5's value; record re-signed)", "verify", "corrupt", dict(output=one_in_sig_record(9, 1)),
  pubkey=dict(key="test", open="corrupt", fails=[], error="corrupt"))
V("signed-bad-magic", "signed", "Signature: magic 89 57 50 4B 53 49 47 0A",
  "magic byte 7 = 0x0B (record re-signed)", "verify", "corrupt", dict(output=one_in_sig_record(7, 0x0B)),
  pubkey=dict(key="test", open="corrupt", fails=[], error="corrupt"))
V("signed-reserved", "signed", "Signature: bytes 64..95 reserved, 0",
  "record byte 70 = 1 (record re-signed)", "verify", "corrupt",
  dict(output=one_in_sig_record(70, 1)),
  pubkey=dict(key="test", open="corrupt", fails=[], error="corrupt"))
V("unsigned-nonzero-record", "tiny", "Signature: the record is all zero when unsigned",
  "unsigned archive whose SIGNATURE record has one byte 1 (offset 40)", "verify", "corrupt",
  dict(output=lambda out, B: out.__setitem__(B.offset_of[SIGNATURE] + 40, 1)),
  note="AMBIGUITIES A37: a reader not given a key need not look at the record")



# ---------------------------------------------------------------- main

# The rule of spec/FORMAT.md ("What a reader MUST reject", numbered there)
# each invalid vector breaks: manifest field `spec_rule` (several, space
# separated, when the reader may meet the defect in two ways).
SPEC_RULES = {
    "header-short": "H4",
    "paths-across-pages": "V4",
    "wiki-count-over": "H10",
    "region-checksum": "S3",
    "region-zstd": "S3",
    "raw-size-mismatch": "S4",
    "zstd-expansion": "S5",
    "zstd-empty": "S5",
    "section-extent-overflow": "S6",
    "signature-checksum": "S11",
    "dict-empty": "S11",
    "root-raw-short": "S11",
    "wikis-frame-size": "W1",
    "root-frame-size": "R2",
    "id-lookup-wrong-entry": "T7",
    "id-lookup-no-versions": "T7",
    "id-item-no-versions": "V9",
    "version-ids-differ-current-without": "V11",
    "bad-magic": "H1",
    "major-1": "H2",
    "format-1.5-archive": "H2",
    "major-3": "H3",
    "header-checksum": "H5",
    "header-size": "H6",
    "required-feature": "H7",
    "header-reserved": "H8",
    "section-count-zero": "H9",
    "section-count-65": "H9",
    "entry-count-over": "H12",
    "unique-over-content": "H13",
    "prefix-before-table": "H11",
    "prefix-past-file": "H11",
    "prefix-not-first-region": "S12",
    "file-longer": "H15",
    "file-truncated": "H14",
    "wiki-count-mismatch": "W2",
    "table-checksum": "S1",
    "section-flag-unknown": "S2",
    "unknown-required-section": "S7",
    "section-twice": "S8",
    "missing-signature": "S9",
    "missing-wikis": "S9",
    "missing-category-root": "S9",
    "pages-not-region": "S10",
    "root-not-zstd": "S10",
    "summary-after-regions": "S12",
    "tiling-gap": "S13",
    "tiling-overlap": "S13",
    "sections-end-early": "S13",
    "summary-checksum": "S14",
    "root-checksum": "S14",
    "dict-checksum": "S14",
    "wikis-duplicate-name": "W3",
    "wikis-empty-name": "W3",
    "wikis-trailing-byte": "W2",
    "summary-field-size": "W4",
    "root-kind-mismatch": "R3",
    "root-positions": "R7",
    "root-entry-total": "R7",
    "root-keys-decreasing": "R8",
    "root-leaf-outside-pages": "R6",
    "root-trailing-byte": "R4",
    "root-branched-flag": "R3",
    "root-kind5-without-flag": "R3",
    "branch-child-kind": "R9",
    "dict-invalid": "R10",
    "page-xxh3": "P2",
    "page-count-mismatch": "P4",
    "page-kind-mismatch": "P4",
    "page-raw-over-cap": "P1",
    "page-raw-implausible": "R5",
    "page-raw-size": "P3",
    "streams-short-of-page": "P5",
    "streams-past-page": "P5",
    "stream-not-read-to-end": "P6",
    "flags-bit7": "E2",
    "wiki-over-count": "E3",
    "places-p0-first": "E5",
    "places-ref-out-of-range": "E5",
    "content-past-block": "E6",
    "url-spelled-without-base": "E8",
    "title-spelled-without-title": "E8",
    "times-unit-zero": "E4",
    "times-without-time": "E4",
    "varint-11-bytes": "P7",
    "varint-overflow": "P7",
    "string-over-65535": "P8",
    "path-shared-too-long": "P8",
    "path-with-nul": "E7",
    "types-string-out-of-range": "E10",
    "category-string-out-of-range": "E14",
    "current-out-of-range": "E15",
    "current-zero": "E15",
    "revisions-count-zero": "E15",
    "revisions-out-of-range": "E15",
    "ext-count-over": "E13",
    "revision-id-leading-zero": "E13",
    "revision-id-2-64": "E13",
    "revision-id-not-digits": "E13",
    "revision-id-empty": "E13",
    "contributor-empty": "E13",
    "comment-repeated": "E16",
    "case-sensitive-wiki-0": "W5",
    "case-sensitive-over-count": "W5",
    "case-sensitive-repeated": "W5",
    "case-sensitive-length": "W5",
    "ext-field-count-zero": "E13",
    "ext-field-repeated": "E16",
    "ext-current-and-revisions": "E16",
    "title-empty": "E9",
    "strings-repeated": "E1",
    "block-ref-unused": "E11",
    "title-form-3": "T1",
    "title-kind-3": "T1",
    "title-entry-out-of-range": "T3",
    "id-key-repeated": "T5",
    "id-wiki-over-count": "T2",
    "category-runs-sum": "T6",
    "category-names-not-increasing": "T6",
    "category-step-zero": "T6",
    "block-xxh3": "B1",
    "block-bytes-altered": "B1",
    "block-raw-size": "B2 V16",
    "block-outside-data": "E11",
    "paths-out-of-order": "E7 V4",
    "unsafe-path": "V5",
    "page-first-key": "P10 V6",
    "title-keys-out-of-order": "T4",
    "title-run-split": "V7",
    "id-items-out-of-order": "T5",
    "title-item-wrong-entry": "V8",
    "id-item-wrong-entry": "V9",
    "title-item-missing": "V8",
    "category-item-missing": "V10",
    "versions-inconsistent": "V11",
    "data-unreferenced": "V13",
    "pages-unreferenced": "V12",
    "block-not-covered": "V15",
    "block-content-inside": "V15",
    "unique-bytes": "V17",
    "version-page-id-differs": "V11",
    "revisions-repeated": "V11",
    "versions-cycle": "V11 T8",
    "block-count": "V17",
    "content-bytes": "V17",
    "block-refs-disagree": "V14",
    "signed-page-blake2b": "K3 V3",
    "signed-block-altered": "K4 V3",
    "signed-tampered": "V2",
    "signed-by-other-key": "K2 V18",
    "unsigned-with-key": "K1 V18",
    "signed-algorithm": "V1",
    "signed-digest-id": "V1",
    "signed-bad-magic": "V1",
    "signed-reserved": "V1",
    "unsigned-nonzero-record": "V1",
}


def print_tables(m):
    """The two tables of README.md, from the manifest."""
    esc = lambda t: t.replace("|", "\\|")
    print("| archive | what it exercises |\n|---|---|")
    for v in m["valid"]:
        print("| `%s` | %s |" % (v["file"][6:], esc(v["description"])))
    print("\n| archive | base | outcome | error | spec | rule | defect |\n|---|---|---|---|---|---|---|")
    for v in m["invalid"]:
        err = v["error"] if v["outcome"] != "pubkey" else v["pubkey"]["error"] + " (with key)"
        print("| `%s` | %s | %s | %s | %s | %s | %s |" % (v["file"][8:-4], v["base"][6:-4], v["outcome"], err,
                                                        v["spec_rule"], esc(v["rule"]), esc(v["defect"])))


def resolve_lookups(base, sel):
    """Selectors (dicts, or functions of the base giving dicts or lists of
    them) -> the base's lookups, with their index in its `lookups`."""
    out = []
    for f in sel:
        r = f(base) if callable(f) else f
        for x in (r if isinstance(r, list) else [r]):
            i = next((i for i, lk in enumerate(base.lookups)
                      if {k: w for k, w in lk.items() if k != "expect"} == x), None)
            assert i is not None, ("no such lookup in the base", x)
            out.append(dict(index=i, **x))
    return out


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.stderr.write("usage: make_witness.py OUTDIR [--no-check] [--tables]\n")
        return 2
    outdir = args[0]
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    # Outputs are never committed: inside the repository only a build
    # directory (top-level build*, which .gitignore leaves out) may hold them.
    if os.path.commonpath([os.path.abspath(outdir), repo]) == repo and \
            not os.path.relpath(os.path.abspath(outdir), repo).split(os.sep)[0].startswith("build"):
        sys.stderr.write("make_witness.py: OUTDIR must not be inside the repository %s, "
                         "except in a build directory\n" % repo)
        return 2
    for sub in ("valid", "invalid", "keys"):
        shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
        os.makedirs(os.path.join(outdir, sub))
    with open(os.path.join(outdir, "keys", "test.seed"), "w") as f:
        f.write(TEST_SEED.hex() + "\n")
    with open(os.path.join(outdir, "keys", "test.pub"), "w") as f:
        f.write(TEST_PUB_HEX + "\n")
    other_pub = nacl.signing.SigningKey(OTHER_SEED).verify_key.encode().hex()
    with open(os.path.join(outdir, "keys", "other.pub"), "w") as f:
        f.write(other_pub + "\n")

    manifest = dict(format="wikipack 2.0 witness", generator="spec/vectors/witness/make_witness.py",
                    keys=dict(test=TEST_PUB_HEX, other=other_pub), valid=[], invalid=[])
    bases = {}
    for name, (make, extra) in VALID.items():
        B = build(make())
        bases[name] = B
        with open(os.path.join(outdir, "valid", name + ".wpk"), "wb") as f:
            f.write(B.bytes)
        lk = lookups(B, extra.get("titles", ()), extra.get("prefixes", ())) + title_lookups_wiki(B)
        B.lookups = lk
        manifest["valid"].append(dict(
            file="valid/%s.wpk" % name, description=B.spec.description,
            signed_by="test" if B.spec.sign == TEST_SEED else None,
            header=dict(entry_count=len(B.E), block_count=len(B.blocks), wiki_count=len(B.wikis),
                        content_bytes=B.header["content_bytes"], unique_bytes=B.header["unique_bytes"],
                        prefix_size=B.header["prefix_size"], file_size=len(B.bytes)),
            wikis=[dict(number=i + 1, name=w[0].decode(), language=w[1].decode(), url_base=w[2].decode(),
                        site_name=w[3].decode()) for i, w in enumerate(B.wikis)],
            entries=[entry_record(B, n) for n in range(len(B.E))],
            lookups=lk))

    assert set(SPEC_RULES) == set(INVALID), set(SPEC_RULES) ^ set(INVALID)
    for name, v in INVALID.items():
        base = bases[v["base"]]
        spec = VALID[v["base"]][0]()
        if "spec" in v:
            v["spec"](spec)
        B = build(spec, v["hooks"])
        with open(os.path.join(outdir, "invalid", name + ".wpk"), "wb") as f:
            f.write(B.bytes)
        damaged = {d(base) if callable(d) else tuple(d) for d in v["damaged"]}
        rec = dict(file="invalid/%s.wpk" % name, base="valid/%s.wpk" % v["base"], spec_rule=SPEC_RULES[name],
                   rule=v["rule"], defect=v["defect"], outcome=v["outcome"], error=v["error"])
        fails = resolve_lookups(base, v["fails"])
        rec["fails"] = fails
        if v["outcome"] != "open":
            failing = {f["index"] for f in fails}
            rec["ok"] = [i for i, lk in enumerate(base.lookups)
                         if i not in failing and not trace(base, lk) & damaged]
        rec["damaged"] = [[d[0]] + ([INDEX_NAMES[d[1]]] if len(d) > 1 and d[0] != "block" else list(d[1:2]))
                          + list(d[2:]) for d in sorted(damaged, key=str)]
        rec["verify"] = v["verify"]
        if "pubkey" in v:
            pk = dict(v["pubkey"])
            pk["fails"] = resolve_lookups(base, pk.get("fails", []))
            rec["pubkey"] = pk
        if "note" in v:
            rec["note"] = v["note"]
        manifest["invalid"].append(rec)

    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write("\n")
    print("make_witness.py: %d valid and %d invalid archives in %s" %
          (len(manifest["valid"]), len(manifest["invalid"]), outdir))
    if "--tables" in argv:
        print_tables(manifest)
    if "--no-check" not in argv:
        import check_witness
        # the reader's actual reads must lie within the traces `ok` is computed from
        for name, B in bases.items():
            ordinal = {r["offset"]: i for i, r in enumerate(B.block_refs)}
            for lk in B.lookups:
                rd = check_witness.Reader(B.bytes)
                try:
                    rd.lookup(lk)
                except check_witness.WpkError:
                    continue              # reported by check_witness.main below
                got = {("block", ordinal[t[1]]) if t[0] == "block" else t for t in rd.trace}
                assert got <= trace(B, lk), (name, lk, got - trace(B, lk))
        return check_witness.main(["check_witness.py", outdir])
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main(sys.argv))
