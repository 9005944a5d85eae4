/* walk.c - collect the files to pack: a recursive, sorted walk of the input folders */
/*
 * Symbolic links to files inside the input folder are followed (their
 * content is packed under the link's name); a link out of it (say to
 * /etc/shadow) is skipped with a warning unless the caller asks to follow
 * links; links to directories are not followed, which rules out loops.
 * Problems go to the caller's imp_report_fn; nothing is printed here.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A problem, handed to the caller's callback (nothing is printed here). */
static void report(const imp_walk_list *l, imp_severity severity, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(const imp_walk_list *l, imp_severity severity, const char *fmt, ...)
{
    if (!l->report) return;
    char small[1024], *msg = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    l->report(l->report_ctx, severity, msg ? msg : small);
    if (msg != small) free(msg);
}

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

/* A copy of s in the list's chunks; NULL when out of memory. */
static const char *keep(imp_walk_list *l, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > l->left) {
        size_t size = n > (1u << 20) ? n : (1u << 20);
        char **g = realloc(l->chunks, (l->chunk_count + 1) * sizeof *g);
        if (!g) return NULL;
        l->chunks = g;
        size_t *left = realloc(l->chunk_uses, (l->chunk_count + 1) * sizeof *left);
        if (!left) return NULL;
        l->chunk_uses = left;
        if (!(l->next = malloc(size))) return NULL;
        l->chunk_uses[l->chunk_count] = 0;
        l->chunks[l->chunk_count++] = l->next;
        l->left = size;
    }
    char *p = l->next;
    memcpy(p, s, n);
    l->next += n;
    l->left -= n;
    return p;
}

static int add_root(imp_walk_list *l, const char *root, size_t len, uint32_t *index)
{
    char **g = realloc(l->roots, (l->root_count + 1) * sizeof *g);
    if (!g) return -1;
    l->roots = g;
    if (!(g[l->root_count] = malloc(len + 1))) return -1;
    memcpy(g[l->root_count], root, len);
    g[l->root_count][len] = 0;
    *index = (uint32_t)l->root_count++;
    return 0;
}

static int push(imp_walk_list *l, const char *rel, uint32_t root)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        imp_walk_item *g = realloc(l->v, cap * sizeof *g);
        if (!g) goto oom;
        l->v = g;
        l->cap = cap;
    }
    const char *kept = keep(l, rel);
    if (!kept) goto oom;
    l->chunk_uses[l->chunk_count - 1]++;
    l->v[l->n++] = (imp_walk_item){kept, root, (uint32_t)(l->chunk_count - 1)};
    return 0;
oom:
    report(l, IMP_ERROR, "out of memory");
    return -1;
}

/* A directory's child, sorted by `key`: its name, with a '/' after it for a
 * directory. Walking children in that order visits files in the bytewise
 * order of their archive paths ('-' < '.' < '/': "a-b", "a.md", then
 * "a/x"), the order they are packed in: the list of one input needs no
 * sorting, and its names can be freed as they are packed (imp_walk_done). */
typedef struct child { char *key; int is_dir; } child;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const child *)a)->key, ((const child *)b)->key);
}

/* A symbolic link met in a folder: a file inside the input folder is
 * packed under the link's name; a file outside it only with follow_links;
 * a directory or nothing is reported. */
static int walk_link(imp_walk_list *l, const char *full, const char *rel, uint32_t root)
{
    struct stat st;
    if (stat(full, &st) != 0) {
        report(l, IMP_WARNING, "%s: symbolic link to nothing (not packed)", full);
        l->skipped++;
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        report(l, IMP_WARNING, "%s: symbolic link to a directory (not followed: links to folders could loop)", full);
        l->skipped++;
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        report(l, IMP_WARNING, "%s: symbolic link to something that is not a regular file (not packed)", full);
        l->skipped++;
        return 0;
    }
    if (!l->follow_links) {
        char *target = realpath(full, NULL);
        size_t n = l->root_real ? strlen(l->root_real) : 0;
        int inside = target && l->root_real && !strncmp(target, l->root_real, n) &&
                     (target[n] == '/' || !strcmp(l->root_real, "/"));
        if (!inside) {
            report(l, IMP_WARNING, "%s: symbolic link out of the input folder, to %s (not packed; --follow-links packs it)",
                   full, target ? target : "?");
            free(target);
            l->skipped++;
            return 0;
        }
        free(target);
    }
    return push(l, rel, root);
}

static int walk_dir(const char *full, const char *rel, uint32_t root, imp_walk_list *l)
{
    DIR *d = opendir(full);
    if (!d) {
        report(l, IMP_WARNING, "%s: cannot read directory: %s (skipped)", full, strerror(errno));
        l->unreadable++;
        return 0;
    }
    child *kids = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while (!rc && (errno = 0, de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            child *g = realloc(kids, cap * sizeof *g);
            if (!g) { rc = -1; break; }
            kids = g;
        }
        char *child_full = join(full, de->d_name);
        struct stat st;
        int is_dir = child_full && lstat(child_full, &st) == 0 && S_ISDIR(st.st_mode);
        free(child_full);
        size_t len = strlen(de->d_name);
        if (!(kids[n].key = malloc(len + 2))) { rc = -1; break; }
        memcpy(kids[n].key, de->d_name, len);
        kids[n].key[len] = is_dir ? '/' : 0;
        kids[n].key[len + 1] = 0;
        kids[n++].is_dir = is_dir;
    }
    if (!rc && errno) {
        report(l, IMP_WARNING, "%s: error while reading the directory: %s", full, strerror(errno));
        l->unreadable++;
    }
    closedir(d);
    if (rc) report(l, IMP_ERROR, "out of memory");
    if (!rc && n) qsort(kids, n, sizeof *kids, by_key);
    for (size_t i = 0; i < n && !rc; i++) {
        if (kids[i].is_dir) kids[i].key[strlen(kids[i].key) - 1] = 0; /* the name again */
        char *child_full = join(full, kids[i].key);
        char *child_rel = *rel ? join(rel, kids[i].key) : strdup(kids[i].key);
        struct stat st;
        if (!child_full || !child_rel) {
            report(l, IMP_ERROR, "out of memory");
            rc = -1;
        } else if (lstat(child_full, &st) != 0) {
            report(l, IMP_WARNING, "%s: %s (skipped)", child_full, strerror(errno));
            l->unreadable++;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(child_full, child_rel, root, l);
        } else if (S_ISREG(st.st_mode)) {
            rc = push(l, child_rel, root);
        } else if (S_ISLNK(st.st_mode)) {
            rc = walk_link(l, child_full, child_rel, root);
        } else {
            report(l, IMP_WARNING, "%s: not a regular file (not packed)", child_full);
            l->skipped++;
        }
        free(child_full);
        free(child_rel);
    }
    for (size_t i = 0; i < n; i++) free(kids[i].key);
    free(kids);
    return rc;
}

int imp_walk_input(const char *input, imp_walk_list *l)
{
    struct stat st;
    if (stat(input, &st) != 0) {
        report(l, IMP_ERROR, "%s: %s", input, strerror(errno));
        return -1;
    }
    uint32_t root;
    if (S_ISDIR(st.st_mode)) {
        if (add_root(l, input, strlen(input), &root)) return report(l, IMP_ERROR, "out of memory"), -1;
        free(l->root_real);
        l->root_real = realpath(input, NULL); /* NULL: no link can be shown inside, none is followed */
        int rc = walk_dir(input, "", root, l);
        free(l->root_real);
        l->root_real = NULL;
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        report(l, IMP_ERROR, "%s: not a regular file or directory", input);
        return -1;
    }
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    /* The folder keeps its last '/' when it is the root ("/x.md"). */
    size_t root_len = base > input ? (size_t)(base - input) - (base - input > 1) : 0;
    if (add_root(l, input, root_len, &root)) return report(l, IMP_ERROR, "out of memory"), -1;
    return push(l, base, root);
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const imp_walk_item *)a)->rel, ((const imp_walk_item *)b)->rel);
}

void imp_walk_sort(imp_walk_list *l)
{
    size_t i = 1;
    while (i < l->n && strcmp(l->v[i - 1].rel, l->v[i].rel) < 0) i++;
    if (i < l->n) qsort(l->v, l->n, sizeof *l->v, by_rel); /* several inputs */
}

void imp_walk_done(imp_walk_list *l, size_t i)
{
    uint32_t c = l->v[i].chunk;
    l->v[i].rel = NULL;
    if (--l->chunk_uses[c] == 0) {
        free(l->chunks[c]);
        l->chunks[c] = NULL;
        if (c == l->chunk_count - 1) l->next = NULL, l->left = 0; /* no more keep() after the walk, but stay safe */
    }
}

void imp_walk_list_free(imp_walk_list *l)
{
    for (size_t i = 0; i < l->root_count; i++) free(l->roots[i]);
    free(l->roots);
    for (size_t i = 0; i < l->chunk_count; i++) free(l->chunks[i]);
    free(l->chunks);
    free(l->chunk_uses);
    free(l->v);
    memset(l, 0, sizeof *l);
}

int imp_walk_stdin(imp_walk_list *out)
{
    static const char dev[] = "/dev";
    for (size_t i = 0; i < out->n; i++)
        if (!strcmp(out->v[i].rel, IMP_WALK_STDIN_NAME) && !strcmp(out->roots[out->v[i].root], dev)) {
            report(out, IMP_ERROR, "standard input (-) given twice");
            return -1;
        }
    uint32_t root;
    if (add_root(out, dev, sizeof dev - 1, &root)) return report(out, IMP_ERROR, "out of memory"), -1;
    return push(out, IMP_WALK_STDIN_NAME, root);
}

int imp_walk_get(const imp_walk_list *l, size_t i, imp_walk_file *out, char *buf, size_t cap)
{
    const char *root = l->roots[l->v[i].root], *rel = l->v[i].rel;
    size_t n = strlen(root);
    int len = snprintf(buf, cap, "%s%s%s", root, n && root[n - 1] != '/' ? "/" : "", rel);
    if (len < 0 || (size_t)len >= cap) return -1;
    out->rel = rel;
    out->full = buf;
    return 0;
}
