/* lookup_title.c - finding articles the way people type titles (1.1):
 * exact title or alias, then MediaWiki-normalized, then folded; prefix
 * search; categories. All of it walks string-keyed leaves from a key on. */
#include "reader_internal.h"
#include "wpk_endian.h"

#include <stdlib.h>
#include <string.h>

/* Extracts the key of a leaf item. */
typedef int (*key_of_fn)(const uint8_t *item, size_t len, const uint8_t **key, size_t *key_len);
/* Sees each item from the key on: 0 goes on, 1 stops, < 0 is an error. */
typedef int (*visit_fn)(void *ctx, const uint8_t *item, size_t len);

static int fold_key(const uint8_t *item, size_t len, const uint8_t **key, size_t *key_len)
{
    wpk_fmt_fold_item f;
    const char *why;
    if (wpk_fmt_fold_item_decode(item, len, &f, &why)) return -1;
    *key = f.key;
    *key_len = f.key_len;
    return 0;
}

static int category_key(const uint8_t *item, size_t len, const uint8_t **key, size_t *key_len)
{
    if (len < WPK_TITLE_ITEM_FIXED) return -1;
    *key = item + 4;
    *key_len = len - 4;
    return 0;
}

/* Visit the items of a string index in order, from the first whose key is
 * >= `key`, across leaves, until `visit` stops. */
static int scan_from(wpk_reader *r, wpk_index *idx, const char *what, const uint8_t *key, size_t key_len,
                     key_of_fn key_of, visit_fn visit, void *ctx, wpk_error *err)
{
    const wpk_fmt_root_item *it;
    int rc = wpk_index_find(r, idx, key, key_len, 0, &it, err);
    if (!rc && !it) rc = wpk_index_at(r, idx, 0, &it, err); /* the key sorts first: start at the start */
    int first_leaf = 1;
    for (; !rc && it; rc = wpk_index_next(r, idx, it, &it, err), first_leaf = 0) {
        uint8_t *page;
        size_t n;
        if ((rc = wpk_load_page(r, idx, &it->page, what, &page, &n, err)) != 0) return rc;
        const char *why = NULL;
        uint32_t count = 0, lo = 0;
        if (wpk_fmt_leaf_count(page, n, &count, &why) || count != it->item_count) {
            wpk_free(page);
            return wpk_fail(err, WPK_E_CORRUPT, "%s: %s at region offset %llu: %s", r->name, what,
                            (unsigned long long)it->page.offset, why ? why : "item count differs from the root");
        }
        if (first_leaf) { /* lower bound inside the first leaf */
            uint32_t hi = count;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                const uint8_t *item, *k;
                size_t len, klen;
                if (wpk_fmt_leaf_item(page, n, mid, &item, &len, &why) || key_of(item, len, &k, &klen)) goto corrupt;
                if (wpk_bytes_cmp(k, klen, key, key_len) < 0) lo = mid + 1; else hi = mid;
            }
        }
        for (uint32_t i = lo; i < count; i++) {
            const uint8_t *item;
            size_t len;
            if (wpk_fmt_leaf_item(page, n, i, &item, &len, &why)) goto corrupt;
            int v = visit(ctx, item, len);
            if (v < 0) {
                why = "malformed item";
                goto corrupt;
            }
            if (v > 0) {
                wpk_free(page);
                return WPK_OK;
            }
        }
        wpk_free(page);
        continue;
    corrupt:
        wpk_free(page);
        return wpk_fail(err, WPK_E_CORRUPT, "%s: %s at region offset %llu: %s", r->name, what,
                        (unsigned long long)it->page.offset, why ? why : "malformed item");
    }
    return rc;
}

/* ---- items of one folded key ------------------------------------------- */

/* A folded-title item, decoded: 0, or -1 when it is malformed or names an
 * entry past the archive's `entries`. */
static int fold_item(const uint8_t *item, size_t len, uint64_t entries, wpk_fmt_fold_item *f)
{
    const char *why;
    return wpk_fmt_fold_item_decode(item, len, f, &why) || f->entry >= entries ? -1 : 0;
}

typedef struct fold_hit { uint32_t entry; uint8_t kind; char *display; } fold_hit;
typedef struct fold_run {
    const char *key;
    size_t key_len;
    fold_hit *v;
    size_t n, cap;
    uint64_t entries;
    int oom;
} fold_run;

static int collect_run(void *ctx, const uint8_t *item, size_t len)
{
    fold_run *run = ctx;
    wpk_fmt_fold_item f;
    if (fold_item(item, len, run->entries, &f)) return -1;
    if (wpk_bytes_cmp(f.key, f.key_len, (const uint8_t *)run->key, run->key_len) != 0) return 1;
    if (run->n == run->cap) {
        size_t cap = run->cap ? run->cap * 2 : 8;
        fold_hit *g = wpk_realloc(run->v, cap * sizeof *g);
        if (!g) {
            run->oom = 1;
            return 1;
        }
        run->v = g;
        run->cap = cap;
    }
    char *d = wpk_malloc(f.display_len + 1);
    if (!d) {
        run->oom = 1;
        return 1;
    }
    memcpy(d, f.display, f.display_len);
    d[f.display_len] = 0;
    run->v[run->n++] = (fold_hit){f.entry, f.kind, d};
    return 0;
}

static void free_run(fold_run *run)
{
    for (size_t i = 0; i < run->n; i++) wpk_free(run->v[i].display);
    wpk_free(run->v);
}

/* Does the hit match the query at this level? */
static int hit_matches(const fold_hit *h, const char *query, const char *query_mw, int level, int *oom)
{
    if (level == WPK_MATCH_EXACT) return strcmp(h->display, query) == 0;
    if (level == WPK_MATCH_FOLDED) return 1; /* the run holds exactly the folded key */
    char *mw;
    if (wpk_title_mediawiki(h->display, strlen(h->display), &mw)) {
        *oom = 1;
        return 0;
    }
    int same = strcmp(mw, query_mw) == 0;
    wpk_free(mw);
    return same;
}

/* Report each distinct article among the hits that match at `level`
 * (cb may be NULL to count only). */
static int report_hits(const fold_run *run, const char *query, int level, wpk_title_cb cb, void *ctx, size_t *found)
{
    char *query_mw = NULL;
    if (level == WPK_MATCH_MEDIAWIKI && wpk_title_mediawiki(query, strlen(query), &query_mw)) return WPK_E_NOMEM;
    uint32_t *kept = wpk_malloc((run->n ? run->n : 1) * sizeof *kept);
    if (!kept) {
        wpk_free(query_mw);
        return WPK_E_NOMEM;
    }
    int oom = 0;
    *found = 0;
    for (size_t i = 0; i < run->n && !oom; i++) {
        const fold_hit *h = &run->v[i];
        if (!hit_matches(h, query, query_mw, level, &oom)) continue;
        int seen = 0;
        for (size_t j = 0; j < *found && !seen; j++) seen = kept[j] == h->entry;
        if (seen) continue;
        kept[(*found)++] = h->entry;
        if (cb && cb(ctx, h->display, h->kind == 1, h->entry)) break;
    }
    wpk_free(kept);
    wpk_free(query_mw);
    return oom ? WPK_E_NOMEM : WPK_OK;
}

/* A title seen only on an older version: the exact title index, mapped to
 * the current version. */
static int exact_in_title_index(wpk_reader *r, const char *query, wpk_title_cb cb, void *ctx, size_t *found,
                                wpk_error *err)
{
    wpk_entry *e = NULL;
    int rc = wpk_reader_find_by_title(r, query, &e, err);
    if (rc == WPK_E_NOTFOUND) return WPK_OK;
    if (rc) return rc;
    uint64_t n = e->is_revision ? e->current_entry : e->entry_number;
    *found = 1;
    if (cb) cb(ctx, e->title, 0, n);
    wpk_entry_free(e);
    return WPK_OK;
}

int wpk_reader_match_title(wpk_reader *r, const char *query, wpk_title_cb cb, void *ctx, wpk_match_level *level,
                           wpk_error *err)
{
    *level = WPK_MATCH_EXACT;
    size_t found = 0;
    int rrc = wpk_index_ready(r, &r->fold_idx, err);
    if (rrc) return rrc;
    if (!r->fold_idx.present) { /* a 1.0 archive: exact titles only */
        int rc = exact_in_title_index(r, query, cb, ctx, &found, err);
        if (!rc && !found) rc = wpk_fail(err, WPK_E_NOTFOUND, "%s: no article titled \"%s\"", r->name, query);
        return rc;
    }
    fold_run run;
    memset(&run, 0, sizeof run);
    char *key;
    if (wpk_title_fold(query, strlen(query), &key)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    run.key = key;
    run.key_len = strlen(key);
    run.entries = r->hdr.entry_count;
    int rc = scan_from(r, &r->fold_idx, "folded-title index page", (const uint8_t *)key, run.key_len, fold_key,
                       collect_run, &run, err);
    if (!rc && run.oom) rc = WPK_E_NOMEM;
    /* Exact: current titles and aliases (several articles may share one),
     * then titles only older versions carry; then the looser levels. */
    for (int lv = WPK_MATCH_EXACT; !rc && lv <= WPK_MATCH_FOLDED; lv++) {
        if ((rc = report_hits(&run, query, lv, NULL, NULL, &found)) != 0) break;
        if (found) {
            *level = (wpk_match_level)lv;
            rc = report_hits(&run, query, lv, cb, ctx, &found);
            break;
        }
        if (lv == WPK_MATCH_EXACT && (rc = exact_in_title_index(r, query, cb, ctx, &found, err)) == 0 && found) break;
    }
    if (rc == WPK_E_NOMEM) wpk_fail(err, rc, "out of memory");
    free_run(&run);
    wpk_free(key);
    if (!rc && !found) rc = wpk_fail(err, WPK_E_NOTFOUND, "%s: no article titled \"%s\"", r->name, query);
    return rc;
}

/* ---- prefix search ------------------------------------------------------- */

typedef struct prefix_scan {
    const char *prefix;
    size_t prefix_len, limit, sent;
    uint64_t entries;
    wpk_title_cb cb;
    void *ctx;
    char *display;
    int oom;
} prefix_scan;

static int visit_prefix(void *vctx, const uint8_t *item, size_t len)
{
    prefix_scan *p = vctx;
    wpk_fmt_fold_item f;
    if (fold_item(item, len, p->entries, &f)) return -1;
    if (f.key_len < p->prefix_len || memcmp(f.key, p->prefix, p->prefix_len) != 0) return 1;
    char *d = wpk_realloc(p->display, f.display_len + 1);
    if (!d) {
        p->oom = 1;
        return 1;
    }
    p->display = d;
    memcpy(d, f.display, f.display_len);
    d[f.display_len] = 0;
    if (p->cb(p->ctx, d, f.kind == 1, f.entry)) return 1;
    p->sent++;
    return p->limit && p->sent >= p->limit ? 1 : 0;
}

int wpk_reader_find_prefix(wpk_reader *r, const char *prefix, size_t limit, wpk_title_cb cb, void *ctx,
                           wpk_error *err)
{
    int rrc = wpk_index_ready(r, &r->fold_idx, err);
    if (rrc) return rrc;
    if (!r->fold_idx.present)
        return wpk_fail(err, WPK_E_FORMAT, "%s: this archive has no folded-title index for prefix search (written by "
                        "format 1.0?)", r->name);
    char *key;
    if (wpk_title_fold(prefix, strlen(prefix), &key)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    prefix_scan p = {key, strlen(key), limit, 0, r->hdr.entry_count, cb, ctx, NULL, 0};
    int rc = scan_from(r, &r->fold_idx, "folded-title index page", (const uint8_t *)key, p.prefix_len, fold_key,
                       visit_prefix, &p, err);
    if (!rc && p.oom) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    wpk_free(p.display);
    wpk_free(key);
    return rc;
}

/* ---- categories ---------------------------------------------------------- */

typedef struct category_scan {
    const char *name;
    size_t len;
    uint64_t entries;
    wpk_title_cb cb;
    void *ctx;
} category_scan;

static int visit_category(void *vctx, const uint8_t *item, size_t len)
{
    category_scan *c = vctx;
    if (len < WPK_TITLE_ITEM_FIXED) return -1;
    if (wpk_bytes_cmp(item + 4, len - 4, (const uint8_t *)c->name, c->len) != 0) return 1;
    uint32_t entry = wpk_le32(item);
    if (entry >= c->entries) return -1;
    return c->cb(c->ctx, c->name, 0, entry) ? 1 : 0;
}

int wpk_reader_category(wpk_reader *r, const char *category, wpk_title_cb cb, void *ctx, wpk_error *err)
{
    int rrc = wpk_index_ready(r, &r->cat_idx, err);
    if (rrc) return rrc;
    if (!r->cat_idx.present)
        return wpk_fail(err, WPK_E_FORMAT, "%s: this archive has no category index (written by format 1.0?)", r->name);
    category_scan c = {category, strlen(category), r->hdr.entry_count, cb, ctx};
    return scan_from(r, &r->cat_idx, "category index page", (const uint8_t *)category, c.len, category_key,
                     visit_category, &c, err);
}
