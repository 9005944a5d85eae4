/* multistream_get.c - print one page of a Wikimedia multistream dump by
 * page ID, as a reader of that format does: read the bzip2 index
 * ("OFFSET:PAGEID:TITLE" lines) to find the page's stream, seek there,
 * decompress that one stream (100 pages) and print the page's <page>
 * element. The peer of `wikipack get --id` in bench/wikimedia_bench.sh.
 *
 *   multistream_get DUMP.xml.bz2 INDEX.txt.bz2 PAGEID
 *
 * Exit 0 found, 3 not in the index or the stream, 1 on a read error. */
#include <bzlib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decompress all of a bzip2 file (the index is small: ~1 MB for 10 million
 * titles is not, but a reader keeps it in memory the same way). */
static char *read_bz2_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    int bzerr;
    BZFILE *b = BZ2_bzReadOpen(&bzerr, f, 0, 0, NULL, 0);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    while (bzerr == BZ_OK && out) {
        if (n + 65536 > cap && !(out = realloc(out, cap *= 2))) break;
        n += (size_t)BZ2_bzRead(&bzerr, b, out + n, 65536);
    }
    BZ2_bzReadClose(&bzerr, b);
    fclose(f);
    *len = n;
    return out;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: multistream_get DUMP.xml.bz2 INDEX.txt.bz2 PAGEID\n");
        return 2;
    }
    const char *want = argv[3];
    size_t wlen = strlen(want), ilen;
    char *index = read_bz2_file(argv[2], &ilen);
    if (!index) return 1;
    long long offset = -1;
    for (char *p = index, *end = index + ilen; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        char *c1 = memchr(p, ':', (size_t)(nl - p));
        if (c1 && (size_t)(nl - c1) > wlen + 1 && !memcmp(c1 + 1, want, wlen) && c1[1 + wlen] == ':') {
            offset = strtoll(p, NULL, 10);
            break;
        }
        p = nl + 1;
    }
    free(index);
    if (offset < 0) return 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f || fseeko(f, offset, SEEK_SET) != 0) return 1;
    /* One stream: bzip2 stops at its end. */
    int bzerr;
    BZFILE *b = BZ2_bzReadOpen(&bzerr, f, 0, 0, NULL, 0);
    size_t cap = 1 << 20, n = 0;
    char *xml = malloc(cap);
    while (bzerr == BZ_OK && xml) {
        if (n + 65536 > cap && !(xml = realloc(xml, cap *= 2))) break;
        n += (size_t)BZ2_bzRead(&bzerr, b, xml + n, 65536);
    }
    int ended = bzerr == BZ_STREAM_END;
    BZ2_bzReadClose(&bzerr, b);
    fclose(f);
    if (!xml || !ended) return 1;
    char key[64];
    snprintf(key, sizeof key, "<id>%s</id>", want);
    for (char *p = xml; (p = memmem(p, (size_t)(xml + n - p), "<page>", 6)) != NULL;) {
        char *end = memmem(p, (size_t)(xml + n - p), "</page>", 7);
        if (!end) break;
        char *id = memmem(p, (size_t)(end - p), "<id>", 4); /* the page's own <id> comes first */
        if (id && !strncmp(id, key, strlen(key))) {
            fwrite(p, 1, (size_t)(end + 7 - p), stdout);
            free(xml);
            return 0;
        }
        p = end;
    }
    free(xml);
    return 3;
}
