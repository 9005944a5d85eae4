/* test_verify_budget.c - verify finds the same problems, in the same order, whatever its memory budget.
 *
 *   test_verify_budget SCRATCH [ARCHIVE_OR_DIRECTORY ...]
 *
 * At a budget of a few hundred bytes every stream verify sorts spills to
 * its temporary file in many runs, merged in several passes; at the
 * default nothing does. Both must give the same result, statistics and
 * problems, over: an archive written here with lies of every kind the
 * checks across pages catch (every hash right, through the writer's record
 * hook); copies of it with bytes changed; and the archives named (*.wpk
 * under each directory: the witness vectors, make_hostile's, the committed
 * vectors). Then a temporary directory that cannot be written: verify
 * stops with an I/O error that says so, and crashes nothing. */
#include "check.h"
#include "writer_internal.h" /* wpk_test_record_hook */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* lib/read/verify_internal.h */
extern size_t wpk_test_verify_budget;
extern uint64_t wpk_test_verify_runs;

#define DEFAULT_BUDGET ((size_t)32 << 20) /* WPK_VERIFY_BUDGET */
static const size_t tiny_budgets[] = {200, 3000};

typedef struct outcome {
    int rc;
    wpk_verify_stats st;
    char *text; /* every problem, one a line */
    size_t len, cap;
    uint64_t runs;
} outcome;

static void note(void *ctx, const wpk_error *e)
{
    outcome *o = ctx;
    char line[700];
    int n = snprintf(line, sizeof line, "%d %d %llu %s\n", e->code, e->has_offset, (unsigned long long)e->offset,
                     e->message);
    if (n < 0) return;
    if (o->len + (size_t)n + 1 > o->cap) {
        size_t cap = (o->len + (size_t)n + 1) * 2;
        char *g = realloc(o->text, cap);
        if (!g) return;
        o->text = g;
        o->cap = cap;
    }
    memcpy(o->text + o->len, line, (size_t)n + 1);
    o->len += (size_t)n;
}

/* Verify buf at `budget`; -1 when it does not even open. */
static int verify_at(const uint8_t *buf, size_t len, size_t budget, outcome *o)
{
    memset(o, 0, sizeof *o);
    wpk_reader *r;
    wpk_error err;
    if (wpk_reader_open_memory(&r, buf, len, NULL, &err) != 0) return -1;
    wpk_verify_stats st = WPK_VERIFY_STATS_INIT;
    wpk_test_verify_budget = budget;
    wpk_test_verify_runs = 0;
    o->rc = wpk_reader_verify(r, WPK_VERIFY_FULL, note, o, &st, &err);
    o->runs = wpk_test_verify_runs;
    wpk_test_verify_budget = 0;
    o->st = st;
    wpk_reader_close(r);
    return 0;
}

static int opened, damaged, unspilled;

static void compare(const char *name, const uint8_t *buf, size_t len)
{
    outcome base, tiny;
    if (verify_at(buf, len, DEFAULT_BUDGET, &base) != 0) return; /* open refused it: verify never runs */
    opened++;
    damaged += base.rc != 0;
    CHECK_MSG(base.runs == 0, "%s: %llu runs spilled within the default budget", name, (unsigned long long)base.runs);
    for (size_t b = 0; b < sizeof tiny_budgets / sizeof *tiny_budgets; b++) {
        verify_at(buf, len, tiny_budgets[b], &tiny);
        unspilled += b == 0 && base.st.entries_checked && !tiny.runs;
        const char *bt = base.text ? base.text : "", *tt = tiny.text ? tiny.text : "";
        CHECK_MSG(tiny.rc == base.rc && !strcmp(bt, tt), "%s, budget %zu: rc %d, problems:\n%s\nnot rc %d:\n%s", name,
                  tiny_budgets[b], tiny.rc, tt, base.rc, bt);
        CHECK_MSG(tiny.st.problems == base.st.problems && tiny.st.pages_checked == base.st.pages_checked &&
                      tiny.st.blocks_checked == base.st.blocks_checked &&
                      tiny.st.entries_checked == base.st.entries_checked &&
                      tiny.st.bytes_checked == base.st.bytes_checked,
                  "%s, budget %zu: other statistics", name, tiny_budgets[b]);
        free(tiny.text);
    }
    free(base.text);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            uint8_t *g = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!g) break;
            buf = g;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

static void compare_file(const char *path)
{
    size_t len;
    uint8_t *buf = slurp(path, &len);
    CHECK_MSG(buf != NULL, "cannot read %s", path);
    if (buf) compare(path, buf, len);
    free(buf);
}

/* Every *.wpk under path (or path itself). */
static void compare_tree(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        size_t n = strlen(path);
        if (n > 4 && !strcmp(path + n - 4, ".wpk")) compare_file(path);
        return;
    }
    struct dirent **names;
    int k = scandir(path, &names, NULL, alphasort); /* sorted: the same runs every time */
    for (int i = 0; i < k; i++) {
        if (names[i]->d_name[0] != '.') {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
            compare_tree(sub);
        }
        free(names[i]);
    }
    if (k >= 0) free(names);
}

/* ---- an archive that lies ------------------------------------------------ */

/* Every few records a lie of another kind: a CURRENT naming another entry,
 * a REVISIONS item dropped, another page ID, another title, another
 * category. The writer encodes what it is given; hashes stay right. */
static unsigned record_no;
static const wpk2_str lie_categories[2] = {{(const uint8_t *)"Category:All", 12}, {(const uint8_t *)"Category:Lie", 12}};
static const wpk2_str lie_title = {(const uint8_t *)"Some other title", 16};
static uint32_t entry_count;

static void lie(wpk2_entry *e, void *ctx)
{
    (void)ctx;
    unsigned k = record_no++;
    if (k % 13 == 1 && (e->ext & WPK2_X_CURRENT)) e->current = (e->current + 3) % entry_count;
    if (k % 29 == 5 && e->revision_count > 1) e->revision_count--;
    if (k % 17 == 2 && (e->flags & WPK2_F_HAS_ID)) e->page_id += 1000000;
    if (k % 19 == 3 && (e->flags & WPK2_F_HAS_TITLE)) e->title = lie_title;
    if (k % 23 == 4 && e->category_count) {
        e->categories = lie_categories;
        e->category_count = k % 2 ? 2 : 1; /* one fewer: the category index holds more items */
    }
}

static int write_lying(const char *path, unsigned articles)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.block_size = 2048;
    o.page_size = 512;
    o.level = 1;
    o.threads = 1;
    o.dictionary = -1;
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, &o, &err) != 0) return -1;
    int rc = 0;
    unsigned entries = 0;
    for (unsigned a = 0; a < articles && !rc; a++) {
        /* 1 to 3 versions; by page ID, but every 7th article by title, and
         * every 5th older version under a former title. */
        for (unsigned ver = 0; ver <= a % 3 && !rc; ver++) {
            char p[64], title[64], cat[64], body[256];
            snprintf(p, sizeof p, "a/%05u-%u.md", a, ver);
            if (ver && (a + ver) % 5 == 0 && a % 7) snprintf(title, sizeof title, "Former %u", a);
            else snprintf(title, sizeof title, "Article %u", a);
            snprintf(cat, sizeof cat, "Category:Mod %u", a % 6);
            const char *cats[] = {cat, "Category:All"};
            int n = snprintf(body, sizeof body, "# %s\n\nversion %u of article %u, %.*s\n", title, ver, a,
                             (int)(a * 7 % 120), "lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
                                                 "eiusmod tempor incididunt ut labore et dolore magna aliqua ut");
            wpk_entry m = WPK_ENTRY_INIT;
            m.path = p;
            m.title = title;
            m.has_page_id = a % 7 != 0;
            m.page_id = 100 + a;
            m.has_updated = 1;
            m.updated_us = (int64_t)(1000 - ver) * 86400 * 1000000;
            m.categories = cats;
            m.n_categories = 2;
            rc = wpk_writer_add(w, &m, body, (size_t)n, &err);
            entries++;
        }
    }
    entry_count = entries;
    record_no = 0;
    wpk_test_record_hook = lie;
    if (!rc) rc = wpk_writer_finish(w, NULL, &err);
    wpk_test_record_hook = NULL;
    if (rc) fprintf(stderr, "write %s: %s\n", path, err.message);
    wpk_writer_free(w);
    return rc;
}

static void test_lying(const char *scratch)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/lying.wpk", scratch);
    CHECK(write_lying(path, 300) == 0);
    size_t len;
    uint8_t *buf = slurp(path, &len);
    CHECK(buf != NULL);
    if (!buf) return;
    /* The lies are found, the same at every budget, from many runs. */
    outcome o;
    CHECK(verify_at(buf, len, 200, &o) == 0);
    CHECK_MSG(o.rc == WPK_E_CORRUPT && o.st.problems > 50, "rc %d, %llu problems", o.rc,
              (unsigned long long)o.st.problems);
    CHECK_MSG(o.runs > 100, "only %llu runs", (unsigned long long)o.runs);
    static const char *const kinds[] = {"does not list it", "does not name it as its current version",
                                        "another page ID", "no title item", "no former-title item",
                                        "which has another title", "not the current version with them",
                                        "not a current version in it", "the category index holds",
                                        "the ID index holds"};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        CHECK_MSG(o.text && strstr(o.text, kinds[k]), "no problem \"%s\" found", kinds[k]);
    free(o.text);
    compare(path, buf, len);
    /* Bytes changed here and there: pages and blocks that fail leave the
     * joins with entries missing. */
    for (size_t i = 1; i < 16; i++) {
        size_t at = len * i / 16;
        buf[at] ^= 0x5a;
        char name[64];
        snprintf(name, sizeof name, "lying.wpk, byte %zu changed", at);
        compare(name, buf, len);
        buf[at] ^= 0x5a;
    }
    /* Nowhere to spill: an I/O error that names the temporary file. */
    char nowhere[4096];
    snprintf(nowhere, sizeof nowhere, "%s/no-such-directory", scratch);
    const char *old = getenv("TMPDIR");
    char *keep = old ? strdup(old) : NULL;
    setenv("TMPDIR", nowhere, 1);
    wpk_reader *r;
    wpk_error err;
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == 0);
    wpk_test_verify_budget = 200;
    int rc = wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err);
    wpk_test_verify_budget = 0;
    CHECK_MSG(rc == WPK_E_IO && strstr(err.message, "temporary file") && strstr(err.message, nowhere), "rc %d: %s", rc,
              err.message);
    wpk_reader_close(r);
    if (keep) setenv("TMPDIR", keep, 1);
    else unsetenv("TMPDIR");
    free(keep);
    free(buf);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_verify_budget SCRATCH [ARCHIVE_OR_DIRECTORY ...]\n");
        return 2;
    }
    mkdir(argv[1], 0755);
    test_lying(argv[1]);
    for (int i = 2; i < argc; i++) compare_tree(argv[i]);
    printf("%d archives opened, %d of them damaged\n", opened, damaged);
    CHECK(damaged > 10);
    CHECK_MSG(unspilled == 0, "%d archives with entries did not spill at a budget of %zu bytes", unspilled,
              tiny_budgets[0]);
    return check_summary();
}
