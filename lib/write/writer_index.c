/* writer_index.c - build the leaf pages and roots of the three indexes.
 *
 * Path index: entries in path order; its leaves are the record pages.
 * Title and ID indexes: (key, entry number) in key order; among entries with
 * the same key the preferred one comes first: the newest, then the smallest
 * path. A leaf never starts inside a run of equal keys, so a reader finds the
 * first occurrence of a key in the leaf the root points it to. */
#include "writer_internal.h"
#include "wpk_endian.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wpk_page_level(const wpk_writer *w)
{
    return w->opts.level < 19 ? w->opts.level : 19; /* level 19 pays on metadata: ~8% smaller than 15 */
}

void wpk_built_index_free(wpk_built_index *b)
{
    wsink *sinks[] = {&b->pages_a, &b->pages_a2, &b->pages_b, &b->ext_pages};
    for (int i = 0; i < 4; i++)
        if (sinks[i]->fd > 0) close(sinks[i]->fd);
    wpk_free(b->summary.p);
    for (int i = 0; i < WPK_NROOTS; i++) wpk_free(b->root[i].p);
    memset(b, 0, sizeof *b);
}

typedef struct leaf_builder {
    wpk_writer *w;
    wpk_built_index *out;
    ZSTD_CCtx *cctx;           /* leaves: with the dictionary when there is one */
    ZSTD_CCtx *root_cctx;      /* roots: never (they are read before any dictionary) */
    wsink *region;          /* where its leaves go; root offsets are fixed up when sealed */
    int which;              /* 0 path, 1 title, 2 ID, 3 folded title, 4 category */
    uint32_t kind;
    wbuf items;             /* item bytes of the open leaf */
    wbuf lens;              /* u32 length of each item of the open leaf */
    uint32_t n;
    wbuf first_key, last_key;
    uint64_t first_u64, last_u64;
    wbuf root;              /* encoded root items */
    uint32_t root_count;
    uint64_t position;      /* items emitted so far */
} leaf_builder;

static int same_key(const leaf_builder *lb, const uint8_t *key, size_t len, uint64_t u64)
{
    if (lb->kind == WPK_KEY_U64) return lb->last_u64 == u64;
    return lb->last_key.len == len && (len == 0 || memcmp(lb->last_key.p, key, len) == 0);
}

/* Compress a page (leaf or branch) into a region; *ref gets where it went,
 * `base` bytes being added to its place in the sink. */
static int put_page(wsink *region, uint64_t base, ZSTD_CCtx *cctx, const wbuf *raw, wpk_fmt_ref *ref, wpk_error *err)
{
    size_t cap = ZSTD_compressBound(raw->len);
    uint8_t *z = wpk_malloc(cap);
    size_t zlen = z ? ZSTD_compress2(cctx, z, cap, raw->p, raw->len) : 0;
    if (!z || ZSTD_isError(zlen)) {
        wpk_free(z);
        return wpk_fail(err, WPK_E_NOMEM, "cannot compress an index page");
    }
    ref->offset = base + region->len;
    ref->stored_size = (uint32_t)zlen;
    ref->raw_size = (uint32_t)raw->len;
    ref->checksum = wpk_fmt_checksum(z, zlen);
    int rc = wsink_put(region, z, zlen, err);
    wpk_free(z);
    return rc;
}

/* Append a root item (of a root or branch page) to `items`. */
static int put_root_item(wbuf *items, uint32_t kind, const wpk_fmt_root_item *it, wpk_error *err)
{
    uint8_t enc[WPK_ROOT_ITEM_FIXED + 65536];
    size_t elen = wpk_fmt_root_item_encode(enc, sizeof enc, kind, it);
    if (elen == 0 || wbuf_put(items, enc, elen)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    return WPK_OK;
}

static int flush_leaf(leaf_builder *lb, wpk_error *err)
{
    if (lb->n == 0) return WPK_OK;
    wbuf raw = {0};
    uint8_t word[4];
    int bad = 0;
    wpk_put32(word, lb->n);
    bad |= wbuf_put(&raw, word, 4);
    if (lb->which != 2) { /* offset table, except in fixed-size ID leaves */
        uint32_t at = 4 + 4 * lb->n;
        for (uint32_t i = 0; i < lb->n; i++) {
            wpk_put32(word, at);
            bad |= wbuf_put(&raw, word, 4);
            at += wpk_le32(lb->lens.p + 4 * i);
        }
    }
    bad |= wbuf_put(&raw, lb->items.p, lb->items.len);
    if (bad || raw.len > WPK_DEFAULT_MAX_PAGE) {
        wpk_free(raw.p);
        if (bad) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        /* Only a run of equal keys (kept in one leaf) can get here. */
        static const char *const what[] = {"path", "title", "page ID", "folded title", "category"};
        if (lb->kind == WPK_KEY_U64)
            return wpk_fail(err, WPK_E_LIMIT, "%u entries share page ID %llu: more than one index page (16 MiB) holds",
                            lb->n, (unsigned long long)lb->first_u64);
        return wpk_fail(err, WPK_E_LIMIT, "%u entries share the %s \"%.*s\": more than one index page (16 MiB) holds",
                        lb->n, what[lb->which], (int)(lb->first_key.len > 200 ? 200 : lb->first_key.len),
                        (const char *)lb->first_key.p);
    }
    wpk_fmt_root_item it;
    memset(&it, 0, sizeof it);
    int rc = WPK_OK;
    { /* leaves are stored column by column (1.5) */
        static const int leaf_kind[] = {0, WPK_LEAF_TITLE, WPK_LEAF_ID, WPK_LEAF_FOLD, WPK_LEAF_TITLE};
        wbuf cols = {0};
        rc = lb->which == 0 ? wpk_columns_encode(raw.p, raw.len, &cols, err)
                            : wpk_leaf_columns_encode(leaf_kind[lb->which], raw.p, raw.len, &cols, err);
        wpk_free(raw.p);
        raw = cols;
    }
    if (!rc) rc = put_page(lb->region, 0, lb->cctx, &raw, &it.page, err);
    wpk_free(raw.p);
    if (rc) return rc;
    it.first_item = lb->position;
    it.item_count = lb->n;
    it.key = lb->first_key.p;
    it.key_len = (uint32_t)lb->first_key.len;
    it.key_u64 = lb->first_u64;
    if ((rc = put_root_item(&lb->root, lb->kind, &it, err)) != 0) return rc;
    lb->root_count++;
    lb->position += lb->n;
    lb->n = 0;
    lb->items.len = lb->lens.len = 0;
    return WPK_OK;
}

uint32_t wpk_test_run_split_size;

static int add_item(leaf_builder *lb, const uint8_t *item, size_t len, const uint8_t *key, size_t key_len,
                    uint64_t key_u64, wpk_error *err)
{
    size_t page_bytes = 4 + lb->items.len + lb->lens.len;
    if (lb->n > 0 && page_bytes + len + 4 > lb->w->opts.page_size) {
        /* A run of equal keys stays in one leaf, so that the root alone
         * says which leaf holds a key's first item; except that a category
         * (Wikipedia has some with millions of articles) continues into the
         * next leaf past WPK_RUN_SPLIT_BYTES, and the archive says so. */
        uint32_t split = wpk_test_run_split_size ? wpk_test_run_split_size : WPK_RUN_SPLIT_BYTES;
        int in_run = same_key(lb, key, key_len, key_u64);
        int split_run = in_run && lb->which == 4 && page_bytes + len + 4 > split;
        if (!in_run || split_run) {
            if (split_run) lb->out->split_runs = 1;
            int rc = flush_leaf(lb, err);
            if (rc) return rc;
        }
    }
    uint8_t word[4];
    wpk_put32(word, (uint32_t)len);
    int bad = wbuf_put(&lb->items, item, len) || wbuf_put(&lb->lens, word, 4);
    if (lb->n == 0) {
        lb->first_key.len = 0;
        bad |= wbuf_put(&lb->first_key, key, key_len);
        lb->first_u64 = key_u64;
    }
    lb->last_key.len = 0;
    bad |= wbuf_put(&lb->last_key, key, key_len);
    lb->last_u64 = key_u64;
    lb->n++;
    return bad ? wpk_fail(err, WPK_E_NOMEM, "out of memory") : WPK_OK;
}

/* Move the leaves of a root by `delta` bytes in their region. */
static void shift_root(leaf_builder *lb, uint64_t delta)
{
    for (size_t at = 0; at < lb->root.len;) {
        uint8_t *item = lb->root.p + at;
        wpk_put64(item, wpk_le64(item) + delta);
        at += WPK_ROOT_ITEM_FIXED + wpk_le32(item + 36);
    }
}

/* Where branch pages go: appended to a sink that starts `base` bytes into
 * the index's region, compressed like the leaves. */
typedef struct branch_out { wsink *sink; uint64_t base; ZSTD_CCtx *cctx; } branch_out;

uint32_t wpk_test_branch_size;

static uint32_t branch_size(void)
{
    return wpk_test_branch_size ? wpk_test_branch_size : WPK_BRANCH_BYTES;
}

/* Replace a root's items by branch pages of up to branch_size() bytes
 * holding them, and the root by one item per branch page. */
static int branch_root(leaf_builder *lb, const branch_out *bo, wpk_error *err)
{
    wbuf top = {0}, raw = {0};
    uint32_t top_count = 0;
    int rc = WPK_OK;
    for (size_t at = 0; at < lb->root.len && !rc;) {
        size_t start = at, end = at;
        uint32_t n = 0;
        uint64_t beneath = 0;
        do { /* at least one item, then as many as fit */
            beneath += wpk_le32(lb->root.p + end + 32);
            end += WPK_ROOT_ITEM_FIXED + wpk_le32(lb->root.p + end + 36);
            n++;
        } while (end < lb->root.len &&
                 WPK_ROOT_HEAD + (end - start) + WPK_ROOT_ITEM_FIXED + wpk_le32(lb->root.p + end + 36) <=
                     branch_size());
        uint8_t head[WPK_ROOT_HEAD];
        wpk_put32(head, n);
        wpk_put32(head + 4, lb->kind);
        raw.len = 0;
        wpk_fmt_root_item it;
        size_t pos = WPK_ROOT_HEAD;
        const char *why;
        if (wbuf_put(&raw, head, sizeof head) || wbuf_put(&raw, lb->root.p + start, end - start)) {
            rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
            break;
        }
        wpk_fmt_root_item_decode(raw.p, raw.len, &pos, lb->kind, &it, &why); /* the first leaf: its key and place */
        if ((rc = put_page(bo->sink, bo->base, bo->cctx, &raw, &it.page, err)) != 0) break;
        it.item_count = (uint32_t)beneath; /* at most the entry count, a u32 */
        rc = put_root_item(&top, lb->kind, &it, err);
        top_count++;
        at = end;
    }
    wpk_free(raw.p);
    if (rc) {
        wpk_free(top.p);
        return rc;
    }
    wpk_free(lb->root.p);
    lb->root = top;
    lb->root_count = top_count;
    lb->out->root_branched[lb->which] = 1;
    return WPK_OK;
}

/* Close the root: its leaves were placed in a buffer that will start `base`
 * bytes into their region, so every leaf offset moves by base. A root that
 * would be larger than a branch page gets a level of branch pages. */
static int seal_root(leaf_builder *lb, uint64_t base, const branch_out *bo, wpk_error *err)
{
    shift_root(lb, base);
    if (WPK_ROOT_HEAD + lb->root.len > branch_size()) {
        int brc = branch_root(lb, bo, err);
        if (brc) return brc;
    }
    uint8_t head[WPK_ROOT_HEAD];
    wpk_put32(head, lb->root_count);
    wpk_put32(head + 4, lb->kind);
    wbuf raw = {0};
    if (wbuf_put(&raw, head, sizeof head) || wbuf_put(&raw, lb->root.p, lb->root.len)) {
        wpk_free(raw.p);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    size_t cap = ZSTD_compressBound(raw.len);
    wbuf *dst = &lb->out->root[lb->which];
    dst->p = wpk_malloc(cap);
    size_t zlen = dst->p ? ZSTD_compress2(lb->root_cctx, dst->p, cap, raw.p, raw.len) : 0;
    if (!dst->p || ZSTD_isError(zlen)) {
        wpk_free(raw.p);
        return wpk_fail(err, WPK_E_NOMEM, "cannot compress an index root");
    }
    dst->len = dst->cap = zlen;
    lb->out->root_raw[lb->which] = raw.len;
    lb->out->root_count[lb->which] = lb->root_count;
    wpk_free(raw.p);
    return WPK_OK;
}

static void leaf_builder_free(leaf_builder *lb)
{
    wpk_free(lb->items.p);
    wpk_free(lb->lens.p);
    wpk_free(lb->first_key.p);
    wpk_free(lb->last_key.p);
    wpk_free(lb->root.p);
}

wpk_record_hook_fn wpk_test_record_hook;
void *wpk_test_record_hook_ctx;

/* ---- orderings ----------------------------------------------------------- */

/* Path order: by rank (wpk_path_ranks), which grouping left in place. */
static int by_rank(const void *a, const void *b, void *ctx)
{
    const wpk_writer *sort_w = ctx;
    uint32_t x = sort_w->entries[*(const uint32_t *)a].entry_no, y = sort_w->entries[*(const uint32_t *)b].entry_no;
    return x < y ? -1 : x > y;
}

/* Among entries sharing a key: newest first, entries with a time before
 * those without, then smallest path. */
static int preference(const wentry *x, const wentry *y)
{
    if (x->has_updated != y->has_updated) return x->has_updated ? -1 : 1;
    if (x->updated_us != y->updated_us) return x->updated_us > y->updated_us ? -1 : 1;
    return x->entry_no < y->entry_no ? -1 : x->entry_no > y->entry_no;
}

static int by_title(const void *a, const void *b, void *ctx)
{
    const wpk_writer *sort_w = ctx;
    const wentry *x = &sort_w->entries[*(const uint32_t *)a], *y = &sort_w->entries[*(const uint32_t *)b];
    size_t n = x->title_len < y->title_len ? x->title_len : y->title_len;
    int c = memcmp(we_title(sort_w, x), we_title(sort_w, y), n);
    if (!c && x->title_len != y->title_len) c = x->title_len < y->title_len ? -1 : 1;
    return c ? c : preference(x, y);
}

static int by_id(const void *a, const void *b, void *ctx)
{
    const wpk_writer *sort_w = ctx;
    const wentry *x = &sort_w->entries[*(const uint32_t *)a], *y = &sort_w->entries[*(const uint32_t *)b];
    if (x->page_id != y->page_id) return x->page_id < y->page_id ? -1 : 1;
    return preference(x, y);
}

/* ---- the three indexes --------------------------------------------------- */

/* The extension bytes of a record: what was known when the entry was added,
 * then the links between versions of its article. */
static int same_categories(const wentry *a, const uint8_t *pa, const wentry *b, const uint8_t *pb)
{
    if (a->cat_count != b->cat_count) return 0;
    for (uint16_t i = 0; i < a->cat_count; i++)
        if (wpk_cat_id(&pa) != wpk_cat_id(&pb)) return 0;
    return 1;
}

/* cats: e's category bytes; cur_view reads those of its current version. */
static int record_ext(const wpk_writer *w, const wentry *e, const uint8_t *cats, wspill_view *cur_view, uint8_t *buf,
                      size_t cap, uint16_t *len, wpk_error *err)
{
    size_t at = 0;
    /* An older version listing exactly its article's categories says so in
     * three bytes instead of repeating the list. */
    const wentry *cur = &w->entries[we_current(w, e)];
    const uint8_t *cur_cats = NULL;
    if (cur != e && e->cat_count && cur->cat_count == e->cat_count) {
        int rc = wpk_entry_cats(w, cur_view, cur, &cur_cats, err);
        if (rc) return rc;
    }
    if (cur_cats && same_categories(e, cats, cur, cur_cats)) {
        at += wpk_fmt_ext_put(buf + at, cap - at, WPK_EXT_SAME_CATEGORIES, NULL, 0);
    } else {
        const uint8_t *ids = cats;
        for (uint16_t i = 0; i < e->cat_count; i++) {
            const char *name = wpk_intern_name(&w->cats, wpk_cat_id(&ids));
            at += wpk_fmt_ext_put(buf + at, cap - at, WPK_EXT_CATEGORY, name, (uint16_t)strlen(name));
        }
    }
    if (e->has_ns) {
        uint8_t ns[8];
        wpk_put64(ns, (uint64_t)wpk_entry_ns(e, cats));
        at += wpk_fmt_ext_put(buf + at, cap - at, WPK_EXT_NAMESPACE, ns, 8);
    }
    if (e->has_wiki) { /* only a wiki the caller named: a derived one readers derive alike */
        const char *wiki = wpk_entry_given_wiki(w, e, cats);
        at += wpk_fmt_ext_put(buf + at, cap - at, WPK_EXT_WIKI, wiki, (uint16_t)strlen(wiki));
    }
    uint8_t v[4];
    if (e->is_revision) {
        wpk_put32(v, w->entries[e->current].entry_no);
        at += wpk_fmt_ext_put(buf + at, cap - at, WPK_EXT_CURRENT, v, 4);
    }
    uint32_t revisions = wpk_revisions(w, e);
    if (revisions) {
        size_t need = WPK_EXT_HEAD + 4 * (size_t)revisions;
        if (at + need > 65535) {
            char label[WPK_LABEL_MAX];
            return wpk_fail(err, WPK_E_LIMIT, "%s: too many versions of one article (%u)",
                            wpk_entry_label(w, e, label, sizeof label), revisions);
        }
        buf[at] = WPK_EXT_REVISIONS;
        wpk_put16(buf + at + 1, (uint16_t)(4 * revisions));
        for (uint32_t i = 0; i < revisions; i++)
            wpk_put32(buf + at + WPK_EXT_HEAD + 4 * i, w->entries[w->article_order[e->rev_start + i]].entry_no);
        at += need;
    }
    *len = (uint16_t)at;
    return WPK_OK;
}

/* The k-th entry in path order: order[k], or k when order is NULL. */
static inline uint32_t path_entry(const uint32_t *order, size_t k) { return order ? order[k] : (uint32_t)k; }

/* The records of the entries from..to in path order. */
static int build_path_index(wpk_writer *w, leaf_builder *lb, const uint32_t *order, size_t from, size_t to,
                            wpk_error *err)
{
    uint8_t *rec_buf = wpk_malloc(WPK_REC_FIXED + 6 * 65536);
    uint8_t *ext = wpk_malloc(65536 + 16);
    if (!rec_buf || !ext) {
        wpk_free(rec_buf);
        wpk_free(ext);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    wspill_view own, cur;
    memset(&own, 0, sizeof own);
    memset(&cur, 0, sizeof cur);
    int rc = WPK_OK;
    for (size_t k = from; k < to && !rc; k++) {
        const wentry *e = &w->entries[path_entry(order, k)];
        /* Path, URL and categories in one read (the next entries' usually come along). */
        const uint8_t *strings;
        uint64_t cats_at = we_cats_at(e) - (uint64_t)e->str_offset;
        if ((rc = wpk_spill_view(w, &own, e->str_offset, cats_at + e->cat_bytes, &strings, err)) != 0) break;
        wpk_fmt_record r;
        memset(&r, 0, sizeof r);
        r.flags = (e->has_page_id ? WPK_REC_HAS_PAGE_ID : 0) | (e->has_updated ? WPK_REC_HAS_UPDATED : 0);
        r.page_id = e->page_id;
        r.updated_us = e->updated_us;
        r.content_size = e->size;
        r.content_hash = e->hash;
        if (e->size) {
            r.block = w->blocks[e->block].ref;
            r.offset_in_block = e->offset_in_block;
        }
        r.path = strings;
        r.path_len = e->path_len;
        r.title = (const uint8_t *)we_title(w, e);
        r.title_len = e->title_len;
        const char *lang = wpk_intern_name(&w->langs, e->lang), *mime = wpk_intern_name(&w->mimes, e->mime);
        r.lang = (const uint8_t *)lang;
        r.lang_len = (uint16_t)strlen(lang);
        r.url = strings + e->path_len;
        r.url_len = e->url_len;
        r.mime = (const uint8_t *)mime;
        r.mime_len = (uint16_t)strlen(mime);
        if ((rc = record_ext(w, e, strings + cats_at, &cur, ext, 65536 + 16, &r.ext_len, err)) != 0) break;
        r.ext = ext;
        if (wpk_test_record_hook) wpk_test_record_hook(&r, wpk_test_record_hook_ctx);
        wpk_fmt_record_encode(rec_buf, &r);
        rc = add_item(lb, rec_buf, wpk_fmt_record_size(&r), r.path, r.path_len, 0, err);
    }
    wpk_free(rec_buf);
    wpk_free(ext);
    wpk_spill_view_free(&own);
    wpk_spill_view_free(&cur);
    return rc;
}

static int build_title_index(wpk_writer *w, leaf_builder *lb, uint32_t *order, wpk_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < w->count; i++)
        if (w->entries[i].title_len) order[n++] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, by_title, w);
    uint8_t item[4 + 65536];
    int rc = WPK_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        const wentry *e = &w->entries[order[k]];
        wpk_put32(item, e->entry_no);
        memcpy(item + 4, we_title(w, e), e->title_len);
        rc = add_item(lb, item, 4 + (size_t)e->title_len, (const uint8_t *)we_title(w, e), e->title_len, 0, err);
    }
    return rc;
}

static int build_id_index(wpk_writer *w, leaf_builder *lb, uint32_t *order, wpk_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < w->count; i++)
        if (w->entries[i].has_page_id) order[n++] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, by_id, w);
    int rc = WPK_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        const wentry *e = &w->entries[order[k]];
        uint8_t item[WPK_ID_ITEM_SIZE];
        wpk_put64(item, e->page_id);
        wpk_put32(item + 8, e->entry_no);
        rc = add_item(lb, item, sizeof item, NULL, 0, e->page_id, err);
    }
    return rc;
}

static int build_fold_index(wpk_writer *w, leaf_builder *lb, wpk_error *err)
{
    wfold *items;
    size_t n;
    int rc = wpk_fold_items(w, &items, &n, err);
    if (rc) return rc;
    uint8_t *buf = wpk_malloc(WPK_FOLD_ITEM_FIXED + 3 * 65536);
    char *key = wpk_malloc(65535);
    if (!buf || !key) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        const char *display = wpk_fold_display(w, items[i]);
        size_t klen = wpk_fold_key(w, items[i], key, 65535);
        if (klen == SIZE_MAX) continue; /* folding never triples a 64 KiB title, but stay safe */
        wpk_fmt_fold_item f = {w->entries[wfold_entry(w, items[i])].entry_no, wfold_is_alias(w, items[i]),
                               (const uint8_t *)key, (const uint8_t *)display, (uint16_t)klen, strlen(display)};
        size_t len = wpk_fmt_fold_item_encode(buf, WPK_FOLD_ITEM_FIXED + 3 * 65536, &f);
        rc = add_item(lb, buf, len, f.key, f.key_len, 0, err);
    }
    wpk_free(buf);
    wpk_free(key);
    wpk_free(items);
    return rc;
}

/* Ids of interned strings (wintern) by their names. */
static int by_name_of(const void *pa, const void *pb, void *ctx)
{
    const wintern *t = ctx;
    return strcmp(wpk_intern_name(t, *(const uint32_t *)pa), wpk_intern_name(t, *(const uint32_t *)pb));
}

static int by_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/* Category index: (category, entry) for the current version of each
 * article, by category name then entry number. Built by a counting sort on
 * the rank of the name, in passes over ranges of names that each hold at
 * most an eighth of the pairs (or a million): a large collection has tens
 * of pairs per article, and a list of all of them would be the largest
 * array of the index build. */
uint32_t wpk_test_category_budget;

static int build_category_index(wpk_writer *w, leaf_builder *lb, wpk_error *err)
{
    size_t pairs = 0;
    uint32_t names = w->cats.count;
    for (size_t i = 0; i < w->count; i++)
        if (!w->entries[i].is_revision) pairs += w->entries[i].cat_count;
    if (pairs >= UINT32_MAX) return wpk_fail(err, WPK_E_LIMIT, "more than 2^32 (category, article) pairs");
    size_t budget = wpk_test_category_budget ? wpk_test_category_budget
                    : pairs / 8 > (1u << 20)  ? pairs / 8
                                              : (1u << 20);
    uint32_t *by_rank = wpk_malloc((names ? names : 1) * sizeof *by_rank);
    uint32_t *rank_of = wpk_malloc((names ? names : 1) * sizeof *rank_of);
    uint32_t *count = wpk_calloc(names ? names : 1, sizeof *count); /* by id; then where its bucket ends */
    size_t cap = pairs < budget ? (pairs ? pairs : 1) : budget;
    uint32_t *members = wpk_malloc(cap * sizeof *members);
    wspill_view view; /* the category ids are read from the spill file in every pass */
    memset(&view, 0, sizeof view);
    int rc = WPK_OK;
    if (!by_rank || !rank_of || !count || !members) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (uint32_t id = 0; !rc && id < names; id++) by_rank[id] = id;
    if (!rc && names) qsort_r(by_rank, names, sizeof *by_rank, by_name_of, &w->cats);
    for (uint32_t k = 0; !rc && k < names; k++) rank_of[by_rank[k]] = k;
    for (size_t i = 0; i < w->count && !rc; i++) {
        const wentry *e = &w->entries[i];
        const uint8_t *ids;
        if (e->is_revision || !e->cat_count) continue;
        if ((rc = wpk_entry_cats(w, &view, e, &ids, err)) != 0) break;
        for (uint16_t k = 0; k < e->cat_count; k++) count[wpk_cat_id(&ids)]++;
    }
    uint8_t item[4 + 65536];
    w->categories = 0;
    for (uint32_t r0 = 0, r1; !rc && r0 < names; r0 = r1) {
        /* Names r0..r1-1 (by rank): at least one, at most `budget` pairs
         * unless a single name has more. Their buckets, in rank order. */
        size_t at = 0;
        for (r1 = r0; r1 < names && (r1 == r0 || at + count[by_rank[r1]] <= budget); r1++) {
            uint32_t id = by_rank[r1];
            size_t size = count[id];
            count[id] = (uint32_t)at; /* bucket start, moved to its end below */
            at += size;
        }
        if (at > cap) { /* one name over the budget */
            uint32_t *g = wpk_realloc(members, at * sizeof *members);
            if (!g) {
                rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
                break;
            }
            members = g;
            cap = at;
        }
        for (size_t i = 0; i < w->count && !rc; i++) {
            const wentry *e = &w->entries[i];
            const uint8_t *ids;
            if (e->is_revision || !e->cat_count) continue;
            if ((rc = wpk_entry_cats(w, &view, e, &ids, err)) != 0) break;
            for (uint16_t k = 0; k < e->cat_count; k++) {
                uint32_t id = wpk_cat_id(&ids);
                if (rank_of[id] >= r0 && rank_of[id] < r1) members[count[id]++] = e->entry_no;
            }
        }
        size_t from = 0;
        for (uint32_t r = r0; r < r1 && !rc; r++) {
            uint32_t id = by_rank[r];
            size_t to = count[id];
            if (to == from) continue; /* only in older versions */
            qsort(members + from, to - from, sizeof *members, by_u32);
            const char *name = wpk_intern_name(&w->cats, id);
            size_t len = strlen(name);
            w->categories++;
            memcpy(item + 4, name, len);
            for (size_t m = from; m < to && !rc; m++) {
                if (m > from && members[m] == members[m - 1]) continue; /* listed twice in one article */
                wpk_put32(item, members[m]);
                rc = add_item(lb, item, 4 + len, (const uint8_t *)name, len, 0, err);
            }
            from = to;
        }
    }
    wpk_free(members);
    wpk_free(count);
    wpk_free(rank_of);
    wpk_free(by_rank);
    wpk_spill_view_free(&view);
    return rc;
}

static int put_u64_field(wbuf *b, uint8_t tag, uint64_t v)
{
    uint8_t f[WPK_EXT_HEAD + 8], val[8];
    wpk_put64(val, v);
    return wbuf_put(b, f, wpk_fmt_ext_put(f, sizeof f, tag, val, 8));
}

/* An article's language (an id in w->langs): its current version's, else
 * that of the newest older version that has one; UINT32_MAX for none. */
static uint32_t article_language(const wpk_writer *w, const wentry *cur)
{
    if (*wpk_intern_name(&w->langs, cur->lang)) return cur->lang;
    for (uint32_t k = 0, n = wpk_revisions(w, cur); k < n; k++) {
        const wentry *v = &w->entries[w->article_order[cur->rev_start + k]];
        if (*wpk_intern_name(&w->langs, v->lang)) return v->lang;
    }
    return UINT32_MAX;
}

/* SUMMARY: article, revision, alias and category counts, and the number of
 * articles per language, so that `info` needs no scan. */
static int build_summary(wpk_writer *w, wbuf *b, wpk_error *err)
{
    int bad = put_u64_field(b, WPK_SUM_ARTICLES, w->articles) || put_u64_field(b, WPK_SUM_REVISIONS, w->revisions) ||
              put_u64_field(b, WPK_SUM_ALIASES, w->stored_aliases) ||
              put_u64_field(b, WPK_SUM_CATEGORIES, w->categories);
    uint32_t nlang = w->langs.count;
    uint64_t *count = wpk_calloc(nlang ? nlang : 1, sizeof *count);
    uint32_t *by_name = wpk_malloc((nlang ? nlang : 1) * sizeof *by_name);
    if (!count || !by_name) {
        wpk_free(count);
        wpk_free(by_name);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory building the summary");
    }
    for (size_t i = 0; i < w->count; i++) {
        const wentry *e = &w->entries[i];
        if (e->is_revision || !(e->group_has_id || e->title_len)) continue; /* articles only */
        uint32_t lang = article_language(w, e);
        if (lang != UINT32_MAX) count[lang]++;
    }
    for (uint32_t k = 0; k < nlang; k++) by_name[k] = k;
    qsort_r(by_name, nlang, sizeof *by_name, by_name_of, &w->langs);
    for (uint32_t k = 0; k < nlang && !bad; k++) {
        const char *lang = wpk_intern_name(&w->langs, by_name[k]);
        size_t len = strlen(lang);
        if (!count[by_name[k]] || len > 65535 - 8) continue; /* over-long: cannot be a language code; not counted */
        uint8_t f[WPK_EXT_HEAD + 8 + 65536];
        f[0] = WPK_SUM_LANGUAGE;
        wpk_put16(f + 1, (uint16_t)(8 + len));
        wpk_put64(f + WPK_EXT_HEAD, count[by_name[k]]);
        memcpy(f + WPK_EXT_HEAD + 8, lang, len);
        bad = wbuf_put(b, f, WPK_EXT_HEAD + 8 + len);
    }
    wpk_free(count);
    wpk_free(by_name);
    return bad ? wpk_fail(err, WPK_E_NOMEM, "out of memory building the summary") : WPK_OK;
}

/* The indexes are built as six tasks on two jobs that can run at once:
 * the title and ID leaves, then the record pages of the first half of the
 * entries; the record pages of the second half, then the folded-title and
 * category leaves. The record pages are most of the work; they are cut in
 * two at a leaf boundary that a build on one thread makes too (path_split),
 * so the bytes never depend on the number of threads. The tasks with large
 * arrays (the title and ID orders; the folded-title items and category
 * counts: ~8 and ~11 MB at 1M entries) sit at opposite ends of the two
 * jobs, each beside the other's record pages, so that they rarely coexist
 * (measured at 1M: the peak fell by ~3 MB, not by all of the smaller).
 * Each task writes its leaves to its own scratch file; the roots are sealed
 * and the files joined afterwards in a fixed order. */
enum { TASK_TITLE, TASK_ID, TASK_PATH_A, TASK_PATH_B, TASK_FOLD, TASK_CATEGORY, NTASKS };

typedef struct index_job {
    wpk_writer *w;
    const ZSTD_CDict *cdict;
    const uint32_t *path_order; /* NULL: the entries are in path order (path_entry) */
    uint32_t *order;            /* scratch for the title and ID orders, freed after them */
    size_t split;               /* entries [0, split) and [split, count) */
    leaf_builder *lb;           /* by task */
    int first, last;            /* tasks first..last */
    int rc;
    wpk_error err;
} index_job;

/* The page dictionary's parameters, its match tables sized to what a page
 * can reach: the dictionary and the page. Sized for an unknown source, a
 * level-19 dictionary's tables take 2^20 hash and chain entries (8.7 MB
 * for a 256 KiB dictionary), and each page compressor copies them; a hash
 * table of half that span and a chain table (a binary tree at this level)
 * of twice it take 5.5 MB and give the same pages on the open_wiki
 * markdown (byte-identical archives), 3 bytes more of 211 MB at 100,000
 * generated files. */
static ZSTD_compressionParameters page_cparams(const wpk_writer *w)
{
    ZSTD_compressionParameters cp = ZSTD_getCParams(wpk_page_level(w), w->opts.page_size, w->dict_size);
    unsigned span = 10;
    while ((1ull << span) < (uint64_t)w->dict_size + w->opts.page_size) span++;
    if (cp.hashLog > span - 1) cp.hashLog = span - 1;
    if (cp.chainLog > span + 1) cp.chainLog = span + 1;
    return cp;
}

static ZSTD_CCtx *page_cctx(const wpk_writer *w, const ZSTD_CDict *cd)
{
    ZSTD_CCtx *c = wpk_zstd_cctx();
    if (!c) return NULL;
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, wpk_page_level(w));
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, 0);
    if (cd) {
        /* A dictionary made with explicit parameters records no level, and
         * zstd would then take the frame's parameters from the default
         * level (+1,353 bytes, 0.1%, on the open_wiki markdown): set the
         * page level's own; the tables come with the dictionary. */
        ZSTD_CCtx_setCParams(c, ZSTD_getCParams(wpk_page_level(w), w->opts.page_size, w->dict_size));
        ZSTD_CCtx_refCDict(c, cd);
    }
    return c;
}

static void *run_index_job(void *arg)
{
    index_job *j = arg;
    ZSTD_CCtx *c = page_cctx(j->w, j->cdict);
    if (!c) {
        j->rc = wpk_fail(&j->err, WPK_E_NOMEM, "out of memory");
        return NULL;
    }
    for (int t = j->first; t <= j->last && !j->rc; t++) {
        leaf_builder *lb = &j->lb[t];
        lb->cctx = c;
        if (t == TASK_PATH_A) j->rc = build_path_index(j->w, lb, j->path_order, 0, j->split, &j->err);
        else if (t == TASK_PATH_B) j->rc = build_path_index(j->w, lb, j->path_order, j->split, j->w->count, &j->err);
        else if (t == TASK_TITLE) j->rc = build_title_index(j->w, lb, j->order, &j->err);
        else if (t == TASK_ID) j->rc = build_id_index(j->w, lb, j->order, &j->err);
        else if (t == TASK_FOLD) j->rc = build_fold_index(j->w, lb, &j->err);
        else j->rc = build_category_index(j->w, lb, &j->err);
        if (!j->rc) j->rc = flush_leaf(lb, &j->err);
        lb->cctx = NULL;
        if (t == TASK_ID) {
            wpk_free(j->order);
            j->order = NULL;
        }
    }
    ZSTD_freeCCtx(c);
    return NULL;
}

/* The leaf boundary of the record pages nearest the middle, found by
 * sizing every record as add_item will place it; w->count when there is
 * none (a single leaf). */
static int path_split(wpk_writer *w, const uint32_t *order, size_t *split, wpk_error *err)
{
    uint8_t *ext = wpk_malloc(65536 + 16);
    if (!ext) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    wspill_view own, cur;
    memset(&own, 0, sizeof own);
    memset(&cur, 0, sizeof cur);
    size_t best = w->count, half = w->count / 2, page_bytes = 4;
    uint32_t n = 0;
    int rc = WPK_OK;
    for (size_t k = 0; k < w->count && !rc; k++) {
        const wentry *e = &w->entries[path_entry(order, k)];
        const uint8_t *cats;
        if ((rc = wpk_entry_cats(w, &own, e, &cats, err)) != 0) break;
        wpk_fmt_record r;
        memset(&r, 0, sizeof r);
        r.path_len = e->path_len;
        r.title_len = e->title_len;
        r.lang_len = (uint16_t)strlen(wpk_intern_name(&w->langs, e->lang));
        r.url_len = e->url_len;
        r.mime_len = (uint16_t)strlen(wpk_intern_name(&w->mimes, e->mime));
        if ((rc = record_ext(w, e, cats, &cur, ext, 65536 + 16, &r.ext_len, err)) != 0) break;
        size_t len = wpk_fmt_record_size(&r);
        if (n > 0 && page_bytes + len + 4 > w->opts.page_size) { /* a leaf starts at k */
            if (best == w->count || (k > half ? k - half : half - k) < (best > half ? best - half : half - best))
                best = k;
            page_bytes = 4;
            n = 0;
        }
        page_bytes += len + 4;
        n++;
    }
    wpk_free(ext);
    wpk_spill_view_free(&own);
    wpk_spill_view_free(&cur);
    *split = best;
    return rc;
}

int wpk_build_indexes(wpk_writer *w, wpk_built_index *out, wpk_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = w->count ? w->count : 1;
    /* Entries added in path order are still in it (the command-line tool
     * adds them so): the path order is then the entries' own, with no array. */
    int in_order = 1;
    for (size_t i = 1; i < w->count && in_order; i++)
        if (w->entries[i - 1].entry_no > w->entries[i].entry_no) in_order = 0;
    uint32_t *order = in_order ? NULL : wpk_malloc(n * sizeof *order), *order_b = wpk_malloc(n * sizeof *order_b);
    ZSTD_CCtx *rc_ctx = wpk_zstd_cctx();
    /* Leaf pages repeat titles, URLs and categories that the contents hold
     * too: the blocks' dictionary compresses them as well. */
    ZSTD_CDict *cd = w->dict_size ? wpk_zstd_cdict_params(w->dict, w->dict_size, page_cparams(w)) : NULL;
    leaf_builder *lb = wpk_calloc(NTASKS, sizeof *lb);
    out->pages_a.fd = out->pages_a2.fd = out->pages_b.fd = out->ext_pages.fd = -1;
    int sink_rc = wpk_tempfile_in(w->path, &out->pages_a.fd, err);
    if (!sink_rc) sink_rc = wpk_tempfile_in(w->path, &out->pages_a2.fd, err);
    if (!sink_rc) sink_rc = wpk_tempfile_in(w->path, &out->pages_b.fd, err);
    if (!sink_rc) sink_rc = wpk_tempfile_in(w->path, &out->ext_pages.fd, err);
    if (sink_rc || (!in_order && !order) || !order_b || !rc_ctx || !lb || (w->dict_size && !cd)) {
        wpk_built_index_free(out);
        wpk_free(order);
        wpk_free(order_b);
        wpk_free(lb);
        ZSTD_freeCCtx(rc_ctx);
        ZSTD_freeCDict(cd);
        return sink_rc ? sink_rc : wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    ZSTD_CCtx_setParameter(rc_ctx, ZSTD_c_compressionLevel, wpk_page_level(w));
    ZSTD_CCtx_setParameter(rc_ctx, ZSTD_c_checksumFlag, 0);
    if (!in_order) {
        for (size_t i = 0; i < w->count; i++) order[i] = (uint32_t)i;
        qsort_r(order, w->count, sizeof *order, by_rank, w);
    }
    int rc = WPK_OK;
    for (size_t k = 0; k < w->count; k++) w->entries[path_entry(order, k)].entry_no = (uint32_t)k; /* dense: record numbers */
    static const int root_of[NTASKS] = {1, 2, 0, 0, 3, 4}; /* by task: title, ID, path, path, folded, category */
    static const uint32_t kinds[WPK_NROOTS] = {WPK_KEY_STRING, WPK_KEY_STRING, WPK_KEY_U64, WPK_KEY_STRING,
                                               WPK_KEY_STRING};
    wsink *regions[NTASKS] = {&out->pages_b, &out->pages_b, &out->pages_a, &out->pages_a2, &out->ext_pages,
                              &out->ext_pages};
    size_t split = w->count;
    if (!rc && w->opts.threads > 1) rc = path_split(w, order, &split, err);
    for (int t = 0; t < NTASKS; t++) {
        lb[t].w = w;
        lb[t].out = out;
        lb[t].region = regions[t];
        lb[t].which = root_of[t];
        lb[t].kind = kinds[root_of[t]];
    }
    lb[TASK_PATH_B].position = split; /* its records are numbered on from the first half's */
    index_job jobs[2] = {{w, cd, order, order_b, split, lb, TASK_TITLE, TASK_PATH_A, 0, {0}},
                         {w, cd, order, NULL, split, lb, TASK_PATH_B, TASK_CATEGORY, 0, {0}}};
    if (!rc) {
        pthread_t tid;
        int threaded = w->opts.threads > 1 && pthread_create(&tid, NULL, run_index_job, &jobs[1]) == 0;
        run_index_job(&jobs[0]);
        if (!threaded) run_index_job(&jobs[1]);
        else pthread_join(tid, NULL);
        for (int j = 0; j < 2 && !rc; j++)
            if (jobs[j].rc) {
                rc = jobs[j].rc;
                if (err) *err = jobs[j].err;
            }
    }
    /* One path root over both halves: the second half's leaves follow the
     * first's in PAGES. */
    if (!rc) {
        shift_root(&lb[TASK_PATH_B], out->pages_a.len);
        if (wbuf_put(&lb[TASK_PATH_A].root, lb[TASK_PATH_B].root.p, lb[TASK_PATH_B].root.len))
            rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        lb[TASK_PATH_A].root_count += lb[TASK_PATH_B].root_count;
    }
    /* Seal the roots in a fixed order: title and ID leaves follow the record pages. */
    uint64_t records = out->pages_a.len + out->pages_a2.len;
    static const int sealed[WPK_NROOTS] = {TASK_PATH_A, TASK_TITLE, TASK_ID, TASK_FOLD, TASK_CATEGORY};
    uint64_t base[WPK_NROOTS] = {0, records, records, 0, 0};
    /* Branch pages follow all leaves of their region. */
    ZSTD_CCtx *branch_cctx = rc ? NULL : page_cctx(w, cd);
    if (!rc && !branch_cctx) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (int which = 0; which < WPK_NROOTS && !rc; which++) {
        leaf_builder *b = &lb[sealed[which]];
        b->root_cctx = rc_ctx;
        int in_ext = which >= 3;
        branch_out bo = {in_ext ? &out->ext_pages : &out->pages_b, in_ext ? 0 : records, branch_cctx};
        rc = seal_root(b, base[which], &bo, err);
    }
    ZSTD_freeCCtx(branch_cctx);
    for (int t = 0; t < NTASKS; t++) leaf_builder_free(&lb[t]);
    if (!rc) rc = build_summary(w, &out->summary, err);
    wpk_free(order);
    wpk_free(jobs[0].order); /* order_b, unless the first job freed it */
    wpk_free(lb);
    ZSTD_freeCCtx(rc_ctx);
    ZSTD_freeCDict(cd);
    if (rc) wpk_built_index_free(out);
    return rc;
}
