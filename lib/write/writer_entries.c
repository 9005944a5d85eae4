/* writer_entries.c - the entry table's leaves: every entry in path order with all its fields, through the format's entry page encoder.
 *
 * An entry's path, URL and categories wait in the spill file; they are
 * read back in path order (one read serves the next entries too), copied
 * into the page being filled, and the page is encoded and stored once its
 * estimated raw size reaches the target page size. The estimate (what the
 * encoder will spend on each entry: its path's new suffix, a title or URL
 * that cannot be spelled, its other fields) depends on the entries alone,
 * so the leaves are cut at the same places whichever thread builds them
 * (wpk_entry_pages_split finds where the second one starts). */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

/* What one entry adds to a page: estimated raw bytes, and decoded string
 * bytes (which a reader caps at 16 MiB a page). */
typedef struct ecost {
    uint64_t raw, strings;
} ecost;

/* The page being filled. Strings of the spill file are copied into `text`
 * and the entries' path.p and url.p hold offsets into it until the page is
 * encoded (it moves as it grows); categories and revisions likewise. */
typedef struct epage {
    wpk2_entry *e;
    uint32_t n, cap;
    wbuf text;
    wpk2_str *cats;
    size_t ncats, cats_cap;
    uint32_t *revs;
    size_t nrevs, revs_cap;
    uint64_t raw, strings;      /* what the entries so far cost (ecost) */
    char prev_path[WPK_MAX_PATH + 1]; /* the last entry's: paths are front-coded */
    size_t prev_len;
} epage;

/* The reading state shared by the builder and the split pass. */
typedef struct ereader {
    wpk_writer *w;
    wspill_view own, cur;       /* the entries' strings in path order; current versions' categories */
} ereader;

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    for (; v >= 0x80; v >>= 7) n++;
    return n;
}

/* Whether an older version lists exactly its article's categories (then
 * it says so with SAME_CATEGORIES instead of repeating them). */
static int same_categories(ereader *r, const wentry *e, const uint8_t *cats, int *same, wpk_error *err)
{
    *same = 0;
    const wentry *cur = &r->w->entries[e->current];
    if (!e->is_revision || !e->cat_count || cur->cat_count != e->cat_count) return WPK_OK;
    const uint8_t *cc;
    int rc = wpk_entry_cats(r->w, &r->cur, cur, &cc, err);
    if (rc) return rc;
    for (uint32_t i = 0; i < e->cat_count; i++)
        if (wpk_cat_id(&cats) != wpk_cat_id(&cc)) return WPK_OK;
    *same = 1;
    return WPK_OK;
}

/* An entry as the encoder takes it, its strings pointing into the spill
 * view or the writer's memory (valid until the next read), categories and
 * revisions not filled in but counted (`ids`: its category ids); and what
 * it costs the page after an entry whose path is prev. */
typedef struct gathered {
    wpk2_entry x;
    const uint8_t *ids;
    ecost c;
} gathered;

static int gather(ereader *r, const wentry *e, const char *prev, size_t prev_len, gathered *g, wpk_error *err)
{
    wpk2_entry *x = &g->x;
    int same;
    wpk_writer *w = r->w;
    const uint8_t *s;
    uint64_t cats_at = we_cats_at(e) - (uint64_t)e->str_offset;
    int rc = wpk_spill_view(w, &r->own, e->str_offset, cats_at + e->cat_bytes, &s, err);
    if (!rc) rc = same_categories(r, e, s + cats_at, &same, err);
    if (rc) return rc;
    memset(x, 0, sizeof *x);
    uint16_t wiki = we_wiki(w, e);
    x->flags = (uint8_t)((e->has_page_id ? WPK2_F_HAS_ID : 0) | (e->has_updated ? WPK2_F_HAS_TIME : 0) |
                         (e->title_len ? WPK2_F_HAS_TITLE : 0) | (e->url_len ? WPK2_F_HAS_URL : 0));
    x->wiki = wiki;
    x->page_id = e->has_page_id ? e->page_id : 0;
    x->updated_us = e->updated_us;
    x->size = e->size;
    x->block = e->size ? e->block : WPK2_NO_BLOCK;
    x->offset = e->size ? e->offset_in_block : 0;
    x->path = (wpk2_str){s, e->path_len};
    x->title = (wpk2_str){(const uint8_t *)we_title(w, e), e->title_len};
    x->url = (wpk2_str){s + e->path_len, e->url_len};
    const char *mime = wpk_intern_name(&w->mimes, e->mime), *lang = we_lang(w, e);
    x->media_type = (wpk2_str){(const uint8_t *)mime, (uint32_t)strlen(mime)};
    if (strcmp(lang, wpk_wiki_lang(w, wiki)) != 0) {
        x->ext |= WPK2_X_LANGUAGE;
        x->language = (wpk2_str){(const uint8_t *)lang, (uint32_t)strlen(lang)};
    }
    if (e->has_ns) {
        x->ext |= WPK2_X_NAMESPACE;
        x->ns = wpk_entry_ns(e, s + cats_at);
    }
    if (e->is_revision) {
        x->ext |= WPK2_X_CURRENT;
        x->current = w->entries[e->current].entry_no;
    }
    if (e->is_redirect) {
        const char *target = wpk_redirect_target(w, e);
        x->ext |= WPK2_X_REDIRECT;
        x->redirect = (wpk2_str){(const uint8_t *)target, (uint32_t)strlen(target)};
    }
    if (e->has_rev_meta) wpk_entry_rev_meta(e, s + cats_at, x);
    if (same) x->ext |= WPK2_X_SAME_CATEGORIES;
    else x->category_count = e->cat_count;
    x->revision_count = wpk_revisions(w, e);

    /* The cost: a front-coded path, what cannot be spelled, the rest. */
    size_t shared = 0;
    while (shared < prev_len && shared < e->path_len && prev[shared] == (char)s[shared]) shared++;
    uint64_t raw = 2 + (e->path_len - shared) + 12;
    uint64_t strings = (uint64_t)e->path_len + e->title_len + e->url_len + x->language.len;
    if (e->title_len && !wpk2_title_spellable(x->path, x->title)) raw += varint_size(e->title_len) + e->title_len;
    const wpk2_wiki *wk = wiki ? &w->table.wikis[wiki - 1] : NULL;
    if (e->url_len && !(e->title_len && wk && wk->url_base.len && wpk2_url_spellable(wk->url_base, x->title, x->url)))
        raw += varint_size(e->url_len) + e->url_len;
    raw += 3 * (uint64_t)x->category_count + 3 * (uint64_t)x->revision_count + 8 + x->language.len;
    raw += x->redirect.len ? 4 + (uint64_t)x->redirect.len : 0;
    raw += e->has_rev_meta ? 30 + (uint64_t)x->contributor.len + x->comment.len : 0;
    strings += x->redirect.len + x->contributor.len + x->comment.len;
    g->ids = s + cats_at;
    const uint8_t *ids = g->ids;
    for (uint32_t i = 0; i < x->category_count; i++) strings += strlen(wpk_intern_name(&w->cats, wpk_cat_id(&ids)));
    g->c.raw = raw;
    g->c.strings = strings;
    return WPK_OK;
}

/* Whether an entry of this cost starts a new page after n entries. */
static int starts_page(const wpk_writer *w, uint32_t n, uint64_t raw, uint64_t strings, const ecost *c)
{
    return n > 0 && (raw + c->raw > w->opts.page_size || strings + c->strings > WPK_PAGE_STRINGS_MAX);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? *cap * 2 : 256;
    while (cap2 < need) cap2 *= 2;
    void *g = wpk_realloc(*p, cap2 * size);
    if (!g) return -1;
    *p = g;
    *cap = cap2;
    return 0;
}

/* Copy a gathered entry into the page: what points into the spill view
 * (path, URL, a revision's contributor and comment) is copied. */
static int page_add(epage *pg, wpk_writer *w, const wentry *e, const gathered *g, wpk_error *err)
{
    const wpk2_entry *x = &g->x;
    size_t cap = pg->cap;
    if (grow((void **)&pg->e, &cap, pg->n + 1, sizeof *pg->e) ||
        grow((void **)&pg->cats, &pg->cats_cap, pg->ncats + x->category_count, sizeof *pg->cats) ||
        grow((void **)&pg->revs, &pg->revs_cap, pg->nrevs + x->revision_count, sizeof *pg->revs))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    pg->cap = (uint32_t)cap;
    wpk2_entry *y = &pg->e[pg->n];
    *y = *x;
    y->path.p = (const uint8_t *)(uintptr_t)pg->text.len;
    if (wbuf_put(&pg->text, x->path.p, x->path.len)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    y->url.p = (const uint8_t *)(uintptr_t)pg->text.len;
    if (wbuf_put(&pg->text, x->url.p, x->url.len)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    y->contributor.p = (const uint8_t *)(uintptr_t)pg->text.len;
    if (wbuf_put(&pg->text, x->contributor.p, x->contributor.len)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    y->comment.p = (const uint8_t *)(uintptr_t)pg->text.len;
    if (wbuf_put(&pg->text, x->comment.p, x->comment.len)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    /* Categories: the interned names (they stay put), in the order given. */
    y->categories = (const wpk2_str *)(uintptr_t)pg->ncats;
    const uint8_t *ids = g->ids;
    for (uint32_t i = 0; i < x->category_count; i++) {
        const char *name = wpk_intern_name(&w->cats, wpk_cat_id(&ids));
        pg->cats[pg->ncats++] = (wpk2_str){(const uint8_t *)name, (uint32_t)strlen(name)};
    }
    y->revisions = (const uint32_t *)(uintptr_t)pg->nrevs;
    for (uint32_t i = 0; i < x->revision_count; i++)
        pg->revs[pg->nrevs++] = w->entries[w->article_order[e->rev_start + i]].entry_no;
    memcpy(pg->prev_path, x->path.p, x->path.len);
    pg->prev_len = x->path.len;
    pg->raw += g->c.raw;
    pg->strings += g->c.strings;
    pg->n++;
    return WPK_OK;
}

wpk_record_hook_fn wpk_test_record_hook;
void *wpk_test_record_hook_ctx;

/* The path of entry number n, for messages. */
static const char *label_of(const wpk_writer *w, const uint32_t *order, size_t n, char *buf, size_t cap)
{
    return wpk_entry_label(w, &w->entries[path_entry(order, n)], buf, cap);
}

/* Encode and store the page, entries first..first + n - 1. When the
 * encoder refuses it, find the entry it refuses (each alone) and name it. */
static int page_flush(wpk_writer *w, wleaves *l, epage *pg, const uint32_t *order, uint64_t first, wpk_error *err)
{
    if (pg->n == 0) return WPK_OK;
    for (uint32_t i = 0; i < pg->n; i++) {
        wpk2_entry *y = &pg->e[i];
        /* Offsets into the page's arrays until now; an array never grown
         * is NULL (offset 0), and NULL + 0 is undefined in C. */
        y->path.p = wbuf_at(&pg->text, y->path.p);
        y->url.p = wbuf_at(&pg->text, y->url.p);
        y->contributor.p = wbuf_at(&pg->text, y->contributor.p);
        y->comment.p = wbuf_at(&pg->text, y->comment.p);
        y->categories = pg->cats ? pg->cats + (uintptr_t)y->categories : NULL;
        y->revisions = pg->revs ? pg->revs + (uintptr_t)y->revisions : NULL;
        if (wpk_test_record_hook) wpk_test_record_hook(y, wpk_test_record_hook_ctx);
    }
    wpk2_page_ctx ctx = {.entry_count = w->count, .wikis = &w->table.view, .data_size = w->data_size};
    wbuf raw = wbuf_new();
    wpk2_err e;
    int rc = wpk2_entry_page_encode(&raw, &ctx, first, pg->e, pg->n, w->refs, (uint32_t)w->block_count, &e);
    if (rc) {
        uint32_t bad = 0;
        wbuf one = wbuf_new();
        wpk2_err e1;
        for (; bad < pg->n; bad++) {
            one.len = 0;
            if (wpk2_entry_page_encode(&one, &ctx, first + bad, &pg->e[bad], 1, w->refs, (uint32_t)w->block_count, &e1) ==
                rc) {
                e = e1;
                break;
            }
        }
        wpk2_buf_free(&one);
        char label[WPK_LABEL_MAX];
        rc = wpk_fail_format(err, rc, &e, label_of(w, order, first + (bad < pg->n ? bad : 0), label, sizeof label));
    }
    if (!rc) rc = wpk_leaf_put(l, &raw, pg->n, pg->e[0].path.p, pg->e[0].path.len, 0, 0, err);
    wpk2_buf_free(&raw);
    pg->n = 0;
    pg->ncats = pg->nrevs = 0;
    pg->text.len = 0;
    pg->raw = pg->strings = 0;
    pg->prev_len = 0;
    return rc;
}

int wpk_build_entry_pages(wpk_writer *w, wleaves *l, const uint32_t *order, size_t from, size_t to, wpk_error *err)
{
    ereader r;
    memset(&r, 0, sizeof r);
    r.w = w;
    epage *pg = wpk_calloc(1, sizeof *pg);
    if (!pg) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    pg->text = wbuf_new();
    int rc = WPK_OK;
    uint64_t first = from;
    for (size_t k = from; k < to && !rc; k++) {
        const wentry *e = &w->entries[path_entry(order, k)];
        gathered g;
        if ((rc = gather(&r, e, pg->prev_path, pg->prev_len, &g, err)) != 0) break;
        if (starts_page(w, pg->n, pg->raw, pg->strings, &g.c)) {
            if ((rc = page_flush(w, l, pg, order, first, err)) != 0) break;
            first = k;
            /* The first path of a page is stored whole. */
            if ((rc = gather(&r, e, NULL, 0, &g, err)) != 0) break;
        }
        rc = page_add(pg, w, e, &g, err);
    }
    if (!rc) rc = page_flush(w, l, pg, order, first, err);
    wpk_free(pg->e);
    wpk_free(pg->cats);
    wpk_free(pg->revs);
    wpk2_buf_free(&pg->text);
    wpk_free(pg);
    wpk_spill_view_free(&r.own);
    wpk_spill_view_free(&r.cur);
    return rc;
}

int wpk_entry_pages_split(wpk_writer *w, const uint32_t *order, size_t *split, wpk_error *err)
{
    ereader r;
    memset(&r, 0, sizeof r);
    r.w = w;
    char *prev = wpk_malloc(WPK_MAX_PATH + 1);
    if (!prev) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    size_t best = w->count, half = w->count / 2, prev_len = 0;
    uint64_t raw = 0, strings = 0;
    uint32_t n = 0;
    int rc = WPK_OK;
    for (size_t k = 0; k < w->count && !rc; k++) {
        const wentry *e = &w->entries[path_entry(order, k)];
        gathered g;
        if ((rc = gather(&r, e, prev, prev_len, &g, err)) != 0) break;
        if (starts_page(w, n, raw, strings, &g.c)) { /* a leaf starts at k */
            if (best == w->count || (k > half ? k - half : half - k) < (best > half ? best - half : half - best))
                best = k;
            if ((rc = gather(&r, e, NULL, 0, &g, err)) != 0) break;
            raw = strings = 0;
            n = 0;
        }
        raw += g.c.raw;
        strings += g.c.strings;
        n++;
        memcpy(prev, g.x.path.p, g.x.path.len);
        prev_len = g.x.path.len;
    }
    wpk_free(prev);
    wpk_spill_view_free(&r.own);
    wpk_spill_view_free(&r.cur);
    *split = best;
    return rc;
}
