#!/usr/bin/env python3
"""Re-read the witness archives of make_witness.py per spec/FORMAT.md (2.0).

usage: check_witness.py OUTDIR

A small reader of spec/FORMAT.md, written apart from the writer in
make_witness.py (it shares no code with it but the title folding, which both
sides must compute alike), used to catch the writer's own slips:

- every valid archive opens, every entry reads back with the manifest's
  fields and content, every lookup gives the manifest's result, `verify`
  passes (and with the test key for the signed one);
- every invalid archive fails the way its manifest entry says: at open, at
  the lookups listed in `fails`, in verify, or only with the key; and the
  lookups listed in `ok` still give the base archive's results.

It is also the model of a checker for a real 2.0 reader (README.md).  Exit
status 0 when everything matched, 1 otherwise, 77 when a module is missing.
"""

import hashlib
import json
import os
import struct
import sys

sys.dont_write_bytecode = True        # nothing written next to the scripts

try:
    import xxhash
    import zstandard
    import nacl.signing
    import nacl.exceptions
except ImportError as e:
    sys.stderr.write("check_witness.py: %s; apt-get install -y python3-xxhash python3-zstandard "
                     "python3-nacl\n" % e)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_witness import collapse, fold, mwform   # noqa: E402  (the one shared piece: title folding)

PAGE_CAP = 16 * 1024 * 1024
BLOCK_CAP = 1 << 31
DICT_CAP = 16 * 1024 * 1024
PREFIX_CAP = 64 * 1024 * 1024
MAGIC = b"\x89WPK\r\n\x1a\n"
SIG_MAGIC = b"\x89WPKSIG\n"
KNOWN = {1: "ENTRY_ROOT", 2: "TITLE_ROOT", 3: "ID_ROOT", 4: "CATEGORY_ROOT", 5: "WIKIS",
         6: "SUMMARY", 7: "SIGNATURE", 8: "DICT", 9: "PAGES", 10: "DATA"}
MUST = {1, 2, 3, 4, 5, 7, 9, 10}
REQUIRED, ZSTD, REGION, BRANCHED = 1, 2, 4, 8
KIND_NAMES = {1: "entry", 2: "title", 3: "id", 4: "category"}


class WpkError(Exception):
    def __init__(self, cls, msg):
        Exception.__init__(self, "%s: %s" % (cls, msg))
        self.cls = cls


def corrupt(msg):
    raise WpkError("corrupt", msg)


class Cur:
    """A stream being read: varints, zigzag, strings, fixed integers."""

    def __init__(self, b, what):
        self.b, self.i, self.what = b, 0, what

    def more(self):
        return self.i < len(self.b)

    def take(self, n):
        if n > len(self.b) - self.i:
            corrupt("%s runs past its end" % self.what)
        out = self.b[self.i:self.i + n]
        self.i += n
        return out

    def byte(self):
        return self.take(1)[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def varint(self):
        v = 0
        for k in range(10):
            c = self.byte()
            if k == 9 and c > 1:
                corrupt("%s: varint overflows 64 bits" % self.what)
            v |= (c & 0x7F) << (7 * k)
            if not c & 0x80:
                return v
        corrupt("%s: varint longer than 10 bytes" % self.what)

    def zig(self):
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def string(self):
        n = self.varint()
        if n > 65535:
            corrupt("%s: string longer than 65,535 bytes" % self.what)
        return self.take(n)

    def front(self, prev):
        shared = self.varint()
        if shared > len(prev):
            corrupt("%s: front coding shares more than the previous string" % self.what)
        return prev[:shared] + self.string()

    def end(self):
        if self.i != len(self.b):
            corrupt("%s not read to its end" % self.what)


def xxh3(b):
    return xxhash.xxh3_64_intdigest(b)


def b2b(b, n):
    return hashlib.blake2b(b, digest_size=n).digest()


def valid_path(p):
    """FORMAT.md, Paths (a valid path)."""
    if not 1 <= len(p) <= 4096 or p.startswith(b"/"):
        return False
    try:
        p.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(c < 0x20 or c in (0x7F, 0x5C) for c in p):
        return False
    return all(1 <= len(c) <= 255 and c not in (b".", b"..") for c in p.split(b"/"))


def spell_title(path):
    comp = path.rsplit(b"/", 1)[-1]
    dot = comp.rfind(b".")
    if dot > 0:
        comp = comp[:dot]
    return comp.replace(b"_", b" ")


class Reader:
    def __init__(self, data, pubkey=None):
        self.data = bytes(data)
        self.pubkey = pubkey
        self.check_auth = pubkey is not None
        self.trace = set()
        self.roots, self.pages, self.blocks = {}, {}, {}
        self.dctx = None
        self._open()

    # ------------------------------------------------------------ open
    def _open(self):
        d = self.data
        if len(d) < 8 or d[:8] != MAGIC:
            raise WpkError("format", "not a wikipack archive (bad magic number)")
        if len(d) >= 10:
            major = struct.unpack_from("<H", d, 8)[0]
            if major == 1:
                raise WpkError("format", "made by wikipack 1.x (format 1.%d); repack it with wikipack 2"
                               % struct.unpack_from("<H", d, 10)[0])
            if major != 2:
                raise WpkError("format", "unsupported major version %d" % major)
        if len(d) < 128:
            corrupt("file too short for a header")
        if xxh3(d[:120]) != struct.unpack_from("<Q", d, 120)[0]:
            corrupt("header checksum mismatch")
        (self.minor, hsize, req, opt, fsize, ecount, bcount, cbytes, ubytes, scount, wcount,
         psize, tsum) = struct.unpack_from("<HIQQQQQQQIIQQ", d, 10)
        if hsize != 128:
            corrupt("header size is not 128")
        if req:
            raise WpkError("format", "archive needs a feature this reader does not know")
        if d[96:120] != bytes(24):
            corrupt("reserved header bytes are not zero")
        if not 1 <= scount <= 64:
            corrupt("section count out of range")
        if wcount > 65535:
            corrupt("wiki count out of range")
        table_end = 128 + 48 * scount
        if not table_end <= psize <= fsize:
            corrupt("prefix or file size inconsistent with the section table")
        if ecount > 0xFFFFFFFF or ubytes > cbytes:
            corrupt("entry count or byte totals out of range")
        if fsize != len(d):
            corrupt("header says %d bytes, file has %d" % (fsize, len(d)))
        if psize > PREFIX_CAP:
            raise WpkError("limit", "prefix over the cap")
        self.entry_count, self.block_count, self.content_bytes = ecount, bcount, cbytes
        self.unique_bytes, self.wiki_count, self.prefix_size = ubytes, wcount, psize
        self.file_size = fsize
        if xxh3(d[128:table_end]) != tsum:
            corrupt("section table checksum mismatch")
        secs, self.sec = [], {}
        for i in range(scount):
            t, fl, off, st, raw, ck, cnt = struct.unpack_from("<IIQQQQQ", d, 128 + 48 * i)
            if fl & ~0xF:
                corrupt("section %d: unknown flag bits" % i)
            if fl & REGION and (fl & ZSTD or ck):
                corrupt("section %d: region with a checksum or compression" % i)
            if not fl & ZSTD and raw != st:
                corrupt("section %d: uncompressed with raw size != stored size" % i)
            if off + st > 1 << 64:
                corrupt("section %d: extent overflows" % i)
            if fl & ZSTD and (st == 0 or raw > 32768 * st):
                corrupt("section %d: more raw bytes than a zstd frame of %d bytes can hold" % (i, st))
            s = dict(type=t, flags=fl, offset=off, stored=st, raw=raw, checksum=ck, index=i)
            secs.append(s)
            if t not in KNOWN:
                if fl & REQUIRED:
                    raise WpkError("format", "section %d has type %d, unknown and required" % (i, t))
                if fl & BRANCHED:
                    corrupt("section %d: BRANCHED on a section that is not a root" % i)
                continue
            if t in self.sec:
                corrupt("section type %d appears twice" % t)
            self.sec[t] = s
        for t in MUST:
            if t not in self.sec:
                corrupt("a required section (%s) is missing" % KNOWN[t])
        for t, s in self.sec.items():
            is_region = t in (9, 10)
            if bool(s["flags"] & REGION) != is_region:
                corrupt("%s: REGION flag wrong" % KNOWN[t])
            if s["flags"] & BRANCHED and t > 4:
                corrupt("%s: BRANCHED on a section that is not a root" % KNOWN[t])
            if t in (1, 2, 3, 4, 5, 6) and not s["flags"] & ZSTD:
                corrupt("%s is not a zstd frame" % KNOWN[t])
            if t == 7 and (s["flags"] & ZSTD or s["stored"] != 160 or s["checksum"]):
                corrupt("SIGNATURE is not 160 plain bytes with checksum 0")
            if t == 8 and s["stored"] == 0:
                corrupt("DICT is empty")
            if t <= 4 and s["raw"] < 8:
                corrupt("%s: a root shorter than its head" % KNOWN[t])
        first_region = min(self.sec[9]["offset"], self.sec[10]["offset"])
        if psize != first_region:
            corrupt("prefix_size %d is not the first byte of the first region (%d)" % (psize, first_region))
        for s in secs:
            # Known or not, a section lies in the prefix unless it is a
            # region (format 2.3's SEARCH_PAGES is one this witness skips).
            if s["flags"] & REGION:
                if s["offset"] < psize:
                    corrupt("section %d: a region inside the archive prefix" % s["index"])
            elif not (table_end <= s["offset"] and s["offset"] + s["stored"] <= psize):
                corrupt("section %d lies outside the archive prefix" % s["index"])
        pos = table_end
        for s in sorted(secs, key=lambda s: (s["offset"], s["stored"])):
            if s["offset"] > pos:
                corrupt("section table: gap at offset %d" % pos)
            if s["offset"] < pos:
                corrupt("section table: overlap at offset %d" % s["offset"])
            pos = s["offset"] + s["stored"]
        if pos != fsize:
            corrupt("sections end at %d, not at the end of the file" % pos)
        for s in secs:
            if not s["flags"] & REGION and s["type"] != 7:
                if xxh3(d[s["offset"]:s["offset"] + s["stored"]]) != s["checksum"]:
                    corrupt("section %d: checksum mismatch" % s["index"])
        self.pages_off = self.sec[9]["offset"]
        self.pages_size = self.sec[9]["stored"]
        self.data_off = self.sec[10]["offset"]
        self.data_size = self.sec[10]["stored"]
        # WIKIS
        c = Cur(self.section_raw(5), "WIKIS")
        self.wikis = []
        for i in range(wcount):
            w = [c.string() for _ in range(4)]
            if not w[0]:
                corrupt("wiki %d has an empty name" % (i + 1))
            if any(w[0] == x[0] for x in self.wikis):
                corrupt("two wikis named %r" % w[0])
            self.wikis.append(w)
        c.end()
        # SUMMARY
        self.case_sensitive = set()
        if 6 in self.sec:
            c = Cur(self.section_raw(6), "SUMMARY")
            while c.more():
                tag = c.byte()
                n = struct.unpack("<H", c.take(2))[0]
                v = c.take(n)
                if (1 <= tag <= 4 and n != 8) or (tag == 5 and n < 8) or (tag in (6, 7) and n != 8):
                    corrupt("summary field of the wrong size")
                if tag == 8:            # 2.1: CASE_SENSITIVE
                    w = struct.unpack("<H", v)[0] if n == 2 else 0
                    if n != 2 or not 1 <= w <= len(self.wikis) or (self.case_sensitive and w <= max(self.case_sensitive)):
                        corrupt("CASE_SENSITIVE not a wiki number above the previous one")
                    self.case_sensitive.add(w)
        # SIGNATURE
        s = self.sec[7]
        self.sig = d[s["offset"]:s["offset"] + 160]
        if self.pubkey is not None:
            self.check_signature(require_key=True)

    def section_raw(self, t):
        s = self.sec[t]
        stored = self.data[s["offset"]:s["offset"] + s["stored"]]
        if s["flags"] & ZSTD:
            return unframe(stored, s["raw"], None, KNOWN[t])
        return stored

    def check_signature(self, require_key):
        """Signature: record, then Ed25519 over bytes 0..95 and the BLAKE2b-512
        of the prefix with the section zeroed."""
        rec = self.sig
        if rec == bytes(160):
            if require_key:
                raise WpkError("untrusted", "archive is not signed")
            return
        if rec[:8] != SIG_MAGIC:
            corrupt("signature: bad magic number")
        if rec[8] != 1 or rec[9] != 2:
            corrupt("signature: unknown signature or digest algorithm")
        if rec[10:32] != bytes(22) or rec[64:96] != bytes(32):
            corrupt("signature: reserved bytes are not zero")
        s = self.sec[7]
        prefix = bytearray(self.data[:self.prefix_size])
        prefix[s["offset"]:s["offset"] + 160] = bytes(160)
        msg = rec[:96] + b2b(bytes(prefix), 64)
        try:
            nacl.signing.VerifyKey(rec[32:64]).verify(msg, rec[96:160])
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
            corrupt("signature does not match the archive")
        if require_key and rec[32:64] != self.pubkey:
            raise WpkError("untrusted", "signed by a different key")

    # ------------------------------------------------------------ dictionary
    def dict_ctx(self):
        if 8 not in self.sec:
            return None
        self.trace.add(("dict",))
        if self.dctx is None:
            s = self.sec[8]
            if s["stored"] > DICT_CAP or s["raw"] > DICT_CAP:
                raise WpkError("limit", "dictionary over the cap")
            if s["stored"] == 0:
                corrupt("dictionary is empty")
            raw = self.section_raw(8)
            try:
                zd = zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_AUTO)
                dctx = zstandard.ZstdDecompressor(dict_data=zd)
                dctx.decompress(zstandard.ZstdCompressor(level=1).compress(b"x"))
            except zstandard.ZstdError:
                corrupt("dictionary is not a valid zstd dictionary")
            self.dctx = dctx
        return self.dctx

    # ------------------------------------------------------------ roots
    def root(self, K):
        if K in self.roots:
            if isinstance(self.roots[K], WpkError):
                raise self.roots[K]
            self._use_root(K)
            return self.roots[K]
        try:
            self.roots[K] = self._decode_root(K)
        except WpkError as e:
            self.roots[K] = e
            raise
        self._use_root(K)
        return self.roots[K]

    def _use_root(self, K):
        self.trace.add(("root", K))
        for j in range(getattr(self, "nbranch", {}).get(K, 0)):
            self.trace.add(("branch", K, j))

    def _parse_items(self, c, n, what):
        items = []
        for _ in range(n):
            off, st, raw, ck = struct.unpack("<QIIQ", c.take(24))
            auth = c.take(32)
            first, cnt, kl = struct.unpack("<QIH", c.take(14))
            key = c.take(kl)
            if raw > 32768 * st:
                corrupt("%s item: more raw bytes than a zstd frame of %d bytes can hold" % (what, st))
            items.append(dict(page_offset=off, stored=st, raw=raw, xxh3=ck, auth=auth,
                              first_item=first, page_items=cnt, key=key))
        c.end()
        return items

    def _keyval(self, K, key):
        if K == 3:
            if len(key) != 10:
                corrupt("ID key is not 10 bytes")
            return struct.unpack("<HQ", key)
        return key

    def _decode_root(self, K):
        t = K
        s = self.sec[t]
        raw = self.section_raw(t)
        c = Cur(raw, "%s root" % KIND_NAMES[K])
        n, kind = struct.unpack("<II", c.take(8))
        branched = bool(s["flags"] & BRANCHED)
        if branched != (kind == 5):
            corrupt("%s root: kind %d and BRANCHED flag disagree" % (KIND_NAMES[K], kind))
        if not branched and kind != K:
            corrupt("%s root names pages of kind %d" % (KIND_NAMES[K], kind))
        items = self._parse_items(c, n, "root")
        self.nbranch = getattr(self, "nbranch", {})
        if branched:
            self.nbranch[K] = len(items)
            leaves = []
            for j, it in enumerate(items):
                self.trace.add(("branch", K, j))
                braw = self._load_frame(it, "branch page")
                bc = Cur(braw, "branch page")
                bn, bk, ck = struct.unpack("<III", bc.take(12))
                if bk != 5 or ck != K:
                    corrupt("branch page of kind %d naming kind %d under the %s root" % (bk, ck, KIND_NAMES[K]))
                children = self._parse_items(bc, bn, "branch page")
                if not children or children[0]["first_item"] != it["first_item"] or \
                        sum(x["page_items"] for x in children) != it["page_items"] or \
                        children[0]["key"] != it["key"]:
                    corrupt("branch page disagrees with its root item")
                leaves += children
            items = leaves
        pos = 0
        prev = None
        for j, it in enumerate(items):
            if it["first_item"] != pos:
                corrupt("%s root item %d: leaf positions are not contiguous" % (KIND_NAMES[K], j))
            if it["page_items"] < 1 or it["stored"] < 1:
                corrupt("%s root item %d describes an empty page" % (KIND_NAMES[K], j))
            if it["raw"] < 8 + 4 * {1: 13, 2: 5, 3: 3, 4: 3}[K] or it["page_items"] > it["raw"]:
                corrupt("%s root item %d: page too small for its head or its items" % (KIND_NAMES[K], j))
            pos += it["page_items"]
            if it["page_offset"] + it["stored"] > self.pages_size:
                corrupt("%s root item %d: page lies outside PAGES" % (KIND_NAMES[K], j))
            kv = self._keyval(K, it["key"])
            if prev is not None and (kv < prev or (kv == prev and K != 4)):
                corrupt("%s root item %d: keys out of order" % (KIND_NAMES[K], j))
            prev = kv
        if K == 1 and pos != self.entry_count:
            corrupt("entry root counts %d entries, the header %d" % (pos, self.entry_count))
        return items

    # ------------------------------------------------------------ pages
    def _load_frame(self, it, what):
        if it["raw"] > PAGE_CAP or it["stored"] > PAGE_CAP:
            raise WpkError("limit", "%s over the page cap" % what)
        if it["page_offset"] + it["stored"] > self.pages_size:
            corrupt("%s lies outside PAGES" % what)
        a = self.pages_off + it["page_offset"]
        frame = self.data[a:a + it["stored"]]
        if xxh3(frame) != it["xxh3"]:
            corrupt("%s at offset %d: checksum mismatch" % (what, a))
        if self.check_auth and b2b(frame, 32) != it["auth"]:
            corrupt("%s at offset %d: BLAKE2b mismatch" % (what, a))
        return unframe(frame, it["raw"], self.dict_ctx(), what)

    def leaf(self, K, i):
        items = self.root(K)
        self.trace.add(("leaf", K, i))
        if (K, i) in self.pages:
            return self.pages[(K, i)]
        it = items[i]
        raw = self._load_frame(it, "%s page" % KIND_NAMES[K])
        c = Cur(raw, "%s page" % KIND_NAMES[K])
        n, kind = struct.unpack("<II", c.take(8))
        if kind != K:
            corrupt("%s page %d says kind %d" % (KIND_NAMES[K], i, kind))
        if n != it["page_items"] or n < 1:
            corrupt("%s page %d: count %d, its root item %d" % (KIND_NAMES[K], i, n, it["page_items"]))
        ns = {1: 13, 2: 5, 3: 3, 4: 3}[K]
        lens = struct.unpack("<%dI" % ns, c.take(4 * ns))
        if sum(lens) != len(raw) - c.i:
            corrupt("%s page %d: stream lengths do not add up to the page" % (KIND_NAMES[K], i))
        streams, pos = [], c.i
        for L in lens:
            streams.append(raw[pos:pos + L])
            pos += L
        dec = {1: self._entry_page, 2: self._title_page, 3: self._id_page, 4: self._category_page}[K]
        page = dec(streams, n, it, i)
        self.pages[(K, i)] = page
        return page

    def _entry_page(self, st, n, it, ordinal):
        names = ["STRINGS", "BLOCKS", "FLAGS", "WIKIS", "IDS", "TIMES", "SIZES", "PLACES", "PATHS",
                 "TITLES", "URLS", "TYPES", "EXT"]
        S = {k: Cur(v, "entry page %d %s" % (ordinal, k)) for k, v in zip(names, st)}
        strings = []
        while S["STRINGS"].more():
            strings.append(S["STRINGS"].string())
            if len(strings) > 1 and strings[-2] >= strings[-1]:
                corrupt("STRINGS not strictly increasing")
        refs, prev_end = [], 0
        c = S["BLOCKS"]
        while c.more():
            off = prev_end + c.varint()
            stored, raw = c.varint(), c.varint()
            ck = c.u64()
            auth = c.take(32)
            if stored < 1 or raw < 1:
                corrupt("block reference with an empty size")
            if off + stored > self.data_size:
                corrupt("block reference outside DATA")
            if raw > BLOCK_CAP:
                raise WpkError("limit", "block over the block cap")
            if raw > 32768 * stored:
                corrupt("block reference: more raw bytes than a zstd frame of its size can hold")
            refs.append(dict(offset=off, stored=stored, raw=raw, xxh3=ck, auth=auth))
            prev_end = off + stored
        flags = list(S["FLAGS"].take(n))
        ents = []
        for f in flags:
            if f & 0x80:
                corrupt("FLAGS bit 7 set")
        for k in range(n):
            w = S["WIKIS"].varint()
            if w > self.wiki_count:
                corrupt("wiki number %d above wiki_count %d" % (w, self.wiki_count))
            ents.append(dict(n=it["first_item"] + k, flags=flags[k], wiki=w))
        prev = 0
        for e in ents:
            if e["flags"] & 1:
                prev = (prev + S["IDS"].zig()) & ((1 << 64) - 1)
                e["page_id"] = prev
        if any(e["flags"] & 2 for e in ents):
            unit = S["TIMES"].varint()
            if unit < 1:
                corrupt("TIMES unit 0")
            prev = 0
            for e in ents:
                if e["flags"] & 2:
                    prev = (prev + S["TIMES"].zig()) & ((1 << 64) - 1)      # steps of quotients, mod 2^64
                    q = prev - (1 << 64) if prev >> 63 else prev
                    if not -(1 << 63) <= q * unit < 1 << 63:
                        corrupt("TIMES: a time times unit does not fit an i64")
                    e["time_us"] = q * unit
        for e in ents:
            e["size"] = S["SIZES"].varint()
        prev_place = None
        for e in ents:
            if e["size"]:
                p = S["PLACES"].varint()
                if p == 0:
                    if prev_place is None:
                        corrupt("PLACES p = 0 for the page's first placed entry")
                    ref, off = prev_place
                else:
                    if p - 1 >= len(refs):
                        corrupt("PLACES names block reference %d of %d" % (p - 1, len(refs)))
                    ref, off = refs[p - 1], S["PLACES"].varint()
                if off + e["size"] > ref["raw"]:
                    corrupt("entry content lies outside its block")
                e["block"], e["offset"] = ref, off
                ref["used"] = True
                prev_place = (ref, off + e["size"])
        prev = b""
        for e in ents:
            p = S["PATHS"].front(prev)
            if not p:
                corrupt("empty path")
            if b"\0" in p:
                corrupt("entry path contains a NUL byte")
            if e is not ents[0] and p <= prev:
                corrupt("entry page: paths out of order")
            if e is ents[0] and p != it["key"]:
                corrupt("entry page: first path differs from its root item's key")
            e["path"] = prev = p
        for e in ents:
            f = e["flags"]
            if f & 4 and not f & 16:
                corrupt("TITLE_SPELLED without HAS_TITLE")
            if f & 16:
                if f & 4:
                    e["title"] = spell_title(e["path"])
                    if not e["title"]:
                        corrupt("spelled title is empty")
                else:
                    e["title"] = S["TITLES"].string()
                    if not e["title"]:
                        corrupt("HAS_TITLE with an empty title")
        for e in ents:
            f = e["flags"]
            if f & 8 and not (f & 32 and f & 16 and e["wiki"] and self.wikis[e["wiki"] - 1][2]):
                corrupt("URL_SPELLED without HAS_URL, HAS_TITLE and a url_base")
            if f & 32:
                if f & 8:
                    e["url"] = self.wikis[e["wiki"] - 1][2] + e["title"].replace(b" ", b"_")
                    if len(e["url"]) > 65535:
                        corrupt("spelled URL over 65,535 bytes")
                else:
                    e["url"] = S["URLS"].string()
                    if not e["url"]:
                        corrupt("HAS_URL with an empty URL")
        for e in ents:
            t = S["TYPES"].varint()
            if t > len(strings):
                corrupt("TYPES names string %d of %d" % (t - 1, len(strings)))
            if t:
                e["media_type"] = strings[t - 1]
                if not e["media_type"]:
                    corrupt("TYPES names an empty string")
        for e in ents:
            e["categories"] = []
            if not e["flags"] & 64:
                continue
            c = S["EXT"]
            nf = c.varint()
            if nf > 65535:
                corrupt("EXT field count above 65,535")
            if nf == 0:
                corrupt("HAS_EXT with a field count of 0")
            pcat, seen = -1, set()
            for _ in range(nf):
                tag = c.byte()
                if 2 <= tag <= 10:
                    if tag in seen:
                        corrupt("EXT: a field of tag %d repeated" % tag)
                    seen.add(tag)
                if tag == 1:
                    k = pcat + 1 + c.zig()
                    if not 0 <= k < len(strings):
                        corrupt("CATEGORY string number out of range")
                    e["categories"].append(strings[k])
                    pcat = k
                elif tag == 2:
                    d = c.zig()
                    if d == 0 or not 0 <= e["n"] + d < self.entry_count:
                        corrupt("CURRENT 0 or out of range")
                    e["current"] = e["n"] + d
                elif tag == 3:
                    e["namespace"] = c.zig()
                elif tag == 4:
                    cnt = c.varint()
                    if cnt < 1:
                        corrupt("REVISIONS count 0")
                    prev, revs = e["n"], []
                    for _ in range(cnt):
                        prev += c.zig()
                        if not 0 <= prev < self.entry_count:
                            corrupt("REVISIONS entry out of range")
                        revs.append(prev)
                    e["revisions"] = revs
                elif tag == 5:
                    e["same_categories"] = True
                elif tag == 6:
                    e["redirect"] = c.string()
                elif tag == 7:
                    e["language"] = c.string()
                elif tag == 8:          # 2.1: REVISION_ID, decimal digits
                    v = c.string()
                    if not (1 <= len(v) <= 20 and v.isdigit() and v.isascii() and (v == b"0" or v[:1] != b"0")
                            and int(v) < 1 << 64):
                        corrupt("REVISION_ID %r is not a revision ID" % v)
                    e["revision_id"] = int(v)
                elif tag in (9, 10):    # 2.1: CONTRIBUTOR, COMMENT
                    v = c.string()
                    if not v:
                        corrupt("an empty CONTRIBUTOR or COMMENT")
                    e["contributor" if tag == 9 else "comment"] = v
                else:
                    c.string()          # tags 0 and 11..255: a string, skipped
            if e.get("same_categories") and ("current" not in e or e["categories"]):
                corrupt("SAME_CATEGORIES without CURRENT or with CATEGORY")
            if "current" in e and "revisions" in e:
                corrupt("CURRENT together with REVISIONS")
        for k, c in S.items():
            c.end()
        if not all(r.get("used") for r in refs):
            corrupt("a block reference no entry uses")
        return ents

    def _title_page(self, st, n, it, ordinal):
        S = [Cur(v, "title page %d %s" % (ordinal, k)) for k, v in
             zip(["KEYS", "FORMS", "DISPLAYS", "WIKIS", "ENTRIES"], st)]
        items, prev, pn = [], b"", 0
        for _ in range(n):
            key = S[0].front(prev)
            prev = key
            f = S[1].byte()
            form, kind = f & 3, (f >> 2) & 3
            if f & 0xF0 or form == 3 or kind == 3:
                corrupt("title FORMS byte %#x" % f)
            items.append([key, form, kind])
        for x in items:
            x.append(x[0] if x[1] == 0 else mwform(x[0]) if x[1] == 1 else S[2].string())
        for x in items:
            w = S[3].varint()
            if w > self.wiki_count:
                corrupt("title item wiki above wiki_count")
            x.append(w)
        for x in items:
            pn += S[4].zig()
            if not 0 <= pn < self.entry_count:
                corrupt("title item entry number out of range")
            x.append(pn)
        for c in S:
            c.end()
        for a, b in zip(items, items[1:]):
            if (a[0], a[4], a[2], a[5]) > (b[0], b[4], b[2], b[5]):
                corrupt("title page: items out of order")
        if items[0][0] != it["key"]:
            corrupt("title page: first key differs from its root item's")
        # (key, form, kind, display, wiki, entry)
        return [tuple(x) for x in items]

    def _id_page(self, st, n, it, ordinal):
        S = [Cur(v, "ID page %d %s" % (ordinal, k)) for k, v in zip(["WIKIS", "IDS", "ENTRIES"], st)]
        ws = [S[0].varint() for _ in range(n)]
        if any(w > self.wiki_count for w in ws):
            corrupt("ID item wiki above wiki_count")
        if any(a > b for a, b in zip(ws, ws[1:])):
            corrupt("ID page: wiki numbers out of order")
        items, pw, pid, pn = [], None, 0, 0
        for w in ws:
            v = S[1].varint()
            if w == pw and v == 0:
                corrupt("ID page: a (wiki, page ID) repeated")
            pid = pid + v if w == pw else v
            pw = w
            pn += S[2].zig()
            if not 0 <= pn < self.entry_count:
                corrupt("ID item entry number out of range")
            items.append((w, pid, pn))
        for c in S:
            c.end()
        if struct.pack("<HQ", *items[0][:2]) != it["key"]:
            corrupt("ID page: first key differs from its root item's")
        return items

    def _category_page(self, st, n, it, ordinal):
        S = [Cur(v, "category page %d %s" % (ordinal, k)) for k, v in zip(["NAMES", "RUNS", "ENTRIES"], st)]
        names, prev = [], b""
        while S[0].more():
            nm = S[0].front(prev)
            if names and nm <= names[-1]:
                corrupt("category names not increasing")
            names.append(nm)
            prev = nm
        runs = [S[1].varint() for _ in names]
        if any(r < 1 for r in runs) or sum(runs) != n:
            corrupt("category RUNS do not add up to count")
        items = []
        for nm, r in zip(names, runs):
            e = S[2].varint()
            items.append((nm, e))
            for _ in range(r - 1):
                step = S[2].varint()
                if step < 1:
                    corrupt("category step 0")
                e += step
                items.append((nm, e))
        for nm, e in items:
            if not 0 <= e < self.entry_count:
                corrupt("category item entry number out of range")
        for c in S:
            c.end()
        if not items or items[0][0] != it["key"]:
            corrupt("category page: first name differs from its root item's key")
        return items

    # ------------------------------------------------------------ entries and contents
    def leaf_of_entry(self, n):
        items = self.root(1)
        for i, it in enumerate(items):
            if it["first_item"] <= n < it["first_item"] + it["page_items"]:
                return i
        corrupt("entry %d not in the entry root" % n)

    def entry(self, n):
        i = self.leaf_of_entry(n)
        return self.leaf(1, i)[n - self.root(1)[i]["first_item"]]

    def block(self, ref):
        key = ref["offset"]
        self.trace.add(("block", key))
        if ref["raw"] > BLOCK_CAP:
            raise WpkError("limit", "block over the cap")
        if ref["offset"] + ref["stored"] > self.data_size:
            corrupt("block lies outside DATA")
        a = self.data_off + ref["offset"]
        frame = self.data[a:a + ref["stored"]]
        if xxh3(frame) != ref["xxh3"]:
            corrupt("block at offset %d: checksum mismatch" % a)
        if self.check_auth and b2b(frame, 32) != ref["auth"]:
            corrupt("block at offset %d: BLAKE2b mismatch" % a)
        return unframe(frame, ref["raw"], self.dict_ctx(), "block")

    def content(self, n):
        e = self.entry(n)
        if not e["size"]:
            return b""
        return self.block(e["block"])[e["offset"]:e["offset"] + e["size"]]

    def fields(self, n):
        """The entry as the manifest describes it."""
        e = self.entry(n)
        cur = e.get("current")
        cats = e["categories"]
        if e.get("same_categories"):
            cats = self.entry(cur)["categories"]
        lang = e.get("language")
        if lang is None and e["wiki"]:
            lang = self.wikis[e["wiki"] - 1][1] or None
        dec = lambda b: None if b is None else b.decode()
        return dict(n=n, path=e["path"].decode(), wiki=dec(self.wikis[e["wiki"] - 1][0]) if e["wiki"] else None,
                    page_id=e.get("page_id"), time_us=e.get("time_us"), title=dec(e.get("title")),
                    url=dec(e.get("url")), media_type=dec(e.get("media_type")), language=dec(lang),
                    categories=[c.decode() for c in cats], namespace=e.get("namespace"),
                    redirect=dec(e.get("redirect")), revision_id=e.get("revision_id"),
                    contributor=dec(e.get("contributor")), comment=dec(e.get("comment")),
                    current=cur, revisions=e.get("revisions", []),
                    size=e["size"], sha256=hashlib.sha256(self.content(n)).hexdigest(),
                    title_spelled=bool(e["flags"] & 4), url_spelled=bool(e["flags"] & 8))

    # ------------------------------------------------------------ lookups
    def _leaf_for(self, K, key):
        items = self.root(K)
        k = self._keyval(K, key)
        i = -1
        for j, it in enumerate(items):
            if self._keyval(K, it["key"]) <= k:
                i = j
        return i

    def by_path(self, path):
        i = self._leaf_for(1, path)
        if i < 0:
            return None
        first = self.root(1)[i]["first_item"]
        for k, e in enumerate(self.leaf(1, i)):
            if e["path"] == path:
                self.content(first + k)
                return first + k
        return None

    def wiki_no(self, name):
        for i, w in enumerate(self.wikis):
            if w[0] == name.encode():
                return i + 1
        return None

    def by_id(self, wiki, pid):
        ws = [self.wiki_no(wiki)] if wiki else range(self.wiki_count + 1)
        hits = []
        for w in ws:
            i = self._leaf_for(3, struct.pack("<HQ", w, pid))
            if i < 0:
                continue
            for ww, p, n in self.leaf(3, i):
                if (ww, p) == (w, pid):
                    e = self.entry(n)
                    carries = e.get("page_id") == pid if "page_id" in e else bool(e.get("revisions"))
                    if not carries or "current" in e or e["wiki"] != w:
                        corrupt("ID index names an entry without this page ID")
                    self.content(n)
                    hits.append([self.wikis[w - 1][0].decode() if w else None, n])
        if wiki:
            return dict(entry=hits[0][1] if hits else None)
        return dict(choices=hits)

    def title_run(self, f):
        i = self._leaf_for(2, f)
        if i < 0:
            return []
        return [x for x in self.leaf(2, i) if x[0] == f]

    def by_title(self, query, mode, wiki):
        q = query.encode()
        run = self.title_run(fold(q))
        if wiki:
            run = [x for x in run if x[4] == self.wiki_no(wiki)]
        # Tiers: titles exactly, then (typed) as the item's wiki names the
        # page (its case rule, 2.1); then aliases and former titles so; then
        # (typed) the whole run.
        def named(w, b):
            return collapse(b) if w in self.case_sensitive else mwform(b)
        exact = lambda x: x[3] == q
        same = lambda x: named(x[4], x[3]) == named(x[4], q)
        levels = [("exact", lambda x: x[2] == 0 and exact(x))]
        if mode == "typed":
            levels += [("mediawiki", lambda x: x[2] == 0 and same(x))]
        levels += [("exact", lambda x: x[2] != 0 and exact(x))]
        if mode == "typed":
            levels += [("mediawiki", lambda x: x[2] != 0 and same(x)), ("folded", lambda x: True)]
        for name, pred in levels:
            hits = sorted((x for x in run if pred(x)), key=lambda x: x[2])
            if hits:
                seen, out = set(), []
                for x in hits:
                    if x[5] not in seen:
                        seen.add(x[5])
                        out.append([x[5], x[2]])
                        self.content(x[5])
                return dict(level=name, matches=out)
        return dict(level=None, matches=[])

    def category(self, name):
        items = self.root(4)
        keys = [it["key"] for it in items]
        below = [j for j, k in enumerate(keys) if k < name]
        start = below[-1] if below else 0
        out = []
        for j in range(start, len(keys)):
            if j > start and keys[j] > name:
                break
            for nm, n in self.leaf(4, j):
                if nm == name:
                    out.append(n)
        for n in out:
            self.entry(n)
        return dict(entries=out)

    def prefix(self, p):
        f = fold(p)
        items = self.root(2)
        start = max(0, self._leaf_for(2, f))
        out = []
        for j in range(start, len(items)):
            if j > start and not (items[j]["key"].startswith(f) or items[j]["key"] < f):
                break
            for x in self.leaf(2, j):
                if x[0].startswith(f):
                    out.append([x[3].decode(), x[2], self.wikis[x[4] - 1][0].decode() if x[4] else None, x[5]])
        for x in out:
            self.entry(x[3])
        return dict(items=out)

    def revisions(self, path):
        """The versions of the article at `path`: from an older version,
        through its CURRENT, checked both ways (FORMAT.md, Articles and
        versions)."""
        n = self.by_path(path)
        e = self.entry(n)
        if "current" in e:
            cur = self.entry(e["current"])
            if "current" in cur or n not in cur.get("revisions", []):
                corrupt("entry %d: its current version %d is an older version or does not list it" % (n, e["current"]))
            e = cur
        return dict(older=list(e.get("revisions", [])))

    def lookup(self, lk):
        self.trace = set()
        op = lk["op"]
        if op == "path":
            return dict(entry=self.by_path(lk["path"].encode()))
        if op == "id":
            return self.by_id(lk["wiki"], lk["id"])
        if op == "title":
            return self.by_title(lk["query"], lk["mode"], lk.get("wiki"))
        if op == "category":
            return self.category(lk["name"].encode())
        if op == "prefix":
            return self.prefix(lk["prefix"].encode())
        if op == "revisions":
            return self.revisions(lk["path"].encode())
        raise ValueError(op)

    # ------------------------------------------------------------ verify
    def verify(self):
        """Walk everything; raise the first problem's class after collecting."""
        problems = []
        self.check_auth = True      # a full walk checks every BLAKE2b, key or not (A36)

        def check(cond, msg):
            if not cond:
                problems.append(msg)

        if self.sig != bytes(160):
            self.check_signature(require_key=self.pubkey is not None)
        elif self.pubkey is not None:
            raise WpkError("untrusted", "archive is not signed")
        for K in (1, 2, 3, 4):
            self.root(K)
        E = [self.entry(n) for n in range(self.entry_count)]
        # pages tile PAGES
        spans = []
        for K in (1, 2, 3, 4):
            for i, it in enumerate(self.root(K)):
                self.leaf(K, i)
                spans.append((it["page_offset"], it["stored"]))
            sec = self.sec[K]
            if sec["flags"] & BRANCHED:
                c = Cur(self.section_raw(K), "root")
                n, _ = struct.unpack("<II", c.take(8))
                for it in self._parse_items(c, n, "root"):
                    spans.append((it["page_offset"], it["stored"]))
        check(tiles(spans, self.pages_size), "PAGES not tiled by the pages")
        # entries
        for k in range(1, len(E)):
            check(E[k - 1]["path"] < E[k]["path"], "entry %d: paths out of order" % k)
        for i, it in enumerate(self.root(1)):
            check(self.entry(it["first_item"])["path"] == it["key"], "entry page %d: first path differs from the root" % i)
        for e in E:
            check(valid_path(e["path"]), "entry %d: unsafe path" % e["n"])
            if "current" in e:
                cur = E[e["current"]]
                check(e["n"] in cur.get("revisions", []), "entry %d: CURRENT not answered by REVISIONS" % e["n"])
                check(cur["wiki"] == e["wiki"], "entry %d: versions across wikis" % e["n"])
                ids = {v["page_id"] for v in [cur] + [E[r] for r in cur.get("revisions", [])] if "page_id" in v}
                check(len(ids) <= 1, "entry %d: versions of one article with different page IDs" % e["n"])
            check(len(set(e.get("revisions", []))) == len(e.get("revisions", [])),
                  "entry %d: REVISIONS names an entry twice" % e["n"])
            for r in e.get("revisions", []):
                check(E[r].get("current") == e["n"], "entry %d: REVISIONS not answered by CURRENT" % e["n"])
            if e["flags"] & 4:
                pass
        # blocks
        refs = {}
        for e in E:
            if e["size"]:
                r = e["block"]
                old = refs.setdefault(r["offset"], r)
                check(old == r, "entries disagree about the block at %d" % r["offset"])
        covered = {}
        for e in E:
            if e["size"]:
                covered.setdefault(e["block"]["offset"], set()).add((e["offset"], e["size"]))
        for off, r in sorted(refs.items()):
            raw = self.block(r)
            spans_b = sorted(covered.get(off, ()))
            check(tiles([(a, s) for a, s in spans_b], len(raw), allow_same=True),
                  "block at %d: contents do not cover it exactly" % off)
        check(tiles([(r["offset"], r["stored"]) for r in refs.values()], self.data_size), "DATA not tiled by the blocks")
        check(len(refs) == self.block_count, "block_count")
        check(sum(r["raw"] for r in refs.values()) == self.unique_bytes, "unique_bytes")
        check(sum(e["size"] for e in E) == self.content_bytes, "content_bytes")
        # indexes
        cur_ok = lambda n: "current" not in E[n]
        titems = [x for i in range(len(self.root(2))) for x in self.leaf(2, i)]
        for i, it in enumerate(self.root(2)):
            check(self.leaf(2, i)[0][0] == it["key"], "title page %d: first key differs from the root" % i)
            if i:
                check(self.leaf(2, i - 1)[-1][0] != it["key"], "title page %d starts inside a run" % i)
        check([(x[0], x[4], x[2], x[5]) for x in titems] == sorted((x[0], x[4], x[2], x[5]) for x in titems),
              "title items out of order")
        want = set()
        for e in E:
            if "title" in e and "current" not in e:
                want.add((fold(e["title"]), e["wiki"], 0, e["n"], e["title"]))
            if "title" in e and "current" in e and e["title"] != E[e["current"]].get("title"):
                want.add((fold(e["title"]), e["wiki"], 2, e["current"], e["title"]))
        have = {(x[0], x[4], x[2], x[5], x[3]) for x in titems}
        check(want <= have, "title items missing: %s" % sorted(want - have))
        for x in titems:
            check(fold(x[3]) == x[0], "title item key is not the folded display")
            check(cur_ok(x[5]), "title item names an older version")
            check(E[x[5]]["wiki"] == x[4], "title item wiki differs from its entry's")
            if x[2] == 0:
                check(E[x[5]].get("title") == x[3], "title item names an entry with another title")
        iitems = [x for i in range(len(self.root(3))) for x in self.leaf(3, i)]
        check(iitems == sorted(iitems), "ID items out of order")
        for i, it in enumerate(self.root(3)):
            check(struct.pack("<HQ", *self.leaf(3, i)[0][:2]) == it["key"], "ID page %d: first key" % i)
            if i:
                check(self.leaf(3, i - 1)[-1][:2] != self.leaf(3, i)[0][:2], "ID page %d starts inside a run" % i)
        # One item an article with a page ID (its current version's, else
        # the one its older versions carry), naming the current version.
        def article_id(e):
            if "page_id" in e:
                return e["page_id"]
            return next((E[r]["page_id"] for r in e.get("revisions", []) if "page_id" in E[r]), None)
        want = {(e["wiki"], article_id(e), e["n"]) for e in E if "current" not in e and article_id(e) is not None}
        check(set(iitems) == want, "ID items differ from the entries")
        citems = [x for i in range(len(self.root(4))) for x in self.leaf(4, i)]
        check(citems == sorted(citems), "category items out of order")
        for i, it in enumerate(self.root(4)):
            check(self.leaf(4, i)[0][0] == it["key"], "category page %d: first key" % i)
        want = {(c, e["n"]) for e in E if "current" not in e for c in e["categories"]}
        check(set(citems) == want and len(citems) == len(want), "category items differ from the entries")
        if problems:
            raise WpkError("corrupt", "%d problem(s) found: %s" % (len(problems), "; ".join(problems[:3])))


def tiles(spans, size, allow_same=False):
    """The spans, in order, follow each other from 0 to size; allow_same:
    equal spans count once (deduplicated contents), other overlaps do not."""
    pos = 0
    for a, s in sorted(set(spans) if allow_same else spans):
        if a != pos:
            return False
        pos = a + s
    return pos == size


def unframe(stored, raw_size, dctx, what):
    """Exactly one zstd frame of exactly raw_size bytes."""
    try:
        p = zstandard.get_frame_parameters(stored)
    except zstandard.ZstdError:
        corrupt("%s is not a zstd frame" % what)
    if p.content_size != raw_size:
        corrupt("%s: frame content size is not %d" % (what, raw_size))
    if raw_size > PAGE_CAP and what != "block":
        raise WpkError("limit", "%s over the cap" % what)
    try:
        d = (dctx or zstandard.ZstdDecompressor()).decompressobj()
        out = d.decompress(stored)
    except zstandard.ZstdError:
        corrupt("%s does not decompress" % what)
    if len(out) != raw_size or not d.eof or d.unused_data:
        corrupt("%s does not decompress to exactly %d bytes in one frame" % (what, raw_size))
    return out


# ---------------------------------------------------------------- the checks

def attempt(f):
    try:
        return ("ok", f())
    except WpkError as e:
        return (e.cls, str(e))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: check_witness.py OUTDIR\n")
        return 2
    out = argv[1]
    m = json.load(open(os.path.join(out, "manifest.json")))
    keys = {k: bytes.fromhex(v) for k, v in m["keys"].items()}
    fails = []
    n_checks = 0

    def bad(msg):
        fails.append(msg)
        print("FAIL " + msg)

    def load(f):
        return open(os.path.join(out, f), "rb").read()

    valid = {}
    for v in m["valid"]:
        data = load(v["file"])
        name = v["file"]
        valid[name] = v
        for key in ([None] + ([keys[v["signed_by"]]] if v.get("signed_by") else [])):
            r = attempt(lambda: Reader(data, key))
            if r[0] != "ok":
                bad("%s: open%s: %s" % (name, " with key" if key else "", r[1]))
                continue
            rd = r[1]
            n_checks += 1
            for e in v["entries"]:
                got = attempt(lambda: rd.fields(e["n"]))
                n_checks += 1
                if got != ("ok", e):
                    bad("%s: entry %d: %s, expected %s" % (name, e["n"], got, e))
            for i, lk in enumerate(v["lookups"]):
                got = attempt(lambda: rd.lookup(lk))
                n_checks += 1
                if got != ("ok", lk["expect"]):
                    bad("%s: lookup %d %s: %s" % (name, i, {k: x for k, x in lk.items() if k != "expect"}, got))
            got = attempt(lambda: Reader(data, key).verify())
            n_checks += 1
            if got[0] != "ok":
                bad("%s: verify%s: %s" % (name, " with key" if key else "", got[1]))
        r = attempt(lambda: Reader(data))
        if r[0] == "ok":
            rd = r[1]
            got = dict(entry_count=rd.entry_count, block_count=rd.block_count, wiki_count=rd.wiki_count,
                       content_bytes=rd.content_bytes, unique_bytes=rd.unique_bytes,
                       prefix_size=rd.prefix_size, file_size=rd.file_size)
            n_checks += 1
            if got != v["header"]:
                bad("%s: header %s, expected %s" % (name, got, v["header"]))
            wk = [dict(number=i + 1, name=w[0].decode(), language=w[1].decode(), url_base=w[2].decode(),
                       site_name=w[3].decode()) for i, w in enumerate(rd.wikis)]
            n_checks += 1
            if wk != v["wikis"]:
                bad("%s: wikis %s, expected %s" % (name, wk, v["wikis"]))

    for v in m["invalid"]:
        name = v["file"]
        data = load(v["file"])
        base = valid[v["base"]]
        o = v["outcome"]
        opened = attempt(lambda: Reader(data))
        n_checks += 1
        if o == "open":
            if opened[0] != v["error"]:
                bad("%s: open gave %s, expected %s" % (name, opened, v["error"]))
            continue
        if opened[0] != "ok":
            bad("%s: open failed (%s), expected it to succeed" % (name, opened[1]))
            continue
        for f in v["fails"]:
            rd = Reader(data)
            got = attempt(lambda: rd.lookup(f))
            n_checks += 1
            if o in ("first-use", "lookup") and got[0] != v["error"]:
                bad("%s: lookup %s gave %s, expected %s" % (name, f, got, v["error"]))
        for i in v.get("ok", []):
            lk = base["lookups"][i]
            rd = Reader(data)
            got = attempt(lambda: rd.lookup(lk))
            n_checks += 1
            if got != ("ok", lk["expect"]):
                bad("%s: ok-lookup %d %s gave %s" % (name, i, {k: x for k, x in lk.items() if k != "expect"}, got))
        got = attempt(lambda: Reader(data).verify())
        n_checks += 1
        want = "ok" if v["verify"] is True else None if v["verify"] is None else v["error"]
        if o == "pubkey" and v["verify"] is False:
            want = v["error"]
        if want is not None and got[0] != want:
            bad("%s: verify gave %s, expected %s" % (name, got, want))
        pk = v.get("pubkey")
        if pk:
            key = keys[pk["key"]]
            got = attempt(lambda: Reader(data, key))
            n_checks += 1
            if pk["open"]:
                if got[0] != pk["open"]:
                    bad("%s: open with key gave %s, expected %s" % (name, got, pk["open"]))
                continue
            if got[0] != "ok":
                bad("%s: open with key failed: %s" % (name, got[1]))
                continue
            for f in pk["fails"]:
                rd = Reader(data, key)
                got = attempt(lambda: rd.lookup(f))
                n_checks += 1
                if got[0] != pk["error"]:
                    bad("%s: lookup %s with key gave %s, expected %s" % (name, f, got, pk["error"]))
            got = attempt(lambda: Reader(data, key).verify())
            n_checks += 1
            if got[0] != pk["error"]:
                bad("%s: verify with key gave %s, expected %s" % (name, got, pk["error"]))
    print("check_witness.py: %d checks, %d failed" % (n_checks, len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
