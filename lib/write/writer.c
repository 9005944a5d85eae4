/* writer.c - collecting entries, and the steps of finishing an archive.
 *
 * add() keeps only metadata in memory; content stays in its file or goes to
 * an anonymous spill file. finish() groups versions (writer_articles.c),
 * plans blocks (writer_plan.c), picks a dictionary (writer_dict.c),
 * compresses blocks to a scratch file (writer_compress.c), numbers the
 * wikis (writer_wikis.c), builds the indexes (writer_index.c) and writes
 * the archive (writer_file.c) into a temporary file that replaces the final
 * name only once complete. */
#include "writer_placed.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wpk_writer_create(wpk_writer **out, const char *path, const wpk_write_opts *opts, wpk_error *err)
{
    *out = NULL;
    if (!path || !*path) return wpk_fail(err, WPK_E_INVALID, "wpk_writer_create: no output path");
    wpk_write_opts own;
    int rc = wpk_struct_in(&own, sizeof own, WPK_MIN_WRITE_OPTS, opts, "wpk_write_opts", err);
    if (rc) return rc;
    wpk_writer *w = wpk_calloc(1, sizeof *w);
    if (!w) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    w->opts = own;
    if (w->opts.level == 0) w->opts.level = 19;
    if (w->opts.level < 1 || w->opts.level > ZSTD_maxCLevel()) {
        wpk_free(w);
        return wpk_fail(err, WPK_E_INVALID, "compression level must be 1..%d", ZSTD_maxCLevel());
    }
    if (w->opts.block_size == 0) w->opts.block_size = 256u << 10;
    if (w->opts.block_size < 1024 || w->opts.block_size > (1u << 30)) {
        wpk_free(w);
        return wpk_fail(err, WPK_E_INVALID, "block size must be between 1 KiB and 1 GiB");
    }
    if (w->opts.threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        w->opts.threads = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
    }
    if (sodium_init() < 0) { /* BLAKE2b of every page and block */
        wpk_free(w);
        return wpk_fail(err, WPK_E_NOMEM, "cannot initialise libsodium");
    }
    w->spill_fd = -1;
    w->data_fd = -1;
    w->repeated_path = -1;
    w->path = wpk_strdup(path);
    if (!w->path) {
        wpk_free(w);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    *out = w;
    return WPK_OK;
}

static int check_field(const char *s, const char *what, const char *path, uint16_t *len, wpk_error *err)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 65535) return wpk_fail(err, WPK_E_INVALID, "%s: %s longer than 65535 bytes", path, what);
    *len = (uint16_t)n;
    return WPK_OK;
}

/* Append n bytes to the spill file through its buffer; *at is where they
 * start. On failure nothing is appended and what was buffered stays. */
#define SPILL_BUF_SIZE (64u << 10)
static int spill_append(wpk_writer *w, const void *p, size_t n, uint64_t *at, wpk_error *err)
{
    int rc;
    if (n > WPK_SPILL_MAX - w->spill_size)
        return wpk_fail(err, WPK_E_LIMIT, "more than %llu bytes to keep in the spill file", WPK_SPILL_MAX);
    if (w->spill_fd < 0 && (rc = wpk_tempfile_in(w->path, &w->spill_fd, err)) != 0) return rc;
    if (!w->spill_buf && !(w->spill_buf = wpk_malloc(SPILL_BUF_SIZE))) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (w->spill_buffered + n > SPILL_BUF_SIZE && (rc = wpk_spill_flush(w, err)) != 0) return rc;
    if (n >= SPILL_BUF_SIZE) {
        if ((rc = wpk_write_all(w->spill_fd, p, n, w->spill_size, "spill file", err)) != 0) return rc;
    } else {
        memcpy(w->spill_buf + w->spill_buffered, p, n);
        w->spill_buffered += n;
    }
    *at = w->spill_size;
    w->spill_size += n;
    return WPK_OK;
}

int wpk_spill_flush(wpk_writer *w, wpk_error *err)
{
    if (!w->spill_buffered) return WPK_OK;
    int rc = wpk_write_all(w->spill_fd, w->spill_buf, w->spill_buffered, w->spill_size - w->spill_buffered,
                           "spill file", err);
    if (!rc) w->spill_buffered = 0;
    return rc;
}

/* Categories and namespace, known when an entry is added. Versions and
 * revisions are linked when finishing. The names of one entry stay far
 * below what an entry page holds (16 MiB of decoded strings). */
#define WPK_CATEGORY_BYTES_MAX (1u << 20)
static int add_categories(wpk_writer *w, wentry *e, const wpk_entry *m, wpk_error *err)
{
    size_t need = 0;
    for (size_t i = 0; i < m->n_categories; i++) {
        size_t len = strlen(m->categories[i]);
        if (len > 65535) return wpk_fail(err, WPK_E_LIMIT, "%s: a category longer than 65535 bytes", m->path);
        need += len;
    }
    if (need > WPK_CATEGORY_BYTES_MAX)
        return wpk_fail(err, WPK_E_LIMIT, "%s: categories take more than %u bytes", m->path, WPK_CATEGORY_BYTES_MAX);
    if (m->n_categories > WPK_MAX_CATEGORIES)
        return wpk_fail(err, WPK_E_LIMIT, "%s: more than %u categories", m->path, WPK_MAX_CATEGORIES);
    e->has_ns = m->has_ns != 0;
    /* A revision's facts, after the categories and namespace. */
    const char *who = m->contributor && *m->contributor ? m->contributor : NULL;
    const char *why = m->comment && *m->comment ? m->comment : NULL;
    size_t who_len = who ? strlen(who) : 0, why_len = why ? strlen(why) : 0;
    if (who_len > 65535 || why_len > 65535)
        return wpk_fail(err, WPK_E_INVALID, "%s: a contributor or comment longer than 65535 bytes", m->path);
    e->has_rev_meta = who || why || m->has_revision_id;
    size_t meta = e->has_rev_meta ? who_len + why_len + WPK_REV_META_TAIL : 0;
    uint8_t *ids = wpk_malloc(5 * m->n_categories + 8 + meta + 1); /* at most 5 bytes an id */
    if (!ids) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < m->n_categories; i++) {
        uint32_t id;
        if (wpk_intern(&w->cats, m->categories[i], &id)) {
            wpk_free(ids);
            return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        }
        for (; id >= 0x80; id >>= 7) ids[n++] = (uint8_t)(id | 0x80);
        ids[n++] = (uint8_t)id;
    }
    e->cat_count = (uint32_t)m->n_categories;
    if (m->has_ns) {
        memcpy(ids + n, &m->ns, sizeof m->ns);
        n += 8;
    }
    if (e->has_rev_meta) {
        memcpy(ids + n, who ? who : "", who_len);
        memcpy(ids + n + who_len, why ? why : "", why_len);
        n += who_len + why_len;
        uint16_t lens[2] = {(uint16_t)who_len, (uint16_t)why_len};
        uint8_t has_id = m->has_revision_id != 0;
        uint64_t id = has_id ? m->revision_id : 0;
        memcpy(ids + n, lens, 4);
        ids[n + 4] = has_id;
        memcpy(ids + n + 5, &id, 8);
        n += WPK_REV_META_TAIL;
        w->rev_meta = 1;
    }
    uint64_t at;
    int rc = n ? spill_append(w, ids, n, &at, err) : WPK_OK;
    wpk_free(ids);
    e->cat_bytes = (uint32_t)n;
    return rc;
}

/* Copy an entry's metadata into a new slot; content source set by caller
 * (own_file: the file to read, kept with the entry's strings). On failure
 * after the strings were copied, their arena and spill bytes stay unused. */
static int add_meta(wpk_writer *w, const wpk_entry *m, const char *own_file, wentry **slot, wpk_error *err)
{
    if (!m || !m->path) return wpk_fail(err, WPK_E_INVALID, "entry without a path");
    size_t plen = strlen(m->path);
    if (wpk_path_check(m->path, plen) != 0)
        return wpk_fail(err, WPK_E_INVALID, "\"%s\": unsafe or invalid entry path", m->path);
    if (w->count >= UINT32_MAX - 1) return wpk_fail(err, WPK_E_LIMIT, "too many entries");
    wentry e;
    memset(&e, 0, sizeof e);
    e.path_len = (uint16_t)plen;
    uint16_t lang_len = 0, mime_len = 0;
    int rc;
    if ((rc = check_field(m->title, "title", m->path, &e.title_len, err)) ||
        (rc = check_field(m->language, "language", m->path, &lang_len, err)) ||
        (rc = check_field(m->url, "URL", m->path, &e.url_len, err)) ||
        (rc = check_field(m->mime, "media type", m->path, &mime_len, err)))
        return rc;
    if (m->wiki && strlen(m->wiki) > WPK_WIKI_MAX)
        return wpk_fail(err, WPK_E_INVALID, "%s: wiki name longer than %u bytes", m->path, WPK_WIKI_MAX);
    /* The folded title groups versions and keys the title index. */
    char *fold = NULL;
    if (e.title_len && wpk_title_fold(m->title, e.title_len, &fold) != WPK_OK)
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    e.fold_derived = fold && wpk_fold_derivable(m->title, e.title_len, fold);
    size_t fold_size = fold && !e.fold_derived ? strlen(fold) + 1 : 0;
    if (e.title_len) { /* at most 64 KiB of title and 192 KiB of fold: under WPK_ARENA_REF_MAX */
        char *text = wpk_arena_alloc_ref(&w->strings, (size_t)e.title_len + 1 + fold_size, &e.text);
        if (!text) {
            wpk_free(fold);
            return wpk_fail(err, WPK_E_NOMEM, "out of memory for titles");
        }
        memcpy(text, m->title, e.title_len + 1);
        if (fold_size) memcpy(text + e.title_len + 1, fold, fold_size);
    }
    wpk_free(fold);
    uint32_t lang, mime;
    if (wpk_intern(&w->langs, m->language ? m->language : "", &lang) ||
        wpk_intern(&w->mimes, m->mime ? m->mime : "", &mime))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (mime >= WPK_MAX_NAMES)
        return wpk_fail(err, WPK_E_LIMIT, "%s: more than %u distinct media types", m->path, WPK_MAX_NAMES);
    e.mime = (uint16_t)mime;
    /* Path, URL and own file name are read when the records are written or
     * the content is read: they wait on disk, one after the other. */
    uint64_t at, str_offset;
    if ((rc = spill_append(w, m->path, e.path_len, &str_offset, err)) != 0 ||
        (e.url_len && (rc = spill_append(w, m->url, e.url_len, &at, err)) != 0) ||
        (own_file && (rc = spill_append(w, own_file, strlen(own_file), &at, err)) != 0))
        return rc;
    e.str_offset = str_offset; /* < WPK_SPILL_MAX: spill_append */
    if (own_file) e.file_len = (uint16_t)strlen(own_file); /* < WPK_FILE_PATH_MAX */
    /* The wiki scopes the page ID and title when versions are grouped; the
     * archive stores it whether given or derived. */
    const char *given = m->wiki && *m->wiki ? m->wiki : NULL;
    char derived[WPK_WIKI_MAX + 1];
    if (!given) wpk_wiki_derive(m->url, e.url_len, m->language, lang_len, derived);
    uint32_t wiki;
    if (wpk_intern(&w->wikis, given ? given : derived, &wiki)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if ((rc = wpk_wiki_note(w, m->path, wiki, lang, m->title, e.title_len, m->url, e.url_len, &e.wl, err)) != 0 ||
        (rc = add_categories(w, &e, m, err)) != 0)
        return rc;
    e.source = own_file ? WE_OWN_FILE : WE_SPILLED;
    e.page_id = m->has_page_id ? m->page_id : 0;
    e.has_page_id = m->has_page_id != 0;
    e.updated_us = m->has_updated ? m->updated_us : 0;
    e.has_updated = m->has_updated != 0;
    if (w->count == w->cap) {
        size_t cap = w->cap ? w->cap + w->cap / 2 : 1024; /* 1.5x: less slack per entry */
        wentry *grown = wpk_realloc(w->entries, cap * sizeof *grown);
        if (!grown) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        w->entries = grown;
        w->cap = cap;
    }
    if (m->redirect && *m->redirect) {
        if ((rc = wpk_redirect_note(w, (uint32_t)w->count, m->redirect, err)) != 0) return rc;
        e.is_redirect = 1;
    }
    w->entries[w->count] = e;
    *slot = &w->entries[w->count++];
    return WPK_OK;
}

/* Keep the path of the entry just added, to tell whether the paths come
 * in order (then they need no sort when finishing: wpk_path_ranks). */
static int note_path(wpk_writer *w, const wentry *e, const char *path, wpk_error *err)
{
    if (w->paths_unsorted) return WPK_OK;
    if (w->count > 1) {
        size_t n = e->path_len < w->last_path_len ? e->path_len : w->last_path_len;
        int c = memcmp(w->last_path, path, n);
        if (!c) c = w->last_path_len < e->path_len ? -1 : w->last_path_len > e->path_len;
        if (c > 0) {
            w->paths_unsorted = 1;
            wpk_free(w->last_path);
            w->last_path = NULL;
            w->last_path_cap = 0;
            return WPK_OK;
        }
        if (c == 0 && w->repeated_path < 0) w->repeated_path = (int64_t)(w->count - 1);
    }
    if (e->path_len + 1u > w->last_path_cap) {
        size_t cap = e->path_len + 1u < 256 ? 256 : e->path_len + 1u;
        char *g = wpk_realloc(w->last_path, cap);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        w->last_path = g;
        w->last_path_cap = cap;
    }
    memcpy(w->last_path, path, e->path_len);
    w->last_path_len = e->path_len;
    return WPK_OK;
}

/* The caller's entry, of its header's size, as a whole one. */
static int entry_in(wpk_entry *own, const wpk_entry *meta, wpk_error *err)
{
    if (!meta) return wpk_fail(err, WPK_E_INVALID, "entry without a path");
    int rc = wpk_struct_in(own, sizeof *own, WPK_MIN_ENTRY, meta, "wpk_entry", err);
    if (!rc && !own->path) rc = wpk_fail(err, WPK_E_INVALID, "entry without a path");
    return rc;
}

int wpk_writer_add(wpk_writer *w, const wpk_entry *given, const void *data, size_t size, wpk_error *err)
{
    if (w->finished) return wpk_fail(err, WPK_E_INVALID, "writer already finished");
    wpk_entry own, *meta = &own;
    int rc = entry_in(&own, given, err);
    if (rc) return rc;
    if (size > WPK_MAX_ENTRY) return wpk_fail(err, WPK_E_LIMIT, "%s: entries are limited to 2 GiB", meta->path);
    wentry *e;
    rc = add_meta(w, meta, NULL, &e, err);
    if (rc) return rc;
    e->size = (uint32_t)size; /* <= WPK_MAX_ENTRY, checked above */
    uint64_t at; /* right after the entry's categories: we_content_at */
    if ((rc = spill_append(w, data, size, &at, err)) == 0) rc = note_path(w, e, meta->path, err);
    if (rc) wpk_redirect_drop_from(w, (uint32_t)--w->count);
    return rc;
}

int wpk_writer_add_file(wpk_writer *w, const wpk_entry *given, const char *file_path, wpk_error *err)
{
    if (w->finished) return wpk_fail(err, WPK_E_INVALID, "writer already finished");
    wpk_entry own, *meta = &own;
    int rc = entry_in(&own, given, err);
    if (rc) return rc;
    /* A walked file is ROOT/PATH: keep ROOT once for all its entries. */
    size_t flen = strlen(file_path), plen = strlen(meta->path);
    if (flen >= WPK_FILE_PATH_MAX) return wpk_fail(err, WPK_E_LIMIT, "%s: file path too long", file_path);
    int under_root = flen > plen + 1 && file_path[flen - plen - 1] == '/' &&
                     !strcmp(file_path + flen - plen, meta->path) && flen - plen - 1 < 4096;
    size_t rlen = under_root ? flen - plen - 1 : 0;
    int new_root = under_root && (!w->root_count || strlen(w->roots[w->root_count - 1]) != rlen ||
                                  memcmp(w->roots[w->root_count - 1], file_path, rlen) != 0);
    if (new_root && w->root_count >= WPK_MAX_ROOTS) under_root = new_root = 0; /* then its whole name is kept */
    if (new_root) {
        char **g = wpk_realloc(w->roots, (w->root_count + 1) * sizeof *g);
        char *root = g ? wpk_strndup(file_path, rlen) : NULL;
        if (g) w->roots = g;
        if (!root) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        w->roots[w->root_count++] = root;
    }
    wentry *e;
    rc = add_meta(w, meta, under_root ? NULL : file_path, &e, err);
    if (rc) return rc;
    if (under_root) {
        e->source = WE_UNDER_ROOT;
        e->file_root = (uint16_t)(w->root_count - 1);
    }
    if ((rc = note_path(w, e, meta->path, err)) != 0) wpk_redirect_drop_from(w, (uint32_t)--w->count);
    return rc;
}

int wpk_writer_add_placed(wpk_writer *w, const wpk_entry *meta, uint32_t block, uint64_t offset, wpk_error *err)
{
    if (w->finished) return wpk_fail(err, WPK_E_INVALID, "writer already finished");
    if (meta->size > WPK_MAX_ENTRY) return wpk_fail(err, WPK_E_LIMIT, "%s: entries are limited to 2 GiB", meta->path);
    wentry *e;
    int rc = add_meta(w, meta, NULL, &e, err);
    if (rc) return rc;
    e->source = WE_PLACED;
    e->size = (uint32_t)meta->size;
    e->block = meta->size ? block : 0;
    e->offset_in_block = (uint32_t)offset;
    if (offset > UINT32_MAX) rc = wpk_fail(err, WPK_E_LIMIT, "%s: content at offset %llu of its block", meta->path,
                                          (unsigned long long)offset);
    w->content_bytes += meta->size;
    if (!rc) rc = note_path(w, e, meta->path, err);
    if (rc) {
        w->content_bytes -= meta->size;
        wpk_redirect_drop_from(w, (uint32_t)--w->count);
    }
    return rc;
}

/* The contents are in blocks already (a merge): take them as DATA. */
static int take_placed(wpk_writer *w, wpk_placed_data *d, wpk_error *err)
{
    w->refs = d->refs;
    d->refs = NULL;
    w->block_count = d->block_count;
    w->data_size = d->data_size;
    w->unique_bytes = d->unique_bytes;
    w->unique_count = d->unique_contents;
    uint64_t with_content = 0;
    for (size_t i = 0; i < w->count; i++) with_content += w->entries[i].size > 0;
    w->duplicates = with_content - d->unique_contents;
    if (d->page_dict_size) {
        w->dict = wpk_malloc(d->page_dict_size);
        w->dict_stored = d->page_dict_stored == d->page_dict ? w->dict : wpk_malloc(d->page_dict_stored_size);
        if (!w->dict || !w->dict_stored) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        memcpy(w->dict, d->page_dict, d->page_dict_size);
        if (w->dict_stored != w->dict) memcpy(w->dict_stored, d->page_dict_stored, d->page_dict_stored_size);
        w->dict_size = d->page_dict_size;
        w->dict_stored_size = d->page_dict_stored_size;
    }
    w->placed = d;
    return WPK_OK;
}

static int finish(wpk_writer *w, wpk_placed_data *placed, wpk_write_stats *stats, wpk_error *err)
{
    if (w->finished) return wpk_fail(err, WPK_E_INVALID, "writer already finished");
    if (stats) {
        int rc = wpk_struct_out_check(stats, sizeof *stats, WPK_MIN_WRITE_STATS, "wpk_write_stats", err);
        if (rc) return rc;
    }
    w->finished = 1;
    /* No more entries: give back the array's growth room before the
     * finishing steps allocate theirs. */
    if (w->cap > w->count && w->count) {
        wentry *fit = wpk_realloc(w->entries, w->count * sizeof *fit);
        if (fit) {
            w->entries = fit;
            w->cap = w->count;
        }
    }
    wpk_intern_seal(&w->cats); /* 4 MB of hash slots for 570,000 names */
    wpk_intern_seal(&w->langs);
    wpk_intern_seal(&w->mimes);
    wpk_intern_seal(&w->wikis);
    wpk_intern_seal(&w->wl.keys);
    wpk_intern_seal(&w->wl.bases);
    int rc = wpk_spill_flush(w, err);
    if (!rc) rc = wpk_path_ranks(w, err);
    wpk_free(w->last_path);
    w->last_path = NULL;
    if (!rc) rc = wpk_group_articles(w, err);
    if (!rc) rc = wpk_wikis_build(w, err);
    if (placed) {
        if (!rc) rc = take_placed(w, placed, err);
    } else {
        if (!rc) rc = wpk_plan(w, err);
        if (!rc) wpk_writer_report(w, "training a dictionary", 0, 0, 0, 0);
        if (!rc) rc = wpk_choose_dict(w, err);
        if (!rc) rc = wpk_tempfile_in(w->path, &w->data_fd, err);
        if (!rc) rc = wpk_compress_blocks(w, err);
    }
    if (rc) return rc;
    wpk_free(w->unique); /* blocks are written: the index build needs the room more */
    w->unique = NULL;
    wpk_built_index ix;
    wpk_writer_report(w, "indexing", w->unique_bytes, w->unique_bytes, w->count, w->count);
    /* A small archive's index fits in a reader's page cache, and larger
     * pages compress better; in a large one nearly every lookup misses the
     * cache, and a miss costs decompressing a page: 16 KiB pages make reads
     * by ID ~20% faster there (100,000 files: 175 -> 145 us warm, 493 ->
     * 396 us fresh) for 0.7% more bytes. In a small one, 128 KiB holds the
     * entry table of the open_wiki markdown (1,203 entries) in one page: its
     * index takes 48.0 bytes an entry instead of 50.9 in two 64 KiB pages
     * (category names and block references once, not once a page). */
    if (w->opts.page_size == 0) w->opts.page_size = w->count > WPK_LARGE_ARCHIVE_ENTRIES ? 16384 : 131072;
    rc = wpk_build_indexes(w, &ix, err);
    if (!rc) rc = wpk_write_archive(w, &ix, stats, err);
    wpk_built_index_free(&ix);
    w->placed = NULL;
    return rc;
}

int wpk_writer_finish(wpk_writer *w, wpk_write_stats *stats, wpk_error *err)
{
    return finish(w, NULL, stats, err);
}

int wpk_writer_finish_placed(wpk_writer *w, wpk_placed_data *d, wpk_write_stats *stats, wpk_error *err)
{
    return finish(w, d, stats, err);
}

void wpk_writer_set_progress(wpk_writer *w, wpk_progress_fn fn, void *ctx)
{
    w->progress = fn;
    w->progress_ctx = ctx;
}

void wpk_writer_free(wpk_writer *w)
{
    if (!w) return;
    wpk_arena_free(&w->alias_text);
    wpk_free(w->redirect_entry);
    wpk_free(w->redirect_target);
    wpk_free(w->aliases);
    wpk_free(w->alias_entry);
    wpk_free(w->article_order);
    for (size_t i = 0; i < w->root_count; i++) wpk_free(w->roots[i]);
    wpk_intern_free(&w->cats);
    wpk_intern_free(&w->langs);
    wpk_intern_free(&w->mimes);
    wpk_intern_free(&w->wikis);
    wpk_wikis_free(w);
    wpk_free(w->spill_buf);
    wpk_free(w->last_path);
    wpk_free(w->roots);
    wpk_free(w->entries);
    wpk_arena_free(&w->strings);
    if (w->spill_fd >= 0) close(w->spill_fd);
    if (w->data_fd >= 0) close(w->data_fd);
    wpk_free(w->unique);
    wpk_free(w->blocks);
    wpk_free(w->refs);
    if (w->dict_stored != w->dict) wpk_free(w->dict_stored);
    wpk_free(w->dict);
    ZSTD_freeCDict(w->cdict);
    for (size_t i = 0; w->precompressed && i < w->block_count; i++) wpk_free(w->precompressed[i]);
    wpk_free(w->precompressed);
    wpk_free(w->precompressed_len);
    wpk_free(w->path);
    wpk_free(w);
}
