/* verify_blocks.c - verify's blocks: the references of every page agree, each block read once with its XXH3 and BLAKE2b (and decompressed when full), its contents cover it exactly, blocks tile DATA, the header's totals. */
#include "verify_internal.h"

#include <stdlib.h>
#include <string.h>

static int ref_cmp(const void *x, const void *y)
{
    const vref *p = x, *q = y;
    if (p->ref.offset != q->ref.offset) return p->ref.offset < q->ref.offset ? -1 : 1;
    return (p->page_first > q->page_first) - (p->page_first < q->page_first);
}

static int place_cmp(const void *x, const void *y)
{
    const vplace *p = x, *q = y;
    if (p->block != q->block) return p->block < q->block ? -1 : 1;
    if (p->offset != q->offset) return p->offset < q->offset ? -1 : 1;
    return (p->size > q->size) - (p->size < q->size);
}

static int same_ref(const wpk2_block_ref *a, const wpk2_block_ref *b)
{
    return a->stored_size == b->stored_size && a->raw_size == b->raw_size && a->checksum == b->checksum &&
           !memcmp(a->auth, b->auth, sizeof a->auth);
}

static int discard(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx, (void)p, (void)n;
    return 0;
}

/* Read one block and check it; decompress it when full. */
static void check_block(vctx *v, const wpk2_block_ref *b, const ZSTD_DDict *dict, int full)
{
    wpk_reader *r = v->r;
    uint64_t abs = r->data_base + b->offset;
    uint8_t *stored = wpk_malloc(b->stored_size ? (size_t)b->stored_size : 1);
    if (!stored) {
        v->oom = 1;
        return;
    }
    wpk_error e;
    if (wpk_read_exact(r, abs, stored, (size_t)b->stored_size, "block", &e) != 0) {
        wpk_v_error(v, &e);
    } else if (!wpk_checksum_ok(wpk2_checksum(stored, (size_t)b->stored_size), b->checksum)) {
        wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu: checksum mismatch", r->name,
                      (unsigned long long)abs);
    } else if (!wpk_auth_ok(stored, (size_t)b->stored_size, b->auth)) {
        wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu: BLAKE2b-256 mismatch", r->name,
                      (unsigned long long)abs);
    } else if (!wpk_zstd_frame_ok(stored, (size_t)b->stored_size, b->raw_size)) {
        wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu is not exactly one zstd frame of %llu bytes",
                      r->name, (unsigned long long)abs, (unsigned long long)b->raw_size);
    } else if (full && wpk_block_plausible_check(r, b, NULL, &e) != 0) {
        wpk_v_error(v, &e);
    } else if (full) {
        /* Decompressed through a small buffer, never whole: a block may be
         * as large as the block cap. */
        int rc = wpk_block_stream(r, dict, stored, (size_t)b->stored_size, 0, b->raw_size, 1, NULL, discard, NULL);
        if (rc == WPK_E_NOMEM) v->oom = 1;
        else if (rc)
            wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu does not decompress to exactly %llu bytes",
                          r->name, (unsigned long long)abs, (unsigned long long)b->raw_size);
        else v->st.bytes_checked += b->raw_size;
    }
    wpk_free(stored);
    v->st.blocks_checked++;
}

/* The places in the block at `offset` (places sorted) cover its raw bytes:
 * equal places once, each where the previous ends. */
static void check_cover(vctx *v, const wpk2_block_ref *b, size_t *p)
{
    size_t from = *p;
    while (*p < v->nplaces && v->places[*p].block == b->offset) (*p)++;
    uint64_t at = 0;
    int ok = 1;
    for (size_t i = from; i < *p && ok; i++) {
        const vplace *x = &v->places[i];
        if (i > from && x->offset == x[-1].offset && x->size == x[-1].size) continue;
        ok = x->offset == at;
        at += x->size;
    }
    if (!ok || at != b->raw_size) {
        uint64_t abs = v->r->data_base + b->offset;
        wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu: its contents do not cover its %llu bytes "
                      "exactly (gap, overlap or bytes left over)", v->r->name, (unsigned long long)abs,
                      (unsigned long long)b->raw_size);
    }
}

void wpk_v_blocks(vctx *v, int full)
{
    wpk_reader *r = v->r;
    if (v->nrefs) qsort(v->refs, v->nrefs, sizeof *v->refs, ref_cmp);
    if (v->nplaces) qsort(v->places, v->nplaces, sizeof *v->places, place_cmp);
    const ZSTD_DDict *dict = NULL;
    wpk_error e;
    if (wpk_reader_dict(r, &dict, &e) != 0) full = 0; /* reported already; the hashes are still checked */
    /* Format 2.2: the run dictionaries tile DATA with the blocks, and
     * every run holds a block. */
    uint32_t nruns = r->runs.count;
    vspan *spans = wpk_malloc((v->nrefs + nruns + 1) * sizeof *spans);
    uint8_t *run_used = wpk_calloc(nruns + 1, 1);
    if (!spans || !run_used) {
        wpk_free(spans);
        wpk_free(run_used);
        v->oom = 1;
        return;
    }
    size_t blocks = 0, p = 0, distinct = 0;
    uint64_t unique = 0;
    for (size_t i = 0; i < v->nrefs; i++) distinct += !i || v->refs[i].ref.offset != v->refs[i - 1].ref.offset;
    for (size_t i = 0; i < v->nrefs && !v->oom; i++) {
        const wpk2_block_ref *b = &v->refs[i].ref;
        if (i && b->offset == v->refs[i - 1].ref.offset) {
            /* A block used by two pages: both name it alike. */
            if (!same_ref(b, &v->refs[i - 1].ref))
                wpk_v_problem(v, WPK_E_CORRUPT, 1, r->data_base + b->offset, "%s: the entry pages from entries %llu and "
                              "%llu name the block at offset %llu with other sizes or hashes", r->name,
                              (unsigned long long)v->refs[i - 1].page_first, (unsigned long long)v->refs[i].page_first,
                              (unsigned long long)(r->data_base + b->offset));
            continue;
        }
        spans[blocks++] = (vspan){b->offset, b->stored_size};
        unique += b->raw_size;
        const ZSTD_DDict *bd = dict;
        int bfull = full;
        uint32_t run;
        if (nruns && wpk_block_run_of(r, b, &run, &e) != 0) {
            wpk_v_error(v, &e);
            bfull = 0;
        } else if (nruns) {
            run_used[run] = 1;
            if (wpk_run_dict(r, run, &bd, &e) != 0) bfull = 0; /* reported once by wpk_reader_verify */
        }
        check_block(v, b, bd, bfull);
        while (p < v->nplaces && v->places[p].block < b->offset) p++;
        check_cover(v, b, &p);
        if (r->progress) {
            wpk_progress pr = {sizeof pr, "verifying", unique, r->h.unique_bytes, blocks, distinct};
            r->progress(r->progress_ctx, &pr);
        }
    }
    if (!v->oom && !v->entries_incomplete) {
        size_t nspans = blocks;
        for (uint32_t i = 0; i < nruns; i++) {
            const wpk2_dict_run *run = &r->runs.runs[i];
            if (run->form != WPK2_RUN_NO_DICT) spans[nspans++] = (vspan){run->start, run->stored_size};
            if (!run_used[i])
                wpk_v_problem(v, WPK_E_CORRUPT, 1, r->data_base + run->start, "%s: block run %u at offset %llu holds no block",
                              r->name, i, (unsigned long long)(r->data_base + run->start));
        }
        uint64_t at;
        if (!wpk_v_tiles(spans, nspans, r->data_size, 0, &at))
            wpk_v_problem(v, WPK_E_CORRUPT, 1, r->data_base + at, "%s: data region: %s at offset %llu", r->name,
                          at < r->data_size ? "unreferenced or overlapping bytes" : "blocks past its end",
                          (unsigned long long)(r->data_base + at));
        if (blocks != r->h.block_count)
            wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: the header counts %llu blocks, the entries use %zu", r->name,
                          (unsigned long long)r->h.block_count, blocks);
        if (unique != r->h.unique_bytes)
            wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: unique_bytes is %llu, the blocks hold %llu raw bytes", r->name,
                          (unsigned long long)r->h.unique_bytes, (unsigned long long)unique);
    }
    wpk_free(spans);
    wpk_free(run_used);
}
