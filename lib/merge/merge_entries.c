/* merge_entries.c - the parts' entries into the writer in path order (one path in two parts: kept once when alike, else refused), their aliases and wiki descriptions.
 *
 * The writer groups versions, resolves aliases and redirects and numbers
 * the wikis again over all the entries, as it does when packing: versions
 * of one article and redirects that were in different parts are joined. */
#include "merge_internal.h"

#include <string.h>

/* ---- entries, merged by path ---------------------------------------------- */

typedef struct mcur {
    mpart *p;
    uint64_t next;              /* the entry number after e's */
    wpk_entry *e;               /* the part's next entry in path order */
    size_t order;               /* the part's place on the command line: ties go to the first */
} mcur;

static int cur_less(const mcur *a, const mcur *b)
{
    int c = strcmp(a->e->path, b->e->path); /* bytewise, as paths are ordered */
    return c ? c < 0 : a->order < b->order;
}

static void sift_down(mcur **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, s = i;
        if (l < n && cur_less(h[l], h[s])) s = l;
        if (l + 1 < n && cur_less(h[l + 1], h[s])) s = l + 1;
        if (s == i) return;
        mcur *t = h[i];
        h[i] = h[s];
        h[s] = t;
        i = s;
    }
}

static int str_same(const char *a, const char *b)
{
    if (!a || !*a) return !b || !*b;
    return b && !strcmp(a, b);
}

/* The first field in which two entries of one path differ, or NULL. */
static const char *meta_differs(const wpk_entry *a, const wpk_entry *b)
{
    if (!str_same(a->title, b->title)) return "title";
    if (!str_same(a->wiki, b->wiki)) return "wiki";
    if (a->has_page_id != b->has_page_id || (a->has_page_id && a->page_id != b->page_id)) return "page ID";
    if (a->has_updated != b->has_updated || (a->has_updated && a->updated_us != b->updated_us)) return "time";
    if (!str_same(a->language, b->language)) return "language";
    if (!str_same(a->url, b->url)) return "URL";
    if (!str_same(a->mime, b->mime)) return "media type";
    if (!str_same(a->redirect, b->redirect)) return "redirect";
    if (a->has_ns != b->has_ns || (a->has_ns && a->ns != b->ns)) return "namespace";
    if (a->has_revision_id != b->has_revision_id || (a->has_revision_id && a->revision_id != b->revision_id))
        return "revision ID";
    if (!str_same(a->contributor, b->contributor)) return "contributor";
    if (!str_same(a->comment, b->comment)) return "comment";
    if (a->n_categories != b->n_categories) return "categories";
    for (size_t i = 0; i < a->n_categories; i++)
        if (strcmp(a->categories[i], b->categories[i])) return "categories";
    if (a->size != b->size) return "content";
    return NULL;
}

/* An entry met again in a later part: alike (metadata and content), it is
 * kept once; different, the merge is refused naming both parts. */
static int check_repeat(const mpart *pa, const wpk_entry *a, const mpart *pb, const wpk_entry *b, wpk_error *err)
{
    const char *field = meta_differs(a, b);
    if (!field && a->size) {
        void *ca = NULL, *cb = NULL;
        int rc = wpk_reader_read_alloc(pa->r, a, &ca, 1, err);
        if (!rc) rc = wpk_reader_read_alloc(pb->r, b, &cb, 1, err);
        if (!rc && memcmp(ca, cb, (size_t)a->size)) field = "content";
        wpk_free(ca);
        wpk_free(cb);
        if (rc) return rc;
    }
    if (field)
        return wpk_fail(err, WPK_E_EXISTS, "entry \"%s\" is in %s and in %s with a different %s", a->path, pa->path,
                        pb->path, field);
    return WPK_OK;
}

/* Where the entry just added came from. */
static int note_origin(mmerge *m, uint64_t at, wpk_error *err)
{
    if (m->norigin == m->origin_cap) {
        size_t cap = m->origin_cap ? m->origin_cap + m->origin_cap / 2 : 1024;
        uint64_t *g = wpk_realloc(m->origin, cap * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        m->origin = g;
        m->origin_cap = cap;
    }
    m->origin[m->norigin++] = at;
    return WPK_OK;
}

typedef struct fill { uint8_t *p; uint32_t n, cap; } fill;
static int fill_put(void *ctx, const void *p, size_t n)
{
    fill *f = ctx;
    size_t take = n < (size_t)(f->cap - f->n) ? n : (size_t)(f->cap - f->n);
    memcpy(f->p + f->n, p, take);
    f->n += (uint32_t)take;
    return f->n == f->cap; /* enough: stop */
}

int wpk_merge_read(void *ctx, size_t k, uint8_t *buf, uint32_t n, wpk_error *err)
{
    mmerge *m = ctx;
    if (k >= m->norigin) return wpk_fail(err, WPK_E_INVALID, "merge: no entry %zu", k);
    const mpart *p = &m->parts[m->origin[k] >> 32];
    wpk_entry *e;
    int rc = wpk_reader_entry_at(p->r, (uint32_t)m->origin[k], &e, err);
    if (rc) return rc;
    fill f = {buf, 0, n};
    if (n) rc = wpk_reader_read_stream(p->r, e, fill_put, &f, err);
    if (rc > 0) rc = WPK_OK; /* stopped once n bytes were read */
    if (!rc && f.n != n) rc = wpk_fail(err, WPK_E_CORRUPT, "%s: %s: %u bytes of content, expected %u", p->path, e->path, f.n, n);
    wpk_entry_free(e);
    return rc;
}

int wpk_merge_entries(mmerge *m, wpk_writer *w, uint64_t *repeated, wpk_error *err)
{
    mcur *cur = wpk_calloc(m->nparts ? m->nparts : 1, sizeof *cur);
    mcur **heap = wpk_calloc(m->nparts ? m->nparts : 1, sizeof *heap);
    if (!cur || !heap) {
        wpk_free(cur);
        wpk_free(heap);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    size_t n = 0;
    uint64_t total = 0, done = 0;
    int rc = WPK_OK;
    for (size_t i = 0; i < m->nparts && !rc; i++) {
        cur[i] = (mcur){&m->parts[i], 1, NULL, i};
        total += m->parts[i].r->h.entry_count;
        if (!m->parts[i].r->h.entry_count) continue;
        if ((rc = wpk_reader_entry_at(m->parts[i].r, 0, &cur[i].e, err)) == 0) heap[n++] = &cur[i];
    }
    for (size_t i = n / 2; i-- > 0;) sift_down(heap, n, i);
    wpk_entry *last = NULL;
    const mpart *last_p = NULL;
    while (!rc && n) {
        mcur *c = heap[0];
        wpk_entry *e = c->e;
        uint32_t block = 0;
        if (e->size) rc = wpk_merge_block_of(c->p, e, &block, err);
        if (!rc && last && !strcmp(last->path, e->path)) {
            rc = check_repeat(last_p, last, c->p, e, err);
            (*repeated)++;
            if (e->size && m->repeat[block] == UINT64_MAX) m->repeat[block] = c->next - 1;
        } else if (!rc) {
            rc = wpk_writer_add_placed(w, e, block, ((const wpk_entry_full *)e)->offset_in_block, err);
            if (e->size) m->used[block] = 1;
            if (!rc) rc = note_origin(m, (uint64_t)c->order << 32 | (c->next - 1), err);
        }
        wpk_entry_free(last);
        last = e;
        last_p = c->p;
        c->e = NULL;
        if (!rc && c->next < c->p->r->h.entry_count) rc = wpk_reader_entry_at(c->p->r, c->next++, &c->e, err);
        if (!c->e) heap[0] = heap[--n];
        sift_down(heap, n, 0);
        if (m->progress && (++done & 0xFFFF) == 0) {
            wpk_progress pr = {sizeof pr, "merging entries", 0, 0, done, total};
            m->progress(m->progress_ctx, &pr);
        }
    }
    wpk_entry_free(last);
    for (size_t i = 0; i < m->nparts; i++) wpk_entry_free(cur[i].e);
    wpk_free(cur);
    wpk_free(heap);
    return rc;
}

/* ---- aliases -------------------------------------------------------------- */

typedef struct alias_ctx {
    mpart *p;
    wpk_writer *w;
    wpk_error *err;
    int rc;
} alias_ctx;

/* An alias item (kind 1) names its article's current version: given to the
 * writer again as leading to that version's title. A redirect page's own
 * alias comes back this way too; the writer keeps one of the two. */
static int add_alias(void *ctx, const char *display, int kind, uint64_t entry)
{
    alias_ctx *a = ctx;
    if (kind != 1) return 0;
    wpk_entry *e;
    if ((a->rc = wpk_reader_entry_at(a->p->r, entry, &e, a->err)) != 0) return 1;
    if (e->title && *e->title) a->rc = wpk_writer_add_alias(a->w, display, e->title, a->err);
    wpk_entry_free(e);
    return a->rc != 0;
}

int wpk_merge_aliases(mmerge *m, wpk_writer *w, wpk_error *err)
{
    for (size_t i = 0; i < m->nparts; i++) {
        alias_ctx a = {&m->parts[i], w, err, WPK_OK};
        int rc = wpk_reader_find_prefix(m->parts[i].r, "", 0, add_alias, &a, err);
        if (a.rc) return a.rc;
        if (rc) return rc;
    }
    return WPK_OK;
}

/* ---- wikis ---------------------------------------------------------------- */

/* What the parts' wiki tables say of each wiki, the first part's when
 * several do; a wiki that is case-sensitive in one part and not in
 * another is refused: its lookups would change. */
int wpk_merge_wikis(mmerge *m, wpk_writer *w, wpk_error *err)
{
    for (size_t i = 0; i < m->nparts; i++) {
        wpk_reader *r = m->parts[i].r;
        for (uint32_t k = 1; k <= r->h.wiki_count; k++) {
            wpk_wiki_info info = WPK_WIKI_INFO_INIT;
            int rc = wpk_reader_wiki_info(r, k, &info);
            if (rc) return wpk_fail(err, rc, "%s: wiki %u of its table cannot be read", m->parts[i].path, k);
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++) {
                wpk_reader *q = m->parts[j].r;
                for (uint32_t l = 1; l <= q->h.wiki_count && !seen; l++) {
                    wpk_wiki_info before = WPK_WIKI_INFO_INIT;
                    if (wpk_reader_wiki_info(q, l, &before) || strcmp(before.name, info.name)) continue;
                    seen = 1;
                    if (before.case_sensitive != info.case_sensitive)
                        return wpk_fail(err, WPK_E_EXISTS, "wiki \"%s\" is %s in %s and %s in %s", info.name,
                                        before.case_sensitive ? "case-sensitive" : "first-letter", m->parts[j].path,
                                        info.case_sensitive ? "case-sensitive" : "first-letter", m->parts[i].path);
                }
            }
            if (!seen && (rc = wpk_writer_describe_wiki(w, &info, err)) != 0) return rc;
        }
    }
    return WPK_OK;
}
