/* name_alias.h - the alias an article file's name gives its title, unless the name adds nothing */
#ifndef WPK_NAME_ALIAS_H
#define WPK_NAME_ALIAS_H

#include "input.h"

/*
 * The name is the file's base name without its extension, '_' read as a
 * space ("Guido_van_Rossum.md" -> "Guido van Rossum"). It adds nothing, and
 * gives no alias, when it folds (wpk_title_fold, the folded-title index's
 * key) to the title, or to the title followed by separators (' ', '_', '-')
 * and then
 *   - the article's page ID ("ansi_161818635.md" for "ansi", page ID
 *     161818635; leading zeros allowed), or
 *   - something shaped like a time: 8 to 14 digits (20241215,
 *     20241215041851, Unix seconds), YYYYMMDD_HHMM[SS], or
 *     YYYY-MM-DD[(T| )HH(:|-)MM[(:|-)SS][.fraction][Z]].
 * Only the title itself is split from the name, never a number the title
 * ends with: "Apollo_11.md" is the title "Apollo 11", nothing more, and
 * for the title "Apollo" (page ID not 11) it is a real other name.
 *
 * Returns 0 with *alias a malloc'd name to store as an alias, or NULL
 * when the name adds nothing (or is empty, or a has no title); -1 out of
 * memory.
 */
int imp_name_alias(const char *path, const imp_article *a, char **alias);

/* 1 if s is shaped like a time as above (the whole of s), else 0. */
int imp_time_like(const char *s);

#endif
