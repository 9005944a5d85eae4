/* dump_source.c - a file or stream, decompressed (see dump_source.h) */
/*
 * The native decoders handle what most dumps are (bzip2, gzip, zstd, and
 * their concatenated streams); libarchive handles the containers and
 * filters they do not (7z, xz). Every read goes through imp_source_read,
 * which first returns what a peek kept.
 */
#include "dump_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <bzlib.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#define CHUNK (64 * 1024)

typedef enum { SRC_PLAIN, SRC_GZIP, SRC_BZIP2, SRC_ZSTD, SRC_7Z, SRC_XZ } src_kind;

struct imp_source {
    FILE *f;
    int own_f;                   /* opened here (not the caller's stream) */
    const char *path;
    src_kind kind;
    unsigned char in[CHUNK];     /* compressed input (or the first plain chunk) */
    size_t in_pos, in_len;
    int in_eof;
    int ready;                   /* the decompressor is initialised */
    int member_end;              /* gzip member / bzip2 stream finished */
    int members;                 /* how many have finished */
    z_stream z;
    bz_stream bz;
    ZSTD_DStream *zs;
    size_t zret;                 /* last ZSTD_decompressStream result: 0 = frame complete */
    struct archive *ar;          /* 7z and xz */
    int ar_done;
    unsigned char *peek;         /* decompressed bytes peeked and not yet read */
    size_t peek_pos, peek_len;
    FILE *stdio;                 /* imp_source_stdio's stream */
    char *why;
    size_t why_cap;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static long src_fail(imp_source *s, const char *fmt, ...)
{
    if (s->why && s->why_cap) {
        int n = snprintf(s->why, s->why_cap, "%s: ", s->path);
        if (n >= 0 && (size_t)n < s->why_cap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(s->why + n, s->why_cap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

/* Makes input available: 1 if some is, 0 at the end of the file, -1 on error. */
static int src_refill(imp_source *s)
{
    if (s->in_pos < s->in_len) return 1;
    if (s->in_eof) return 0;
    size_t n = fread(s->in, 1, sizeof s->in, s->f);
    s->in_pos = 0;
    s->in_len = n;
    if (n == 0) {
        if (ferror(s->f)) return (int)src_fail(s, "read error: %s", strerror(errno));
        s->in_eof = 1;
        return 0;
    }
    return 1;
}

/* ---- libarchive: 7z and xz ---- */

/* libarchive reads what src_open already took from the stream, then the rest. */
static la_ssize_t ar_read(struct archive *a, void *ud, const void **buf)
{
    (void)a;
    imp_source *s = ud;
    int r = src_refill(s);
    if (r < 0) return -1;
    *buf = s->in + s->in_pos;
    size_t n = s->in_len - s->in_pos;
    s->in_pos = s->in_len;
    return (la_ssize_t)n;
}

static int is_regular_file(FILE *f)
{
    struct stat st;
    return fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
}

/* The next regular file of a 7z: 1, 0 when there is none, -1 on error. */
static int ar_next_file(imp_source *s, const char **name)
{
    struct archive_entry *e;
    for (;;) {
        int r = archive_read_next_header(s->ar, &e);
        if (r == ARCHIVE_EOF) return 0;
        if (r < ARCHIVE_WARN) return (int)src_fail(s, "%s: %s", s->kind == SRC_7Z ? "7z" : "xz", archive_error_string(s->ar));
        if (s->kind == SRC_XZ || archive_entry_filetype(e) == AE_IFREG) {
            *name = archive_entry_pathname(e);
            return 1;
        }
    }
}

static int open_archive(imp_source *s)
{
    s->ar = archive_read_new();
    if (!s->ar) return (int)src_fail(s, "out of memory");
    if (s->kind == SRC_7Z) {
        /* 7z keeps its index at its end: the file is read with seeks. */
        if (!is_regular_file(s->f))
            return (int)src_fail(s, "7z: a .7z cannot be read from a pipe (its index is at its end): give the file itself");
        archive_read_support_format_7zip(s->ar);
        if (archive_read_open_filename(s->ar, s->path, CHUNK) != ARCHIVE_OK)
            return (int)src_fail(s, "7z: %s", archive_error_string(s->ar));
    } else {
        archive_read_support_filter_xz(s->ar);
        archive_read_support_format_raw(s->ar);
        if (archive_read_open(s->ar, s, NULL, ar_read, NULL) != ARCHIVE_OK)
            return (int)src_fail(s, "xz: %s", archive_error_string(s->ar));
    }
    const char *name = NULL;
    int r = ar_next_file(s, &name);
    if (r < 0) return -1;
    if (r == 0) return (int)src_fail(s, "7z: the archive holds no file");
    return 0;
}

static long read_archive(imp_source *s, unsigned char *out, size_t cap)
{
    if (s->ar_done) return 0;
    la_ssize_t n = archive_read_data(s->ar, out, cap);
    if (n < 0) return src_fail(s, "%s: %s", s->kind == SRC_7Z ? "7z" : "xz", archive_error_string(s->ar));
    if (n > 0) return (long)n;
    s->ar_done = 1;
    if (s->kind == SRC_7Z) {
        /* Lose nothing: a second file would not be read, so it is an error. */
        const char *name = NULL;
        int r = ar_next_file(s, &name);
        if (r < 0) return -1;
        if (r > 0) return src_fail(s, "7z: the archive holds more than one file (\"%.200s\" too): one dump a .7z", name);
    }
    return 0;
}

static long read_plain(imp_source *s, unsigned char *out, size_t cap)
{
    if (s->in_pos < s->in_len) {
        size_t n = s->in_len - s->in_pos;
        if (n > cap) n = cap;
        memcpy(out, s->in + s->in_pos, n);
        s->in_pos += n;
        return (long)n;
    }
    if (s->in_eof) return 0;
    size_t n = fread(out, 1, cap, s->f);
    if (n == 0) {
        if (ferror(s->f)) return src_fail(s, "read error: %s", strerror(errno));
        s->in_eof = 1;
    }
    return (long)n;
}

static long read_gzip(imp_source *s, unsigned char *out, size_t cap)
{
    for (;;) {
        int r = src_refill(s);
        if (r < 0) return -1;
        if (s->member_end) {
            if (r == 0) return 0;
            /* Another gzip member follows (as `cat a.gz b.gz` makes). */
            inflateReset(&s->z);
            s->member_end = 0;
        }
        s->z.next_in = s->in + s->in_pos;
        s->z.avail_in = (uInt)(s->in_len - s->in_pos);
        s->z.next_out = out;
        s->z.avail_out = (uInt)cap;
        int zr = inflate(&s->z, Z_NO_FLUSH);
        s->in_pos = s->in_len - s->z.avail_in;
        size_t got = cap - s->z.avail_out;
        if (zr == Z_STREAM_END) {
            s->member_end = 1;
            s->members++;
        } else if (zr == Z_BUF_ERROR) {
            /* No progress possible: the input is used up. */
            if (!got && s->in_pos == s->in_len && s->in_eof)
                return src_fail(s, "gzip: unexpected end of data (the file is truncated)");
        } else if (zr != Z_OK) {
            const char *msg = zr == Z_MEM_ERROR ? "out of memory" : s->z.msg ? s->z.msg : "corrupt data";
            if (s->members && s->z.total_out == 0 && zr == Z_DATA_ERROR)
                return src_fail(s, "gzip: %s in the data after the end of the gzip stream", msg);
            return src_fail(s, "gzip: %s (the file is corrupt)", msg);
        }
        if (got) return (long)got;
    }
}

static const char *bz_error(int r)
{
    switch (r) {
    case BZ_DATA_ERROR: return "data is corrupt";
    case BZ_DATA_ERROR_MAGIC: return "not bzip2 data";
    case BZ_MEM_ERROR: return "out of memory";
    default: return "decompression failed";
    }
}

static long read_bzip2(imp_source *s, unsigned char *out, size_t cap)
{
    for (;;) {
        int r = src_refill(s);
        if (r < 0) return -1;
        if (s->member_end) {
            if (r == 0) return 0;
            /* Another stream follows: multistream dumps are many concatenated streams. */
            BZ2_bzDecompressEnd(&s->bz);
            memset(&s->bz, 0, sizeof s->bz);
            if (BZ2_bzDecompressInit(&s->bz, 0, 0) != BZ_OK) {
                s->ready = 0;
                return src_fail(s, "bzip2: cannot initialise");
            }
            s->member_end = 0;
        }
        s->bz.next_in = (char *)(s->in + s->in_pos);
        s->bz.avail_in = (unsigned)(s->in_len - s->in_pos);
        s->bz.next_out = (char *)out;
        s->bz.avail_out = (unsigned)cap;
        int br = BZ2_bzDecompress(&s->bz);
        s->in_pos = s->in_len - s->bz.avail_in;
        size_t got = cap - s->bz.avail_out;
        if (br == BZ_STREAM_END) {
            s->member_end = 1;
            s->members++;
        } else if (br != BZ_OK) {
            if (s->members && br == BZ_DATA_ERROR_MAGIC)
                return src_fail(s, "bzip2: the data after the end of the bzip2 stream is not bzip2");
            return src_fail(s, "bzip2: %s", bz_error(br));
        } else if (!got && s->in_pos == s->in_len && s->in_eof) {
            return src_fail(s, "bzip2: unexpected end of data (the file is truncated)");
        }
        if (got) return (long)got;
    }
}

static long read_zstd(imp_source *s, unsigned char *out, size_t cap)
{
    for (;;) {
        int r = src_refill(s);
        if (r < 0) return -1;
        /* At the end of the input with the last frame complete and flushed. */
        if (r == 0 && s->zret == 0) return 0;
        ZSTD_inBuffer ib = {s->in, s->in_len, s->in_pos};
        ZSTD_outBuffer ob = {out, cap, 0};
        size_t zr = ZSTD_decompressStream(s->zs, &ob, &ib);
        s->in_pos = ib.pos;
        if (ZSTD_isError(zr)) return src_fail(s, "zstd: %s", ZSTD_getErrorName(zr));
        s->zret = zr;
        if (ob.pos) return (long)ob.pos;
        if (s->in_pos == s->in_len && s->in_eof) {
            if (s->zret == 0) return 0;
            return src_fail(s, "zstd: unexpected end of data (the file is truncated)");
        }
    }
}

/* Up to cap decompressed bytes: > 0, 0 at the end, -1 on error (why set). */
static long src_read(imp_source *s, unsigned char *out, size_t cap)
{
    switch (s->kind) {
    case SRC_GZIP: return read_gzip(s, out, cap);
    case SRC_BZIP2: return read_bzip2(s, out, cap);
    case SRC_ZSTD: return read_zstd(s, out, cap);
    case SRC_7Z:
    case SRC_XZ: return read_archive(s, out, cap);
    default: return read_plain(s, out, cap);
    }
}

static src_kind kind_of(const unsigned char *b, size_t n)
{
    if (n >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9') return SRC_BZIP2;
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) return SRC_GZIP;
    if (n >= 4 && ((b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) ||
                   ((b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18)))
        return SRC_ZSTD; /* a frame, or a skippable frame */
    if (n >= 6 && memcmp(b, "7z\xbc\xaf\x27\x1c", 6) == 0) return SRC_7Z;
    if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0) return SRC_XZ;
    return SRC_PLAIN;
}

int imp_source_is_compressed(const void *head, size_t n) { return kind_of(head, n) != SRC_PLAIN; }

static int src_start(imp_source *s)
{
    if (src_refill(s) < 0) return -1;
    s->kind = kind_of(s->in, s->in_len);
    switch (s->kind) {
    case SRC_BZIP2:
        if (BZ2_bzDecompressInit(&s->bz, 0, 0) != BZ_OK) return (int)src_fail(s, "bzip2: cannot initialise");
        break;
    case SRC_GZIP:
        if (inflateInit2(&s->z, 15 + 16) != Z_OK) return (int)src_fail(s, "gzip: cannot initialise");
        break;
    case SRC_ZSTD:
        s->zs = ZSTD_createDStream();
        if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs))) return (int)src_fail(s, "zstd: cannot initialise");
        s->zret = 1;
        break;
    case SRC_7Z:
    case SRC_XZ:
        if (open_archive(s) != 0) return -1;
        break;
    default: break;
    }
    s->ready = 1;
    return 0;
}

imp_source *imp_source_open(const char *path, FILE *stream, char *why, size_t why_cap)
{
    imp_source *s = calloc(1, sizeof *s);
    if (!s) {
        if (why && why_cap) snprintf(why, why_cap, "%s: out of memory", path);
        return NULL;
    }
    s->path = path;
    s->why = why;
    s->why_cap = why_cap;
    s->f = stream ? stream : fopen(path, "rb");
    s->own_f = !stream;
    if (!s->f) {
        src_fail(s, "cannot open: %s", strerror(errno));
        free(s);
        return NULL;
    }
    if (src_start(s) != 0) {
        imp_source_close(s);
        return NULL;
    }
    return s;
}

long imp_source_read(imp_source *s, void *out, size_t cap)
{
    if (s->peek_pos < s->peek_len) {
        size_t n = s->peek_len - s->peek_pos;
        if (n > cap) n = cap;
        memcpy(out, s->peek + s->peek_pos, n);
        s->peek_pos += n;
        return (long)n;
    }
    return src_read(s, out, cap);
}

long imp_source_peek(imp_source *s, const unsigned char **p, size_t want)
{
    if (want > IMP_SOURCE_PEEK_MAX) want = IMP_SOURCE_PEEK_MAX;
    if (!s->peek) {
        s->peek = malloc(IMP_SOURCE_PEEK_MAX);
        if (!s->peek) return src_fail(s, "out of memory");
    }
    if (s->peek_pos > 0) { /* keep what is left at the start */
        memmove(s->peek, s->peek + s->peek_pos, s->peek_len - s->peek_pos);
        s->peek_len -= s->peek_pos;
        s->peek_pos = 0;
    }
    while (s->peek_len < want) {
        long n = src_read(s, s->peek + s->peek_len, want - s->peek_len);
        if (n < 0) return -1;
        if (n == 0) break;
        s->peek_len += (size_t)n;
    }
    *p = s->peek;
    return (long)(s->peek_len < want ? s->peek_len : want);
}

const char *imp_source_kind(const imp_source *s)
{
    static const char *const names[] = {"plain", "gzip", "bzip2", "zstd", "7z", "xz"};
    return names[s->kind];
}

static ssize_t stdio_read(void *cookie, char *buf, size_t size)
{
    long n = imp_source_read(cookie, buf, size);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    return (ssize_t)n;
}

FILE *imp_source_stdio(imp_source *s)
{
    if (!s->stdio) {
        cookie_io_functions_t io = {.read = stdio_read};
        s->stdio = fopencookie(s, "r", io);
    }
    return s->stdio;
}

void imp_source_close(imp_source *s)
{
    if (!s) return;
    if (s->stdio) fclose(s->stdio);
    if (s->ready) {
        if (s->kind == SRC_GZIP) inflateEnd(&s->z);
        else if (s->kind == SRC_BZIP2) BZ2_bzDecompressEnd(&s->bz);
    }
    if (s->ar) archive_read_free(s->ar);
    if (s->zs) ZSTD_freeDStream(s->zs);
    if (s->f && s->own_f) fclose(s->f);
    free(s->peek);
    free(s);
}
