/* writer_buf.c - the writer's growable memory buffers and append-only scratch files, hashes of stored bytes, format errors. */
#include "writer_internal.h"

#include <sodium.h>
#include <xxhash.h>

static void *w_alloc(void *opaque, size_t n) { return (void)opaque, wpk_malloc(n); }
static void *w_realloc(void *opaque, void *p, size_t n) { return (void)opaque, wpk_realloc(p, n); }
static void w_free(void *opaque, void *p) { (void)opaque, wpk_free(p); }
const wpk2_alloc wpk_writer_alloc = {w_alloc, w_realloc, w_free, NULL};

int wbuf_put(wbuf *b, const void *p, size_t n)
{
    if (n == 0) return 0;
    if (n > SIZE_MAX / 2 - b->len) return -1;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        uint8_t *g = wpk_realloc(b->p, cap);
        if (!g) return -1;
        b->p = g;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

int wsink_put(wsink *s, const void *p, size_t n, wpk_error *err)
{
    int rc = wpk_write_all(s->fd, p, n, s->len, "index scratch file", err);
    if (!rc) s->len += n;
    return rc;
}

int wpk_fail_format(wpk_error *err, int rc, const wpk2_err *e, const char *what)
{
    switch (rc) {
    case WPK2_E_NOMEM: return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    case WPK2_E_INVALID: return wpk_fail(err, WPK_E_INVALID, "%s: the format cannot hold it: %s", what, e->msg);
    case WPK2_E_LIMIT: return wpk_fail(err, WPK_E_LIMIT, "%s: %s", what, e->msg);
    /* A decoder's refusal of what the writer just encoded: a writer bug. */
    default: return wpk_fail(err, WPK_E_CORRUPT, "%s: internal error: %s", what, e->msg);
    }
}

void wpk_hash_stored(const void *p, size_t n, uint64_t *xxh3, uint8_t auth[32])
{
    *xxh3 = XXH3_64bits(p, n);
    /* Works before sodium_init() too (portable code); wpk_writer_create
     * calls it so that the faster code is picked. */
    crypto_generichash(auth, 32, p, n, NULL, 0);
}
