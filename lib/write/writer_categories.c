/* writer_categories.c - the category index's leaves: one item for each distinct (category, current version), by name then entry number.
 *
 * Built by a counting sort on the rank of the name, in passes over ranges
 * of names that each hold at most an eighth of the pairs (or a million):
 * a large collection has tens of pairs per article, and a list of all of
 * them would be the largest array of the index build. A name's run stays
 * in one leaf unless the leaf passes WPK_RUN_SPLIT_BYTES (Wikipedia has
 * categories of millions of articles): then it continues into the next. */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

uint32_t wpk_test_category_budget;
uint32_t wpk_test_run_split_size;

typedef struct cpage {
    wpk2_category_item *items;
    uint32_t n, cap;
    uint64_t raw, strings;
    const char *last;           /* the name of the last item */
} cpage;

static int flush(wpk_writer *w, wleaves *l, cpage *pg, wpk_error *err)
{
    if (pg->n == 0) return WPK_OK;
    wpk2_page_ctx ctx = {.entry_count = w->count, .wikis = &w->table.view};
    wbuf raw = wbuf_new();
    wpk2_err e;
    int rc = wpk2_category_page_encode(&raw, &ctx, pg->items, pg->n, &e);
    if (rc) rc = wpk_fail_format(err, rc, &e, "a category page");
    if (!rc) rc = wpk_leaf_put(l, &raw, pg->n, pg->items[0].name.p, pg->items[0].name.len, 0, 0, err);
    wpk2_buf_free(&raw);
    pg->n = 0;
    pg->raw = pg->strings = 0;
    return rc;
}

/* Add (name, entry) in index order. */
static int add(wpk_writer *w, wleaves *l, cpage *pg, const char *name, size_t len, uint32_t entry, wpk_error *err)
{
    int same = pg->n && pg->last == name;
    uint64_t raw = same ? 2 : 2 + len + 3, strings = same ? 0 : len;
    uint32_t split = wpk_test_run_split_size ? wpk_test_run_split_size : WPK_RUN_SPLIT_BYTES;
    int full = pg->raw + raw > w->opts.page_size || pg->strings + strings > WPK_PAGE_STRINGS_MAX;
    if (pg->n && full && (!same || pg->raw + raw > split || pg->strings + strings > WPK_PAGE_STRINGS_MAX)) {
        int rc = flush(w, l, pg, err);
        if (rc) return rc;
        raw = 2 + len + 3;
        strings = len;
    }
    if (pg->n == pg->cap) {
        uint32_t cap = pg->cap ? pg->cap * 2 : 256;
        wpk2_category_item *g = wpk_realloc(pg->items, (size_t)cap * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        pg->items = g;
        pg->cap = cap;
    }
    pg->items[pg->n++] = (wpk2_category_item){{(const uint8_t *)name, (uint32_t)len}, entry};
    pg->raw += raw;
    pg->strings += strings;
    pg->last = name;
    return WPK_OK;
}

/* Ids of interned strings (wintern) by their names. */
static int by_name_of(const void *pa, const void *pb, void *ctx)
{
    const wintern *t = ctx;
    return strcmp(wpk_intern_name(t, *(const uint32_t *)pa), wpk_intern_name(t, *(const uint32_t *)pb));
}

static int by_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

int wpk_build_category_pages(wpk_writer *w, wleaves *l, wpk_error *err)
{
    size_t pairs = 0;
    uint32_t names = w->cats.count;
    for (size_t i = 0; i < w->count; i++)
        if (!w->entries[i].is_revision) pairs += w->entries[i].cat_count;
    if (pairs >= UINT32_MAX) return wpk_fail(err, WPK_E_LIMIT, "more than 2^32 (category, article) pairs");
    size_t budget = wpk_test_category_budget ? wpk_test_category_budget
                    : pairs / 8 > (1u << 20)  ? pairs / 8
                                              : (1u << 20);
    uint32_t *by_rank = wpk_malloc((names ? names : 1) * sizeof *by_rank);
    uint32_t *rank_of = wpk_malloc((names ? names : 1) * sizeof *rank_of);
    uint32_t *count = wpk_calloc(names ? names : 1, sizeof *count); /* by id; then where its bucket ends */
    size_t cap = pairs < budget ? (pairs ? pairs : 1) : budget;
    uint32_t *members = wpk_malloc(cap * sizeof *members);
    wspill_view view; /* the category ids are read from the spill file in every pass */
    memset(&view, 0, sizeof view);
    cpage pg;
    memset(&pg, 0, sizeof pg);
    int rc = WPK_OK;
    if (!by_rank || !rank_of || !count || !members) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (uint32_t id = 0; !rc && id < names; id++) by_rank[id] = id;
    if (!rc && names) qsort_r(by_rank, names, sizeof *by_rank, by_name_of, &w->cats);
    for (uint32_t k = 0; !rc && k < names; k++) rank_of[by_rank[k]] = k;
    for (size_t i = 0; i < w->count && !rc; i++) {
        const wentry *e = &w->entries[i];
        const uint8_t *ids;
        if (e->is_revision || !e->cat_count) continue;
        if ((rc = wpk_entry_cats(w, &view, e, &ids, err)) != 0) break;
        for (uint16_t k = 0; k < e->cat_count; k++) count[wpk_cat_id(&ids)]++;
    }
    w->categories = 0;
    for (uint32_t r0 = 0, r1; !rc && r0 < names; r0 = r1) {
        /* Names r0..r1-1 (by rank): at least one, at most `budget` pairs
         * unless a single name has more. Their buckets, in rank order. */
        size_t at = 0;
        for (r1 = r0; r1 < names && (r1 == r0 || at + count[by_rank[r1]] <= budget); r1++) {
            uint32_t id = by_rank[r1];
            size_t size = count[id];
            count[id] = (uint32_t)at; /* bucket start, moved to its end below */
            at += size;
        }
        if (at > cap) { /* one name over the budget */
            uint32_t *g = wpk_realloc(members, at * sizeof *members);
            if (!g) {
                rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
                break;
            }
            members = g;
            cap = at;
        }
        for (size_t i = 0; i < w->count && !rc; i++) {
            const wentry *e = &w->entries[i];
            const uint8_t *ids;
            if (e->is_revision || !e->cat_count) continue;
            if ((rc = wpk_entry_cats(w, &view, e, &ids, err)) != 0) break;
            for (uint16_t k = 0; k < e->cat_count; k++) {
                uint32_t id = wpk_cat_id(&ids);
                if (rank_of[id] >= r0 && rank_of[id] < r1) members[count[id]++] = e->entry_no;
            }
        }
        size_t from = 0;
        for (uint32_t r = r0; r < r1 && !rc; r++) {
            uint32_t id = by_rank[r];
            size_t to = count[id];
            if (to == from) continue; /* only in older versions */
            qsort(members + from, to - from, sizeof *members, by_u32);
            const char *name = wpk_intern_name(&w->cats, id);
            size_t len = strlen(name);
            w->categories++;
            for (size_t m = from; m < to && !rc; m++) {
                if (m > from && members[m] == members[m - 1]) continue; /* listed twice in one article */
                rc = add(w, l, &pg, name, len, members[m], err);
            }
            from = to;
        }
    }
    if (!rc) rc = flush(w, l, &pg, err);
    wpk_free(pg.items);
    wpk_free(members);
    wpk_free(count);
    wpk_free(rank_of);
    wpk_free(by_rank);
    wpk_spill_view_free(&view);
    return rc;
}
