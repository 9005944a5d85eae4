/* util.c - what every format 2.0 codec file uses: error messages, the allocator, decoded structures' arenas, output buffers. */
#include "wpk2_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

uint64_t wpk2_checksum(const void *p, size_t n) { return XXH3_64bits(p, n); }

int wpk2_fail(wpk2_err *err, int code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int wpk2_ok(wpk2_err *err)
{
    if (err) {
        err->code = WPK2_OK;
        err->msg[0] = 0;
    }
    return WPK2_OK;
}

int wpk2_fail_code(wpk2_err *err, int code, const wpk2_mem *m, const char *what, const char *detail)
{
    if (code == WPK2_E_LIMIT)
        return wpk2_fail(err, code, "%s: decoded strings over the %llu-byte cap", what,
                         (unsigned long long)m->max_strings);
    if (code == WPK2_E_NOMEM) return wpk2_fail(err, code, "%s: out of memory", what);
    return wpk2_fail(err, code, "%s: %s", what, detail);
}

/* ---- allocator ---- */

void *wpk2_malloc(const wpk2_alloc *a, size_t n)
{
    if (!n) n = 1;
    return a ? a->alloc_fn(a->opaque, n) : malloc(n);
}

void *wpk2_realloc(const wpk2_alloc *a, void *p, size_t n)
{
    if (!n) n = 1;
    return a ? a->realloc_fn(a->opaque, p, n) : realloc(p, n);
}

void wpk2_free(const wpk2_alloc *a, void *p)
{
    if (!p) return;
    if (a) a->free_fn(a->opaque, p);
    else free(p);
}

/* ---- arenas: chunks linked through their first word ---- */

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(max_align_t) uint8_t data[];
} chunk;

#define CHUNK_BYTES 65536u

void wpk2_mem_init(wpk2_mem *m, const wpk2_alloc *a, uint64_t max_strings)
{
    m->alloc = a;
    m->chunks = NULL;
    m->strings = 0;
    m->max_strings = max_strings;
}

void wpk2_mem_release(wpk2_mem *m)
{
    chunk *c = m->chunks;
    while (c) {
        chunk *next = c->next;
        wpk2_free(m->alloc, c);
        c = next;
    }
    m->chunks = NULL;
    m->strings = 0;
}

static void *mem_take(wpk2_mem *m, size_t n, size_t align)
{
    chunk *c = m->chunks;
    if (c) {
        size_t at = (c->used + align - 1) & ~(align - 1);
        if (at <= c->size && n <= c->size - at) {
            c->used = at + n;
            return c->data + at;
        }
    }
    /* Chunks grow from 1 KiB to 64 KiB, so that a small structure stays
     * small. A large request gets a chunk of its own, put behind the
     * current one so that the current one keeps serving small requests. */
    size_t grow = c ? (c->size < CHUNK_BYTES / 2 ? c->size * 2 : CHUNK_BYTES) : 1024;
    if (grow < 1024) grow = 1024;
    int own = n > grow / 4;
    size_t size = own ? n : grow;
    if (size > SIZE_MAX - sizeof(chunk)) return NULL;
    chunk *f = wpk2_malloc(m->alloc, sizeof(chunk) + size);
    if (!f) return NULL;
    f->size = size;
    f->used = n;
    if (c && own) {
        f->next = c->next;
        c->next = f;
    } else {
        f->next = c;
        m->chunks = f;
    }
    return f->data;
}

void *wpk2_mem_array(wpk2_mem *m, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz) return NULL;
    void *p = mem_take(m, n * sz, _Alignof(max_align_t));
    if (p && n * sz != 0) memset(p, 0, n * sz);
    return p;
}

uint8_t *wpk2_mem_string(wpk2_mem *m, size_t len, int *rc)
{
    if (len > m->max_strings || m->strings > m->max_strings - len) {
        *rc = WPK2_E_LIMIT;
        return NULL;
    }
    uint8_t *p = mem_take(m, len, 1);
    if (!p) {
        *rc = WPK2_E_NOMEM;
        return NULL;
    }
    m->strings += len;
    return p;
}

/* ---- output buffers ---- */

void wpk2_buf_free(wpk2_buf *b)
{
    wpk2_free(b->alloc, b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

int wpk2_buf_put(wpk2_buf *b, const void *p, size_t n)
{
    if (n == 0) return 0;
    if (n > SIZE_MAX / 2 - b->len) return -1;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        uint8_t *g = wpk2_realloc(b->alloc, b->p, cap);
        if (!g) return -1;
        b->p = g;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

int wpk2_buf_varint(wpk2_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return wpk2_buf_put(b, tmp, n);
}

int wpk2_buf_string(wpk2_buf *b, const uint8_t *p, size_t n) { return wpk2_buf_varint(b, n) || wpk2_buf_put(b, p, n); }

int wpk2_buf_u32(wpk2_buf *b, uint32_t v)
{
    uint8_t w[4];
    put32(w, v);
    return wpk2_buf_put(b, w, 4);
}

/* ---- strings in streams ---- */

int wpk2_string_next(rd *s, wpk2_mem *m, wpk2_str *out)
{
    uint64_t len;
    const uint8_t *src;
    if (!rd_varint(s, &len) || len > 0xFFFF || !rd_bytes(s, (size_t)len, &src)) return WPK2_E_CORRUPT;
    int rc = WPK2_OK;
    uint8_t *dst = wpk2_mem_string(m, (size_t)len, &rc);
    if (!dst) return rc;
    if (len) memcpy(dst, src, (size_t)len);
    out->p = dst;
    out->len = (uint32_t)len;
    return WPK2_OK;
}

int wpk2_front_next(rd *s, wpk2_mem *m, wpk2_str prev, wpk2_str *out)
{
    uint64_t shared, rest;
    const uint8_t *src;
    if (!rd_varint(s, &shared) || shared > prev.len || !rd_varint(s, &rest) || rest > 0xFFFF - shared ||
        !rd_bytes(s, (size_t)rest, &src))
        return WPK2_E_CORRUPT;
    int rc = WPK2_OK;
    uint8_t *dst = wpk2_mem_string(m, (size_t)(shared + rest), &rc);
    if (!dst) return rc;
    if (shared) memcpy(dst, prev.p, (size_t)shared);
    if (rest) memcpy(dst + shared, src, (size_t)rest);
    out->p = dst;
    out->len = (uint32_t)(shared + rest);
    return WPK2_OK;
}

int wpk2_front_put(wpk2_buf *b, wpk2_str prev, wpk2_str cur)
{
    uint32_t shared = 0;
    while (shared < prev.len && shared < cur.len && prev.p[shared] == cur.p[shared]) shared++;
    if (wpk2_buf_varint(b, shared) || wpk2_buf_varint(b, cur.len - shared)) return 1;
    /* cur.p may be NULL for an empty string: no pointer arithmetic then. */
    return shared < cur.len ? wpk2_buf_put(b, cur.p + shared, cur.len - shared) : 0;
}

/* ---- pages in columns ---- */

int wpk2_page_peek(const uint8_t *raw, size_t n, uint32_t *count, uint32_t *kind, wpk2_err *err)
{
    if (n < 8) return wpk2_fail(err, WPK2_E_CORRUPT, "page of %zu bytes is shorter than its head", n);
    *count = le32(raw);
    *kind = le32(raw + 4);
    if (*count == 0) return wpk2_fail(err, WPK2_E_CORRUPT, "page has no items (count 0)");
    if (*kind < WPK2_PAGE_ENTRY || *kind > WPK2_PAGE_BRANCH)
        return wpk2_fail(err, WPK2_E_CORRUPT, "page has an unknown kind %u", *kind);
    return wpk2_ok(err);
}

static const char *kind_name(uint32_t kind)
{
    static const char *names[] = {"unknown", "entry", "title", "ID", "category", "branch"};
    return kind <= WPK2_PAGE_BRANCH ? names[kind] : names[0];
}

int wpk2_columns_split(const char *what, const uint8_t *raw, size_t n, uint32_t kind, uint32_t nstreams,
                       uint32_t *count, rd *streams, wpk2_err *err)
{
    size_t head = 8 + 4 * (size_t)nstreams;
    if (n < head) return wpk2_fail(err, WPK2_E_CORRUPT, "%s of %zu bytes is shorter than its %zu-byte head", what, n, head);
    *count = le32(raw);
    uint32_t k = le32(raw + 4);
    if (k != kind)
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s: page of kind %u (%s), expected %u (%s)", what, k, kind_name(k), kind,
                         kind_name(kind));
    if (*count == 0) return wpk2_fail(err, WPK2_E_CORRUPT, "%s has no items (count 0)", what);
    size_t at = head;
    for (uint32_t i = 0; i < nstreams; i++) {
        uint32_t len = le32(raw + 8 + 4 * i);
        if (len > n - at)
            return wpk2_fail(err, WPK2_E_CORRUPT, "%s: stream lengths add up to more than the page (%zu bytes)", what, n);
        streams[i] = (rd){raw + at, len, 0};
        at += len;
    }
    if (at != n)
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s: %zu bytes after the streams (lengths add up to %zu of %zu)", what,
                         n - at, at, n);
    return WPK2_OK;
}

int wpk2_columns_join(wpk2_buf *out, uint32_t count, uint32_t kind, const wpk2_buf *streams, uint32_t nstreams)
{
    size_t start = out->len;
    int bad = wpk2_buf_u32(out, count) || wpk2_buf_u32(out, kind);
    for (uint32_t i = 0; i < nstreams && !bad; i++) {
        if (streams[i].len > UINT32_MAX) bad = 1;
        else bad = wpk2_buf_u32(out, (uint32_t)streams[i].len);
    }
    for (uint32_t i = 0; i < nstreams && !bad; i++) bad = wpk2_buf_put(out, streams[i].p, streams[i].len);
    if (bad) out->len = start;
    return bad ? -1 : 0;
}

int wpk2_check_from(const char *what, const wpk2_page_ctx *ctx, uint32_t count, wpk2_err *err)
{
    if (ctx->from && ctx->from->page_items != count)
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s holds %u items, its referrer says %u", what, count,
                         ctx->from->page_items);
    if (ctx->from && ctx->from->first_item > UINT64_MAX - count)
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s: item positions overflow", what);
    return WPK2_OK;
}

int wpk2_check_first_key(const char *what, const wpk2_page_ctx *ctx, wpk2_str key, wpk2_err *err)
{
    if (ctx->from && !str_eq(ctx->from->key, key))
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s: first key differs from its referrer's key", what);
    return WPK2_OK;
}

int wpk2_streams_finished(const rd *s, int count, const char *const *names, const char *page, const char *item,
                          wpk2_err *err)
{
    for (int st = 0; st < count; st++)
        if (!rd_done(&s[st]))
            return wpk2_fail(err, WPK2_E_CORRUPT, "%s (%s): %zu bytes left after the last %s", page, names[st],
                             rd_left(&s[st]), item);
    return WPK2_OK;
}
