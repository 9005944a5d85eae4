/* replay_main.c - runs a fuzz target's LLVMFuzzerTestOneInput on files, without
 * libFuzzer, so the seed corpora (and any reproducer added to them) are
 * replayed by ctest with any compiler:
 *
 *   fuzz_replay_reader tests/fuzz/seeds/reader [FILE|DIR]...
 *
 * Directories are read one level deep. Each input is passed in an exact-size
 * heap buffer, so a sanitizer build catches reads past its end. Exits non-zero
 * if an argument cannot be read or no input was found; a finding aborts. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return -1; }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) abort();
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap && !(buf = realloc(buf, cap *= 2))) abort();
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { fprintf(stderr, "%s: read error\n", path); free(buf); return -1; }
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) abort();
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    unsigned long runs = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) { perror(argv[i]); failed = 1; continue; }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) == 0) runs++; else failed = 1;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) { perror(argv[i]); failed = 1; continue; }
        char **names = NULL;
        size_t n = 0, cap = 0;
        for (struct dirent *de; (de = readdir(d));) {
            if (de->d_name[0] == '.') continue;
            if (n == cap && !(names = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names))) abort();
            if (!(names[n++] = strdup(de->d_name))) abort();
        }
        closedir(d);
        if (n) qsort(names, n, sizeof *names, cmp_names);   /* same order every run */
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(argv[i]) + strlen(names[k]) + 2;
            char *path = malloc(len);
            if (!path) abort();
            snprintf(path, len, "%s/%s", argv[i], names[k]);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) == 0) runs++; else failed = 1;
            }
            free(path);
            free(names[k]);
        }
        free(names);
    }
    printf("%lu inputs replayed\n", runs);
    if (runs == 0) { fprintf(stderr, "no input found\n"); return 1; }
    return failed;
}
