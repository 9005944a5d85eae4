/* test_wikitext_html.c - what the wikitext renderer makes of each construct,
 * and that no markup of the page reaches the output */
#include "check.h"
#include "wikitext_html.h"

#include <stdlib.h>
#include <string.h>

static char *link_to_archive(void *ctx, const char *target, size_t len)
{
    (void)ctx;
    if (len == 5 && !memcmp(target, "Paris", 5)) return strdup("/a/A/Paris");
    return NULL;
}

static const wt_opts opts = {link_to_archive, NULL, "https://en.wikipedia.org/wiki/"};

static char *html(const char *text)
{
    wt_buf b = {0};
    CHECK(wt_render_html(text, strlen(text), &opts, &b) == 0);
    return b.p ? b.p : strdup("");
}

#define HAS(text, want)                                                                                     \
    do {                                                                                                    \
        char *h_ = html(text);                                                                              \
        CHECK_MSG(strstr(h_, want) != NULL, "[%s] -> [%s], lacks [%s]", text, h_, want);                    \
        free(h_);                                                                                           \
    } while (0)
#define LACKS(text, bad)                                                                                    \
    do {                                                                                                    \
        char *h_ = html(text);                                                                              \
        CHECK_MSG(strstr(h_, bad) == NULL, "[%s] -> [%s], has [%s]", text, h_, bad);                        \
        free(h_);                                                                                           \
    } while (0)

int main(void)
{
    /* Blocks. */
    HAS("== History ==\ntext", "<h2>History</h2>");
    HAS("=== Sub ===", "<h3>Sub</h3>");
    HAS("one\ntwo\n\nthree", "<p>one\ntwo</p>");
    HAS("* a\n* b\n** c\n# d", "<ul><li>a</li><li>b<ul><li>c</li></ul>\n</li></ul>\n<ol><li>d");
    HAS("; term\n: definition", "<dl><dt>term</dt><dd>definition");
    HAS("{|\n|+ Caption\n! H1 !! H2\n|-\n| a || b\n|}", "<table class=\"wikitable\"><caption> Caption</caption><tr><th>H1</th><th>H2</th></tr><tr><td>a</td><td>b</td></tr></table>");
    HAS("----", "<hr>");
    /* Inline. */
    HAS("'''bold''' and ''italic'' and '''''both'''''", "<b>bold</b> and <i>italic</i> and <i><b>both</b></i>");
    HAS("'''unclosed", "<b>unclosed</b>");
    HAS("[[Paris]]", "<a href=\"/a/A/Paris\">Paris</a>");
    HAS("[[Paris|the city]]", "<a href=\"/a/A/Paris\">the city</a>");
    HAS("[[jazz music]]", "<a href=\"https://en.wikipedia.org/wiki/Jazz_music\" class=\"ext-wiki\">jazz music</a>");
    HAS("[[#Section|here]]", "<p>here</p>");
    HAS("[https://example.org/x?a=1&b=2 Example]", "<a rel=\"nofollow\" class=\"external\" href=\"https://example.org/x?a=1&amp;b=2\">Example</a>");
    HAS("[[File:A.jpg|thumb|upright|A caption with [[Paris]]]]", "[image: A caption with <a href=\"/a/A/Paris\">Paris</a>]");
    LACKS("[[Category:Cities]] text", "Cities");
    HAS("a&nbsp;b &amp; c", "a&nbsp;b &amp; c");
    /* References: numbered, listed at <references/> or at the end. */
    HAS("Fact.<ref>A source.</ref> More.<ref name=\"x\">{{cite web |url=https://x.org |title=X Site |website=X}}</ref>\n<references/>",
        "<ol class=\"notes\"><li id=\"note-1\">A source.</li><li id=\"note-2\"><a rel=\"nofollow\" class=\"external\" href=\"https://x.org\">X Site</a>, <i>X</i>. </li></ol>");
    HAS("Fact.<ref>Only one.</ref>", "<h2>Notes</h2>");
    /* Templates: infoboxes as a table, others left out. */
    HAS("{{Infobox city\n| name = Paris\n| image = P.jpg\n| country = [[France]]\n}}\nText", "<table class=\"infobox\"><tr><th>name</th><td>Paris</td></tr><tr><th>country</th>");
    LACKS("{{Use dmy dates|date=June 2013}}Text", "dmy");
    LACKS("{{outer|{{inner}}}}Text", "inner");
    LACKS("<!-- hidden -->Text", "hidden");
    LACKS("__NOTOC__", "NOTOC");
    HAS("<nowiki>[[not a link]] '''x'''</nowiki>", "[[not a link]] &#39;&#39;&#39;x&#39;&#39;&#39;");
    /* Nothing of the page's markup passes: tags, attributes, scripts, URLs. */
    LACKS("<script>alert(1)</script>", "<script");
    HAS("<script>alert(1)</script>", "alert(1)");
    LACKS("<b onclick=\"x()\">b</b>", "onclick");
    LACKS("<img src=x onerror=alert(1)>", "<img");
    LACKS("[javascript:alert(1) click]", "href=\"javascript");
    /* A quote in a URL or link target cannot close the attribute. */
    HAS("[https://example.org/a\"onmouseover=\"x click]", "href=\"https://example.org/a&quot;onmouseover=&quot;x\"");
    LACKS("[https://example.org/a\"onmouseover=\"x click]", "\"onmouseover");
    LACKS("[[Foo\" onclick=\"x|label]]", "\" onclick");
    LACKS("[[Paris|<span style=\"x\">y</span>]]", "<span");
    LACKS("{{cite web|url=javascript:alert(1)|title=T}}<ref>{{cite web|url=javascript:x|title=T}}</ref>", "javascript:x\"");
    LACKS("\"><script>", "\"><script");
    LACKS("a\x01R0\x01b\x01N\x01", "note-");
    HAS("<br> and <br/>", "<br> and <br>");
    /* Plain text. */
    wt_buf t = {0};
    const char *src = "== H ==\n'''Bold''' [[Paris|city]]<ref>n</ref>\n* item";
    CHECK(wt_render_text(src, strlen(src), &t) == 0);
    CHECK_MSG(t.p && strstr(t.p, "== H ==") && strstr(t.p, "Bold city[1]") && strstr(t.p, "* item") && !strchr(t.p, '<'),
              "text: [%s]", t.p ? t.p : "");
    wt_buf_free(&t);
    /* At most one empty line between blocks, none first. */
    const char *paras = "First paragraph.\n\nSecond one.\n\n\n\n== Next ==\n\nThird.\n* a\n* b\n\nEnd.";
    wt_buf p = {0};
    CHECK(wt_render_text(paras, strlen(paras), &p) == 0);
    CHECK_MSG(p.p && p.p[0] == 'F' && !strstr(p.p, "\n\n\n") && strstr(p.p, "First paragraph.\n\nSecond one.\n\n") &&
                  strstr(p.p, "== Next ==\n\nThird."),
              "text: [%s]", p.p ? p.p : "");
    wt_buf_free(&p);
    /* Bounded: deep nesting and a long page stay within their limits. */
    size_t n = 200000;
    char *deep = malloc(n + 1);
    for (size_t i = 0; i < n; i++) deep[i] = "{["[i % 2];
    deep[n] = 0;
    wt_buf d = {0};
    CHECK(wt_render_html(deep, n, &opts, &d) == 0 && d.len <= WT_MAX_OUTPUT(n) + 100);
    wt_buf_free(&d);
    free(deep);
    return check_summary();
}
