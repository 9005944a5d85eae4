/* sign_check.c - an archive read as signing needs it: its prefix checked, and every page and block checked against the hashes that name them, so that nothing damaged gets signed.
 *
 * The signature covers the prefix; the roots there name every page by
 * BLAKE2b, and the entry pages name every block: a signed archive whose
 * pages or blocks were already damaged would be certified as it is. So
 * signing checks the whole file first, with the format's decoders, and the
 * signed copy again (its signature verified) before it replaces the
 * original. */
#include "sign_check.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int read_at(int fd, uint64_t at, void *buf, size_t n, const char *name, wpk_error *err)
{
    if (wpk_fd_read_at((void *)(intptr_t)fd, at, buf, n) != 0)
        return wpk_fail_at(err, WPK_E_IO, at, "%s: cannot read %zu bytes at offset %llu", name, n,
                           (unsigned long long)at);
    return WPK_OK;
}

static int corrupt(wpk_error *err, const char *name, const wpk2_err *e)
{
    return wpk_fail(err, e->code == WPK2_E_FORMAT ? WPK_E_FORMAT : e->code == WPK2_E_NOMEM ? WPK_E_NOMEM : WPK_E_CORRUPT,
                    "%s: %s", name, e->msg);
}

int wpk_signed_open(wpk_signed *a, int fd, uint64_t size, const char *name, wpk_error *err)
{
    memset(a, 0, sizeof *a);
    a->fd = fd;
    a->size = size;
    a->name = name;
    uint8_t head[WPK2_HEADER_SIZE];
    wpk2_err e;
    if (size < 12) return wpk_fail(err, WPK_E_FORMAT, "%s: not a wikipack archive (too short)", name);
    int rc = read_at(fd, 0, head, size < sizeof head ? (size_t)size : sizeof head, name, err);
    if (rc) return rc;
    if ((rc = wpk2_header_decode(head, size < sizeof head ? (size_t)size : sizeof head, &a->h, &e)) != 0)
        return corrupt(err, name, &e);
    if (a->h.file_size != size)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: the header says %llu bytes, the file has %llu", name,
                        (unsigned long long)a->h.file_size, (unsigned long long)size);
    if (a->h.prefix_size > WPK_DEFAULT_MAX_PREFIX)
        return wpk_fail(err, WPK_E_LIMIT, "%s: a prefix of %llu bytes", name, (unsigned long long)a->h.prefix_size);
    a->prefix = wpk_malloc(a->h.prefix_size);
    if (!a->prefix) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if ((rc = read_at(fd, 0, a->prefix, a->h.prefix_size, name, err)) != 0) return rc;
    uint64_t table = (uint64_t)a->h.section_count * WPK2_SECTION_SIZE;
    if ((rc = wpk2_section_table_decode(a->prefix + WPK2_HEADER_SIZE, table, &a->h, a->secs, &a->map, &e)) != 0)
        return corrupt(err, name, &e);
    /* Every section in the prefix but SIGNATURE against its checksum. */
    for (uint32_t i = 0; i < a->h.section_count; i++) {
        const wpk2_section *s = &a->secs[i];
        if ((s->flags & WPK2_SECF_REGION) || s->type == WPK2_SEC_SIGNATURE) continue;
        if (wpk2_checksum(a->prefix + s->offset, s->stored_size) != s->checksum)
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: section %u (type %u): checksum mismatch", name, i,
                               s->type);
    }
    return WPK_OK;
}

void wpk_signed_close(wpk_signed *a)
{
    wpk_free(a->prefix);
    ZSTD_freeDDict(a->ddict);
    wpk_free(a->dict_raw);
    ZSTD_freeDDict(a->run_ddict);
    wpk_free(a->run_raw);
    wpk2_block_dicts_free(&a->runs);
    ZSTD_freeDCtx(a->dctx);
    memset(a, 0, sizeof *a);
}

void wpk_signed_digest(const wpk_signed *a, uint8_t out[64])
{
    const wpk2_section *s = a->map.of[WPK2_SEC_SIGNATURE];
    static const uint8_t zero[WPK2_SIG_SIZE];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 64);
    crypto_generichash_update(&st, a->prefix, s->offset);
    crypto_generichash_update(&st, zero, sizeof zero);
    crypto_generichash_update(&st, a->prefix + s->offset + WPK2_SIG_SIZE, a->h.prefix_size - s->offset - WPK2_SIG_SIZE);
    crypto_generichash_final(&st, out, 64);
}

/* A ZSTD section of the prefix, decompressed (a new buffer). */
static int section_raw(const wpk_signed *a, const wpk2_section *s, uint8_t **raw, wpk_error *err)
{
    *raw = wpk_malloc(s->raw_size ? s->raw_size : 1);
    if (!*raw) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (!(s->flags & WPK2_SECF_ZSTD)) {
        memcpy(*raw, a->prefix + s->offset, s->stored_size);
        return WPK_OK;
    }
    if (ZSTD_decompress(*raw, s->raw_size, a->prefix + s->offset, s->stored_size) != s->raw_size) {
        wpk_free(*raw);
        *raw = NULL;
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: section of type %u does not decompress to its size",
                           a->name, s->type);
    }
    return WPK_OK;
}

/* Stored bytes at `at` in a region, checked against their hashes, then
 * decompressed to exactly raw_size bytes (dict: DICT_NONE, DICT_ARCHIVE
 * the DICT section's, DICT_RUN the current run's, format 2.2). */
enum { DICT_NONE, DICT_ARCHIVE, DICT_RUN };
static int load(wpk_signed *a, uint64_t at, uint64_t stored, uint64_t raw_size, uint64_t xxh3, const uint8_t *auth,
                int dict, uint8_t **raw, wpk_error *err)
{
    *raw = NULL;
    if (stored > WPK_DEFAULT_MAX_BLOCK || raw_size > WPK_DEFAULT_MAX_BLOCK || at > a->size || stored > a->size - at)
        return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: a page or block outside the file", a->name);
    uint8_t *z = wpk_malloc(stored ? stored : 1), *out = wpk_malloc(raw_size ? raw_size : 1);
    int rc = z && out ? read_at(a->fd, at, z, stored, a->name, err) : wpk_fail(err, WPK_E_NOMEM, "out of memory");
    uint64_t x;
    uint8_t b[32];
    if (!rc) {
        wpk_hash_stored(z, stored, &x, b);
        if (x != xxh3 || sodium_memcmp(b, auth, 32) != 0)
            rc = wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: the page or block at offset %llu does not match its %s", a->name,
                             (unsigned long long)at, x != xxh3 ? "checksum" : "BLAKE2b hash");
    }
    if (!rc && dict == DICT_ARCHIVE && a->map.of[WPK2_SEC_DICT] && !a->ddict) {
        /* The dictionary object refers to these bytes: kept until close. */
        const wpk2_section *d = a->map.of[WPK2_SEC_DICT];
        if (d->flags & WPK2_SECF_ZSTD) rc = section_raw(a, d, &a->dict_raw, err);
        int nomem = 0;
        if (!rc && !(a->ddict = wpk_zstd_ddict(a->dict_raw ? a->dict_raw : a->prefix + d->offset, d->raw_size, &nomem)))
            rc = wpk_fail(err, nomem ? WPK_E_NOMEM : WPK_E_CORRUPT, "%s: the dictionary is not one zstd takes", a->name);
    }
    if (!rc && !a->dctx && !(a->dctx = wpk_zstd_dctx())) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (!rc) {
        const ZSTD_DDict *use = dict == DICT_RUN ? a->run_ddict : dict == DICT_ARCHIVE ? a->ddict : NULL;
        size_t got = use ? ZSTD_decompress_usingDDict(a->dctx, out, raw_size, z, stored, use)
                         : ZSTD_decompressDCtx(a->dctx, out, raw_size, z, stored);
        if (ZSTD_isError(got) || got != raw_size)
            rc = wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: the page or block at offset %llu does not decompress to its size",
                             a->name, (unsigned long long)at);
    }
    wpk_free(z);
    if (rc) {
        wpk_free(out);
        return rc;
    }
    *raw = out;
    return WPK_OK;
}

typedef struct block_set {
    wpk2_block_ref *refs;
    size_t n, cap;
} block_set;

static int by_offset(const void *x, const void *y)
{
    const wpk2_block_ref *p = x, *q = y;
    return (p->offset > q->offset) - (p->offset < q->offset);
}

/* The blocks an entry page names, added to the set. */
static int note_blocks(wpk_signed *a, const uint8_t *raw, size_t n, const wpk2_root_item *it, const wpk2_wikis *wikis,
                       block_set *bs, wpk_error *err)
{
    const wpk2_section *data = a->map.of[WPK2_SEC_DATA];
    wpk2_page_ctx ctx = {.from = it, .entry_count = a->h.entry_count, .wikis = wikis, .data_size = data->stored_size,
                         .alloc = &wpk_writer_alloc};
    wpk2_entry_page pg;
    wpk2_err e;
    int rc = wpk2_entry_page_decode(raw, n, &ctx, &pg, &e);
    if (rc) return corrupt(err, a->name, &e);
    if (bs->n + pg.block_count > bs->cap) {
        size_t cap = (bs->n + pg.block_count) * 2;
        wpk2_block_ref *g = wpk_realloc(bs->refs, cap * sizeof *g);
        if (!g) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        else bs->refs = g, bs->cap = cap;
    }
    for (uint32_t i = 0; !rc && i < pg.block_count; i++) bs->refs[bs->n++] = pg.blocks[i];
    wpk2_entry_page_free(&pg);
    return rc;
}

/* One index: its root, branch pages and leaves (entry pages decoded for
 * their blocks). */
static int check_index(wpk_signed *a, uint32_t type, const wpk2_wikis *wikis, block_set *bs, wpk_error *err)
{
    const wpk2_section *s = a->map.of[type], *pages = a->map.of[WPK2_SEC_PAGES];
    wpk2_root_ctx ctx = {.index_kind = type, .branched = (s->flags & WPK2_SECF_BRANCHED) != 0,
                         .entry_count = a->h.entry_count, .pages_size = pages->stored_size, .alloc = &wpk_writer_alloc};
    uint8_t *raw;
    wpk2_root root;
    wpk2_err e;
    int rc = section_raw(a, s, &raw, err);
    if (rc) return rc;
    rc = wpk2_root_decode(raw, s->raw_size, &ctx, &root, &e);
    wpk_free(raw);
    if (rc) return corrupt(err, a->name, &e);
    for (uint32_t i = 0; i < root.count && !rc; i++) {
        const wpk2_root_item *it = &root.items[i];
        uint8_t *page;
        if ((rc = load(a, pages->offset + it->page_offset, it->stored_size, it->raw_size, it->checksum, it->auth, 1, &page,
                       err)) != 0)
            break;
        if (ctx.branched) {
            wpk2_root br;
            if ((rc = wpk2_branch_decode(page, it->raw_size, &ctx, it, &br, &e)) != 0) {
                rc = corrupt(err, a->name, &e);
            } else {
                for (uint32_t k = 0; k < br.count && !rc; k++) {
                    const wpk2_root_item *leaf = &br.items[k];
                    uint8_t *lp;
                    if ((rc = load(a, pages->offset + leaf->page_offset, leaf->stored_size, leaf->raw_size,
                                   leaf->checksum, leaf->auth, 1, &lp, err)) != 0)
                        break;
                    if (type == WPK2_SEC_ENTRY_ROOT) rc = note_blocks(a, lp, leaf->raw_size, leaf, wikis, bs, err);
                    wpk_free(lp);
                }
                wpk2_root_free(&br);
            }
        } else if (type == WPK2_SEC_ENTRY_ROOT) {
            rc = note_blocks(a, page, it->raw_size, it, wikis, bs, err);
        }
        wpk_free(page);
    }
    wpk2_root_free(&root);
    return rc;
}

/* Format 2.2: BLOCK_DICTS decoded (nothing without it). */
static int read_runs(wpk_signed *a, wpk_error *err)
{
    const wpk2_section *s = a->map.of[WPK2_SEC_BLOCK_DICTS];
    a->run_at = UINT32_MAX;
    if (!s) return WPK_OK;
    uint8_t *raw;
    wpk2_err e;
    int rc = section_raw(a, s, &raw, err);
    if (rc) return rc;
    rc = wpk2_block_dicts_decode(raw, s->raw_size, a->map.of[WPK2_SEC_DATA]->stored_size, WPK_DEFAULT_MAX_DICT,
                                 &wpk_writer_alloc, &a->runs, &e);
    wpk_free(raw);
    return rc ? corrupt(err, a->name, &e) : WPK_OK;
}

/* The dictionary of block b's run loaded (its hashes checked) when the
 * run is not the one loaded; blocks come in DATA order, so each run's
 * dictionary is loaded once. */
static int use_run(wpk_signed *a, const wpk2_block_ref *b, wpk_error *err)
{
    uint32_t i = wpk2_block_dicts_run(&a->runs, b->offset);
    const wpk2_dict_run *run = &a->runs.runs[i];
    uint64_t base = a->map.of[WPK2_SEC_DATA]->offset;
    if (b->offset < run->start + run->stored_size)
        return wpk_fail_at(err, WPK_E_CORRUPT, base + b->offset, "%s: the block at offset %llu lies in a run's dictionary",
                           a->name, (unsigned long long)b->offset);
    if (i == a->run_at) return WPK_OK;
    ZSTD_freeDDict(a->run_ddict);
    wpk_free(a->run_raw);
    a->run_ddict = NULL;
    a->run_raw = NULL;
    a->run_at = i;
    if (run->form == WPK2_RUN_NO_DICT) return WPK_OK;
    uint64_t at = base + run->start;
    uint8_t *z = wpk_malloc(run->stored_size), b2[32];
    uint64_t x;
    int rc = z ? read_at(a->fd, at, z, run->stored_size, a->name, err) : wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (!rc) {
        wpk_hash_stored(z, run->stored_size, &x, b2);
        if (x != run->checksum || sodium_memcmp(b2, run->auth, 32) != 0)
            rc = wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: the dictionary of block run %u does not match its hashes",
                             a->name, i);
    }
    if (!rc && run->form == WPK2_RUN_DICT_ZSTD) {
        if (!(a->run_raw = wpk_malloc(run->raw_size))) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        else if (ZSTD_decompress(a->run_raw, run->raw_size, z, run->stored_size) != run->raw_size)
            rc = wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: the dictionary of block run %u does not decompress to its size",
                             a->name, i);
        wpk_free(z);
    } else {
        a->run_raw = z;
    }
    if (rc) return rc;
    int nomem = 0;
    if (!(a->run_ddict = wpk_zstd_ddict(a->run_raw, run->raw_size, &nomem)))
        return wpk_fail(err, nomem ? WPK_E_NOMEM : WPK_E_CORRUPT, "%s: run %u's dictionary is not one zstd takes", a->name,
                        i);
    return WPK_OK;
}

int wpk_signed_check_all(wpk_signed *a, wpk_error *err)
{
    const wpk2_section *ws = a->map.of[WPK2_SEC_WIKIS], *data = a->map.of[WPK2_SEC_DATA];
    uint8_t *raw;
    wpk2_wikis wikis;
    wpk2_err e;
    int rc = section_raw(a, ws, &raw, err);
    if (rc) return rc;
    rc = wpk2_wikis_decode(raw, ws->raw_size, a->h.wiki_count, &wpk_writer_alloc, &wikis, &e);
    wpk_free(raw);
    if (rc) return corrupt(err, a->name, &e);
    block_set bs = {NULL, 0, 0};
    if (!rc) rc = read_runs(a, err);
    for (uint32_t type = WPK2_SEC_ENTRY_ROOT; type <= WPK2_SEC_CATEGORY_ROOT && !rc; type++)
        rc = check_index(a, type, &wikis, &bs, err);
    if (!rc && bs.n) qsort(bs.refs, bs.n, sizeof *bs.refs, by_offset);
    for (size_t i = 0; i < bs.n && !rc; i++) {
        const wpk2_block_ref *p = &bs.refs[i - (i > 0)], *q = &bs.refs[i];
        if (i && p->offset == q->offset) { /* one block, named by several pages: alike */
            if (!wpk2_block_ref_same(p, q))
                rc = wpk_fail_at(err, WPK_E_CORRUPT, data->offset + q->offset,
                                 "%s: two pages disagree about the block at offset %llu", a->name,
                                 (unsigned long long)q->offset);
            continue;
        }
        int dict = DICT_ARCHIVE;
        if (a->runs.count) {
            dict = DICT_RUN;
            rc = use_run(a, &bs.refs[i], err);
        }
        uint8_t *block = NULL;
        if (!rc)
            rc = load(a, data->offset + bs.refs[i].offset, bs.refs[i].stored_size, bs.refs[i].raw_size,
                      bs.refs[i].checksum, bs.refs[i].auth, dict, &block, err);
        wpk_free(block);
    }
    wpk_free(bs.refs);
    wpk2_wikis_free(&wikis);
    return rc;
}
