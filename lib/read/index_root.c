/* index_root.c - an index root decoded on first use (wpk_index_ready), and released at close. */
#include "reader_internal.h"

#include <string.h>

/* Roots lie in the prefix, in memory since open, their checksums checked
 * there; the codec checks their items (positions, order, pages within
 * PAGES, the entry root's total). */
static int load_root(wpk_reader *r, wpk_index *idx, wpk_error *err)
{
    const wpk2_section *s = &idx->sec;
    uint8_t *raw;
    int rc = wpk_section_raw(r, s, idx->what, r->opts.max_page_size, &raw, err);
    if (rc) return rc;
    /* The search root says it is branched by its kind alone (format 2.3). */
    idx->branched = (s->flags & WPK2_SECF_BRANCHED) != 0 ||
                    (idx->kind == WPK2_PAGE_TERM && s->raw_size >= 8 &&
                     (raw[4] | raw[5] << 8 | raw[6] << 16 | (uint32_t)raw[7] << 24) == WPK2_PAGE_BRANCH);
    wpk2_root_ctx ctx = {.index_kind = idx->kind, .branched = idx->branched, .entry_count = r->h.entry_count,
                         .pages_size = idx->size, .alloc = &r->alloc};
    wpk2_err e;
    rc = wpk2_root_decode(raw, (size_t)s->raw_size, &ctx, &idx->root, &e);
    wpk_free(raw);
    if (rc) return wpk_codec_fail(r, err, rc, &e, s->offset, idx->what);
    if (idx->branched && !(idx->branches = wpk_calloc(idx->root.count ? idx->root.count : 1, sizeof *idx->branches)))
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    return WPK_OK;
}

void wpk_index_free(wpk_index *idx)
{
    for (uint32_t i = 0; idx->branches && i < idx->root.count; i++) wpk2_root_free(&idx->branches[i].list);
    wpk_free(idx->branches);
    idx->branches = NULL;
    wpk2_root_free(&idx->root);
}

int wpk_index_ready(wpk_reader *r, wpk_index *idx, wpk_error *err)
{
    pthread_mutex_lock(&r->root_lock);
    if (idx->state == 0) {
        memset(&idx->err, 0, sizeof idx->err);
        idx->state = load_root(r, idx, &idx->err) == 0 ? 1 : -1;
        if (idx->state < 0) wpk_index_free(idx); /* no half-decoded root left behind */
    }
    int rc = idx->state > 0 ? WPK_OK : idx->err.code;
    if (rc && err) *err = idx->err;
    pthread_mutex_unlock(&r->root_lock);
    return rc;
}
