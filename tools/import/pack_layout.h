/* pack_layout.h - which article layout an input file has, and its metadata. */
#ifndef WPK_PACK_LAYOUT_H
#define WPK_PACK_LAYOUT_H

#include "input.h"

#include <stddef.h>

typedef enum {
    IMP_LAYOUT_AUTO = 0,
    IMP_LAYOUT_MARKDOWN,   /* "# Title" then a "## Article Metadata" / "## Metadata" block */
    IMP_LAYOUT_YAML,       /* markdown with YAML front matter */
    IMP_LAYOUT_JSON,       /* one JSON article per file */
    IMP_LAYOUT_JSONL,      /* JSON Lines: one article per line (records, not files) */
    IMP_LAYOUT_MEDIAWIKI,  /* MediaWiki XML export, possibly compressed (records) */
    IMP_LAYOUT_PLAIN       /* any other file: packed by path */
} imp_layout;

/* "markdown", "yaml", "json", "jsonl", "mediawiki", "plain" or "auto". */
int imp_layout_from_name(const char *name, imp_layout *out);
const char *imp_layout_name(imp_layout l);
/* Decide from the file name and its first bytes (and, for a compressed
 * file or one starting with markup, its first bytes decompressed). When a
 * compressed file cannot be decompressed, the answer is PLAIN and `why`
 * (when why_cap > 0) says why, naming the file; otherwise why is "". */
imp_layout imp_layout_detect(const char *path, const char *head, size_t len, char *why, size_t why_cap);
/* Layouts whose records become entries instead of the file itself. */
int imp_layout_is_records(imp_layout l);
/* Metadata of a file in imp_layout l (markdown, yaml, json; plain gives NONE).
 * Returns IMP_NONE, IMP_OK, IMP_MALFORMED (why filled), or -1 (out of memory). */
int imp_layout_parse_file(imp_layout l, const char *buf, size_t len, imp_article *out, char *why, size_t why_cap);

#endif
