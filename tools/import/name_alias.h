/* name_alias.h - the alias an article file's name gives its title, unless the name adds nothing */
#ifndef WPK_NAME_ALIAS_H
#define WPK_NAME_ALIAS_H

#include "input.h"

/*
 * The name is the file's base name without its extension, '_' read as a
 * space ("Guido_van_Rossum.md" -> "Guido van Rossum"). A suffix after
 * separators (' ', '_', '-') that is
 *   - the article's page ID (leading zeros allowed), or
 *   - shaped like a time: 8 to 14 digits (20241215, 20241215041851, Unix
 *     seconds), YYYYMMDD_HHMM[SS], or
 *     YYYY-MM-DD[(T| )HH(:|-)MM[(:|-)SS][.fraction][Z]]
 * is no part of a name, and is cut off ("BlueBream_34472.md" for "Zope",
 * page ID 34472, gives "BlueBream") unless the title holds it too
 * ("Apollo_11.md" for "Apollo 11 (mission)", page ID 11, gives "Apollo 11").
 * The name gives no alias when it, or what is left of it, folds
 * (wpk_title_fold, the folded-title index's key) to the title:
 * "ansi_161818635.md" for "ansi", page ID 161818635, gives none.
 * Only separators split: for the title "Apollo 1", page ID 1, "Apollo_11.md"
 * gives "Apollo 11".
 *
 * Returns 0 with *alias a malloc'd name to store as an alias, or NULL
 * when the name adds nothing (or is empty, or the article has no title); -1 out of
 * memory.
 */
int imp_name_alias(const char *path, const imp_article *a, char **alias);

/* 1 if s is shaped like a time as above (the whole of s), else 0. */
int imp_time_like(const char *s);

#endif
