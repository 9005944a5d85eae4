/* wikitext_categories.h - the categories a MediaWiki page puts itself in */
/*
 * A page joins a category by a link "[[Category:Name]]" or "[[Category:Name|sort
 * key]]" anywhere in its text, the namespace spelled in the wiki's language
 * ("Kategorie" on a German wiki, as its dump's <siteinfo> names namespace
 * 14) or in English, in any case. "[[:Category:Name]]" only links to the
 * category; links inside <!-- comments --> and <nowiki>, <pre> or <source>
 * sections do not count. Names are normalised as MediaWiki does: blanks
 * and underscores collapsed to one space, trimmed, and (on wikis whose
 * titles ignore the case of their first letter) the first letter upper-cased.
 */
#ifndef WPK_WIKITEXT_CATEGORIES_H
#define WPK_WIKITEXT_CATEGORIES_H

#include <stddef.h>

/* A category name is at most this long (MediaWiki's titles: 255 bytes). */
#define IMP_CATEGORY_NAME_MAX 255
/* A page's categories beyond this many are not listed (with a warning). */
#define IMP_CATEGORIES_MAX 4096

/* Called with each category, once, in order of first appearance, spelled
 * "<Prefix>:<Name>" where Prefix is `local_name` (the wiki's own name of
 * the namespace, or "Category" when NULL). Returns 0 to go on, non-zero to
 * stop (the value is returned). */
typedef int (*imp_category_fn)(void *ctx, const char *name, size_t len);

/* Scans text[0..n). first_letter: the wiki's titles ignore their first
 * letter's case (MediaWiki's "first-letter" rule). Returns 0, the callback's
 * non-zero value, or -1 when out of memory. *dropped counts the categories
 * left out for IMP_CATEGORIES_MAX (may be NULL). */
int imp_wikitext_categories(const char *text, size_t n, const char *local_name, int first_letter,
                            imp_category_fn fn, void *ctx, size_t *dropped);

#endif
