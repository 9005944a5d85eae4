/* writer_fold.c - folded titles without keeping most of them.
 *
 * The folded form of a title (title_norm.c) keys the title index
 * and groups versions. For a title in plain ASCII it is the title with
 * underscore and whitespace runs made one space (none at the ends) and
 * letters lowered; such entries keep no copy and their folded form is
 * produced byte by byte when compared. Others keep it after the title. */
#include "writer_internal.h"

#include <stdint.h>
#include <string.h>

/* The bytes of a folded form in order, whether kept or produced. */
typedef struct fold_src {
    const unsigned char *p, *end;
    int derive;                 /* produce from a title; else copy */
    int pending_space, emitted;
} fold_src;

static fold_src src_of_string(const char *s)
{
    return (fold_src){(const unsigned char *)s, (const unsigned char *)s + strlen(s), 0, 0, 0};
}

static fold_src src_of_entry(const wpk_writer *w, const wentry *e)
{
    const char *t = we_title(w, e);
    if (!e->fold_derived) return src_of_string(e->title_len ? t + e->title_len + 1 : "");
    return (fold_src){(const unsigned char *)t, (const unsigned char *)t + e->title_len, 1, 0, 0};
}

/* The next byte, or -1 at the end. */
static int next_byte(fold_src *s)
{
    if (!s->derive) return s->p < s->end ? *s->p++ : -1;
    while (s->p < s->end && wpk_title_space(*s->p)) {
        s->p++;
        s->pending_space = s->emitted;
    }
    if (s->p == s->end) return -1; /* a trailing run is dropped */
    if (s->pending_space) {
        s->pending_space = 0;
        return ' ';
    }
    s->emitted = 1;
    unsigned char c = *s->p++;
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* As strcmp on the two folded forms. */
static int src_cmp(fold_src a, fold_src b)
{
    for (;;) {
        int x = next_byte(&a), y = next_byte(&b);
        if (x != y) return x < y ? -1 : 1;
        if (x < 0) return 0;
    }
}

int wpk_fold_derivable(const char *title, size_t len, const char *fold)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)title[i] >= 0x80) return 0;
    fold_src d = {(const unsigned char *)title, (const unsigned char *)title + len, 1, 0, 0};
    return src_cmp(d, src_of_string(fold)) == 0;
}

int wpk_fold_cmp(const wpk_writer *w, const wentry *a, const wentry *b)
{
    return src_cmp(src_of_entry(w, a), src_of_entry(w, b));
}

int wpk_fold_cmp_str(const wpk_writer *w, const wentry *a, const char *folded)
{
    return src_cmp(src_of_entry(w, a), src_of_string(folded));
}

/* After resolution an alias's `target` holds its folded form. */
static fold_src src_of_item(const wpk_writer *w, wfold f)
{
    return wfold_is_alias(w, f) ? src_of_string(w->aliases[f - w->count].target) : src_of_entry(w, &w->entries[f]);
}

int wpk_fold_item_cmp(const wpk_writer *w, wfold a, wfold b)
{
    return src_cmp(src_of_item(w, a), src_of_item(w, b));
}

size_t wpk_fold_key(const wpk_writer *w, wfold f, char *buf, size_t cap)
{
    fold_src s = src_of_item(w, f);
    size_t n = 0;
    for (int c; (c = next_byte(&s)) >= 0;) {
        if (n == cap) return SIZE_MAX;
        buf[n++] = (char)c;
    }
    return n;
}
