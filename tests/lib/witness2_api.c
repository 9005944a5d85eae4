/* witness2_api.c - the witness manifest's lookups (path, (wiki, ID), title, category, prefix, revisions) and entry records through the library's public API. */
#include "witness2_api.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *w2_class_name(int cls)
{
    static const char *const names[] = {"ok", "format", "corrupt", "limit", "untrusted", "nomem", "other"};
    return cls >= 0 && cls <= W2_OTHER ? names[cls] : "?";
}

int w2_class_of(const char *name)
{
    for (int c = W2_OK; c <= W2_OTHER; c++)
        if (name && !strcmp(w2_class_name(c), name)) return c;
    return -1;
}

int w2_class_of_code(int code)
{
    switch (code) {
    case WPK_OK: return W2_OK;
    case WPK_E_FORMAT: return W2_FORMAT;
    case WPK_E_CORRUPT: return W2_CORRUPT;
    case WPK_E_LIMIT: return W2_LIMIT;
    case WPK_E_UNTRUSTED: return W2_UNTRUSTED;
    case WPK_E_NOMEM: return W2_NOMEM;
    default: return W2_OTHER;
    }
}

uint8_t *w2_load(const char *dir, const char *rel, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
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

typedef struct memsrc { const uint8_t *d; size_t n; } memsrc;

static int mem_read_at(void *opaque, uint64_t offset, void *buf, size_t len)
{
    const memsrc *m = opaque;
    if (offset > m->n || len > m->n - offset) return -1;
    memcpy(buf, m->d + offset, len);
    return 0;
}

int w2_open(wpk_reader **r, int how, const char *path, const uint8_t *d, size_t n, const uint8_t *key, wpk_error *err)
{
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.trusted_key = key;
    static _Thread_local memsrc m; /* outlives the reader: one source open at a time */
    int rc;
    memset(err, 0, sizeof *err);
    if (how == W2_OPEN_FILE) {
        rc = wpk_reader_open(r, path, &o, err);
    } else if (how == W2_OPEN_MEMORY) {
        rc = wpk_reader_open_memory(r, d, n, &o, err);
    } else {
        m = (memsrc){d, n};
        wpk_source src = WPK_SOURCE_INIT;
        src.read_at = mem_read_at;
        src.opaque = &m;
        src.size = n;
        src.name = path;
        rc = wpk_reader_open_source(r, &src, &o, err);
    }
    return w2_class_of_code(rc);
}

/* ---- lookups ---------------------------------------------------------------- */

/* Read an entry's content, as `get` would. */
static int touch(wpk_reader *r, uint64_t n, wpk_error *err)
{
    wpk_entry *e;
    int rc = wpk_reader_entry_at(r, n, &e, err);
    if (rc) return rc;
    void *data = NULL;
    rc = wpk_reader_read_alloc(r, e, &data, 1, err);
    wpk_free(data);
    wpk_entry_free(e);
    return rc;
}

/* A failed lookup's result: not found answers, anything else fails. */
static int failed(int rc, int *cls) { return rc != WPK_E_NOTFOUND && (*cls = w2_class_of_code(rc)) != W2_OK; }

static json_t *by_path(wpk_reader *r, const json_t *lk, int revisions, int *cls, wpk_error *err)
{
    wpk_entry *e = NULL;
    int rc = wpk_reader_find_by_path(r, json_string_value(json_object_get(lk, "path")), &e, err);
    if (failed(rc, cls)) return NULL;
    if (rc) return revisions ? json_pack("{s:n}", "older") : json_pack("{s:n}", "entry");
    json_t *out;
    if (revisions) {
        /* From an older version, its article's versions (link checked). */
        wpk_entry *cur = NULL;
        if ((rc = wpk_reader_current(r, e, &cur, err)) != 0) {
            *cls = w2_class_of_code(rc);
            wpk_entry_free(e);
            return NULL;
        }
        json_t *older = json_array();
        for (size_t i = 0; i < cur->n_revisions; i++)
            json_array_append_new(older, json_integer((json_int_t)cur->revisions[i]));
        wpk_entry_free(cur);
        out = json_pack("{s:o}", "older", older);
    } else {
        out = json_pack("{s:I}", "entry", (json_int_t)e->entry_number);
    }
    void *data = NULL;
    rc = wpk_reader_read_alloc(r, e, &data, 1, err);
    wpk_free(data);
    wpk_entry_free(e);
    if (rc) {
        *cls = w2_class_of_code(rc);
        json_decref(out);
        return NULL;
    }
    return out;
}

typedef struct hits { json_t *list; int kind; } hits;

static int add_choice(void *ctx, const char *wiki, uint64_t entry)
{
    hits *h = ctx;
    json_array_append_new(h->list, json_pack("[o,I]", wiki ? json_string(wiki) : json_null(), (json_int_t)entry));
    return 0;
}

static json_t *by_id(wpk_reader *r, const json_t *lk, int *cls, wpk_error *err)
{
    uint64_t id = (uint64_t)json_integer_value(json_object_get(lk, "id"));
    const char *wiki = json_string_value(json_object_get(lk, "wiki"));
    if (wiki) {
        wpk_entry *e = NULL;
        int rc = wpk_reader_find_by_wiki_id(r, wiki, id, &e, err);
        if (failed(rc, cls)) return NULL;
        if (rc) return json_pack("{s:n}", "entry");
        uint64_t n = e->entry_number;
        wpk_entry_free(e);
        if ((rc = touch(r, n, err)) != 0) {
            *cls = w2_class_of_code(rc);
            return NULL;
        }
        return json_pack("{s:I}", "entry", (json_int_t)n);
    }
    hits h = {json_array(), 0};
    int rc = wpk_reader_match_id(r, id, add_choice, &h, err);
    size_t i;
    json_t *c;
    json_array_foreach(h.list, i, c) if (!rc) rc = touch(r, (uint64_t)json_integer_value(json_array_get(c, 1)), err);
    if (failed(rc, cls)) {
        json_decref(h.list);
        return NULL;
    }
    return json_pack("{s:o}", "choices", h.list);
}

static int add_match(void *ctx, const char *title, int kind, uint64_t entry)
{
    (void)title;
    hits *h = ctx;
    json_array_append_new(h->list, json_pack("[I,i]", (json_int_t)entry, kind));
    return 0;
}

static json_t *by_title(wpk_reader *r, const json_t *lk, int *cls, wpk_error *err)
{
    const char *query = json_string_value(json_object_get(lk, "query"));
    int exact = !strcmp(json_string_value(json_object_get(lk, "mode")), "exact");
    const char *wiki = json_string_value(json_object_get(lk, "wiki"));
    hits h = {json_array(), 0};
    wpk_match_level level;
    int rc = wpk_reader_match_title_wiki(r, wiki, query, add_match, &h, &level, err);
    if (!rc && exact && level != WPK_MATCH_EXACT) {
        json_array_clear(h.list);
        rc = WPK_E_NOTFOUND;
    }
    size_t i;
    json_t *m;
    json_array_foreach(h.list, i, m) if (!rc) rc = touch(r, (uint64_t)json_integer_value(json_array_get(m, 0)), err);
    if (failed(rc, cls)) {
        json_decref(h.list);
        return NULL;
    }
    if (rc) {
        json_decref(h.list);
        return json_pack("{s:n,s:[]}", "level", "matches");
    }
    static const char *const levels[] = {"exact", "mediawiki", "folded"};
    return json_pack("{s:s,s:o}", "level", levels[level], "matches", h.list);
}

static int add_entry(void *ctx, const char *name, int kind, uint64_t entry)
{
    (void)name, (void)kind;
    json_array_append_new(((hits *)ctx)->list, json_integer((json_int_t)entry));
    return 0;
}

/* The entries a category or prefix search names are read (their pages). */
static int touch_entry(wpk_reader *r, uint64_t n, wpk_entry **e, wpk_error *err)
{
    return wpk_reader_entry_at(r, n, e, err);
}

static json_t *by_category(wpk_reader *r, const json_t *lk, int *cls, wpk_error *err)
{
    hits h = {json_array(), 0};
    int rc = wpk_reader_category(r, json_string_value(json_object_get(lk, "name")), add_entry, &h, err);
    size_t i;
    json_t *x;
    json_array_foreach(h.list, i, x) if (!rc) {
        wpk_entry *e;
        if ((rc = touch_entry(r, (uint64_t)json_integer_value(x), &e, err)) == 0) wpk_entry_free(e);
    }
    if (failed(rc, cls)) {
        json_decref(h.list);
        return NULL;
    }
    return json_pack("{s:o}", "entries", h.list);
}

static int add_item(void *ctx, const char *display, int kind, uint64_t entry)
{
    json_array_append_new(((hits *)ctx)->list, json_pack("[s,i,n,I]", display, kind, (json_int_t)entry));
    return 0;
}

static json_t *by_prefix(wpk_reader *r, const json_t *lk, int *cls, wpk_error *err)
{
    hits h = {json_array(), 0};
    int rc = wpk_reader_find_prefix(r, json_string_value(json_object_get(lk, "prefix")), 0, add_item, &h, err);
    size_t i;
    json_t *x;
    /* The item's wiki is its entry's (verify checks it). */
    json_array_foreach(h.list, i, x) if (!rc) {
        wpk_entry *e;
        if ((rc = touch_entry(r, (uint64_t)json_integer_value(json_array_get(x, 3)), &e, err)) != 0) break;
        json_array_set_new(x, 2, e->wiki ? json_string(e->wiki) : json_null());
        wpk_entry_free(e);
    }
    if (failed(rc, cls)) {
        json_decref(h.list);
        return NULL;
    }
    return json_pack("{s:o}", "items", h.list);
}

json_t *w2_lookup(wpk_reader *r, const json_t *lk, int *cls, wpk_error *err)
{
    const char *op = json_string_value(json_object_get(lk, "op"));
    *cls = W2_OK;
    memset(err, 0, sizeof *err);
    if (!op) return NULL;
    if (!strcmp(op, "path")) return by_path(r, lk, 0, cls, err);
    if (!strcmp(op, "revisions")) return by_path(r, lk, 1, cls, err);
    if (!strcmp(op, "id")) return by_id(r, lk, cls, err);
    if (!strcmp(op, "title")) return by_title(r, lk, cls, err);
    if (!strcmp(op, "category")) return by_category(r, lk, cls, err);
    if (!strcmp(op, "prefix")) return by_prefix(r, lk, cls, err);
    *cls = W2_OTHER;
    return NULL;
}

/* ---- records ---------------------------------------------------------------- */

static json_t *opt(const char *s) { return s ? json_string(s) : json_null(); }

json_t *w2_entry_record(wpk_reader *r, uint64_t n, int *cls, wpk_error *err)
{
    wpk_entry *e;
    int rc = wpk_reader_entry_at(r, n, &e, err);
    void *data = NULL;
    if (!rc) rc = wpk_reader_read_alloc(r, e, &data, 1, err);
    if ((*cls = w2_class_of_code(rc)) != W2_OK) {
        if (!rc || rc == WPK_E_NOTFOUND) *cls = W2_OTHER;
        if (e && !rc) wpk_entry_free(e);
        return NULL;
    }
    uint8_t sum[32];
    char hex[65];
    crypto_hash_sha256(sum, data, e->size);
    sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
    wpk_free(data);
    json_t *cats = json_array(), *revs = json_array();
    for (size_t i = 0; i < e->n_categories; i++) json_array_append_new(cats, json_string(e->categories[i]));
    for (size_t i = 0; i < e->n_revisions; i++) json_array_append_new(revs, json_integer((json_int_t)e->revisions[i]));
    json_t *o = json_object();
    json_object_set_new(o, "n", json_integer((json_int_t)n));
    json_object_set_new(o, "path", json_string(e->path));
    json_object_set_new(o, "wiki", opt(e->wiki));
    json_object_set_new(o, "page_id", e->has_page_id ? json_integer((json_int_t)e->page_id) : json_null());
    json_object_set_new(o, "time_us", e->has_updated ? json_integer(e->updated_us) : json_null());
    json_object_set_new(o, "title", opt(e->title));
    json_object_set_new(o, "url", opt(e->url));
    json_object_set_new(o, "media_type", opt(e->mime));
    json_object_set_new(o, "language", opt(e->language));
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "namespace", e->has_ns ? json_integer(e->ns) : json_null());
    /* 2.1: a revision's facts */
    json_object_set_new(o, "revision_id", e->has_revision_id ? json_integer((json_int_t)e->revision_id) : json_null());
    json_object_set_new(o, "contributor", opt(e->contributor));
    json_object_set_new(o, "comment", opt(e->comment));
    json_object_set_new(o, "current", e->is_revision ? json_integer((json_int_t)e->current_entry) : json_null());
    json_object_set_new(o, "revisions", revs);
    json_object_set_new(o, "size", json_integer((json_int_t)e->size));
    json_object_set_new(o, "sha256", json_string(hex));
    wpk_entry_free(e);
    return o;
}

json_t *w2_comparable(const json_t *record)
{
    json_t *c = json_deep_copy(record);
    json_object_del(c, "redirect");
    json_object_del(c, "title_spelled");
    json_object_del(c, "url_spelled");
    return c;
}

static int add_wiki(void *ctx, uint32_t number, const char *name, const char *language, const char *url_base,
                    const char *site_name)
{
    json_array_append_new(ctx, json_pack("{s:i,s:s,s:s,s:s,s:s}", "number", (int)number, "name", name, "language",
                                         language, "url_base", url_base, "site_name", site_name));
    return 0;
}

json_t *w2_wikis(wpk_reader *r)
{
    json_t *a = json_array();
    wpk_reader_wikis(r, add_wiki, a);
    return a;
}
