/* merge_blocks.c - the parts' blocks and dictionaries, the merged DATA region's layout, and its copy with every block checked on the way.
 *
 * The merged DATA is each part's DATA region in turn, byte for byte. When
 * every part has the same dictionary (or none), that is all, and the
 * archive stays format 2.0/2.1. Otherwise each part is a run of blocks
 * (format 2.2, BLOCK_DICTS) whose dictionary is stored just before its
 * region; a part that is a merge itself brings its own runs. */
#include "merge_internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static int ref_cmp(const void *a, const void *b)
{
    const wpk2_block_ref *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

/* Every block the part's entry pages name, once each, in DATA order: the
 * pages' block references, without decoding each entry. */
static int collect_blocks(mmerge *m, mpart *p, wpk_error *err)
{
    wpk_reader *r = p->r;
    wpk_index *idx = &r->idx[WPK2_PAGE_ENTRY];
    size_t n = 0, cap = 0;
    wpk2_block_ref *refs = NULL;
    wpk_leaf_pos pos;
    const wpk2_root_item *it = NULL;
    int rc = wpk_index_ready(r, idx, err);
    if (!rc) rc = wpk_index_first(r, idx, &pos, &it, err);
    for (uint64_t pages = 0; !rc && it; pages++, rc = wpk_index_next(r, idx, &pos, &it, err)) {
        wpk_shared *page;
        if ((rc = wpk_leaf_get(r, idx, it, &page, err)) != 0) break;
        const wpk2_entry_page *pg = &wpk_page_of(page)->u.entry;
        if (n + pg->block_count > cap) {
            size_t c = (n + pg->block_count) * 2;
            wpk2_block_ref *g = wpk_realloc(refs, c * sizeof *g);
            if (!g) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
            else refs = g, cap = c;
        }
        for (uint32_t i = 0; !rc && i < pg->block_count; i++) refs[n++] = pg->blocks[i];
        wpk_shared_release(page);
        if (m->progress && (pages & 255) == 0) {
            wpk_progress pr = {sizeof pr, "reading blocks", 0, 0, it->first_item, r->h.entry_count};
            m->progress(m->progress_ctx, &pr);
        }
    }
    if (rc) {
        wpk_free(refs);
        return rc;
    }
    if (n) qsort(refs, n, sizeof *refs, ref_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && refs[kept - 1].offset == refs[i].offset) {
            if (!wpk2_block_ref_same(&refs[kept - 1], &refs[i])) {
                wpk_free(refs);
                return wpk_fail_at(err, WPK_E_CORRUPT, r->data_base + refs[i].offset,
                                   "%s: two entry pages disagree about the block at offset %llu; verify it", p->path,
                                   (unsigned long long)(r->data_base + refs[i].offset));
            }
            continue;
        }
        refs[kept++] = refs[i];
    }
    p->blocks = refs;
    p->nblocks = kept;
    return WPK_OK;
}

int wpk_merge_blocks(mmerge *m, mpart *p, wpk_error *err)
{
    int rc = collect_blocks(m, p, err);
    if (rc) return rc;
    wpk_reader *r = p->r;
    p->has_runs = r->runs.count > 0;
    const wpk2_section *d = r->map.of[WPK2_SEC_DICT];
    if (!d) return WPK_OK;
    if ((rc = wpk_section_raw(r, d, "dictionary", r->opts.max_dict_size, &p->dict, err)) != 0) return rc;
    p->dict_size = (size_t)d->raw_size;
    p->dict_stored_size = (size_t)d->stored_size;
    if (!(d->flags & WPK2_SECF_ZSTD)) {
        p->dict_stored = p->dict;
        return WPK_OK;
    }
    if (!(p->dict_stored = wpk_malloc(p->dict_stored_size))) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    memcpy(p->dict_stored, r->prefix + d->offset, p->dict_stored_size);
    return WPK_OK;
}

static int same_dict(const mpart *a, const mpart *b)
{
    return a->dict_size == b->dict_size && (!a->dict_size || !memcmp(a->dict, b->dict, a->dict_size));
}

int wpk_merge_number(mmerge *m, wpk_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nparts; i++) {
        m->parts[i].first_block = (uint32_t)n;
        n += m->parts[i].nblocks;
        if (n >= UINT32_MAX) return wpk_fail(err, WPK_E_LIMIT, "the parts hold more than 2^32 blocks");
    }
    m->nblocks = n;
    m->used = wpk_calloc(n + 1, 1);
    m->repeat = wpk_malloc((n + 1) * sizeof *m->repeat);
    if (!m->used || !m->repeat) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t b = 0; b <= n; b++) m->repeat[b] = UINT64_MAX;
    return WPK_OK;
}

int wpk_merge_block_of(const mpart *p, const wpk_entry *e, uint32_t *block, wpk_error *err)
{
    uint64_t off = ((const wpk_entry_full *)e)->block.offset;
    size_t lo = 0, hi = p->nblocks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->blocks[mid].offset < off) lo = mid + 1; else hi = mid;
    }
    if (lo == p->nblocks || p->blocks[lo].offset != off)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: entry %s names a block its entry pages did not", p->path, e->path);
    *block = p->first_block + (uint32_t)lo;
    return WPK_OK;
}

/* ---- the layout ------------------------------------------------------------ */

typedef struct mlayout {
    mmerge *m;
    int uniform;                /* one dictionary (or none) for every part: no runs */
    uint32_t *number;           /* by block among all the parts': its number in the output, UINT32_MAX left out */
    size_t kept;
    uint64_t at, unique;
    size_t copies_cap;
} mlayout;

static int push_copy(mlayout *l, const mcopy *c, wpk_error *err)
{
    mmerge *m = l->m;
    if (m->ncopies == l->copies_cap) {
        size_t cap = l->copies_cap ? l->copies_cap * 2 : 256;
        mcopy *g = wpk_realloc(m->copies, cap * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        m->copies = g;
        l->copies_cap = cap;
    }
    m->copies[m->ncopies++] = *c;
    l->at += c->size;
    return WPK_OK;
}

static int push_run(mmerge *m, const wpk2_dict_run *run, wpk_error *err)
{
    wpk2_dict_run *g = wpk_realloc(m->runs, (m->nruns + 1) * sizeof *g);
    if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    m->runs = g;
    m->runs[m->nruns++] = *run;
    return WPK_OK;
}

/* The blocks [b0, b1) of part p that kept entries use, after their run's
 * dictionary (src: a 2.2 part's run, NULL: the part's DICT) unless one
 * dictionary serves all. A run whose blocks are all left out is left out. */
static int lay_run(mlayout *l, mpart *p, size_t b0, size_t b1, const wpk2_dict_run *src, wpk_error *err)
{
    mmerge *m = l->m;
    size_t any = 0;
    for (size_t b = b0; b < b1; b++) any += m->used[p->first_block + b];
    if (!any) return WPK_OK;
    int rc = WPK_OK;
    if (!l->uniform) {
        wpk2_dict_run run = {.start = l->at, .form = WPK2_RUN_NO_DICT};
        mcopy c = {p, NULL, 0, 0, 0, NULL};
        if (src && src->form != WPK2_RUN_NO_DICT) {
            run = *src;
            run.start = l->at;
            c = (mcopy){p, NULL, src->start, src->stored_size, src->checksum, NULL};
        } else if (!src && p->dict_size) {
            run.form = p->dict_stored == p->dict ? WPK2_RUN_DICT_RAW : WPK2_RUN_DICT_ZSTD;
            run.stored_size = p->dict_stored_size;
            run.raw_size = p->dict_size;
            wpk_hash_stored(p->dict_stored, p->dict_stored_size, &run.checksum, run.auth);
            c = (mcopy){p, p->dict_stored, 0, p->dict_stored_size, run.checksum, NULL};
        }
        rc = push_run(m, &run, err);
        if (!rc && c.size) rc = push_copy(l, &c, err);
    }
    for (size_t b = b0; b < b1 && !rc; b++) {
        if (!m->used[p->first_block + b]) continue;
        const wpk2_block_ref *ref = &p->blocks[b];
        l->number[p->first_block + b] = (uint32_t)l->kept++;
        l->unique += ref->raw_size;
        mcopy c = {p, NULL, ref->offset, ref->stored_size, ref->checksum, ref};
        rc = push_copy(l, &c, err);
    }
    return rc;
}

static int lay_part(mlayout *l, mpart *p, wpk_error *err)
{
    if (!p->has_runs) return lay_run(l, p, 0, p->nblocks, NULL, err);
    const wpk2_block_dicts *runs = &p->r->runs;
    size_t b = 0;
    int rc = WPK_OK;
    for (uint32_t k = 0; k < runs->count && !rc; k++) {
        uint64_t end = k + 1 < runs->count ? runs->runs[k + 1].start : p->r->data_size;
        size_t b0 = b;
        while (b < p->nblocks && p->blocks[b].offset < end) b++;
        rc = lay_run(l, p, b0, b, &runs->runs[k], err);
    }
    return rc;
}

/* An entry left out as a repeat must take its whole block with it: the
 * block's other contents would otherwise be stored without an entry. */
static int check_repeats(mmerge *m, wpk_error *err)
{
    for (size_t i = 0; i < m->nparts; i++) {
        mpart *p = &m->parts[i];
        for (size_t b = 0; b < p->nblocks; b++) {
            uint64_t n = m->repeat[p->first_block + b];
            if (n == UINT64_MAX || !m->used[p->first_block + b]) continue;
            wpk_entry *e;
            int rc = wpk_reader_entry_at(p->r, n, &e, err);
            if (rc) return rc;
            rc = wpk_fail(err, WPK_E_EXISTS,
                          "entry \"%s\" is in %s and in an earlier part, alike; its block in %s also holds entries "
                          "that are kept, so it cannot be left out without recompressing: remove it from one part",
                          e->path, p->path, p->path);
            wpk_entry_free(e);
            return rc;
        }
    }
    return WPK_OK;
}

static int by_place(const void *x, const void *y, void *ctx)
{
    const wentry *a = &((const wentry *)ctx)[*(const uint32_t *)x], *b = &((const wentry *)ctx)[*(const uint32_t *)y];
    if (a->block != b->block) return a->block < b->block ? -1 : 1;
    return (a->offset_in_block > b->offset_in_block) - (a->offset_in_block < b->offset_in_block);
}

/* Distinct contents: entries of one part that share a content share its
 * place (the writer counts the others as duplicates). */
static int count_places(mmerge *m, wpk_writer *w, wpk_error *err)
{
    size_t n = 0;
    uint32_t *order = wpk_malloc((w->count ? w->count : 1) * sizeof *order);
    if (!order) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < w->count; i++)
        if (w->entries[i].size) order[n++] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, by_place, w->entries);
    uint64_t distinct = 0;
    for (size_t i = 0; i < n; i++) distinct += !i || by_place(&order[i - 1], &order[i], w->entries) != 0;
    wpk_free(order);
    m->data.unique_contents = distinct;
    return WPK_OK;
}

int wpk_merge_layout(mmerge *m, wpk_writer *w, wpk_error *err)
{
    int rc = check_repeats(m, err);
    if (rc) return rc;
    mlayout l = {m, 1, NULL, 0, 0, 0, 0};
    for (size_t i = 0; i < m->nparts; i++) l.uniform &= !m->parts[i].has_runs && same_dict(&m->parts[i], &m->parts[0]);
    if (!(l.number = wpk_malloc((m->nblocks + 1) * sizeof *l.number))) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t b = 0; b <= m->nblocks; b++) l.number[b] = UINT32_MAX;
    const mpart *pages_dict = NULL;
    for (size_t i = 0; i < m->nparts && !rc; i++) {
        if (m->parts[i].dict_size && !pages_dict) pages_dict = &m->parts[i];
        rc = lay_part(&l, &m->parts[i], err);
    }
    /* The blocks, numbered as laid out; the entries renumbered to them. */
    wpk2_block_ref *refs = rc ? NULL : wpk_malloc((l.kept ? l.kept : 1) * sizeof *refs);
    if (!rc && !refs) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    uint64_t at = 0;
    for (size_t c = 0, k = 0; !rc && c < m->ncopies; c++) {
        const mcopy *cp = &m->copies[c];
        if (cp->ref) {
            refs[k] = *cp->ref;
            refs[k++].offset = at;
        }
        at += cp->size;
    }
    for (size_t i = 0; !rc && i < w->count; i++) {
        wentry *e = &w->entries[i];
        if (e->size) e->block = l.number[e->block];
    }
    wpk_free(l.number);
    if (!rc) rc = count_places(m, w, err);
    if (rc) {
        wpk_free(refs);
        return rc;
    }
    m->data.refs = refs;
    m->data.block_count = l.kept;
    m->data.data_size = l.at;
    m->data.unique_bytes = l.unique;
    if (pages_dict) {
        m->data.page_dict = pages_dict->dict;
        m->data.page_dict_size = pages_dict->dict_size;
        m->data.page_dict_stored = pages_dict->dict_stored;
        m->data.page_dict_stored_size = pages_dict->dict_stored_size;
    }
    if (m->nruns) {
        m->runs_raw = (wpk2_buf){NULL, 0, 0, &wpk_writer_alloc};
        if (wpk2_block_dicts_encode(&m->runs_raw, m->runs, (uint32_t)m->nruns))
            return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        m->data.block_dicts = m->runs_raw.p;
        m->data.block_dicts_len = m->runs_raw.len;
    }
    m->data.copy = wpk_merge_copy;
    m->data.ctx = m;
    /* A search index when a part has one: made again from the texts, as
     * packing makes it (the parts' postings name other entry numbers, and
     * an article's current version may change across parts). */
    for (size_t i = 0; i < m->nparts; i++)
        if (wpk_reader_has_search(m->parts[i].r)) m->data.read = wpk_merge_read;
    return WPK_OK;
}

/* ---- the copy ------------------------------------------------------------ */

enum { COPY_CHUNK = 4u << 20 };

/* One block or dictionary of a part, read in chunks, checked, written. */
static int copy_one(mmerge *m, const mcopy *c, uint8_t *buf, XXH3_state_t *st, int out_fd, uint64_t off,
                    const char *out_path, wpk_error *err)
{
    wpk_reader *r = c->p->r;
    XXH3_64bits_reset(st);
    for (uint64_t pos = 0; pos < c->size;) {
        size_t n = c->size - pos < COPY_CHUNK ? (size_t)(c->size - pos) : COPY_CHUNK;
        int rc = wpk_read_exact(r, r->data_base + c->offset + pos, buf, n, "block", err);
        if (!rc) rc = wpk_write_all(out_fd, buf, n, off + pos, out_path, err);
        if (rc) return rc;
        XXH3_64bits_update(st, buf, n);
        pos += n;
    }
    if (!wpk_checksum_ok(XXH3_64bits_digest(st), c->checksum))
        return wpk_fail_at(err, WPK_E_CORRUPT, r->data_base + c->offset,
                           "%s: the block at offset %llu does not match its checksum", c->p->path,
                           (unsigned long long)(r->data_base + c->offset));
    return WPK_OK;
}

int wpk_merge_copy(void *ctx, int out_fd, uint64_t out_off, const char *out_path, wpk_error *err)
{
    mmerge *m = ctx;
    uint8_t *buf = wpk_malloc(COPY_CHUNK);
    XXH3_state_t *st = XXH3_createState();
    int rc = buf && st ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory");
    uint64_t off = out_off;
    for (size_t i = 0; i < m->ncopies && !rc; i++) {
        const mcopy *c = &m->copies[i];
        rc = c->mem ? wpk_write_all(out_fd, c->mem, (size_t)c->size, off, out_path, err)
                    : copy_one(m, c, buf, st, out_fd, off, out_path, err);
        off += c->size;
        m->copied += c->size;
        if (m->progress && (i & 63) == 0) {
            wpk_progress pr = {sizeof pr, "copying blocks", m->copied, m->data.data_size, i, m->ncopies};
            m->progress(m->progress_ctx, &pr);
        }
    }
    if (!rc && off - out_off != m->data.data_size)
        rc = wpk_fail(err, WPK_E_CORRUPT, "%s: internal error: %llu bytes of data written, %llu planned", out_path,
                      (unsigned long long)(off - out_off), (unsigned long long)m->data.data_size);
    XXH3_freeState(st);
    wpk_free(buf);
    return rc;
}

void wpk_merge_parts_free(mmerge *m)
{
    for (size_t i = 0; i < m->nparts; i++) {
        mpart *p = &m->parts[i];
        wpk_reader_close(p->r);
        wpk_free(p->blocks);
        if (p->dict_stored != p->dict) wpk_free(p->dict_stored);
        wpk_free(p->dict);
    }
    wpk_free(m->parts);
    wpk_free(m->used);
    wpk_free(m->origin);
    wpk_free(m->repeat);
    wpk_free(m->copies);
    wpk_free(m->runs);
    wpk2_buf_free(&m->runs_raw);
    wpk_free(m->data.refs);
}
