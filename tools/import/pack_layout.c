/* pack_layout.c - detect an input file's article layout and read its metadata with that layout's parser */
#include "pack_layout.h"

#include "article_meta.h"
#include "input_json.h"
#include "dump_source.h"
#include "input_mediawiki.h"
#include "input_yaml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {"auto", "markdown", "yaml", "json", "jsonl", "mediawiki", "plain"};

int imp_layout_from_name(const char *name, imp_layout *out)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) {
            *out = (imp_layout)i;
            return 0;
        }
    return -1;
}

const char *imp_layout_name(imp_layout l) { return names[l]; }

int imp_layout_is_records(imp_layout l) { return l == IMP_LAYOUT_JSONL || l == IMP_LAYOUT_MEDIAWIKI; }

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

imp_layout imp_layout_detect(const char *path, const char *head, size_t len, char *why, size_t why_cap)
{
    if (why_cap) why[0] = 0;
    /* A dump by its content, whatever its name: Wikimedia's split parts
     * are named "...xml-p10p30302.bz2", others rename theirs. Only files
     * that are compressed or begin with markup or a byte-order mark are
     * opened a second time to be looked at decompressed. */
    const unsigned char *h = (const unsigned char *)head;
    int compressed = imp_source_is_compressed(head, len);
    int markup = len >= 1 && (h[0] == '<' || h[0] == 0xEF || h[0] == 0xFF || h[0] == 0xFE || h[0] == ' ' || h[0] == '\n');
    if (compressed || markup || ends_with(path, ".xml")) {
        if (imp_mediawiki_is_dump(path, compressed ? why : NULL, compressed ? why_cap : 0) == 1) return IMP_LAYOUT_MEDIAWIKI;
        if (ends_with(path, ".xml") || compressed) return IMP_LAYOUT_PLAIN;
    }
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return IMP_LAYOUT_JSONL;
    if (ends_with(path, ".json")) return IMP_LAYOUT_JSON;
    if (len >= 4 && (!memcmp(head, "---\n", 4) || (len >= 5 && !memcmp(head, "---\r\n", 5)))) return IMP_LAYOUT_YAML;
    if (len >= 2 && head[0] == '#' && head[1] == ' ') return IMP_LAYOUT_MARKDOWN;
    return IMP_LAYOUT_PLAIN;
}

/* The metadata-block parser has its own struct; move it into an imp_article. */
static int parse_markdown(const char *buf, size_t len, imp_article *out, char *why, size_t why_cap)
{
    imp_meta m;
    int st = imp_meta_parse(buf, len, &m, why, why_cap);
    if (st < 0) return -1;
    out->title = m.title;
    out->language = m.language;
    out->url = m.url;
    out->page_id = m.page_id;
    out->has_page_id = m.has_page_id;
    out->updated_us = m.updated_us;
    out->has_updated = m.has_updated;
    memset(&m, 0, sizeof m); /* ownership moved */
    if (st != IMP_NONE && imp_meta_categories(buf, len, out) != 0) return -1;
    return st;
}

int imp_layout_parse_file(imp_layout l, const char *buf, size_t len, imp_article *out, char *why, size_t why_cap)
{
    memset(out, 0, sizeof *out);
    switch (l) {
    case IMP_LAYOUT_MARKDOWN: return parse_markdown(buf, len, out, why, why_cap);
    case IMP_LAYOUT_YAML: return imp_yaml_front_matter_parse(buf, len, out, why, why_cap);
    case IMP_LAYOUT_JSON: return imp_json_article_parse(buf, len, out, why, why_cap);
    default: return IMP_NONE;
    }
}
