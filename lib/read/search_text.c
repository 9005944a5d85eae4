/* search_text.c - the plain text of a search result, for its snippet and for phrase checks: read, made plain, and kept for the next query that shows it.
 *
 * A result's text comes out of its block; on an archive of more blocks
 * than the block cache holds, nearly every result costs decompressing a
 * block of up to a few hundred KiB for a few hundred bytes of text. The
 * texts of recent results are kept instead, up to WPK_TEXT_CACHE_BYTES, so
 * that a warm query costs the same on a large archive as on a small one. */
#include "reader_internal.h"

#include "plain.h"

#include <string.h>

#define RESULT_TEXT (4u << 20) /* bytes of a result read for its snippet or phrases */
#define TEXT_KEPT (256u << 10) /* a longer text is not kept: it would push out dozens */

/* Up to cap bytes of an entry's content. */
typedef struct sink { char *p; size_t n, cap; } sink;
static int sink_put(void *ctx, const void *p, size_t n)
{
    sink *s = ctx;
    size_t take = n < s->cap - s->n ? n : s->cap - s->n;
    memcpy(s->p + s->n, p, take);
    s->n += take;
    return s->n == s->cap; /* enough: stop */
}

static int make_text(wpk_reader *r, uint32_t doc, int with_title, char **text, size_t *len, wpk_error *err)
{
    *text = NULL;
    wpk_entry *e;
    int rc = wpk_reader_entry_at(r, doc, &e, err);
    if (rc) return rc;
    size_t cap = e->size < RESULT_TEXT ? (size_t)e->size : RESULT_TEXT;
    size_t tlen = with_title && e->title ? strlen(e->title) + 2 : 0;
    sink s = {wpk_malloc(tlen + cap + 1), 0, tlen + cap};
    if (s.p && tlen) {
        memcpy(s.p, e->title, tlen - 2);
        memcpy(s.p + tlen - 2, "\n\n", 2);
        s.n = tlen;
    }
    if (!s.p) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    if (!rc && cap) {
        rc = wpk_reader_read_stream(r, e, sink_put, &s, err);
        if (rc > 0) rc = WPK_OK; /* stopped once cap bytes were read */
    }
    int markup = wpk_markup_of(e->mime);
    wpk_entry_free(e);
    /* The title is plain text already; markup ends a line before it. */
    if (!rc && wpk_plain_text(markup < 0 ? WPK_MARKUP_PLAIN : (wpk_markup)markup, s.p, s.n, tlen + RESULT_TEXT, text,
                              len))
        rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    wpk_free(s.p);
    return rc;
}

int wpk_search_text(wpk_reader *r, uint32_t doc, int with_title, char **text, size_t *len, wpk_error *err)
{
    *text = NULL;
    uint64_t tag = with_title ? 0x7469746c65ull : 0x74657874ull; /* "title", "text" */
    wpk_shared *held = r->texts ? wpk_lru_get(r->texts, doc, tag) : NULL;
    if (held) {
        *text = wpk_malloc(held->len + 1);
        if (*text) {
            memcpy(*text, held->data, held->len + 1);
            *len = held->len;
        }
        wpk_shared_release(held);
        return *text ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    }
    int rc = make_text(r, doc, with_title, text, len, err);
    if (rc || !r->texts || *len > TEXT_KEPT) return rc;
    wpk_shared *s = wpk_shared_new(*len);
    if (!s) return WPK_OK; /* not kept: nothing lost */
    memcpy(s->data, *text, *len);
    wpk_lru_put(r->texts, doc, tag, s);
    wpk_shared_release(s);
    return WPK_OK;
}
