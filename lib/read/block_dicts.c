/* block_dicts.c - format 2.2: the dictionary of each run of blocks (BLOCK_DICTS), decoded at open, each read from DATA and digested on first use. */
#include "reader_internal.h"

#include <string.h>

struct wpk_run_dict {
    int state;                  /* 0 not loaded, 1 loaded, -1 failed (err says why) */
    wpk_error err;
    ZSTD_DDict *ddict;
    uint8_t *raw;               /* the dictionary's bytes, which ddict refers to */
};

int wpk_block_dicts_open(wpk_reader *r, wpk_error *err)
{
    const wpk2_section *s = r->map.of[WPK2_SEC_BLOCK_DICTS];
    if (!s) return WPK_OK;
    uint8_t *raw;
    int rc = wpk_section_raw(r, s, "block dictionaries", r->opts.max_prefix_size, &raw, err);
    if (rc) return rc;
    wpk2_err e;
    rc = wpk2_block_dicts_decode(raw, (size_t)s->raw_size, r->data_size, r->opts.max_dict_size, &r->alloc, &r->runs, &e);
    wpk_free(raw);
    if (rc) return wpk_codec_fail(r, err, rc, &e, s->offset, "block dictionaries");
    r->run_dicts = wpk_calloc(r->runs.count, sizeof *r->run_dicts);
    if (!r->run_dicts) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    return WPK_OK;
}

void wpk_block_dicts_close(wpk_reader *r)
{
    for (uint32_t i = 0; r->run_dicts && i < r->runs.count; i++) {
        ZSTD_freeDDict(r->run_dicts[i].ddict);
        wpk_free(r->run_dicts[i].raw);
    }
    wpk_free(r->run_dicts);
    r->run_dicts = NULL;
    wpk2_block_dicts_free(&r->runs);
}

/* Read run i's dictionary, check both its hashes (once per run, so always:
 * verification needs the BLAKE2b-256 checked too) and digest it. */
static int load_run(wpk_reader *r, uint32_t i, struct wpk_run_dict *d, wpk_error *err)
{
    const wpk2_dict_run *run = &r->runs.runs[i];
    uint64_t abs = r->data_base + run->start;
    uint8_t *stored = wpk_malloc((size_t)run->stored_size + 1), *raw = NULL;
    if (!stored) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading a block dictionary", r->name);
    int rc = wpk_read_exact(r, abs, stored, (size_t)run->stored_size, "block dictionary", err);
    if (!rc && !wpk_checksum_ok(wpk2_checksum(stored, (size_t)run->stored_size), run->checksum))
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: dictionary of block run %u at offset %llu: checksum mismatch",
                         r->name, i, (unsigned long long)abs);
    if (!rc && !wpk_auth_ok(stored, (size_t)run->stored_size, run->auth))
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs,
                         "%s: dictionary of block run %u at offset %llu: BLAKE2b-256 mismatch (altered?)", r->name, i,
                         (unsigned long long)abs);
    if (!rc && run->form == WPK2_RUN_DICT_ZSTD) {
        rc = wpk_unframe(r, stored, (size_t)run->stored_size, run->raw_size, NULL, abs, "block dictionary", &raw, err);
        wpk_free(stored);
    } else {
        raw = stored;
    }
    if (rc) {
        wpk_free(raw);
        return rc;
    }
    int nomem;
    d->ddict = wpk_zstd_ddict(raw, (size_t)run->raw_size, &nomem);
    if (!d->ddict) {
        wpk_free(raw);
        if (nomem) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory loading a block dictionary", r->name);
        return wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: dictionary of block run %u at offset %llu is not a valid zstd dictionary",
                           r->name, i, (unsigned long long)abs);
    }
    d->raw = raw;
    return WPK_OK;
}

int wpk_block_run_of(wpk_reader *r, const wpk2_block_ref *b, uint32_t *run_out, wpk_error *err)
{
    uint32_t i = wpk2_block_dicts_run(&r->runs, b->offset);
    const wpk2_dict_run *run = &r->runs.runs[i];
    uint64_t end = i + 1 < r->runs.count ? r->runs.runs[i + 1].start : r->data_size;
    *run_out = i;
    if (b->offset < run->start + run->stored_size || b->stored_size > end - b->offset)
        return wpk_fail_at(err, WPK_E_CORRUPT, r->data_base + b->offset, "%s: block at offset %llu %s block run %u",
                           r->name, (unsigned long long)(r->data_base + b->offset),
                           b->offset < run->start + run->stored_size ? "lies inside the dictionary of"
                                                                     : "crosses the end of",
                           i);
    return WPK_OK;
}

int wpk_run_dict(wpk_reader *r, uint32_t i, const ZSTD_DDict **out, wpk_error *err)
{
    *out = NULL;
    if (r->runs.runs[i].form == WPK2_RUN_NO_DICT) return WPK_OK;
    struct wpk_run_dict *d = &r->run_dicts[i];
    pthread_mutex_lock(&r->dict_lock);
    if (d->state == 0) {
        memset(&d->err, 0, sizeof d->err);
        d->state = load_run(r, i, d, &d->err) == 0 ? 1 : -1;
    }
    int rc = d->state > 0 ? WPK_OK : d->err.code;
    if (rc && err) *err = d->err;
    pthread_mutex_unlock(&r->dict_lock);
    *out = d->ddict;
    return rc;
}

int wpk_reader_block_dict(wpk_reader *r, const wpk2_block_ref *b, const ZSTD_DDict **out, wpk_error *err)
{
    if (!r->runs.count) return wpk_reader_dict(r, out, err);
    *out = NULL;
    uint32_t i;
    int rc = wpk_block_run_of(r, b, &i, err);
    return rc ? rc : wpk_run_dict(r, i, out, err);
}
