/* writer_paths.c - every entry's rank in path order, from paths kept on
 * disk (the spill file) rather than in memory.
 *
 * Callers that add in path order (the command-line tool walks folders that
 * way) get the ranks for free: add() compared each path with the one
 * before. Otherwise the paths are read back once and sorted here, holding
 * them in memory only for the sort. */
#include "writer_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The bytes the spill file keeps of e, from e->str_offset on. */
static uint64_t spilled_bytes(const wentry *e)
{
    return we_content_at(e) + (e->source == WE_SPILLED ? e->size : 0) - e->str_offset;
}

/* Copy every entry's bytes into a new spill file in path order (order[k]:
 * the entry of rank k), and make it the spill file.
 *
 * Every later pass reads the entries in path order (or block order, which
 * mostly follows it): entries added out of that order (JSON Lines records,
 * dump pages, named after their titles) had each of those reads hop about
 * the file, one system call an entry and a pass. This copy makes one such
 * read an entry; the passes after it read forward, a window at a time
 * (200,000 records, --fast: 1,000,000 reads of the spill file -> 200,000,
 * system time 2.6 s -> 0.7 s). For a moment the spill file is there twice. */
#define RELAY_BUF (1u << 20)
static int relay_spill(wpk_writer *w, const uint32_t *order, wpk_error *err)
{
    size_t n = w->count;
    if (w->spill_fd < 0 || n < 2) return WPK_OK;
    int fd = -1;
    uint8_t *buf = wpk_malloc(RELAY_BUF);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    int rc = wpk_tempfile_in(w->path, &fd, err);
    uint64_t put = 0; /* written to fd; `held` more in buf */
    size_t held = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        const wentry *e = &w->entries[order[k]];
        uint64_t from = e->str_offset, left = spilled_bytes(e);
        if (held && held + left > RELAY_BUF) { /* one read for the entry when it fits */
            rc = wpk_write_all(fd, buf, held, put, "spill file", err);
            put += held;
            held = 0;
        }
        while (left && !rc) {
            size_t take = left < RELAY_BUF - held ? (size_t)left : RELAY_BUF - held;
            errno = 0;
            if (wpk_fd_read_at((void *)(intptr_t)w->spill_fd, from, buf + held, take) != 0) {
                const char *why = errno ? strerror(errno) : "short file";
                char label[WPK_LABEL_MAX];
                rc = wpk_fail(err, WPK_E_IO, "%s: cannot read it back from the spill file: %s",
                              wpk_entry_label(w, e, label, sizeof label), why);
                break;
            }
            held += take;
            from += take;
            left -= take;
            if (held == RELAY_BUF) {
                rc = wpk_write_all(fd, buf, held, put, "spill file", err);
                put += held;
                held = 0;
            }
        }
    }
    if (!rc && held) rc = wpk_write_all(fd, buf, held, put, "spill file", err);
    wpk_free(buf);
    if (rc) {
        if (fd >= 0) close(fd);
        return rc;
    }
    uint64_t at = 0; /* the offsets change only once the copy is whole */
    for (size_t k = 0; k < n; k++) {
        wentry *e = &w->entries[order[k]];
        uint64_t len = spilled_bytes(e);
        e->str_offset = at;
        at += len;
    }
    close(w->spill_fd);
    w->spill_fd = fd;
    w->spill_size = at;
    return WPK_OK;
}

static int sort_paths(wpk_writer *w, wpk_error *err)
{
    size_t n = w->count;
    char **paths = wpk_malloc(n * sizeof *paths);
    uint32_t *order = wpk_malloc(n * sizeof *order);
    warena text;
    memset(&text, 0, sizeof text);
    wspill_view view; /* the paths are read in the order added: forward through the file */
    memset(&view, 0, sizeof view);
    int rc = paths && order ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory sorting %zu paths", n);
    for (size_t i = 0; i < n && !rc; i++) {
        const wentry *e = &w->entries[i];
        const uint8_t *p;
        if (!(paths[i] = wpk_arena_alloc(&text, (size_t)e->path_len + 1)))
            rc = wpk_fail(err, WPK_E_NOMEM, "out of memory sorting %zu paths", n);
        else if ((rc = wpk_spill_view(w, &view, e->str_offset, e->path_len, &p, err)) == 0) {
            memcpy(paths[i], p, e->path_len);
            paths[i][e->path_len] = 0;
        }
        order[i] = (uint32_t)i;
    }
    wpk_spill_view_free(&view);
    if (!rc) qsort_r(order, n, sizeof *order, by_path, paths);
    for (size_t k = 0; k < n && !rc; k++) {
        w->entries[order[k]].entry_no = (uint32_t)k;
        if (k > 0 && strcmp(paths[order[k - 1]], paths[order[k]]) == 0) rc = repeated(w, &w->entries[order[k]], err);
    }
    wpk_arena_free(&text);
    wpk_free(paths);
    if (!rc) rc = relay_spill(w, order, err);
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
