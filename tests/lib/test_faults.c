/* test_faults.c - failure injection: the Nth allocation, read, write,
 * fsync, rename or open fails, for every N a pack or a read reaches.
 * Each time the library must return a clean error (WPK_E_NOMEM for memory,
 * WPK_E_IO for I/O), leak nothing (no allocation, no file descriptor), and
 * leave under the archive's name either nothing or the previous archive
 * byte for byte. A pack that absorbs a failure (some allocations only make
 * things faster or smaller) must still produce an archive that verifies.
 *
 * Allocations are counted through wpk_set_allocator; system calls through
 * the linker's --wrap (see tests/CMakeLists.txt), which reroutes the
 * library's calls to the __wrap_ functions below. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_TMPFILE */
#endif
#include "wikipack.h"
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- injection points ---------------------------------------------------- */

enum { F_ALLOC, F_READ, F_WRITE, F_FSYNC, F_RENAME, F_OPEN, F_KINDS };
static const char *const kind_name[F_KINDS] = {"allocation", "read", "write", "fsync", "rename", "open"};

static atomic_long calls[F_KINDS];
static atomic_long fail_at[F_KINDS];  /* 0: never */
static atomic_long injected;
static atomic_long live;              /* allocations not yet freed */

static int should_fail(int kind)
{
    long n = atomic_fetch_add(&calls[kind], 1) + 1;
    if (n == atomic_load(&fail_at[kind])) {
        atomic_fetch_add(&injected, 1);
        return 1;
    }
    return 0;
}

static void arm(int kind, long n)
{
    for (int k = 0; k < F_KINDS; k++) {
        atomic_store(&calls[k], 0);
        atomic_store(&fail_at[k], 0);
    }
    atomic_store(&injected, 0);
    if (kind >= 0) atomic_store(&fail_at[kind], n);
}

static void *t_alloc(void *opaque, size_t size)
{
    (void)opaque;
    if (should_fail(F_ALLOC)) return NULL;
    void *p = malloc(size);
    if (p) atomic_fetch_add(&live, 1);
    return p;
}

static void *t_realloc(void *opaque, void *p, size_t size)
{
    (void)opaque;
    if (should_fail(F_ALLOC)) return NULL;
    void *q = realloc(p, size);
    if (q && !p) atomic_fetch_add(&live, 1);
    return q;
}

static void t_free(void *opaque, void *p)
{
    (void)opaque;
    if (p) atomic_fetch_sub(&live, 1);
    free(p);
}

ssize_t __real_pread(int fd, void *buf, size_t n, off_t off);
ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __real_linkat(int dfd, const char *from, int tdfd, const char *to, int flags);
int __real_open(const char *path, int flags, ...);

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off)
{
    if (should_fail(F_READ)) return errno = EIO, -1;
    return __real_pread(fd, buf, n, off);
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (should_fail(F_WRITE)) return errno = ENOSPC, -1;
    return __real_pwrite(fd, buf, n, off);
}

int __wrap_fsync(int fd)
{
    if (should_fail(F_FSYNC)) return errno = EIO, -1;
    return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    if (should_fail(F_RENAME)) return errno = EACCES, -1;
    return __real_rename(from, to);
}

int __wrap_linkat(int dfd, const char *from, int tdfd, const char *to, int flags)
{
    if (should_fail(F_RENAME)) return errno = EACCES, -1;
    return __real_linkat(dfd, from, tdfd, to, flags);
}

int __wrap_open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (should_fail(F_OPEN)) return errno = EMFILE, -1;
    return __real_open(path, flags, mode);
}

/* ---- helpers ------------------------------------------------------------- */

static char dir[4096], inputs[4096], final_path[4200];

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Files in the output directory other than the archive itself. */
static int stray_files(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "out.wpk")) n++;
    closedir(d);
    return n;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

#define N_FILES 24

/* Pack the test collection to final_path: files read from disk, in-memory
 * entries (spilled), revisions, categories, an alias and, with enough
 * content, a trained dictionary. */
static int pack(int threads, wpk_error *err)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.threads = threads;
    o.level = 3;
    o.block_size = 16 << 10;
    o.page_size = 512;
    wpk_writer *w = NULL;
    int rc = wpk_writer_create(&w, final_path, &o, err);
    static const char *const cats[] = {"Category:Tests", "Category:Faults"};
    for (int i = 0; !rc && i < N_FILES; i++) {
        char path[64], title[64], url[96], file[4200];
        snprintf(path, sizeof path, "d%d/article-%02d.md", i % 3, i);
        snprintf(url, sizeof url, "https://en.wikipedia.org/wiki/Article_%d", i / 2); /* kept on disk while packing */
        snprintf(title, sizeof title, "Article %d", i / 2); /* pairs are versions of one article */
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = path;
        m.title = title;
        m.page_id = 500 + (uint64_t)i / 2;
        m.has_page_id = 1;
        m.updated_us = 1700000000000000 + i;
        m.has_updated = 1;
        m.language = "en";
        m.url = url;
        m.categories = cats;
        m.n_categories = (size_t)(i % 3);
        snprintf(file, sizeof file, "%s/f%02d.md", inputs, i);
        if (i % 2) rc = wpk_writer_add_file(w, &m, file, err);
        else {
            char body[6000];
            size_t n = 0;
            for (int k = 0; n + 64 < sizeof body; k++)
                n += (size_t)snprintf(body + n, sizeof body - n, "Line %d of article %d, version %d. ", k, i / 2, i % 2);
            rc = wpk_writer_add(w, &m, body, n, err);
        }
    }
    if (!rc) rc = wpk_writer_add_alias(w, "Another name", "Article 3", err);
    if (!rc) rc = wpk_writer_finish(w, NULL, err);
    wpk_writer_free(w);
    return rc;
}

static int archive_verifies(void)
{
    wpk_set_allocator(NULL);
    wpk_reader *r = NULL;
    int ok = wpk_reader_open(&r, final_path, NULL, NULL) == 0 &&
             wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, NULL) == 0;
    wpk_reader_close(r);
    return ok;
}

static const wpk_allocator counting = {sizeof(wpk_allocator), t_alloc, t_realloc, t_free, NULL};

/* Fail the Nth call of `kind` during a pack, for every N until a pack no
 * longer reaches N. `previous` is the archive already at final_path (NULL:
 * none). Returns the number of failures injected. */
static long sweep_pack(int kind, int threads, const uint8_t *previous, size_t previous_len)
{
    long n;
    long hits = 0;
    for (n = 1;; n++) {
        unlink(final_path);
        if (previous) {
            FILE *f = fopen(final_path, "wb");
            fwrite(previous, 1, previous_len, f);
            fclose(f);
        }
        int fds = open_fds();
        atomic_store(&live, 0);
        wpk_set_allocator(&counting);
        arm(kind, n);
        wpk_error err;
        memset(&err, 0, sizeof err);
        int rc = pack(threads, &err);
        long hit = atomic_load(&injected);
        arm(-1, 0);
        wpk_set_allocator(NULL);
        hits += hit;
        CHECK_MSG(atomic_load(&live) == 0, "%s %ld: %ld allocations leaked (rc %d)", kind_name[kind], n,
                  (long)atomic_load(&live), rc);
        CHECK_MSG(open_fds() == fds, "%s %ld: file descriptors leaked", kind_name[kind], n);
        CHECK_MSG(stray_files() == 0, "%s %ld: files left beside the archive", kind_name[kind], n);
        if (rc == 0) {
            CHECK_MSG(archive_verifies(), "%s %ld: pack succeeded but the archive does not verify", kind_name[kind], n);
        } else {
            int want = kind == F_ALLOC ? WPK_E_NOMEM : WPK_E_IO;
            CHECK_MSG(rc == want, "%s %ld: pack returned %d (%s), expected %d", kind_name[kind], n, rc, err.message,
                      want);
            CHECK_MSG(hit > 0, "%s %ld: pack failed (%s) without an injected failure", kind_name[kind], n, err.message);
            if (previous) {
                size_t len = 0;
                uint8_t *now = slurp(final_path, &len);
                CHECK_MSG(now && len == previous_len && memcmp(now, previous, len) == 0,
                          "%s %ld: the previous archive changed", kind_name[kind], n);
                free(now);
            } else {
                CHECK_MSG(access(final_path, F_OK) != 0, "%s %ld: a file appeared under the final name",
                          kind_name[kind], n);
            }
        }
        if (hit == 0) break; /* the pack no longer reaches the Nth call */
    }
    printf("pack, %d thread(s), %s: failed each of %ld calls in turn\n", threads, kind_name[kind], n - 1);
    /* Durability: the archive is fsynced before its rename, and its
     * directory after. */
    CHECK_MSG(kind != F_FSYNC || n - 1 >= 2, "a pack made %ld fsync calls, not the archive's and its directory's",
              n - 1);
    return hits;
}

/* Everything a reader does, each step's result kept: open, lookups by ID,
 * title and path, reading every entry, title matching, prefix search,
 * category, full verify. */
#define READ_STEPS 64
static int ignore_title(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    (void)ctx, (void)title, (void)is_alias, (void)entry;
    return 0;
}

static void print_problem(void *ctx, const wpk_error *e)
{
    (void)ctx;
    if (getenv("FAULTS_VERBOSE")) fprintf(stderr, "  verify: %s (%d)\n", e->message, e->code);
}

static int read_all(int *rcs)
{
    int k = 0;
    wpk_reader *r = NULL;
    wpk_error err;
    rcs[k++] = wpk_reader_open(&r, final_path, NULL, &err);
    if (rcs[0]) return k;
    wpk_entry *e = NULL;
    rcs[k++] = wpk_reader_find_by_id(r, 503, &e, &err);
    wpk_entry_free(e);
    e = NULL;
    rcs[k++] = wpk_reader_find_by_title(r, "Article 5", &e, &err);
    wpk_entry_free(e);
    e = NULL;
    rcs[k++] = wpk_reader_find_by_path(r, "d1/article-07.md", &e, &err);
    wpk_entry_free(e);
    for (uint64_t i = 0; i < N_FILES && k < READ_STEPS - 8; i += 3) {
        e = NULL;
        int rc = wpk_reader_entry_at(r, i, &e, &err);
        void *data = NULL;
        if (!rc) rc = wpk_reader_read_alloc(r, e, &data, 1, &err);
        rcs[k++] = rc;
        wpk_free(data);
        wpk_entry_free(e);
    }
    wpk_match_level level;
    rcs[k++] = wpk_reader_match_title(r, "another  NAME", ignore_title, NULL, &level, &err);
    rcs[k++] = wpk_reader_find_prefix(r, "art", 5, ignore_title, NULL, &err);
    rcs[k++] = wpk_reader_category(r, "Category:Tests", ignore_title, NULL, &err);
    rcs[k++] = wpk_reader_verify(r, WPK_VERIFY_FULL, print_problem, NULL, NULL, &err);
    wpk_reader_close(r);
    return k;
}

static void sweep_read(int kind)
{
    int expect[READ_STEPS], got[READ_STEPS];
    int steps = read_all(expect);
    long n;
    for (n = 1;; n++) {
        int fds = open_fds();
        atomic_store(&live, 0);
        wpk_set_allocator(&counting);
        arm(kind, n);
        int k = read_all(got);
        long hit = atomic_load(&injected);
        arm(-1, 0);
        wpk_set_allocator(NULL);
        CHECK_MSG(atomic_load(&live) == 0, "read, %s %ld: %ld allocations leaked", kind_name[kind], n,
                  (long)atomic_load(&live));
        CHECK_MSG(open_fds() == fds, "read, %s %ld: file descriptors leaked", kind_name[kind], n);
        int want = kind == F_ALLOC ? WPK_E_NOMEM : WPK_E_IO;
        for (int i = 0; i < k; i++)
            CHECK_MSG(got[i] == expect[i] || got[i] == want, "read, %s %ld: step %d returned %d, expected %d or %d",
                      kind_name[kind], n, i, got[i], expect[i], want);
        CHECK_MSG(k == steps || got[0] == want, "read, %s %ld: %d steps instead of %d", kind_name[kind], n, k, steps);
        if (hit == 0) break;
    }
    printf("read: failed each of %ld %s calls in turn\n", n - 1, kind_name[kind]);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s/faults-out", argc > 1 ? argv[1] : ".");
    snprintf(inputs, sizeof inputs, "%s/faults-in", argc > 1 ? argv[1] : ".");
    snprintf(final_path, sizeof final_path, "%s/out.wpk", dir);
    mkdir(dir, 0755);
    mkdir(inputs, 0755);
    for (int i = 0; i < N_FILES; i++) {
        char file[4200];
        snprintf(file, sizeof file, "%s/f%02d.md", inputs, i);
        FILE *f = fopen(file, "w");
        for (int k = 0; k < 90; k++) fprintf(f, "Sentence %d of file %d, which is about faults and tests. ", k, i);
        fclose(f);
    }
    unlink(final_path);
    wpk_error err;
    CHECK(pack(1, &err) == 0);
    size_t previous_len = 0;
    uint8_t *previous = slurp(final_path, &previous_len);
    CHECK(previous != NULL);

    for (int kind = 0; kind < F_KINDS; kind++) sweep_pack(kind, 1, NULL, 0);
    for (int kind = 0; kind < F_KINDS; kind++) sweep_pack(kind, 1, previous, previous_len);
    sweep_pack(F_ALLOC, 2, previous, previous_len); /* failures inside the compression threads */
    sweep_pack(F_WRITE, 2, NULL, 0);

    /* Reads of the archive as packed. */
    FILE *f = fopen(final_path, "wb");
    fwrite(previous, 1, previous_len, f);
    fclose(f);
    sweep_read(F_ALLOC);
    sweep_read(F_READ);
    sweep_read(F_OPEN);
    free(previous);
    return check_summary();
}
