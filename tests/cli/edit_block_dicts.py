#!/usr/bin/python3
"""Rewrite the BLOCK_DICTS section of a format 2.2 archive (spec/FORMAT.md,
Block dictionaries) and make every checksum right again, so that the lie
reaches the reader's own rules: only checksums cannot catch it.

usage: edit_block_dicts.py IN.wpk OUT.wpk EDIT
EDIT is Python evaluated with `runs` (a list of dicts: start, form,
stored_size, raw_size, checksum, auth) and `data_size` in scope, e.g.
"runs[1]['start'] -= 1" or "runs.append(dict(runs[-1], start=data_size - 1))".
"""
import struct
import sys

import xxhash
import zstandard

BLOCK_DICTS = 11
F_ZSTD = 2


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def read_varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def decode(raw):
    n, i = read_varint(raw, 0)
    runs, start = [], 0
    for _ in range(n):
        step, i = read_varint(raw, i)
        start += step
        r = dict(start=start, form=raw[i])
        i += 1
        if r["form"]:
            r["stored_size"], i = read_varint(raw, i)
            r["raw_size"], i = read_varint(raw, i)
            r["checksum"] = struct.unpack_from("<Q", raw, i)[0]
            r["auth"] = raw[i + 8:i + 40]
            i += 40
        runs.append(r)
    assert i == len(raw), "bytes after the runs"
    return runs


def encode(runs):
    out, prev = bytearray(varint(len(runs))), 0
    for r in runs:
        out += varint(r["start"] - prev) + bytes([r["form"]])
        prev = r["start"]
        if r["form"]:
            out += varint(r["stored_size"]) + varint(r["raw_size"])
            out += struct.pack("<Q", r["checksum"]) + bytes(r["auth"])
    return bytes(out)


def main():
    src, dst, edit = sys.argv[1:4]
    b = bytearray(open(src, "rb").read())
    count = struct.unpack_from("<I", b, 72)[0]  # header: spec/FORMAT.md, Header
    secs = [list(struct.unpack_from("<IIQQQQQ", b, 128 + 48 * k)) for k in range(count)]
    k = next(k for k, s in enumerate(secs) if s[0] == BLOCK_DICTS)
    typ, flags, off, stored, raw_size, _, _ = secs[k]
    raw = bytes(b[off:off + stored])
    if flags & F_ZSTD:
        raw = zstandard.ZstdDecompressor().decompress(raw, max_output_size=raw_size)
    data = next(s for s in secs if s[0] == 10)
    runs = decode(raw)
    exec(edit, {}, dict(runs=runs, data_size=data[3]))
    new_raw = encode(runs)
    new = zstandard.ZstdCompressor(level=19, write_checksum=False).compress(new_raw) if flags & F_ZSTD else new_raw
    grow = len(new) - stored
    b[off:off + stored] = new
    for s in secs:  # the sections after it move
        if s[2] > off:
            s[2] += grow
    secs[k][3] = len(new)
    secs[k][4] = len(new_raw)
    secs[k][5] = xxhash.xxh3_64_intdigest(new)
    table = b"".join(struct.pack("<IIQQQQQ", *s) for s in secs)
    b[128:128 + len(table)] = table
    file_size, prefix = struct.unpack_from("<Q", b, 32)[0], struct.unpack_from("<Q", b, 80)[0]
    struct.pack_into("<Q", b, 32, file_size + grow)
    struct.pack_into("<Q", b, 80, prefix + grow)
    struct.pack_into("<Q", b, 88, xxhash.xxh3_64_intdigest(table))
    struct.pack_into("<Q", b, 120, xxhash.xxh3_64_intdigest(bytes(b[:120])))
    open(dst, "wb").write(b)


if __name__ == "__main__":
    main()
