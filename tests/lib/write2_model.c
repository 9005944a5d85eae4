/* write2_model.c - a collection as given to the writer, packed, and its archive walked with the format 2.0 witness reader and compared with what was given. */
#include "write2_model.h"
#include "common.h" /* wpk_wiki_derive: the wiki of an entry that names none */
#include "wit2_reader.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

void model_set(char **field, const char *value)
{
    free(*field);
    *field = dup_or_null(value);
}

m_entry *model_add(model *m, const char *path, const char *title, const void *data, size_t size)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->e = realloc(m->e, m->cap * sizeof *m->e);
    }
    m_entry *e = &m->e[m->n++];
    memset(e, 0, sizeof *e);
    e->path = strdup(path);
    e->title = dup_or_null(title);
    e->data = malloc(size ? size : 1);
    if (size) memcpy(e->data, data, size);
    e->size = size;
    return e;
}

void model_category(m_entry *e, const char *name)
{
    e->categories = realloc(e->categories, (e->n_categories + 1) * sizeof *e->categories);
    e->categories[e->n_categories++] = strdup(name);
}

void model_alias(model *m, const char *alias, const char *target, int resolves)
{
    if (m->na == m->alias_cap) {
        m->alias_cap = m->alias_cap ? m->alias_cap * 2 : 16;
        m->alias = realloc(m->alias, m->alias_cap * sizeof *m->alias);
        m->target = realloc(m->target, m->alias_cap * sizeof *m->target);
        m->resolves = realloc(m->resolves, m->alias_cap * sizeof *m->resolves);
    }
    m->alias[m->na] = strdup(alias);
    m->target[m->na] = strdup(target);
    m->resolves[m->na++] = resolves;
}

void model_free(model *m)
{
    for (size_t i = 0; i < m->n; i++) {
        m_entry *e = &m->e[i];
        free(e->path), free(e->title), free(e->wiki), free(e->url), free(e->language), free(e->mime), free(e->data);
        for (size_t k = 0; k < e->n_categories; k++) free(e->categories[k]);
        free(e->categories);
    }
    for (size_t i = 0; i < m->na; i++) free(m->alias[i]), free(m->target[i]);
    free(m->e), free(m->alias), free(m->target), free(m->resolves);
    memset(m, 0, sizeof *m);
}

int model_pack(const model *m, const char *path, const wpk_write_opts *opts, wpk_write_stats *stats, wpk_error *err)
{
    wpk_writer *w;
    int rc = wpk_writer_create(&w, path, opts, err);
    if (rc) return rc;
    for (size_t i = 0; i < m->n && !rc; i++) {
        const m_entry *e = &m->e[i];
        wpk_entry x = WPK_ENTRY_INIT;
        x.path = e->path;
        x.title = e->title;
        x.wiki = e->wiki;
        x.url = e->url;
        x.language = e->language;
        x.mime = e->mime;
        x.page_id = e->page_id;
        x.has_page_id = e->has_page_id;
        x.updated_us = e->updated_us;
        x.has_updated = e->has_updated;
        x.categories = (const char *const *)e->categories;
        x.n_categories = e->n_categories;
        x.ns = e->ns;
        x.has_ns = e->has_ns;
        rc = wpk_writer_add(w, &x, e->data, e->size, err);
    }
    for (size_t i = 0; i < m->na && !rc; i++) rc = wpk_writer_add_alias(w, m->alias[i], m->target[i], err);
    if (!rc) rc = wpk_writer_finish(w, stats, err);
    wpk_writer_free(w);
    return rc;
}

uint8_t *model_load(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(len > 0 ? (size_t)len : 1);
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return p;
}

static int problems;
static const char *walk_name;

#define PROBLEM(...)                                                                                                   \
    do {                                                                                                               \
        problems++;                                                                                                    \
        fprintf(stderr, "%s: ", walk_name);                                                                            \
        fprintf(stderr, __VA_ARGS__);                                                                                  \
        fputc('\n', stderr);                                                                                           \
    } while (0)

/* A lookup on the open archive; NULL (and a problem) when reading failed. */
static json_t *lookup(wit2 *a, json_t *lk)
{
    int cls;
    json_t *r = wit2_lookup(a, lk, &cls);
    if (cls || !r) {
        char *s = json_dumps(lk, JSON_COMPACT);
        PROBLEM("lookup %s: %s: %s", s, wit2_class_name(cls), a->msg);
        free(s);
    }
    json_decref(lk);
    return r;
}

static int str_is(const json_t *j, const char *want)
{
    if (!want) return json_is_null(j);
    return json_is_string(j) && !strcmp(json_string_value(j), want);
}

/* Whether matches ([[entry, kind], ...]) holds entry (of kind, -1: any). */
static int has_match(const json_t *matches, json_int_t entry, int kind)
{
    size_t k;
    json_t *m;
    json_array_foreach(matches, k, m) if (json_integer_value(json_array_get(m, 0)) == entry &&
                                          (kind < 0 || json_integer_value(json_array_get(m, 1)) == kind)) return 1;
    return 0;
}

/* The wiki the archive must give an entry: the one given, else the one its
 * URL or language names; NULL for none. */
static const char *wiki_of(const m_entry *e, char *buf)
{
    if (e->wiki && *e->wiki) return e->wiki;
    wpk_wiki_derive(e->url, e->url ? strlen(e->url) : 0, e->language, e->language ? strlen(e->language) : 0, buf);
    return *buf ? buf : NULL;
}

static void check_entry(wit2 *a, const m_entry *e)
{
    json_t *r = lookup(a, json_pack("{s:s,s:s}", "op", "path", "path", e->path));
    json_t *num = r ? json_object_get(r, "entry") : NULL;
    if (!num || !json_is_integer(num)) {
        if (r) PROBLEM("%s: not found by path", e->path);
        json_decref(r);
        return;
    }
    json_int_t n = json_integer_value(num);
    json_decref(r);
    int cls;
    json_t *rec = wit2_entry_record(a, (uint32_t)n, &cls);
    if (!rec) {
        PROBLEM("%s: entry %lld unreadable: %s", e->path, (long long)n, a->msg);
        return;
    }
    char wbuf[WPK_WIKI_MAX + 1], hex[65];
    const char *wiki = wiki_of(e, wbuf);
    uint8_t sum[32];
    crypto_hash_sha256(sum, e->data, e->size);
    sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
    const char *lang = json_string_value(json_object_get(rec, "language"));
    if (!str_is(json_object_get(rec, "path"), e->path)) PROBLEM("%s: path differs", e->path);
    if (!str_is(json_object_get(rec, "title"), e->title)) PROBLEM("%s: title differs", e->path);
    if (!str_is(json_object_get(rec, "url"), e->url)) PROBLEM("%s: URL differs", e->path);
    if (!str_is(json_object_get(rec, "media_type"), e->mime)) PROBLEM("%s: media type differs", e->path);
    if (strcmp(lang ? lang : "", e->language ? e->language : ""))
        PROBLEM("%s: language %s, given %s", e->path, lang ? lang : "(none)", e->language ? e->language : "(none)");
    if (!str_is(json_object_get(rec, "wiki"), wiki))
        PROBLEM("%s: wiki %s, expected %s", e->path, json_string_value(json_object_get(rec, "wiki")), wiki ? wiki : "none");
    json_t *id = json_object_get(rec, "page_id"), *t = json_object_get(rec, "time_us"), *ns = json_object_get(rec, "namespace");
    if (e->has_page_id ? (uint64_t)json_integer_value(id) != e->page_id || !json_is_integer(id) : !json_is_null(id))
        PROBLEM("%s: page ID differs", e->path);
    if (e->has_updated ? json_integer_value(t) != e->updated_us || !json_is_integer(t) : !json_is_null(t))
        PROBLEM("%s: time differs", e->path);
    if (e->has_ns ? json_integer_value(ns) != e->ns || !json_is_integer(ns) : !json_is_null(ns))
        PROBLEM("%s: namespace differs", e->path);
    json_t *cats = json_object_get(rec, "categories");
    int same = json_array_size(cats) == e->n_categories;
    for (size_t k = 0; same && k < e->n_categories; k++) same = str_is(json_array_get(cats, k), e->categories[k]);
    if (!same) PROBLEM("%s: categories differ", e->path);
    if ((size_t)json_integer_value(json_object_get(rec, "size")) != e->size || !str_is(json_object_get(rec, "sha256"), hex))
        PROBLEM("%s: content differs", e->path);
    json_t *cur_j = json_object_get(rec, "current");
    json_int_t cur = json_is_integer(cur_j) ? json_integer_value(cur_j) : n;
    json_decref(rec);

    /* By title: its own title names its current version (as a title, or
     * as a former title of its article). */
    if (e->title) {
        json_t *q = lookup(a, json_pack("{s:s,s:s,s:s}", "op", "title", "query", e->title, "mode", "exact"));
        if (q && !has_match(json_object_get(q, "matches"), cur, -1))
            PROBLEM("%s: its title \"%s\" does not lead to entry %lld", e->path, e->title, (long long)cur);
        json_decref(q);
    }
    /* By (wiki, page ID): its current version. */
    if (e->has_page_id) {
        json_t *q = wiki ? lookup(a, json_pack("{s:s,s:I,s:s}", "op", "id", "id", (json_int_t)e->page_id, "wiki", wiki))
                         : lookup(a, json_pack("{s:s,s:I}", "op", "id", "id", (json_int_t)e->page_id));
        int found = 0;
        if (q && wiki) found = json_integer_value(json_object_get(q, "entry")) == cur;
        if (q && !wiki) {
            size_t k;
            json_t *c;
            json_array_foreach(json_object_get(q, "choices"), k, c) found |= json_is_null(json_array_get(c, 0)) &&
                                                                            json_integer_value(json_array_get(c, 1)) == cur;
        }
        if (q && !found)
            PROBLEM("%s: (%s, %llu) does not lead to entry %lld", e->path, wiki ? wiki : "no wiki",
                    (unsigned long long)e->page_id, (long long)cur);
        json_decref(q);
    }
}

int model_walk(const model *m, const uint8_t *d, size_t n, const uint8_t *pubkey, const char *name)
{
    problems = 0;
    walk_name = name;
    wit2 a;
    int cls = wit2_open(&a, d, n, pubkey);
    if (!cls) cls = wit2_verify(&a);
    if (cls) {
        PROBLEM("%s: %s", wit2_class_name(cls), a.msg);
        wit2_close(&a);
        return problems;
    }
    if (a.h.entry_count != m->n) PROBLEM("%llu entries, %zu given", (unsigned long long)a.h.entry_count, m->n);
    for (size_t i = 0; i < m->n; i++) check_entry(&a, &m->e[i]);
    for (size_t i = 0; i < m->na; i++) {
        if (!m->resolves[i]) continue;
        json_t *q = lookup(&a, json_pack("{s:s,s:s,s:s}", "op", "title", "query", m->alias[i], "mode", "exact"));
        json_t *matches = q ? json_object_get(q, "matches") : NULL;
        int kind1 = 0;
        size_t k;
        json_t *x;
        json_array_foreach(matches, k, x) kind1 |= json_integer_value(json_array_get(x, 1)) == 1;
        if (q && !kind1) PROBLEM("alias \"%s\" not found as an alias", m->alias[i]);
        json_decref(q);
    }
    wit2_close(&a);
    return problems;
}
