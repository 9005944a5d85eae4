/* index_root.c - an index root decoded on first use (wpk_index_ready). */
#include "reader_internal.h"

#include <string.h>

/* Parse a root into its items and check that they are ordered and that
 * each page they point at lies inside the page region. */
static int load_root(wpk_reader *r, const uint8_t *prefix, const wpk_fmt_section *s, wpk_index *idx, const char *what,
                     wpk_error *err)
{
    /* Roots lie in the prefix, which is kept in memory; flags and caps were
     * checked at open. */
    int rc = wpk_decode_object(r, prefix + s->offset, s->offset, s->stored_size, s->raw_size, s->checksum,
                               (s->flags & WPK_SECF_ZSTD) != 0, NULL, what, &idx->raw, err);
    if (rc) return rc;
    idx->kind = idx->want_kind; /* wpk_decode_items refuses any other */
    idx->branched = (s->flags & WPK_SECF_BRANCHED) != 0;
    wpk_item_list top;
    if ((rc = wpk_decode_items(r, idx, idx->raw, s->raw_size, 0, idx->branched, s->offset, what, &top, err)) != 0)
        return rc;
    idx->items = top.items;
    idx->count = top.count;
    idx->total_items = top.total;
    if (idx->branched && !(idx->branches = wpk_calloc(top.count ? top.count : 1, sizeof *idx->branches)))
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    if (s->type == WPK_SEC_PATH_ROOT && top.total != r->hdr.entry_count)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s counts %llu entries, the header %llu", r->name, what,
                           (unsigned long long)top.total, (unsigned long long)r->hdr.entry_count);
    return WPK_OK;
}

int wpk_index_ready(wpk_reader *r, wpk_index *idx, wpk_error *err)
{
    if (!idx->present) return WPK_OK;
    pthread_mutex_lock(&r->root_lock);
    if (idx->state == 0) {
        memset(&idx->err, 0, sizeof idx->err);
        idx->state = load_root(r, r->prefix, &idx->sec, idx, idx->what, &idx->err) == 0 ? 1 : -1;
        if (idx->state < 0) { /* leave no half-decoded root behind */
            wpk_index_free_branches(idx);
            wpk_free(idx->raw);
            wpk_free(idx->items);
            idx->raw = NULL;
            idx->items = NULL;
            idx->count = 0;
            idx->total_items = 0;
        }
    }
    int rc = idx->state > 0 ? WPK_OK : idx->err.code;
    if (rc && err) *err = idx->err;
    pthread_mutex_unlock(&r->root_lock);
    return rc;
}
