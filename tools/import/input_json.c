/* input_json.c - read JSON articles and JSON Lines records with jansson */
/*
 * See input_json.h for what is accepted.
 *
 * jansson is given (pointer, length) spans of the caller's buffer
 * (json_loadb), so nothing is read past len; it checks the UTF-8, rejects
 * \u0000 (no JSON_ALLOW_NUL) and limits nesting depth itself.
 */
#include "input_json.h"

#include "article_meta.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* ---- why ------------------------------------------------------------- */

/* Reports a jansson parse error. -1 on OOM, else IMP_MALFORMED. */
static int parse_error(imp_parse *st, const json_error_t *err, int line_known)
{
    if (json_error_code(err) == json_error_out_of_memory) return -1;
    if (err->line < 1)
        imp_bad(st, "JSON: %s", err->text);
    else if (err->line == 1 && !line_known)
        imp_bad(st, "JSON, column %d: %s", err->column, err->text);
    else
        imp_bad(st, "JSON, line %d column %d: %s", err->line, err->column, err->text);
    return IMP_MALFORMED;
}

/* ---- fields ---------------------------------------------------------- */

/* The first of keys (NULL-terminated) present with a non-null value. */
static json_t *first_present(json_t *obj, const char *const *keys, const char **which)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(obj, *keys);
        if (v && !json_is_null(v)) { *which = *keys; return v; }
    }
    return NULL;
}

static int dup_string(json_t *v, char **dst)
{
    return imp_set_string(dst, json_string_value(v), json_string_length(v));
}

/* Reads the first present of keys as a string into *dst. -1 on OOM. */
static int string_field(imp_parse *st, json_t *obj, const char *const *keys, char **dst)
{
    const char *key;
    json_t *v = first_present(obj, keys, &key);
    if (!v) return 0;
    if (!json_is_string(v)) { imp_bad(st, "%s is not a string", key); return 0; }
    if (json_string_length(v) == 0) return 0;
    return dup_string(v, dst);
}

static void date_field(imp_parse *st, json_t *obj)
{
    static const char *const keys[] = {"archived_date", "last_modified", "timestamp", NULL};
    const char *key;
    json_t *v = first_present(obj, keys, &key);
    if (!v) return;
    if (!json_is_string(v)) { imp_bad(st, "%s is not a string", key); return; }
    imp_date_value(st, key, json_string_value(v), json_string_length(v), 1);
}

static void page_id_field(imp_parse *st, json_t *obj)
{
    static const char *const keys[] = {"page_id", "pageid", "id", NULL};
    const char *key;
    json_t *v = first_present(obj, keys, &key);
    uint64_t id = 0;
    if (!v) return;
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if (x < 0) { imp_bad(st, "%s %lld is negative", key, (long long)x); return; }
        id = (uint64_t)x;
    } else if (json_is_string(v)) {
        imp_page_id_value(st, key, json_string_value(v), json_string_length(v));
        return;
    } else {
        imp_bad(st, "%s is not an integer", key);
        return;
    }
    st->a->page_id = id;
    st->a->has_page_id = 1;
}

static int categories_field(imp_parse *st, json_t *obj)
{
    json_t *v = json_object_get(obj, "categories");
    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v)) { imp_bad(st, "categories is not an array"); return 0; }
    size_t n = json_array_size(v);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(v, i);
        if (!json_is_string(c)) { imp_bad(st, "categories[%zu] is not a string", i); continue; }
        if (json_string_length(c) == 0) continue;
        if (imp_add_category(st->a, json_string_value(c), json_string_length(c)) != 0) return -1;
    }
    return 0;
}

/* Reads every field but the text. -1 on OOM. */
static int read_fields(imp_parse *st, json_t *obj)
{
    static const char *const url_keys[] = {"source_url", "url", NULL};
    static const char *const lang_keys[] = {"language", "lang", NULL};
    imp_article *a = st->a;

    json_t *t = json_object_get(obj, "title");
    if (t) {
        if (!json_is_string(t)) imp_bad(st, "title is not a string");
        else if (json_string_length(t) == 0) imp_bad(st, "title is empty");
        else if (dup_string(t, &a->title) != 0) return -1;
    }
    if (string_field(st, obj, url_keys, &a->url) != 0 ||
        string_field(st, obj, lang_keys, &a->language) != 0 ||
        categories_field(st, obj) != 0)
        return -1;
    date_field(st, obj);
    page_id_field(st, obj);
    return 0;
}

/* ---- entry points ---------------------------------------------------- */

/* A parse with *out and `why` emptied. */
static imp_parse begin(imp_article *out, char *why, size_t why_cap)
{
    memset(out, 0, sizeof *out);
    if (why && why_cap) why[0] = '\0';
    return (imp_parse){out, IMP_OK, why, why_cap};
}

/* Releases root; the status, or -1 (rc < 0: out of memory) with the
 * article freed and no reason. */
static int finish(imp_parse *st, json_t *root, int rc)
{
    json_decref(root);
    if (rc < 0) {
        imp_article_free(st->a);
        if (st->why && st->why_cap) st->why[0] = '\0';
        return -1;
    }
    return st->status;
}

int imp_json_article_parse(const char *buf, size_t len, imp_article *out,
                           char *why, size_t why_cap)
{
    imp_parse st = begin(out, why, why_cap);

    size_t start = 0, i;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) start = 3;
    for (i = start; i < len && is_ws(buf[i]); i++) {}
    if (i >= len || buf[i] != '{') return IMP_NONE;

    /* Parse from just after the BOM, so that line numbers are the file's. */
    json_error_t err;
    json_t *root = json_loadb(buf + start, len - start, 0, &err);
    if (!root) return parse_error(&st, &err, 1);

    /* Not an article without a title key (the object is some other data). */
    if (!json_is_object(root) || !json_object_get(root, "title")) {
        json_decref(root);
        return IMP_NONE;
    }
    int rc = read_fields(&st, root);
    return finish(&st, root, rc);
}

int imp_json_line_parse(const char *line, size_t len, imp_article *out,
                        char *why, size_t why_cap)
{
    static const char *const text_keys[] = {"text", "content", NULL};
    imp_parse st = begin(out, why, why_cap);

    size_t i = 0;
    while (i < len && is_ws(line[i])) i++;
    if (i == len) return IMP_NONE;

    /* Any JSON value parses, so that a scalar or array is named as such. */
    json_error_t err;
    json_t *root = json_loadb(line, len, JSON_DECODE_ANY, &err);
    if (!root) return parse_error(&st, &err, 0);
    if (!json_is_object(root)) {
        json_decref(root);
        imp_bad(&st, "JSON Lines record is not an object");
        return IMP_MALFORMED;
    }

    int rc = 0;
    const char *key;
    json_t *t = first_present(root, text_keys, &key);
    if (!t) imp_bad(&st, "no text");
    else if (!json_is_string(t)) imp_bad(&st, "%s is not a string", key);
    else if (dup_string(t, &out->text) != 0) rc = -1;
    else out->text_len = json_string_length(t);

    if (rc == 0) rc = read_fields(&st, root);
    return finish(&st, root, rc);
}
