/* import.h - the one public header of the importers (the wikipack_import library) */
#ifndef WPK_IMPORT_H
#define WPK_IMPORT_H

/*
 * Every name this library exports starts with imp_ (IMP_ for constants).
 *
 *   input.h            imp_article, the parse result of every layout;
 *                      imp_report_fn, how problems reach the caller;
 *                      imp_fnv64 and small text helpers
 *   article_meta.h     markdown articles with a "## Metadata" block;
 *                      imp_parse_time / imp_format_time
 *   input_yaml.h       markdown with YAML front matter
 *   input_json.h       JSON articles and JSON Lines records
 *   dump_source.h      a file or stream decompressed (bzip2, gzip, zstd, 7z, xz)
 *   input_mediawiki.h  MediaWiki XML exports, from a dump source
 *   pack_layout.h      which layout a file has, and its metadata
 *   pack_paths.h       entry paths for records that are not files
 *   name_alias.h       the alias a file's name gives, unless it adds nothing
 *   walk.h             the files to pack from the inputs given
 *
 * The importers print nothing: imp_walk_input() and imp_walk_stdin() hand
 * their warnings and errors to imp_walk_list.report, set by the caller.
 */
#include "input.h"
#include "article_meta.h"
#include "input_yaml.h"
#include "input_json.h"
#include "dump_source.h"
#include "input_mediawiki.h"
#include "pack_layout.h"
#include "pack_paths.h"
#include "name_alias.h"
#include "walk.h"

#endif
