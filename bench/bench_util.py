#!/usr/bin/python3
"""bench_util.py - helpers for run_bench.sh and scale.sh (standard library,
plus python3-libzim for `zim-pack`).

    bench_util.py copy-md SRC DST            copy the .md files of SRC into DST, keeping paths
    bench_util.py stats DIR                  print "FILES BYTES" (regular files, recursively)
    bench_util.py readlist DIR N SEED OUT    pick N files at random (fixed seed) and write
                                             PATH<TAB>TITLE<TAB>PAGEID lines to OUT
    bench_util.py readlist-jsonl FILE N SEED OUT   the same for the records of a JSON Lines
                                             file packed alone (paths as `wikipack pack`
                                             names them: STEM/TITLE.txt)
    bench_util.py zim-pack DIR OUT.zim       write a ZIM with python3-libzim's Creator, defaults
    bench_util.py proc-commands TOOL KEY ARCHIVE LIST OUT   one command line per pick that has
                                             KEY (id|title|path), tab-separated, for proc_bench:
                                             TOOL is the wikipack binary, or "zimdump" (path only)
    bench_util.py sqlar-read SQLAR LIST [--no-fresh]   read latency through python's sqlite3
    bench_util.py machine                    Markdown lines describing this machine
    bench_util.py report RESULTS_DIR         the Markdown report of run_bench.sh
    bench_util.py median                     median of the numbers on stdin

A file's title is its first line when that line is '# Title', otherwise none
(ZIM then gets the path as title, as the benchmark's brief says); its page ID
comes from a 'Page ID:' line in its first 8 KiB (the corpus's metadata block).
The read list asks for a title only for articles: '# Title' and an
'## Article Metadata' or '## Metadata' block (not a folder's README.md, whose
'# folder' line wikipack does not take as a title).
"""
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
import zlib

PAGE_ID_RE = re.compile(rb"Page ID:\**\s*(\d+)")


def walk_files(top):
    """Relative paths of the regular files below top, sorted (bytewise)."""
    out = []
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for f in files:
            full = os.path.join(root, f)
            if os.path.isfile(full) and not os.path.islink(full):
                out.append(os.path.relpath(full, top).replace(os.sep, "/"))
    out.sort(key=lambda s: s.encode("utf-8", "surrogateescape"))
    return out


def file_meta(full):
    """(title or None, page_id or None) of one file."""
    with open(full, "rb") as f:
        head = f.read(8192)
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    title = None
    if first.startswith(b"# "):
        try:
            t = first[2:].decode("utf-8").strip()
            if t and "\t" not in t:
                title = t
        except UnicodeDecodeError:
            pass
    m = PAGE_ID_RE.search(head)
    return title, (int(m.group(1)) if m else None)


def is_article(head_title, full):
    """An article (not a folder index such as README.md): '# Title' and a metadata block."""
    if head_title is None:
        return False
    with open(full, "rb") as f:
        head = f.read(8192)
    return b"\n## Article Metadata" in head or b"\n## Metadata" in head


def cmd_copy_md(src, dst):
    n = 0
    for rel in walk_files(src):
        if rel.endswith(".md"):
            target = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(src, rel), target)
            n += 1
    print(n)


def cmd_stats(top):
    files = total = 0
    for root, _dirs, names in os.walk(top):
        for f in names:
            full = os.path.join(root, f)
            if os.path.isfile(full) and not os.path.islink(full):
                files += 1
                total += os.path.getsize(full)
    print(files, total)


def cmd_readlist(top, n, seed, out):
    files = [p for p in walk_files(top) if "\t" not in p and "\n" not in p]
    if not files:
        sys.exit("readlist: no files in %s" % top)
    rng = random.Random(seed)
    picks = rng.sample(files, n) if n <= len(files) else [rng.choice(files) for _ in range(n)]
    titles = ids = 0
    with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
        for rel in picks:
            full = os.path.join(top, rel)
            title, pid = file_meta(full)
            if not is_article(title, full):
                title = None  # e.g. a folder's README.md: '# folder name', no metadata
            titles += title is not None
            ids += pid is not None
            f.write("%s\t%s\t%s\n" % (rel, title or "", "" if pid is None else pid))
    print("%d picks (%d with a title, %d with a page ID) from %d files" % (len(picks), titles, ids, len(files)))


def write_zim(top, out, title_of=None, index_lang=None):
    """Write every file below top as one ZIM item (path = relative path).
    title_of(rel, full) gives an item's title (default: the '# Title' line,
    else the path). With index_lang, libzim also writes its full-text
    (Xapian) index: libzim indexes only text/html by itself, so each item
    hands it the file's text as plain content."""
    from libzim.writer import Creator, FileProvider, Hint, IndexData, Item

    class FileIndexData(IndexData):
        def __init__(self, title, text):
            super().__init__()
            self.title, self.text = title, text

        def has_indexdata(self):
            return True

        def get_title(self):
            return self.title

        def get_content(self):
            return self.text

        def get_keywords(self):
            return ""

        def get_wordcount(self):
            return len(self.text.split())

        def get_geoposition(self):
            return None

    class FileItem(Item):
        def __init__(self, rel, full, title):
            super().__init__()
            self.rel, self.full, self.title = rel, full, title

        def get_path(self):
            return self.rel

        def get_title(self):
            return self.title

        def get_mimetype(self):
            return "text/markdown"

        def get_contentprovider(self):
            return FileProvider(self.full)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: True}

        def get_indexdata(self):
            if not index_lang:
                return None
            with open(self.full, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            return FileIndexData(self.title, text)

    if title_of is None:
        title_of = lambda rel, full: file_meta(full)[0] or rel
    n = 0
    with Creator(out).config_indexing(bool(index_lang), index_lang or "eng") as creator:
        for rel in walk_files(top):
            full = os.path.join(top, rel)
            creator.add_item(FileItem(rel, full, title_of(rel, full)))
            n += 1
    return n


def cmd_zim_pack(top, out):
    print("zim-pack: %d items" % write_zim(top, out))


def record_path(stem, title):
    """The entry path `wikipack pack` gives a JSON Lines record (pack_paths.c:
    spaces as '_'; '%', '/', '\\', control bytes and a leading '.'
    %-encoded); long titles and repeated paths, which it shortens or
    numbers, are not in the generated corpora."""
    out = []
    for i, ch in enumerate(title.encode("utf-8")):
        if ch == 0x20:
            out.append(b"_")
        elif ch < 0x20 or ch == 0x7F or ch in b"%/\\" or (i == 0 and ch == 0x2E):
            out.append(b"%%%02X" % ch)
        else:
            out.append(bytes([ch]))
    return "%s/%s.txt" % (stem, b"".join(out).decode("utf-8"))


def cmd_readlist_jsonl(path, n, seed, out):
    with open(path, "rb") as f:
        count = sum(1 for _ in f)
    if not count:
        sys.exit("readlist-jsonl: no records in %s" % path)
    rng = random.Random(seed)
    lines = rng.sample(range(count), n) if n <= count else [rng.randrange(count) for _ in range(n)]
    wanted = set(lines)
    got = {}
    with open(path, "rb") as f:
        for i, line in enumerate(f):
            if i in wanted:
                got[i] = json.loads(line)
    stem = os.path.basename(path).split(".", 1)[0]
    with open(out, "w", encoding="utf-8") as f:
        for i in lines:
            r = got[i]
            pid = r.get("page_id", "")
            f.write("%s\t%s\t%s\n" % (record_path(stem, r["title"]), r["title"], pid))
    print("%d picks from %d records" % (len(lines), count))


def pct(values, p):
    v = sorted(values)
    k = (len(v) * p + 99) // 100
    return v[k - 1 if k else 0]


def cmd_sqlar_read(db, listfile, fresh=True):
    import sqlite3
    names = []
    with open(listfile, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            path = line.rstrip("\n").split("\t")[0]
            if path:
                names.append("./" + path)  # sqlite3 -A -c -C DIR . stores ./PATH
    q = "SELECT sz, data FROM sqlar WHERE name=?"

    def read(con, name):
        row = con.execute(q, (name,)).fetchone()
        if row is None:
            return None
        sz, data = row
        if data is not None and len(data) != sz:
            data = zlib.decompress(data)
        return data

    def report(mode, t, misses):
        if t:
            print("RESULT %s name %.1f %.1f %d %d" % (mode, pct(t, 50), pct(t, 99), len(t), misses))
        else:
            print("RESULT %s name - - 0 %d" % (mode, misses))
        sys.stdout.flush()

    con = sqlite3.connect(db)
    t, misses = [], 0
    for name in names:
        t0 = time.perf_counter()
        data = read(con, name)
        t1 = time.perf_counter()
        if data is None:
            misses += 1
        else:
            t.append((t1 - t0) * 1e6)
    con.close()
    report("warm", t, misses)
    if not fresh:
        return
    t, topen, misses = [], [], 0
    for name in names:
        t0 = time.perf_counter()
        con = sqlite3.connect(db)
        t1 = time.perf_counter()
        data = read(con, name)
        con.close()
        t2 = time.perf_counter()
        if data is None:
            misses += 1
        else:
            t.append((t2 - t0) * 1e6)
            topen.append((t1 - t0) * 1e6)
    report("fresh", t, misses)
    report("open", topen, 0)


def read_first(path, default="?"):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def cmd_machine():
    cpu = "?"
    for line in read_first("/proc/cpuinfo", "").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in read_first("/proc/meminfo", "").splitlines():
        if line.startswith("MemTotal:"):
            mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    load = read_first("/proc/loadavg", "? ? ?").split()[:3]
    print("- date: %s" % time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("- machine: %d cores (nproc), %s, %s RAM, kernel %s, load average %s at start"
          % (os.cpu_count() or 0, cpu, mem, os.uname().release, " ".join(load)))


# ---- report ------------------------------------------------------------------

def read_tsv(path):
    rows = []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if line:
                    rows.append(line.split("\t"))
    except FileNotFoundError:
        pass
    return rows


def fmt_int(x):
    return "{:,}".format(int(x))


def fmt_num(x, nd=1):
    return ("{:,.%df}" % nd).format(x)


def fmt_us(x):
    if x is None:
        return "—"
    return fmt_num(x, 0) if x >= 100 else fmt_num(x, 1)


def cmd_proc_commands(tool, key, archive, lst, out):
    n = 0
    with open(lst, encoding="utf-8", errors="surrogateescape") as f, \
            open(out, "w", encoding="utf-8", errors="surrogateescape") as o:
        for line in f:
            path, title, pid = (line.rstrip("\n").split("\t") + ["", ""])[:3]
            value = {"id": pid, "title": title, "path": path}[key]
            if not value:
                continue
            if tool == "zimdump":
                argv = ["zimdump", "show", "--url=" + value, archive]
            else:
                argv = [tool, "get", "--" + key, value, archive]
            o.write("\t".join(argv) + "\n")
            n += 1
    print(n)


def cmd_report(d):
    meta = dict((r[0], r[1] if len(r) > 1 else "") for r in read_tsv(os.path.join(d, "meta.tsv")))
    pack = read_tsv(os.path.join(d, "pack.tsv"))
    reads = read_tsv(os.path.join(d, "reads.tsv"))
    verify = read_tsv(os.path.join(d, "verify.tsv"))
    notes = [r[0] for r in read_tsv(os.path.join(d, "notes.tsv"))]
    corpus_bytes = int(meta.get("corpus_bytes", "0") or 0)
    out = []
    w = out.append
    w("## %s" % meta.get("title", "wikipack benchmark"))
    w("")
    for line in read_first(os.path.join(d, "machine.md"), "").splitlines():
        w(line)
    w("- corpus: `%s` — %s files, %s bytes%s" % (meta.get("corpus", "?"), fmt_int(meta.get("corpus_files", 0)),
                                                fmt_int(corpus_bytes), meta.get("corpus_note", "")))
    w("- reads: %s random files (seed %s; %s); each latency is the median over %s run(s) of that run's p50/p99"
      % (meta.get("reads", "?"), meta.get("seed", "?"), meta.get("readlist", ""), meta.get("runs", "?")))
    w("- command: `%s`" % meta.get("command", "?"))
    w("- tools: %s" % meta.get("versions", "?"))
    w("")

    solid = None
    for r in pack:
        if r[0].startswith("solid") and r[1] not in ("", "-"):
            solid = int(r[1])
    w("### Size and pack time")
    w("")
    w("| system | archive bytes | × solid tar+zstd | input ÷ archive | pack wall s | peak RSS MiB | random access |")
    w("|---|--:|--:|--:|--:|--:|---|")
    for r in pack:
        name, size, secs, kb, access = (r + ["", "", "", "", ""])[:5]
        if size in ("", "-"):
            w("| %s | — | — | — | %s | %s | %s |" % (name, secs or "—", "—", access))
            continue
        size_i = int(size)
        x_solid = fmt_num(size_i / solid, 2) + "×" if solid else "—"
        ratio = fmt_num(corpus_bytes / size_i, 2) + "×" if size_i else "—"
        mib = fmt_num(int(kb) / 1024, 0) if kb not in ("", "-") else "—"
        w("| %s | %s | %s | %s | %s | %s | %s |" % (name, fmt_int(size_i), x_solid, ratio,
                                                   secs if secs not in ("", "-") else "—", mib, access))
    w("")

    if reads:
        # rows: system run mode key p50 p99 n misses
        agg = {}
        order = []
        for r in reads:
            system, _run, mode, key, p50, p99, n, misses = (r + [""] * 8)[:8]
            k = (system, key)
            if k not in agg:
                agg[k] = {}
                order.append(k)
            slot = agg[k].setdefault(mode, {"p50": [], "p99": [], "n": 0, "misses": 0})
            if p50 not in ("-", ""):
                slot["p50"].append(float(p50))
                slot["p99"].append(float(p99))
            slot["n"] = max(slot["n"], int(n or 0))
            slot["misses"] = max(slot["misses"], int(misses or 0))

        def med(slot, which):
            if not slot or not slot[which]:
                return None
            return statistics.median(slot[which])

        w("### Random reads, µs (lookup + read of one article)")
        w("")
        w("| system | key | warm p50 | warm p99 | fresh p50 | fresh p99 | open only p50 | new process p50 | new process p99 | reads (misses) |")
        w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        for (system, key) in order:
            m = agg[(system, key)]
            warm, fresh, op, proc = m.get("warm"), m.get("fresh"), m.get("open"), m.get("process")
            n = max(s["n"] for s in m.values())
            misses = max(s["misses"] for s in m.values())
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                system, key, fmt_us(med(warm, "p50")), fmt_us(med(warm, "p99")), fmt_us(med(fresh, "p50")),
                fmt_us(med(fresh, "p99")), fmt_us(med(op, "p50")), fmt_us(med(proc, "p50")), fmt_us(med(proc, "p99")),
                fmt_int(n) + (" (%d)" % misses if misses else "")))
        w("")

    if verify:
        w("### Full verify")
        w("")
        w("| system | command | what it checks | wall s | MB/s of article bytes |")
        w("|---|---|---|--:|--:|")
        for r in verify:
            system, command, what, secs = (r + ["", "", "", ""])[:4]
            if secs in ("", "-"):
                w("| %s | %s | %s | — | — |" % (system, command, what))
            else:
                s = float(secs)
                rate = fmt_num(corpus_bytes / 1e6 / s, 0) if s > 0 else "—"
                w("| %s | `%s` | %s | %s | %s |" % (system, command, what, fmt_num(s, 3), rate))
        w("")
    if notes:
        w("### Notes")
        w("")
        for n in notes:
            w("- " + n)
        w("")
    print("\n".join(out))


def cmd_median():
    vals = [float(x) for x in sys.stdin.read().split()]
    if not vals:
        sys.exit(1)
    print("%.6f" % statistics.median(vals))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "copy-md" and len(args) == 2:
        cmd_copy_md(*args)
    elif cmd == "stats" and len(args) == 1:
        cmd_stats(args[0])
    elif cmd == "readlist" and len(args) == 4:
        cmd_readlist(args[0], int(args[1]), int(args[2]), args[3])
    elif cmd == "readlist-jsonl" and len(args) == 4:
        cmd_readlist_jsonl(args[0], int(args[1]), int(args[2]), args[3])
    elif cmd == "zim-pack" and len(args) == 2:
        cmd_zim_pack(*args)
    elif cmd == "proc-commands" and len(args) == 5 and args[1] in ("id", "title", "path"):
        cmd_proc_commands(*args)
    elif cmd == "sqlar-read" and len(args) in (2, 3):
        cmd_sqlar_read(args[0], args[1], fresh="--no-fresh" not in args[2:])
    elif cmd == "machine" and not args:
        cmd_machine()
    elif cmd == "report" and len(args) == 1:
        cmd_report(args[0])
    elif cmd == "median" and not args:
        cmd_median()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
