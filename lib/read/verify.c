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
    if (e->code == WPK_E_NOMEM) wpk_v_nomem(v);
    if (e->code == WPK_E_LIMIT) v->over_caps++;
    v->st.problems++;
    if (v->report) v->report(v->ctx, e);
}

size_t wpk_test_verify_budget;
uint64_t wpk_test_verify_runs;

void wpk_v_nomem(vctx *v)
{
    v->oom = 1;
    v->halted = 1;
}

/* A failure of the sorters: out of memory, or of the temporary file (no
 * damage found: the result says so). */
static void sort_failed(vctx *v, int rc, const wpk_error *e)
{
    if (rc == WPK_E_NOMEM) wpk_v_nomem(v);
    else if (!v->spill_failed) {
        v->spill_failed = 1;
        v->spill_err = *e;
    }
    v->halted = 1;
}

int wpk_v_add(vctx *v, wpk_sorter *t, const void *rec)
{
    wpk_error e;
    int rc = wpk_sorter_add(t, rec, &e);
    if (rc) sort_failed(v, rc, &e);
    return rc ? -1 : 0;
}

int wpk_v_open(vctx *v, wpk_sorter *t, wpk_sort_reader *rd)
{
    wpk_error e;
    int rc = wpk_sort_open(t, rd, &e);
    if (rc) sort_failed(v, rc, &e);
    return rc ? -1 : 0;
}

void wpk_v_close(vctx *v, wpk_sort_reader *rd)
{
    if (rd->rc) sort_failed(v, rd->rc, &rd->err);
    wpk_sort_close(rd);
}

int wpk_v_join_open(vctx *v, vjoin *j, wpk_sorter *a, wpk_sorter *b)
{
    j->open = 0;
    if (wpk_v_open(v, a, &j->a)) return -1;
    if (wpk_v_open(v, b, &j->b)) {
        wpk_sort_close(&j->a);
        return -1;
    }
    j->open = 1;
    return 0;
}

void wpk_v_join_close(vctx *v, vjoin *j)
{
    if (!j->open) return;
    wpk_v_close(v, &j->b);
    wpk_v_close(v, &j->a);
    j->open = 0;
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

/* Each span must start where the one before ends; at stays at the first
 * that does not. */
void wpk_v_tile(vtiler *t, uint64_t offset, uint64_t len)
{
    if (t->broken) return;
    if (offset != t->at) t->broken = 1;
    else t->at += len;
}

int wpk_v_tiled(const vtiler *t, uint64_t size) { return !t->broken && t->at == size; }

static void note_page(vctx *v, wpk_sorter *spans, const wpk2_root_item *it)
{
    vspan s = {it->page_offset, it->stored_size};
    wpk_v_add(v, spans, &s);
}

void wpk_v_walk(vctx *v, uint32_t kind, wpk_v_visit visit, void *arg)
{
    wpk_v_walk_index(v, &v->r->idx[kind], &v->pages, visit, arg);
}

void wpk_v_walk_index(vctx *v, wpk_index *idx, wpk_sorter *spans, wpk_v_visit visit, void *arg)
{
    wpk_reader *r = v->r;
    if (idx->state <= 0) return; /* its root failed: reported */
    for (uint32_t t = 0; t < idx->root.count && !v->halted; t++) {
        const wpk2_root_item *items;
        uint32_t n;
        wpk_error e;
        if (idx->branched) note_page(v, spans, &idx->root.items[t]);
        if (wpk_index_children(r, idx, t, &items, &n, &e) != 0) {
            wpk_v_error(v, &e);
            visit(v, &idx->root.items[t], NULL, arg);
            continue;
        }
        if (idx->branched) {
            uint64_t abs = idx->base + idx->root.items[t].page_offset;
            v->st.pages_checked++;
            if (!idx->branches[t].auth_ok)
                wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: %s branch page at offset %llu: BLAKE2b-256 mismatch",
                              r->name, idx->what, (unsigned long long)abs);
        }
        for (uint32_t k = 0; k < n && !v->halted; k++) {
            note_page(v, spans, &items[k]);
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

static int ent_cmp(const void *x, const void *y)
{
    const vent *p = x, *q = y;
    if (p->n != q->n) return p->n < q->n ? -1 : 1;
    return memcmp(p, q, sizeof *p); /* alike unless a hostile archive numbers two entries alike */
}

static int older_cmp(const void *x, const void *y)
{
    const vent *p = x, *q = y;
    if (p->current != q->current) return p->current < q->current ? -1 : 1;
    return ent_cmp(p, q);
}

static int ref_cmp(const void *x, const void *y)
{
    const vref *p = x, *q = y;
    if (p->ref.offset != q->ref.offset) return p->ref.offset < q->ref.offset ? -1 : 1;
    if (p->page_first != q->page_first) return p->page_first < q->page_first ? -1 : 1;
    return memcmp(p, q, sizeof *p);
}

static int place_cmp(const void *x, const void *y)
{
    const vplace *p = x, *q = y;
    if (p->block != q->block) return p->block < q->block ? -1 : 1;
    if (p->offset != q->offset) return p->offset < q->offset ? -1 : 1;
    return (p->size > q->size) - (p->size < q->size);
}

/* REVISIONS items by the older version they name. */
static int rev_cmp(const void *x, const void *y)
{
    const vpair *p = x, *q = y;
    if (p->b != q->b) return p->b < q->b ? -1 : 1;
    return (p->a > q->a) - (p->a < q->a);
}

static int need_cmp(const void *x, const void *y)
{
    const vneed *p = x, *q = y;
    if (p->current != q->current) return p->current < q->current ? -1 : 1;
    if (p->hash != q->hash) return p->hash < q->hash ? -1 : 1;
    return (p->n > q->n) - (p->n < q->n);
}

#define SORTERS(v) {&(v)->ents, &(v)->pages, &(v)->refs, &(v)->places, &(v)->cats, &(v)->revs, &(v)->older, \
                    &(v)->need_former, &(v)->art_ids, &(v)->search_pages}

static void init_sorters(vctx *v)
{
    wpk_spill *s = &v->spill;
    wpk_sorter_init(&v->ents, s, sizeof(vent), ent_cmp);
    wpk_sorter_init(&v->pages, s, sizeof(vspan), span_cmp);
    wpk_sorter_init(&v->refs, s, sizeof(vref), ref_cmp);
    wpk_sorter_init(&v->places, s, sizeof(vplace), place_cmp);
    wpk_sorter_init(&v->cats, s, sizeof(vpair), wpk_v_pair_cmp);
    wpk_sorter_init(&v->revs, s, sizeof(vpair), rev_cmp);
    wpk_sorter_init(&v->older, s, sizeof(vent), older_cmp);
    wpk_sorter_init(&v->need_former, s, sizeof(vneed), need_cmp);
    wpk_sorter_init(&v->art_ids, s, sizeof(vpair), wpk_v_pair_cmp);
    wpk_sorter_init(&v->search_pages, s, sizeof(vspan), span_cmp);
}

/* The pages named by every root must tile PAGES. A root that failed names
 * no pages: the gaps it leaves are its failure. */
static void check_pages(vctx *v)
{
    wpk_reader *r = v->r;
    for (uint32_t k = WPK2_PAGE_ENTRY; k <= WPK2_PAGE_CATEGORY; k++)
        if (r->idx[k].state <= 0) return;
    wpk_v_tile_region(v, &v->pages, r->pages_base, r->pages_size, "page region");
}

void wpk_v_tile_region(vctx *v, wpk_sorter *spans, uint64_t base, uint64_t size, const char *what)
{
    wpk_reader *r = v->r;
    wpk_sort_reader rd;
    if (wpk_v_open(v, spans, &rd)) return;
    vtiler t = {0, 0};
    vspan s;
    while (wpk_sort_next(&rd, &s)) wpk_v_tile(&t, s.offset, s.len);
    wpk_v_close(v, &rd);
    if (!v->halted && !wpk_v_tiled(&t, size))
        wpk_v_problem(v, WPK_E_CORRUPT, 1, base + t.at, "%s: %s: %s at offset %llu", r->name, what,
                      t.at < size ? "unreferenced or overlapping bytes" : "pages past its end",
                      (unsigned long long)(base + t.at));
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
    wpk_spill_init(&v.spill, wpk_test_verify_budget ? wpk_test_verify_budget : WPK_VERIFY_BUDGET);
    init_sorters(&v);
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
    if (!v.halted) wpk_v_entries(&v);
    if (!v.halted) wpk_v_versions(&v);
    if (!v.halted) wpk_v_titles(&v);
    if (!v.halted) wpk_v_ids(&v);
    if (!v.halted) wpk_v_categories(&v);
    if (!v.halted) check_pages(&v);
    if (!v.halted) wpk_v_search(&v);
    if (!v.halted) wpk_v_blocks(&v, level == WPK_VERIFY_FULL);
    wpk_sorter *all[] = SORTERS(&v);
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) wpk_sorter_free(all[i]);
    if (wpk_test_verify_budget) wpk_test_verify_runs = v.spill.runs;
    wpk_spill_close(&v.spill);
    if (stats) wpk_struct_out(stats, &v.st, sizeof v.st);
    if (v.oom) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory while verifying", r->name);
    if (v.spill_failed)
        return wpk_fail(err, v.spill_err.code, "%s: verify stopped: %s", r->name, v.spill_err.message);
    if (v.io_failed) return wpk_fail(err, WPK_E_IO, "%s: could not read all of the archive", r->name);
    /* Only caps exceeded: what lies beyond them is not known to be damaged. */
    if (v.st.problems && v.st.problems == v.over_caps)
        return wpk_fail(err, WPK_E_LIMIT, "%s: %llu object(s) over the caps could not be checked", r->name,
                        (unsigned long long)v.over_caps);
    if (v.st.problems)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: %llu problem(s) found", r->name, (unsigned long long)v.st.problems);
    return WPK_OK;
}
