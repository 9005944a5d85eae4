/* writer_file.c - the archive file from its parts: header, section table, the prefix sections, PAGES and DATA, written to a temporary file renamed into place.
 *
 * Layout: everything a reader needs before its first lookup comes first,
 * so that one read opens the archive: header, section table, the four
 * roots, WIKIS, SUMMARY, the SIGNATURE record (zero until signed) and the
 * dictionary; then PAGES (the leaves and branch pages) and DATA (the
 * blocks). No trailer: the header's file_size is checked against the
 * file's size. */
#include "writer_placed.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Copy `size` bytes of a scratch file into the output. */
static int copy_fd(wpk_writer *w, int src_fd, uint64_t size, int out_fd, uint64_t out_off, wpk_error *err)
{
    enum { CHUNK = 1 << 20 };
    uint8_t *buf = wpk_malloc(CHUNK);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    int rc = WPK_OK;
    for (uint64_t at = 0; at < size && !rc;) {
        size_t want = size - at < CHUNK ? (size_t)(size - at) : CHUNK;
        ssize_t got = pread(src_fd, buf, want, (off_t)at);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            rc = wpk_fail(err, WPK_E_IO, "%s: cannot read back a scratch file: %s", w->path,
                          got < 0 ? strerror(errno) : "short file");
            break;
        }
        rc = wpk_write_all(out_fd, buf, (size_t)got, out_off + at, w->path, err);
        at += (uint64_t)got;
    }
    wpk_free(buf);
    return rc;
}

/* A section of the prefix holding `stored` bytes. */
static wpk2_section prefix_section(uint32_t type, uint32_t flags, const wbuf *stored, uint64_t raw, uint64_t count)
{
    wpk2_section s = {type, flags, 0, stored->len, raw, wpk2_checksum(stored->p, stored->len), count};
    return s;
}

static void fill_stats(const wpk_writer *w, const wpk_built_index *ix, uint64_t file_size, wpk_write_stats *st)
{
    st->entries = w->count;
    st->unique_contents = w->unique_count;
    st->content_bytes = w->content_bytes;
    st->unique_bytes = w->unique_bytes;
    st->blocks = w->block_count;
    st->data_bytes = w->data_size;
    st->index_bytes = ix->pages_size;
    for (int i = 0; i < WPK_NINDEX; i++) st->index_bytes += ix->root[i].len;
    st->dict_size = w->dict_stored_size;
    st->file_size = file_size;
    st->search_bytes = ix->has_search ? ix->search.len + ix->search_root.len + ix->search_pages_size : 0;
    st->search_documents = ix->search_documents;
    st->articles = w->articles;
    st->revisions = w->revisions;
    st->dropped_revisions = w->dropped_revisions;
    st->aliases = w->stored_aliases;
    st->unresolved_aliases = w->unresolved_aliases;
    st->redirects = w->redirects;
    st->redirects_out = w->redirects_out;
    st->implausible_blocks = w->implausible_blocks;
    st->duplicates = w->duplicates;
}

int wpk_write_archive(wpk_writer *w, wpk_built_index *ix, wpk_write_stats *given, wpk_error *err)
{
    enum { NSEC = WPK_NINDEX + 10 };
    wpk2_section sec[NSEC];
    uint32_t nsec = 0;
    static const uint32_t root_type[WPK_NINDEX] = {WPK2_SEC_ENTRY_ROOT, WPK2_SEC_TITLE_ROOT, WPK2_SEC_ID_ROOT,
                                                  WPK2_SEC_CATEGORY_ROOT};
    const uint32_t req = WPK2_SECF_REQUIRED;
    for (int i = 0; i < WPK_NINDEX; i++)
        sec[nsec++] = prefix_section(root_type[i], req | WPK2_SECF_ZSTD | (ix->root_branched[i] ? WPK2_SECF_BRANCHED : 0),
                                     &ix->root[i], ix->root_raw[i], ix->root_count[i]);
    sec[nsec++] = prefix_section(WPK2_SEC_WIKIS, req | WPK2_SECF_ZSTD, &ix->wikis, ix->wikis_raw, w->table.count);
    sec[nsec++] = prefix_section(WPK2_SEC_SUMMARY, WPK2_SECF_ZSTD, &ix->summary, ix->summary_raw, 0);
    /* Signing writes these 160 bytes and nothing else: no checksum covers them. */
    static const uint8_t unsigned_record[WPK2_SIG_SIZE];
    sec[nsec++] = (wpk2_section){WPK2_SEC_SIGNATURE, req, 0, WPK2_SIG_SIZE, WPK2_SIG_SIZE, 0, 0};
    if (w->dict_size) {
        /* A trained dictionary is mostly raw text: stored compressed it costs
         * a third or less. */
        wbuf d = {w->dict_stored, w->dict_stored_size, w->dict_stored_size, NULL};
        sec[nsec++] = prefix_section(WPK2_SEC_DICT, req | (w->dict_stored != w->dict ? WPK2_SECF_ZSTD : 0), &d,
                                     w->dict_size, 0);
    }
    /* Format 2.2: runs of blocks with dictionaries of their own (a merge). */
    const wpk_placed_data *pd = w->placed;
    wbuf runs = {NULL, 0, 0, NULL};
    if (pd && pd->block_dicts_len) {
        size_t cap = ZSTD_compressBound(pd->block_dicts_len);
        if (!(runs.p = wpk_malloc(cap))) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        size_t got = ZSTD_compress(runs.p, cap, pd->block_dicts, pd->block_dicts_len, 19);
        if (ZSTD_isError(got)) {
            wpk_free(runs.p);
            return wpk_fail(err, WPK_E_NOMEM, "%s: compressing the block dictionaries: %s", w->path, ZSTD_getErrorName(got));
        }
        runs.len = got;
        sec[nsec++] = prefix_section(WPK2_SEC_BLOCK_DICTS, req | WPK2_SECF_ZSTD, &runs, pd->block_dicts_len, 0);
    }
    /* Format 2.3: not REQUIRED, so that a 2.2 reader reads the archive and
     * skips the search index. */
    if (ix->has_search) {
        sec[nsec++] = prefix_section(WPK2_SEC_SEARCH, WPK2_SECF_ZSTD, &ix->search, ix->search_raw, 0);
        sec[nsec++] = prefix_section(WPK2_SEC_SEARCH_ROOT, WPK2_SECF_ZSTD, &ix->search_root, ix->search_root_raw,
                                     ix->search_root_count);
    }
    uint32_t pages_sec = nsec;
    sec[nsec++] = (wpk2_section){WPK2_SEC_PAGES, req | WPK2_SECF_REGION, 0, ix->pages_size, ix->pages_size, 0,
                                 ix->page_count};
    if (ix->has_search)
        sec[nsec++] = (wpk2_section){WPK2_SEC_SEARCH_PAGES, WPK2_SECF_REGION, 0, ix->search_pages_size,
                                     ix->search_pages_size, 0, ix->search_page_count};
    sec[nsec++] = (wpk2_section){WPK2_SEC_DATA, req | WPK2_SECF_REGION, 0, w->data_size, w->data_size, 0,
                                 w->block_count};
    uint64_t at = WPK2_HEADER_SIZE + (uint64_t)nsec * WPK2_SECTION_SIZE;
    for (uint32_t i = 0; i < nsec; i++) {
        sec[i].offset = at;
        at += sec[i].stored_size;
    }
    uint64_t prefix = sec[pages_sec].offset; /* where PAGES starts */
    if (prefix > WPK_DEFAULT_MAX_PREFIX) {
        wpk_free(runs.p);
        return wpk_fail(err, WPK_E_LIMIT, "%s: the prefix (roots, dictionary) would exceed %u bytes; use a larger page size",
                        w->path, WPK_DEFAULT_MAX_PREFIX);
    }
    wpk2_header h;
    memset(&h, 0, sizeof h);
    h.file_size = at;
    h.entry_count = w->count;
    h.block_count = w->block_count;
    h.content_bytes = w->content_bytes;
    h.unique_bytes = w->unique_bytes;
    h.section_count = nsec;
    h.wiki_count = w->table.count;
    h.prefix_size = prefix;
    /* The lowest minor version whose additions the archive uses. */
    h.minor = ix->has_search ? 3 : runs.len ? 2 : w->rev_meta || w->table.case_sensitive_count ? 1 : 0;
    /* The format's own rules, checked before anything is written. */
    wpk2_section_map map;
    wpk2_err e;
    int rc = wpk2_section_table_check(sec, nsec, &h, &map, &e);
    uint8_t head[WPK2_HEADER_SIZE + NSEC * WPK2_SECTION_SIZE];
    if (!rc) {
        h.section_table_checksum = wpk2_section_table_encode(head + WPK2_HEADER_SIZE, sec, nsec);
        rc = wpk2_header_encode(head, &h, &e);
    }
    wpk_outfile o;
    if (rc) rc = wpk_fail_format(err, rc, &e, w->path);
    else rc = wpk_outfile_open(&o, w->path, err);
    if (rc) {
        wpk_free(runs.p);
        return rc;
    }
    uint64_t off = 0;
#define PUT(buf, len)                                                              \
    do {                                                                           \
        if (!rc) rc = wpk_write_all(o.fd, (buf), (len), off, w->path, err);        \
        off += (len);                                                              \
    } while (0)
    PUT(head, WPK2_HEADER_SIZE + (size_t)nsec * WPK2_SECTION_SIZE);
    for (int i = 0; i < WPK_NINDEX; i++) PUT(ix->root[i].p, ix->root[i].len);
    PUT(ix->wikis.p, ix->wikis.len);
    PUT(ix->summary.p, ix->summary.len);
    PUT(unsigned_record, sizeof unsigned_record);
    PUT(w->dict_stored, w->dict_stored_size);
    PUT(runs.p, runs.len);
    PUT(ix->search.p, ix->search.len);
    PUT(ix->search_root.p, ix->search_root.len);
#undef PUT
    wpk_free(runs.p);
    const wsink *src[] = {&ix->entries_a,  &ix->entries_b, &ix->titles,        &ix->ids,
                          &ix->categories, &ix->branches,  &ix->search_leaves, &ix->search_branches};
    for (size_t i = 0; i < sizeof src / sizeof *src; i++) {
        if (!rc) rc = copy_fd(w, src[i]->fd, src[i]->len, o.fd, off, err);
        off += src[i]->len;
    }
    if (!rc) rc = pd ? pd->copy(pd->ctx, o.fd, off, w->path, err) : copy_fd(w, w->data_fd, w->data_size, o.fd, off, err);
    off += w->data_size;
    if (!rc && off != h.file_size)
        rc = wpk_fail(err, WPK_E_CORRUPT, "%s: internal error: wrote %llu bytes of %llu", w->path,
                      (unsigned long long)off, (unsigned long long)h.file_size);
    if (!rc) rc = wpk_outfile_commit(&o, err);
    wpk_outfile_abort(&o); /* no-op after a commit */
    if (rc) return rc;
    if (given) {
        wpk_write_stats full = WPK_WRITE_STATS_INIT;
        fill_stats(w, ix, h.file_size, &full);
        wpk_struct_out(given, &full, sizeof full);
    }
    return WPK_OK;
}
