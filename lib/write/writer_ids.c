/* writer_ids.c - the page ID index's leaves: one item for each current version whose article has a page ID (its own or an older version's), by wiki then page ID. */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

static int by_wiki_id(const void *pa, const void *pb, void *ctx)
{
    const wpk_writer *w = ctx;
    const wentry *a = &w->entries[*(const uint32_t *)pa], *b = &w->entries[*(const uint32_t *)pb];
    uint16_t wa = we_wiki(w, a), wb = we_wiki(w, b);
    if (wa != wb) return wa < wb ? -1 : 1;
    return (a->page_id > b->page_id) - (a->page_id < b->page_id);
}

static int flush(wpk_writer *w, wleaves *l, wpk2_id_item *items, uint32_t n, wpk_error *err)
{
    if (n == 0) return WPK_OK;
    wpk2_page_ctx ctx = {.entry_count = w->count, .wikis = &w->table.view};
    wbuf raw = wbuf_new();
    wpk2_err e;
    int rc = wpk2_id_page_encode(&raw, &ctx, items, n, &e);
    if (rc) rc = wpk_fail_format(err, rc, &e, "an ID page");
    if (!rc) rc = wpk_leaf_put(l, &raw, n, NULL, 0, items[0].wiki, items[0].page_id, err);
    wpk2_buf_free(&raw);
    return rc;
}

int wpk_build_id_pages(wpk_writer *w, wleaves *l, uint32_t *order, wpk_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < w->count; i++)
        if (w->entries[i].group_has_id && !w->entries[i].is_revision) order[n++] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, by_wiki_id, w);
    /* About 5 bytes an item (wiki, a step of page IDs, a step of entries). */
    uint32_t most = w->opts.page_size / 5 ? w->opts.page_size / 5 : 1;
    wpk2_id_item *items = wpk_malloc((size_t)most * sizeof *items);
    if (!items) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    uint32_t in = 0;
    int rc = WPK_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        const wentry *e = &w->entries[order[k]];
        if (in == most) {
            rc = flush(w, l, items, in, err);
            in = 0;
        }
        items[in++] = (wpk2_id_item){we_wiki(w, e), e->page_id, e->entry_no};
    }
    if (!rc) rc = flush(w, l, items, in, err);
    wpk_free(items);
    return rc;
}
