/* wikitext_categories.c - the categories a MediaWiki page puts itself in (see the header) */
#include "wikitext_categories.h"

#include "input.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* s[0..n) starts with `word`, ASCII letters in any case. */
static int starts_nocase(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (n < k) return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(s[i]) != lower(word[i])) return 0;
    return 1;
}

static int eq_nocase(const char *s, size_t n, const char *word) { return strlen(word) == n && starts_nocase(s, n, word); }

/* Where a section that holds no links ends: past "-->" of a comment or the
 * closing tag of nowiki, pre, source, syntaxhighlight; i itself when t[i]
 * starts none. An unclosed one runs to the end of the text. */
static size_t skip_unlinked(const char *t, size_t n, size_t i)
{
    static const char *const tags[] = {"nowiki", "pre", "source", "syntaxhighlight"};
    if (n - i >= 4 && !memcmp(t + i, "<!--", 4)) {
        for (size_t j = i + 4; j + 3 <= n; j++)
            if (!memcmp(t + j, "-->", 3)) return j + 3;
        return n;
    }
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
        size_t len = strlen(tags[k]);
        if (n - i < len + 2 || !starts_nocase(t + i + 1, n - i - 1, tags[k])) continue;
        char after = t[i + 1 + len];
        if (after != '>' && after != ' ' && after != '/' && after != '\t' && after != '\n') continue;
        /* a self-closed <nowiki/> holds nothing */
        const char *gt = memchr(t + i, '>', n - i);
        if (!gt) return n;
        if (gt > t + i && gt[-1] == '/') return (size_t)(gt - t) + 1;
        for (size_t j = (size_t)(gt - t) + 1; j + len + 3 <= n; j++)
            if (t[j] == '<' && t[j + 1] == '/' && starts_nocase(t + j + 2, n - j - 2, tags[k]) && t[j + 2 + len] == '>')
                return j + len + 3;
        return n;
    }
    return i;
}

typedef struct {
    char **names;
    size_t *lens;
    size_t count, cap;
} seen_set;

static int seen_has(const seen_set *s, const char *p, size_t n)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->lens[i] == n && !memcmp(s->names[i], p, n)) return 1;
    return 0;
}

static int seen_add(seen_set *s, const char *p, size_t n)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **names = realloc(s->names, cap * sizeof *names);
        if (!names) return -1;
        s->names = names;
        size_t *lens = realloc(s->lens, cap * sizeof *lens);
        if (!lens) return -1;
        s->lens = lens;
        s->cap = cap;
    }
    char *copy = malloc(n);
    if (!copy) return -1;
    memcpy(copy, p, n);
    s->names[s->count] = copy;
    s->lens[s->count++] = n;
    return 0;
}

static void seen_free(seen_set *s)
{
    for (size_t i = 0; i < s->count; i++) free(s->names[i]);
    free(s->names);
    free(s->lens);
}

/* "Prefix:" + the name normalised into out; its length, or 0 when the
 * name is empty, too long or not valid UTF-8. */
static size_t normalise(const char *prefix, const char *p, size_t n, int first_letter, char *out, size_t cap)
{
    size_t k = strlen(prefix);
    if (k + 1 >= cap) return 0;
    memcpy(out, prefix, k);
    out[k++] = ':';
    size_t start = k;
    int blank = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i] == '_' || p[i] == '\t' ? ' ' : p[i];
        if ((unsigned char)c < 0x20 || c == 0x7f) return 0; /* a control character: not a title */
        if (c == ' ') {
            blank = 1;
            continue;
        }
        if (blank && k > start) {
            if (k + 1 >= cap) return 0;
            out[k++] = ' ';
        }
        blank = 0;
        if (k + 1 >= cap) return 0;
        out[k++] = c;
    }
    if (k == start || k - start > IMP_CATEGORY_NAME_MAX) return 0;
    out[k] = 0;
    if (!imp_utf8_text(out + start)) return 0; /* not UTF-8 text */
    if (first_letter) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)out + start, (utf8proc_ssize_t)(k - start), &cp);
        utf8proc_int32_t up = utf8proc_toupper(cp);
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t up_len = len > 0 ? utf8proc_encode_char(up, enc) : 0;
        if (len > 0 && up != cp && up_len == len) memcpy(out + start, enc, (size_t)len);
    }
    out[k] = 0;
    return k;
}

int imp_wikitext_categories(const char *t, size_t n, const char *local_name, int first_letter, imp_category_fn fn,
                            void *ctx, size_t *dropped)
{
    const char *prefix = local_name && *local_name ? local_name : "Category";
    seen_set seen = {0};
    char name[IMP_CATEGORY_NAME_MAX * 2 + 64];
    int rc = 0;
    if (dropped) *dropped = 0;
    for (size_t i = 0; i < n && !rc;) {
        if (t[i] == '<') {
            size_t past = skip_unlinked(t, n, i);
            i = past > i ? past : i + 1;
            continue;
        }
        if (t[i] != '[' || i + 1 >= n || t[i + 1] != '[') {
            i++;
            continue;
        }
        i += 2;
        size_t a = i;
        while (a < n && (t[a] == ' ' || t[a] == '\t')) a++;
        if (a < n && t[a] == ':') continue; /* [[:Category:X]]: a link to the category */
        const char *colon = memchr(t + a, ':', n - a);
        const char *close = NULL;
        for (size_t j = a; j + 1 < n && j - a < 4096; j++) {
            if (t[j] == '\n' || (t[j] == '[' && t[j + 1] == '[')) break;
            if (t[j] == ']' && t[j + 1] == ']') {
                close = t + j;
                break;
            }
        }
        if (!colon || !close || colon > close) continue;
        size_t ns_len = (size_t)(colon - (t + a));
        while (ns_len && (t[a + ns_len - 1] == ' ' || t[a + ns_len - 1] == '\t')) ns_len--;
        if (!eq_nocase(t + a, ns_len, "Category") && !eq_nocase(t + a, ns_len, prefix)) continue;
        const char *p = colon + 1, *end = close;
        const char *bar = memchr(p, '|', (size_t)(end - p));
        if (bar) end = bar;
        size_t len = normalise(prefix, p, (size_t)(end - p), first_letter, name, sizeof name);
        i = (size_t)(close - t) + 2;
        if (!len || seen_has(&seen, name, len)) continue;
        if (seen.count >= IMP_CATEGORIES_MAX) {
            if (dropped) (*dropped)++;
            continue;
        }
        if (seen_add(&seen, name, len) != 0) {
            rc = -1;
            break;
        }
        rc = fn(ctx, name, len);
    }
    seen_free(&seen);
    return rc;
}
