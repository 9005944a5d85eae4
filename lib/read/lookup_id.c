/* lookup_id.c - page IDs by wiki: every article having a page ID, and the one of a given wiki.
 *
 * Each wiki numbers its own pages, so the ID index may hold items of
 * several wikis under one page ID (in preference order, like any run of
 * equal keys). The wiki is in the records, not the index: each item's
 * record is read to tell them apart. */
#include "reader_internal.h"
#include "wpk_endian.h"

#include <string.h>

/* The entry numbers of the ID index's items with this page ID, in
 * preference order (*n 0: none). The run rule keeps them in one leaf. */
static int id_items(wpk_reader *r, uint64_t page_id, uint32_t **out, size_t *n, wpk_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = wpk_index_ready(r, &r->id_idx, err);
    if (rc || !r->id_idx.present) return rc;
    const wpk_fmt_root_item *it;
    if ((rc = wpk_index_find(r, &r->id_idx, NULL, 0, page_id, &it, err)) != 0 || !it) return rc;
    uint8_t *page;
    size_t len;
    if ((rc = wpk_load_page(r, &r->id_idx, &it->page, "ID index page", &page, &len, err)) != 0) return rc;
    const char *why = NULL;
    uint32_t lo = 0, hi = it->item_count, entry;
    uint64_t id;
    uint32_t *v = wpk_malloc((size_t)it->item_count * sizeof *v);
    if (!v) {
        wpk_free(page);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    if (wpk_le32(page) != it->item_count) {
        why = "item count differs from the root";
        goto corrupt;
    }
    while (lo < hi) { /* lower bound */
        uint32_t mid = lo + (hi - lo) / 2;
        if (wpk_fmt_id_leaf_item(page, len, mid, &id, &entry, &why)) goto corrupt;
        if (id < page_id) lo = mid + 1; else hi = mid;
    }
    for (uint32_t i = lo; i < it->item_count; i++) {
        if (wpk_fmt_id_leaf_item(page, len, i, &id, &entry, &why)) goto corrupt;
        if (id != page_id) break;
        if (entry >= r->hdr.entry_count) {
            why = "entry number out of range";
            goto corrupt;
        }
        v[(*n)++] = entry;
    }
    wpk_free(page);
    *out = v;
    return WPK_OK;
corrupt:
    wpk_free(page);
    wpk_free(v);
    *n = 0;
    return wpk_fail(err, WPK_E_CORRUPT, "%s: ID index page at region offset %llu: %s", r->name,
                    (unsigned long long)it->page.offset, why);
}

static int same_wiki(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Entry n, named by the ID index under page_id (checked), in *carrier, and
 * the entry number of its article's current version in *article: that of
 * its CURRENT field, unless that version is of another wiki (versions
 * joined across wikis by a writer before 1.6), then its own. */
static int carrier_of(wpk_reader *r, uint64_t n, uint64_t page_id, wpk_entry **carrier, uint64_t *article,
                      wpk_error *err)
{
    int rc = wpk_reader_entry_at(r, n, carrier, err);
    if (rc) return rc;
    wpk_entry *e = *carrier;
    if (!e->has_page_id || e->page_id != page_id) {
        wpk_entry_free(e);
        *carrier = NULL;
        return wpk_fail(err, WPK_E_CORRUPT, "%s: ID index points page ID %llu at entry %llu, which has another ID",
                        r->name, (unsigned long long)page_id, (unsigned long long)n);
    }
    *article = n;
    if (!e->is_revision) return WPK_OK;
    wpk_entry *cur = NULL;
    if ((rc = wpk_reader_entry_at(r, e->current_entry, &cur, err)) != 0) {
        wpk_entry_free(e);
        *carrier = NULL;
        return rc;
    }
    if (same_wiki(cur->wiki, e->wiki)) *article = e->current_entry;
    wpk_entry_free(cur);
    return WPK_OK;
}

int wpk_reader_match_id(wpk_reader *r, uint64_t page_id, wpk_id_cb cb, void *ctx, wpk_error *err)
{
    uint32_t *items;
    size_t n;
    int rc = id_items(r, page_id, &items, &n, err);
    if (rc) return rc;
    if (!n) {
        wpk_free(items);
        return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry with page ID %llu", r->name, (unsigned long long)page_id);
    }
    /* Articles reported so far: the items of one article are few. */
    uint64_t *seen = wpk_malloc(n * sizeof *seen);
    size_t nseen = 0;
    if (!seen) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        wpk_entry *e;
        uint64_t article;
        if ((rc = carrier_of(r, items[i], page_id, &e, &article, err)) != 0) break;
        size_t k = 0;
        while (k < nseen && seen[k] != article) k++;
        if (k == nseen) {
            seen[nseen++] = article;
            if (cb(ctx, e->wiki, article)) i = n; /* stop */
        }
        wpk_entry_free(e);
    }
    wpk_free(seen);
    wpk_free(items);
    return rc;
}

int wpk_reader_find_by_wiki_id(wpk_reader *r, const char *wiki, uint64_t page_id, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    uint32_t *items;
    size_t n;
    int rc = id_items(r, page_id, &items, &n, err);
    if (rc) return rc;
    int64_t found = -1;
    for (size_t i = 0; i < n && found < 0 && !rc; i++) {
        wpk_entry *e;
        uint64_t article;
        if ((rc = carrier_of(r, items[i], page_id, &e, &article, err)) != 0) break;
        if (same_wiki(e->wiki, wiki)) found = (int64_t)article;
        wpk_entry_free(e);
    }
    wpk_free(items);
    if (rc) return rc;
    if (found < 0)
        return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry with page ID %llu in %s%s%s", r->name,
                        (unsigned long long)page_id, wiki && *wiki ? "wiki \"" : "an unnamed wiki",
                        wiki && *wiki ? wiki : "", wiki && *wiki ? "\"" : "");
    return wpk_reader_entry_at(r, (uint64_t)found, out, err);
}
