/* writer_index.c - the four indexes built on two threads, joined into PAGES, their roots sealed; the search index beside them; the WIKIS and SUMMARY sections.
 *
 * Tasks: the title leaves, the ID leaves and the entry pages of the first
 * half of the entries on one job; the entry pages of the second half and
 * the category leaves on the other. The entry pages are most of the work;
 * they are cut in two at a leaf boundary that a build on one thread makes
 * too (wpk_entry_pages_split), so the bytes never depend on the number of
 * threads. Each task writes its leaves to its own scratch file; PAGES is
 * their concatenation in a fixed order (entry, title, ID, category leaves,
 * then the branch pages), and the roots are sealed once it is laid out. */
#include "writer_internal.h"
#include "writer_placed.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void wpk_built_index_free(wpk_built_index *b)
{
    wsink *sinks[] = {&b->entries_a, &b->entries_b, &b->titles, &b->ids, &b->categories, &b->branches,
                      &b->search_leaves, &b->search_branches};
    for (size_t i = 0; i < sizeof sinks / sizeof *sinks; i++)
        if (sinks[i]->fd >= 0) close(sinks[i]->fd);
    for (int i = 0; i < WPK_NINDEX; i++) wpk2_buf_free(&b->root[i]);
    wpk2_buf_free(&b->wikis);
    wpk2_buf_free(&b->summary);
    wpk2_buf_free(&b->search);
    wpk2_buf_free(&b->search_root);
    memset(b, 0, sizeof *b);
    b->entries_a.fd = b->entries_b.fd = b->titles.fd = b->ids.fd = b->categories.fd = b->branches.fd = -1;
    b->search_leaves.fd = b->search_branches.fd = -1;
}

enum { TASK_TITLE, TASK_ID, TASK_ENTRY_A, TASK_ENTRY_B, TASK_CATEGORY, NTASKS };

typedef struct index_job {
    wpk_writer *w;
    const ZSTD_CDict *cdict;
    const uint32_t *path_order; /* NULL: the entries are in path order (path_entry) */
    uint32_t *order;            /* scratch for the ID order, freed after it */
    size_t split;               /* entries [0, split) and [split, count) */
    wleaves *lb;                /* by task */
    int first, last;            /* tasks first..last */
    int rc;
    wpk_error err;
} index_job;

static void *run_index_job(void *arg)
{
    index_job *j = arg;
    ZSTD_CCtx *c = wpk_page_cctx(j->w, j->cdict);
    if (!c) {
        j->rc = wpk_fail(&j->err, WPK_E_NOMEM, "out of memory");
        return NULL;
    }
    for (int t = j->first; t <= j->last && !j->rc; t++) {
        wleaves *lb = &j->lb[t];
        lb->cctx = c;
        if (t == TASK_ENTRY_A) j->rc = wpk_build_entry_pages(j->w, lb, j->path_order, 0, j->split, &j->err);
        else if (t == TASK_ENTRY_B) j->rc = wpk_build_entry_pages(j->w, lb, j->path_order, j->split, j->w->count, &j->err);
        else if (t == TASK_TITLE) j->rc = wpk_build_title_pages(j->w, lb, &j->err);
        else if (t == TASK_ID) j->rc = wpk_build_id_pages(j->w, lb, j->order, &j->err);
        else j->rc = wpk_build_category_pages(j->w, lb, &j->err);
        lb->cctx = NULL;
        if (t == TASK_ID) {
            wpk_free(j->order);
            j->order = NULL;
        }
    }
    ZSTD_freeCCtx(c);
    return NULL;
}

/* Path order: by rank (wpk_path_ranks), which grouping left in place. */
static int by_rank(const void *a, const void *b, void *ctx)
{
    const wpk_writer *sort_w = ctx;
    uint32_t x = sort_w->entries[*(const uint32_t *)a].entry_no, y = sort_w->entries[*(const uint32_t *)b].entry_no;
    return x < y ? -1 : x > y;
}

/* The second half's entry pages after the first's: one entry index. */
static int join_entry_leaves(wleaves *a, wleaves *b, uint64_t a_size, wpk_error *err)
{
    if (b->count > UINT32_MAX - a->count) return wpk_fail(err, WPK_E_LIMIT, "too many entry pages");
    wpk2_root_item *g = wpk_realloc(a->items, ((size_t)a->count + b->count + 1) * sizeof *g);
    if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    a->items = g;
    a->cap = a->count + b->count + 1;
    if (!a->keys.alloc) a->keys = wbuf_new();
    size_t key_base = a->keys.len;
    if (b->keys.len && wbuf_put(&a->keys, b->keys.p, b->keys.len)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (uint32_t i = 0; i < b->count; i++) {
        wpk2_root_item it = b->items[i];
        it.page_offset += a_size;
        it.key.p = (const uint8_t *)((uintptr_t)it.key.p + key_base);
        a->items[a->count++] = it;
    }
    a->position = b->position;
    return WPK_OK;
}

/* Roots and small sections: one zstd frame each, no dictionary. */
static ZSTD_CCtx *root_cctx_new(const wpk_writer *w)
{
    ZSTD_CCtx *c = wpk_zstd_cctx();
    if (!c) return NULL;
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, wpk_page_level(w));
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
    return c;
}

/* The search index, on a thread of its own beside the other indexes: it
 * reads every document again, as long as all of them take. It writes only
 * its own fields of the built index and its own scratch files. */
typedef struct search_job {
    wpk_writer *w;
    const ZSTD_CDict *cdict;
    const uint32_t *path_order;
    wpk_built_index *out;
    int rc;
    wpk_error err;
} search_job;

static void *run_search_job(void *arg)
{
    search_job *j = arg;
    ZSTD_CCtx *c = root_cctx_new(j->w);
    j->rc = c ? wpk_build_search_index(j->w, j->cdict, j->path_order, c, j->out, &j->err)
              : wpk_fail(&j->err, WPK_E_NOMEM, "out of memory");
    ZSTD_freeCCtx(c);
    return NULL;
}

static int compress_section(ZSTD_CCtx *c, const wbuf *raw, wbuf *out, uint64_t *raw_size, wpk_error *err)
{
    *out = wbuf_new();
    *raw_size = raw->len;
    return wpk_zstd_put(c, raw->p, raw->len, out, err);
}

int wpk_build_indexes(wpk_writer *w, wpk_built_index *out, wpk_error *err)
{
    memset(out, 0, sizeof *out);
    out->entries_a.fd = out->entries_b.fd = out->titles.fd = out->ids.fd = out->categories.fd = out->branches.fd = -1;
    out->search_leaves.fd = out->search_branches.fd = -1;
    size_t n = w->count ? w->count : 1;
    /* Entries added in path order are still in it (the command-line tool
     * adds them so): the path order is then the entries' own, with no array. */
    int in_order = 1;
    for (size_t i = 1; i < w->count && in_order; i++)
        if (w->entries[i - 1].entry_no > w->entries[i].entry_no) in_order = 0;
    uint32_t *order = in_order ? NULL : wpk_malloc(n * sizeof *order), *order_b = wpk_malloc(n * sizeof *order_b);
    ZSTD_CCtx *root_cctx = root_cctx_new(w);
    /* Leaf pages repeat titles, URLs and categories that the contents hold
     * too: the blocks' dictionary compresses them as well. */
    ZSTD_CDict *cd = w->dict_size ? wpk_zstd_cdict_params(w->dict, w->dict_size, wpk_page_cparams(w)) : NULL;
    wleaves *lb = wpk_calloc(NTASKS, sizeof *lb);
    wsink *sinks[NTASKS] = {&out->titles, &out->ids, &out->entries_a, &out->entries_b, &out->categories};
    int rc = WPK_OK;
    for (int t = 0; t < NTASKS && !rc; t++) rc = wpk_tempfile_in(w->path, &sinks[t]->fd, err);
    if (!rc) rc = wpk_tempfile_in(w->path, &out->branches.fd, err);
    if (!rc && ((!in_order && !order) || !order_b || !root_cctx || !lb || (w->dict_size && !cd)))
        rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (rc) {
        wpk_built_index_free(out);
        wpk_free(order);
        wpk_free(order_b);
        wpk_free(lb);
        ZSTD_freeCCtx(root_cctx);
        ZSTD_freeCDict(cd);
        return rc;
    }
    if (!in_order) {
        for (size_t i = 0; i < w->count; i++) order[i] = (uint32_t)i;
        qsort_r(order, w->count, sizeof *order, by_rank, w);
    }
    /* Dense from here: entry numbers. */
    for (size_t k = 0; k < w->count; k++) w->entries[path_entry(order, k)].entry_no = (uint32_t)k;
    static const uint32_t kinds[NTASKS] = {WPK2_PAGE_TITLE, WPK2_PAGE_ID, WPK2_PAGE_ENTRY, WPK2_PAGE_ENTRY,
                                           WPK2_PAGE_CATEGORY};
    for (int t = 0; t < NTASKS; t++) {
        lb[t].kind = kinds[t];
        lb[t].sink = sinks[t];
    }
    size_t split = w->count;
    if (w->opts.threads > 1) rc = wpk_entry_pages_split(w, order, &split, err);
    lb[TASK_ENTRY_B].position = split; /* its entries are numbered on from the first half's */
    index_job jobs[2] = {{w, cd, order, order_b, split, lb, TASK_TITLE, TASK_ENTRY_A, 0, {0}},
                         {w, cd, order, NULL, split, lb, TASK_ENTRY_B, TASK_CATEGORY, 0, {0}}};
    /* Format 2.3: the search index (a merge's texts are read from its
     * parts). With two threads or more it is built beside the others,
     * which then share one thread: it alone takes as long as they do. */
    search_job sj = {w, cd, order, out, 0, {0}};
    int with_search = !rc && w->opts.search >= 0 && (!w->placed || w->placed->read);
    pthread_t search_tid;
    int search_threaded = with_search && w->opts.threads > 1 &&
                          pthread_create(&search_tid, NULL, run_search_job, &sj) == 0;
    if (!rc) {
        pthread_t tid;
        int threaded = !search_threaded && w->opts.threads > 1 &&
                       pthread_create(&tid, NULL, run_index_job, &jobs[1]) == 0;
        run_index_job(&jobs[0]);
        if (!threaded) run_index_job(&jobs[1]);
        else pthread_join(tid, NULL);
        for (int j = 0; j < 2 && !rc; j++)
            if (jobs[j].rc) {
                rc = jobs[j].rc;
                if (err) *err = jobs[j].err;
            }
    }
    /* PAGES: entry pages (both halves), title, ID and category leaves,
     * branch pages. */
    if (!rc) rc = join_entry_leaves(&lb[TASK_ENTRY_A], &lb[TASK_ENTRY_B], out->entries_a.len, err);
    static const int sealed[WPK_NINDEX] = {TASK_ENTRY_A, TASK_TITLE, TASK_ID, TASK_CATEGORY};
    uint64_t base[WPK_NINDEX];
    base[WPK_IX_ENTRY] = 0;
    base[WPK_IX_TITLE] = out->entries_a.len + out->entries_b.len;
    base[WPK_IX_ID] = base[WPK_IX_TITLE] + out->titles.len;
    base[WPK_IX_CATEGORY] = base[WPK_IX_ID] + out->ids.len;
    uint64_t leaves_end = base[WPK_IX_CATEGORY] + out->categories.len;
    ZSTD_CCtx *branch_cctx = rc ? NULL : wpk_page_cctx(w, cd);
    if (!rc && !branch_cctx) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (int ix = 0; ix < WPK_NINDEX && !rc; ix++) {
        wleaves *l = &lb[sealed[ix]];
        out->page_count += l->count;
        rc = wpk_root_branch(l, base[ix], &out->branches, leaves_end, branch_cctx, w->count, err);
        if (l->branched) out->page_count += l->count; /* the branch pages */
    }
    ZSTD_freeCCtx(branch_cctx);
    out->pages_size = leaves_end + out->branches.len;
    for (int ix = 0; ix < WPK_NINDEX && !rc; ix++) {
        wleaves *l = &lb[sealed[ix]];
        rc = wpk_root_encode(l, root_cctx, w->count, out->pages_size, &out->root[ix], &out->root_raw[ix], err);
        out->root_count[ix] = l->count;
        out->root_branched[ix] = l->branched;
    }
    for (int t = 0; t < NTASKS; t++) wpk_leaves_free(&lb[t]);
    if (search_threaded) pthread_join(search_tid, NULL);
    else if (with_search && !rc) run_search_job(&sj);
    if (with_search && !rc && sj.rc) {
        rc = sj.rc;
        if (err) *err = sj.err;
    }
    /* WIKIS and SUMMARY: zstd frames without dictionary, like the roots. */
    wbuf raw = wbuf_new();
    wpk2_err e;
    if (!rc && (rc = wpk2_wikis_encode(&raw, w->table.wikis, w->table.count, &e)) != 0)
        rc = wpk_fail_format(err, rc, &e, "the wiki table");
    if (!rc) rc = compress_section(root_cctx, &raw, &out->wikis, &out->wikis_raw, err);
    raw.len = 0;
    if (!rc) rc = wpk_build_summary(w, &raw, err);
    if (!rc) rc = compress_section(root_cctx, &raw, &out->summary, &out->summary_raw, err);
    wpk2_buf_free(&raw);
    wpk_free(order);
    wpk_free(jobs[0].order); /* order_b, unless the first job freed it */
    wpk_free(lb);
    ZSTD_freeCCtx(root_cctx);
    ZSTD_freeCDict(cd);
    if (rc) wpk_built_index_free(out);
    return rc;
}
