/* input_yaml.h - read the YAML front matter of a markdown article, with libyaml */
/*
 * The front matter:
 *
 *   ---
 *   title: Zope Object Database
 *   url: https://en.wikipedia.org/wiki/Zope_Object_Database
 *   language: en
 *   categories: ["Category:Cross-platform software", "Category:Python (programming language) software"]
 *   references: 0
 *   last_modified: 2024-11-24T06:40:49Z
 *   ---
 *
 * The block is parsed with libyaml (pkg-config yaml-0.1).
 */
#ifndef WPK_INPUT_YAML_H
#define WPK_INPUT_YAML_H

#include <stddef.h>

#include "input.h"

/*
 * Parses the front matter at the start of buf (not NUL-terminated, may hold
 * any bytes; never reads past len). *out is overwritten (not freed first).
 *
 *   IMP_NONE: buf does not start with a line "---" (CR LF, trailing blanks
 *     and a UTF-8 BOM allowed) or no closing "---" line follows; *out empty.
 *   IMP_OK: the block is a YAML mapping (or empty) and every field read
 *     below that is present parsed.
 *   IMP_MALFORMED: the block is not valid YAML, why = "YAML front matter,
 *     line N: <libyaml problem> (<libyaml context>)" where N is the line of
 *     the file (1-based; the opening "---" is line 1); or the root is not a
 *     mapping; or it nests collections deeper than 128 levels or has more
 *     than 1024 anchors or 16384 aliases (libyaml 0.2.5 is quadratic in
 *     those); or a field is bad, e.g. "page_id \"12a\" is not a number".
 *     Fields that did parse are filled in. Only the first problem is
 *     reported.
 *
 * Fields read (unknown keys are ignored; a repeated key overrides):
 *   title, url, language            scalars; a plain empty / ~ / null value
 *                                   counts as absent; an explicitly empty
 *                                   title ("") and a string holding a NUL
 *                                   are malformed
 *   categories                      a sequence of scalars, or one scalar
 *                                   (null items are skipped)
 *   last_modified > last_updated > date   (the first present one is used)
 *                                   any form imp_parse_time() takes,
 *                                   plus YYYY-MM-DD (midnight UTC) and a
 *                                   date-time without a zone (UTC, as YAML
 *                                   timestamps are)
 *   page_id > pageid > id           unsigned decimal integer (64-bit)
 *
 * `why` (if non-NULL and why_cap > 0) is "" when there is nothing to report;
 * it is always valid UTF-8 without control characters.
 * Returns the status, or -1 on allocation failure (with *out freed).
 */
int imp_yaml_front_matter_parse(const char *buf, size_t len, imp_article *out,
                                char *why, size_t why_cap);

#endif
