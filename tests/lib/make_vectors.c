/* make_vectors.c - (re)generate spec/vectors/: small valid archives with
 * their expected listing and contents, and invalid archives, each breaking
 * one rule of spec/FORMAT.md with checksums fixed up so that only that rule
 * fails. Usage: make_vectors OUTDIR. The committed vectors are what the tests
 * read; rerun this only when the format changes on purpose. */
#include "writer_internal.h" /* wpk_test_branch_size */
#include "wikipack.h"
#include "wpk_endian.h"
#include "wpk_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *out_dir;

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(*len + 64);
    if (fread(p, 1, *len, f) != *len) exit(1);
    fclose(f);
    return p;
}

static void spit(const char *sub, const char *name, const void *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

static void expect(const char *name, const char *command, int exit_code, const char *message)
{
    char buf[1024], fname[256];
    int n = snprintf(buf, sizeof buf, "%s\n%d\n%s\n", command, exit_code, message);
    snprintf(fname, sizeof fname, "%s.expect", name);
    spit("invalid", fname, buf, (size_t)n);
}

typedef struct item {
    const char *path, *title;
    uint64_t id;
    int64_t updated;
    const char *body;
    const char *const *categories;
    size_t n_categories;
    const char *url;        /* NULL: none */
} item;

static void write_archive_aliases(const char *name, const item *items, size_t n, const wpk_write_opts *o,
                                  const char *const (*aliases)[2], size_t n_aliases);

static void write_archive(const char *name, const item *items, size_t n, const wpk_write_opts *o)
{
    write_archive_aliases(name, items, n, o, NULL, 0);
}

static void write_archive_aliases(const char *name, const item *items, size_t n, const wpk_write_opts *o,
                                  const char *const (*aliases)[2], size_t n_aliases)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/valid/%s.wpk", out_dir, name);
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, o, &err)) exit(1);
    for (size_t i = 0; i < n; i++) {
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = items[i].path;
        m.title = items[i].title;
        m.page_id = items[i].id;
        m.has_page_id = items[i].id != 0;
        m.updated_us = items[i].updated;
        m.has_updated = items[i].updated != 0;
        m.language = items[i].title ? "en" : NULL;
        m.mime = "text/markdown";
        m.url = items[i].url;
        m.categories = items[i].categories;
        m.n_categories = items[i].n_categories;
        if (wpk_writer_add(w, &m, items[i].body, strlen(items[i].body), &err)) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
    }
    for (size_t i = 0; i < n_aliases; i++)
        if (wpk_writer_add_alias(w, aliases[i][0], aliases[i][1], &err)) exit(1);
    if (wpk_writer_finish(w, NULL, &err)) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    wpk_writer_free(w);
}

/* Rewrite the header (and the trailer's copy of its checksum) after edits. */
static void fix_header(uint8_t *p, size_t len)
{
    wpk_put64(p + 120, wpk_fmt_checksum(p, 120));
    memcpy(p + len - 16, p + 120, 8);
    wpk_put64(p + len - 8, wpk_fmt_checksum(p + len - 32, 24));
}

static void fix_table(uint8_t *p, size_t len)
{
    uint32_t n = wpk_le32(p + 72);
    wpk_put64(p + 88, wpk_fmt_checksum(p + WPK_HEADER_SIZE, (size_t)n * WPK_SECTION_SIZE));
    fix_header(p, len);
}

static const uint8_t *find_section(const uint8_t *p, uint32_t type, wpk_fmt_section *s)
{
    uint32_t n = wpk_le32(p + 72);
    const char *why;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = p + WPK_HEADER_SIZE + (size_t)i * WPK_SECTION_SIZE;
        wpk_fmt_section_decode(e, s, &why);
        if (s->type == type) return e;
    }
    return NULL;
}

/* Insert one more section (type, flags) holding `body`, placed before the
 * trailer; every other section moves by one table entry. */
static uint8_t *with_extra_section(const uint8_t *p, size_t len, uint32_t type, uint32_t flags, const char *body,
                                   size_t *out_len)
{
    uint32_t n = wpk_le32(p + 72);
    size_t blen = strlen(body), table_end = WPK_HEADER_SIZE + (size_t)n * WPK_SECTION_SIZE;
    *out_len = len + WPK_SECTION_SIZE + blen;
    uint8_t *q = calloc(1, *out_len);
    memcpy(q, p, WPK_HEADER_SIZE);
    const char *why;
    for (uint32_t i = 0; i < n; i++) {
        wpk_fmt_section s;
        wpk_fmt_section_decode(p + WPK_HEADER_SIZE + (size_t)i * WPK_SECTION_SIZE, &s, &why);
        s.offset += WPK_SECTION_SIZE;
        wpk_fmt_section_encode(q + WPK_HEADER_SIZE + (size_t)i * WPK_SECTION_SIZE, &s);
    }
    wpk_fmt_section extra = {type, flags, len - WPK_TRAILER_SIZE + WPK_SECTION_SIZE, blen, blen,
                             wpk_fmt_checksum(body, blen), 0};
    wpk_fmt_section_encode(q + table_end, &extra);
    memcpy(q + table_end + WPK_SECTION_SIZE, p + table_end, len - WPK_TRAILER_SIZE - table_end);
    memcpy(q + *out_len - WPK_TRAILER_SIZE - blen, body, blen);
    memcpy(q + *out_len - WPK_TRAILER_SIZE, p + len - WPK_TRAILER_SIZE, WPK_TRAILER_SIZE);
    wpk_put32(q + 72, n + 1);
    wpk_put64(q + 32, *out_len);
    wpk_put64(q + 80, wpk_le64(p + 80) + WPK_SECTION_SIZE);
    wpk_put64(q + *out_len - 24, *out_len);
    fix_table(q, *out_len);
    return q;
}

/* invalid/NAME.wpk: valid/FROM.wpk with required feature `bit` cleared
 * (header checksums fixed), which `command` must refuse with exit code 1. */
static void without_feature(const char *from, uint64_t bit, const char *name, const char *command, const char *message)
{
    char path[4096], file[256];
    snprintf(path, sizeof path, "%s/valid/%s.wpk", out_dir, from);
    size_t len = 0;
    uint8_t *p = slurp(path, &len);
    wpk_put64(p + 16, wpk_le64(p + 16) & ~bit);
    fix_header(p, len);
    snprintf(file, sizeof file, "%s.wpk", name);
    spit("invalid", file, p, len);
    expect(name, command, 1, message);
    free(p);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_vectors OUTDIR\n");
        return 2;
    }
    out_dir = argv[1];
    char d[4096];
    snprintf(d, sizeof d, "%s/valid", out_dir);
    mkdir(out_dir, 0755);
    mkdir(d, 0755);
    snprintf(d, sizeof d, "%s/invalid", out_dir);
    mkdir(d, 0755);

    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.threads = 1;
    write_archive("empty", NULL, 0, &o);
    static const item small[] = {
        {"empty.txt", NULL, 0, 0, "", NULL, 0, NULL},
        {"a/Grok_web_framework.md", "Grok (web framework)", 18836690, 1734236331000000,
         "# Grok (web framework)\n\nGrok is an open-source web framework based on Zope Toolkit.\n", NULL, 0, NULL},
        {"b/Fernando_Pérez.md", "Fernando Pérez (software developer)", 47231026, 1734236400123456,
         "# Fernando Pérez\n\nFernando Pérez is a Colombian physicist and software developer.\n", NULL, 0, NULL},
        {"b/Grok_copy.md", "Grok (web framework)", 18836690, 1734000000000000,
         "# Grok (web framework)\n\nGrok is an open-source web framework based on Zope Toolkit.\n", NULL, 0, NULL},
    };
    write_archive("small", small, sizeof small / sizeof small[0], &o);

    /* Format 1.1: versions of one article, categories, aliases. */
    static const char *const cats[] = {"Category:Python (programming language) software", "Category:Networking"};
    static const item articles[] = {
        {"a/Twisted_software.md", "Twisted (software)", 1793652, 1734236331000000, "# Twisted (software)\n\nv3\n", cats, 2, NULL},
        {"b/Twisted_software.md", "Twisted (software)", 1793652, 1734000000000000, "# Twisted (software)\n\nv1\n", NULL, 0, NULL},
        {"c/Nevow.md", "Twisted (software)", 1793652, 1734100000000000, "# Twisted (software)\n\nv2\n", cats, 1, NULL},
        {"z/Zope.md", "Zope Object Database", 0, 1734000000000000, "# Zope Object Database\n", cats, 1, NULL},
        {"z/zope_object_database.md", "zope object database", 0, 1733000000000000, "# zope object database\n", NULL, 0, NULL},
        {"README.md", NULL, 0, 0, "A folder index.\n", NULL, 0, NULL},
    };
    static const char *const aliases[][2] = {{"Nevow", "Twisted (software)"}, {"ZODB", "Zope Object Database"}};
    write_archive_aliases("articles", articles, sizeof articles / sizeof articles[0], &o, aliases, 2);

    /* Several blocks and leaves: small blocks and pages. */
    static char bodies[40][200];
    static char paths[40][40], titles[40][40];
    item many[40];
    for (int i = 0; i < 40; i++) {
        snprintf(paths[i], sizeof paths[i], "p%02d/article-%02d.md", i % 4, i);
        snprintf(titles[i], sizeof titles[i], "Article %d", i / 2); /* titles shared by pairs */
        snprintf(bodies[i], sizeof bodies[i], "# Article %d\n\nVersion %d of article %d: %s\n", i / 2, i % 2, i / 2,
                 i % 3 ? "some text about software" : "other words about libraries");
        many[i] = (item){paths[i], titles[i], (uint64_t)(1000 + i / 2), (int64_t)(1700000000000000 + i), bodies[i], NULL, 0, NULL};
    }
    wpk_write_opts mo = o;
    mo.block_size = 1024;
    mo.page_size = 256;
    write_archive("multi", many, 40, &mo);
    /* Format 1.3: the same entries in smaller leaves, every root over 256 bytes split into branch pages. */
    wpk_write_opts bo = mo;
    bo.page_size = 128;
    wpk_test_branch_size = 256;
    write_archive("branched", many, 40, &bo);
    wpk_test_branch_size = 0;
    /* Format 1.4: a category whose items take more than 256 bytes (the
     * test size; WPK_RUN_SPLIT_BYTES in normal use) continues over leaves. */
    static const char *const all_even[] = {"Category:All", "Category:Even"};
    static const char *const all_odd[] = {"Category:All", "Category:Odd"};
    item split[40];
    for (int i = 0; i < 40; i++) {
        split[i] = many[i];
        split[i].categories = i / 2 % 2 ? all_odd : all_even; /* by article: only current versions are indexed */
        split[i].n_categories = 2;
    }
    wpk_write_opts so = mo;
    so.page_size = 128;
    wpk_test_run_split_size = 256;
    write_archive("categories-split", split, 40, &so);
    wpk_test_run_split_size = 0;

    /* Format 1.5: leaves in columns (every archive this writer makes; the
     * vectors above were made before). Titles spelled from paths and not,
     * URLs spelled from titles and not, categories listed in and out of
     * order, versions, aliases, an empty entry, a time before 1970. */
    static const char *const sorted_cats[] = {"Category:Networking", "Category:Python (programming language) software"};
    static const char *const unsorted_cats[] = {"Category:Web frameworks", "Category:Networking", "Category:Networking"};
    static const item columns[] = {
        {"a/Grok_web_framework.md", "Grok web framework", 18836690, 1734236331000000, "# Grok\n\nv2\n", sorted_cats, 2,
         "https://en.wikipedia.org/wiki/Grok_web_framework"},
        {"b/Grok_web_framework.md", "Grok web framework", 18836690, 1734000000000000, "# Grok\n\nv1\n", sorted_cats, 2,
         "https://en.wikipedia.org/wiki/Grok_web_framework"},
        {"b/Twisted_software.md", "Twisted (software)", 1793652, 1734236331123456, "# Twisted (software)\n", unsorted_cats,
         3, "https://en.wikipedia.org/wiki/Twisted_(software)"},
        {"c/Fernando_Pérez.md", "Fernando Pérez", 47231026, -86400000000, "# Fernando Pérez\n", NULL, 0,
         "https://example.org/wiki/Fernando_P%C3%A9rez"},
        {"c/empty.md", "empty", 0, 0, "", NULL, 0, NULL},
        {"README", NULL, 0, 0, "A folder index.\n", NULL, 0, NULL},
    };
    static const char *const columns_aliases[][2] = {{"Twisted", "Twisted (software)"}, {"Grok", "Grok web framework"}};
    write_archive_aliases("columns", columns, sizeof columns / sizeof columns[0], &o, columns_aliases, 2);

    size_t len = 0, xlen = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/valid/small.wpk", out_dir);
    uint8_t *p = slurp(path, &len);
    uint8_t *x = with_extra_section(p, len, 100, 0, "an optional section from a later minor version", &xlen);
    spit("valid", "optional-section.wpk", x, xlen);
    free(x);

    /* Invalid archives. */
    x = malloc(len + 1);
    memcpy(x, p, len);
    x[0] = 'X';
    spit("invalid", "bad-magic.wpk", x, len);
    expect("bad-magic", "info", 5, "not a wikipack archive");
    memcpy(x, p, len);
    wpk_put16(x + 8, 2);
    fix_header(x, len);
    spit("invalid", "major-version-2.wpk", x, len);
    expect("major-version-2", "info", 5, "unsupported major version");
    memcpy(x, p, len);
    wpk_put64(x + 16, (uint64_t)1 << 40);
    fix_header(x, len);
    spit("invalid", "unknown-required-feature.wpk", x, len);
    expect("unknown-required-feature", "info", 5, "feature this reader does not know");
    memcpy(x, p, len);
    wpk_put64(x + 24, (uint64_t)1 << 40); /* optional: fine, but still a valid archive */
    fix_header(x, len);
    spit("valid", "unknown-optional-feature.wpk", x, len);
    spit("invalid", "truncated.wpk", p, len - 1);
    expect("truncated", "info", 1, "truncated");
    memcpy(x, p, len);
    x[len] = 0;
    spit("invalid", "extra-byte.wpk", x, len + 1);
    expect("extra-byte", "info", 1, "extra bytes after the archive");
    memcpy(x, p, len);
    x[40] ^= 1;
    spit("invalid", "header-checksum.wpk", x, len);
    expect("header-checksum", "info", 1, "header checksum mismatch");
    memcpy(x, p, len);
    x[WPK_HEADER_SIZE + 20] ^= 1;
    spit("invalid", "section-table-checksum.wpk", x, len);
    expect("section-table-checksum", "info", 1, "section table checksum mismatch");
    memcpy(x, p, len);
    x[len - 30] ^= 1;
    spit("invalid", "trailer-damaged.wpk", x, len);
    expect("trailer-damaged", "info", 1, "trailer");
    wpk_fmt_section s;
    find_section(p, WPK_SEC_PATH_ROOT, &s);
    memcpy(x, p, len);
    x[s.offset + 2] ^= 1;
    spit("invalid", "root-checksum.wpk", x, len);
    expect("root-checksum", "list", 1, "path index root at offset"); /* roots are decoded on first use */
    find_section(p, WPK_SEC_PAGES, &s);
    memcpy(x, p, len);
    x[s.offset + 2] ^= 1;
    spit("invalid", "page-checksum.wpk", x, len);
    expect("page-checksum", "verify", 1, "page at offset");
    find_section(p, WPK_SEC_DATA, &s);
    memcpy(x, p, len);
    x[s.offset + s.stored_size / 2] ^= 1;
    spit("invalid", "block-checksum.wpk", x, len);
    expect("block-checksum", "verify", 1, "checksum mismatch");
    /* A section moved by one byte: the sections no longer tile the file. */
    memcpy(x, p, len);
    uint8_t *e = (uint8_t *)find_section(x, WPK_SEC_DATA, &s);
    s.offset += 1;
    s.stored_size -= 1;
    s.raw_size -= 1;
    wpk_fmt_section_encode(e, &s);
    fix_table(x, len);
    spit("invalid", "section-gap.wpk", x, len);
    expect("section-gap", "info", 1, "gap");
    free(x);
    x = with_extra_section(p, len, 100, WPK_SECF_REQUIRED, "a required section from a later version", &xlen);
    spit("invalid", "unknown-required-section.wpk", x, xlen);
    expect("unknown-required-section", "info", 5, "does not know");
    free(x);
    free(p);
    /* 1.3: a root flagged BRANCHED in an archive that does not require the feature. */
    without_feature("branched", WPK_FEATURE_BRANCHES, "branched-without-feature", "info",
                    "does not require the branch-page feature");
    /* 1.4: a category continued over leaves in an archive that does not
     * require split runs: readers would miss members; verify says why. */
    without_feature("categories-split", WPK_FEATURE_SPLIT_RUNS, "split-runs-without-feature", "verify",
                    "leaf starts inside a run of equal keys");
    /* 1.5: leaves in columns, read as rows. */
    without_feature("columns", WPK_FEATURE_COLUMNS, "columns-without-feature", "list", "record page at region offset 0");
    return 0;
}
