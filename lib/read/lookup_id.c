/* lookup_id.c - page IDs, numbered by each wiki on its own: the article of a (wiki, page ID), and every wiki's article with one page ID.
 *
 * The ID index is sorted by (wiki number, page ID), one item for each
 * current version with a page ID: one ID page gives the entry number, its
 * entry page the entry, which must carry that wiki and page ID. */
#include "reader_internal.h"

#include <string.h>

/* A lookup of one page ID across wikis keeps the leaf it last read: the
 * keys of neighbouring wikis often fall in one leaf. */
typedef struct id_scan {
    wpk_leaf_pos pos;
    wpk_shared *page;
} id_scan;

/* The entry number of the current version with (wiki, id), or -1. */
static int id_find(wpk_reader *r, id_scan *sc, uint16_t wiki, uint64_t id, int64_t *entry, wpk_error *err)
{
    *entry = -1;
    wpk_index *idx = &r->idx[WPK2_PAGE_ID];
    wpk_key k = {NULL, 0, wiki, id};
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    int rc = wpk_index_seek(r, idx, &k, 0, &pos, &it, err);
    if (rc || !it) return rc;
    if (!sc->page || sc->pos.top != pos.top || sc->pos.sub != pos.sub) {
        wpk_shared_release(sc->page);
        sc->page = NULL;
        if ((rc = wpk_leaf_get(r, idx, it, &sc->page, err)) != 0) return rc;
        sc->pos = pos;
    }
    const wpk2_id_page *pg = &wpk_page_of(sc->page)->u.id;
    uint32_t lo = 0, hi = pg->count; /* items strictly increase (checked when decoded) */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const wpk2_id_item *x = &pg->items[mid];
        if (x->wiki < wiki || (x->wiki == wiki && x->page_id < id)) lo = mid + 1;
        else hi = mid;
    }
    if (lo < pg->count && pg->items[lo].wiki == wiki && pg->items[lo].page_id == id) *entry = pg->items[lo].entry;
    return WPK_OK;
}

/* Entry n, named by the ID index under (wiki, id): a current version of
 * that wiki carrying that page ID, or carrying none and having older
 * versions (one of which carries it: verification checks that, a lookup
 * would need their pages). */
static int id_entry(wpk_reader *r, int64_t n, uint16_t wiki, uint64_t id, wpk_entry **out, wpk_error *err)
{
    int rc = wpk_reader_entry_at(r, (uint64_t)n, out, err);
    if (rc) return rc;
    const wpk_entry *e = *out;
    int w = wpk_wiki_number(r, e->wiki);
    int carries = e->has_page_id ? e->page_id == id : e->n_revisions > 0;
    if (!carries || e->is_revision || w != wiki) {
        wpk_entry_free(*out);
        *out = NULL;
        return wpk_fail(err, WPK_E_CORRUPT, "%s: the ID index names entry %lld for page ID %llu of wiki %u, which has "
                        "another page ID or wiki", r->name, (long long)n, (unsigned long long)id, wiki);
    }
    return WPK_OK;
}

/* scoped: the lookup was in one wiki (`wiki`, NULL or "" for no wiki). */
static int not_found(wpk_reader *r, uint64_t id, int scoped, const char *wiki, wpk_error *err)
{
    if (!scoped) return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry with page ID %llu", r->name, (unsigned long long)id);
    if (!wiki || !*wiki)
        return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry of no wiki with page ID %llu", r->name, (unsigned long long)id);
    return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry with page ID %llu in wiki \"%s\"", r->name,
                    (unsigned long long)id, wiki);
}

int wpk_reader_match_id(wpk_reader *r, uint64_t page_id, wpk_id_cb cb, void *ctx, wpk_error *err)
{
    int rc = wpk_index_ready(r, &r->idx[WPK2_PAGE_ID], err);
    if (rc) return rc;
    id_scan sc = {{0, 0}, NULL};
    int found = 0;
    /* Once per wiki number, entries of no wiki first. */
    for (uint32_t w = 0; w <= r->wikis.count && !rc; w++) {
        int64_t n;
        if ((rc = id_find(r, &sc, (uint16_t)w, page_id, &n, err)) != 0 || n < 0) continue;
        wpk_entry *e;
        if ((rc = id_entry(r, n, (uint16_t)w, page_id, &e, err)) != 0) break;
        found++;
        int stop = cb(ctx, e->wiki, (uint64_t)n);
        wpk_entry_free(e);
        if (stop) break;
    }
    wpk_shared_release(sc.page);
    if (!rc && !found) rc = not_found(r, page_id, 0, NULL, err);
    return rc;
}

/* The first wiki's hit, as match_id would report it first: the entry its
 * check read is the one returned, so that its entry page is read once. */
int wpk_reader_find_by_id(wpk_reader *r, uint64_t page_id, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    int rc = wpk_index_ready(r, &r->idx[WPK2_PAGE_ID], err);
    if (rc) return rc;
    id_scan sc = {{0, 0}, NULL};
    for (uint32_t w = 0; w <= r->wikis.count && !rc && !*out; w++) {
        int64_t n;
        if ((rc = id_find(r, &sc, (uint16_t)w, page_id, &n, err)) != 0 || n < 0) continue;
        rc = id_entry(r, n, (uint16_t)w, page_id, out, err);
    }
    wpk_shared_release(sc.page);
    if (!rc && !*out) rc = not_found(r, page_id, 0, NULL, err);
    return rc;
}

int wpk_reader_find_by_wiki_id(wpk_reader *r, const char *wiki, uint64_t page_id, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    int rc = wpk_index_ready(r, &r->idx[WPK2_PAGE_ID], err);
    if (rc) return rc;
    int w = wpk_wiki_number(r, wiki);
    if (w < 0) return not_found(r, page_id, 1, wiki, err);
    id_scan sc = {{0, 0}, NULL};
    int64_t n;
    rc = id_find(r, &sc, (uint16_t)w, page_id, &n, err);
    wpk_shared_release(sc.page);
    if (rc) return rc;
    if (n < 0) return not_found(r, page_id, 1, wiki, err);
    return id_entry(r, n, (uint16_t)w, page_id, out, err);
}
