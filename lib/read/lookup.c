/* lookup.c - entries by number and by path, and all of them in path order: the entry index (one entry page a lookup). */
#include "reader_internal.h"

#include <string.h>

void wpk_entry_free(wpk_entry *e)
{
    wpk_free(e); /* the public struct is the first member of wpk_entry_full */
}

int wpk_reader_entry_at(wpk_reader *r, uint64_t n, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    wpk_entry_full *e = wpk_entry_cached(r, n);
    if (e) {
        *out = &e->pub;
        return WPK_OK;
    }
    wpk_shared *page;
    uint32_t i;
    int rc = wpk_entry_page_of(r, n, &page, &i, err);
    if (rc) return rc;
    rc = wpk_entry_make(r, &wpk_page_of(page)->u.entry, i, &e, err);
    wpk_shared_release(page);
    if (rc) return rc;
    wpk_entry_cache_offer(r, e);
    *out = &e->pub;
    return WPK_OK;
}

/* The entry page that would hold path k (the last one whose first path is
 * at or below it; *page NULL when k is below every path), and in *at the
 * position in it of the first path at or after k. */
static int path_seek(wpk_reader *r, const wpk_key *k, wpk_shared **page, uint32_t *at, wpk_error *err)
{
    *page = NULL;
    *at = 0;
    wpk_index *idx = &r->idx[WPK2_PAGE_ENTRY];
    int rc = wpk_index_ready(r, idx, err);
    if (rc) return rc;
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    if ((rc = wpk_index_seek(r, idx, k, 0, &pos, &it, err)) != 0) return rc;
    if (!it) return WPK_OK;
    if ((rc = wpk_leaf_get(r, idx, it, page, err)) != 0) return rc;
    const wpk2_entry_page *pg = &wpk_page_of(*page)->u.entry;
    /* Paths strictly increase within a page (checked when it was decoded). */
    uint32_t lo = 0, hi = pg->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (wpk_bytes_cmp(pg->entries[mid].path.p, pg->entries[mid].path.len, k->p, k->len) < 0) lo = mid + 1;
        else hi = mid;
    }
    *at = lo;
    return WPK_OK;
}

int wpk_reader_path_lower_bound(wpk_reader *r, const char *key, size_t len, uint64_t *n, wpk_error *err)
{
    *n = 0;
    if (!key && len) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_path_lower_bound: no key");
    wpk_key k = {(const uint8_t *)key, len, 0, 0};
    wpk_shared *page;
    uint32_t at;
    int rc = path_seek(r, &k, &page, &at, err);
    if (rc) return rc;
    /* Past the page's last path: the next page's first, which is above k. */
    if (page) *n = wpk_page_of(page)->u.entry.first_entry + at;
    wpk_shared_release(page);
    return WPK_OK;
}

int wpk_reader_find_by_path(wpk_reader *r, const char *path, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    wpk_key k = {(const uint8_t *)path, strlen(path), 0, 0};
    wpk_shared *page;
    uint32_t lo;
    int rc = path_seek(r, &k, &page, &lo, err);
    if (rc) return rc;
    const wpk2_entry_page *pg = page ? &wpk_page_of(page)->u.entry : NULL;
    rc = WPK_E_NOTFOUND;
    if (pg && lo < pg->count && !wpk_bytes_cmp(pg->entries[lo].path.p, pg->entries[lo].path.len, k.p, k.len)) {
        wpk_entry_full *e = NULL;
        rc = wpk_entry_make(r, pg, lo, &e, err);
        if (!rc) *out = &e->pub;
    }
    wpk_shared_release(page);
    if (rc == WPK_E_NOTFOUND) wpk_fail(err, rc, "%s: no entry with path \"%s\"", r->name, path);
    return rc;
}

int wpk_reader_foreach(wpk_reader *r, wpk_entry_cb cb, void *ctx, wpk_error *err)
{
    wpk_index *idx = &r->idx[WPK2_PAGE_ENTRY];
    int rc = wpk_index_ready(r, idx, err);
    if (rc) return rc;
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    for (rc = wpk_index_first(r, idx, &pos, &it, err); !rc && it; rc = wpk_index_next(r, idx, &pos, &it, err)) {
        wpk_shared *page;
        if ((rc = wpk_leaf_get(r, idx, it, &page, err)) != 0) return rc;
        const wpk2_entry_page *pg = &wpk_page_of(page)->u.entry;
        for (uint32_t i = 0; i < pg->count && !rc; i++) {
            wpk_entry_full *e = NULL;
            if ((rc = wpk_entry_make(r, pg, i, &e, err)) != 0) break;
            rc = cb(ctx, &e->pub);
            wpk_free(e);
        }
        wpk_shared_release(page);
        if (rc) return rc;
    }
    return rc;
}
