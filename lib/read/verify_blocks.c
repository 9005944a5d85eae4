/* verify_blocks.c - verify's blocks: the references of every page agree, each block read once with its XXH3 and BLAKE2b (and decompressed when full), its contents cover it exactly, blocks tile DATA, the header's totals. */
#include "verify_internal.h"

#include <stdlib.h>
#include <string.h>

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
        wpk_v_nomem(v);
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
        if (rc == WPK_E_NOMEM) wpk_v_nomem(v);
        else if (rc)
            wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu does not decompress to exactly %llu bytes",
                          r->name, (unsigned long long)abs, (unsigned long long)b->raw_size);
        else v->st.bytes_checked += b->raw_size;
    }
    wpk_free(stored);
    v->st.blocks_checked++;
}

/* The places in block b (the next in the sorted stream, all read here)
 * cover its raw bytes: equal places once, each where the previous ends. */
static void check_cover(vctx *v, const wpk2_block_ref *b, wpk_sort_reader *rd, vplace *p, int *have)
{
    uint64_t at = 0;
    int ok = 1, first = 1;
    vplace last = {0, 0, 0};
    for (; *have && p->block == b->offset; *have = wpk_sort_next(rd, p)) {
        int dup = !first && p->offset == last.offset && p->size == last.size;
        last = *p;
        first = 0;
        if (!ok || dup) continue;
        ok = p->offset == at;
        at += p->size;
    }
    if (!ok || at != b->raw_size) {
        uint64_t abs = v->r->data_base + b->offset;
        wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu: its contents do not cover its %llu bytes "
                      "exactly (gap, overlap or bytes left over)", v->r->name, (unsigned long long)abs,
                      (unsigned long long)b->raw_size);
    }
}

/* Distinct blocks, for progress: a first read of the references. */
static uint64_t count_blocks(vctx *v)
{
    wpk_sort_reader rd;
    uint64_t n = 0;
    if (wpk_v_open(v, &v->refs, &rd)) return 0;
    vref x, prev;
    for (int have_prev = 0; wpk_sort_next(&rd, &x); prev = x, have_prev = 1) n += !have_prev || x.ref.offset != prev.ref.offset;
    wpk_v_close(v, &rd);
    return n;
}

/* The block references by offset, each block once, with the places of
 * the contents in it. */
static void check_refs(vctx *v, const ZSTD_DDict *dict, int full, uint64_t distinct)
{
    wpk_reader *r = v->r;
    vjoin j; /* the block references, and the contents' places, by offset */
    if (wpk_v_join_open(v, &j, &v->refs, &v->places)) return;
    wpk_sort_reader *places = &j.b;
    vplace p;
    int have_p = wpk_sort_next(places, &p), have_prev = 0;
    vref x, prev;
    vtiler tiles = {0, 0};
    uint64_t blocks = 0, unique = 0;
    /* Format 2.2: the runs' dictionaries tile DATA with the blocks, in
     * offset order, and every run holds a block. */
    uint32_t nruns = r->runs.count, ri = 0;
    uint8_t *run_used = nruns ? wpk_calloc(nruns, 1) : NULL;
    if (nruns && !run_used) {
        v->oom = 1;
        wpk_v_join_close(v, &j);
        return;
    }
    wpk_error e;
    for (; !v->halted && wpk_sort_next(&j.a, &x); prev = x, have_prev = 1) {
        const wpk2_block_ref *b = &x.ref;
        if (have_prev && b->offset == prev.ref.offset) {
            /* A block used by two pages: both name it alike. */
            if (!wpk2_block_ref_same(b, &prev.ref))
                wpk_v_problem(v, WPK_E_CORRUPT, 1, r->data_base + b->offset, "%s: the entry pages from entries %llu and "
                              "%llu name the block at offset %llu with other sizes or hashes", r->name,
                              (unsigned long long)prev.page_first, (unsigned long long)x.page_first,
                              (unsigned long long)(r->data_base + b->offset));
            continue;
        }
        for (; ri < nruns && r->runs.runs[ri].start <= b->offset; ri++)
            if (r->runs.runs[ri].form != WPK2_RUN_NO_DICT)
                wpk_v_tile(&tiles, r->runs.runs[ri].start, r->runs.runs[ri].stored_size);
        wpk_v_tile(&tiles, b->offset, b->stored_size);
        blocks++;
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
        while (have_p && p.block < b->offset) have_p = wpk_sort_next(places, &p);
        check_cover(v, b, places, &p, &have_p);
        if (r->progress) {
            wpk_progress pr = {sizeof pr, "verifying", unique, r->h.unique_bytes, blocks, distinct};
            r->progress(r->progress_ctx, &pr);
        }
    }
    wpk_v_join_close(v, &j);
    if (!v->halted && !v->entries_incomplete) {
        for (; ri < nruns; ri++)
            if (r->runs.runs[ri].form != WPK2_RUN_NO_DICT)
                wpk_v_tile(&tiles, r->runs.runs[ri].start, r->runs.runs[ri].stored_size);
        for (uint32_t i = 0; i < nruns; i++)
            if (!run_used[i])
                wpk_v_problem(v, WPK_E_CORRUPT, 1, r->data_base + r->runs.runs[i].start,
                              "%s: block run %u at offset %llu holds no block", r->name, i,
                              (unsigned long long)(r->data_base + r->runs.runs[i].start));
        if (!wpk_v_tiled(&tiles, r->data_size))
            wpk_v_problem(v, WPK_E_CORRUPT, 1, r->data_base + tiles.at, "%s: data region: %s at offset %llu", r->name,
                          tiles.at < r->data_size ? "unreferenced or overlapping bytes" : "blocks past its end",
                          (unsigned long long)(r->data_base + tiles.at));
        if (blocks != r->h.block_count)
            wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: the header counts %llu blocks, the entries use %llu", r->name,
                          (unsigned long long)r->h.block_count, (unsigned long long)blocks);
        if (unique != r->h.unique_bytes)
            wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: unique_bytes is %llu, the blocks hold %llu raw bytes", r->name,
                          (unsigned long long)r->h.unique_bytes, (unsigned long long)unique);
    }
    wpk_free(run_used);
}

void wpk_v_blocks(vctx *v, int full)
{
    const ZSTD_DDict *dict = NULL;
    wpk_error e;
    if (wpk_reader_dict(v->r, &dict, &e) != 0) full = 0; /* reported already; the hashes are still checked */
    uint64_t distinct = count_blocks(v);
    if (!v->halted) check_refs(v, dict, full, distinct);
}
