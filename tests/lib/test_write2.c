/* test_write2.c - the writer's format 2.0 archives, read with the witness reader alone: every entry given comes back, -j1 and -j2 write the same bytes, signing, and what the writer refuses.
 *
 * Usage: test_write2 SCRATCH_DIR SAMPLES_DIR
 *        test_write2 --walk ARCHIVE [PUBKEY_HEX]   (verify any archive with the witness reader) */
#include "check.h"
#include "import.h"
#include "wit2_reader.h"
#include "write2_model.h"
#include "writer_internal.h" /* test hooks: wpk_test_branch_size, wpk_test_record_hook, wpk_test_relay_bucket */

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *scratch;

static char *out_path(const char *name)
{
    static char buf[8][4096];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", scratch, name);
    return p;
}

/* ---- collections ---------------------------------------------------------- */

static void add_article(model *m, const char *rel, const imp_article *a, const void *data, size_t size)
{
    m_entry *e = model_add(m, rel, a->title, data, size);
    model_set(&e->wiki, a->wiki);
    model_set(&e->url, a->url);
    model_set(&e->language, a->language);
    e->page_id = a->page_id;
    e->has_page_id = a->has_page_id;
    e->updated_us = a->updated_us;
    e->has_updated = a->has_updated;
    e->ns = a->ns;
    e->has_ns = a->has_ns;
    for (size_t k = 0; k < a->n_categories; k++) model_category(e, a->categories[k]);
}

typedef struct mw_ctx { model *m; imp_path_set paths; const char *rel; } mw_ctx;

static int on_page(void *ctx, const imp_article *a, uint64_t at)
{
    (void)at;
    mw_ctx *c = ctx;
    if (a->redirect_to && a->title) { /* a redirect page is an alias, as `wikipack pack` makes it */
        model_alias(c->m, a->title, a->redirect_to, 0);
        return 0;
    }
    char *path = imp_record_path(&c->paths, c->rel, a->title, ".wiki");
    add_article(c->m, path, a, a->text ? a->text : "", a->text_len);
    model_set(&c->m->e[c->m->n - 1].mime, "text/x-wiki");
    free(path);
    return 0;
}

/* The files of a sample folder as `wikipack pack` reads them: their
 * metadata from their layout, MediaWiki pages as records. */
static void sample_model(model *m, const char *dir)
{
    imp_walk_list files;
    memset(&files, 0, sizeof files);
    CHECK(imp_walk_input(dir, &files) == 0);
    imp_walk_sort(&files);
    for (size_t i = 0; i < files.n; i++) {
        imp_walk_file f;
        char buf[IMP_WALK_PATH_MAX];
        if (imp_walk_get(&files, i, &f, buf, sizeof buf)) continue;
        size_t size;
        uint8_t *data = model_load(f.full, &size);
        if (!data) continue;
        imp_layout l = imp_layout_detect(f.rel, (const char *)data, size, NULL, 0);
        if (l == IMP_LAYOUT_MEDIAWIKI) {
            mw_ctx c = {m, {0}, f.rel};
            char why[256];
            CHECK(imp_mediawiki_read(f.full, 0, on_page, NULL, &c, why, sizeof why) == 0);
            imp_path_set_free(&c.paths);
        } else if (!imp_layout_is_records(l)) {
            imp_article a;
            memset(&a, 0, sizeof a);
            char why[256];
            int st = imp_layout_parse_file(l, (const char *)data, size, &a, why, sizeof why);
            if (st < 0) memset(&a, 0, sizeof a);
            add_article(m, f.rel, &a, data, size);
            imp_article_free(&a);
        }
        free(data);
    }
    imp_walk_list_free(&files);
    /* Redirects whose target is a title here resolve. */
    for (size_t a = 0; a < m->na; a++)
        for (size_t i = 0; i < m->n && !m->resolves[a]; i++)
            m->resolves[a] = m->e[i].title && !strcmp(m->e[i].title, m->target[a]);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Text of `words` words from a small vocabulary, after a boilerplate all
 * entries share (so that a dictionary pays). */
static size_t filler(char *out, size_t cap, int words)
{
    static const char *const vocab[] = {"river", "mountain", "history", "language", "python", "software", "city",
                                        "population", "railway", "station", "century", "village", "music", "album",
                                        "species", "genus", "family", "district", "province", "university"};
    size_t n = (size_t)snprintf(out, cap,
                                "{{Infobox settlement | name = | image = | caption = | coordinates = | subdivision_type = "
                                "Country | established_title = Founded | area_total_km2 = | population_total = }}\n"
                                "'''This article''' is about a topic of the encyclopedia. See also the list of topics "
                                "and the [[Help:Contents|help pages]] for how to edit it.\n");
    for (int i = 0; i < words && n + 32 < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", vocab[next_rand() % 20], i % 12 == 11 ? ".\n" : " ");
    return n;
}

#define EN "https://en.wikipedia.org/wiki/"
#define DE "https://de.wikipedia.org/wiki/"

/* Revisions, aliases, categories, two wikis with colliding page IDs, an
 * explicit wiki, entries of no wiki, duplicate and empty contents, times
 * in whole seconds and not, languages other than their wiki's,
 * namespaces, media types, and `bulk` filler articles. */
static void generated_model(model *m, int bulk)
{
    m_entry *e;
    /* Three versions of one English article; the oldest under a former title. */
    e = model_add(m, "en/Python_2024.md", "Python (programming language)", "v3 text", 7);
    model_set(&e->url, EN "Python_(programming_language)");
    model_set(&e->language, "en");
    e->page_id = 23862, e->has_page_id = 1, e->updated_us = 1700000000000000, e->has_updated = 1;
    model_category(e, "Category:Programming languages");
    model_category(e, "Category:Python (programming language)");
    e = model_add(m, "en/Python_2023.md", "Python (programming language)", "v2 text", 7);
    model_set(&e->url, EN "Python_(programming_language)");
    model_set(&e->language, "en");
    e->page_id = 23862, e->has_page_id = 1, e->updated_us = 1600000000000000, e->has_updated = 1;
    model_category(e, "Category:Programming languages");
    model_category(e, "Category:Python (programming language)"); /* as its article's: SAME_CATEGORIES */
    e = model_add(m, "old/Python_2001.md", "Python programming language", "v1 text", 7);
    model_set(&e->url, EN "Python_programming_language");
    model_set(&e->language, "en");
    e->page_id = 23862, e->has_page_id = 1, e->updated_us = 1000000000123456, e->has_updated = 1; /* not whole seconds */
    model_category(e, "Category:Old stuff");
    /* The same page ID in two other wikis. */
    e = model_add(m, "de/Sachsen.md", "Sachsen", "Sachsen ist ein Land.", 21);
    model_set(&e->url, DE "Sachsen");
    model_set(&e->language, "de");
    e->page_id = 23862, e->has_page_id = 1;
    model_category(e, "Kategorie:Land");
    e = model_add(m, "wikt/Haus.md", "Haus", "das Haus", 8);
    model_set(&e->wiki, "dewiktionary");
    model_set(&e->language, "de");
    e->page_id = 23862, e->has_page_id = 1;
    /* One title in two wikis; versions without a page ID joined by title. */
    e = model_add(m, "en/Berlin.md", "Berlin", "Berlin is a city.", 17);
    model_set(&e->url, EN "Berlin");
    model_set(&e->language, "en");
    e->updated_us = 200, e->has_updated = 1;
    e = model_add(m, "en/Berlin_old.md", "berlin", "Berlin was a city.", 18);
    model_set(&e->language, "en");
    e->updated_us = 100, e->has_updated = 1;
    e = model_add(m, "de/Berlin.md", "Berlin", "Berlin ist eine Stadt.", 22);
    model_set(&e->url, DE "Berlin");
    model_set(&e->language, "de");
    /* A language not its wiki's, a URL not spelled from the title, a namespace. */
    e = model_add(m, "en/Colour.md", "Colour", "Colour is a property.", 21);
    model_set(&e->url, "https://en.wikipedia.org/w/index.php?title=Colour");
    model_set(&e->language, "en-GB");
    e->page_id = 5, e->has_page_id = 1;
    e = model_add(m, "en/Category_Cities.md", "Category:Cities", "Cities.", 7);
    model_set(&e->url, EN "Category:Cities");
    model_set(&e->language, "en");
    e->page_id = 77, e->has_page_id = 1, e->ns = 14, e->has_ns = 1;
    model_category(e, "Category:Container categories");
    /* Entries of no wiki: no URL, no language; one empty, two alike, a
     * page ID without a wiki. */
    e = model_add(m, "misc/empty.txt", NULL, "", 0);
    e = model_add(m, "misc/copy_a.txt", NULL, "the same bytes", 14);
    model_set(&e->mime, "text/plain");
    e = model_add(m, "misc/copy_b.txt", NULL, "the same bytes", 14);
    model_set(&e->mime, "text/plain");
    e = model_add(m, "misc/numbered.txt", "Numbered", "no wiki but an ID", 17);
    e->page_id = 23862, e->has_page_id = 1, e->updated_us = -86400000000, e->has_updated = 1; /* before 1970 */
    e = model_add(m, "misc/Ünïcödé_Straße.md", "Ünïcödé Straße", "non-ASCII", 9);
    model_set(&e->language, "de");
    e = model_add(m, "misc/underscore.md", "_", "a title whose folded key is empty", 32);
    /* Filler articles for the dictionary, many pages and categories. */
    char text[4096], path[64], title[64], url[128];
    for (int i = 0; i < bulk; i++) {
        snprintf(path, sizeof path, "bulk/topic_%04d.md", i);
        snprintf(title, sizeof title, "Topic %d", i);
        snprintf(url, sizeof url, EN "Topic_%d", i);
        size_t n = filler(text, sizeof text, 120 + (int)(next_rand() % 200));
        e = model_add(m, path, title, text, n);
        model_set(&e->url, url);
        model_set(&e->language, "en");
        model_set(&e->mime, "text/markdown");
        e->page_id = 100000 + (uint64_t)i * 7, e->has_page_id = 1;
        e->updated_us = 1700000000000000 + (int64_t)i * 1000000, e->has_updated = 1;
        char cat[64];
        snprintf(cat, sizeof cat, "Category:Pool %d", i % 13);
        model_category(e, cat);
        model_category(e, "Category:All topics");
    }
    model_alias(m, "Python", "Python (programming language)", 1);
    model_alias(m, "Monty", "No such article", 0);
    model_alias(m, "topic_7", "Topic 7", bulk > 7);
    model_alias(m, "Saxony", "Sachsen", 1);
    model_alias(m, "__", "_", 1);
}

/* ---- cases ---------------------------------------------------------------- */

static int pack_and_walk(const model *m, const char *name, const wpk_write_opts *o, wpk_write_stats *st)
{
    wpk_error err;
    int rc = model_pack(m, out_path(name), o, st, &err);
    CHECK_MSG(rc == 0, "%s: %s", name, err.message);
    if (rc) return -1;
    size_t n;
    uint8_t *d = model_load(out_path(name), &n);
    int problems = model_walk(m, d, n, NULL, name);
    CHECK_MSG(problems == 0, "%s: %d problems", name, problems);
    free(d);
    return problems;
}

static int same_file(const char *a, const char *b)
{
    size_t na, nb;
    uint8_t *x = model_load(a, &na), *y = model_load(b, &nb);
    int same = x && y && na == nb && !memcmp(x, y, na);
    free(x);
    free(y);
    return same;
}

static void test_samples(const char *samples)
{
    static const char *const dirs[] = {"articles", "layouts", "mediawiki"};
    model m;
    memset(&m, 0, sizeof m);
    char dir[4096];
    for (size_t i = 0; i < 3; i++) {
        snprintf(dir, sizeof dir, "%s/%s", samples, dirs[i]);
        sample_model(&m, dir);
    }
    CHECK(m.n > 40);
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.threads = 1;
    pack_and_walk(&m, "samples-j1.wpk", &o, NULL);
    o.threads = 2;
    pack_and_walk(&m, "samples-j2.wpk", &o, NULL);
    CHECK_MSG(same_file(out_path("samples-j1.wpk"), out_path("samples-j2.wpk")), "samples: -j1 and -j2 differ");
    model_free(&m);
}

static void test_generated(void)
{
    model m;
    memset(&m, 0, sizeof m);
    generated_model(&m, 400);
    /* Small blocks and pages: a dictionary pays, many leaves per index. */
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.block_size = 4096;
    o.page_size = 2048;
    o.threads = 1;
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    pack_and_walk(&m, "gen-j1.wpk", &o, &st);
    CHECK_MSG(st.dict_size > 0, "no dictionary was kept");
    CHECK_MSG(st.revisions == 3 && st.duplicates == 1, "%llu revisions, %llu duplicates",
              (unsigned long long)st.revisions, (unsigned long long)st.duplicates);
    CHECK_MSG(st.aliases == 4 && st.unresolved_aliases == 1, "%llu aliases, %llu unresolved",
              (unsigned long long)st.aliases, (unsigned long long)st.unresolved_aliases);
    o.threads = 2;
    pack_and_walk(&m, "gen-j2.wpk", &o, NULL);
    CHECK_MSG(same_file(out_path("gen-j1.wpk"), out_path("gen-j2.wpk")), "generated: -j1 and -j2 differ");

    /* The entries are added out of path order, so the spill file is copied
     * in path order through buckets: of a few entries each, and of one
     * entry larger than a bucket. The archive does not change. */
    static const uint32_t buckets[] = {300, 4096};
    for (size_t i = 0; i < sizeof buckets / sizeof *buckets; i++) {
        char name[64];
        snprintf(name, sizeof name, "gen-relay-%u.wpk", buckets[i]);
        wpk_test_relay_bucket = buckets[i];
        pack_and_walk(&m, name, &o, NULL);
        wpk_test_relay_bucket = 0;
        CHECK_MSG(same_file(out_path("gen-j1.wpk"), out_path(name)), "buckets of %u bytes: another archive", buckets[i]);
    }

    /* Every root branched: at most 2 items a root or branch page. */
    wpk_test_branch_size = 2;
    o.page_size = 600;
    pack_and_walk(&m, "gen-branched.wpk", &o, NULL);
    o.threads = 1;
    pack_and_walk(&m, "gen-branched-j1.wpk", &o, NULL);
    wpk_test_branch_size = 0;
    CHECK(same_file(out_path("gen-branched.wpk"), out_path("gen-branched-j1.wpk")));
    size_t n;
    uint8_t *d = model_load(out_path("gen-branched.wpk"), &n);
    wit2 a;
    if (d && wit2_open(&a, d, n, NULL) == 0)
        for (uint32_t t = WPK2_SEC_ENTRY_ROOT; t <= WPK2_SEC_CATEGORY_ROOT; t++)
            CHECK_MSG(a.map.of[t]->flags & WPK2_SECF_BRANCHED, "root of type %u not branched", t);
    wit2_close(&a);
    free(d);

    /* No dictionary, default pages, latest versions only. */
    wpk_write_opts plain = WPK_WRITE_OPTS_INIT;
    plain.dictionary = -1;
    pack_and_walk(&m, "gen-plain.wpk", &plain, NULL);
    model_free(&m);
}

static void test_empty(void)
{
    model m;
    memset(&m, 0, sizeof m);
    pack_and_walk(&m, "empty.wpk", NULL, NULL);
    model_alias(&m, "Nothing", "Nowhere", 0);
    pack_and_walk(&m, "empty-alias.wpk", NULL, NULL);
    model_free(&m);
}

/* Signed with the test key of the witness vectors (seed 00..1F): the
 * witness reader trusts it with that key, and not with another. The
 * archive has a dictionary (signing reads its pages with it). */
static void test_sign(void)
{
    model m;
    memset(&m, 0, sizeof m);
    generated_model(&m, 400);
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.block_size = 4096;
    o.page_size = 2048;
    wpk_error err;
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK(model_pack(&m, out_path("signed.wpk"), &o, &st, &err) == 0);
    CHECK(st.dict_size > 0);
    size_t n0, n;
    uint8_t *unsigned_bytes = model_load(out_path("signed.wpk"), &n0);
    uint8_t seed[32], pk[32], sk[64], other_pk[32], other_sk[64];
    for (int i = 0; i < 32; i++) seed[i] = (uint8_t)i;
    crypto_sign_seed_keypair(pk, sk, seed);
    seed[0] = 0xFF;
    crypto_sign_seed_keypair(other_pk, other_sk, seed);
    int rc = wpk_sign_archive(out_path("signed.wpk"), sk, &err);
    CHECK_MSG(rc == 0, "sign: %s", err.message);
    uint8_t *d = model_load(out_path("signed.wpk"), &n);
    CHECK(model_walk(&m, d, n, pk, "signed.wpk") == 0);
    /* Only the 160 bytes of the record changed. */
    wit2 a;
    CHECK(wit2_open(&a, d, n, NULL) == 0);
    const wpk2_section *s = a.map.of[WPK2_SEC_SIGNATURE];
    CHECK(n == n0 && !memcmp(d, unsigned_bytes, s->offset) &&
          !memcmp(d + s->offset + WPK2_SIG_SIZE, unsigned_bytes + s->offset + WPK2_SIG_SIZE, n - s->offset - WPK2_SIG_SIZE));
    wit2_close(&a);
    CHECK(wit2_open(&a, d, n, other_pk) == WIT2_UNTRUSTED);
    wit2_close(&a);
    /* Signing again gives the same bytes (Ed25519 is deterministic);
     * another key replaces the record. */
    CHECK(wpk_sign_archive(out_path("signed.wpk"), sk, &err) == 0);
    uint8_t *again = model_load(out_path("signed.wpk"), &n);
    CHECK(again && !memcmp(again, d, n));
    free(again);
    CHECK(wpk_sign_archive(out_path("signed.wpk"), other_sk, &err) == 0);
    again = model_load(out_path("signed.wpk"), &n);
    CHECK(model_walk(&m, again, n, other_pk, "signed by the other key") == 0);
    free(again);
    /* A damaged archive is not signed. */
    d[n - 1] ^= 1; /* a byte of the last block */
    FILE *f = fopen(out_path("damaged.wpk"), "wb");
    fwrite(d, 1, n, f);
    fclose(f);
    rc = wpk_sign_archive(out_path("damaged.wpk"), sk, &err);
    CHECK_MSG(rc == WPK_E_CORRUPT && strstr(err.message, "not signed"), "damaged: %d %s", rc, err.message);
    free(d);
    free(unsigned_bytes);
    model_free(&m);
}

/* What the format cannot hold is refused by the format's encoder, and
 * the writer says which entry. */
static void claim_empty_url(wpk2_entry *e, void *ctx)
{
    if (e->path.len == strlen(ctx) && !memcmp(e->path.p, ctx, e->path.len)) {
        e->flags |= WPK2_F_HAS_URL;
        e->url.len = 0;
    }
}

static void test_refusals(void)
{
    model m;
    memset(&m, 0, sizeof m);
    generated_model(&m, 20);
    wpk_error err;
    wpk_test_record_hook = claim_empty_url;
    wpk_test_record_hook_ctx = "misc/copy_b.txt";
    int rc = model_pack(&m, out_path("refused.wpk"), NULL, NULL, &err);
    wpk_test_record_hook = NULL;
    CHECK_MSG(rc == WPK_E_INVALID && strstr(err.message, "misc/copy_b.txt") && strstr(err.message, "URL"), "%d %s", rc,
              err.message);
    size_t n;
    uint8_t *d = model_load(out_path("refused.wpk"), &n);
    CHECK(d == NULL); /* nothing written */
    free(d);
    /* A path given twice. */
    model_add(&m, "misc/copy_a.txt", NULL, "again", 5);
    rc = model_pack(&m, out_path("refused.wpk"), NULL, NULL, &err);
    CHECK_MSG(rc == WPK_E_EXISTS && strstr(err.message, "misc/copy_a.txt"), "%d %s", rc, err.message);
    model_free(&m);
}

static int walk_one(const char *path, const char *hex)
{
    size_t n;
    uint8_t *d = model_load(path, &n), pk[32];
    if (!d) return fprintf(stderr, "%s: cannot read\n", path), 2;
    if (hex && sodium_hex2bin(pk, 32, hex, strlen(hex), NULL, NULL, NULL) != 0) return 2;
    wit2 a;
    int cls = wit2_open(&a, d, n, hex ? pk : NULL);
    if (!cls) cls = wit2_verify(&a);
    printf("%s: %s%s%s\n", path, wit2_class_name(cls), cls ? ": " : "", cls ? a.msg : "");
    wit2_close(&a);
    free(d);
    return cls ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--walk")) return walk_one(argv[2], argc > 3 ? argv[3] : NULL);
    if (argc != 3) {
        fprintf(stderr, "usage: test_write2 SCRATCH_DIR SAMPLES_DIR | --walk ARCHIVE [PUBKEY_HEX]\n");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    scratch = argv[1];
    mkdir(scratch, 0755);
    test_empty();
    test_generated();
    test_samples(argv[2]);
    test_sign();
    test_refusals();
    return check_summary();
}
