/* verify.c - check a whole archive and report every problem, not just the first: the driver and what its parts share.
 *
 * Every root, branch page, leaf and block is read and checked with both
 * its XXH3-64 and its BLAKE2b-256 (key or not); then what no single page
 * shows: the tiling of PAGES and DATA, the coverage of each block by its
 * contents, the header's totals, order across pages, the indexes against
 * the entries, the versions of each article, and the signature. */
#include "verify_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wpk_v_problem(vctx *v, int code, int has_offset, uint64_t offset, const char *fmt, ...)
{
    wpk_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.has_offset = has_offset;
    e.offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    v->st.problems++;
    if (v->report) v->report(v->ctx, &e);
}

void wpk_v_error(vctx *v, const wpk_error *e)
{
    /* Failing to read or to allocate is not damage: the result says so. */
    if (e->code == WPK_E_IO) v->io_failed = 1;
    if (e->code == WPK_E_NOMEM) v->oom = 1;
    if (e->code == WPK_E_LIMIT) v->over_caps++;
    v->st.problems++;
    if (v->report) v->report(v->ctx, e);
}

int wpk_v_push(vctx *v, void *arr, size_t *n, size_t sz, const void *elem)
{
    void **p = arr;
    /* Capacity 16, doubled each time the count reaches a power of two. */
    if (*n == 0 || (*n >= 16 && !(*n & (*n - 1)))) {
        size_t cap = *n ? *n * 2 : 16;
        void *g = cap <= SIZE_MAX / sz ? wpk_realloc(*p, cap * sz) : NULL;
        if (!g) {
            v->oom = 1;
            return -1;
        }
        *p = g;
    }
    memcpy((char *)*p + *n * sz, elem, sz);
    (*n)++;
    return 0;
}

vent *wpk_v_ent(vctx *v, uint64_t n)
{
    size_t lo = 0, hi = v->nents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->ents[mid].n < n) lo = mid + 1;
        else hi = mid;
    }
    return lo < v->nents && v->ents[lo].n == n ? &v->ents[lo] : NULL;
}

int wpk_v_pair_cmp(const void *x, const void *y)
{
    const vpair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

static int span_cmp(const void *x, const void *y)
{
    const vspan *p = x, *q = y;
    if (p->offset != q->offset) return p->offset < q->offset ? -1 : 1;
    return (p->len > q->len) - (p->len < q->len);
}

int wpk_v_tiles(vspan *s, size_t n, uint64_t size, int same, uint64_t *at)
{
    if (n) qsort(s, n, sizeof *s, span_cmp);
    *at = 0;
    for (size_t i = 0; i < n; i++) {
        if (same && i && s[i].offset == s[i - 1].offset && s[i].len == s[i - 1].len) continue;
        if (s[i].offset != *at) return 0;
        *at += s[i].len;
    }
    return *at == size;
}

static void note_page(vctx *v, const wpk2_root_item *it)
{
    vspan s = {it->page_offset, it->stored_size};
    wpk_v_push(v, &v->pages, &v->npages, sizeof s, &s);
}

void wpk_v_walk(vctx *v, uint32_t kind, wpk_v_visit visit, void *arg)
{
    wpk_reader *r = v->r;
    wpk_index *idx = &r->idx[kind];
    if (idx->state <= 0) return; /* its root failed: reported */
    for (uint32_t t = 0; t < idx->root.count && !v->oom; t++) {
        const wpk2_root_item *items;
        uint32_t n;
        wpk_error e;
        if (idx->branched) note_page(v, &idx->root.items[t]);
        if (wpk_index_children(r, idx, t, &items, &n, &e) != 0) {
            wpk_v_error(v, &e);
            visit(v, &idx->root.items[t], NULL, arg);
            continue;
        }
        if (idx->branched) {
            uint64_t abs = r->pages_base + idx->root.items[t].page_offset;
            v->st.pages_checked++;
            if (!idx->branches[t].auth_ok)
                wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: %s branch page at offset %llu: BLAKE2b-256 mismatch",
                              r->name, idx->what, (unsigned long long)abs);
        }
        for (uint32_t k = 0; k < n && !v->oom; k++) {
            note_page(v, &items[k]);
            wpk_shared *page;
            if (wpk_leaf_load_checked(r, idx, &items[k], &page, &e) != 0) {
                wpk_v_error(v, &e);
                visit(v, &items[k], NULL, arg);
                continue;
            }
            v->st.pages_checked++;
            visit(v, &items[k], wpk_page_of(page), arg);
            wpk_shared_release(page);
        }
    }
}

/* A record that is not all zero must be well formed and match the prefix,
 * whoever signed it. */
static void check_signature(vctx *v)
{
    wpk_error e;
    int rc = wpk_prefix_signature(v->r, v->r->trusted ? v->r->trusted_key : NULL, &e);
    if (rc && rc != WPK_E_NOTFOUND) wpk_v_error(v, &e);
}

int wpk_reader_verify(wpk_reader *r, wpk_verify_level level, wpk_problem_cb report, void *ctx,
                      wpk_verify_stats *stats, wpk_error *err)
{
    if (stats) {
        int rc = wpk_struct_out_check(stats, sizeof *stats, WPK_MIN_VERIFY_STATS, "wpk_verify_stats", err);
        if (rc) return rc;
    }
    vctx v;
    memset(&v, 0, sizeof v);
    v.st.struct_size = sizeof v.st;
    v.r = r;
    v.report = report;
    v.ctx = ctx;
    check_signature(&v);
    const ZSTD_DDict *dict;
    wpk_error e;
    if (wpk_reader_dict(r, &dict, &e) != 0) wpk_v_error(&v, &e);
    for (uint32_t i = 0; i < r->runs.count; i++) /* format 2.2: each run's dictionary, reported once */
        if (wpk_run_dict(r, i, &dict, &e) != 0) wpk_v_error(&v, &e);
    for (uint32_t k = WPK2_PAGE_ENTRY; k <= WPK2_PAGE_CATEGORY; k++) /* every root */
        if (wpk_index_ready(r, &r->idx[k], &e) != 0) {
            wpk_v_error(&v, &e);
            if (k == WPK2_PAGE_ENTRY) v.entries_incomplete = 1;
        }
    if (!v.oom) wpk_v_entries(&v);
    if (!v.oom) wpk_v_versions(&v);
    if (!v.oom) wpk_v_titles(&v);
    if (!v.oom) wpk_v_ids(&v);
    if (!v.oom) wpk_v_categories(&v);
    uint64_t at;
    int all_roots = 1;
    for (uint32_t k = WPK2_PAGE_ENTRY; k <= WPK2_PAGE_CATEGORY; k++) all_roots &= r->idx[k].state > 0;
    /* A root that failed names no pages: the gaps it leaves are its failure. */
    if (!v.oom && all_roots && !wpk_v_tiles(v.pages, v.npages, r->pages_size, 0, &at))
        wpk_v_problem(&v, WPK_E_CORRUPT, 1, r->pages_base + at, "%s: page region: %s at offset %llu", r->name,
                      at < r->pages_size ? "unreferenced or overlapping bytes" : "pages past its end",
                      (unsigned long long)(r->pages_base + at));
    if (!v.oom) wpk_v_blocks(&v, level == WPK_VERIFY_FULL);
    wpk_free(v.ents);
    wpk_free(v.pages);
    wpk_free(v.refs);
    wpk_free(v.places);
    wpk_free(v.cats);
    wpk_free(v.revs);
    if (stats) wpk_struct_out(stats, &v.st, sizeof v.st);
    if (v.oom) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory while verifying", r->name);
    if (v.io_failed) return wpk_fail(err, WPK_E_IO, "%s: could not read all of the archive", r->name);
    /* Only caps exceeded: what lies beyond them is not known to be damaged. */
    if (v.st.problems && v.st.problems == v.over_caps)
        return wpk_fail(err, WPK_E_LIMIT, "%s: %llu object(s) over the caps could not be checked", r->name,
                        (unsigned long long)v.over_caps);
    if (v.st.problems)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: %llu problem(s) found", r->name, (unsigned long long)v.st.problems);
    return WPK_OK;
}
