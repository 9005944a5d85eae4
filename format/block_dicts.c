/* block_dicts.c - the BLOCK_DICTS section (format 2.2): which dictionary each run of blocks is compressed with.
 *
 * varint run_count >= 1, then per run: varint start step (the first start
 * is 0, the next steps >= 1), u8 form (0 none, 1 stored as is, 2 a zstd
 * frame), and for forms 1 and 2: varint stored_size, varint raw_size,
 * u64 XXH3-64, 32 bytes BLAKE2b-256 of the stored dictionary, which lies
 * in DATA at the run's start.
 */
#include "wpk2_internal.h"

/* A run takes at least 2 bytes: the smallest count a section of n bytes can hold. */
#define RUN_MIN 2u

static int run_decode(rd *s, uint32_t i, uint64_t prev, uint64_t data_size, uint64_t max_dict, wpk2_dict_run *r,
                      wpk2_err *err)
{
    uint64_t step;
    const uint8_t *form;
    if (!rd_varint(s, &step) || !rd_bytes(s, 1, &form))
        return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: truncated", i);
    if (i == 0 && step != 0) return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS: the first run starts at %llu, not 0",
                                             (unsigned long long)step);
    if (i > 0 && step == 0) return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: starts where run %u does", i, i - 1);
    if (step > data_size - prev)
        return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: starts past the end of DATA", i);
    r->start = prev + step;
    if (r->start >= data_size)
        return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: starts at %llu, the end of DATA", i,
                         (unsigned long long)r->start);
    r->form = *form;
    if (r->form > WPK2_RUN_DICT_ZSTD) return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: form %u", i, r->form);
    if (r->form == WPK2_RUN_NO_DICT) return WPK2_OK;
    const uint8_t *sums;
    if (!rd_varint(s, &r->stored_size) || !rd_varint(s, &r->raw_size) || !rd_bytes(s, 40, &sums))
        return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: truncated", i);
    if (r->stored_size == 0 || r->raw_size == 0 || (r->form == WPK2_RUN_DICT_RAW && r->raw_size != r->stored_size) ||
        r->raw_size / WPK2_MAX_EXPANSION > r->stored_size)
        return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: dictionary of %llu stored and %llu raw bytes", i,
                         (unsigned long long)r->stored_size, (unsigned long long)r->raw_size);
    if (r->stored_size > data_size - r->start)
        return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: its dictionary runs past the end of DATA", i);
    if (r->raw_size > max_dict)
        return wpk2_fail(err, WPK2_E_LIMIT, "BLOCK_DICTS, run %u: a dictionary of %llu bytes, over the cap (%llu)", i,
                         (unsigned long long)r->raw_size, (unsigned long long)max_dict);
    r->checksum = le64(sums);
    memcpy(r->auth, sums + 8, 32);
    return WPK2_OK;
}

int wpk2_block_dicts_decode(const uint8_t *raw, size_t n, uint64_t data_size, uint64_t max_dict,
                            const wpk2_alloc *alloc, wpk2_block_dicts *out, wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, alloc, UINT64_MAX);
    rd s = {raw, n, 0};
    uint64_t count;
    if (!rd_varint(&s, &count) || count == 0 || count > rd_left(&s) / RUN_MIN)
        return wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS: a run count the section cannot hold");
    out->runs = wpk2_mem_array(&out->mem, (size_t)count, sizeof *out->runs);
    if (!out->runs) return wpk2_fail(err, WPK2_E_NOMEM, "BLOCK_DICTS: out of memory");
    out->count = (uint32_t)count;
    int rc = WPK2_OK;
    for (uint32_t i = 0; i < out->count && !rc; i++) {
        rc = run_decode(&s, i, i ? out->runs[i - 1].start : 0, data_size, max_dict, &out->runs[i], err);
        if (!rc && i && out->runs[i - 1].stored_size > out->runs[i].start - out->runs[i - 1].start)
            rc = wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS, run %u: its dictionary runs past the next run's start",
                           i - 1);
    }
    if (!rc && !rd_done(&s))
        rc = wpk2_fail(err, WPK2_E_CORRUPT, "BLOCK_DICTS: %zu bytes after the last run", rd_left(&s));
    if (rc) wpk2_block_dicts_free(out);
    return rc;
}

void wpk2_block_dicts_free(wpk2_block_dicts *d)
{
    wpk2_mem_release(&d->mem);
    d->runs = NULL;
    d->count = 0;
}

uint32_t wpk2_block_dicts_run(const wpk2_block_dicts *d, uint64_t offset)
{
    uint32_t lo = 0, hi = d->count; /* the first run starting after offset */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (d->runs[mid].start <= offset) lo = mid + 1; else hi = mid;
    }
    return lo ? lo - 1 : 0;
}

int wpk2_block_dicts_encode(wpk2_buf *out, const wpk2_dict_run *runs, uint32_t count)
{
    if (wpk2_buf_varint(out, count)) return WPK2_E_NOMEM;
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_dict_run *r = &runs[i];
        uint8_t form = r->form, sums[40];
        if (wpk2_buf_varint(out, r->start - (i ? runs[i - 1].start : 0)) || wpk2_buf_put(out, &form, 1))
            return WPK2_E_NOMEM;
        if (form == WPK2_RUN_NO_DICT) continue;
        put64(sums, r->checksum);
        memcpy(sums + 8, r->auth, 32);
        if (wpk2_buf_varint(out, r->stored_size) || wpk2_buf_varint(out, r->raw_size) || wpk2_buf_put(out, sums, 40))
            return WPK2_E_NOMEM;
    }
    return WPK2_OK;
}
