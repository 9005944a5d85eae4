/* test_title_url.c - wpk_title_from_url: the title a Wikipedia-style URL points to, as the command line has always read it. */
#include "check.h"
#include "wikipack.h"

#include <string.h>

/* The answers of the command line's own reading (formerly tools/wiki_url.c), edge
 * cases included: the first "title=" is the one looked at, a '%' without
 * two hex digits after it stays as it is. */
static const struct { const char *url, *title; } cases[] = {
    {"https://en.wikipedia.org/wiki/Alan_Turing", "Alan Turing"},
    {"https://en.wikipedia.org/wiki/Alan_Turing#Early_life", "Alan Turing"},
    {"https://en.wikipedia.org/wiki/C%2B%2B?action=view", "C++"},
    {"/wiki/Caf%C3%A9_au_lait", "Café au lait"},
    {"/wiki/", NULL},
    {"/wiki/%00x", NULL},
    {"/wiki/100%", "100%"},
    {"/wiki/%4", "%4"},
    {"/wiki/%zz_a+b", "%zz a+b"},
    {"https://en.wikipedia.org/w/index.php?title=Main_Page&action=edit", "Main Page"},
    {"https://en.wikipedia.org/w/index.php?action=edit&title=A+b%20c#top", "A b c"},
    {"title=Bare", "Bare"},
    {"https://example.org/?subtitle=Not_this", NULL},
    {"https://example.org/?subtitle=x&title=This", NULL},
    {"https://example.org/?title=", NULL},
    {"https://example.org/page", NULL},
    {"", NULL},
};

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *url = cases[i].url, *want = cases[i].title;
        char *got = NULL;
        int rc = wpk_title_from_url(url, &got);
        if (want)
            CHECK_MSG(rc == WPK_OK && got && strcmp(got, want) == 0, "%s: \"%s\", not \"%s\" (rc %d)", url,
                      got ? got : "", want, rc);
        else
            CHECK_MSG(rc == WPK_E_NOTFOUND && got == NULL, "%s: rc %d, not WPK_E_NOTFOUND", url, rc);
        wpk_free(got);
    }
    char *t = (char *)"unset";
    CHECK(wpk_title_from_url(NULL, &t) == WPK_E_INVALID && t == NULL);
    CHECK(wpk_title_from_url("/wiki/A", NULL) == WPK_E_INVALID);
    return check_summary();
}
