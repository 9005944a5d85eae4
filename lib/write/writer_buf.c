/* writer_buf.c - the writer's growable memory buffers and append-only scratch files. */
#include "writer_internal.h"

const wpk_fmt_alloc wpk_writer_alloc = {wpk_malloc, wpk_realloc, wpk_free};

int wbuf_put(wbuf *b, const void *p, size_t n)
{
    return wpk_fmt_buf_put(&wpk_writer_alloc, b, p, n);
}

int wsink_put(wsink *s, const void *p, size_t n, wpk_error *err)
{
    int rc = wpk_write_all(s->fd, p, n, s->len, "index scratch file", err);
    if (!rc) s->len += n;
    return rc;
}
