/* prefix.c - opening reads the prefix: header, file size, section table, the checksums of its sections, wikis, summary, and with a key the signature.
 *
 * Everything a lookup needs before its first page is in the prefix, read
 * in one read (two when it is larger than the first): nothing of the file
 * is trusted before the header and the section table have passed. */
#include "reader_internal.h"

#include <string.h>

/* The header, from the first read, and the file's size against it. */
static int read_header(wpk_reader *r, size_t first_len, wpk_error *err)
{
    wpk2_err e;
    int rc = wpk2_header_decode(r->prefix, first_len, &r->h, &e);
    if (rc) return wpk_codec_fail(r, err, rc, &e, 0, NULL);
    if (r->h.file_size != r->src.size) {
        int short_file = r->src.size < r->h.file_size;
        return wpk_fail_at(err, WPK_E_CORRUPT, short_file ? r->src.size : r->h.file_size,
                           "%s: %s: header says %llu bytes, file has %llu", r->name,
                           short_file ? "truncated" : "extra bytes after the archive",
                           (unsigned long long)r->h.file_size, (unsigned long long)r->src.size);
    }
    if (r->h.prefix_size > r->opts.max_prefix_size)
        return wpk_fail(err, WPK_E_LIMIT, "%s: a prefix (header, roots, dictionary) of %llu bytes exceeds the %llu-byte "
                        "prefix cap", r->name, (unsigned long long)r->h.prefix_size,
                        (unsigned long long)r->opts.max_prefix_size);
    return WPK_OK;
}

/* The rest of the prefix, when the first read did not bring it all. */
static int read_rest(wpk_reader *r, size_t first_len, wpk_error *err)
{
    if (r->h.prefix_size <= first_len) return WPK_OK;
    uint8_t *bigger = wpk_realloc(r->prefix, (size_t)r->h.prefix_size);
    if (!bigger) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    r->prefix = bigger;
    return wpk_read_exact(r, first_len, r->prefix + first_len, (size_t)(r->h.prefix_size - first_len), "prefix", err);
}

static int read_sections(wpk_reader *r, wpk_error *err)
{
    wpk2_err e;
    int rc = wpk2_section_table_decode(r->prefix + WPK2_HEADER_SIZE, (size_t)(r->h.prefix_size - WPK2_HEADER_SIZE),
                                       &r->h, r->secs, &r->map, &e);
    if (rc) return wpk_codec_fail(r, err, rc, &e, 0, NULL);
    /* Every byte of the prefix but the signature's is under a checksum
     * (the signature covers itself). */
    for (uint32_t i = 0; i < r->h.section_count; i++) {
        const wpk2_section *s = &r->secs[i];
        if ((s->flags & WPK2_SECF_REGION) || s->type == WPK2_SEC_SIGNATURE) continue;
        if (!wpk_checksum_ok(wpk2_checksum(r->prefix + s->offset, (size_t)s->stored_size), s->checksum))
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: section %u (type %u) at offset %llu: checksum mismatch",
                               r->name, i, s->type, (unsigned long long)s->offset);
    }
    const wpk2_section *dict = r->map.of[WPK2_SEC_DICT];
    if (dict && (dict->raw_size > r->opts.max_dict_size || dict->stored_size > r->opts.max_dict_size))
        return wpk_fail_at(err, WPK_E_LIMIT, dict->offset, "%s: dictionary of %llu bytes exceeds the %llu-byte dictionary cap",
                           r->name, (unsigned long long)dict->raw_size, (unsigned long long)r->opts.max_dict_size);
    r->pages_base = r->map.of[WPK2_SEC_PAGES]->offset;
    r->pages_size = r->map.of[WPK2_SEC_PAGES]->stored_size;
    r->data_base = r->map.of[WPK2_SEC_DATA]->offset;
    r->data_size = r->map.of[WPK2_SEC_DATA]->stored_size;
    return WPK_OK;
}

/* Each wiki's strings NUL-terminated, in one allocation (pointers, then
 * the text), and its case rule, for wpk_reader_wiki_info and lookups. */
static int wiki_strings(wpk_reader *r, wpk_error *err)
{
    uint32_t n = r->wikis.count;
    size_t text = 0;
    for (uint32_t i = 0; i < n; i++) {
        const wpk2_wiki *w = &r->wikis.wikis[i];
        text += (size_t)w->name.len + w->language.len + w->url_base.len + w->site_name.len + 4;
    }
    r->wiki_strings = wpk_malloc((size_t)4 * n * sizeof(char *) + text + 1);
    r->wiki_case_sensitive = wpk_calloc(n ? n : 1, 1);
    if (!r->wiki_strings || !r->wiki_case_sensitive) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    char *at = (char *)(r->wiki_strings + (size_t)4 * n);
    for (uint32_t i = 0; i < n; i++) {
        const wpk2_wiki *w = &r->wikis.wikis[i];
        const wpk2_str f[4] = {w->name, w->language, w->url_base, w->site_name};
        for (int k = 0; k < 4; k++) {
            r->wiki_strings[4 * i + k] = at;
            if (f[k].len) memcpy(at, f[k].p, f[k].len);
            at[f[k].len] = 0;
            at += f[k].len + 1;
        }
    }
    for (uint32_t k = 0; k < r->summary.case_sensitive_count; k++)
        r->wiki_case_sensitive[r->summary.case_sensitive[k] - 1] = 1;
    return WPK_OK;
}

/* WIKIS and SUMMARY, decoded now: info and every entry's wiki need them. */
static int read_tables(wpk_reader *r, wpk_error *err)
{
    uint8_t *raw;
    wpk2_err e;
    const wpk2_section *s = r->map.of[WPK2_SEC_WIKIS];
    int rc = wpk_section_raw(r, s, "wiki table", r->opts.max_prefix_size, &raw, err);
    if (rc) return rc;
    rc = wpk2_wikis_decode(raw, (size_t)s->raw_size, r->h.wiki_count, &r->alloc, &r->wikis, &e);
    wpk_free(raw);
    if (rc) return wpk_codec_fail(r, err, rc, &e, s->offset, "wiki table");
    if (!(s = r->map.of[WPK2_SEC_SUMMARY])) return wiki_strings(r, err);
    if ((rc = wpk_section_raw(r, s, "summary", r->opts.max_prefix_size, &raw, err)) != 0) return rc;
    rc = wpk2_summary_decode(raw, (size_t)s->raw_size, &r->alloc, &r->summary, &e);
    wpk_free(raw);
    if (rc) return wpk_codec_fail(r, err, rc, &e, s->offset, "summary");
    r->has_summary = 1;
    uint32_t ncase = r->summary.case_sensitive_count;
    if (ncase && r->summary.case_sensitive[ncase - 1] > r->h.wiki_count)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: summary at offset %llu: case-sensitive wiki %u, but there are %u wikis",
                        r->name, (unsigned long long)s->offset, r->summary.case_sensitive[ncase - 1], r->h.wiki_count);
    return wiki_strings(r, err);
}

int wpk_prefix_open(wpk_reader *r, wpk_error *err)
{
    size_t first_len = r->src.size < WPK_OPEN_READ ? (size_t)r->src.size : WPK_OPEN_READ;
    if (!(r->prefix = wpk_malloc(first_len ? first_len : 1))) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    int rc = wpk_read_exact(r, 0, r->prefix, first_len, "header", err);
    if (!rc) rc = read_header(r, first_len, err);
    if (!rc) rc = read_rest(r, first_len, err);
    if (!rc) rc = read_sections(r, err);
    if (!rc) rc = read_tables(r, err);
    if (!rc) rc = wpk_block_dicts_open(r, err);
    if (!rc && r->trusted && (rc = wpk_prefix_signature(r, r->trusted_key, err)) == WPK_E_NOTFOUND)
        rc = wpk_fail(err, WPK_E_UNTRUSTED, "%s: archive is not signed, and a key to trust was given", r->name);
    return rc;
}
