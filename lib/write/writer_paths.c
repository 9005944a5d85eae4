/* writer_paths.c - every entry's rank in path order, from paths kept on
 * disk (the spill file) rather than in memory.
 *
 * Callers that add in path order (the command-line tool walks folders that
 * way) get the ranks for free: add() compared each path with the one
 * before. Otherwise the paths are read back once and sorted here, holding
 * them in memory only for the sort. */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

static int by_path(const void *a, const void *b, void *ctx)
{
    char *const *paths = ctx;
    return strcmp(paths[*(const uint32_t *)a], paths[*(const uint32_t *)b]);
}

static int repeated(const wpk_writer *w, const wentry *e, wpk_error *err)
{
    char label[WPK_LABEL_MAX];
    return wpk_fail(err, WPK_E_EXISTS, "two entries have the path \"%s\"", wpk_entry_label(w, e, label, sizeof label));
}

static int sort_paths(wpk_writer *w, wpk_error *err)
{
    size_t n = w->count;
    char **paths = wpk_malloc(n * sizeof *paths);
    uint32_t *order = wpk_malloc(n * sizeof *order);
    warena text;
    memset(&text, 0, sizeof text);
    int rc = paths && order ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory sorting %zu paths", n);
    for (size_t i = 0; i < n && !rc; i++) {
        const wentry *e = &w->entries[i];
        if (!(paths[i] = wpk_arena_alloc(&text, (size_t)e->path_len + 1)))
            rc = wpk_fail(err, WPK_E_NOMEM, "out of memory sorting %zu paths", n);
        else
            rc = wpk_entry_path(w, e, paths[i], err);
        order[i] = (uint32_t)i;
    }
    if (!rc) qsort_r(order, n, sizeof *order, by_path, paths);
    for (size_t k = 0; k < n && !rc; k++) {
        w->entries[order[k]].entry_no = (uint32_t)k;
        if (k > 0 && strcmp(paths[order[k - 1]], paths[order[k]]) == 0) rc = repeated(w, &w->entries[order[k]], err);
    }
    wpk_arena_free(&text);
    wpk_free(paths);
    wpk_free(order);
    return rc;
}

int wpk_path_ranks(wpk_writer *w, wpk_error *err)
{
    if (w->paths_unsorted) return sort_paths(w, err);
    if (w->repeated_path >= 0) return repeated(w, &w->entries[w->repeated_path], err);
    for (size_t i = 0; i < w->count; i++) w->entries[i].entry_no = (uint32_t)i;
    return WPK_OK;
}
