/* input.h - what the input parsers extract from an article, whatever its layout, and what they share */
/*
 * Layouts: markdown with a metadata block or YAML front matter, a JSON
 * article, a JSON Lines record, or a MediaWiki XML page.
 */
#ifndef WPK_INPUT_H
#define WPK_INPUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Parse results shared by every parser. */
enum {
    IMP_NONE = 0,        /* not this layout: nothing extracted */
    IMP_OK = 1,          /* recognised, every present field parsed */
    IMP_MALFORMED = 2    /* recognised but a field (or the syntax) is bad; `why` says which;
                              fields that did parse are filled in */
};

typedef struct imp_article {
    char *title;            /* malloc'd strings, NULL when absent */
    char *language;
    char *url;
    uint64_t page_id;
    int has_page_id;
    int64_t updated_us;     /* last-updated / archived time, microseconds since the epoch, UTC */
    int has_updated;
    char **categories;      /* malloc'd array of malloc'd strings, as written (e.g. "Category:Foo") */
    size_t n_categories;
    int64_t ns;             /* MediaWiki namespace, when has_ns */
    int has_ns;
    char *redirect_to;      /* MediaWiki "#REDIRECT [[Target]]": the target title */
    /* For records that are not files (JSON Lines, XML pages): the article
     * text, which becomes the entry's content. */
    char *text;
    size_t text_len;
    /* The wiki the article comes from, when the input names it (a MediaWiki
     * export's <dbname>, e.g. "enwiki"); NULL otherwise (the library then
     * derives it from the URL or language). */
    char *wiki;
    /* A MediaWiki revision: its <id>, and whether it is not the page's
     * newest (history dumps: imp_mediawiki_read_source with all_revisions). */
    uint64_t revision_id;
    int has_revision_id;
    int is_older_revision;
    /* Its contributor (user name or IP address) and edit summary; the
     * wiki's <sitename> and case rule. Set only by the MediaWiki reader,
     * borrowed from it (imp_article_free leaves them). */
    char *contributor, *comment, *site_name;
    int wiki_case_sensitive;
} imp_article;

void imp_article_free(imp_article *a);          /* frees everything, zeroes; safe on a zeroed struct */
/* Replace control bytes and bytes that are not valid UTF-8 with '?', in
 * place: parser messages quote the input near an error, which may be anything. */
void imp_sanitize(char *s);
/* 1 if s is valid UTF-8 without control characters (tabs and newlines aside). */
int imp_utf8_text(const char *s);
/* Mark a parse IMP_MALFORMED with the reason, unless it already is: the
 * first reason is the one reported. */
void imp_vmalformed(int *status, char *why, size_t why_cap, const char *fmt, va_list ap);
int imp_add_category(imp_article *a, const char *s, size_t len); /* 0 or -1 (out of memory) */
void imp_article_free_categories(imp_article *a); /* frees and clears the categories alone */

/* ---- helpers of the parsers (input.c) ---- */

/* A parse in progress: the article being filled in and its first problem. */
typedef struct imp_parse {
    imp_article *a;
    int status;          /* IMP_OK, or IMP_MALFORMED after imp_bad() */
    char *why;           /* the reason, as for imp_vmalformed(); may be NULL */
    size_t why_cap;
} imp_parse;

/* Marks the parse malformed; keeps only the first reason. */
void imp_bad(imp_parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* imp_bad() quoting a value, shortened to 40 bytes (never inside a UTF-8
 * sequence): `field "value..." what`. */
void imp_bad_value(imp_parse *p, const char *field, const char *v, size_t vn, const char *what);
/* A malloc'd copy of s[0..n) with a NUL after it; NULL when out of memory. */
char *imp_strndup(const char *s, size_t n);
/* Replaces *dst (freed) with imp_strndup(s, n); -1 when out of memory, *dst kept. */
int imp_set_string(char **dst, const char *s, size_t n);
/* s[0..n) as the article's last-updated time: any form imp_parse_time()
 * takes, YYYY-MM-DD (midnight UTC) or a date-time without a zone (UTC);
 * with `compact`, YYYYMMDD_HHMMSS (UTC) too. Else imp_bad_value(... "is not a date"). */
void imp_date_value(imp_parse *p, const char *field, const char *s, size_t n, int compact);
/* s[0..n) as the article's page ID: unsigned decimal digits, 64-bit. Else
 * imp_bad_value(... "is not a number" / "is out of range"). */
void imp_page_id_value(imp_parse *p, const char *field, const char *s, size_t n);

/* How the importers hand a problem to their caller, who decides where it
 * goes (the importers never print): a warning (the input is skipped or
 * partly read, work goes on) or an error (the operation fails). `message`
 * is complete, without a trailing newline, valid only during the call. */
typedef enum { IMP_WARNING, IMP_ERROR } imp_severity;
typedef void (*imp_report_fn)(void *ctx, imp_severity severity, const char *message);

/* 64-bit FNV-1a of p[0..n), continuing from h (IMP_FNV64_INIT to start). */
uint64_t imp_fnv64(uint64_t h, const void *p, size_t n);
#define IMP_FNV64_INIT 0xcbf29ce484222325ULL

#endif
