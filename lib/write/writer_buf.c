/* writer_buf.c - the writer's growable memory buffers and append-only scratch files. */
#include "writer_internal.h"

#include <string.h>

int wbuf_put(wbuf *b, const void *p, size_t n)
{
    if (n == 0) return 0;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
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
