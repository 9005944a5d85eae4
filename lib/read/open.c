/* open.c - opening and closing a reader: header, trailer and section table checked before anything is trusted. */
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

static int section_order(const void *a, const void *b)
{
    const wpk_fmt_section *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Sections must tile the file from the end of the section table to the
 * trailer: no gaps and no overlaps, so every byte is under some checksum. */
static int check_tiling(wpk_reader *r, wpk_fmt_section *secs, uint32_t n, wpk_error *err)
{
    qsort(secs, n, sizeof *secs, section_order);
    uint64_t at = WPK_HEADER_SIZE + (uint64_t)n * WPK_SECTION_SIZE;
    for (uint32_t i = 0; i < n; i++) {
        if (secs[i].offset != at)
            return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: section table: %s at offset %llu", r->name,
                               secs[i].offset > at ? "gap" : "overlap", (unsigned long long)at);
        at += secs[i].stored_size;
    }
    if (at != r->hdr.file_size - WPK_TRAILER_SIZE)
        return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: sections end at %llu, not at the trailer", r->name,
                           (unsigned long long)at);
    return WPK_OK;
}

static int read_header_and_trailer(wpk_reader *r, uint8_t *first, size_t first_len, wpk_error *err)
{
    const char *why = NULL;
    int rc = wpk_fmt_header_decode(first, first_len, &r->hdr, &why);
    if (rc) return wpk_fail_at(err, wpk_fmt_code(rc), 0, "%s: %s", r->name, why);
    if (r->hdr.file_size != r->src.size)
        return wpk_fail_at(err, WPK_E_CORRUPT, r->src.size < r->hdr.file_size ? r->src.size : r->hdr.file_size,
                           "%s: %s: header says %llu bytes, file has %llu", r->name,
                           r->src.size < r->hdr.file_size ? "truncated" : "extra bytes after the archive",
                           (unsigned long long)r->hdr.file_size, (unsigned long long)r->src.size);
    uint8_t tbuf[WPK_TRAILER_SIZE];
    uint64_t toff = r->hdr.file_size - WPK_TRAILER_SIZE;
    if ((rc = wpk_read_exact(r, toff, tbuf, sizeof tbuf, "trailer", err)) != 0) return rc;
    wpk_fmt_trailer t;
    if ((rc = wpk_fmt_trailer_decode(tbuf, sizeof tbuf, &t, &why)) != 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, toff, "%s: trailer at offset %llu: %s", r->name, (unsigned long long)toff,
                           why);
    if (t.file_size != r->hdr.file_size || t.header_checksum != r->hdr.checksum)
        return wpk_fail_at(err, WPK_E_CORRUPT, toff, "%s: trailer at offset %llu does not match the header", r->name,
                           (unsigned long long)toff);
    return WPK_OK;
}

static int read_sections(wpk_reader *r, const uint8_t *prefix, wpk_error *err)
{
    uint32_t n = r->hdr.section_count;
    const uint8_t *table = prefix + WPK_HEADER_SIZE;
    if (wpk_fmt_checksum(table, (size_t)n * WPK_SECTION_SIZE) != r->hdr.section_table_checksum)
        return wpk_fail_at(err, WPK_E_CORRUPT, WPK_HEADER_SIZE, "%s: section table checksum mismatch", r->name);
    wpk_fmt_section secs[WPK_MAX_SECTIONS];
    const wpk_fmt_section *by_type[WPK_SEC_LAST + 1] = {0};
    for (uint32_t i = 0; i < n; i++) {
        const char *why = NULL;
        uint64_t off = WPK_HEADER_SIZE + (uint64_t)i * WPK_SECTION_SIZE;
        if (wpk_fmt_section_decode(table + (size_t)i * WPK_SECTION_SIZE, &secs[i], &why) != 0)
            return wpk_fail_at(err, WPK_E_CORRUPT, off, "%s: section %u at offset %llu: %s", r->name, i,
                               (unsigned long long)off, why);
        uint32_t t = secs[i].type;
        if (t < WPK_SEC_PATH_ROOT || t > WPK_SEC_LAST) {
            if (secs[i].flags & WPK_SECF_REQUIRED)
                return wpk_fail_at(err, WPK_E_FORMAT, off, "%s: section %u has type %u, which this reader does not know and the archive requires",
                                   r->name, i, t);
            continue; /* optional and unknown: ignored, but still part of the tiling */
        }
        if (by_type[t])
            return wpk_fail_at(err, WPK_E_CORRUPT, off, "%s: section type %u appears twice", r->name, t);
        by_type[t] = &secs[i];
    }
    if (!by_type[WPK_SEC_PATH_ROOT] || !by_type[WPK_SEC_PAGES] || !by_type[WPK_SEC_DATA])
        return wpk_fail(err, WPK_E_CORRUPT, "%s: a required section (path index, pages or data) is missing", r->name);
    const wpk_fmt_section *pages = by_type[WPK_SEC_PAGES], *data = by_type[WPK_SEC_DATA];
    if (!(pages->flags & WPK_SECF_REGION) || !(data->flags & WPK_SECF_REGION))
        return wpk_fail(err, WPK_E_CORRUPT, "%s: page or data section is not marked as a region", r->name);
    r->pages_base = pages->offset;
    r->pages_size = pages->stored_size;
    r->data_base = data->offset;
    r->data_size = data->stored_size;
    const wpk_fmt_section *ext = by_type[WPK_SEC_PAGES_EXT];
    if (ext && !(ext->flags & WPK_SECF_REGION))
        return wpk_fail(err, WPK_E_CORRUPT, "%s: extension page section is not marked as a region", r->name);
    if ((by_type[WPK_SEC_FOLD_ROOT] || by_type[WPK_SEC_CATEGORY_ROOT]) && !ext)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: folded-title or category root without its page region", r->name);
    if (ext) {
        r->ext_base = ext->offset;
        r->ext_size = ext->stored_size;
    }
    static const char *names[WPK_SEC_LAST + 1] = {
        [WPK_SEC_PATH_ROOT] = "path index root", [WPK_SEC_TITLE_ROOT] = "title index root",
        [WPK_SEC_ID_ROOT] = "ID index root", [WPK_SEC_FOLD_ROOT] = "folded-title index root",
        [WPK_SEC_CATEGORY_ROOT] = "category index root"};
    wpk_index *idx[WPK_SEC_LAST + 1] = {[WPK_SEC_PATH_ROOT] = &r->path_idx, [WPK_SEC_TITLE_ROOT] = &r->title_idx,
                                        [WPK_SEC_ID_ROOT] = &r->id_idx, [WPK_SEC_FOLD_ROOT] = &r->fold_idx,
                                        [WPK_SEC_CATEGORY_ROOT] = &r->cat_idx};
    int rc;
    for (int t = WPK_SEC_PATH_ROOT; t <= WPK_SEC_LAST; t++) {
        const wpk_fmt_section *s = by_type[t];
        if (!s || !idx[t]) continue;
        if (s->offset + s->stored_size > r->hdr.prefix_size)
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s lies outside the archive prefix", r->name, names[t]);
        if (s->offset < WPK_HEADER_SIZE + (uint64_t)n * WPK_SECTION_SIZE)
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s overlaps the section table", r->name, names[t]);
        int in_ext = t == WPK_SEC_FOLD_ROOT || t == WPK_SEC_CATEGORY_ROOT;
        idx[t]->base = in_ext ? r->ext_base : r->pages_base;
        idx[t]->size = in_ext ? r->ext_size : r->pages_size;
        if (s->stored_size == 0 || !(s->flags & WPK_SECF_ZSTD) || (s->flags & WPK_SECF_REGION))
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s at offset %llu: empty, or flags other than zstd",
                               r->name, names[t], (unsigned long long)s->offset);
        if ((s->flags & WPK_SECF_BRANCHED) && !(r->hdr.required_features & WPK_FEATURE_BRANCHES))
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s points at branch pages, but the header "
                               "does not require the branch-page feature", r->name, names[t]);
        if (s->raw_size > r->opts.max_page_size)
            return wpk_fail_at(err, WPK_E_LIMIT, s->offset, "%s: %s at offset %llu claims %llu bytes, over the page cap",
                               r->name, names[t], (unsigned long long)s->offset, (unsigned long long)s->raw_size);
        /* Decoded on first use: opening stays cheap however many entries there are. */
        idx[t]->present = 1;
        idx[t]->sec = *s;
        idx[t]->what = names[t];
        idx[t]->want_kind = t == WPK_SEC_ID_ROOT ? WPK_KEY_U64 : WPK_KEY_STRING;
        idx[t]->split_runs = t == WPK_SEC_CATEGORY_ROOT && (r->hdr.required_features & WPK_FEATURE_SPLIT_RUNS);
        r->index_bytes += s->stored_size;
    }
    if (by_type[WPK_SEC_DICT] && (rc = wpk_dict_check(r, by_type[WPK_SEC_DICT], err)) != 0) return rc;
    if ((r->hdr.required_features & WPK_FEATURE_PAGE_DICT) && !r->has_dict)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: pages are said to use the dictionary, but there is none", r->name);
    if (by_type[WPK_SEC_SUMMARY] && (rc = wpk_summary_load(r, prefix, by_type[WPK_SEC_SUMMARY], err)) != 0) return rc;
    r->index_bytes += r->pages_size + r->ext_size;
    return check_tiling(r, secs, n, err);
}

/* The caller's options (NULL: none) copied into a full struct. 0 means
 * "off" for block_cache_bytes, so that field's default is set here when
 * the caller's struct does not reach it. */
static int open_opts_in(wpk_open_opts *o, const wpk_open_opts *given, wpk_error *err)
{
    int rc = wpk_struct_in(o, sizeof *o, WPK_MIN_OPEN_OPTS, given, "wpk_open_opts", err);
    if (rc) return rc;
    if (!given || given->struct_size < WPK_SIZE_THROUGH(wpk_open_opts, block_cache_bytes))
        o->block_cache_bytes = WPK_BLOCK_CACHE_DEFAULT;
    return WPK_OK;
}

/* o: already copied from the caller's options (open_opts_in). */
static void fill_defaults(wpk_open_opts *o)
{
    if (!o->max_page_size) o->max_page_size = WPK_DEFAULT_MAX_PAGE;
    if (!o->max_block_size) o->max_block_size = WPK_DEFAULT_MAX_BLOCK;
    if (!o->max_dict_size) o->max_dict_size = WPK_DEFAULT_MAX_DICT;
    if (!o->max_prefix_size) o->max_prefix_size = WPK_DEFAULT_MAX_PREFIX;
    if (!o->cache_pages) o->cache_pages = 64;
    /* 64 pages of the writer's 64 KiB, four times over: the count stays
     * the bound for ordinary pages, this one for pages up to the cap. */
    if (!o->page_cache_bytes) o->page_cache_bytes = (uint64_t)16 << 20;
}

/* The caches the options ask for. */
static int make_caches(wpk_reader *r, wpk_error *err)
{
    if (r->opts.cache_pages > 0 && !(r->cache = wpk_page_cache_new(r->opts.cache_pages, r->opts.page_cache_bytes)))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (r->opts.block_cache_bytes && !(r->blocks = wpk_lru_new(r->opts.block_cache_bytes, 0)))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    return WPK_OK;
}

static int open_common(wpk_reader *r, const wpk_open_opts *opts, wpk_error *err)
{
    int rc = open_opts_in(&r->opts, opts, err);
    if (rc) return rc;
    fill_defaults(&r->opts);
    uint64_t size = r->src.size;
    size_t first_len = size < WPK_FIRST_READ ? (size_t)size : WPK_FIRST_READ;
    uint8_t *prefix = wpk_malloc(first_len ? first_len : 1);
    if (!prefix) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    rc = wpk_read_exact(r, 0, prefix, first_len, "header", err);
    if (!rc) rc = read_header_and_trailer(r, prefix, first_len, err);
    if (!rc && r->hdr.prefix_size > r->opts.max_prefix_size)
        rc = wpk_fail(err, WPK_E_LIMIT, "%s: header and index roots of %llu bytes exceed the %llu-byte prefix cap",
                      r->name, (unsigned long long)r->hdr.prefix_size, (unsigned long long)r->opts.max_prefix_size);
    if (!rc && r->hdr.prefix_size > first_len) {
        /* Roots larger than the first read: fetch the rest of the prefix. */
        {
            uint8_t *bigger = wpk_realloc(prefix, r->hdr.prefix_size);
            if (!bigger) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
            else {
                prefix = bigger;
                rc = wpk_read_exact(r, first_len, prefix + first_len, r->hdr.prefix_size - first_len, "index roots", err);
            }
        }
    }
    if (!rc) rc = read_sections(r, prefix, err);
    r->prefix = prefix; /* kept: the roots are decoded from it on first use */
    return rc;
}

/* Allocate a reader around a source and open it. When `mem` is non-NULL the
 * source is a memory buffer described inside the reader itself. */
static int open_with(wpk_reader **out, const wpk_source *src, int owns_file, const wpk_mem_src *mem,
                     const wpk_open_opts *opts, wpk_error *err)
{
    *out = NULL;
    wpk_reader *r = wpk_calloc(1, sizeof *r);
    if (!r) {
        if (owns_file) {
            wpk_source tmp = *src;
            wpk_source_file_close(&tmp);
        }
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    if (mem)
        wpk_source_memory(&r->src, &r->mem, mem->data, mem->size);
    else
        r->src = *src;
    r->owns_file = owns_file;
    pthread_mutex_init(&r->pool_lock, NULL);
    pthread_mutex_init(&r->dict_lock, NULL);
    r->name = wpk_strdup(r->src.name ? r->src.name : "(archive)");
    if (!r->name) {
        wpk_reader_close(r);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    r->src.name = r->name;
    pthread_mutex_init(&r->root_lock, NULL);
    int rc = open_common(r, opts, err);
    if (!rc) rc = make_caches(r, err);
    if (rc) {
        wpk_reader_close(r);
        return rc;
    }
    *out = r;
    return WPK_OK;
}

int wpk_reader_open(wpk_reader **out, const char *path, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || !path) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open: NULL argument");
    *out = NULL;
    wpk_source src;
    int rc = wpk_source_file(&src, path, err);
    if (rc) return rc;
    return open_with(out, &src, 1, NULL, opts, err);
}

int wpk_reader_open_memory(wpk_reader **out, const void *data, size_t size, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || (!data && size)) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_memory: NULL argument");
    wpk_mem_src mem = {data, size};
    return open_with(out, NULL, 0, &mem, opts, err);
}

int wpk_reader_open_source(wpk_reader **out, const wpk_source *src, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || !src) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_source: NULL argument");
    wpk_source own;
    int rc = wpk_struct_in(&own, sizeof own, WPK_MIN_SOURCE, src, "wpk_source", err);
    if (rc) return rc;
    if (!own.read_at) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_source: no read_at function");
    return open_with(out, &own, 0, NULL, opts, err);
}

int wpk_reader_open_url(wpk_reader **out, const char *url, const wpk_open_opts *opts, const wpk_http_opts *http,
                        wpk_error *err)
{
    if (!out || !url) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_url: NULL argument");
    *out = NULL;
    wpk_open_opts o;
    int rc = open_opts_in(&o, opts, err);
    if (rc) return rc;
    wpk_source src;
    memset(&src, 0, sizeof src);
    rc = wpk_source_http(&src, url, http, err);
    if (rc) return rc;
    /* Every index page fetched stays: a page costs a round trip. 4096
     * pages of the writer's 64 KiB are 256 MiB. */
    if (o.cache_pages == 0) o.cache_pages = 4096;
    if (o.page_cache_bytes == 0) o.page_cache_bytes = (uint64_t)256 << 20;
    wpk_reader *r = NULL;
    rc = open_with(&r, &src, 0, NULL, &o, err);
    if (rc) {
        wpk_source_http_close(&src);
        return rc;
    }
    r->owns_http = 1;
    *out = r;
    return WPK_OK;
}

void wpk_reader_set_progress(wpk_reader *r, wpk_progress_fn fn, void *ctx)
{
    r->progress = fn;
    r->progress_ctx = ctx;
}

int wpk_reader_transfer_stats(const wpk_reader *r, wpk_transfer_stats *out)
{
    if (!r || !out || !r->owns_http) return wpk_fail(NULL, WPK_E_INVALID, "not a reader opened from a URL");
    int rc = wpk_struct_out_check(out, sizeof *out, WPK_MIN_TRANSFER_STATS, "wpk_transfer_stats", NULL);
    if (rc) return rc;
    wpk_transfer_stats full = WPK_TRANSFER_STATS_INIT;
    rc = wpk_source_http_stats(&r->src, &full);
    if (!rc) wpk_struct_out(out, &full, sizeof full);
    return rc;
}

static void free_index(wpk_index *idx)
{
    wpk_index_free_branches(idx);
    wpk_free(idx->raw);
    wpk_free(idx->items);
}

void wpk_reader_close(wpk_reader *r)
{
    if (!r) return;
    free_index(&r->path_idx);
    free_index(&r->title_idx);
    free_index(&r->id_idx);
    free_index(&r->fold_idx);
    free_index(&r->cat_idx);
    wpk_free(r->summary);
    wpk_page_cache_free(r->cache);
    wpk_lru_free(r->blocks);
    ZSTD_freeDDict(r->ddict);
    wpk_free(r->dict_raw);
    for (int i = 0; i < r->pool_n; i++) ZSTD_freeDCtx(r->pool[i]);
    pthread_mutex_destroy(&r->pool_lock);
    pthread_mutex_destroy(&r->dict_lock);
    pthread_mutex_destroy(&r->root_lock);
    wpk_free(r->prefix);
    if (r->owns_file) wpk_source_file_close(&r->src);
    if (r->owns_http) wpk_source_http_close(&r->src);
    if (r->owned_free) r->owned_free(r->owned);
    wpk_free(r->name);
    wpk_free(r);
}
