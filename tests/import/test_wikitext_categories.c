/* test_wikitext_categories.c - the categories a page's wikitext puts it in */
#include "check.h"
#include "import.h"
#include "wikitext_categories.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char got[4096];
    size_t n;
} list;

static int add(void *ctx, const char *name, size_t len)
{
    list *l = ctx;
    size_t at = strlen(l->got);
    if (at) at += (size_t)snprintf(l->got + at, sizeof l->got - at, "|");
    snprintf(l->got + at, sizeof l->got - at, "%.*s", (int)len, name);
    l->n++;
    return 0;
}

/* The categories of `text` joined by '|'. */
static const char *cats(const char *text, const char *local, int first_letter)
{
    static list l;
    memset(&l, 0, sizeof l);
    CHECK(imp_wikitext_categories(text, strlen(text), local, first_letter, add, &l, NULL) == 0);
    return l.got;
}

#define EXPECT(text, local, first, want)                                                                     \
    do {                                                                                                     \
        const char *g_ = cats(text, local, first);                                                           \
        CHECK_MSG(strcmp(g_, want) == 0, "[%s]: got [%s], want [%s]", text, g_, want);                    \
    } while (0)

int main(void)
{
    EXPECT("[[Category:Cities in Switzerland]]", NULL, 1, "Category:Cities in Switzerland");
    EXPECT("text [[Category:B|sort key]] and [[Category:A]]", NULL, 1, "Category:B|Category:A");
    /* Any case of the namespace, blanks and underscores, first letter. */
    EXPECT("[[ category : music_of   paris ]]", NULL, 1, "Category:Music of paris");
    /* The wiki's own name of the namespace, and the English one. */
    EXPECT("[[Kategorie:Stadt in Sachsen]] [[Category:Ort]]", "Kategorie", 1,
           "Kategorie:Stadt in Sachsen|Kategorie:Ort");
    EXPECT("[[Catégorie:Ville]]", "Catégorie", 1, "Catégorie:Ville");
    /* The first letter upper-cased beyond ASCII; kept on a case-sensitive wiki. */
    EXPECT("[[Category:élan]]", NULL, 1, "Category:Élan");
    EXPECT("[[Category:polish]]", NULL, 0, "Category:polish");
    /* Links to a category, and links in comments or nowiki, do not count. */
    EXPECT("see [[:Category:Maps]]", NULL, 1, "");
    EXPECT("<!-- [[Category:Hidden]] --> <nowiki>[[Category:Shown]]</nowiki> [[Category:Real]]", NULL, 1,
           "Category:Real");
    EXPECT("<pre>[[Category:Code]]</pre><nowiki/>[[Category:After]]", NULL, 1, "Category:After");
    /* Each once; not-a-category namespaces and broken links are skipped. */
    EXPECT("[[Category:X]] [[Category:x]] [[category:X|k]]", NULL, 1, "Category:X");
    EXPECT("[[File:A.png]] [[Template:Category:Y]] [[Category:Z", NULL, 1, "");
    EXPECT("[[Category:]] [[Category:   ]] [[Category:ok]]", NULL, 1, "Category:Ok");
    /* A control character (a NUL, a carriage return) makes no title. */
    static const char nul[] = "[[Category:A\0B]] [[Category:C\rD]] [[Category:ok]]";
    list l0 = {0};
    CHECK(imp_wikitext_categories(nul, sizeof nul - 1, NULL, 1, add, &l0, NULL) == 0);
    CHECK_MSG(!strcmp(l0.got, "Category:Ok"), "got [%s]", l0.got);
    /* An unterminated comment hides the rest. */
    EXPECT("[[Category:A]] <!-- [[Category:B]]", NULL, 1, "Category:A");

    /* A name over 255 bytes is left out; the cap on a page's categories. */
    char *big = malloc(400);
    snprintf(big, 400, "[[Category:%0300d]]", 0);
    EXPECT(big, NULL, 1, "");
    free(big);
    size_t n = (IMP_CATEGORIES_MAX + 10) * 24;
    char *many = malloc(n + 1);
    size_t at = 0;
    for (int i = 0; i < IMP_CATEGORIES_MAX + 10; i++) at += (size_t)sprintf(many + at, "[[Category:C%d]]", i);
    list l = {0};
    size_t dropped = 0;
    CHECK(imp_wikitext_categories(many, at, NULL, 1, add, &l, &dropped) == 0);
    CHECK_MSG(l.n == IMP_CATEGORIES_MAX && dropped == 10, "listed %zu, dropped %zu", l.n, dropped);
    free(many);
    return check_summary();
}
