/* writer_wikis.c - the wiki table: the wikis entries belong to, numbered, each with the language and URL base most of its entries share.
 *
 * Page IDs and titles are scoped by wiki; an entry page stores a wiki
 * number a entry, and the entry's language and URL only where they differ
 * from what the wiki table gives: a LANGUAGE field for a language not its
 * wiki's, the whole URL for one that is not the wiki's URL base followed by
 * the title. So the table takes, for each wiki, the language most of its
 * entries have and the base most of their URLs spell, counted as entries
 * are added (no per-entry memory: a pair id in wentry.wl). */
#include "writer_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct URL bases counted: a collection whose URLs spell no common base
 * would otherwise keep one string per entry. Past this, new ones are not
 * counted (the first ones seen are, so the choice stays deterministic). */
#define WPK_MAX_BASES 4096u

static int grow_u32(uint32_t **a, uint32_t need)
{
    uint32_t *g = wpk_realloc(*a, (size_t)need * sizeof **a);
    if (!g) return -1;
    *a = g;
    return 0;
}

/* The base `url` spells for `title`: url = base + title with ' ' as '_';
 * its length, 0 when none (or empty). */
static size_t url_base_len(const char *title, size_t title_len, const char *url, size_t url_len)
{
    if (!title_len || url_len <= title_len) return 0;
    const char *tail = url + url_len - title_len;
    for (size_t i = 0; i < title_len; i++)
        if (tail[i] != (title[i] == ' ' ? '_' : title[i])) return 0;
    return url_len - title_len;
}

int wpk_wiki_note(wpk_writer *w, const char *path, uint32_t wiki, uint32_t lang, const char *title, size_t title_len,
                  const char *url, size_t url_len, uint16_t *wl, wpk_error *err)
{
    wpairs *p = &w->wl;
    char key[32];
    snprintf(key, sizeof key, "%u:%u", wiki, lang);
    uint32_t id;
    if (wpk_intern(&p->keys, key, &id)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (id >= WPK_MAX_NAMES)
        return wpk_fail(err, WPK_E_LIMIT, "%s: more than %u distinct (wiki, language) pairs", path, WPK_MAX_NAMES);
    if (id >= p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 16;
        if (grow_u32(&p->wiki, cap) || grow_u32(&p->lang, cap)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        p->cap = cap;
    }
    p->wiki[id] = wiki;
    p->lang[id] = lang;
    *wl = (uint16_t)id;
    size_t blen = url ? url_base_len(title, title_len, url, url_len) : 0;
    if (!blen) return WPK_OK;
    /* "WIKI:BASE": at most 10 + 1 + 65535 bytes. */
    char *k = wpk_malloc(12 + blen);
    if (!k) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    int n = snprintf(k, 12, "%u:", wiki);
    memcpy(k + n, url, blen);
    k[n + blen] = 0;
    uint32_t b;
    int rc = 0;
    if (p->bases.count < WPK_MAX_BASES) rc = wpk_intern(&p->bases, k, &b);
    else if (!wpk_intern_find(&p->bases, k, &b)) rc = 1;
    wpk_free(k);
    if (rc < 0) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (rc) return WPK_OK; /* a new base past the cap: not counted */
    if (b >= p->base_cap) {
        uint32_t cap = p->base_cap ? p->base_cap * 2 : 16;
        uint64_t *g = wpk_realloc(p->base_count, (size_t)cap * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        memset(g + p->base_cap, 0, (size_t)(cap - p->base_cap) * sizeof *g);
        p->base_count = g;
        p->base_cap = cap;
    }
    p->base_count[b]++;
    return WPK_OK;
}

static int by_name(const void *pa, const void *pb, void *ctx)
{
    const wintern *t = ctx;
    return strcmp(wpk_intern_name(t, *(const uint32_t *)pa), wpk_intern_name(t, *(const uint32_t *)pb));
}

static wpk2_str str_of(const char *s) { return (wpk2_str){(const uint8_t *)s, (uint32_t)strlen(s)}; }

/* What the caller said of the wikis (wpk_writer_describe_wiki) replaces
 * what the entries suggest; the case-sensitive ones are listed. */
static int apply_described(wpk_writer *w, uint32_t n, wpk_error *err)
{
    wtable *t = &w->table;
    t->case_sensitive = wpk_calloc(n ? n : 1, sizeof *t->case_sensitive);
    if (!t->case_sensitive) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    uint8_t *cs = wpk_calloc(n ? n : 1, 1);
    if (!cs) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t d = 0; d < w->described_count; d++) {
        const wdescribed *x = &w->described[d];
        for (uint32_t k = 0; k < n; k++) {
            wpk2_wiki *wk = &t->wikis[k];
            if (wk->name.len != strlen(x->name) || memcmp(wk->name.p, x->name, wk->name.len)) continue;
            if (x->language) wk->language = str_of(x->language);
            if (x->url_base) wk->url_base = str_of(x->url_base);
            if (x->site_name) wk->site_name = str_of(x->site_name);
            cs[k] = x->case_sensitive != 0;
        }
    }
    for (uint32_t k = 0; k < n; k++)
        if (cs[k]) t->case_sensitive[t->case_sensitive_count++] = (uint16_t)(k + 1);
    wpk_free(cs);
    return WPK_OK;
}

static char *copy_or_null(const char *s, int *bad)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *c = wpk_malloc(n + 1);
    if (!c) *bad = 1;
    else memcpy(c, s, n + 1);
    return c;
}

static void described_free(wdescribed *x)
{
    wpk_free(x->name);
    wpk_free(x->language);
    wpk_free(x->url_base);
    wpk_free(x->site_name);
    memset(x, 0, sizeof *x);
}

int wpk_writer_describe_wiki(wpk_writer *w, const wpk_wiki_info *info, wpk_error *err)
{
    wpk_wiki_info in;
    int rc = w && info ? wpk_struct_in(&in, sizeof in, WPK_MIN_WIKI_INFO, info, "wpk_wiki_info", err)
                       : wpk_fail(err, WPK_E_INVALID, "no writer or no wiki");
    if (rc) return rc;
    if (w->finished) return wpk_fail(err, WPK_E_INVALID, "the archive is finished");
    if (!in.name || !*in.name || strlen(in.name) > WPK_WIKI_MAX)
        return wpk_fail(err, WPK_E_INVALID, "a wiki's name must be 1 to %u bytes", WPK_WIKI_MAX);
    const char *fields[3] = {in.language, in.url_base, in.site_name};
    for (int k = 0; k < 3; k++)
        if (fields[k] && strlen(fields[k]) > 65535)
            return wpk_fail(err, WPK_E_INVALID, "wiki %s: a field longer than 65535 bytes", in.name);
    size_t d = 0;
    while (d < w->described_count && strcmp(w->described[d].name, in.name)) d++;
    if (d == w->described_count) {
        wdescribed *g = wpk_realloc(w->described, (d + 1) * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        w->described = g;
        memset(&g[d], 0, sizeof g[d]);
    }
    int bad = 0;
    wdescribed x = {copy_or_null(in.name, &bad), copy_or_null(in.language, &bad), copy_or_null(in.url_base, &bad),
                    copy_or_null(in.site_name, &bad), in.case_sensitive != 0};
    if (bad) {
        described_free(&x);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    described_free(&w->described[d]);
    w->described[d] = x;
    if (d == w->described_count) w->described_count++;
    return WPK_OK;
}

int wpk_wikis_build(wpk_writer *w, wpk_error *err)
{
    wtable *t = &w->table;
    wpairs *p = &w->wl;
    uint32_t names = w->wikis.count, pairs = p->keys.count;
    t->number = wpk_calloc(names ? names : 1, sizeof *t->number);
    uint32_t *used = wpk_calloc(names ? names : 1, sizeof *used);
    uint64_t *pair_count = wpk_calloc(pairs ? pairs : 1, sizeof *pair_count);
    int rc = t->number && used && pair_count ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory");
    /* The wikis of the entries stored (latest_only may have dropped some
     * versions, never a whole wiki's), by name. */
    for (size_t i = 0; i < w->count && !rc; i++) pair_count[w->entries[i].wl]++;
    uint32_t n = 0;
    for (uint32_t k = 0; k < pairs && !rc; k++) {
        uint32_t wiki = p->wiki[k];
        if (!pair_count[k] || !*wpk_intern_name(&w->wikis, wiki) || t->number[wiki]) continue;
        t->number[wiki] = 1; /* seen; numbered below */
        used[n++] = wiki;
    }
    if (!rc && n > WPK2_MAX_WIKIS) rc = wpk_fail(err, WPK_E_LIMIT, "entries of %u wikis: at most %u", n, WPK2_MAX_WIKIS);
    if (!rc) qsort_r(used, n, sizeof *used, by_name, &w->wikis);
    t->wikis = rc ? NULL : wpk_calloc(n ? n : 1, sizeof *t->wikis);
    if (!rc && !t->wikis) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (uint32_t k = 0; k < n && !rc; k++) {
        t->number[used[k]] = (uint16_t)(k + 1);
        t->wikis[k].name = str_of(wpk_intern_name(&w->wikis, used[k]));
        t->wikis[k].language = str_of("");
        t->wikis[k].url_base = str_of("");
        t->wikis[k].site_name = str_of("");
    }
    /* Each wiki's language: that of most of its entries (ties: the
     * smallest), "" included, so that as few entries as possible need a
     * LANGUAGE field. */
    uint64_t *best = rc ? NULL : wpk_calloc(n ? n : 1, sizeof *best);
    if (!rc && !best) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (uint32_t k = 0; k < pairs && !rc; k++) {
        uint16_t num = t->number[p->wiki[k]];
        if (!num || !pair_count[k]) continue;
        wpk2_wiki *wk = &t->wikis[num - 1];
        const char *lang = wpk_intern_name(&w->langs, p->lang[k]);
        if (pair_count[k] > best[num - 1] || (pair_count[k] == best[num - 1] && strcmp(lang, (const char *)wk->language.p) < 0)) {
            best[num - 1] = pair_count[k];
            wk->language = str_of(lang);
        }
    }
    /* Each wiki's URL base: the one most of its URLs spell (ties: the smallest). */
    if (best) memset(best, 0, (n ? n : 1) * sizeof *best);
    for (uint32_t b = 0; b < p->bases.count && !rc; b++) {
        const char *key = wpk_intern_name(&p->bases, b), *colon = strchr(key, ':');
        uint32_t wiki = (uint32_t)strtoul(key, NULL, 10);
        uint16_t num = wiki < names ? t->number[wiki] : 0;
        if (!num || !colon || !p->base_count[b]) continue;
        wpk2_wiki *wk = &t->wikis[num - 1];
        const char *base = colon + 1;
        if (p->base_count[b] > best[num - 1] ||
            (p->base_count[b] == best[num - 1] && strcmp(base, (const char *)wk->url_base.p) < 0)) {
            best[num - 1] = p->base_count[b];
            wk->url_base = str_of(base);
        }
    }
    wpk_free(best);
    wpk_free(used);
    wpk_free(pair_count);
    if (!rc) rc = apply_described(w, n, err);
    t->count = n;
    t->view.count = n;
    t->view.wikis = t->wikis;
    return rc;
}

const char *wpk_wiki_lang(const wpk_writer *w, uint16_t wiki)
{
    return wiki ? (const char *)w->table.wikis[wiki - 1].language.p : "";
}

void wpk_wikis_free(wpk_writer *w)
{
    wpk_intern_free(&w->wl.keys);
    wpk_intern_free(&w->wl.bases);
    wpk_free(w->wl.wiki);
    wpk_free(w->wl.lang);
    wpk_free(w->wl.base_count);
    wpk_free(w->table.number);
    wpk_free(w->table.wikis);
    wpk_free(w->table.case_sensitive);
    for (size_t d = 0; d < w->described_count; d++) described_free(&w->described[d]);
    wpk_free(w->described);
    wpk_free(w->wiki_keeps_case);
    w->wiki_keeps_case = NULL;
    w->described = NULL;
    w->described_count = 0;
    memset(&w->wl, 0, sizeof w->wl);
    memset(&w->table, 0, sizeof w->table);
}
