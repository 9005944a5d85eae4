/* analyze.c - words of a text into folded, stemmed search terms (see analyze.h).
 *
 * ASCII words, most of most texts, take a path of their own: lower case is
 * their whole fold and they have no accents to strip. Other words go
 * through utf8proc into a buffer of code points held by the analyzer, so
 * that no word allocates. */
#include "analyze.h"

#include "common.h"

#include <libstemmer.h>
#include <string.h>
#include <utf8proc.h>

#define WORD_IN_MAX 128  /* bytes of a word taken before folding; the rest is cut */
#define CPS_MAX 1024     /* code points of a folded word: NFKC expands a character up to 18 */
/* Words repeat (a few hundred make half of a text's words): the terms of
 * short words are kept in a direct-mapped cache, keyed by the word's bytes
 * as found. The open_wiki markdown (18 MB, one analyzer): English 49 -> 89
 * MB/s, German 36 -> 91 MB/s. */
#define CACHE_SLOTS 2048
#define CACHE_WORD 24

typedef struct cached {
    uint8_t word_len, term_len; /* word_len 0: empty slot */
    uint8_t word[CACHE_WORD];
    uint8_t term[WPK_TERM_MAX];
} cached;

struct wpk_analyzer {
    struct sb_stemmer *stemmer;
    char language[24];
    utf8proc_int32_t cps[CPS_MAX]; /* reencoded in place as UTF-8 */
    uint8_t term[WPK_TERM_MAX];
    cached cache[CACHE_SLOTS];
};

wpk_analyzer *wpk_analyzer_new(const char *language)
{
    wpk_analyzer *a = wpk_calloc(1, sizeof *a);
    if (!a) return NULL;
    if (language && *language && strlen(language) < sizeof a->language) {
        /* "en-GB" and "pt_BR" stem as "en" and "pt". */
        char base[sizeof a->language];
        size_t n = strcspn(language, "-_");
        memcpy(base, language, n);
        base[n] = 0;
        for (char *c = base; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
        if ((a->stemmer = sb_stemmer_new(base, "UTF_8")) != NULL) memcpy(a->language, base, n + 1);
    }
    if (!a->stemmer) {
        a->stemmer = sb_stemmer_new("en", "UTF_8");
        memcpy(a->language, "en", 3);
    }
    if (!a->stemmer) {
        wpk_free(a);
        return NULL;
    }
    return a;
}

void wpk_analyzer_free(wpk_analyzer *a)
{
    if (!a) return;
    sb_stemmer_delete(a->stemmer);
    wpk_free(a);
}

const char *wpk_analyzer_language(const wpk_analyzer *a) { return a->language; }

static int is_cjk(utf8proc_int32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
}

static int is_word_char(utf8proc_int32_t c)
{
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* Joins the word characters on both sides, and is dropped: apostrophes,
 * the soft hyphen, zero-width (non-)joiners, word joiners. Not the
 * zero-width space, which separates words where spaces are not written. */
static int is_joiner(utf8proc_int32_t c)
{
    return c == '\'' || c == 0x2019 || c == 0xAD || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF;
}

/* Accents and other diacritics, stripped from terms: the combining
 * diacritical blocks, Hebrew points and Arabic harakat. Not the vowel signs
 * and viramas of Indic and South-East Asian scripts, which are letters'
 * parts there (stripped, Hindi's "kitab" would lose its vowels). */
static int is_diacritic(utf8proc_int32_t c)
{
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
        (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F))
        return 1;
    if ((c >= 0x0591 && c <= 0x05C7) || (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
        (c >= 0x06D6 && c <= 0x06ED))
        return utf8proc_category(c) == UTF8PROC_CATEGORY_MN;
    return 0;
}

/* The code point at s[i] (n bytes left), its length in *len; -1 for a byte
 * that starts no valid character (its length 1). */
static utf8proc_int32_t next_cp(const uint8_t *s, size_t n, size_t *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(s, n < 4 ? (utf8proc_ssize_t)n : 4, &c);
    *len = k > 0 ? (size_t)k : 1;
    return k > 0 ? c : -1;
}

/* s[0, n) cut to at most max bytes, at a character boundary. */
static size_t cut_utf8(const uint8_t *s, size_t n, size_t max)
{
    if (n <= max) return n;
    while (max > 0 && (s[max] & 0xC0) == 0x80) max--;
    return max;
}

/* s[0, n) folded (NFKC, full case folding, default-ignorable characters
 * dropped) and stripped of diacritics, into a->cps as UTF-8; its length, or
 * 0 when nothing is left. */
static size_t fold_strip(wpk_analyzer *a, const uint8_t *s, size_t n)
{
    const int options = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    utf8proc_ssize_t k;
    /* One code point spare: reencoding writes a NUL after its output. */
    while ((k = utf8proc_decompose(s, (utf8proc_ssize_t)n, a->cps, CPS_MAX - 1, (utf8proc_option_t)options)) >
           CPS_MAX - 1)
        n = cut_utf8(s, n, n / 2); /* expands beyond the buffer: keep less of it */
    if (k <= 0) return 0;
    utf8proc_ssize_t kept = 0;
    for (utf8proc_ssize_t i = 0; i < k; i++)
        if (!is_diacritic(a->cps[i])) a->cps[kept++] = a->cps[i];
    if (kept == 0) return 0;
    k = utf8proc_reencode(a->cps, kept, (utf8proc_option_t)options);
    return k > 0 ? (size_t)k : 0;
}

/* One word (with its joiners) into a->term; its length, 0 for none.
 * Accents go before stemming, so that a word typed without them meets the
 * same term ("resume" and "résumé"). */
static size_t make_term(wpk_analyzer *a, const uint8_t *w, size_t n, int ascii)
{
    uint8_t low[WORD_IN_MAX];
    size_t k = 0;
    int digits = 1;
    const uint8_t *folded;
    size_t flen;
    if (ascii) {
        for (size_t i = 0; i < n && k < sizeof low; i++) {
            uint8_t c = w[i];
            if (c == '\'') continue;
            if (c < '0' || c > '9') digits = 0;
            low[k++] = c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
        }
        folded = low, flen = k;
    } else {
        for (size_t i = 0; i < n && k < sizeof low; i++) /* ' and U+2019 out; the others are ignorable */
            if (w[i] == '\'') continue;
            else if (w[i] == 0xE2 && i + 2 < n && w[i + 1] == 0x80 && w[i + 2] == 0x99) i += 2;
            else low[k++] = w[i];
        flen = fold_strip(a, low, k);
        folded = (const uint8_t *)a->cps;
        digits = 0;
    }
    if (flen == 0) return 0;
    const uint8_t *t = folded;
    size_t tlen = flen;
    if (!digits) {
        const sb_symbol *st = sb_stemmer_stem(a->stemmer, folded, (int)flen);
        if (st) t = st, tlen = (size_t)sb_stemmer_length(a->stemmer);
    }
    tlen = cut_utf8(t, tlen, WPK_TERM_MAX);
    memcpy(a->term, t, tlen);
    return tlen;
}

static int emit(wpk_analyzer *a, const char *text, size_t at, size_t end, int ascii, uint32_t *position,
                wpk_term_fn fn, void *ctx)
{
    const uint8_t *w = (const uint8_t *)text + at;
    size_t n = end - at < WORD_IN_MAX ? end - at : cut_utf8(w, end - at, WORD_IN_MAX), len;
    cached *c = NULL;
    if (n <= CACHE_WORD) {
        uint32_t h = 2166136261u; /* FNV-1a */
        for (size_t i = 0; i < n; i++) h = (h ^ w[i]) * 16777619u;
        c = &a->cache[h & (CACHE_SLOTS - 1)];
        if (c->word_len == n && !memcmp(c->word, w, n)) {
            memcpy(a->term, c->term, c->term_len);
            len = c->term_len;
            goto found;
        }
    }
    len = make_term(a, w, n, ascii);
    if (c) {
        c->word_len = (uint8_t)n;
        memcpy(c->word, w, n);
        c->term_len = (uint8_t)len;
        memcpy(c->term, a->term, len);
    }
found:
    if (!len) return 0;
    wpk_term t = {a->term, len, at, end - at, (*position)++};
    return fn(ctx, &t);
}

int wpk_analyze(wpk_analyzer *a, const char *text, size_t len, wpk_term_fn fn, void *ctx)
{
    const uint8_t *s = (const uint8_t *)text;
    uint32_t position = 0;
    size_t i = 0;
    while (i < len) {
        size_t cl;
        utf8proc_int32_t c = next_cp(s + i, len - i, &cl);
        if (c < 0 || !is_word_char(c)) {
            i += cl;
            continue;
        }
        if (is_cjk(c)) { /* a word of one character */
            int rc = emit(a, text, i, i + cl, 0, &position, fn, ctx);
            if (rc) return rc;
            i += cl;
            continue;
        }
        size_t start = i, end = i + cl;
        int ascii = c < 0x80;
        i = end;
        while (i < len) {
            c = next_cp(s + i, len - i, &cl);
            if (c >= 0 && is_word_char(c) && !is_cjk(c)) {
                ascii &= c < 0x80;
                i = end = i + cl;
                continue;
            }
            if (c < 0 || !is_joiner(c) || i + cl >= len) break;
            size_t nl; /* a joiner between two word characters */
            utf8proc_int32_t d = next_cp(s + i + cl, len - i - cl, &nl);
            if (d < 0 || !is_word_char(d) || is_cjk(d)) break;
            ascii &= c < 0x80;
            i += cl;
        }
        int rc = emit(a, text, start, end, ascii, &position, fn, ctx);
        if (rc) return rc;
    }
    return WPK_OK;
}
