/* lookup.c - finding entries by path, title, page ID and position.
 *
 * Each index is a root (in memory since open) over leaf pages. A path lookup
 * reads one leaf (a record page); a title or ID lookup reads one leaf of its
 * index, which gives an entry number, then the record page holding it. */
#include "reader_internal.h"
#include "wpk_endian.h"

#include <stdlib.h>
#include <string.h>

/* Check a record's extension fields (1.1); unknown tags are skipped. */
static const char *check_ext(const wpk_reader *r, const wpk_fmt_record *rec, size_t *ncat, size_t *nrev)
{
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why = NULL;
    int got, current = 0, same = 0;
    *ncat = *nrev = 0;
    while ((got = wpk_fmt_ext_next(rec->ext, rec->ext_len, &pos, &tag, &val, &len, &why)) == 1) {
        if (tag == WPK_EXT_CATEGORY) (*ncat)++;
        else if (tag == WPK_EXT_NAMESPACE && len != 8) return "namespace field is not 8 bytes";
        else if (tag == WPK_EXT_CURRENT && (len != 4 || wpk_le32(val) >= r->hdr.entry_count))
            return "current-version field malformed or out of range";
        else if (tag == WPK_EXT_CURRENT) current = 1;
        else if (tag == WPK_EXT_SAME_CATEGORIES && (len != 0 || same++)) return "same-categories field malformed";
        else if (tag == WPK_EXT_REVISIONS) {
            if (len % 4 || *nrev) return "revisions field malformed or repeated";
            for (uint16_t i = 0; i < len; i += 4)
                if (wpk_le32(val + i) >= r->hdr.entry_count) return "revision entry number out of range";
            *nrev = len / 4;
        }
    }
    if (got < 0) return why;
    if (same && (!current || *ncat)) return "same-categories field without a current version, or with categories";
    return NULL;
}

static int has_same_categories(const wpk_fmt_record *rec)
{
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why;
    while (wpk_fmt_ext_next(rec->ext, rec->ext_len, &pos, &tag, &val, &len, &why) == 1)
        if (tag == WPK_EXT_SAME_CATEGORIES) return 1;
    return 0;
}

/* `inherited` holds the current version's categories for a record that
 * says it has the same (NULL otherwise). */
static wpk_entry_full *entry_from_record(const wpk_reader *r, const wpk_fmt_record *rec, uint64_t entry_no,
                                         const wpk_entry *inherited)
{
    size_t ncat, nrev, inherited_bytes = 0;
    check_ext(r, rec, &ncat, &nrev); /* already checked by wpk_decode_record_at */
    if (inherited) {
        ncat = inherited->n_categories;
        for (size_t i = 0; i < ncat; i++) inherited_bytes += strlen(inherited->categories[i]) + 1;
    }
    /* The wiki: the record's (the last WIKI field), else derived alike by
     * the writer that grouped its versions. */
    char derived[WPK_WIKI_MAX + 1];
    const uint8_t *wiki = NULL;
    uint16_t wiki_len = 0;
    wpk_fmt_record_wiki(rec, &wiki, &wiki_len);
    if (!wiki_len) {
        wiki_len = (uint16_t)wpk_wiki_derive((const char *)rec->url, rec->url_len, (const char *)rec->lang,
                                             rec->lang_len, derived);
        wiki = (const uint8_t *)derived;
    }
    size_t strings = (size_t)rec->path_len + rec->title_len + rec->lang_len + rec->url_len + rec->mime_len + 5 +
                     rec->ext_len + ncat + inherited_bytes + wiki_len + 1;
    /* Layout after the struct: revision numbers, category pointers, strings. */
    size_t extra = nrev * sizeof(uint64_t) + ncat * sizeof(char *);
    wpk_entry_full *e = wpk_calloc(1, sizeof *e + extra + strings);
    if (!e) return NULL;
    e->pub.struct_size = sizeof e->pub;
    uint64_t *revs = (uint64_t *)(void *)e->strings;
    const char **cats = (const char **)(void *)(e->strings + nrev * sizeof(uint64_t));
    char *s = e->strings + extra;
    const uint8_t *src[] = {rec->path, rec->title, rec->lang, rec->url, rec->mime};
    const uint16_t len[] = {rec->path_len, rec->title_len, rec->lang_len, rec->url_len, rec->mime_len};
    const char **dst[] = {&e->pub.path, &e->pub.title, &e->pub.language, &e->pub.url, &e->pub.mime};
    for (int i = 0; i < 5; i++) {
        memcpy(s, src[i], len[i]);
        s[len[i]] = 0;
        *dst[i] = (len[i] || i == 0) ? s : NULL;
        s += len[i] + 1;
    }
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t vlen;
    const char *why;
    while (wpk_fmt_ext_next(rec->ext, rec->ext_len, &pos, &tag, &val, &vlen, &why) == 1) {
        if (tag == WPK_EXT_CATEGORY) {
            memcpy(s, val, vlen);
            s[vlen] = 0;
            cats[e->pub.n_categories++] = s;
            s += vlen + 1;
        } else if (tag == WPK_EXT_NAMESPACE) {
            e->pub.ns = (int64_t)wpk_le64(val);
            e->pub.has_ns = 1;
        } else if (tag == WPK_EXT_CURRENT) {
            e->pub.current_entry = wpk_le32(val);
            e->pub.is_revision = 1;
        } else if (tag == WPK_EXT_REVISIONS) {
            for (uint16_t i = 0; i < vlen; i += 4) revs[e->pub.n_revisions++] = wpk_le32(val + i);
        }
    }
    for (size_t i = 0; inherited && i < inherited->n_categories; i++) {
        size_t clen = strlen(inherited->categories[i]);
        memcpy(s, inherited->categories[i], clen + 1);
        cats[e->pub.n_categories++] = s;
        s += clen + 1;
    }
    if (wiki_len) {
        memcpy(s, wiki, wiki_len);
        s[wiki_len] = 0;
        e->pub.wiki = s;
        s += wiki_len + 1;
    }
    e->pub.categories = ncat ? cats : NULL;
    e->pub.revisions = nrev ? revs : NULL;
    e->pub.page_id = rec->page_id;
    e->pub.has_page_id = (rec->flags & WPK_REC_HAS_PAGE_ID) != 0;
    e->pub.updated_us = rec->updated_us;
    e->pub.has_updated = (rec->flags & WPK_REC_HAS_UPDATED) != 0;
    e->pub.size = rec->content_size;
    e->pub.content_hash = rec->content_hash;
    e->pub.block_offset = rec->content_size ? r->data_base + rec->block.offset : 0;
    e->pub.block_stored_size = rec->block.stored_size;
    e->pub.entry_number = entry_no;
    e->block = rec->block;
    e->offset_in_block = rec->offset_in_block;
    return e;
}

wpk_entry_full *wpk_entry_from_record(const wpk_reader *r, const wpk_fmt_record *rec, uint64_t entry_no)
{
    return entry_from_record(r, rec, entry_no, NULL);
}

static int entry_at_depth(wpk_reader *r, uint64_t n, wpk_entry **out, int depth, wpk_error *err);

/* The entry for a decoded record, with categories inherited from the
 * current version when the record says they are the same. */
static int make_entry(wpk_reader *r, const wpk_fmt_record *rec, uint64_t n, int depth, wpk_entry_full **out,
                      wpk_error *err)
{
    wpk_entry *cur = NULL;
    if (has_same_categories(rec)) {
        wpk_entry_full *plain = entry_from_record(r, rec, n, NULL);
        if (!plain) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        uint64_t current = plain->pub.current_entry;
        wpk_free(plain);
        int rc = depth > 0 ? wpk_fail(err, WPK_E_CORRUPT, "%s: entry %llu: its current version is itself an older "
                                                          "version", r->name, (unsigned long long)n)
                           : entry_at_depth(r, current, &cur, depth + 1, err);
        if (rc) return rc;
    }
    *out = entry_from_record(r, rec, n, cur);
    wpk_entry_free(cur);
    return *out ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory");
}

void wpk_entry_free(wpk_entry *e)
{
    wpk_free(e); /* the public struct is the first member of wpk_entry_full */
}

int wpk_decode_record_at(wpk_reader *r, const uint8_t *leaf, size_t leaf_len, uint32_t i,
                         const wpk_fmt_root_item *it, wpk_fmt_record *rec, wpk_error *err)
{
    const uint8_t *item;
    size_t item_len;
    const char *why = NULL;
    int rc = wpk_fmt_leaf_item(leaf, leaf_len, i, &item, &item_len, &why);
    if (!rc) rc = wpk_fmt_record_decode(item, item_len, rec, &why);
    if (rc)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: record page at region offset %llu, entry %llu: %s", r->name,
                        (unsigned long long)it->page.offset, (unsigned long long)(it->first_item + i), why);
    if (rec->content_size && (rec->block.offset > r->data_size || rec->block.stored_size > r->data_size - rec->block.offset))
        return wpk_fail(err, WPK_E_CORRUPT, "%s: entry %llu: block lies outside the data region", r->name,
                        (unsigned long long)(it->first_item + i));
    size_t ncat, nrev;
    if ((why = check_ext(r, rec, &ncat, &nrev)) != NULL)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: record page at region offset %llu, entry %llu: %s", r->name,
                        (unsigned long long)it->page.offset, (unsigned long long)(it->first_item + i), why);
    return WPK_OK;
}

/* Load a record page (rows; *len bytes) and check that its item count
 * matches the root. */
static int load_record_page(wpk_reader *r, const wpk_fmt_root_item *it, uint8_t **page, size_t *len, wpk_error *err)
{
    int rc = wpk_load_page(r, &r->path_idx, &it->page, "record page", page, len, err);
    if (rc) return rc;
    uint32_t count;
    const char *why = NULL;
    if (wpk_fmt_leaf_count(*page, *len, &count, &why) != 0 || count != it->item_count) {
        wpk_free(*page);
        *page = NULL;
        return wpk_fail(err, WPK_E_CORRUPT, "%s: record page at region offset %llu: %s", r->name,
                        (unsigned long long)it->page.offset, why ? why : "item count differs from the root");
    }
    return WPK_OK;
}

int wpk_reader_entry_at(wpk_reader *r, uint64_t n, wpk_entry **out, wpk_error *err)
{
    return entry_at_depth(r, n, out, 0, err);
}

static int entry_at_depth(wpk_reader *r, uint64_t n, wpk_entry **out, int depth, wpk_error *err)
{
    *out = NULL;
    int rrc = wpk_index_ready(r, &r->path_idx, err);
    if (rrc) return rrc;
    if (n >= r->hdr.entry_count) return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry number %llu", r->name, (unsigned long long)n);
    const wpk_fmt_root_item *leaf;
    int rc = wpk_index_at(r, &r->path_idx, n, &leaf, err);
    if (rc) return rc;
    uint8_t *page;
    size_t page_len;
    if ((rc = load_record_page(r, leaf, &page, &page_len, err)) != 0) return rc;
    wpk_fmt_record rec;
    rc = wpk_decode_record_at(r, page, page_len, (uint32_t)(n - leaf->first_item), leaf, &rec, err);
    wpk_entry_full *e = NULL;
    if (!rc) rc = make_entry(r, &rec, n, depth, &e, err);
    if (!rc) *out = &e->pub;
    wpk_free(page);
    return rc;
}

int wpk_reader_find_by_path(wpk_reader *r, const char *path, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    int rrc = wpk_index_ready(r, &r->path_idx, err);
    if (rrc) return rrc;
    size_t len = strlen(path);
    const wpk_fmt_root_item *it;
    int rc = wpk_index_find(r, &r->path_idx, (const uint8_t *)path, len, 0, &it, err);
    if (rc) return rc;
    if (!it) return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry with path \"%s\"", r->name, path);
    uint8_t *page;
    size_t page_len;
    if ((rc = load_record_page(r, it, &page, &page_len, err)) != 0) return rc;
    uint32_t lo = 0, hi = it->item_count;
    wpk_fmt_record rec;
    rc = WPK_E_NOTFOUND;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int drc = wpk_decode_record_at(r, page, page_len, mid, it, &rec, err);
        if (drc) {
            rc = drc;
            break;
        }
        int c = wpk_bytes_cmp(rec.path, rec.path_len, (const uint8_t *)path, len);
        if (c == 0) {
            wpk_entry_full *e = NULL;
            rc = make_entry(r, &rec, it->first_item + mid, 0, &e, err);
            if (!rc) *out = &e->pub;
            break;
        }
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    wpk_free(page);
    if (rc == WPK_E_NOTFOUND) wpk_fail(err, rc, "%s: no entry with path \"%s\"", r->name, path);
    return rc;
}

/* Compare item i of a title or ID leaf with the key; yields its entry number. */
static int secondary_item(const wpk_index *idx, const uint8_t *page, size_t n, uint32_t i, const uint8_t *key,
                          size_t key_len, uint64_t key_u64, int *cmp, uint32_t *entry, const char **why)
{
    if (idx->kind == WPK_KEY_U64) {
        uint64_t id;
        if (wpk_fmt_id_leaf_item(page, n, i, &id, entry, why)) return -1;
        *cmp = id < key_u64 ? -1 : id > key_u64;
        return 0;
    }
    const uint8_t *item;
    size_t item_len;
    if (wpk_fmt_leaf_item(page, n, i, &item, &item_len, why)) return -1;
    if (item_len < WPK_TITLE_ITEM_FIXED) {
        *why = "title item too short";
        return -1;
    }
    *entry = wpk_le32(item);
    *cmp = wpk_bytes_cmp(item + 4, item_len - 4, key, key_len);
    return 0;
}

/* Search a title or ID leaf for the first item equal to the key; yields the
 * entry number it points to. */
static int search_secondary(wpk_reader *r, wpk_index *idx, const char *what, const uint8_t *key, size_t key_len,
                            uint64_t key_u64, uint64_t *entry_no, wpk_error *err)
{
    const wpk_fmt_root_item *it;
    int rc = wpk_index_find(r, idx, key, key_len, key_u64, &it, err);
    if (rc) return rc;
    if (!it) return WPK_E_NOTFOUND;
    uint8_t *page;
    size_t n;
    if ((rc = wpk_load_page(r, idx, &it->page, what, &page, &n, err)) != 0) return rc;
    uint32_t lo = 0, hi = it->item_count, entry = 0;
    const char *why = NULL;
    int c = 0;
    if (wpk_le32(page) != it->item_count) {
        why = "item count differs from the root";
        goto corrupt;
    }
    while (lo < hi) { /* lower bound */
        uint32_t mid = lo + (hi - lo) / 2;
        if (secondary_item(idx, page, n, mid, key, key_len, key_u64, &c, &entry, &why)) goto corrupt;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    rc = WPK_E_NOTFOUND;
    if (lo < it->item_count) {
        if (secondary_item(idx, page, n, lo, key, key_len, key_u64, &c, &entry, &why)) goto corrupt;
        if (c == 0 && entry >= r->hdr.entry_count) {
            why = "entry number out of range";
            goto corrupt;
        }
        if (c == 0) {
            *entry_no = entry;
            rc = WPK_OK;
        }
    }
    wpk_free(page);
    return rc;
corrupt:
    wpk_free(page);
    return wpk_fail(err, WPK_E_CORRUPT, "%s: %s at region offset %llu: %s", r->name, what,
                    (unsigned long long)it->page.offset, why);
}

int wpk_reader_find_by_id(wpk_reader *r, uint64_t page_id, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    uint64_t n = 0;
    int rc = wpk_index_ready(r, &r->id_idx, err);
    if (rc) return rc;
    rc = r->id_idx.present ? search_secondary(r, &r->id_idx, "ID index page", NULL, 0, page_id, &n, err)
                               : WPK_E_NOTFOUND;
    if (rc == WPK_E_NOTFOUND)
        return wpk_fail(err, rc, "%s: no entry with page ID %llu", r->name, (unsigned long long)page_id);
    if (rc) return rc;
    if ((rc = wpk_reader_entry_at(r, n, out, err)) != 0) return rc;
    if (!(*out)->has_page_id || (*out)->page_id != page_id) {
        wpk_entry_free(*out);
        *out = NULL;
        return wpk_fail(err, WPK_E_CORRUPT, "%s: ID index points page ID %llu at entry %llu, which has another ID",
                        r->name, (unsigned long long)page_id, (unsigned long long)n);
    }
    /* The article is its current version, which may be a newer copy without
     * a page ID (joined by title). */
    if ((*out)->is_revision) {
        uint64_t cur = (*out)->current_entry;
        wpk_entry_free(*out);
        *out = NULL;
        return wpk_reader_entry_at(r, cur, out, err);
    }
    return WPK_OK;
}

int wpk_reader_find_by_title(wpk_reader *r, const char *title, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    uint64_t n = 0;
    size_t len = strlen(title);
    int rc = wpk_index_ready(r, &r->title_idx, err);
    if (rc) return rc;
    rc = r->title_idx.present
                 ? search_secondary(r, &r->title_idx, "title index page", (const uint8_t *)title, len, 0, &n, err)
                 : WPK_E_NOTFOUND;
    if (rc == WPK_E_NOTFOUND) return wpk_fail(err, rc, "%s: no entry titled \"%s\"", r->name, title);
    if (rc) return rc;
    if ((rc = wpk_reader_entry_at(r, n, out, err)) != 0) return rc;
    if (!(*out)->title || strcmp((*out)->title, title) != 0) {
        wpk_entry_free(*out);
        *out = NULL;
        return wpk_fail(err, WPK_E_CORRUPT, "%s: title index points \"%s\" at entry %llu, which has another title",
                        r->name, title, (unsigned long long)n);
    }
    return WPK_OK;
}

int wpk_reader_foreach(wpk_reader *r, wpk_entry_cb cb, void *ctx, wpk_error *err)
{
    int rrc = wpk_index_ready(r, &r->path_idx, err);
    if (rrc) return rrc;
    const wpk_fmt_root_item *it;
    int rc = wpk_index_at(r, &r->path_idx, 0, &it, err);
    for (; !rc && it; rc = wpk_index_next(r, &r->path_idx, it, &it, err)) {
        uint8_t *page;
        size_t page_len;
        if ((rc = load_record_page(r, it, &page, &page_len, err)) != 0) return rc;
        for (uint32_t i = 0; i < it->item_count; i++) {
            wpk_fmt_record rec;
            if ((rc = wpk_decode_record_at(r, page, page_len, i, it, &rec, err)) != 0) break;
            wpk_entry_full *e = NULL;
            if ((rc = make_entry(r, &rec, it->first_item + i, 0, &e, err)) != 0) break;
            rc = cb(ctx, &e->pub);
            wpk_free(e);
            if (rc) break;
        }
        wpk_free(page);
        if (rc) return rc;
    }
    return rc;
}
