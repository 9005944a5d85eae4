/* wit2_reader.c - opening a format 2.0 archive and reading its roots, branch pages, leaves and blocks with the codec, zstd, XXH3 and BLAKE2b. */
#include "wit2_reader.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const index_names[] = {"?", "entry", "title", "ID", "category"};

const char *wit2_class_name(int cls)
{
    static const char *const names[] = {"ok", "format", "corrupt", "limit", "untrusted", "nomem"};
    return cls >= 0 && cls <= WIT2_NOMEM ? names[cls] : "?";
}

int wit2_fail(wit2 *a, int cls, const char *fmt, ...)
{
    if (a->cls == WIT2_OK) {
        a->cls = cls;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(a->msg, sizeof a->msg, fmt, ap);
        va_end(ap);
    }
    return cls;
}

/* A codec result as a class, its message kept. */
static int codec(wit2 *a, int rc, const wpk2_err *e)
{
    int cls = rc == WPK2_OK ? WIT2_OK
              : rc == WPK2_E_FORMAT ? WIT2_FORMAT
              : rc == WPK2_E_LIMIT ? WIT2_LIMIT
              : rc == WPK2_E_NOMEM ? WIT2_NOMEM : WIT2_CORRUPT;
    return cls ? wit2_fail(a, cls, "%s", e->msg) : WIT2_OK;
}

/* Exactly one zstd frame of exactly raw_size bytes (its content size
 * checked before decompressing), with the dictionary when use_dict. */
static int unframe(wit2 *a, const uint8_t *src, size_t n, uint64_t raw_size, int use_dict, const char *what,
                   uint8_t **out)
{
    *out = NULL;
    unsigned long long fcs = ZSTD_getFrameContentSize(src, n);
    if (fcs == ZSTD_CONTENTSIZE_ERROR) return wit2_fail(a, WIT2_CORRUPT, "%s is not a zstd frame", what);
    if (fcs != raw_size) return wit2_fail(a, WIT2_CORRUPT, "%s: frame content size is not %llu", what, (unsigned long long)raw_size);
    size_t whole = ZSTD_findFrameCompressedSize(src, n);
    if (ZSTD_isError(whole) || whole != n) return wit2_fail(a, WIT2_CORRUPT, "%s is not exactly one zstd frame", what);
    uint8_t *buf = malloc(raw_size ? (size_t)raw_size : 1);
    if (!buf) return wit2_fail(a, WIT2_NOMEM, "%s: out of memory", what);
    size_t r = use_dict && a->ddict ? ZSTD_decompress_usingDDict(a->dctx, buf, (size_t)raw_size, src, n, a->ddict)
                                    : ZSTD_decompressDCtx(a->dctx, buf, (size_t)raw_size, src, n);
    if (ZSTD_isError(r) || r != raw_size) {
        free(buf);
        return wit2_fail(a, WIT2_CORRUPT, "%s does not decompress to %llu bytes", what, (unsigned long long)raw_size);
    }
    *out = buf;
    return WIT2_OK;
}

/* A prefix section's raw bytes (malloc'd). */
static int section_raw(wit2 *a, const wpk2_section *s, const char *what, uint8_t **out)
{
    const uint8_t *src = a->d + s->offset;
    if (s->flags & WPK2_SECF_ZSTD) return unframe(a, src, (size_t)s->stored_size, s->raw_size, 0, what, out);
    *out = malloc(s->stored_size ? (size_t)s->stored_size : 1);
    if (!*out) return wit2_fail(a, WIT2_NOMEM, "%s: out of memory", what);
    if (s->stored_size) memcpy(*out, src, (size_t)s->stored_size);
    return WIT2_OK;
}

int wit2_open(wit2 *a, const uint8_t *d, size_t n, const uint8_t *pubkey)
{
    memset(a, 0, sizeof *a);
    a->d = d;
    a->n = n;
    a->pubkey = pubkey;
    a->check_auth = pubkey != NULL;
    a->dctx = ZSTD_createDCtx();
    if (!a->dctx) return wit2_fail(a, WIT2_NOMEM, "out of memory");
    wpk2_err e;
    int rc = wpk2_header_decode(d, n, &a->h, &e);
    if (rc) return codec(a, rc, &e);
    if (a->h.file_size != n)
        return wit2_fail(a, WIT2_CORRUPT, "header says %llu bytes, the file has %zu", (unsigned long long)a->h.file_size, n);
    rc = wpk2_section_table_decode(d + WPK2_HEADER_SIZE, n - WPK2_HEADER_SIZE, &a->h, a->secs, &a->map, &e);
    if (rc) return codec(a, rc, &e);
    for (uint32_t i = 0; i < a->h.section_count; i++) {
        const wpk2_section *s = &a->secs[i];
        if ((s->flags & WPK2_SECF_REGION) || s->type == WPK2_SEC_SIGNATURE) continue;
        if (wpk2_checksum(d + s->offset, (size_t)s->stored_size) != s->checksum)
            return wit2_fail(a, WIT2_CORRUPT, "section %u (type %u): checksum mismatch", i, s->type);
    }
    a->pages_off = a->map.of[WPK2_SEC_PAGES]->offset;
    a->pages_size = a->map.of[WPK2_SEC_PAGES]->stored_size;
    a->data_off = a->map.of[WPK2_SEC_DATA]->offset;
    a->data_size = a->map.of[WPK2_SEC_DATA]->stored_size;
    uint8_t *raw;
    if ((rc = section_raw(a, a->map.of[WPK2_SEC_WIKIS], "WIKIS", &raw))) return rc;
    rc = wpk2_wikis_decode(raw, (size_t)a->map.of[WPK2_SEC_WIKIS]->raw_size, a->h.wiki_count, NULL, &a->wikis, &e);
    free(raw);
    if (rc) return codec(a, rc, &e);
    if (a->map.of[WPK2_SEC_SUMMARY]) {
        if ((rc = section_raw(a, a->map.of[WPK2_SEC_SUMMARY], "SUMMARY", &raw))) return rc;
        rc = wpk2_summary_decode(raw, (size_t)a->map.of[WPK2_SEC_SUMMARY]->raw_size, NULL, &a->summary, &e);
        free(raw);
        if (rc) return codec(a, rc, &e);
        uint32_t ncase = a->summary.case_sensitive_count; /* the codec leaves the bound to its caller */
        if (ncase && a->summary.case_sensitive[ncase - 1] > a->h.wiki_count)
            return wit2_fail(a, WIT2_CORRUPT, "SUMMARY: case-sensitive wiki %u of %u", a->summary.case_sensitive[ncase - 1],
                             a->h.wiki_count);
    }
    if (pubkey) return wit2_signature(a, 1);
    return WIT2_OK;
}

int wit2_signature(wit2 *a, int require_key)
{
    const wpk2_section *s = a->map.of[WPK2_SEC_SIGNATURE];
    wpk2_signature sig;
    wpk2_err e;
    int rc = wpk2_signature_decode(a->d + s->offset, (size_t)s->stored_size, &sig, &e);
    if (rc) return codec(a, rc, &e);
    if (!sig.is_signed) return require_key ? wit2_fail(a, WIT2_UNTRUSTED, "archive is not signed") : WIT2_OK;
    /* BLAKE2b-512 of the prefix with the record zeroed. */
    uint8_t *prefix = malloc((size_t)a->h.prefix_size);
    if (!prefix) return wit2_fail(a, WIT2_NOMEM, "out of memory");
    memcpy(prefix, a->d, (size_t)a->h.prefix_size);
    memset(prefix + s->offset, 0, WPK2_SIG_SIZE);
    uint8_t digest[64], msg[WPK2_SIG_MESSAGE_SIZE];
    crypto_generichash(digest, sizeof digest, prefix, (size_t)a->h.prefix_size, NULL, 0);
    free(prefix);
    wpk2_signature_message(msg, &sig, digest);
    if (crypto_sign_verify_detached(sig.signature, msg, sizeof msg, sig.public_key) != 0)
        return wit2_fail(a, WIT2_CORRUPT, "signature does not match the archive");
    if (require_key && memcmp(sig.public_key, a->pubkey, 32) != 0)
        return wit2_fail(a, WIT2_UNTRUSTED, "signed by another key");
    return WIT2_OK;
}

static void index_free(wit2_index *x)
{
    free(x->pages);
    for (uint32_t i = 0; i < x->nbranch; i++) wpk2_root_free(&x->branches[i]);
    free(x->branches);
    free(x->leaves);
    wpk2_root_free(&x->root);
}

static void page_free(int kind, void *pg)
{
    switch (kind) {
    case WPK2_PAGE_ENTRY: wpk2_entry_page_free(pg); break;
    case WPK2_PAGE_TITLE: wpk2_title_page_free(pg); break;
    case WPK2_PAGE_ID: wpk2_id_page_free(pg); break;
    default: wpk2_category_page_free(pg); break;
    }
}

void wit2_close(wit2 *a)
{
    for (int k = 1; k <= 4; k++) {
        wit2_index *x = &a->idx[k];
        for (uint32_t i = 0; x->pages && i < x->nleaves; i++)
            if (x->pages[i]) {
                page_free(k, x->pages[i]);
                free(x->pages[i]);
            }
        index_free(x);
    }
    wpk2_wikis_free(&a->wikis);
    wpk2_summary_free(&a->summary);
    ZSTD_freeDDict(a->ddict);
    ZSTD_freeDCtx(a->dctx);
    memset(a, 0, sizeof *a);
}

/* The dictionary, on first use. */
static int dict_use(wit2 *a)
{
    const wpk2_section *s = a->map.of[WPK2_SEC_DICT];
    if (!s || a->dict_state == 1) return WIT2_OK;
    if (a->dict_state) return a->dict_state;
    if (s->stored_size > WIT2_DICT_CAP || s->raw_size > WIT2_DICT_CAP)
        return a->dict_state = wit2_fail(a, WIT2_LIMIT, "dictionary over the cap");
    uint8_t *raw;
    int rc = section_raw(a, s, "DICT", &raw);
    if (rc) return a->dict_state = rc;
    a->ddict = ZSTD_createDDict(raw, (size_t)s->raw_size);
    free(raw);
    if (!a->ddict) return a->dict_state = wit2_fail(a, WIT2_CORRUPT, "DICT is not a zstd dictionary");
    a->dict_state = 1;
    return WIT2_OK;
}

/* A page named by a root or branch item: caps, extent, XXH3, BLAKE2b, frame. */
static int page_raw(wit2 *a, const wpk2_root_item *it, const char *what, uint8_t **raw)
{
    *raw = NULL;
    if (it->raw_size > WIT2_PAGE_CAP || it->stored_size > WIT2_PAGE_CAP)
        return wit2_fail(a, WIT2_LIMIT, "%s of %u bytes (%u stored) over the page cap", what, it->raw_size, it->stored_size);
    if (it->page_offset > a->pages_size || it->stored_size > a->pages_size - it->page_offset)
        return wit2_fail(a, WIT2_CORRUPT, "%s lies outside PAGES", what);
    const uint8_t *src = a->d + a->pages_off + it->page_offset;
    if (wpk2_checksum(src, it->stored_size) != it->checksum)
        return wit2_fail(a, WIT2_CORRUPT, "%s at %llu: checksum mismatch", what, (unsigned long long)it->page_offset);
    if (a->check_auth) {
        uint8_t h[32];
        crypto_generichash(h, 32, src, it->stored_size, NULL, 0);
        if (memcmp(h, it->auth, 32) != 0)
            return wit2_fail(a, WIT2_CORRUPT, "%s at %llu: BLAKE2b mismatch", what, (unsigned long long)it->page_offset);
    }
    int rc = dict_use(a);
    return rc ? rc : unframe(a, src, it->stored_size, it->raw_size, 1, what, raw);
}

/* Keys in the index's order. */
static int key_cmp(int kind, const wpk2_root_item *x, wpk2_str key, uint16_t wiki, uint64_t id)
{
    if (kind == WPK2_PAGE_ID) {
        if (x->key_wiki != wiki) return x->key_wiki < wiki ? -1 : 1;
        return (x->key_id > id) - (x->key_id < id);
    }
    size_t m = x->key.len < key.len ? x->key.len : key.len;
    int c = m ? memcmp(x->key.p, key.p, m) : 0;
    return c ? c : (x->key.len > key.len) - (x->key.len < key.len);
}

int wit2_index_use(wit2 *a, int kind)
{
    wit2_index *x = &a->idx[kind];
    if (x->state == 1) return WIT2_OK;
    if (x->state) return x->state;
    const wpk2_section *s = a->map.of[kind];
    char what[48];
    snprintf(what, sizeof what, "%s root", index_names[kind]);
    uint8_t *raw;
    int rc = section_raw(a, s, what, &raw);
    if (rc) return x->state = rc;
    wpk2_root_ctx ctx = {.index_kind = (uint32_t)kind, .branched = !!(s->flags & WPK2_SECF_BRANCHED),
                         .entry_count = a->h.entry_count, .pages_size = a->pages_size};
    wpk2_err e;
    rc = wpk2_root_decode(raw, (size_t)s->raw_size, &ctx, &x->root, &e);
    free(raw);
    if (rc) return x->state = codec(a, rc, &e);
    if (!ctx.branched) {
        x->nleaves = x->root.count;
        x->leaves = calloc(x->nleaves + 1, sizeof *x->leaves);
        if (!x->leaves) return x->state = wit2_fail(a, WIT2_NOMEM, "out of memory");
        for (uint32_t i = 0; i < x->nleaves; i++) x->leaves[i] = &x->root.items[i];
    } else {
        x->branches = calloc(x->root.count + 1, sizeof *x->branches);
        if (!x->branches) return x->state = wit2_fail(a, WIT2_NOMEM, "out of memory");
        uint32_t total = 0;
        for (uint32_t j = 0; j < x->root.count; j++) {
            snprintf(what, sizeof what, "%s branch page %u", index_names[kind], j);
            if ((rc = page_raw(a, &x->root.items[j], what, &raw))) return x->state = rc;
            rc = wpk2_branch_decode(raw, x->root.items[j].raw_size, &ctx, &x->root.items[j], &x->branches[j], &e);
            free(raw);
            if (rc) return x->state = codec(a, rc, &e);
            x->nbranch = j + 1;
            total += x->branches[j].count;
        }
        x->nleaves = total;
        x->leaves = calloc(total + 1, sizeof *x->leaves);
        if (!x->leaves) return x->state = wit2_fail(a, WIT2_NOMEM, "out of memory");
        uint32_t k = 0;
        for (uint32_t j = 0; j < x->nbranch; j++)
            for (uint32_t i = 0; i < x->branches[j].count; i++) x->leaves[k++] = &x->branches[j].items[i];
        /* Keys in order across branch pages too (each branch page checks its own). */
        for (uint32_t i = 1; i < total; i++) {
            const wpk2_root_item *p = x->leaves[i - 1], *q = x->leaves[i];
            int c = key_cmp(kind, p, q->key, q->key_wiki, q->key_id);
            if (c > 0 || (c == 0 && kind != WPK2_PAGE_CATEGORY))
                return x->state = wit2_fail(a, WIT2_CORRUPT, "%s index: leaf %u's key not above leaf %u's", index_names[kind], i, i - 1);
        }
    }
    x->pages = calloc(x->nleaves + 1, sizeof *x->pages);
    if (!x->pages) return x->state = wit2_fail(a, WIT2_NOMEM, "out of memory");
    x->state = 1;
    return WIT2_OK;
}

int wit2_leaf(wit2 *a, int kind, uint32_t i, void **page)
{
    int rc = wit2_index_use(a, kind);
    if (rc) return rc;
    wit2_index *x = &a->idx[kind];
    if (i >= x->nleaves) return wit2_fail(a, WIT2_CORRUPT, "%s leaf %u of %u", index_names[kind], i, x->nleaves);
    if (x->pages[i]) {
        *page = x->pages[i];
        return WIT2_OK;
    }
    char what[48];
    snprintf(what, sizeof what, "%s page %u", index_names[kind], i);
    uint8_t *raw;
    if ((rc = page_raw(a, x->leaves[i], what, &raw))) return rc;
    wpk2_page_ctx ctx = {.from = x->leaves[i], .entry_count = a->h.entry_count, .wikis = &a->wikis,
                         .data_size = a->data_size};
    wpk2_err e;
    size_t n = x->leaves[i]->raw_size;
    void *pg = NULL;
    switch (kind) {
    case WPK2_PAGE_ENTRY:
        pg = calloc(1, sizeof(wpk2_entry_page));
        rc = pg ? wpk2_entry_page_decode(raw, n, &ctx, pg, &e) : WPK2_E_NOMEM;
        break;
    case WPK2_PAGE_TITLE:
        pg = calloc(1, sizeof(wpk2_title_page));
        rc = pg ? wpk2_title_page_decode(raw, n, &ctx, pg, &e) : WPK2_E_NOMEM;
        break;
    case WPK2_PAGE_ID:
        pg = calloc(1, sizeof(wpk2_id_page));
        rc = pg ? wpk2_id_page_decode(raw, n, &ctx, pg, &e) : WPK2_E_NOMEM;
        break;
    default:
        pg = calloc(1, sizeof(wpk2_category_page));
        rc = pg ? wpk2_category_page_decode(raw, n, &ctx, pg, &e) : WPK2_E_NOMEM;
        break;
    }
    free(raw);
    if (rc) {
        free(pg);
        if (rc == WPK2_E_NOMEM && !pg) return wit2_fail(a, WIT2_NOMEM, "out of memory");
        int cls = codec(a, rc, &e);
        snprintf(a->msg, sizeof a->msg, "%s: %s", what, e.msg); /* the page named first */
        return cls;
    }
    x->pages[i] = pg;
    *page = pg;
    return WIT2_OK;
}

int wit2_leaf_for(wit2 *a, int kind, wpk2_str key, uint16_t wiki, uint64_t id, int64_t *leaf)
{
    int rc = wit2_index_use(a, kind);
    if (rc) return rc;
    wit2_index *x = &a->idx[kind];
    int64_t lo = 0, hi = (int64_t)x->nleaves; /* first leaf whose key is above */
    while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (key_cmp(kind, x->leaves[mid], key, wiki, id) <= 0) lo = mid + 1;
        else hi = mid;
    }
    *leaf = lo - 1;
    return WIT2_OK;
}

int wit2_entry(wit2 *a, uint32_t n, const wpk2_entry **e, const wpk2_entry_page **pg)
{
    int rc = wit2_index_use(a, WPK2_PAGE_ENTRY);
    if (rc) return rc;
    wit2_index *x = &a->idx[WPK2_PAGE_ENTRY];
    uint32_t lo = 0, hi = x->nleaves;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x->leaves[mid]->first_item <= n) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0 || n >= x->leaves[lo - 1]->first_item + x->leaves[lo - 1]->page_items)
        return wit2_fail(a, WIT2_CORRUPT, "entry %u is in no entry page", n);
    void *p;
    if ((rc = wit2_leaf(a, WPK2_PAGE_ENTRY, lo - 1, &p))) return rc;
    const wpk2_entry_page *page = p;
    *e = &page->entries[n - page->first_entry];
    if (pg) *pg = page;
    return WIT2_OK;
}

int wit2_block(wit2 *a, const wpk2_block_ref *ref, uint8_t **raw)
{
    *raw = NULL;
    if (ref->offset > a->data_size || ref->stored_size > a->data_size - ref->offset)
        return wit2_fail(a, WIT2_CORRUPT, "block at %llu lies outside DATA", (unsigned long long)ref->offset);
    const uint8_t *src = a->d + a->data_off + ref->offset;
    if (wpk2_checksum(src, (size_t)ref->stored_size) != ref->checksum)
        return wit2_fail(a, WIT2_CORRUPT, "block at %llu: checksum mismatch", (unsigned long long)ref->offset);
    if (a->check_auth) {
        uint8_t h[32];
        crypto_generichash(h, 32, src, (size_t)ref->stored_size, NULL, 0);
        if (memcmp(h, ref->auth, 32) != 0)
            return wit2_fail(a, WIT2_CORRUPT, "block at %llu: BLAKE2b mismatch", (unsigned long long)ref->offset);
    }
    int rc = dict_use(a);
    return rc ? rc : unframe(a, src, (size_t)ref->stored_size, ref->raw_size, 1, "block", raw);
}

int wit2_content(wit2 *a, uint32_t n, uint8_t **p, uint64_t *len)
{
    const wpk2_entry *e;
    const wpk2_entry_page *pg;
    *p = NULL;
    *len = 0;
    int rc = wit2_entry(a, n, &e, &pg);
    if (rc || e->size == 0) return rc;
    uint8_t *raw;
    if ((rc = wit2_block(a, &pg->blocks[e->block], &raw))) return rc;
    *p = malloc((size_t)e->size);
    if (!*p) {
        free(raw);
        return wit2_fail(a, WIT2_NOMEM, "out of memory");
    }
    memcpy(*p, raw + e->offset, (size_t)e->size);
    free(raw);
    *len = e->size;
    return WIT2_OK;
}
