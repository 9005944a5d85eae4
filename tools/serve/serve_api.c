/* serve_api.c - the JSON API of `wikipack serve`: search, suggestions, entry metadata, a random article, the archives */
/* Entry metadata by page ID, title or path. */
#include "cli.h"
#include "serve.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* A JSON string; bytes that are not UTF-8 (archives are untrusted) become
 * U+FFFD instead of failing the whole answer. */
static json_t *jstr(const char *s)
{
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    serve_buf b = {0};
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80) serve_buf_add(&b, (const char *)p, 1);
        else serve_buf_puts(&b, "\xEF\xBF\xBD");
    }
    j = json_string(b.p ? b.p : "");
    serve_buf_free(&b);
    return j ? j : json_null();
}

static json_t *jurl(void (*fn)(serve_buf *, const serve_archive *, const char *), const serve_archive *a, const char *s)
{
    serve_buf b = {0};
    fn(&b, a, s);
    json_t *j = jstr(b.p ? b.p : "");
    serve_buf_free(&b);
    return j;
}

static int send_json(serve_req *q, int status, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
    if (!s) return serve_error(q, 503, "Out of memory.");
    serve_buf_free(&q->body);
    /* <, > and & only occur inside strings: escaped, the answer stays
     * inert even if something takes it for HTML. */
    for (const char *p = s; *p; p++) {
        if (*p == '<') serve_buf_puts(&q->body, "\\u003c");
        else if (*p == '>') serve_buf_puts(&q->body, "\\u003e");
        else if (*p == '&') serve_buf_puts(&q->body, "\\u0026");
        else serve_buf_add(&q->body, p, 1);
    }
    serve_buf_puts(&q->body, "\n");
    free(s);
    q->status = status;
    q->type = "application/json";
    return status;
}

static int api_error(serve_req *q, int status, const char *msg)
{
    q->etag[0] = 0;
    q->cache = "no-store";
    return send_json(q, status, json_pack("{s:s, s:i}", "error", msg, "status", status));
}

static json_t *entry_json(const serve_archive *a, const wpk_entry *e)
{
    char when[40];
    cli_format_updated(e, when, sizeof when);
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)e->content_hash);
    json_t *cats = json_array();
    for (size_t i = 0; i < e->n_categories; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "name", jstr(e->categories[i]));
        json_object_set_new(c, "link", jurl(serve_url_category, a, e->categories[i]));
        json_array_append_new(cats, c);
    }
    serve_buf link = {0};
    serve_url_article(&link, a, e);
    json_t *j = json_object();
    json_object_set_new(j, "archive", jstr(a->name));
    json_object_set_new(j, "path", jstr(e->path));
    json_object_set_new(j, "title", jstr(e->title));
    json_object_set_new(j, "page_id", e->has_page_id && e->page_id <= INT64_MAX ? json_integer((json_int_t)e->page_id) : json_null());
    json_object_set_new(j, "language", jstr(e->language));
    json_object_set_new(j, "wiki", jstr(e->wiki));
    json_object_set_new(j, "updated", e->has_updated ? jstr(when) : json_null());
    json_object_set_new(j, "source_url", jstr(e->url));
    json_object_set_new(j, "mime", jstr(e->mime));
    json_object_set_new(j, "size", json_integer((json_int_t)e->size));
    json_object_set_new(j, "content_hash", jstr(hash));
    json_object_set_new(j, "is_revision", json_boolean(e->is_revision));
    /* A MediaWiki revision's facts (format 2.1), when the archive has them. */
    if (e->has_revision_id && e->revision_id <= INT64_MAX)
        json_object_set_new(j, "revision_id", json_integer((json_int_t)e->revision_id));
    if (e->contributor) json_object_set_new(j, "contributor", jstr(e->contributor));
    if (e->comment) json_object_set_new(j, "comment", jstr(e->comment));
    json_object_set_new(j, "categories", cats);
    json_object_set_new(j, "link", jstr(link.p ? link.p : ""));
    json_object_set_new(j, "raw", jurl(serve_url_raw, a, e->path));
    serve_buf_free(&link);
    return j;
}

typedef struct suggest_ctx { json_t *list; const serve_archive *a; } suggest_ctx;

static int add_suggestion(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    suggest_ctx *c = ctx;
    json_t *s = json_object();
    json_object_set_new(s, "title", jstr(title));
    json_object_set_new(s, "alias", json_boolean(is_alias));
    json_object_set_new(s, "link", jurl(serve_url_title, c->a, title));
    json_array_append_new(c->list, s);
    return 0;
}

#define SUGGEST_DEFAULT 10
#define SUGGEST_MAX 50

int serve_api_suggest(serve_req *q)
{
    int bad = 0;
    char *prefix = serve_query_get(q->query, "q", &bad);
    char *lim = bad ? NULL : serve_query_get(q->query, "limit", &bad);
    uint64_t limit = SUGGEST_DEFAULT;
    if (!bad && lim && (strlen(lim) > 4 || cli_parse_u64(lim, &limit) != 0 || limit == 0 || limit > SUGGEST_MAX))
        bad = 1;
    free(lim);
    if (bad || !prefix) {
        free(prefix);
        return api_error(q, 400, "suggest wants ?q=PREFIX (and optionally &limit=1..50)");
    }
    char tag[17];
    serve_page_etag(q, tag);
    q->cache = "public, max-age=300";
    if (serve_etag(q, tag)) { free(prefix); return 304; }
    suggest_ctx c = {json_array(), q->a};
    wpk_error err;
    int rc = *prefix ? wpk_reader_find_prefix(q->a->r, prefix, (size_t)limit, add_suggestion, &c, &err) : 0;
    free(prefix);
    if (rc && rc != WPK_E_NOTFOUND && rc != WPK_E_INVALID) {
        json_decref(c.list);
        serve_wpk_error(q, rc, &err);
        return api_error(q, 500, "the archive could not be read");
    }
    return send_json(q, 200, c.list);
}

static json_t *hit_json(const serve_archive *a, const serve_hit *h)
{
    const wpk_entry *e = h->e;
    serve_buf link = {0};
    serve_url_article(&link, a, e);
    /* Byte ranges in the snippet's UTF-8, as the library gives them. */
    json_t *marks = json_array();
    for (uint32_t i = 0; i < h->mark_count; i++)
        json_array_append_new(marks, json_pack("[I,I]", (json_int_t)h->marks[i].at, (json_int_t)h->marks[i].len));
    json_t *j = json_object();
    json_object_set_new(j, "title", jstr(e->title));
    json_object_set_new(j, "page_id", e->has_page_id && e->page_id <= INT64_MAX ? json_integer((json_int_t)e->page_id) : json_null());
    json_object_set_new(j, "path", jstr(e->path));
    json_object_set_new(j, "link", jstr(link.p ? link.p : ""));
    json_object_set_new(j, "score", isfinite(h->score) ? json_real(h->score) : json_null());
    json_object_set_new(j, "snippet", jstr(h->snippet));
    json_object_set_new(j, "marks", marks);
    serve_buf_free(&link);
    return j;
}

int serve_api_search(serve_req *q)
{
    serve_search s;
    const char *why = NULL;
    int status = serve_search_args(q->query, 10, 1, &s, &why);
    if (!status && !*s.text)
        status = 400, why = "search wants ?q=WORDS (and optionally &start=0..999, &limit=1..100)";
    if (status) {
        serve_search_free(&s);
        return api_error(q, status, why);
    }
    wpk_error err;
    int rc = WPK_E_NOTFOUND;
    if (wpk_reader_has_search(q->a->r)) {
        char tag[17];
        serve_page_etag(q, tag);
        q->cache = "public, max-age=300";
        if (serve_etag(q, tag)) { serve_search_free(&s); return 304; }
        rc = serve_search_run(q->a, &s, &err);
    }
    if (rc) {
        serve_search_free(&s);
        if (rc == WPK_E_NOTFOUND) return api_error(q, 404, "this archive has no search index (api/suggest finds titles)");
        if (rc == WPK_E_FORMAT) return api_error(q, 404, "this archive's search index needs a newer wikipack");
        if (rc == WPK_E_INVALID || rc == WPK_E_LIMIT) return api_error(q, 400, serve_search_refusal(&err));
        serve_wpk_error(q, rc, &err);
        return api_error(q, 500, "the archive could not be read");
    }
    json_t *list = json_array();
    for (uint32_t i = 0; i < s.count; i++) json_array_append_new(list, hit_json(q->a, &s.hits[i]));
    json_t *j = json_object();
    json_object_set_new(j, "query", jstr(s.text));
    json_object_set_new(j, "matches", json_integer(s.matches <= INT64_MAX ? (json_int_t)s.matches : INT64_MAX));
    json_object_set_new(j, "start", json_integer(s.start));
    json_object_set_new(j, "limit", json_integer(s.limit));
    json_object_set_new(j, "results", list);
    serve_search_free(&s);
    return send_json(q, 200, j);
}

/* The articles with one page ID (up to 16), into serve_match entries. */
typedef struct id_matches { serve_match *m; int n; } id_matches;

static int keep_id(void *ctx, const char *wiki, uint64_t entry)
{
    (void)wiki; /* entry_json gives it */
    id_matches *c = ctx;
    c->m[c->n].entry = entry;
    c->m[c->n].is_alias = 0;
    c->m[c->n].title[0] = 0;
    return ++c->n == 16;
}

int serve_api_entry(serve_req *q)
{
    int bad = 0;
    char *id = serve_query_get(q->query, "id", &bad);
    char *title = bad ? NULL : serve_query_get(q->query, "title", &bad);
    char *path = bad ? NULL : serve_query_get(q->query, "path", &bad);
    char *wiki = bad ? NULL : serve_query_get(q->query, "wiki", &bad);
    int given = !!id + !!title + !!path;
    wpk_entry *e = NULL;
    wpk_error err;
    int rc = 0, status = 0;
    const char *msg = NULL;
    uint64_t n;
    serve_match m[16];
    int found = 0;
    const char *ambiguous = "ambiguous title";
    if (bad || given != 1) {
        status = 400, msg = "entry wants exactly one of ?id=N, ?title=T, ?path=P";
    } else if (wiki && !id) {
        status = 400, msg = "wiki chooses among the articles of one page ID: give it with ?id=N";
    } else if (id) {
        if (strlen(id) > 20 || cli_parse_u64(id, &n) != 0) status = 400, msg = "id wants an unsigned number";
        else if (wiki) rc = wpk_reader_find_by_wiki_id(q->a->r, wiki, n, &e, &err);
        else {
            /* Each wiki numbers its own pages: several answers are listed. */
            id_matches c = {m, 0};
            rc = wpk_reader_match_id(q->a->r, n, keep_id, &c, &err);
            found = c.n;
            ambiguous = "page ID in several wikis";
            if (!rc && found == 1) rc = wpk_reader_entry_at(q->a->r, m[0].entry, &e, &err);
        }
    } else if (path) {
        rc = *path ? wpk_reader_find_by_path(q->a->r, path, &e, &err) : WPK_E_NOTFOUND;
    } else {
        wpk_match_level level;
        found = *title ? serve_match_title(q->a, title, m, 16, &level, &err) : 0;
        if (found < 0) rc = found;
        else if (found == 0) rc = WPK_E_NOTFOUND;
        else if (found == 1) rc = wpk_reader_entry_at(q->a->r, m[0].entry, &e, &err);
    }
    free(id);
    free(title);
    free(path);
    free(wiki);
    if (status) return api_error(q, status, msg);
    if (rc == WPK_E_NOTFOUND || rc == WPK_E_INVALID) return api_error(q, 404, "not found");
    if (rc) {
        serve_wpk_error(q, rc, &err);
        return api_error(q, 500, "the archive could not be read");
    }
    if (found > 1) {
        /* Several articles answer to that title: list them. */
        json_t *list = json_array();
        for (int i = 0; i < found; i++) {
            wpk_entry *x;
            if (wpk_reader_entry_at(q->a->r, m[i].entry, &x, &err) != 0) continue;
            json_array_append_new(list, entry_json(q->a, x));
            wpk_entry_free(x);
        }
        q->cache = "no-store";
        return send_json(q, 300, json_pack("{s:s, s:o}", "error", ambiguous, "matches", list));
    }
    char tag[17];
    serve_page_etag(q, tag);
    q->cache = "public, max-age=300";
    if (serve_etag(q, tag)) { wpk_entry_free(e); return 304; }
    json_t *j = entry_json(q->a, e);
    wpk_entry_free(e);
    return send_json(q, 200, j);
}

int serve_api_random(serve_req *q)
{
    wpk_entry *e;
    wpk_error err;
    int rc = serve_random_entry(q->a, &e, &err);
    if (rc == WPK_E_NOTFOUND) return api_error(q, 404, "the archive is empty");
    if (rc) {
        serve_wpk_error(q, rc, &err);
        return api_error(q, 500, "the archive could not be read");
    }
    q->cache = "no-store";
    json_t *j = entry_json(q->a, e);
    wpk_entry_free(e);
    return send_json(q, 200, j);
}

int serve_api_archives(serve_req *q)
{
    json_t *list = json_array();
    for (size_t i = 0; i < q->ctx->n; i++) {
        const serve_archive *a = &q->ctx->a[i];
        serve_buf home = {0};
        serve_buf_printf(&home, "/%s/", a->name);
        json_t *j = json_object();
        json_object_set_new(j, "name", jstr(a->name));
        json_object_set_new(j, "home", jstr(home.p ? home.p : ""));
        json_object_set_new(j, "entries", json_integer((json_int_t)a->info.entry_count));
        if (a->info.has_summary) {
            json_object_set_new(j, "articles", json_integer((json_int_t)a->info.articles));
            json_object_set_new(j, "revisions", json_integer((json_int_t)a->info.revisions));
            json_object_set_new(j, "categories", json_integer((json_int_t)a->info.categories));
        }
        json_array_append_new(list, j);
        serve_buf_free(&home);
    }
    q->cache = "no-cache";
    return send_json(q, 200, list);
}
