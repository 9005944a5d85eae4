/* input_yaml.c - read the YAML front matter of markdown articles with libyaml */
/*
 * See input_yaml.h for what is accepted. libyaml's document API is used.
 *
 * The delimiters are found on (pointer, length) spans of the caller's
 * buffer; libyaml is given exactly the bytes between them, so nothing is
 * read past len. libyaml checks the UTF-8 itself (forced: a UTF-16 BOM
 * inside the block is an error, not a switch of encoding), rejects control
 * characters, and its loader does not expand aliases.
 */
#include "input_yaml.h"

#include "article_meta.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deepest nesting of collections accepted. libyaml 0.2.5's scanner does
 * work proportional to the flow nesting depth for every token, so a block
 * of 100k '[' would take seconds to minutes; front matter nests a few
 * levels at most. */
#define MAX_DEPTH 128
/* Most anchors and aliases accepted: libyaml's loader looks anchors up
 * (and checks them for duplicates) by linear search. */
#define MAX_ANCHORS 1024
#define MAX_ALIASES 16384

typedef struct { const char *p; size_t n; } span;

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int span_eq(span s, const char *lit)
{
    size_t k = strlen(lit);
    return s.n == k && memcmp(s.p, lit, k) == 0;
}

/* Is the line p[0..n) (without its '\n') a "---" delimiter? */
static int is_delim(const char *p, size_t n)
{
    while (n && is_blank(p[n - 1])) n--;
    return n == 3 && memcmp(p, "---", 3) == 0;
}

/* ---- why ------------------------------------------------------------- */

typedef struct {
    imp_parse base;        /* the article and its first problem (imp_bad) */
    yaml_document_t *doc;
} state;

/* ---- values ---------------------------------------------------------- */

static span scalar(const yaml_node_t *n)
{
    span s = {(const char *)n->data.scalar.value, n->data.scalar.length};
    return s;
}

/* A plain empty, ~ or null scalar: the key counts as absent. */
static int is_null(const yaml_node_t *n)
{
    if (!n) return 1;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    span v = scalar(n);
    return v.n == 0 || span_eq(v, "~") || span_eq(v, "null") || span_eq(v, "Null") ||
           span_eq(v, "NULL");
}

/* Reads a string field into *dst. -1 on OOM. */
static int string_field(state *st, const char *field, const yaml_node_t *n, int empty_is_bad,
                        char **dst)
{
    if (is_null(n)) return 0;
    if (n->type != YAML_SCALAR_NODE) { imp_bad(&st->base, "%s is not a string", field); return 0; }
    span v = scalar(n);
    if (memchr(v.p, '\0', v.n)) { imp_bad(&st->base, "%s contains a NUL character", field); return 0; }
    if (v.n == 0) {
        if (empty_is_bad) imp_bad(&st->base, "%s is empty", field);
        return 0;
    }
    return imp_set_string(dst, v.p, v.n);
}

/* One category scalar; null and empty ones are skipped. -1 on OOM. */
static int category(state *st, const yaml_node_t *n, size_t index)
{
    if (!n || is_null(n)) return 0;
    if (n->type != YAML_SCALAR_NODE) { imp_bad(&st->base, "categories item %zu is not a string", index); return 0; }
    span v = scalar(n);
    if (memchr(v.p, '\0', v.n)) { imp_bad(&st->base, "categories item %zu contains a NUL character", index); return 0; }
    if (v.n == 0) return 0;
    return imp_add_category(st->base.a, v.p, v.n);
}

static int categories_field(state *st, const yaml_node_t *n)
{
    if (is_null(n)) return 0;
    if (n->type == YAML_SCALAR_NODE) return category(st, n, 1);
    if (n->type != YAML_SEQUENCE_NODE) { imp_bad(&st->base, "categories is not a list"); return 0; }
    size_t i = 1;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, i++)
        if (category(st, yaml_document_get_node(st->doc, *it), i) != 0) return -1;
    return 0;
}

static void date_field(state *st, const char *field, const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE) { imp_bad(&st->base, "%s is not a date", field); return; }
    span v = scalar(n);
    imp_date_value(&st->base, field, v.p, v.n, 0);
}

static void page_id_field(state *st, const char *field, const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE) { imp_bad(&st->base, "%s is not a number", field); return; }
    span v = scalar(n);
    imp_page_id_value(&st->base, field, v.p, v.n);
}

/* ---- the mapping ----------------------------------------------------- */

enum { K_TITLE, K_URL, K_LANGUAGE, K_CATEGORIES, K_LAST_MODIFIED, K_LAST_UPDATED, K_DATE,
       K_PAGE_ID, K_PAGEID, K_ID, K_COUNT };

static const char *const key_names[K_COUNT] = {
    "title", "url", "language", "categories", "last_modified", "last_updated", "date",
    "page_id", "pageid", "id"};

/* Reads the known keys of the root mapping. -1 on OOM. */
static int read_mapping(state *st, const yaml_node_t *root)
{
    const yaml_node_t *slot[K_COUNT] = {0};

    /* A repeated key overrides: the last value of each key is kept. */
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(st->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(st->doc, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE) continue;
        span ks = scalar(k);
        for (int i = 0; i < K_COUNT; i++)
            if (span_eq(ks, key_names[i])) slot[i] = v;
    }

    imp_article *a = st->base.a;
    if (string_field(st, "title", slot[K_TITLE], 1, &a->title) != 0 ||
        string_field(st, "url", slot[K_URL], 0, &a->url) != 0 ||
        string_field(st, "language", slot[K_LANGUAGE], 0, &a->language) != 0 ||
        categories_field(st, slot[K_CATEGORIES]) != 0)
        return -1;

    for (int i = K_LAST_MODIFIED; i <= K_DATE; i++)
        if (!is_null(slot[i])) { date_field(st, key_names[i], slot[i]); break; }
    for (int i = K_PAGE_ID; i <= K_ID; i++)
        if (!is_null(slot[i])) { page_id_field(st, key_names[i], slot[i]); break; }
    return 0;
}

/* Fails (IMP_MALFORMED) when collections nest deeper than MAX_DEPTH or
 * there are more than MAX_ANCHORS anchors or MAX_ALIASES aliases, reading
 * only events up to there: libyaml's scanner looks ahead at most a
 * line (1024 characters) for a simple key, so this stays cheap however
 * deep the block goes. Syntax errors are left to the loader, which meets
 * them at the same place. -1 on OOM, else 0 or IMP_MALFORMED. */
static int check_depth(state *st, const char *block, size_t block_len)
{
    yaml_parser_t ps;
    if (!yaml_parser_initialize(&ps)) return -1;
    yaml_parser_set_input_string(&ps, (const unsigned char *)block, block_len);
    yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
    int depth = 0, anchors = 0, aliases = 0, rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&ps, &ev)) {
            if (ps.error == YAML_MEMORY_ERROR) rc = -1;
            break;
        }
        yaml_event_type_t type = ev.type;
        size_t line = ev.start_mark.line;
        int anchored = (type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
                       (type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
                       (type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor);
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT) break;
        if (anchored && ++anchors > MAX_ANCHORS) {
            imp_bad(&st->base, "YAML front matter, line %zu: more than %d anchors", line + 2, MAX_ANCHORS);
            rc = IMP_MALFORMED;
            break;
        }
        if (type == YAML_ALIAS_EVENT && ++aliases > MAX_ALIASES) {
            imp_bad(&st->base, "YAML front matter, line %zu: more than %d aliases", line + 2, MAX_ALIASES);
            rc = IMP_MALFORMED;
            break;
        }
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_DEPTH) {
                imp_bad(&st->base, "YAML front matter, line %zu: nested deeper than %d levels", line + 2, MAX_DEPTH);
                rc = IMP_MALFORMED;
                break;
            }
        } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
    }
    yaml_parser_delete(&ps);
    return rc;
}

/* Reports a libyaml error. -1 on OOM, else IMP_MALFORMED. */
static int yaml_error(state *st, const yaml_parser_t *ps, const char *block, size_t block_len)
{
    if (ps->error == YAML_MEMORY_ERROR) return -1;
    size_t line;                               /* 0-based, within the block */
    char value[16] = "";
    if (ps->error == YAML_READER_ERROR) {
        /* Reader errors carry a byte offset, not a mark. */
        size_t off = ps->problem_offset < block_len ? ps->problem_offset : block_len;
        line = 0;
        for (size_t i = 0; i < off; i++)
            if (block[i] == '\n' || (block[i] == '\r' && (i + 1 >= block_len || block[i + 1] != '\n')))
                line++;
        if (ps->problem_value >= 0) snprintf(value, sizeof value, " 0x%02X", (unsigned)ps->problem_value);
    } else {
        line = ps->problem_mark.line;
    }
    /* The block starts on line 2 of the file. */
    if (ps->context)
        imp_bad(&st->base, "YAML front matter, line %zu: %s%s (%s)", line + 2,
                ps->problem ? ps->problem : "syntax error", value, ps->context);
    else
        imp_bad(&st->base, "YAML front matter, line %zu: %s%s", line + 2,
                ps->problem ? ps->problem : "syntax error", value);
    return IMP_MALFORMED;
}

int imp_yaml_front_matter_parse(const char *buf, size_t len, imp_article *out,
                                char *why, size_t why_cap)
{
    memset(out, 0, sizeof *out);
    if (why && why_cap) why[0] = '\0';

    /* Opening line. */
    size_t pos = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) pos = 3;
    const char *nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
    if (!nl || !is_delim(buf + pos, (size_t)(nl - (buf + pos)))) return IMP_NONE;
    size_t start = (size_t)(nl - buf) + 1, end = 0;
    int closed = 0;

    /* Closing line. */
    for (pos = start; pos < len;) {
        const char *e = memchr(buf + pos, '\n', len - pos);
        size_t n = e ? (size_t)(e - (buf + pos)) : len - pos;
        if (is_delim(buf + pos, n)) { end = pos; closed = 1; break; }
        pos += n + (e != NULL);
    }
    if (!closed) return IMP_NONE;

    const char *block = buf + start;
    size_t block_len = end - start;
    state st = {{out, IMP_OK, why, why_cap}, NULL};
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc = check_depth(&st, block, block_len);
    if (rc != 0) return rc;

    if (!yaml_parser_initialize(&parser)) return -1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)block, block_len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    if (!yaml_parser_load(&parser, &doc)) {
        rc = yaml_error(&st, &parser, block, block_len);
    } else {
        st.doc = &doc;
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        int has_root = root != NULL;
        rc = 0;
        if (!root) {
            /* Empty block (or only comments): front matter with no fields. */
        } else if (root->type != YAML_MAPPING_NODE) {
            imp_bad(&st.base, "YAML front matter is not a mapping");
        } else {
            rc = read_mapping(&st, root);
        }
        yaml_document_delete(&doc);
        st.doc = NULL;
        /* Whatever follows a "..." end marker must be valid YAML too. */
        if (rc == 0 && has_root && st.base.status == IMP_OK) {
            if (!yaml_parser_load(&parser, &doc)) rc = yaml_error(&st, &parser, block, block_len);
            else yaml_document_delete(&doc);
        }
        if (rc == 0) rc = st.base.status;
    }
    yaml_parser_delete(&parser);
    if (rc < 0) {
        imp_article_free(out);
        if (why && why_cap) why[0] = '\0';
    }
    return rc;
}
