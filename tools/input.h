/* input.h - what the input parsers extract from an article, whatever its
 * layout: markdown with a metadata block or YAML front matter, a JSON
 * article, a JSON Lines record, or a MediaWiki XML page. */
#ifndef WPK_INPUT_H
#define WPK_INPUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Parse results shared by every parser. */
enum {
    INPUT_NONE = 0,        /* not this layout: nothing extracted */
    INPUT_OK = 1,          /* recognised, every present field parsed */
    INPUT_MALFORMED = 2    /* recognised but a field (or the syntax) is bad; `why` says which;
                              fields that did parse are filled in */
};

typedef struct input_article {
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
} input_article;

void input_article_free(input_article *a);          /* frees everything, zeroes; safe on a zeroed struct */
/* Replace control bytes and bytes that are not valid UTF-8 with '?', in
 * place: parser messages quote the input near an error, which may be anything. */
void input_sanitize(char *s);
/* 1 if s is valid UTF-8 without control characters (tabs and newlines aside). */
int input_utf8_text(const char *s);
/* Mark a parse INPUT_MALFORMED with the reason, unless it already is: the
 * first reason is the one reported. */
void input_vmalformed(int *status, char *why, size_t why_cap, const char *fmt, va_list ap);
int input_add_category(input_article *a, const char *s, size_t len); /* 0 or -1 (out of memory) */

#endif
