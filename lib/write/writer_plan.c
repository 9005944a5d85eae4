/* writer_plan.c - read every content once: checksum it, store identical
 * contents once, and cut the distinct ones into blocks.
 *
 * Contents are placed in "block order": by title (or path when there is no
 * title), ASCII case folded, then page ID, time and path. Versions of one
 * article and articles with similar names end up in the same block, which
 * is where zstd finds most of the redundancy of a collection. */
#include "writer_internal.h"
#include "writer_placed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static int read_fd_exact(int fd, uint8_t *buf, uint64_t size, uint64_t offset)
{
    while (size > 0) {
        ssize_t got = pread(fd, buf, size > (1u << 30) ? (1u << 30) : (size_t)size, (off_t)offset);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return got < 0 ? errno : EIO;
        buf += got;
        size -= (uint64_t)got;
        offset += (uint64_t)got;
    }
    return 0;
}

/* Size of a file-backed entry, taken when planning. */
static int stat_file(const char *file, uint64_t *size, wpk_error *err)
{
    struct stat st;
    if (stat(file, &st) != 0) return wpk_fail(err, WPK_E_IO, "%s: %s", file, strerror(errno));
    if (!S_ISREG(st.st_mode)) return wpk_fail(err, WPK_E_IO, "%s: not a regular file", file);
    if ((uint64_t)st.st_size > WPK_MAX_ENTRY)
        return wpk_fail(err, WPK_E_LIMIT, "%s: entries are limited to 2 GiB", file);
    *size = (uint64_t)st.st_size;
    return WPK_OK;
}

/* Read the first n bytes of e's content from `file` (wpk_entry_file), or
 * the spill file when NULL. */
static int read_content_from(wpk_writer *w, const wentry *e, const char *file, uint8_t *buf, uint32_t n,
                             wpk_error *err)
{
    int rc;
    if (!file) {
        char label[WPK_LABEL_MAX];
        rc = read_fd_exact(w->spill_fd, buf, n, we_content_at(e));
        return rc ? wpk_fail(err, WPK_E_IO, "%s: cannot read spilled content: %s",
                             wpk_entry_label(w, e, label, sizeof label), strerror(rc))
                  : WPK_OK;
    }
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return wpk_fail(err, WPK_E_IO, "%s: %s", file, strerror(errno));
    struct stat st;
    rc = fstat(fd, &st) != 0 ? errno : 0;
    if (!rc && (uint64_t)st.st_size != e->size) rc = -1;
    if (!rc) rc = read_fd_exact(fd, buf, n, 0);
    close(fd);
    if (rc == -1) return wpk_fail(err, WPK_E_IO, "%s: file changed size while packing", file);
    if (rc) return wpk_fail(err, WPK_E_IO, "%s: %s", file, strerror(rc));
    return WPK_OK;
}

int wpk_read_content(wpk_writer *w, const wentry *e, uint8_t *buf, wpk_error *err)
{
    return wpk_read_content_start(w, e, buf, e->size, err);
}

int wpk_read_content_start(wpk_writer *w, const wentry *e, uint8_t *buf, uint32_t n, wpk_error *err)
{
    if (n > e->size) n = e->size;
    if (w->placed) /* a merge: the content is in a part's block */
        return w->placed->read(w->placed->ctx, (size_t)(e - w->entries), buf, n, err);
    char pathbuf[WPK_FILE_PATH_MAX];
    const char *file;
    int rc = wpk_entry_file(w, e, pathbuf, &file, err);
    return rc ? rc : read_content_from(w, e, file, buf, n, err);
}

/* ASCII only: tolower() would make the archive depend on the locale. */
static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Grouping key: lower-case ASCII letters and digits of the title, or of the
 * file name without folder and extension when there is no title, so that
 * "Twisted (software)" and ".../Twisted_software.md" meet. */
static size_t group_key(const wpk_writer *w, const wentry *e, const char *path, char *out, size_t cap)
{
    const char *s = e->title_len ? we_title(w, e) : path;
    size_t n = e->title_len ? e->title_len : e->path_len;
    if (!e->title_len) {
        const char *slash = strrchr(s, '/');
        if (slash) {
            n -= (size_t)(slash + 1 - s);
            s = slash + 1;
        }
        const char *dot = memchr(s, '.', n);
        if (dot) n = (size_t)(dot - s);
    }
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        int c = ascii_lower((unsigned char)s[i]);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) out[k++] = (char)c;
    }
    return k;
}

/* Block order: articles by the grouping key of their current version (so
 * every version of an article sorts together, however its own title or
 * file name is spelled), then the versions of each article. */
typedef struct order_ctx { const wpk_writer *w; char **keys; } order_ctx;

static int block_order(const void *pa, const void *pb, void *vctx)
{
    const order_ctx *o = vctx;
    uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
    const wentry *a = &o->w->entries[ia], *b = &o->w->entries[ib];
    uint32_t ca = we_current(o->w, a), cb = we_current(o->w, b);
    int c = strcmp(o->keys[ca], o->keys[cb]);
    if (c) return c;
    if (ca != cb) return ca < cb ? -1 : 1;
    if (a->updated_us != b->updated_us) return a->updated_us < b->updated_us ? -1 : 1;
    return a->entry_no < b->entry_no ? -1 : a->entry_no > b->entry_no; /* path order */
}

/* The grouping key of every article (keys[i] for its current version i),
 * in one arena: half a million small strings would cost a malloc header
 * each. */
static int make_keys(const wpk_writer *w, char ***out, warena *arena, wpk_error *err)
{
    char **keys = wpk_calloc(w->count ? w->count : 1, sizeof *keys);
    char *path = wpk_malloc(WPK_LABEL_MAX); /* of an entry without a title */
    int rc = keys && path ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < w->count && !rc; i++) {
        const wentry *e = &w->entries[i];
        if (e->is_revision) continue; /* versions use their article's key */
        if (!e->title_len && (rc = wpk_entry_path(w, e, path, err)) != 0) break;
        char buf[256];
        size_t n = group_key(w, e, path, buf, sizeof buf - 1);
        buf[n] = 0;
        if (!(keys[i] = wpk_arena_alloc(arena, n + 1))) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        else memcpy(keys[i], buf, n + 1);
    }
    wpk_free(path);
    if (rc) {
        wpk_free(keys);
        return rc;
    }
    *out = keys;
    return WPK_OK;
}

/* Whether entry e's content equals buf (e->size bytes): read back in
 * chunks from its file or the spill file, so that the table below needs
 * no hash wider than the 64 bits every entry keeps. */
static int same_content(wpk_writer *w, const wentry *e, const uint8_t *buf, int *same, wpk_error *err)
{
    enum { CHUNK = 1 << 20 };
    char pathbuf[WPK_FILE_PATH_MAX];
    const char *file;
    int rc = wpk_entry_file(w, e, pathbuf, &file, err);
    if (rc) return rc;
    int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : w->spill_fd;
    if (fd < 0) return wpk_fail(err, WPK_E_IO, "%s: %s", file, strerror(errno));
    uint64_t base = file ? 0 : we_content_at(e);
    uint8_t *chunk = wpk_malloc(e->size < CHUNK ? (e->size ? e->size : 1) : CHUNK);
    if (!chunk) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    *same = 1;
    for (uint64_t at = 0; !rc && *same && at < e->size; at += CHUNK) {
        size_t n = e->size - at < CHUNK ? (size_t)(e->size - at) : CHUNK;
        int io = read_fd_exact(fd, chunk, n, base + at);
        if (io) *same = 0; /* changed or gone since it was read: not the same, and finishing will say so */
        else *same = memcmp(chunk, buf + at, n) == 0;
    }
    wpk_free(chunk);
    if (file) close(fd);
    return rc;
}

/* Open-addressing table of distinct contents, keyed by XXH3-64 and size;
 * a match is confirmed byte by byte (same_content), as 64 bits alone could
 * collide in a few hundred million contents. */
typedef struct dedup { uint32_t *slot; size_t mask; } dedup;

uint32_t wpk_test_dedup_hash_bits;

static uint64_t dedup_key(const wentry *e)
{
    return wpk_test_dedup_hash_bits ? e->hash & ((1ull << wpk_test_dedup_hash_bits) - 1) : e->hash;
}

/* The slot of ei's content: holding an identical earlier content, or empty. */
static int dedup_find(dedup *d, wpk_writer *w, uint32_t ei, const uint8_t *buf, uint32_t **out, wpk_error *err)
{
    const wentry *e = &w->entries[ei];
    for (size_t i = (size_t)dedup_key(e) & d->mask;; i = (i + 1) & d->mask) {
        uint32_t s = d->slot[i];
        int same = 0, rc;
        if (s != UINT32_MAX && dedup_key(&w->entries[s]) == dedup_key(e) && w->entries[s].size == e->size &&
            (rc = same_content(w, &w->entries[s], buf, &same, err)) != 0)
            return rc;
        if (s == UINT32_MAX || same) {
            *out = &d->slot[i];
            return WPK_OK;
        }
    }
}

static int close_block(wpk_writer *w, size_t first, size_t count, uint32_t raw, wpk_error *err)
{
    if (count == 0) return WPK_OK;
    wblock *grown = wpk_realloc(w->blocks, (w->block_count + 1) * sizeof *grown);
    if (!grown) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    w->blocks = grown;
    wblock *b = &w->blocks[w->block_count++];
    memset(b, 0, sizeof *b);
    b->first = (uint32_t)first;
    b->count = (uint32_t)count;
    b->raw_size = raw;
    return WPK_OK;
}

/* Read every content in block order: checksum it and store identical ones
 * once. Fills w->unique in block order. */
static int hash_and_dedup(wpk_writer *w, const uint32_t *order, wpk_error *err)
{
    size_t n = w->count, cap = 16;
    while (cap < 2 * n) cap <<= 1;
    dedup d = {wpk_malloc(cap * sizeof(uint32_t)), cap - 1};
    uint8_t *buf = NULL;
    size_t buf_cap = 0;
    /* Small spilled contents are read through a window: block order mostly
     * follows the spill file (wpk_path_ranks), and a read each was a
     * system call each. */
    wspill_view view;
    memset(&view, 0, sizeof view);
    int rc = WPK_OK;
    if (!d.slot) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    memset(d.slot, 0xff, cap * sizeof(uint32_t));
    for (size_t k = 0; k < n && !rc; k++) {
        wentry *e = &w->entries[order[k]];
        char pathbuf[WPK_FILE_PATH_MAX];
        const char *file;
        if ((rc = wpk_entry_file(w, e, pathbuf, &file, err)) != 0) break;
        uint64_t size = e->size;
        if (file && (rc = stat_file(file, &size, err)) != 0) break;
        e->size = (uint32_t)size; /* stat_file refused more than WPK_MAX_ENTRY */
        const uint8_t *data = buf;
        if (!file && e->size <= WPK_SPILL_VIEW_SMALL) {
            if ((rc = wpk_spill_view(w, &view, we_content_at(e), e->size, &data, err)) != 0) break;
        } else {
            if (e->size + 1 > buf_cap) {
                uint8_t *grown = wpk_realloc(buf, (size_t)e->size + 1);
                if (!grown) {
                    rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory for %llu bytes",
                                  wpk_entry_label(w, e, pathbuf, sizeof pathbuf), (unsigned long long)e->size);
                    break;
                }
                buf = grown;
                buf_cap = (size_t)e->size + 1;
            }
            if ((rc = read_content_from(w, e, file, buf, e->size, err)) != 0) break; /* file: read back above */
            data = buf;
        }
        e->hash = XXH3_64bits(data, (size_t)e->size);
        w->content_bytes += e->size;
        wpk_writer_report(w, "reading", w->content_bytes, 0, k + 1, w->count);
        if (e->size == 0) continue; /* stored nowhere */
        uint32_t *slot;
        if ((rc = dedup_find(&d, w, order[k], data, &slot, err)) != 0) break;
        if (*slot != UINT32_MAX) { /* identical to an earlier content: its entry, until it has a block */
            e->is_duplicate = 1;
            e->block = *slot;
            w->duplicates++;
            continue;
        }
        *slot = order[k];
        w->unique_bytes += e->size;
        w->unique[w->unique_count++] = order[k];
    }
    wpk_free(d.slot);
    wpk_free(buf);
    wpk_spill_view_free(&view);
    return rc;
}

/* Cut the distinct contents into blocks. An article's contents never
 * straddle two blocks unless together they exceed a block: splitting the
 * versions of an article loses most of what zstd finds between them. */
static int cut_blocks(wpk_writer *w, wpk_error *err)
{
    size_t first = 0, in_block = 0;
    uint64_t raw = 0, limit = w->opts.block_size;
    int rc = WPK_OK;
#define CLOSE_BLOCK(next)                                                      \
    do {                                                                       \
        rc = close_block(w, first, in_block, (uint32_t)raw, err);              \
        first = (next);                                                        \
        in_block = 0;                                                          \
        raw = 0;                                                               \
    } while (0)
    for (size_t u = 0; u < w->unique_count && !rc;) {
        uint32_t article = we_current(w, &w->entries[w->unique[u]]);
        size_t end = u;
        uint64_t group = 0;
        while (end < w->unique_count && we_current(w, &w->entries[w->unique[end]]) == article)
            group += w->entries[w->unique[end++]].size;
        if (in_block && raw + group > limit) CLOSE_BLOCK(u); /* the article starts a new block */
        /* An article larger than a block stretches its block, up to four
         * blocks' worth, to keep its versions together: split, each part
         * would repeat most of the other (-8% on the markdown corpus). */
        uint64_t stretch = group <= limit ? limit : group < 4 * limit ? group : 4 * limit;
        /* Never past what readers accept by default (and a block's u32
         * sizes): two 2 GiB versions make two blocks whatever the limit. */
        if (stretch > WPK_DEFAULT_MAX_BLOCK) stretch = WPK_DEFAULT_MAX_BLOCK;
        for (; u < end && !rc; u++) {
            wentry *e = &w->entries[w->unique[u]];
            if (in_block && raw + e->size > stretch) CLOSE_BLOCK(u); /* an article larger than a block */
            if (rc) break;
            e->block = (uint32_t)w->block_count;
            e->offset_in_block = (uint32_t)raw;
            in_block++;
            raw += e->size;
        }
    }
#undef CLOSE_BLOCK
    if (!rc) rc = close_block(w, first, in_block, (uint32_t)raw, err);
    return rc;
}

int wpk_plan(wpk_writer *w, wpk_error *err)
{
    size_t n = w->count;
    uint32_t *order = wpk_malloc((n ? n : 1) * sizeof *order);
    w->unique = wpk_malloc((n ? n : 1) * sizeof *w->unique);
    char **keys = NULL;
    warena key_text = {0};
    int rc = !order || !w->unique ? wpk_fail(err, WPK_E_NOMEM, "out of memory") : make_keys(w, &keys, &key_text, err);
    if (!rc) {
        for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
        order_ctx o = {w, keys};
        qsort_r(order, n, sizeof *order, block_order, &o);
    }
    /* Sorted: the keys go before the hashing allocates its tables. */
    wpk_free(keys);
    wpk_arena_free(&key_text);
    if (!rc) rc = hash_and_dedup(w, order, err);
    if (!rc) rc = cut_blocks(w, err);
    /* Duplicates share the block of the content they repeat. */
    for (size_t i = 0; i < n && !rc; i++) {
        wentry *e = &w->entries[i];
        if (e->is_duplicate) {
            const wentry *stored = &w->entries[e->block];
            e->block = stored->block;
            e->offset_in_block = stored->offset_in_block;
        }
    }
    wpk_free(order);
    return rc;
}

int wpk_block_raw(wpk_writer *w, const wblock *b, uint8_t **raw, wpk_error *err)
{
    /* Spilled contents that lie close together in the spill file, in
     * block order (they mostly do: wpk_path_ranks), come in one read of
     * their span rather than a system call each, into the block's own
     * buffer, and are then moved down to their places (each moves to at
     * most where it was read, so none overwrites one still to move); any
     * other block, or a failed read, entry by entry. */
    uint64_t lo = UINT64_MAX, hi = 0, end = 0;
    int spilled = 1, forward = 1;
    for (uint32_t i = 0; i < b->count && spilled; i++) {
        const wentry *e = &w->entries[w->unique[b->first + i]];
        uint64_t at = we_content_at(e);
        spilled = e->source == WE_SPILLED;
        if (at < end) forward = 0;
        end = at + e->size;
        if (at < lo) lo = at;
        if (end > hi) hi = end;
    }
    int spanned = spilled && b->count > 1 && hi > lo && hi - lo <= 2 * (uint64_t)b->raw_size + (64u << 10);
    /* Out of order but close together (block order groups an article's
     * versions, which the spill file may hold apart): the span is read
     * past the block's bytes, in the same buffer, and copied from there. */
    int in_place = spanned && forward;
    size_t cap = !spanned ? b->raw_size : in_place ? (hi - lo > b->raw_size ? (size_t)(hi - lo) : b->raw_size)
                                                   : b->raw_size + (size_t)(hi - lo);
    uint8_t *buf = wpk_malloc(cap ? cap : 1);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "out of memory for a block of %u bytes", b->raw_size);
    uint8_t *from = in_place ? buf : buf + b->raw_size;
    if (spanned && read_fd_exact(w->spill_fd, from, hi - lo, lo) != 0) spanned = 0;
    for (uint32_t i = 0; i < b->count; i++) {
        const wentry *e = &w->entries[w->unique[b->first + i]];
        int rc = WPK_OK;
        if (spanned) memmove(buf + e->offset_in_block, from + (we_content_at(e) - lo), e->size);
        else rc = wpk_read_content(w, e, buf + e->offset_in_block, err);
        if (!rc && XXH3_64bits(buf + e->offset_in_block, (size_t)e->size) != e->hash) {
            char pathbuf[WPK_FILE_PATH_MAX];
            const char *file;
            if (wpk_entry_file(w, e, pathbuf, &file, NULL) != 0 || !file)
                file = wpk_entry_label(w, e, pathbuf, sizeof pathbuf);
            rc = wpk_fail(err, WPK_E_IO, "%s: file changed while packing", file);
        }
        if (rc) {
            wpk_free(buf);
            return rc;
        }
    }
    *raw = buf;
    return WPK_OK;
}
