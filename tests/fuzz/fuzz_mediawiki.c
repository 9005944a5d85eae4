/* fuzz_mediawiki.c - pack streams MediaWiki XML exports (plain, bzip2, gzip
 * or zstd) through expat: write the input to a scratch file (the reader
 * takes a path), then run imp_mediawiki_is_dump() and imp_mediawiki_read() with a
 * small page cap, checking every page against input_mediawiki.h (a title,
 * a NUL-terminated text of text_len bytes, clean messages). */
#include "fuzz_util.h"
#include "import.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static char path[4096];

static void cleanup(void)
{
    unlink(path);
}

static int page_cb(void *ctx, const imp_article *pg, uint64_t byte_offset)
{
    (void)byte_offset;
    if (!pg->title || !pg->text || pg->text[pg->text_len] != 0 || strlen(pg->text) != pg->text_len) abort();
    if (pg->text_len > ((uint64_t)1 << 20)) abort();   /* over the cap given below */
    if (pg->redirect_to) (void)strlen(pg->redirect_to);
    if (pg->language) (void)strlen(pg->language);
    return ++*(int *)ctx == 1000;   /* stop sometimes, to test that path too */
}

static void warn_cb(void *ctx, const char *message)
{
    (void)ctx;
    (void)strlen(message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/wpk-fuzz-XXXXXX", t && *t ? t : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0) abort();
        close(fd);
        atexit(cleanup);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();

    (void)imp_mediawiki_is_dump(path, NULL, 0);
    char why[300];
    size_t cap = fuzz_why_cap(size);
    int pages = 0;
    int rc = imp_mediawiki_read(path, (uint64_t)1 << 20, page_cb, warn_cb, &pages, cap ? why : NULL, cap);
    if (rc != 0 && rc != -1 && rc != 1) abort();
    if (rc != 0 && cap && strnlen(why, cap) == cap) abort();
    return 0;
}
