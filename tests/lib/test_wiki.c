/* test_wiki.c - page IDs scoped by wiki: the wiki of an entry, versions joined within one wiki, lookups by (wiki, page ID). */
#include "check.h"
#include "wikipack.h"
#include "writer_internal.h" /* wpk_test_record_hook */
#include "wpk2_layout.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static const char *tmp_path(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* wpk_wiki_from_url: Wikimedia's database names, any other host itself. */
static void test_from_url(void)
{
    static const struct { const char *url, *wiki; } cases[] = {
        {"https://en.wikipedia.org/wiki/Python_(programming_language)", "enwiki"},
        {"https://de.wikipedia.org/wiki/Sachsen", "dewiki"},
        {"http://EN.M.Wikipedia.org./wiki/X", "enwiki"},
        {"https://de.wiktionary.org/wiki/Haus", "dewiktionary"},
        {"https://fr.wikisource.org/wiki/X", "frwikisource"},
        {"https://zh-min-nan.wikipedia.org/wiki/X", "zh_min_nanwiki"},
        {"https://be-tarask.wikipedia.org/wiki/X", "be_x_oldwiki"},
        {"https://simple.wikipedia.org/wiki/X", "simplewiki"},
        {"https://www.wikidata.org/wiki/Q42", "wikidatawiki"},
        {"https://commons.wikimedia.org/wiki/File:X.jpg", "commonswiki"},
        {"https://meta.m.wikimedia.org/wiki/X", "metawiki"},
        {"https://m.wikidata.org/wiki/Q42", "wikidatawiki"},
        {"https://en.m.wikivoyage.org/wiki/X", "enwikivoyage"},
        {"https://www.mediawiki.org/wiki/X", "mediawikiwiki"},
        {"https://wikisource.org/wiki/X", "sourceswiki"},
        {"https://www.wikipedia.org/", "www.wikipedia.org"},
        {"https://a.b.wikipedia.org/wiki/X", "a.b.wikipedia.org"},
        {"https://user:pw@Wiki.Example.org:8080/wiki/X?y#z", "wiki.example.org"},
        {"//en.wikipedia.org/wiki/X", "enwiki"},
        {"/wiki/X", NULL},
        {"en.wikipedia.org/wiki/X", NULL},
        {"javascript:alert(1)", NULL},
        {"https:///wiki/X", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = NULL;
        int rc = wpk_wiki_from_url(cases[i].url, &got);
        if (cases[i].wiki)
            CHECK_MSG(rc == WPK_OK && got && !strcmp(got, cases[i].wiki), "%s: \"%s\", not \"%s\"", cases[i].url,
                      got ? got : "", cases[i].wiki);
        else
            CHECK_MSG(rc == WPK_E_NOTFOUND && !got, "%s: rc %d, not WPK_E_NOTFOUND", cases[i].url, rc);
        wpk_free(got);
    }
    char longer[400] = "https://";
    memset(longer + 8, 'a', 256);
    strcpy(longer + 264, ".org/wiki/X");
    char *got = (char *)"unset";
    CHECK(wpk_wiki_from_url(longer, &got) == WPK_E_NOTFOUND && !got);
    CHECK(wpk_wiki_from_url(NULL, &got) == WPK_E_INVALID);
}

/* Every entry's wiki number as the writer encodes it, by path. */
static char wiki_fields[16][64];
static int n_wiki_fields;

static void note_wiki_field(wpk2_entry *e, void *ctx)
{
    /* Format 2.0 stores every entry's wiki, as its number in the wiki
     * table (0: none): noted as PATH=NUMBER. */
    (void)ctx;
    if (n_wiki_fields < 16)
        snprintf(wiki_fields[n_wiki_fields++], sizeof wiki_fields[0], "%.*s=%u", (int)e->path.len,
                 (const char *)e->path.p, e->wiki);
}

/* The number `path` was given, -1 when the hook did not see it. */
static int noted_number(const char *path)
{
    size_t n = strlen(path);
    for (int i = 0; i < n_wiki_fields; i++)
        if (!strncmp(wiki_fields[i], path, n) && wiki_fields[i][n] == '=') return atoi(wiki_fields[i] + n + 1);
    return -1;
}

typedef struct wiki_rows { char text[512]; } wiki_rows;

static int note_wiki(void *ctx, uint32_t number, const char *name, const char *language, const char *url_base,
                     const char *site_name)
{
    wiki_rows *w = ctx;
    size_t n = strlen(w->text);
    snprintf(w->text + n, sizeof w->text - n, "%u=%s,%s,%s,%s ", number, name, language, url_base, site_name);
    return 0;
}

typedef struct input {
    const char *path, *title, *lang, *url, *wiki;
    uint64_t id; /* 0: none */
    int64_t updated;
} input;

static int add_all(wpk_writer *w, const input *in, size_t n, wpk_error *err)
{
    for (size_t i = 0; i < n; i++) {
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = in[i].path;
        m.title = in[i].title;
        m.language = in[i].lang;
        m.url = in[i].url;
        m.wiki = in[i].wiki;
        m.page_id = in[i].id;
        m.has_page_id = in[i].id != 0;
        m.updated_us = in[i].updated;
        m.has_updated = in[i].updated != 0;
        int rc = wpk_writer_add(w, &m, in[i].path, strlen(in[i].path), err);
        if (rc) return rc;
    }
    return WPK_OK;
}

static wpk_reader *pack(const char *name, const input *in, size_t n)
{
    const char *p = tmp_path(name);
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    CHECK_MSG(add_all(w, in, n, &err) == 0, "%s", err.message);
    CHECK_MSG(wpk_writer_finish(w, NULL, &err) == 0, "%s", err.message);
    wpk_writer_free(w);
    wpk_reader *r = NULL;
    CHECK_MSG(wpk_reader_open(&r, p, NULL, &err) == 0, "%s", err.message);
    return r;
}

/* The entry at `path`: its wiki, whether it is a revision, and of what. */
static int entry_is(wpk_reader *r, const char *path, const char *wiki, const char *current_path)
{
    wpk_entry *e = NULL, *cur = NULL;
    wpk_error err;
    int ok = wpk_reader_find_by_path(r, path, &e, &err) == 0;
    ok = ok && (wiki ? e->wiki && !strcmp(e->wiki, wiki) : !e->wiki);
    if (ok && current_path)
        ok = e->is_revision && wpk_reader_entry_at(r, e->current_entry, &cur, &err) == 0 &&
             !strcmp(cur->path, current_path);
    else if (ok)
        ok = !e->is_revision;
    if (!ok)
        fprintf(stderr, "%s: wiki %s, %s\n", path, e && e->wiki ? e->wiki : "(none)",
                e && e->is_revision ? "a revision" : "an article");
    wpk_entry_free(e);
    wpk_entry_free(cur);
    return ok;
}

typedef struct id_hits { char text[512]; } id_hits;

static int note_id(void *ctx, const char *wiki, uint64_t entry)
{
    id_hits *h = ctx;
    size_t n = strlen(h->text);
    snprintf(h->text + n, sizeof h->text - n, "%s:%llu ", wiki ? wiki : "-", (unsigned long long)entry);
    return 0;
}

static int path_of_wiki_id(wpk_reader *r, const char *wiki, uint64_t id, const char *want)
{
    wpk_entry *e = NULL;
    wpk_error err;
    int rc = wpk_reader_find_by_wiki_id(r, wiki, id, &e, &err);
    int ok = want ? rc == 0 && !strcmp(e->path, want) : rc == WPK_E_NOTFOUND && !e;
    if (!ok) fprintf(stderr, "%s/%llu: rc %d, %s\n", wiki ? wiki : "-", (unsigned long long)id, rc, e ? e->path : "");
    wpk_entry_free(e);
    return ok;
}

static uint64_t number_of(wpk_reader *r, const char *path)
{
    wpk_entry *e = NULL;
    wpk_error err;
    uint64_t n = wpk_reader_find_by_path(r, path, &e, &err) == 0 ? e->entry_number : UINT64_MAX;
    wpk_entry_free(e);
    return n;
}

/* An English and a German article share page ID 23862; each stays an
 * article, and versions still join within one wiki. */
static void test_collision(void)
{
    static const input in[] = {
        {"en/Python.md", "Python (programming language)", "en",
         "https://en.wikipedia.org/wiki/Python_(programming_language)", NULL, 23862, 400},
        {"de/Sachsen.md", "Sachsen", "de", "https://de.wikipedia.org/wiki/Sachsen", NULL, 23862, 300},
        /* Only a language: "dewiki" is the guess, so an older Sachsen. */
        {"de/Sachsen_alt.md", "Sachsen", "de", NULL, NULL, 23862, 100},
        /* Named: another wiki of the same language. */
        {"wikt/Haus.md", "Haus", "de", NULL, "dewiktionary", 23862, 200},
        /* Nothing says which wiki: one of its own. */
        {"x/unknown.md", "Unknown", NULL, NULL, NULL, 23862, 50},
        /* Two versions of one English article. */
        {"en/Twisted_2024.md", "Twisted (software)", "en", "https://en.wikipedia.org/wiki/Twisted_(software)", NULL,
         1793652, 500},
        {"en/Twisted_2023.md", "Twisted (software)", "en", "https://en.wikipedia.org/wiki/Twisted_(software)", NULL,
         1793652, 100},
        /* Without page IDs: one title in two wikis, two versions in one. */
        {"en/Berlin.md", "Berlin", "en", "https://en.wikipedia.org/wiki/Berlin", NULL, 0, 200},
        {"en/Berlin_old.md", "berlin", "en", NULL, NULL, 0, 100},
        {"de/Berlin.md", "Berlin", "de", "https://de.wikipedia.org/wiki/Berlin", NULL, 0, 300},
        /* Without a page ID, a copy joins the page ID of its title in its
         * own wiki, not the smaller one of the title in another. */
        {"en/Leipzig.md", "Leipzig", "en", "https://en.wikipedia.org/wiki/Leipzig", NULL, 1000, 100},
        {"de/Leipzig.md", "Leipzig", "de", "https://de.wikipedia.org/wiki/Leipzig", NULL, 2971, 300},
        {"de/Leipzig_copy.md", "Leipzig", "de", "https://de.wikipedia.org/wiki/Leipzig", NULL, 0, 200},
    };
    n_wiki_fields = 0;
    wpk_test_record_hook = note_wiki_field;
    wpk_reader *r = pack("collision.wpk", in, sizeof in / sizeof *in);
    wpk_test_record_hook = NULL;
    if (!r) return;
    /* The wiki table: the wikis of the entries, numbered in name order,
     * each with its entries' language and URL base; the writer gave every
     * entry its wiki's number, 0 to the one of no known wiki. */
    wiki_rows rows = {""};
    CHECK(wpk_reader_wikis(r, note_wiki, &rows) == 0);
    CHECK_MSG(!strcmp(rows.text, "1=dewiki,de,https://de.wikipedia.org/wiki/, 2=dewiktionary,de,, "
                                 "3=enwiki,en,https://en.wikipedia.org/wiki/, "),
              "wikis: %s", rows.text);
    CHECK_MSG(n_wiki_fields == 13 && noted_number("en/Python.md") == 3 && noted_number("de/Sachsen_alt.md") == 1 &&
                  noted_number("wikt/Haus.md") == 2 && noted_number("x/unknown.md") == 0,
              "%d entries noted", n_wiki_fields);
    /* Only what the wiki does not give is stored: URLs that are the wiki's
     * URL base and the title are spelled (1.x stored a WIKI field only
     * where URL and language did not give it; 2.0 gives every entry a
     * wiki number, and spells its URL from the wiki instead). */
    {
        size_t len = 0;
        uint8_t *buf = NULL;
        FILE *f = fopen(tmp_path("collision.wpk"), "rb");
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = (size_t)ftell(f)) > 0 && (buf = malloc(len)) != NULL) {
            rewind(f);
            if (fread(buf, 1, len, f) != len) len = 0;
        }
        if (f) fclose(f);
        w2_layout lay;
        wpk2_wikis wikis;
        wpk2_entry_page pg;
        memset(&wikis, 0, sizeof wikis);
        memset(&pg, 0, sizeof pg);
        wpk2_section ws = {0};
        uint8_t *raw = NULL;
        wpk2_err e2;
        int ok = buf && len && w2_open(&lay, buf, len) == 0 && (ws = w2_section(&lay, WPK2_SEC_WIKIS)).stored_size &&
                 (raw = w2_section_raw(&lay, &ws)) != NULL &&
                 wpk2_wikis_decode(raw, (size_t)ws.raw_size, lay.h.wiki_count, NULL, &wikis, &e2) == WPK2_OK &&
                 w2_entry_page_of(&lay, &wikis, number_of(r, "en/Python.md"), &pg) == 0;
        CHECK(ok);
        int spelled = 0, stored = 0;
        for (uint32_t i = 0; ok && i < pg.count; i++) {
            const wpk2_entry *x = &pg.entries[i];
            if (!(x->flags & WPK2_F_HAS_URL)) continue;
            if (x->flags & WPK2_F_URL_SPELLED) spelled++;
            else stored++;
        }
        /* Every URL given here is its wiki's base and title. */
        CHECK_MSG(ok && spelled == 9 && stored == 0, "URLs: %d spelled, %d stored", spelled, stored);
        wpk2_entry_page_free(&pg);
        wpk2_wikis_free(&wikis);
        free(raw);
        free(buf);
    }

    CHECK(entry_is(r, "en/Python.md", "enwiki", NULL));
    CHECK(entry_is(r, "de/Sachsen.md", "dewiki", NULL));
    CHECK(entry_is(r, "de/Sachsen_alt.md", "dewiki", "de/Sachsen.md"));
    CHECK(entry_is(r, "wikt/Haus.md", "dewiktionary", NULL));
    CHECK(entry_is(r, "x/unknown.md", NULL, NULL));
    CHECK(entry_is(r, "en/Twisted_2024.md", "enwiki", NULL));
    CHECK(entry_is(r, "en/Twisted_2023.md", "enwiki", "en/Twisted_2024.md"));
    CHECK(entry_is(r, "en/Berlin.md", "enwiki", NULL));
    CHECK(entry_is(r, "en/Berlin_old.md", "enwiki", "en/Berlin.md"));
    CHECK(entry_is(r, "de/Berlin.md", "dewiki", NULL));
    CHECK(entry_is(r, "en/Leipzig.md", "enwiki", NULL));
    CHECK(entry_is(r, "de/Leipzig.md", "dewiki", NULL));
    CHECK(entry_is(r, "de/Leipzig_copy.md", "dewiki", "de/Leipzig.md"));

    /* Each title gives its own article. */
    wpk_entry *e = NULL;
    wpk_error err;
    CHECK(wpk_reader_find_by_title(r, "Python (programming language)", &e, &err) == 0 && !strcmp(e->path, "en/Python.md"));
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_title(r, "Sachsen", &e, &err) == 0 && !strcmp(e->path, "de/Sachsen.md"));
    wpk_entry_free(e);

    /* Every article with the ID, once each, in wiki number order (2.0:
     * entries of no wiki first, then the wikis by number). */
    id_hits h = {""};
    CHECK(wpk_reader_match_id(r, 23862, note_id, &h, &err) == 0);
    char want[512];
    snprintf(want, sizeof want, "-:%llu dewiki:%llu dewiktionary:%llu enwiki:%llu ",
             (unsigned long long)number_of(r, "x/unknown.md"), (unsigned long long)number_of(r, "de/Sachsen.md"),
             (unsigned long long)number_of(r, "wikt/Haus.md"), (unsigned long long)number_of(r, "en/Python.md"));
    CHECK_MSG(!strcmp(h.text, want), "match_id: \"%s\", not \"%s\"", h.text, want);
    h.text[0] = 0;
    CHECK(wpk_reader_match_id(r, 1793652, note_id, &h, &err) == 0 && !strncmp(h.text, "enwiki:", 7) &&
          !strchr(h.text + 7, ':'));
    CHECK(wpk_reader_match_id(r, 5, note_id, &h, &err) == WPK_E_NOTFOUND && strstr(err.message, "page ID 5"));

    CHECK(path_of_wiki_id(r, "enwiki", 23862, "en/Python.md"));
    CHECK(path_of_wiki_id(r, "dewiki", 23862, "de/Sachsen.md"));
    CHECK(path_of_wiki_id(r, "dewiktionary", 23862, "wikt/Haus.md"));
    CHECK(path_of_wiki_id(r, NULL, 23862, "x/unknown.md"));
    CHECK(path_of_wiki_id(r, "", 23862, "x/unknown.md"));
    CHECK(path_of_wiki_id(r, "frwiki", 23862, NULL));
    CHECK(path_of_wiki_id(r, "enwiki", 1793652, "en/Twisted_2024.md"));
    CHECK(path_of_wiki_id(r, "enwiki", 5, NULL));
    /* The unscoped lookup: the first of them in that order. */
    CHECK(wpk_reader_find_by_id(r, 23862, &e, &err) == 0 && !strcmp(e->path, "x/unknown.md"));
    wpk_entry_free(e);
    wpk_archive_info info = WPK_ARCHIVE_INFO_INIT;
    CHECK(wpk_reader_info(r, &info) == 0 && info.articles == 9 && info.revisions == 4);
    wpk_reader_close(r);
}

/* An archive that lies with every hash right (the record hook gives an
 * entry another number than the writer chose): an older version of
 * another wiki than its current version. Versions join only within one
 * wiki, a rule spanning entries that verify checks; lookups report what is
 * stored. (1.x records carried WIKI extension fields, which this test
 * appended empty or twice; a 2.0 entry's wiki is one number, and one above
 * the table's count is refused by the encoder, so those cases are gone.) */
static const char *lie_for;   /* path whose entry gets wiki number lie_wiki */
static uint16_t lie_wiki;

static void set_wiki(wpk2_entry *e, void *ctx)
{
    (void)ctx;
    if (e->path.len == strlen(lie_for) && !memcmp(e->path.p, lie_for, e->path.len)) e->wiki = lie_wiki;
}

typedef struct first_problem { char msg[512]; int n; } first_problem;

static void keep_first(void *ctx, const wpk_error *e)
{
    first_problem *f = ctx;
    if (f->n++ == 0) snprintf(f->msg, sizeof f->msg, "%s", e->message);
}

static void test_older_archives(void)
{
    /* Two versions of one enwiki article, and a dewiki article (wiki 1;
     * enwiki is 2); then the older version is said to be of dewiki. */
    static const input joined[] = {
        {"a/new.md", "Python (programming language)", "en", "https://en.wikipedia.org/wiki/Python", NULL, 23862, 400},
        {"b/old.md", "Python", "en", NULL, NULL, 23862, 300},
        {"c/other.md", "Sachsen", "de", "https://de.wikipedia.org/wiki/Sachsen", NULL, 5, 0},
    };
    for (int lie = 0; lie < 2; lie++) {
        lie_for = "b/old.md";
        lie_wiki = lie ? 1 : 2;
        wpk_test_record_hook = set_wiki;
        wpk_reader *r = pack(lie ? "lying.wpk" : "joined.wpk", joined, 3);
        wpk_test_record_hook = NULL;
        if (!r) return;
        CHECK(entry_is(r, "b/old.md", lie ? "dewiki" : "enwiki", "a/new.md"));
        /* Only current versions are in the ID index, whatever an older one says. */
        CHECK(path_of_wiki_id(r, "enwiki", 23862, "a/new.md"));
        CHECK(path_of_wiki_id(r, "dewiki", 23862, NULL));
        id_hits h = {""};
        wpk_error err;
        CHECK(wpk_reader_match_id(r, 23862, note_id, &h, &err) == 0);
        char want[128];
        snprintf(want, sizeof want, "enwiki:%llu ", (unsigned long long)number_of(r, "a/new.md"));
        CHECK_MSG(!strcmp(h.text, want), "match_id: \"%s\", not \"%s\"", h.text, want);
        first_problem fp = {"", 0};
        int rc = wpk_reader_verify(r, WPK_VERIFY_FULL, keep_first, &fp, NULL, &err);
        if (!lie) CHECK_MSG(rc == 0 && fp.n == 0, "%s", fp.msg);
        else
            CHECK_MSG(rc == WPK_E_CORRUPT && fp.n == 1 && strstr(fp.msg, "an older version of another wiki"),
                      "rc %d, %d problems: %s", rc, fp.n, fp.msg);
        wpk_reader_close(r);
    }
}

/* The field is at the end of wpk_entry: a caller built with an older
 * header never gives one, whatever lies past its struct_size. */
static void test_abi_and_caps(void)
{
    const char *p = tmp_path("abi-wiki.wpk");
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    wpk_entry m = WPK_ENTRY_INIT;
    m.path = "a.md";
    m.title = "A";
    m.language = "EN-GB";
    m.wiki = "ignored";
    m.struct_size = offsetof(wpk_entry, wiki);
    CHECK_MSG(wpk_writer_add(w, &m, "a", 1, &err) == 0, "%s", err.message);
    char name[300];
    memset(name, 'w', 256);
    name[256] = 0;
    wpk_entry big = WPK_ENTRY_INIT;
    big.path = "b.md";
    big.wiki = name;
    CHECK(wpk_writer_add(w, &big, "b", 1, &err) == WPK_E_INVALID && strstr(err.message, "255"));
    name[255] = 0;
    CHECK_MSG(wpk_writer_add(w, &big, "b", 1, &err) == 0, "%s", err.message);
    CHECK(wpk_writer_finish(w, NULL, &err) == 0);
    wpk_writer_free(w);
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    CHECK(entry_is(r, "a.md", "en_gbwiki", NULL)); /* the language's guess, in lower case */
    CHECK(entry_is(r, "b.md", name, NULL));
    wpk_reader_close(r);
}

/* ---- wikis' case rules and revisions' facts (format 2.1) ---- */

typedef struct paths_hit { char text[256]; } paths_hit;

static int note_hit(void *ctx, const char *title, int kind, uint64_t entry)
{
    (void)kind;
    paths_hit *h = ctx;
    size_t n = strlen(h->text);
    snprintf(h->text + n, sizeof h->text - n, "%s#%llu ", title, (unsigned long long)entry);
    return 0;
}

static int add_page(wpk_writer *w, const char *path, const char *title, const char *wiki, uint64_t rev,
                    const char *who, const char *comment, wpk_error *err)
{
    static uint64_t page_id = 100; /* each its own article: a title alone would join "polish" to "Polish" on enwiki */
    wpk_entry m = WPK_ENTRY_INIT;
    m.page_id = page_id++;
    m.has_page_id = 1;
    m.path = path;
    m.title = title;
    m.wiki = wiki;
    m.revision_id = rev;
    m.has_revision_id = rev != 0;
    m.contributor = who;
    m.comment = comment;
    return wpk_writer_add(w, &m, title, strlen(title), err);
}

static void test_case_rules_and_revision_facts(void)
{
    const char *p = tmp_path("case.wpk");
    wpk_writer *w;
    wpk_error err;
    /* Without a search index (format 2.3): the minor version then says 2.1. */
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.search = -1;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    /* Told: Wiktionary is case-sensitive, with a site name and URL base. */
    wpk_wiki_info wt = WPK_WIKI_INFO_INIT;
    wt.name = "enwiktionary";
    wt.site_name = "Wiktionary";
    wt.url_base = "https://en.wiktionary.org/wiki/";
    wt.case_sensitive = 1;
    CHECK_MSG(wpk_writer_describe_wiki(w, &wt, &err) == 0, "%s", err.message);
    wpk_wiki_info none = WPK_WIKI_INFO_INIT;
    none.name = "";
    CHECK(wpk_writer_describe_wiki(w, &none, &err) == WPK_E_INVALID);
    none.name = "nowiki"; /* described, but no entry is of it: not recorded */
    CHECK(wpk_writer_describe_wiki(w, &none, &err) == 0);
    CHECK(add_page(w, "t/polish", "polish", "enwiktionary", 700002, "192.0.2.44", "add a sense", &err) == 0);
    CHECK(add_page(w, "t/Polish", "Polish", "enwiktionary", 0, "Bob", NULL, &err) == 0);
    CHECK(add_page(w, "e/polish", "polish", "enwiki", 0, NULL, "", &err) == 0);
    CHECK(add_page(w, "e/Polish", "Polish", "enwiki", 18446744073709551615ull, NULL, NULL, &err) == 0);
    static char long_comment[65537];
    memset(long_comment, 'c', 65536);
    CHECK(add_page(w, "e/long", "Long", "enwiki", 1, NULL, long_comment, &err) == WPK_E_INVALID);
    CHECK_MSG(wpk_writer_finish(w, NULL, &err) == 0, "%s", err.message);
    wpk_writer_free(w);
    wpk_reader *r = NULL;
    CHECK_MSG(wpk_reader_open(&r, p, NULL, &err) == 0, "%s", err.message);
    if (!r) return;
    wpk_archive_info info = WPK_ARCHIVE_INFO_INIT;
    CHECK(wpk_reader_info(r, &info) == 0 && info.version_minor == 1 && info.wiki_count == 2);
    wpk_wiki_info got = WPK_WIKI_INFO_INIT;
    CHECK(wpk_reader_wiki_info(r, 1, &got) == 0 && !strcmp(got.name, "enwiki") && !got.case_sensitive &&
          !strcmp(got.site_name, ""));
    CHECK(wpk_reader_wiki_info(r, 2, &got) == 0 && !strcmp(got.name, "enwiktionary") && got.case_sensitive &&
          !strcmp(got.site_name, "Wiktionary") && !strcmp(got.url_base, "https://en.wiktionary.org/wiki/"));
    CHECK(wpk_reader_wiki_info(r, 3, &got) == WPK_E_NOTFOUND && wpk_reader_wiki_info(r, 0, &got) == WPK_E_NOTFOUND);
    /* "polish_" on Wiktionary is "polish" alone; on Wikipedia both pages
     * have the MediaWiki form "Polish". Without page IDs, versions are
     * joined by title as each wiki tells titles apart (case.wpk's second
     * half, below). */
    wpk_match_level lv;
    paths_hit h = {""};
    CHECK(wpk_reader_match_title_wiki(r, "enwiktionary", "polish_", note_hit, &h, &lv, &err) == 0);
    CHECK_MSG(lv == WPK_MATCH_MEDIAWIKI && !strcmp(h.text, "polish#3 "), "level %d: %s", lv, h.text);
    h.text[0] = 0;
    CHECK(wpk_reader_match_title_wiki(r, "enwiktionary", "Polish_", note_hit, &h, &lv, &err) == 0);
    CHECK_MSG(lv == WPK_MATCH_MEDIAWIKI && !strcmp(h.text, "Polish#2 "), "level %d: %s", lv, h.text);
    h.text[0] = 0;
    CHECK(wpk_reader_match_title_wiki(r, "enwiki", "polish_", note_hit, &h, &lv, &err) == 0);
    CHECK_MSG(lv == WPK_MATCH_MEDIAWIKI && strstr(h.text, "Polish#0") && strstr(h.text, "polish#1"), "level %d: %s",
              lv, h.text);
    /* Revision facts as given; "" is none. */
    wpk_entry *e = NULL;
    CHECK(wpk_reader_find_by_path(r, "t/polish", &e, &err) == 0 && e->has_revision_id && e->revision_id == 700002 &&
          !strcmp(e->contributor, "192.0.2.44") && !strcmp(e->comment, "add a sense"));
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_path(r, "e/polish", &e, &err) == 0 && !e->has_revision_id && !e->contributor && !e->comment);
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_path(r, "e/Polish", &e, &err) == 0 && e->revision_id == UINT64_MAX && !e->contributor);
    wpk_entry_free(e);
    wpk_reader_close(r);

    /* Without page IDs: on the case-sensitive wiki "polish" and "Polish"
     * stay two articles; on a first-letter one they are versions of one. */
    p = tmp_path("case_noid.wpk");
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    CHECK(wpk_writer_describe_wiki(w, &wt, &err) == 0);
    static const char *const noid[][3] = {
        {"t/a", "polish", "enwiktionary"}, {"t/b", "Polish", "enwiktionary"},
        {"e/a", "polish", "enwiki"}, {"e/b", "Polish", "enwiki"},
    };
    for (size_t k = 0; k < 4; k++) {
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = noid[k][0];
        m.title = noid[k][1];
        m.wiki = noid[k][2];
        CHECK(wpk_writer_add(w, &m, "x", 1, &err) == 0);
    }
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK_MSG(wpk_writer_finish(w, &st, &err) == 0, "%s", err.message);
    CHECK_MSG(st.articles == 3 && st.revisions == 1, "%llu articles, %llu revisions", (unsigned long long)st.articles,
              (unsigned long long)st.revisions);
    wpk_writer_free(w);
}

int main(int argc, char **argv)
{
    dir = argc > 1 ? argv[1] : ".";
    test_from_url();
    test_collision();
    test_older_archives();
    test_abi_and_caps();
    test_case_rules_and_revision_facts();
    return check_summary();
}
