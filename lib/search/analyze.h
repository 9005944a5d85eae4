/* analyze.h - text into search terms: words found, folded and stemmed the
 * same way when an archive is indexed and when it is queried.
 *
 * A word is a run of letters, digits and combining marks (an apostrophe,
 * a soft hyphen or a zero-width joiner between two of them joins them and
 * is dropped: "don't" is "dont"); a Han, Hiragana or Katakana character is
 * a word of its own, since those scripts do not put spaces between words.
 * A word is folded (Unicode compatibility forms, full case folding,
 * default-ignorable characters dropped: NFKC_Casefold, by utf8proc),
 * stripped of accents (not of Indic vowel signs), stemmed by the Snowball
 * stemmer of its language (libstemmer; English when the language has none,
 * none for digits), and cut to WPK_TERM_MAX bytes at a character boundary.
 *
 * An analyzer is about 190 KB (a cache of words) and serves one thread at
 * a time. */
#ifndef WPK_SEARCH_ANALYZE_H
#define WPK_SEARCH_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#define WPK_TERM_MAX 64 /* bytes of a term: longer words are cut */

typedef struct wpk_analyzer wpk_analyzer;

/* language: an ISO 639 code or Snowball name ("en", "de", "english"); NULL,
 * empty or one without a stemmer: English. NULL on allocation failure. */
wpk_analyzer *wpk_analyzer_new(const char *language);
void wpk_analyzer_free(wpk_analyzer *a);
/* The stemmer's language as libstemmer names it, e.g. "en" or "english". */
const char *wpk_analyzer_language(const wpk_analyzer *a);

/* One term of a text: its bytes (not NUL-terminated, valid during the
 * call) and the word's place in the text. A non-zero return stops the walk
 * and is returned by wpk_analyze. */
typedef struct wpk_term {
    const uint8_t *term;
    size_t len;
    size_t at, word_len; /* the word's bytes in the text */
    uint32_t position;   /* the word's number in the text, from 0 */
} wpk_term;
typedef int (*wpk_term_fn)(void *ctx, const wpk_term *t);

/* Every term of text[0, len), in order. Invalid UTF-8 separates words. */
int wpk_analyze(wpk_analyzer *a, const char *text, size_t len, wpk_term_fn fn, void *ctx);

#endif
