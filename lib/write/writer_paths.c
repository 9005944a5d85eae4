/* writer_paths.c - every entry's rank in path order, from paths kept on
 * disk (the spill file) rather than in memory.
 *
 * Callers that add in path order (the command-line tool walks folders that
 * way) get the ranks for free: add() compared each path with the one
 * before. Otherwise the paths are read back once and sorted here, holding
 * them in memory only for the sort. */
#include "writer_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int by_path(const void *a, const void *b, void *ctx)
{
    char *const *paths = ctx;
    return strcmp(paths[*(const uint32_t *)a], paths[*(const uint32_t *)b]);
}

static int repeated(const wpk_writer *w, const wentry *e, wpk_error *err)
{
    char label[WPK_LABEL_MAX];
    return wpk_fail(err, WPK_E_EXISTS, "two entries have the path \"%s\"", wpk_entry_label(w, e, label, sizeof label));
}

/* The bytes the spill file keeps of e, from e->str_offset on. */
static uint64_t spilled_bytes(const wentry *e)
{
    return we_content_at(e) + (e->source == WE_SPILLED ? e->size : 0) - e->str_offset;
}

/* Copy every entry's bytes into a new spill file in path order (order[k]:
 * the entry of rank k), and make it the spill file.
 *
 * Every later pass reads the entries in path order (or block order, which
 * mostly follows it): entries added out of that order (JSON Lines records,
 * dump pages, named after their titles) had each of those reads hop about
 * the file. A copy that read each entry where it lay still cost a system
 * call an entry (1,000,000 records, --fast: 1,000,000 reads, most of the
 * pack's system time), so the copy goes in two passes that each read and
 * write a buffer at a time. The ranks are cut into buckets (of the size
 * below), each given its region of the new file, in rank order. The first pass reads the spill file forward and appends every
 * entry to its bucket's region; the second reads one bucket at a time, puts
 * its entries in rank order and writes it back in place. An entry larger
 * than a bucket is a bucket of its own, which the second pass leaves. For
 * a moment the spill file is there twice.
 *
 * Memory: the first pass holds a buffer a bucket (of several entries), the
 * second two buckets; buckets of sqrt(spill size x RELAY_OUT / 2) bytes
 * (at least 1 MiB) keep both alike and small: 2.8 MB buckets for the
 * 1.9 GB spill file of 10,000,000 records (680 of them: 5.4 MiB of
 * buffers), 20 MB for 100 GB. */
#define RELAY_OUT (8u << 10)    /* each bucket's write buffer in the first pass */
#define RELAY_IN (1u << 20)     /* the first pass's reads */

uint32_t wpk_test_relay_bucket;

typedef struct relay_bucket {
    uint64_t base, size; /* the region in the new file */
    uint64_t fill;       /* bytes appended to it, `held` of them still in buf */
    size_t first;        /* its first rank */
    uint32_t held;
    uint8_t *buf;
} relay_bucket;

typedef struct relay {
    wpk_writer *w;
    int fd;                       /* the new file, until it is the spill file */
    relay_bucket *b;
    size_t nb;
    uint8_t *in;                  /* the spill file from in_at, in_len bytes */
    uint64_t in_at;
    size_t in_len;
    uint8_t *mem, *sorted;        /* the second pass: a bucket as read, and in rank order */
    uint64_t bucket_most;         /* a bucket's most bytes, unless it holds one entry */
} relay;

static int relay_read_fail(const relay *r, const wentry *e, wpk_error *err)
{
    char label[WPK_LABEL_MAX];
    return wpk_fail(err, WPK_E_IO, "%s: cannot read it back from the spill file: %s",
                    wpk_entry_label(r->w, e, label, sizeof label), errno ? strerror(errno) : "short file");
}

static int bucket_flush(relay *r, relay_bucket *b, wpk_error *err)
{
    int rc = wpk_write_all(r->fd, b->buf, b->held, b->base + b->fill - b->held, "spill file", err);
    b->held = 0;
    return rc;
}

/* Buckets by rank, each at most bucket_most bytes unless one entry is
 * larger; entry_no holds each entry's rank. */
static int plan_buckets(relay *r, const uint32_t *order, wpk_error *err)
{
    wpk_writer *w = r->w;
    size_t cap = 16;
    uint64_t at = 0, most = 1u << 20;
    while (most * most < w->spill_size * (RELAY_OUT / 2)) most += most / 4;
    if (wpk_test_relay_bucket) most = wpk_test_relay_bucket;
    r->bucket_most = most;
    for (size_t k = 0; k < w->count; k++) {
        uint64_t len = spilled_bytes(&w->entries[order[k]]);
        if (r->nb == 0 || (r->b[r->nb - 1].size && r->b[r->nb - 1].size + len > most)) {
            if (r->nb == 0 || r->nb == cap) {
                cap *= 2;
                relay_bucket *g = wpk_realloc(r->b, cap * sizeof *g);
                if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
                r->b = g;
            }
            r->b[r->nb++] = (relay_bucket){.base = at, .first = k};
        }
        r->b[r->nb - 1].size += len;
        at += len;
    }
    /* A bucket of one entry is written straight from the reads. */
    for (size_t j = 0; j < r->nb; j++) {
        size_t end = j + 1 < r->nb ? r->b[j + 1].first : w->count;
        if (end - r->b[j].first > 1 && !(r->b[j].buf = wpk_malloc(RELAY_OUT)))
            return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    return WPK_OK;
}

static relay_bucket *bucket_of(relay *r, size_t rank)
{
    size_t lo = 0, hi = r->nb; /* the last bucket whose first rank is not above */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->b[mid].first <= rank) lo = mid;
        else hi = mid;
    }
    return &r->b[lo];
}

/* The first pass: each entry, in the order added, to the end of its
 * bucket's region; str_offset becomes its place in the new file. */
static int relay_scatter(relay *r, wpk_error *err)
{
    wpk_writer *w = r->w;
    int rc = WPK_OK;
    for (size_t i = 0; i < w->count && !rc; i++) {
        wentry *e = &w->entries[i];
        relay_bucket *b = bucket_of(r, e->entry_no);
        uint64_t from = e->str_offset, left = spilled_bytes(e), to = b->base + b->fill;
        while (left && !rc) {
            if (from < r->in_at || from >= r->in_at + r->in_len) {
                uint64_t rest = w->spill_size - from;
                r->in_at = from;
                r->in_len = rest < RELAY_IN ? (size_t)rest : RELAY_IN;
                errno = 0;
                if (r->in_len == 0 || wpk_fd_read_at((void *)(intptr_t)w->spill_fd, from, r->in, r->in_len) != 0) {
                    r->in_len = 0;
                    return relay_read_fail(r, e, err); /* e->str_offset still names its path */
                }
            }
            size_t take = (size_t)(r->in_at + r->in_len - from);
            if (take > left) take = (size_t)left;
            const uint8_t *piece = r->in + (from - r->in_at);
            if (!b->buf) {
                rc = wpk_write_all(r->fd, piece, take, b->base + b->fill, "spill file", err);
                b->fill += take;
            } else {
                if (take > RELAY_OUT - b->held) take = RELAY_OUT - b->held;
                memcpy(b->buf + b->held, piece, take);
                b->held += (uint32_t)take;
                b->fill += take;
                if (b->held == RELAY_OUT) rc = bucket_flush(r, b, err);
            }
            from += take;
            left -= take;
        }
        e->str_offset = to;
    }
    for (size_t j = 0; j < r->nb && !rc; j++)
        if (r->b[j].held) rc = bucket_flush(r, &r->b[j], err);
    return rc;
}

/* The second pass, on the copy (now the spill file): each bucket of
 * several entries read, put in rank order, written back; str_offset
 * becomes the entry's place there. */
static int relay_sort_buckets(relay *r, const uint32_t *order, wpk_error *err)
{
    wpk_writer *w = r->w;
    for (size_t j = 0; j < r->nb; j++) {
        relay_bucket *b = &r->b[j];
        size_t end = j + 1 < r->nb ? r->b[j + 1].first : w->count;
        if (end - b->first < 2) continue; /* one entry: already in place */
        errno = 0;
        if (wpk_fd_read_at((void *)(intptr_t)w->spill_fd, b->base, r->mem, (size_t)b->size) != 0)
            return wpk_fail(err, WPK_E_IO, "cannot read back the spill file's copy: %s",
                            errno ? strerror(errno) : "short file");
        uint64_t at = 0;
        for (size_t k = b->first; k < end; k++) {
            wentry *e = &w->entries[order[k]];
            uint64_t len = spilled_bytes(e);
            memcpy(r->sorted + at, r->mem + (e->str_offset - b->base), (size_t)len);
            e->str_offset = b->base + at;
            at += len;
        }
        int rc = wpk_write_all(w->spill_fd, r->sorted, (size_t)b->size, b->base, "spill file", err);
        if (rc) return rc;
    }
    return WPK_OK;
}

static void relay_free(relay *r)
{
    for (size_t j = 0; j < r->nb; j++) wpk_free(r->b[j].buf);
    wpk_free(r->b);
    wpk_free(r->in);
    wpk_free(r->mem);
    wpk_free(r->sorted);
}

static int relay_spill(wpk_writer *w, const uint32_t *order, wpk_error *err)
{
    if (w->spill_fd < 0 || w->count < 2) return WPK_OK;
    relay r = {.w = w, .fd = -1};
    int rc = wpk_spill_flush(w, err);
    if (!rc) rc = wpk_tempfile_in(w->path, &r.fd, err);
    if (!rc) rc = plan_buckets(&r, order, err);
    if (!rc && !(r.in = wpk_malloc(RELAY_IN))) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    /* On failure str_offset may name either file: the writer is unusable
     * from here, as after any failed finish. */
    if (!rc) rc = relay_scatter(&r, err);
    for (size_t j = 0; j < r.nb; j++) { /* the first pass's buffers, before the second's */
        wpk_free(r.b[j].buf);
        r.b[j].buf = NULL;
    }
    wpk_free(r.in);
    r.in = NULL;
    if (!rc) {
        close(w->spill_fd); /* the old copy is gone from the disk from here */
        w->spill_fd = r.fd;
        w->spill_size = r.b[r.nb - 1].base + r.b[r.nb - 1].size;
        r.fd = -1;
        size_t most = 0;
        for (size_t j = 0; j < r.nb; j++)
            if (r.b[j].size <= r.bucket_most && r.b[j].size > most) most = (size_t)r.b[j].size;
        if (!(r.mem = wpk_malloc(most ? most : 1)) || !(r.sorted = wpk_malloc(most ? most : 1)))
            rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    if (!rc) rc = relay_sort_buckets(&r, order, err);
    if (r.fd >= 0) close(r.fd);
    relay_free(&r);
    return rc;
}

static int sort_paths(wpk_writer *w, wpk_error *err)
{
    size_t n = w->count;
    char **paths = wpk_malloc(n * sizeof *paths);
    uint32_t *order = wpk_malloc(n * sizeof *order);
    warena text;
    memset(&text, 0, sizeof text);
    wspill_view view; /* the paths are read in the order added: forward through the file */
    memset(&view, 0, sizeof view);
    int rc = paths && order ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory sorting %zu paths", n);
    for (size_t i = 0; i < n && !rc; i++) {
        const wentry *e = &w->entries[i];
        const uint8_t *p;
        if (!(paths[i] = wpk_arena_alloc(&text, (size_t)e->path_len + 1)))
            rc = wpk_fail(err, WPK_E_NOMEM, "out of memory sorting %zu paths", n);
        else if ((rc = wpk_spill_view(w, &view, e->str_offset, e->path_len, &p, err)) == 0) {
            memcpy(paths[i], p, e->path_len);
            paths[i][e->path_len] = 0;
        }
        order[i] = (uint32_t)i;
    }
    wpk_spill_view_free(&view);
    if (!rc) qsort_r(order, n, sizeof *order, by_path, paths);
    for (size_t k = 0; k < n && !rc; k++) {
        w->entries[order[k]].entry_no = (uint32_t)k;
        if (k > 0 && strcmp(paths[order[k - 1]], paths[order[k]]) == 0) rc = repeated(w, &w->entries[order[k]], err);
    }
    wpk_arena_free(&text);
    wpk_free(paths);
    if (!rc) rc = relay_spill(w, order, err);
    wpk_free(order);
    return rc;
}

int wpk_path_ranks(wpk_writer *w, wpk_error *err)
{
    if (w->paths_unsorted) return sort_paths(w, err);
    if (w->repeated_path >= 0) return repeated(w, &w->entries[w->repeated_path], err);
    for (size_t i = 0; i < w->count; i++) w->entries[i].entry_no = (uint32_t)i;
    return WPK_OK;
}
