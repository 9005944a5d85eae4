/* walk.c - recursive directory walk for `pack`. Symbolic links to files are
 * followed (their content is packed under the link's name); links to
 * directories are not, which rules out loops. */
#include "walk.h"
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s) return NULL;
    memcpy(s, a, la);
    size_t at = la;
    if (la && a[la - 1] != '/') s[at++] = '/';
    memcpy(s + at, b, lb + 1);
    return s;
}

static int push(walk_list *l, char *rel, char *full)
{
    if (!rel || !full) goto oom;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        walk_file *g = realloc(l->v, cap * sizeof *g);
        if (!g) goto oom;
        l->v = g;
        l->cap = cap;
    }
    l->v[l->n++] = (walk_file){rel, full};
    return 0;
oom:
    free(rel);
    free(full);
    cli_error("out of memory");
    return -1;
}

static int walk_dir(const char *full, const char *rel, walk_list *l)
{
    DIR *d = opendir(full);
    if (!d) {
        cli_warn("%s: cannot read directory: %s (skipped)", full, strerror(errno));
        l->unreadable++;
        return 0;
    }
    struct dirent *de;
    int rc = 0;
    while (!rc && (errno = 0, de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char *child_full = join(full, de->d_name);
        char *child_rel = *rel ? join(rel, de->d_name) : strdup(de->d_name);
        struct stat st;
        if (!child_full || !child_rel) {
            free(child_full);
            free(child_rel);
            cli_error("out of memory");
            rc = -1;
            break;
        }
        if (lstat(child_full, &st) != 0) {
            cli_warn("%s: %s (skipped)", child_full, strerror(errno));
            l->unreadable++;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(child_full, child_rel, l);
        } else if (S_ISREG(st.st_mode)) {
            rc = push(l, child_rel, child_full);
            child_rel = child_full = NULL;
        } else if (S_ISLNK(st.st_mode) && stat(child_full, &st) == 0 && S_ISREG(st.st_mode)) {
            rc = push(l, child_rel, child_full);
            child_rel = child_full = NULL;
        } else {
            cli_warn("%s: %s (not packed)", child_full,
                     S_ISLNK(st.st_mode) ? "symbolic link to a directory or to nothing" : "not a regular file");
            l->skipped++;
        }
        free(child_full);
        free(child_rel);
    }
    if (!rc && errno) {
        cli_warn("%s: error while reading the directory: %s", full, strerror(errno));
        l->unreadable++;
    }
    closedir(d);
    return rc;
}

int walk_input(const char *input, walk_list *l)
{
    struct stat st;
    if (stat(input, &st) != 0) {
        cli_error("%s: %s", input, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) return walk_dir(input, "", l);
    if (!S_ISREG(st.st_mode)) {
        cli_error("%s: not a regular file or directory", input);
        return -1;
    }
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    return push(l, strdup(base), strdup(input));
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const walk_file *)a)->rel, ((const walk_file *)b)->rel);
}

void walk_sort(walk_list *l)
{
    if (l->n) qsort(l->v, l->n, sizeof *l->v, by_rel);
}

void walk_list_free(walk_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].rel);
        free(l->v[i].full);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

int walk_stdin(walk_list *out)
{
    for (size_t i = 0; i < out->n; i++)
        if (!strcmp(out->v[i].full, WALK_STDIN_PATH)) {
            cli_error("standard input (-) given twice");
            return -1;
        }
    return push(out, strdup(WALK_STDIN_NAME), strdup(WALK_STDIN_PATH));
}
