/* pack_layout.h - which article layout an input file has, and its metadata. */
#ifndef WPK_PACK_LAYOUT_H
#define WPK_PACK_LAYOUT_H

#include "input.h"

#include <stddef.h>

typedef enum {
    LAYOUT_AUTO = 0,
    LAYOUT_MARKDOWN,   /* "# Title" then a "## Article Metadata" / "## Metadata" block */
    LAYOUT_YAML,       /* markdown with YAML front matter */
    LAYOUT_JSON,       /* one JSON article per file */
    LAYOUT_JSONL,      /* JSON Lines: one article per line (records, not files) */
    LAYOUT_MEDIAWIKI,  /* MediaWiki XML export, possibly compressed (records) */
    LAYOUT_PLAIN       /* any other file: packed by path */
} layout;

/* "markdown", "yaml", "json", "jsonl", "mediawiki", "plain" or "auto". */
int layout_from_name(const char *name, layout *out);
const char *layout_name(layout l);
/* Decide from the file name and its first bytes. */
layout layout_detect(const char *path, const char *head, size_t len);
/* Layouts whose records become entries instead of the file itself. */
int layout_is_records(layout l);
/* Metadata of a file in layout l (markdown, yaml, json; plain gives NONE).
 * Returns INPUT_NONE, INPUT_OK, INPUT_MALFORMED (why filled), or -1 (out of memory). */
int layout_parse_file(layout l, const char *buf, size_t len, input_article *out, char *why, size_t why_cap);

#endif
