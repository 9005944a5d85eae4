/* mount_tree.c - folders of an archive found without an index of folders: the entries are in path order, so a folder's entries are one run of them, found by the entry index (wpk_reader_path_lower_bound). */
#include "mount.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mnt_errno(int rc) { return rc == WPK_E_NOTFOUND ? -ENOENT : rc == WPK_E_NOMEM ? -ENOMEM : -EIO; }

int mnt_path(mnt *m, uint64_t n, char **out)
{
    wpk_entry *e;
    wpk_error err;
    *out = NULL;
    int rc = wpk_reader_entry_at(m->r, n, &e, &err);
    if (rc) return rc == WPK_E_NOMEM ? -ENOMEM : -EIO; /* n < count: not found is a damaged index too */
    *out = strdup(e->path);
    wpk_entry_free(e);
    return *out ? 0 : -ENOMEM;
}

/* The index's root and one entry page: a damaged page fails only the
 * names in it, not every lookup that a binary search over entries would
 * pass through. */
int mnt_lower_bound(mnt *m, const char *key, size_t len, uint64_t *out)
{
    wpk_error err;
    int rc = wpk_reader_path_lower_bound(m->r, key, len, out, &err);
    return rc ? mnt_errno(rc) : 0;
}

int mnt_is_dir(mnt *m, const char *dir)
{
    if (!*dir) return 1;
    size_t len = strlen(dir);
    char *key = malloc(len + 2), *p = NULL;
    if (!key) return -ENOMEM;
    memcpy(key, dir, len);
    key[len] = '/';
    key[len + 1] = 0;
    uint64_t n;
    int rc = mnt_lower_bound(m, key, len + 1, &n);
    if (!rc && n < m->count) rc = mnt_path(m, n, &p);
    int yes = rc ? rc : p && !strncmp(p, key, len + 1);
    free(p);
    free(key);
    return yes;
}

int mnt_next_child(mnt *m, const char *prefix, uint64_t *n, char *name, size_t cap, int *is_dir)
{
    size_t plen = strlen(prefix);
    while (*n < m->count) {
        char *p;
        int rc = mnt_path(m, *n, &p);
        if (rc) return rc;
        if (strncmp(p, prefix, plen)) {
            free(p);
            return 0; /* past the folder */
        }
        const char *rest = p + plen, *slash = strchr(rest, '/');
        size_t k = slash ? (size_t)(slash - rest) : strlen(rest);
        if (k == 0 || k >= cap) { /* not a name a file system can show */
            free(p);
            (*n)++;
            continue;
        }
        memcpy(name, rest, k);
        name[k] = 0;
        *is_dir = slash != NULL;
        if (!slash) {
            (*n)++;
        } else {
            /* Past the subfolder: the first path after "prefix/name/...",
             * which is at or after "prefix/name0" ('0' follows '/'). */
            size_t klen = plen + k + 1;
            char *key = malloc(klen + 1);
            uint64_t next = 0;
            rc = key ? 0 : -ENOMEM;
            if (!rc) {
                memcpy(key, p, plen + k);
                key[plen + k] = '0';
                key[klen] = 0;
                rc = mnt_lower_bound(m, key, klen, &next);
            }
            free(key);
            if (rc) {
                free(p);
                return rc;
            }
            *n = next > *n ? next : *n + 1;
        }
        free(p);
        return 1;
    }
    return 0;
}

int mnt_title_to_name(const char *title, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *s = title; *s; s++) {
        const char *put = *s == '/' ? "%2F" : *s == '%' ? "%25" : NULL;
        size_t n = put ? 3 : 1;
        if (k + n >= cap) return 0;
        if (put) memcpy(out + k, put, 3);
        else out[k] = *s;
        k += n;
    }
    out[k] = 0;
    return k > 0 && strcmp(out, ".") && strcmp(out, "..");
}

int mnt_name_to_title(const char *name, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *s = name; *s; s++) {
        if (k + 1 >= cap) return 0;
        if (!strncmp(s, "%2F", 3)) out[k++] = '/', s += 2;
        else if (!strncmp(s, "%25", 3)) out[k++] = '%', s += 2;
        else out[k++] = *s;
    }
    out[k] = 0;
    return 1;
}
