/* name_alias.c - the alias an article file's name gives its title, unless the name adds nothing */
/*
 * Collections often name a file after its title plus a page ID or the time
 * it was fetched. The number is no part of any name people use: as an
 * alias it would only double the folded-title index and fill `find` with
 * "ansi 161818635 -> ansi". The path index keeps the file name either way.
 */
#include "name_alias.h"

#include "wikipack.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t digits(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9') n++;
    return n;
}

/* s at HH(:|-)MM[(:|-)SS][.fraction][Z], to its end. */
static int clock_like(const char *s)
{
    if (digits(s) != 2 || (s[2] != ':' && s[2] != '-') || digits(s + 3) != 2) return 0;
    s += 5;
    if ((*s == ':' || *s == '-') && digits(s + 1) == 2) s += 3;
    if (*s == '.' && digits(s + 1) > 0) s += 1 + digits(s + 1);
    if (*s == 'Z') s++;
    return *s == 0;
}

int imp_time_like(const char *s)
{
    size_t d = digits(s);
    if (s[d] == 0) return d >= 8 && d <= 14;
    if (d == 8 && (s[8] == ' ' || s[8] == '_' || s[8] == 'T' || s[8] == '-')) { /* YYYYMMDD_HHMM[SS] */
        size_t t = digits(s + 9);
        return (t == 4 || t == 6) && s[9 + t] == 0;
    }
    if (d == 4 && s[4] == '-' && digits(s + 5) == 2 && s[7] == '-' && digits(s + 8) == 2) { /* YYYY-MM-DD... */
        if (s[10] == 0) return 1;
        return (s[10] == 'T' || s[10] == ' ' || s[10] == '_') && clock_like(s + 11);
    }
    return 0;
}

/* s is all digits and, leading zeros aside, the page ID. */
static int is_page_id(const char *s, const imp_article *a)
{
    size_t n = digits(s);
    if (!a->has_page_id || n == 0 || s[n] != 0) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    return v == a->page_id;
}

static int is_separator(char c)
{
    return c == ' ' || c == '-';
}

/* 1 if s[0..n) folds to `folded`, 0 if not, -1 out of memory. */
static int folds_to(const char *s, size_t n, const char *folded)
{
    char *f = NULL;
    if (wpk_title_fold(s, n, &f)) return -1;
    int same = strcmp(f, folded) == 0;
    wpk_free(f);
    return same;
}

/* How much of `name` to keep as the alias: 0 when it adds nothing (it is
 * the title, or the title + separators + the page ID or a time), else its
 * length with the first such suffix the title does not hold cut off, else
 * all of it. -1 out of memory. Every split at a separator is tried, since
 * the title may hold separators and numbers of its own. */
static long alias_length(const char *name, const char *title, const char *folded_title, const imp_article *a)
{
    size_t len = strlen(name), keep = len;
    int same = folds_to(name, len, folded_title);
    for (size_t i = 1; name[i] && same == 0; i++) {
        if (!is_separator(name[i]) || is_separator(name[i - 1])) continue;
        size_t j = i;
        while (is_separator(name[j])) j++;
        if (!name[j] || !(is_page_id(name + j, a) || imp_time_like(name + j))) continue;
        same = folds_to(name, i, folded_title);
        if (keep == len && !strstr(title, name + j)) keep = i; /* "Apollo 11" of "Apollo 11 (mission)" stays */
    }
    return same < 0 ? -1 : same ? 0 : (long)keep;
}

int imp_name_alias(const char *path, const imp_article *a, char **alias)
{
    *alias = NULL;
    if (!a->title || !*a->title) return 0;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = strdup(base);
    if (!name) return -1;
    char *dot = strrchr(name, '.');
    if (dot && dot != name) *dot = 0;
    for (char *p = name; *p; p++)
        if (*p == '_') *p = ' ';
    char *ft = NULL;
    long keep = 0; /* an empty name gives no alias */
    if (*name) {
        keep = wpk_title_fold(a->title, strlen(a->title), &ft) ? -1 : alias_length(name, a->title, ft, a);
        wpk_free(ft);
    }
    if (keep > 0) {
        name[keep] = 0;
        *alias = name;
        return 0;
    }
    free(name);
    return keep < 0 ? -1 : 0;
}
