/* test_plain.c - an article's plain text from wikitext, HTML and markdown:
 * each rule, hostile input, the cap (lib/search/plain.c). */
#include "plain.h"
#include "check.h"

#include "wikipack.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *plain(wpk_markup m, const char *src, size_t len, size_t cap, size_t *out_len)
{
    char *out = NULL;
    CHECK(wpk_plain_text(m, src, len, cap, &out, out_len) == WPK_OK);
    CHECK(out != NULL && out[*out_len] == 0 && strlen(out) <= *out_len);
    CHECK(*out_len <= cap);
    return out;
}

static void expect_cap(wpk_markup m, const char *src, size_t cap, const char *want)
{
    size_t n = 0;
    char *got = plain(m, src, strlen(src), cap, &n);
    CHECK_MSG(got && !strcmp(got, want) && n == strlen(want), "[%d cap %zu] \"%s\": got \"%s\", want \"%s\"", (int)m,
              cap, src, got ? got : "(null)", want);
    wpk_free(got);
}

static void expect(wpk_markup m, const char *src, const char *want) { expect_cap(m, src, 1 << 20, want); }

#define WIKI(src, want) expect(WPK_MARKUP_WIKITEXT, src, want)
#define HTML(src, want) expect(WPK_MARKUP_HTML, src, want)
#define MD(src, want) expect(WPK_MARKUP_MARKDOWN, src, want)

static int valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!k || i + k > n) return 0;
        for (size_t j = 1; j < k; j++)
            if ((p[i + j] & 0xC0) != 0x80) return 0;
        i += k;
    }
    return 1;
}

static void test_markup_of(void)
{
    CHECK(wpk_markup_of("text/x-wiki") == WPK_MARKUP_WIKITEXT);
    CHECK(wpk_markup_of("text/html") == WPK_MARKUP_HTML);
    CHECK(wpk_markup_of("text/html; charset=utf-8") == WPK_MARKUP_HTML);
    CHECK(wpk_markup_of("Text/HTML") == WPK_MARKUP_HTML);
    CHECK(wpk_markup_of("application/xhtml+xml") == WPK_MARKUP_HTML);
    CHECK(wpk_markup_of("text/markdown") == WPK_MARKUP_MARKDOWN);
    CHECK(wpk_markup_of("text/x-markdown") == WPK_MARKUP_MARKDOWN);
    CHECK(wpk_markup_of("text/plain") == WPK_MARKUP_PLAIN);
    CHECK(wpk_markup_of("text/csv") == WPK_MARKUP_PLAIN);
    CHECK(wpk_markup_of(NULL) == WPK_MARKUP_PLAIN);
    CHECK(wpk_markup_of("") == WPK_MARKUP_PLAIN);
    CHECK(wpk_markup_of("image/png") == -1);
    CHECK(wpk_markup_of("application/octet-stream") == -1);
    CHECK(wpk_markup_of("application/x-a-media-type-longer-than-forty-bytes") == -1);
    /* By length, as an entry page stores a type: no NUL needed, and a NUL
     * inside is a byte of the type. */
    CHECK(wpk_markup_of_n("text/htmlXYZ", 9) == WPK_MARKUP_HTML);
    CHECK(wpk_markup_of_n("text/x-wiki; x", 14) == WPK_MARKUP_WIKITEXT);
    CHECK(wpk_markup_of_n("\0image/png", 10) == -1);
    CHECK(wpk_markup_of_n("text/html\0", 10) == WPK_MARKUP_PLAIN);
    CHECK(wpk_markup_of_n("image/png", 0) == WPK_MARKUP_PLAIN);
    CHECK(wpk_markup_of_n("text", 4) == -1);
}

static void test_wikitext(void)
{
    /* Templates, nested, dropped; triple braces too. */
    WIKI("a {{cite|x={{b|{{c}}}}}} b", "a b");
    WIKI("{{Infobox\n| name = X\n| born = {{birth date|1900|1|1}}\n}}\n'''X''' was a man.", "X was a man.");
    WIKI("x {{{1|default}}} y", "x y");
    /* An unclosed template is text, as MediaWiki shows it; later ones still go. */
    WIKI("a {{b c", "a {{b c");
    WIKI("a {{b {{c}} d", "a {{b d");
    WIKI("{{x {{y}} z {{w", "{{x z {{w");
    WIKI("{{{{a}} b", "{{ b");
    /* Links. */
    WIKI("[[Paris]] and [[France|the country]].", "Paris and the country.");
    WIKI("[[Paris]]ian [[Foo (bar)|]] [[:Category:Cities]]", "Parisian Foo (bar) Category:Cities");
    WIKI("[[File:Eiffel.jpg|thumb|The [[Eiffel Tower]] at night]]Text", "Text");
    WIKI("a [[Image:x.png]] b [[Category:Towers|Eiffel]] c", "a b c");
    WIKI("a [[Datei:Turm.JPG|mini|Ein Turm]] b", "a b");
    WIKI("a [[Fichier:Carte.svg]] b [[Wikt:word]]", "a b Wikt:word");
    WIKI("[[a|''b'' [[c]]]]", "b c"); /* MediaWiki would not nest, but the text is there */
    WIKI("[[no end and more", "[[no end and more");
    WIKI("[http://example.org the site] and [https://x.org] [ftp://y z w]", "the site and z w");
    WIKI("[not a link] [[a]]", "[not a link] a");
    /* Bold and italics. */
    WIKI("'''bold''' ''it'' '''''both''''' l'arbre ''''four''''", "bold it both l'arbre 'four'");
    /* Headings on their own line. */
    WIKI("Intro\n== History ==\nText", "Intro\nHistory\nText");
    WIKI("a\n=== Early life===  \nb", "a\nEarly life\nb");
    WIKI("=== Uneven ==\nb", "= Uneven\nb");
    WIKI("= not one\nx = y", "= not one\nx = y");
    /* Lists, definitions, rules. */
    WIKI("* one\n** two\n# three\n: indented\n; term : def", "one\ntwo\nthree\nindented\nterm : def");
    WIKI("a\n----\nb", "a\nb");
    WIKI("#REDIRECT [[Target]]", "Target");
    /* References and comments. */
    WIKI("Fact.<ref>{{cite web|url=x}}</ref> Next<ref name=\"a\" /> end.", "Fact. Next end.");
    WIKI("a<REF group=n>note</ref>b<ref>unclosed", "abunclosed");
    WIKI("a<!-- hidden {{x}} -->b<!-- unclosed", "ab");
    /* Other tags dropped, their text kept; nowiki and math text without markup. */
    WIKI("<span style=\"x\">red</span> <small>s</small>", "red s");
    WIKI("<nowiki>{{not}} [[a]]</nowiki> <math>x^2</math>", "{{not}} [[a]] x^2");
    WIKI("a<br>b<br />c", "a\nb\nc");
    WIKI("1 < 2 and x<y", "1 < 2 and x<y");
    /* Magic words. */
    WIKI("__TOC__\nText __NOTOC__ snake__case __init__", "Text snake__case __init__");
    /* Entities. */
    WIKI("&amp; &lt;b&gt; &quot;q&quot; a&nbsp;b &#65;&#x42;&#x20AC; &bogus; &#0; &#xD800;",
         "& <b> \"q\" a b AB\xe2\x82\xac &bogus; &#0; &#xD800;");
    /* Tables: markup gone, cells kept. */
    WIKI("{| class=\"wikitable\"\n|+ Caption\n|-\n! H1 !! H2\n|-\n| style=\"x\" | a || b\n|-\n| [[c|C]] || d\n|}\nAfter",
         "Caption\nH1 H2\na b\nC d\nAfter");
    /* Spaces collapsed, newlines at most two. */
    WIKI("a  \t b\n\n\n\nc\r\nd  ", "a b\n\nc\nd");
    WIKI("   \n\n  ", "");
    /* A fuller piece of an article. */
    WIKI("{{Short description|Journal}}\n{{Infobox journal\n| title = Algorithms\n}}\n"
         "'''''Algorithms''''' is a monthly [[peer review|peer-reviewed]] [[open access]] "
         "[[scientific journal]] of [[mathematics]].<ref>{{cite web |url=http://x |title=T}}</ref>\n\n"
         "== Abstracting and indexing ==\nThe journal is indexed in:\n* [[Scopus]]\n\n"
         "[[Category:Mathematics journals]]\n",
         "Algorithms is a monthly peer-reviewed open access scientific journal of mathematics.\n\n"
         "Abstracting and indexing\nThe journal is indexed in:\nScopus");
}

static void test_html(void)
{
    HTML("<p>One</p><p>Two</p>", "One\nTwo");
    HTML("<html><head><title>T</title><style>p{x}</style></head><body><h1>Title</h1>Text</body></html>", "Title\nText");
    HTML("a<script>var x = '<p>';</script>b<SCRIPT type=x>y</SCRIPT>c", "abc");
    HTML("<script>never closed", "");
    HTML("<b>wo</b>rd <i>it</i>", "word it");
    HTML("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc");
    HTML("<ul><li>one</li><li>two</li></ul>", "one\ntwo");
    HTML("line\nwrapped  text<br>next", "line wrapped text\nnext");
    HTML("<pre>a\n  b</pre> c\nd", "a\nb\nc d");
    HTML("x<!-- c --> y <!DOCTYPE html> &lt;tag&gt; &amp;amp; &#233;", "x y <tag> &amp; \xc3\xa9");
    HTML("1 < 2, a <b and c", "1 < 2, a <b and c");
    HTML("<a href=\"x\" title='y'>link</a>", "link");
    HTML("a&#160;&nbsp;&#xa0;b", "a b");
    HTML("<header>h</header><head>x</head>y", "h\ny");
}

static void test_markdown(void)
{
    MD("# Title\n\nSome *emphasis* and **bold** and _under_ and __dunder__.", "Title\n\nSome emphasis and bold and under and dunder.");
    MD("## Closed ##\ntext", "Closed\ntext");
    MD("#hashtag is no heading", "#hashtag is no heading");
    MD("snake_case and my_var_name, 2 * 3 = 6, a*b*c", "snake_case and my_var_name, 2 * 3 = 6, abc");
    MD("See [the docs](https://x.org/a_(b)) and ![a cat](cat.png \"title\").", "See the docs and a cat.");
    MD("[ref link][1] and [plain] and [](empty)", "ref link and [plain] and");
    MD("[unclosed](http://x and more", "[unclosed](http://x and more");
    /* Brackets found to be a link's after the spaces around them were written. */
    MD("a ![ b\nc](x) d", "a b\nc d");
    MD("a [\nb](x)", "a\nb");
    MD("[ a](x)", "a");
    MD("a\n*[\n\x01\n*b](x)", "a\n\nb"); /* a control character: no blank line, but no text */
    MD("Use `printf(\"*x*\")` and ``a ` b`` and `unclosed", "Use printf(\"*x*\") and a ` b and `unclosed");
    MD("```c\nint *p = a_b * 2;\n```\nafter", "int *p = a_b * 2;\nafter");
    MD("~~~\nunclosed fence *kept*", "unclosed fence *kept*");
    MD("---\ntitle: X\ntags: [a]\n---\nBody", "Body");
    MD("Intro\n---\nBody", "Intro\nBody"); /* a setext underline, not front matter */
    /* The metadata block of pack's markdown layout is fields, not text. */
    MD("# T\n\n## Metadata\n- **Page ID:** 12788\n- x\n\n## Summary\nBody", "T\n\nSummary\nBody");
    MD("# T\n## Article Metadata ##\n- **Language:** en\n# Next\nBody", "T\nNext\nBody");
    MD("## Metadata\nall the rest", "");
    MD("## Metadata of rivers\nkept", "Metadata of rivers\nkept");
    MD("### Metadata\nkept", "Metadata\nkept");
    MD("- one\n- two\n  * nested\n1. first\n2) second\n- [x] done\n+ plus", "one\ntwo\nnested\nfirst\nsecond\ndone\nplus");
    MD("> quoted\n> > deeper\n\n***\n\nafter", "quoted\ndeeper\n\nafter");
    MD("a <span class=\"x\">b</span> <!-- c --> d<script>e</script>", "a b d");
    MD("\\*not emphasis\\* &amp; ~~struck~~", "*not emphasis* & struck");
    MD("Title\n=====\ntext", "Title\ntext");
}

static void test_plain_and_bytes(void)
{
    expect(WPK_MARKUP_PLAIN, "  a  {{b}}  [[c]]\t\n\n\n\nd ", "a {{b}} [[c]]\n\nd");
    /* Bytes that are not UTF-8 go through as they are. */
    expect(WPK_MARKUP_WIKITEXT, "a\xff\xfe[[b\xc3]] '''\xe2\x82'''", "a\xff\xfe" "b\xc3 \xe2\x82");
    expect(WPK_MARKUP_HTML, "<b>\xc3</b>\xa9", "\xc3\xa9"); /* made valid, never the other way */
    size_t n;
    char *nul = plain(WPK_MARKUP_PLAIN, "a\0b", 3, 100, &n);
    CHECK(nul && n == 3 && !memcmp(nul, "a b", 3)); /* a NUL is no end */
    wpk_free(nul);
    char *out = plain(WPK_MARKUP_WIKITEXT, "", 0, 100, &n);
    CHECK(out && n == 0 && !*out);
    wpk_free(out);
    out = plain(WPK_MARKUP_HTML, NULL, 0, 100, &n);
    CHECK(out && n == 0);
    wpk_free(out);
}

static void test_cap(void)
{
    expect_cap(WPK_MARKUP_PLAIN, "hello world", 5, "hello");
    expect_cap(WPK_MARKUP_PLAIN, "hello world", 6, "hello"); /* the space is only owed */
    expect_cap(WPK_MARKUP_PLAIN, "hello world", 7, "hello w");
    expect_cap(WPK_MARKUP_PLAIN, "hello", 0, "");
    /* "é" is two bytes, "€" three: never cut inside. */
    expect_cap(WPK_MARKUP_PLAIN, "\xc3\xa9\xc3\xa9", 3, "\xc3\xa9");
    expect_cap(WPK_MARKUP_PLAIN, "a\xe2\x82\xac", 3, "a");
    expect_cap(WPK_MARKUP_PLAIN, "a\xe2\x82\xac", 4, "a\xe2\x82\xac");
    expect_cap(WPK_MARKUP_WIKITEXT, "[[x|\xf0\x9f\x98\x80]]\xf0\x9f\x98\x80", 7, "\xf0\x9f\x98\x80");
    expect_cap(WPK_MARKUP_HTML, "<p>&#x20AC;&#x20AC;</p>", 5, "\xe2\x82\xac");
    expect_cap(WPK_MARKUP_MARKDOWN, "[ab](x) cd", 3, "ab");
    /* A cap far over the text changes nothing. */
    expect_cap(WPK_MARKUP_WIKITEXT, "'''a'''", (size_t)-1, "a");
}

/* n bytes of a repeated pattern, timed: linear input must finish fast. */
static void hostile(wpk_markup m, const char *pattern, size_t n, size_t cap, const char *want_prefix, size_t want_len)
{
    size_t pl = strlen(pattern);
    char *src = malloc(n);
    CHECK(src != NULL);
    if (!src) return;
    for (size_t i = 0; i < n; i++) src[i] = pattern[i % pl];
    clock_t t0 = clock();
    size_t len = 0;
    char *out = plain(m, src, n, cap, &len);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK_MSG(secs < 5.0, "[%d] \"%s\" x %zu: %.1f s", (int)m, pattern, n, secs);
    CHECK_MSG(out && !strncmp(out, want_prefix, strlen(want_prefix)), "[%d] \"%s\": starts \"%.20s\"", (int)m, pattern,
              out ? out : "");
    if (want_len != (size_t)-1) CHECK_MSG(len == want_len, "[%d] \"%s\": %zu bytes, want %zu", (int)m, pattern, len, want_len);
    CHECK(!out || valid_utf8(out, len));
    wpk_free(out);
    free(src);
}

static void test_hostile(void)
{
    const size_t mb4 = 4u << 20, any = (size_t)-1;
    /* Unclosed braces: text, as many as were given (capped). */
    hostile(WPK_MARKUP_WIKITEXT, "{", mb4, mb4, "{{{{", mb4);
    hostile(WPK_MARKUP_WIKITEXT, "{{ ", mb4, mb4, "{{ {{", any);
    hostile(WPK_MARKUP_WIKITEXT, "{{a}}{{", mb4, mb4, "", any);
    hostile(WPK_MARKUP_WIKITEXT, "[", mb4, mb4, "[[[[", mb4);
    hostile(WPK_MARKUP_WIKITEXT, "[[a|", mb4, mb4, "", any);
    hostile(WPK_MARKUP_WIKITEXT, "[[File:a.jpg|", mb4, 100, "", 0);
    hostile(WPK_MARKUP_WIKITEXT, "<ref>", mb4, mb4, "", 4); /* "<ref" at the end: no tag */
    hostile(WPK_MARKUP_WIKITEXT, "<nowiki>x", mb4, mb4, "xxx", mb4 / 9 + 7); /* and "<nowiki" */
    hostile(WPK_MARKUP_WIKITEXT, "<a", mb4, mb4, "<a<a", mb4);
    hostile(WPK_MARKUP_WIKITEXT, "'", mb4, mb4, "''", mb4 - 5);
    hostile(WPK_MARKUP_WIKITEXT, "=", mb4, mb4, "===", mb4);
    hostile(WPK_MARKUP_WIKITEXT, "__A", mb4, mb4, "AAA", any);
    hostile(WPK_MARKUP_WIKITEXT, "[http://x", mb4, mb4, "[http", any);
    hostile(WPK_MARKUP_WIKITEXT, "{|\n|", mb4, mb4, "", any);
    hostile(WPK_MARKUP_WIKITEXT, "a", mb4, 1000, "aaaa", 1000);
    hostile(WPK_MARKUP_HTML, "<", mb4, mb4, "<<<<", mb4);
    hostile(WPK_MARKUP_HTML, "<script>", mb4, mb4, "", 0);
    hostile(WPK_MARKUP_HTML, "<b", mb4, mb4, "<b<b", mb4);
    hostile(WPK_MARKUP_HTML, "&#x", mb4, mb4, "&#x&#x", mb4);
    hostile(WPK_MARKUP_MARKDOWN, "`", mb4, mb4, "", any);
    hostile(WPK_MARKUP_MARKDOWN, "`a``b", mb4, mb4, "", any);
    hostile(WPK_MARKUP_MARKDOWN, "[", mb4, mb4, "[[[[", mb4);
    hostile(WPK_MARKUP_MARKDOWN, "](", mb4, mb4, "](](", mb4);
    hostile(WPK_MARKUP_MARKDOWN, "[a](", mb4, mb4, "[a](", mb4);
    hostile(WPK_MARKUP_MARKDOWN, "*", mb4, mb4, "", 0);
    hostile(WPK_MARKUP_MARKDOWN, "][", mb4, mb4, "", any);
    hostile(WPK_MARKUP_MARKDOWN, "\xc3\xa9", mb4, mb4, "\xc3\xa9", mb4);
    /* Code spans of growing lengths: "`" "``" "```"... none closed. */
    size_t n = 0;
    char *src = malloc(mb4 + 64);
    CHECK(src != NULL);
    for (size_t k = 1; src && n + k + 1 < mb4; k = k % 40 + 1) {
        memset(src + n, '`', k);
        n += k;
        src[n++] = 'x';
    }
    if (src) {
        clock_t t0 = clock();
        size_t len;
        char *out = plain(WPK_MARKUP_MARKDOWN, src, n, mb4, &len);
        CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
        wpk_free(out);
        free(src);
    }
}

int main(void)
{
    test_markup_of();
    test_wikitext();
    test_html();
    test_markdown();
    test_plain_and_bytes();
    test_cap();
    test_hostile();
    return check_summary();
}
