/* test_mediawiki.c - tests of the MediaWiki XML export reader.
 *
 *   test_mediawiki <tests/samples/mediawiki> <scratch dir>
 *
 * Reads small.xml plain and compressed (bzip2, gzip, zstd, also as
 * concatenated streams), checks every field of every page, the error and
 * warning paths (truncated, malformed and corrupt input, bad ids and dates,
 * entity declarations, caps), then streams a generated 50 MB .zst dump and
 * checks the peak RSS growth. Prints "N passed, M failed". */
#include "check.h"
#include "import.h"

#include <bzlib.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static const char *scratch;
static char *small_xml;
static size_t small_len;
static char small_path[4096];

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static const char *spath(const char *name)
{
    static char buf[8][4096];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", scratch, name);
    return b;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap + 1);
    size_t r;
    while (p && (r = fread(p + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *q = realloc(p, cap * 2 + 1);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (p) p[n] = 0;
    *len = n;
    return p;
}

static int write_all(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

static int write_str(const char *path, const char *s) { return write_all(path, s, strlen(s)); }

/* Appends the compressed form of data to *out (so calling twice makes a
 * two-stream / two-member / two-frame file). kind: 'b', 'g' or 'z'. */
static int compress_append(char kind, const char *data, size_t len, char **out, size_t *out_len)
{
    size_t bound = len + len / 50 + 1024;
    if (kind == 'z') bound = ZSTD_compressBound(len);
    char *p = realloc(*out, *out_len + bound);
    if (!p) return -1;
    *out = p;
    char *dst = p + *out_len;
    size_t got = 0;
    if (kind == 'b') {
        unsigned dl = (unsigned)bound;
        if (BZ2_bzBuffToBuffCompress(dst, &dl, (char *)data, (unsigned)len, 9, 0, 0) != BZ_OK) return -1;
        got = dl;
    } else if (kind == 'g') {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
        z.next_in = (Bytef *)data;
        z.avail_in = (uInt)len;
        z.next_out = (Bytef *)dst;
        z.avail_out = (uInt)bound;
        int r = deflate(&z, Z_FINISH);
        got = bound - z.avail_out;
        deflateEnd(&z);
        if (r != Z_STREAM_END) return -1;
    } else {
        size_t r = ZSTD_compress(dst, bound, data, len, 3);
        if (ZSTD_isError(r)) return -1;
        got = r;
    }
    *out_len += got;
    return 0;
}

static int compress_file(char kind, const char *data, size_t len, size_t split, const char *path)
{
    char *out = NULL;
    size_t out_len = 0;
    int r;
    if (split && split < len)
        r = compress_append(kind, data, split, &out, &out_len) ||
            compress_append(kind, data + split, len - split, &out, &out_len);
    else
        r = compress_append(kind, data, len, &out, &out_len);
    if (r == 0) r = write_all(path, out, out_len);
    free(out);
    return r;
}

/* ------------------------------------------------------------------ */
/* Collecting pages                                                    */
/* ------------------------------------------------------------------ */

#define MAX_PAGES 32

typedef struct {
    char *title, *language, *redirect, *text, *url, *wiki;
    size_t text_len;
    uint64_t id;
    int has_id;
    int64_t ns;
    int has_ns;
    int64_t updated;
    int has_updated;
    size_t n_categories;
    char *category;  /* the first one */
    int older, has_rev_id;
    uint64_t rev_id;
    uint64_t offset;
    int text_was_null;
} page;

typedef struct {
    page pages[MAX_PAGES];
    int n;
    int stop_after;  /* return 7 after this many pages (0: never) */
    int warnings;
    char warning[2][1024];
} collected;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int collect_cb(void *ctx, const imp_article *a, uint64_t off)
{
    collected *c = ctx;
    if (c->n < MAX_PAGES) {
        page *p = &c->pages[c->n];
        p->title = dup_or_null(a->title);
        p->language = dup_or_null(a->language);
        p->redirect = dup_or_null(a->redirect_to);
        p->url = dup_or_null(a->url);
        p->wiki = dup_or_null(a->wiki);
        p->text_was_null = a->text == NULL;
        if (a->text) {
            p->text = malloc(a->text_len + 1);
            memcpy(p->text, a->text, a->text_len);
            p->text[a->text_len] = 0;
        }
        p->text_len = a->text_len;
        p->id = a->page_id;
        p->has_id = a->has_page_id;
        p->ns = a->ns;
        p->has_ns = a->has_ns;
        p->updated = a->updated_us;
        p->has_updated = a->has_updated;
        p->n_categories = a->n_categories;
        p->category = a->n_categories ? strdup(a->categories[0]) : NULL;
        p->older = a->is_older_revision;
        p->has_rev_id = a->has_revision_id;
        p->rev_id = a->revision_id;
        p->offset = off;
    }
    c->n++;
    return c->stop_after && c->n >= c->stop_after ? 7 : 0;
}

static void warn_cb(void *ctx, const char *msg)
{
    collected *c = ctx;
    if (c->warnings < 2) snprintf(c->warning[c->warnings], sizeof c->warning[0], "%s", msg);
    c->warnings++;
}

static void collected_free(collected *c)
{
    for (int i = 0; i < c->n && i < MAX_PAGES; i++) {
        page *p = &c->pages[i];
        free(p->title);
        free(p->language);
        free(p->redirect);
        free(p->text);
        free(p->url);
        free(p->wiki);
        free(p->category);
    }
    memset(c, 0, sizeof *c);
}

static int read_into(const char *path, uint64_t max, collected *c, char *why, size_t cap)
{
    return imp_mediawiki_read(path, max, collect_cb, warn_cb, c, why, cap);
}

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* ------------------------------------------------------------------ */
/* small.xml                                                           */
/* ------------------------------------------------------------------ */

static const struct {
    const char *title;
    uint64_t id;
    int64_t ns;
    int64_t updated;
    const char *redirect;
    const char *category; /* its one category link */
    const char *text;
} expected[5] = {
    {"Z\xc3\xbcrich", 101, 0, 1710498030000000LL, NULL, "Category:Cities in Switzerland",
     "'''Z\xc3\xbcrich''' is the largest city in [[Switzerland]], on the northern shore of [[Lake Z\xc3\xbcrich]].\n"
     "\n== Name ==\n"
     "The city is called ''Z\xc3\xbcrich'' in German, ''Zurich'' in French and ''Zurigo'' in Italian "
     "\xe2\x80\x94 the spelling ''Zuerich'' is also seen.\n"
     "\n[[Category:Cities in Switzerland]]"},
    {"Rock & roll", 202, 0, 1704067199000000LL, NULL, NULL,
     "'''Rock & roll''' (also ''rock 'n' roll'') is a genre of popular music."
     "<ref name=\"a&b\">A made-up reference, for testing.</ref>\n"
     "In Japanese it is written \xe3\x83\xad\xe3\x83\x83\xe3\x82\xaf\xe3\x83\xb3\xe3\x83\xad\xe3\x83\xbc\xe3\x83\xab; "
     "in Greek, \xcf\x81\xce\xbf\xce\xba \xce\xb5\xce\xbd \xcf\x81\xce\xbf\xce\xbb.\n"
     "Escapes: 1 < 2 && 3 > 2, &nbsp; stays literal."},
    {"Python (programming language)", 23862, 0, 1732970096000000LL, NULL, "Category:Programming languages",
     "'''Python''' is a high-level, general-purpose programming language.\n"
     "\n== History ==\nPython was conceived in the late 1980s.\n"
     "\n[[Category:Programming languages]]"},
    {"Python (language)", 5001, 0, 1643767322000000LL, "Python (programming language)", NULL,
     "#REDIRECT [[Python (programming language)]]\n\n{{R from short name}}"},
    {"Category:Programming languages", 7001, 14, 1717200000000000LL, NULL, "Category:Computer languages",
     "This category lists [[programming language]]s.\n\n[[Category:Computer languages]]"},
};

static void check_small(const collected *c, const char *label)
{
    CHECK_MSG(c->n == 5, "%s: %d pages", label, c->n);
    CHECK_MSG(c->warnings == 0, "%s: warning %s", label, c->warning[0]);
    for (int i = 0; i < 5 && i < c->n; i++) {
        const page *p = &c->pages[i];
        CHECK_MSG(streq(p->title, expected[i].title), "%s: page %d title %s", label, i, p->title);
        CHECK_MSG(p->has_id && p->id == expected[i].id, "%s: page %d id %llu", label, i, (unsigned long long)p->id);
        CHECK_MSG(p->has_ns && p->ns == expected[i].ns, "%s: page %d ns %lld", label, i, (long long)p->ns);
        CHECK_MSG(p->has_updated && p->updated == expected[i].updated, "%s: page %d updated %lld", label, i,
                  (long long)p->updated);
        CHECK_MSG(!p->text_was_null && streq(p->text, expected[i].text) && p->text_len == strlen(expected[i].text),
                  "%s: page %d text [%s]", label, i, p->text ? p->text : "(null)");
        if (expected[i].redirect)
            CHECK_MSG(streq(p->redirect, expected[i].redirect), "%s: page %d redirect %s", label, i, p->redirect);
        else
            CHECK_MSG(p->redirect == NULL, "%s: page %d redirect %s", label, i, p->redirect);
        CHECK_MSG(streq(p->language, "en"), "%s: page %d language %s", label, i, p->language);
        CHECK_MSG(streq(p->wiki, "enwiki"), "%s: page %d wiki %s", label, i, p->wiki);
        /* The URL: the <siteinfo><base>'s up to its last '/', then the
         * title with '_' for ' '. */
        char want[512];
        snprintf(want, sizeof want, "https://en.wikipedia.org/wiki/%s", expected[i].title);
        for (char *w = want; *w; w++)
            if (*w == ' ') *w = '_';
        CHECK_MSG(streq(p->url, want), "%s: page %d url %s", label, i, p->url ? p->url : "(none)");
        /* Categories come from the page's [[Category:...]] links. */
        CHECK_MSG(expected[i].category ? p->n_categories == 1 && streq(p->category, expected[i].category)
                                       : p->n_categories == 0,
                  "%s: page %d categories %zu (%s)", label, i, p->n_categories, p->category ? p->category : "-");
        /* The offset is that of "<page>" in the uncompressed XML. */
        CHECK_MSG(p->offset + 6 <= small_len && memcmp(small_xml + p->offset, "<page>", 6) == 0,
                  "%s: page %d offset %llu", label, i, (unsigned long long)p->offset);
        if (i) CHECK(p->offset > c->pages[i - 1].offset);
    }
}

static void test_small_plain(void)
{
    collected c = {0};
    char why[512] = "x";
    CHECK(read_into(small_path, 0, &c, why, sizeof why) == 0);
    CHECK(why[0] == 0);
    check_small(&c, "plain");
    collected_free(&c);
    CHECK(imp_mediawiki_is_dump(small_path, NULL, 0) == 1);
}

static void test_small_compressed(void)
{
    static const struct { char kind; const char *ext; } kinds[] = {{'b', "bz2"}, {'g', "gz"}, {'z', "zst"}};
    /* Split in the middle of the third page: the streams join mid-element. */
    const char *mid = strstr(small_xml, "Python was conceived");
    size_t split = mid ? (size_t)(mid - small_xml) : small_len / 2;
    for (size_t k = 0; k < 3; k++) {
        for (int multi = 0; multi < 2; multi++) {
            char name[64], label[64];
            snprintf(name, sizeof name, "small%s.xml.%s", multi ? "-multi" : "", kinds[k].ext);
            snprintf(label, sizeof label, "%s", name);
            const char *path = spath(name);
            CHECK(compress_file(kinds[k].kind, small_xml, small_len, multi ? split : 0, path) == 0);
            collected c = {0};
            char why[512];
            int r = read_into(path, 0, &c, why, sizeof why);
            CHECK_MSG(r == 0, "%s: %s", label, why);
            check_small(&c, label);
            collected_free(&c);
            CHECK_MSG(imp_mediawiki_is_dump(path, NULL, 0) == 1, "%s", label);

            /* The same data under a misleading name: detection is by magic bytes. */
            const char *odd = spath(multi ? "misnamed-multi.xml" : "misnamed.xml");
            size_t len;
            char *data = read_all(path, &len);
            CHECK(data && write_all(odd, data, len) == 0);
            r = read_into(odd, 0, &c, why, sizeof why);
            CHECK_MSG(r == 0, "%s misnamed: %s", label, why);
            check_small(&c, label);
            collected_free(&c);

            /* Truncated compressed data: an error naming the file. */
            if (!multi && data) {
                CHECK(write_all(odd, data, len - len / 4) == 0);
                r = read_into(odd, 0, &c, why, sizeof why);
                CHECK_MSG(r == -1 && strncmp(why, odd, strlen(odd)) == 0, "%s truncated: %d %s", label, r, why);
                collected_free(&c);
            }
            free(data);
            remove(odd);
            remove(path);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Errors and warnings                                                 */
/* ------------------------------------------------------------------ */

static int contains(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

static void test_truncated(void)
{
    const char *path = spath("truncated.xml");
    const char *mid = strstr(small_xml, "Python was conceived");
    CHECK(mid != NULL);
    if (!mid) return;
    CHECK(write_all(path, small_xml, (size_t)(mid - small_xml)) == 0);
    collected c = {0};
    char why[512];
    int r = read_into(path, 0, &c, why, sizeof why);
    CHECK(r == -1);
    CHECK_MSG(strncmp(why, path, strlen(path)) == 0 && contains(why, ": line ") && contains(why, ", column "),
              "why: %s", why);
    CHECK_MSG(c.n == 2, "%d pages before the cut", c.n);
    collected_free(&c);
    remove(path);
}

static void test_malformed(void)
{
    const char *path = spath("malformed.xml");
    CHECK(write_str(path, "<mediawiki>\n<page><title>x</page>\n</mediawiki>\n") == 0);
    collected c = {0};
    char why[512];
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(strncmp(why, path, strlen(path)) == 0 && contains(why, "line 2, column ") && contains(why, "mismatched tag"),
              "why: %s", why);
    CHECK(c.n == 0);
    collected_free(&c);

    /* Not an export at all. */
    CHECK(write_str(path, "<?xml version=\"1.0\"?>\n<html><page><title>x</title></page></html>\n") == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(contains(why, "not a MediaWiki export") && contains(why, "<html>"), "why: %s", why);
    CHECK(c.n == 0);
    collected_free(&c);
    CHECK(imp_mediawiki_is_dump(path, NULL, 0) == 0);

    /* A page without a title. */
    CHECK(write_str(path, "<mediawiki>\n<page><ns>0</ns><id>1</id></page>\n</mediawiki>\n") == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(strncmp(why, path, strlen(path)) == 0 && contains(why, "page ending at byte 45: missing <title>"),
              "why: %s", why);
    collected_free(&c);

    /* Junk after the root element. */
    CHECK(write_str(path, "<mediawiki></mediawiki><x/>") == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(contains(why, "line 1, column 24: junk after document element"), "why: %s", why);
    collected_free(&c);

    /* A missing file. */
    const char *none = spath("does-not-exist.xml");
    CHECK(read_into(none, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(strncmp(why, none, strlen(none)) == 0 && contains(why, "No such file"), "why: %s", why);
    CHECK(imp_mediawiki_is_dump(none, NULL, 0) == 0);

    /* xz is recognised and refused. */
    CHECK(write_all(path, "\xfd" "7zXZ\0\0\0\0\0\0", 12) == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(contains(why, "xz"), "why: %s", why);
    remove(path);
}

static void test_bad_fields(void)
{
    const char *path = spath("badfields.xml");
    CHECK(write_str(path,
                    "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\">\n"
                    "<page>\n<title>Bad id</title>\n<ns>0</ns>\n<id>12a</id>\n"
                    "<revision><id>5</id><timestamp>2024-01-02T03:04:05Z</timestamp><text>t1</text></revision>\n"
                    "</page>\n"
                    "<page>\n<title>Bad date</title>\n<ns>x</ns>\n<id>13</id>\n"
                    "<revision><id>6</id><timestamp>yesterday</timestamp><text>t2</text></revision>\n"
                    "</page>\n"
                    "<page>\n<title>No revision</title>\n<ns>-1</ns>\n<id> 14 </id>\n</page>\n"
                    "<page>\n<title>No id</title>\n</page>\n"
                    "</mediawiki>\n") == 0);
    collected c = {0};
    char why[512];
    int r = read_into(path, 0, &c, why, sizeof why);
    CHECK_MSG(r == 0, "why: %s", why);
    CHECK(c.n == 4);
    if (c.n == 4) {
        page *p = &c.pages[0];
        CHECK(streq(p->title, "Bad id") && !p->has_id && p->has_ns && p->ns == 0);
        CHECK(p->has_updated && streq(p->text, "t1"));
        p = &c.pages[1];
        CHECK(streq(p->title, "Bad date") && p->has_id && p->id == 13 && !p->has_ns);
        CHECK(!p->has_updated && streq(p->text, "t2"));
        p = &c.pages[2];
        CHECK(streq(p->title, "No revision") && p->has_id && p->id == 14 && p->has_ns && p->ns == -1);
        CHECK(!p->has_updated && !p->text_was_null && streq(p->text, "") && p->text_len == 0);
        CHECK(p->language == NULL && p->redirect == NULL && p->wiki == NULL); /* no <siteinfo> */
        p = &c.pages[3];
        CHECK(streq(p->title, "No id") && !p->has_id && !p->has_ns);
    }
    /* 12a (id), x (ns), yesterday (timestamp), missing id. */
    CHECK_MSG(c.warnings == 4, "%d warnings", c.warnings);
    CHECK_MSG(strncmp(c.warning[0], path, strlen(path)) == 0 && contains(c.warning[0], ": line 5, column ") &&
                  contains(c.warning[0], "page \"Bad id\"") && contains(c.warning[0], "\"12a\" is not a number"),
              "warning: %s", c.warning[0]);
    CHECK_MSG(contains(c.warning[1], ": line 10, column ") && contains(c.warning[1], "<ns> \"x\""), "warning: %s",
              c.warning[1]);
    collected_free(&c);

    /* No warning callback: still fine. */
    CHECK(imp_mediawiki_read(path, 0, collect_cb, NULL, &c, why, sizeof why) == 0 && c.n == 4);
    collected_free(&c);
    /* No why buffer either. */
    CHECK(imp_mediawiki_read(path, 0, collect_cb, NULL, &c, NULL, 0) == 0 && c.n == 4);
    collected_free(&c);

    /* The bad date is reported too, with its line. */
    CHECK(write_str(path, "<mediawiki><page><title>D</title><id>1</id>\n<revision>\n"
                          "<timestamp>2024-02-30T00:00:00Z</timestamp></revision></page></mediawiki>") == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == 0 && c.n == 1 && !c.pages[0].has_updated);
    CHECK_MSG(c.warnings == 1 && contains(c.warning[0], "line 3, column ") && contains(c.warning[0], "page \"D\"") &&
                  contains(c.warning[0], "\"2024-02-30T00:00:00Z\" is not a date"),
              "warning: %s", c.warning[0]);
    collected_free(&c);
    remove(path);
}

/* <siteinfo><dbname> names the wiki of every page: only that one, trimmed,
 * up to 255 bytes. */
static void test_dbname(void)
{
    const char *path = spath("dbname.xml");
    CHECK(write_str(path, "<mediawiki xml:lang=\"de\"><siteinfo><sitename>Wikipedia</sitename>\n"
                          "<dbname> dewiki\n</dbname><base>https://de.wikipedia.org/wiki/Wikipedia</base></siteinfo>\n"
                          "<page><title>Sachsen</title><id>23862</id><dbname>not this</dbname></page>\n"
                          "</mediawiki>\n") == 0);
    collected c = {0};
    char why[512];
    CHECK_MSG(read_into(path, 0, &c, why, sizeof why) == 0, "why: %s", why);
    CHECK(c.n == 1 && streq(c.pages[0].wiki, "dewiki") && streq(c.pages[0].language, "de") && c.warnings == 0);
    collected_free(&c);
    char xml[1024];
    char name[300];
    memset(name, 'w', 256);
    name[256] = 0;
    snprintf(xml, sizeof xml, "<mediawiki><siteinfo><dbname>%s</dbname></siteinfo><page><title>T</title><id>1</id>"
                              "</page></mediawiki>", name);
    CHECK(write_str(path, xml) == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == 0 && c.n == 1 && c.pages[0].wiki == NULL);
    CHECK_MSG(c.warnings == 1 && contains(c.warning[0], "<dbname> is longer than 255 bytes"), "warning: %s",
              c.warning[0]);
    collected_free(&c);
    name[255] = 0;
    snprintf(xml, sizeof xml, "<mediawiki><siteinfo><dbname>%s</dbname></siteinfo><page><title>T</title><id>1</id>"
                              "</page></mediawiki>", name);
    CHECK(write_str(path, xml) == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == 0 && c.n == 1 && streq(c.pages[0].wiki, name) && !c.warnings);
    collected_free(&c);
    remove(path);
}

static void test_revisions(void)
{
    const char *path = spath("revisions.xml");
    CHECK(write_str(path,
                    "<mediawiki>\n"
                    /* newest first: the older one is skipped */
                    "<page><title>A</title><id>1</id>"
                    "<revision><id>10</id><timestamp>2024-05-05T00:00:00Z</timestamp><text>new</text></revision>"
                    "<revision><id>9</id><timestamp>2020-01-01T00:00:00Z</timestamp><text>old</text></revision>"
                    "</page>\n"
                    /* a tie: the later one */
                    "<page><title>B</title><id>2</id>"
                    "<revision><timestamp>2024-05-05T00:00:00Z</timestamp><text>first</text></revision>"
                    "<revision><timestamp>2024-05-05T00:00:00Z</timestamp><text>second</text></revision>"
                    "</page>\n"
                    /* a valid date beats a bad one, whatever the order */
                    "<page><title>C</title><id>3</id>"
                    "<revision><timestamp>2021-01-01T00:00:00Z</timestamp><text>dated</text></revision>"
                    "<revision><timestamp>bad</timestamp><text>undated</text></revision>"
                    "</page>\n"
                    /* text before timestamp, middle one newest, deleted text */
                    "<page><title>D</title><id>4</id>"
                    "<revision><text>one</text><timestamp>2021-01-01T00:00:00Z</timestamp></revision>"
                    "<revision><text>two</text><timestamp>2023-01-01T00:00:00Z</timestamp></revision>"
                    "<revision><text>three</text><timestamp>2022-01-01T00:00:00Z</timestamp></revision>"
                    "</page>\n"
                    "<page><title>E</title><id>5</id>"
                    "<revision><timestamp>2021-01-01T00:00:00Z</timestamp><text>x</text></revision>"
                    "<revision><timestamp>2022-01-01T00:00:00Z</timestamp><text deleted=\"deleted\" /></revision>"
                    "</page>\n"
                    "</mediawiki>\n") == 0);
    collected c = {0};
    char why[512];
    CHECK_MSG(read_into(path, 0, &c, why, sizeof why) == 0, "why: %s", why);
    CHECK(c.n == 5);
    if (c.n == 5) {
        CHECK_MSG(streq(c.pages[0].text, "new") && c.pages[0].updated == 1714867200000000LL, "A: %s",
                  c.pages[0].text);
        CHECK_MSG(streq(c.pages[1].text, "second"), "B: %s", c.pages[1].text);
        CHECK_MSG(streq(c.pages[2].text, "dated") && c.pages[2].has_updated, "C: %s", c.pages[2].text);
        CHECK_MSG(streq(c.pages[3].text, "two") && c.pages[3].updated == 1672531200000000LL, "D: %s",
                  c.pages[3].text);
        CHECK_MSG(streq(c.pages[4].text, "") && c.pages[4].has_updated && !c.pages[4].text_was_null, "E: %s",
                  c.pages[4].text);
    }
    CHECK(c.warnings == 1); /* "bad" */
    collected_free(&c);

    /* Every revision (a history dump): each superseded one as soon as a
     * newer one is read, flagged older, with its own <id>; the newest last. */
    imp_source *src = imp_source_open(path, NULL, why, sizeof why);
    CHECK(src != NULL);
    if (src) {
        CHECK_MSG(imp_mediawiki_read_source(src, path, 0, 1, collect_cb, warn_cb, &c, why, sizeof why) == 0, "why: %s", why);
        imp_source_close(src);
    }
    static const struct { const char *text; int older; uint64_t rev; } all[] = {
        {"old", 1, 9}, {"new", 0, 10},                     /* A: newest first */
        {"first", 1, 0}, {"second", 0, 0},                 /* B: a tie */
        {"undated", 1, 0}, {"dated", 0, 0},                /* C */
        {"one", 1, 0}, {"three", 1, 0}, {"two", 0, 0},     /* D: the middle one newest */
        {"x", 1, 0}, {"", 0, 0},                           /* E */
    };
    CHECK_MSG(c.n == 11, "%d revisions delivered", c.n);
    for (int i = 0; i < 11 && i < c.n; i++) {
        const page *p = &c.pages[i];
        CHECK_MSG(streq(p->text, all[i].text) && p->older == all[i].older &&
                      (all[i].rev ? p->has_rev_id && p->rev_id == all[i].rev : !p->has_rev_id),
                  "revision %d: [%s] older %d rev %llu", i, p->text, p->older, (unsigned long long)p->rev_id);
    }
    collected_free(&c);
    remove(path);
}

static void test_redirects(void)
{
    static const struct { const char *text, *target; } cases[] = {
        {"#REDIRECT [[Python (programming language)]]", "Python (programming language)"},
        {"#redirect [[Target|label]]", "Target"},
        {"#REDIRECT[[Target#Section]]", "Target"},
        {"  #Redirect : [[Some_page_here#S|x]] {{R from move}}", "Some page here"},
        {"#REDIRECT [[:Category:Foo]]", "Category:Foo"},
        {"\n#REDIRECT\n[[ Spaced ]]", "Spaced"},
        {"#REDIRECT [[#Section only]]", NULL},
        {"#REDIRECTION [[X]]", NULL},
        {"#REDIRECT [[Unclosed", NULL},
        {"#REDIRECT [[Broken\n]]", NULL},
        {"See #REDIRECT [[X]]", NULL},
        {"#REDIRECT", NULL},
    };
    size_t n = sizeof cases / sizeof cases[0];
    const char *path = spath("redirects.xml");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("<mediawiki>\n", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "<page><title>R%zu</title><id>%zu</id><revision><text>", i, i + 1);
        fputs(cases[i].text, f);
        fputs("</text></revision></page>\n", f);
    }
    /* The <redirect> element wins over the text. */
    fputs("<page><title>E</title><id>99</id><redirect title=\"From &amp; element\"/>"
          "<revision><text>#REDIRECT [[From text]]</text></revision></page>\n</mediawiki>\n",
          f);
    fclose(f);
    collected c = {0};
    char why[512];
    CHECK_MSG(read_into(path, 0, &c, why, sizeof why) == 0, "why: %s", why);
    CHECK(c.n == (int)n + 1);
    for (size_t i = 0; i < n && (int)i < c.n; i++) {
        if (cases[i].target)
            CHECK_MSG(streq(c.pages[i].redirect, cases[i].target), "[%s] -> %s", cases[i].text, c.pages[i].redirect);
        else
            CHECK_MSG(c.pages[i].redirect == NULL, "[%s] -> %s", cases[i].text, c.pages[i].redirect);
    }
    if (c.n == (int)n + 1) CHECK(streq(c.pages[n].redirect, "From & element"));
    collected_free(&c);
    remove(path);
}

static void test_corrupt_gzip(void)
{
    const char *path = spath("corrupt.xml.gz");
    char *gz = NULL;
    size_t len = 0;
    CHECK(compress_append('g', small_xml, small_len, &gz, &len) == 0);
    if (!gz) return;
    collected c = {0};
    char why[512];

    /* A wrong CRC: all the XML comes out, then the check fails. */
    gz[len - 6] ^= 0x55;
    CHECK(write_all(path, gz, len) == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(strncmp(why, path, strlen(path)) == 0 && contains(why, "gzip: incorrect data check"), "why: %s", why);
    collected_free(&c);
    gz[len - 6] ^= 0x55;

    /* Garbage in the deflate stream. */
    for (size_t i = len / 3; i < len / 3 + 16; i++) gz[i] = (char)(gz[i] ^ 0xa5);
    CHECK(write_all(path, gz, len) == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(strncmp(why, path, strlen(path)) == 0, "why: %s", why);
    collected_free(&c);

    /* Trailing garbage after a valid member. */
    for (size_t i = len / 3; i < len / 3 + 16; i++) gz[i] = (char)(gz[i] ^ 0xa5);
    char *more = realloc(gz, len + 8);
    if (more) {
        gz = more;
        memcpy(gz + len, "garbage!", 8);
        CHECK(write_all(path, gz, len + 8) == 0);
        CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
        CHECK_MSG(contains(why, "after the end of the gzip stream"), "why: %s", why);
        collected_free(&c);
    }
    free(gz);
    remove(path);
}

static void test_entities(void)
{
    const char *path = spath("laughs.xml");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [\n  <!ENTITY l0 \"ha\">\n", f);
    for (int i = 1; i <= 10; i++) {
        fprintf(f, "  <!ENTITY l%d \"", i);
        for (int j = 0; j < 10; j++) fprintf(f, "&l%d;", i - 1);
        fputs("\">\n", f);
    }
    fputs("]>\n<mediawiki><page><title>&l10;</title><id>1</id>"
          "<revision><text>&l10;</text></revision></page></mediawiki>\n",
          f);
    fclose(f);
    collected c = {0};
    char why[512];
    clock_t t0 = clock();
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK_MSG(contains(why, "line 3, column ") && contains(why, "entity \"l0\"") &&
                  contains(why, "entity declarations are not allowed"),
              "why: %s", why);
    CHECK(c.n == 0);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
    /* Recognised as a dump (a DOCTYPE may come first), so that the refusal
     * above is what the user sees, not an opaque file. */
    CHECK(imp_mediawiki_is_dump(path, NULL, 0) == 1);
    collected_free(&c);

    /* An undeclared entity is an XML error; the five predefined ones are fine. */
    CHECK(write_str(path, "<mediawiki><page><title>&amp;&lt;&gt;&quot;&apos;&#233;&#x4E2D;</title></page>"
                          "<page><title>&nbsp;</title></page></mediawiki>") == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
    CHECK(c.n == 1 && streq(c.pages[0].title, "&<>\"'\xc3\xa9\xe4\xb8\xad"));
    CHECK_MSG(contains(why, "undefined entity"), "why: %s", why);
    collected_free(&c);

    /* An external entity is not fetched either. */
    CHECK(write_str(path, "<!DOCTYPE mediawiki [<!ENTITY x SYSTEM \"/etc/passwd\">]>"
                          "<mediawiki><page><title>&x;</title></page></mediawiki>") == 0);
    CHECK(read_into(path, 0, &c, why, sizeof why) == -1 && c.n == 0);
    CHECK_MSG(contains(why, "entity declarations are not allowed"), "why: %s", why);
    collected_free(&c);
    remove(path);
}

static void test_caps_and_stop(void)
{
    collected c = {0};
    char why[512];
    /* The first page's text is 276 bytes. */
    CHECK(read_into(small_path, 100, &c, why, sizeof why) == -1);
    CHECK_MSG(contains(why, "page \"Z\xc3\xbcrich\"") && contains(why, "larger than the limit of 100 bytes") &&
                  contains(why, ", column "),
              "why: %s", why);
    CHECK(c.n == 0);
    collected_free(&c);
    CHECK(read_into(small_path, 276, &c, why, sizeof why) == 0 && c.n == 5);
    collected_free(&c);
    CHECK(read_into(small_path, 275, &c, why, sizeof why) == -1 && c.n == 0);
    collected_free(&c);

    /* A non-zero return stops, and is returned. */
    c.stop_after = 2;
    strcpy(why, "x");
    CHECK(read_into(small_path, 0, &c, why, sizeof why) == 7);
    CHECK(c.n == 2 && why[0] == 0);
    collected_free(&c);

    /* A title over the limit is an error. */
    const char *path = spath("longtitle.xml");
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("<mediawiki><page><title>", f);
        for (int i = 0; i < IMP_MEDIAWIKI_MAX_TITLE_BYTES + 10; i++) fputc('t', f);
        fputs("</title></page></mediawiki>", f);
        fclose(f);
        CHECK(read_into(path, 0, &c, why, sizeof why) == -1);
        CHECK_MSG(contains(why, "<title> is longer than"), "why: %s", why);
        collected_free(&c);
        remove(path);
    }
}

static void test_is_dump(void)
{
    const char *path = spath("isdump.xml");
    static const struct { const char *s; int yes; } cases[] = {
        {"<mediawiki xmlns=\"x\">", 1},
        {"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- c -->\n  <mediawiki>", 1},
        {"<mediawiki/>", 1},
        {"<mediawikix>", 0},
        {"<html>", 0},
        {"", 0},
        {"<!-- unterminated <mediawiki>", 0},
        {"hello <mediawiki>", 0},
        {"<!DOCTYPE mediawiki>\n<mediawiki>", 1},
        {"<?xml version=\"1.0\"?><!DOCTYPE mediawiki [ <!ELEMENT mediawiki ANY> <!-- ] > --> ]><mediawiki>", 1},
        {"<!DOCTYPE mediawiki [ <!ELEMENT mediawiki ANY>", 0},
        {"<!DOCTYPE html><html>", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(write_str(path, cases[i].s) == 0);
        CHECK_MSG(imp_mediawiki_is_dump(path, NULL, 0) == cases[i].yes, "is_dump [%s]", cases[i].s);
    }
    /* UTF-16 with its byte-order mark, in either byte order. */
    static const unsigned char le[] = {0xFF, 0xFE, '<', 0, 'm', 0, 'e', 0, 'd', 0, 'i', 0, 'a', 0, 'w', 0,
                                       'i', 0, 'k', 0, 'i', 0, '>', 0};
    unsigned char be[sizeof le];
    for (size_t i = 0; i < sizeof le; i += 2) be[i] = le[i + 1], be[i + 1] = le[i];
    CHECK(imp_mediawiki_looks_like_dump(le, sizeof le) == 1);
    CHECK(imp_mediawiki_looks_like_dump(be, sizeof be) == 1);
    CHECK(imp_mediawiki_looks_like_dump(le + 2, sizeof le - 2) == 0); /* no BOM: not read as UTF-16 */
    /* A multistream dump's index. */
    static const char index[] = "597:10:AccessibleComputing\n597:12:Anarchism\n6050:13:Afghan";
    CHECK(imp_mediawiki_looks_like_index((const unsigned char *)index, sizeof index - 1) == 1);
    CHECK(imp_mediawiki_looks_like_index((const unsigned char *)"597:10", 6) == 0);
    CHECK(imp_mediawiki_looks_like_index((const unsigned char *)"# A title\n", 10) == 0);
    /* One line of that shape is not enough (a note starting "12:30:"). */
    CHECK(imp_mediawiki_looks_like_index((const unsigned char *)"12:30: meeting\n", 15) == 0);
    CHECK(imp_mediawiki_looks_like_index((const unsigned char *)"1:2:a\n1:3:\n", 11) == 0); /* empty title */
    remove(path);
}

/* ------------------------------------------------------------------ */
/* A 50 MB dump, streamed                                              */
/* ------------------------------------------------------------------ */

#define BIG_PAGES 20000

typedef struct {
    ZSTD_CCtx *cc;
    FILE *f;
    char *out;
    size_t out_cap;
    char *buf;
    size_t len, cap;
    uint64_t raw;
    int err;
} zwriter;

static void zw_flush(zwriter *w, ZSTD_EndDirective end)
{
    ZSTD_inBuffer in = {w->buf, w->len, 0};
    for (;;) {
        ZSTD_outBuffer out = {w->out, w->out_cap, 0};
        size_t r = ZSTD_compressStream2(w->cc, &out, &in, end);
        if (ZSTD_isError(r)) {
            w->err = 1;
            return;
        }
        if (out.pos && fwrite(w->out, 1, out.pos, w->f) != out.pos) w->err = 1;
        if (end == ZSTD_e_end ? r == 0 : in.pos == in.size) break;
    }
    w->raw += w->len;
    w->len = 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void zw_printf(zwriter *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= w->cap - w->len) {
        w->err = 1;
        return;
    }
    w->len += (size_t)n;
    if (w->len > w->cap / 2) zw_flush(w, ZSTD_e_continue);
}

/* Writes `pages` pages of ~2.5 KB of text; every 50th page is a redirect. */
static int generate_big(const char *path, int pages)
{
    static const char *words[] = {"the", "wiki", "archive", "Z\xc3\xbcrich", "&amp;", "&lt;ref&gt;cite&lt;/ref&gt;",
                                  "[[Link]]", "{{template}}", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
                                  "language", "python", "data", "history", "of", "and", "'''bold'''"};
    zwriter w = {0};
    w.f = fopen(path, "wb");
    w.cc = ZSTD_createCCtx();
    w.out_cap = ZSTD_CStreamOutSize();
    w.out = malloc(w.out_cap);
    w.cap = 1 << 16;
    w.buf = malloc(w.cap);
    if (!w.f || !w.cc || !w.out || !w.buf) return -1;
    ZSTD_CCtx_setParameter(w.cc, ZSTD_c_compressionLevel, 3);
    zw_printf(&w, "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\" version=\"0.11\" xml:lang=\"en\">\n"
                  "  <siteinfo><sitename>Generated</sitename></siteinfo>\n");
    uint32_t seed = 12345;
    for (int i = 0; i < pages; i++) {
        zw_printf(&w, "  <page>\n    <title>Page %d</title>\n    <ns>0</ns>\n    <id>%d</id>\n", i, i + 1);
        if (i % 50 == 49) zw_printf(&w, "    <redirect title=\"Page %d\" />\n", i - 1);
        zw_printf(&w, "    <revision>\n      <id>%d</id>\n      <timestamp>2024-%02d-%02dT%02d:%02d:00Z</timestamp>\n"
                      "      <contributor><username>Gen</username><id>%d</id></contributor>\n"
                      "      <text xml:space=\"preserve\">",
                  1000000 + i, 1 + i % 12, 1 + i % 28, i % 24, i % 60, 7 + i % 5);
        if (i % 50 == 49) {
            zw_printf(&w, "#REDIRECT [[Page %d]]", i - 1);
        } else {
            size_t text = 0;
            while (text < 2500) {
                seed = seed * 1103515245u + 12345u;
                const char *word = words[(seed >> 16) % (sizeof words / sizeof words[0])];
                zw_printf(&w, "%s%s", word, (seed >> 8) % 13 == 0 ? ".\n" : " ");
                text += strlen(word) + 1;
            }
        }
        zw_printf(&w, "</text>\n    </revision>\n  </page>\n");
    }
    zw_printf(&w, "</mediawiki>\n");
    zw_flush(&w, ZSTD_e_end);
    int err = w.err | (fclose(w.f) != 0);
    ZSTD_freeCCtx(w.cc);
    free(w.out);
    free(w.buf);
    return err ? -1 : 0;
}

typedef struct {
    int n, bad, redirects;
    uint64_t text_bytes, last_offset;
} big_stats;

static int big_cb(void *ctx, const imp_article *a, uint64_t off)
{
    big_stats *s = ctx;
    char want[32];
    snprintf(want, sizeof want, "Page %d", s->n);
    if (strcmp(a->title, want) != 0 || !a->has_page_id || a->page_id != (uint64_t)s->n + 1 || !a->has_updated ||
        !a->has_ns || a->ns != 0 || (s->n && off <= s->last_offset))
        s->bad++;
    if (a->redirect_to) s->redirects++;
    s->text_bytes += a->text_len;
    s->last_offset = off;
    s->n++;
    return 0;
}

/* Peak resident set size so far, in KiB (VmHWM), or -1. */
static long vm_hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void test_big(void)
{
    const char *path = spath("big.xml.zst");
    /* Generate in a child, so its memory does not count in our peak. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) _exit(generate_big(path, BIG_PAGES) == 0 ? 0 : 1);
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0);

    long before = vm_hwm_kb();
    big_stats s = {0};
    char why[512];
    clock_t t0 = clock();
    int r = imp_mediawiki_read(path, 0, big_cb, NULL, &s, why, sizeof why);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    long after = vm_hwm_kb();
    CHECK_MSG(r == 0, "why: %s", why);
    CHECK_MSG(s.n == BIG_PAGES, "%d pages", s.n);
    CHECK_MSG(s.bad == 0, "%d bad pages", s.bad);
    CHECK(s.redirects == BIG_PAGES / 50);
    CHECK_MSG(s.last_offset > 50000000, "last page at byte %llu", (unsigned long long)s.last_offset);
    long growth = before >= 0 && after >= 0 ? after - before : -1;
    printf("big: %d pages, %.1f MB of XML (%.1f MB of text) from %.1f MB of zstd in %.2f s CPU; "
           "peak RSS %ld KiB -> %ld KiB (growth %ld KiB)%s\n",
           s.n, (double)s.last_offset / 1e6, (double)s.text_bytes / 1e6, (double)st.st_size / 1e6, secs, before,
           after, growth, UNDER_ASAN ? " [ASan: not checked]" : "");
    if (!UNDER_ASAN && growth >= 0) CHECK_MSG(growth < 40 * 1024, "peak RSS grew by %ld KiB", growth);
    CHECK(imp_mediawiki_is_dump(path, NULL, 0) == 1);
    CHECK(remove(path) == 0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <tests/samples/mediawiki> <scratch dir>\n", argv[0]);
        return 2;
    }
    scratch = argv[2];
    if (mkdir(scratch, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s\n", scratch, strerror(errno));
        return 2;
    }
    snprintf(small_path, sizeof small_path, "%s/small.xml", argv[1]);
    small_xml = read_all(small_path, &small_len);
    if (!small_xml) {
        fprintf(stderr, "%s: %s\n", small_path, strerror(errno));
        return 2;
    }

    test_small_plain();
    test_small_compressed();
    test_truncated();
    test_malformed();
    test_bad_fields();
    test_dbname();
    test_revisions();
    test_redirects();
    test_corrupt_gzip();
    test_entities();
    test_caps_and_stop();
    test_is_dump();
    test_big();

    free(small_xml);
    return check_summary();
}
