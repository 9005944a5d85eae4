/* test_analyze.c - words into search terms: folding, stemming, scripts,
 * cuts and bad bytes (lib/search/analyze.c). */
#include "analyze.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

typedef struct got {
    char terms[64][WPK_TERM_MAX + 1];
    size_t at[64], word_len[64];
    uint32_t position[64];
    int n;
} got;

static int collect(void *ctx, const wpk_term *t)
{
    got *g = ctx;
    if (g->n == 64) return 7;
    memcpy(g->terms[g->n], t->term, t->len);
    g->terms[g->n][t->len] = 0;
    g->at[g->n] = t->at;
    g->word_len[g->n] = t->word_len;
    g->position[g->n] = t->position;
    g->n++;
    return 0;
}

static got analyze(const char *lang, const char *text, size_t len)
{
    got g;
    memset(&g, 0, sizeof g);
    wpk_analyzer *a = wpk_analyzer_new(lang);
    CHECK(a != NULL);
    if (a) CHECK(wpk_analyze(a, text, len, collect, &g) == 0);
    wpk_analyzer_free(a);
    return g;
}

/* text's terms, space-separated, equal `want`. */
static void expect(const char *lang, const char *text, const char *want)
{
    got g = analyze(lang, text, strlen(text));
    char all[4096] = "";
    for (int i = 0; i < g.n; i++) {
        if (i) strcat(all, " ");
        strcat(all, g.terms[i]);
    }
    CHECK_MSG(!strcmp(all, want), "[%s] \"%s\": got \"%s\", want \"%s\"", lang ? lang : "-", text, all, want);
}

int main(void)
{
    /* English stems; apostrophes inside words joined and dropped. */
    expect("en", "Running connections, don't!", "run connect dont");
    /* Words met again come from the analyzer's cache: the same terms. */
    expect("en", "Running connections running Running don't don't Café Café", "run connect run run dont dont cafe cafe");
    expect("en", "The people's dogs' bones", "the peopl dog bone");
    expect(NULL, "connections", "connect");      /* no language: English */
    expect("xx", "connections", "connect");      /* no stemmer for it: English */
    expect("en-GB", "connections", "connect");   /* region dropped */
    expect("de", "Häuser", "haus");              /* German's own stemmer */
    /* Case, compatibility forms and accents folded alike. */
    expect("en", "Café CAFÉ cafe", "cafe cafe cafe");
    expect("de", "Straße STRASSE strasse", "strass strass strass");
    expect("en", "\xef\xac\x81nance finance", "financ financ"); /* the ﬁ ligature */
    /* Accents go before stemming: typed with or without, one term. */
    expect("en", "r\xc3\xa9sum\xc3\xa9 resume RÉSUMÉ", "resum resum resum");
    /* Indic vowel signs are letters' parts, not accents: kept. */
    got hi = analyze("hi", "किताब कतब", strlen("किताब कतब"));
    CHECK(hi.n == 2 && strcmp(hi.terms[0], hi.terms[1]) != 0);
    got ta = analyze("ta", "கால் கல்", strlen("கால் கல்"));
    CHECK(ta.n == 2 && strcmp(ta.terms[0], ta.terms[1]) != 0);
    /* A soft hyphen or a zero-width joiner inside a word joins it. */
    expect("de", "Ge\xc2\xadschichte Geschichte", "geschicht geschicht");
    expect("en", "data\xe2\x80\x8c" "base database", "databas databas");
    /* A zero-width space separates. */
    expect("en", "data\xe2\x80\x8b" "base", "data base");
    expect("en", "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 abc", "abc abc"); /* full width */
    /* Digits are words, not stemmed; punctuation separates. */
    expect("en", "In 1999, pi was 3.14; e-mail", "in 1999 pi was 3 14 e mail");
    /* Han and kana: a word a character; Hangul words by spaces. */
    expect("ja", "東京タワー", "東 京 タ ワ ー");
    expect("ko", "한국 위키", "한국 위키");
    /* Bad bytes separate words and are skipped; NUL too. */
    expect("en", "abc\xff\xfe" "def \xc3 ghi", "abc def ghi");
    got nul = analyze("en", "one\0two", 7);
    CHECK(nul.n == 2 && !strcmp(nul.terms[1], "two"));
    /* A long word is cut to WPK_TERM_MAX bytes, at a character boundary. */
    char longw[400];
    memset(longw, 'q', 300);
    longw[300] = 0;
    got lg = analyze("en", longw, 300);
    CHECK(lg.n == 1 && strlen(lg.terms[0]) == WPK_TERM_MAX);
    char wide[400] = "";
    for (int i = 0; i < 100; i++) strcat(wide, "\xc3\xa9" "x"); /* éx x100: 300 bytes */
    got wd = analyze("fr", wide, strlen(wide));
    CHECK(wd.n == 1 && strlen(wd.terms[0]) <= WPK_TERM_MAX && strlen(wd.terms[0]) >= WPK_TERM_MAX - 3);
    /* Places: each word's bytes and number. */
    const char *text = "  Hello, wörld's end";
    got p = analyze("en", text, strlen(text));
    CHECK(p.n == 3);
    CHECK(p.at[0] == 2 && p.word_len[0] == 5 && p.position[0] == 0);
    CHECK(p.at[1] == 9 && p.word_len[1] == 8 && p.position[1] == 1); /* "wörld's": ö is two bytes */
    CHECK(p.at[2] == 18 && p.word_len[2] == 3 && p.position[2] == 2);
    /* The callback stops the walk with its value. */
    got full;
    memset(&full, 0, sizeof full);
    wpk_analyzer *a = wpk_analyzer_new("en");
    char many[1024] = "";
    for (int i = 0; i < 80; i++) strcat(many, "w ");
    CHECK(a && wpk_analyze(a, many, strlen(many), collect, &full) == 7 && full.n == 64);
    CHECK(a && !strcmp(wpk_analyzer_language(a), "en"));
    wpk_analyzer_free(a);
    return check_summary();
}
