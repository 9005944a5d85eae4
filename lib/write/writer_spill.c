/* writer_spill.c - what the spill file keeps of each entry, read back: path, label, file name, namespace, views. */
#include "writer_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* n bytes of the spill file at `at` into buf: 0, or an errno value. */
static int spill_read(const wpk_writer *w, uint64_t at, size_t n, char *buf)
{
    errno = 0;
    if (wpk_fd_read_at((void *)(intptr_t)w->spill_fd, at, buf, n) == 0) return 0;
    return errno ? errno : EIO; /* EIO: the spill file is shorter than what was appended */
}

const char *wpk_entry_label(const wpk_writer *w, const wentry *e, char *buf, size_t cap)
{
    if (cap > e->path_len && spill_read(w, e->str_offset, e->path_len, buf) == 0) {
        buf[e->path_len] = 0;
        return buf;
    }
    snprintf(buf, cap, "entry %zu", (size_t)(e - w->entries));
    return buf;
}

/* One of an entry's strings in the spill file, `skip` bytes past its path. */
static int entry_string(const wpk_writer *w, const wentry *e, uint64_t skip, size_t n, char *buf, const char *what,
                        wpk_error *err)
{
    int rc = spill_read(w, (uint64_t)e->str_offset + skip, n, buf);
    if (rc) {
        char label[64];
        snprintf(label, sizeof label, "entry %zu", (size_t)(e - w->entries));
        return wpk_fail(err, WPK_E_IO, "%s: cannot read back its %s from the spill file: %s", label, what,
                        strerror(rc));
    }
    buf[n] = 0;
    return WPK_OK;
}

int wpk_entry_path(const wpk_writer *w, const wentry *e, char *buf, wpk_error *err)
{
    return entry_string(w, e, 0, e->path_len, buf, "path", err);
}

int64_t wpk_entry_ns(const wentry *e, const uint8_t *cats)
{
    for (uint16_t i = 0; i < e->cat_count; i++) wpk_cat_id(&cats);
    int64_t ns;
    memcpy(&ns, cats, sizeof ns);
    return ns;
}

void wpk_entry_rev_meta(const wentry *e, const uint8_t *cats, wpk2_entry *x)
{
    const uint8_t *tail = cats + e->cat_bytes - WPK_REV_META_TAIL;
    uint16_t lens[2];
    memcpy(lens, tail, 4);
    const uint8_t *who = tail - lens[0] - lens[1];
    if (lens[0]) {
        x->ext |= WPK2_X_CONTRIBUTOR;
        x->contributor = (wpk2_str){who, lens[0]};
    }
    if (lens[1]) {
        x->ext |= WPK2_X_COMMENT;
        x->comment = (wpk2_str){who + lens[0], lens[1]};
    }
    if (tail[4]) {
        x->ext |= WPK2_X_REVISION_ID;
        memcpy(&x->revision_id, tail + 5, 8);
    }
}

#define SPILL_VIEW_MIN (256u << 10)
#define SPILL_VIEW_HOP (4u << 10)
int wpk_spill_view(const wpk_writer *w, wspill_view *v, uint64_t at, size_t n, const uint8_t **out, wpk_error *err)
{
    if (v->buf && at >= v->start && at + n <= v->start + v->len) {
        *out = v->buf + (at - v->start);
        return WPK_OK;
    }
    /* A whole window only while the reads go forward through the file (in
     * the order the entries were added). Entries added out of path order
     * and read in path order hop about the file, and a whole window a hop
     * copied 256 KiB an entry: 73 GB for 200,000 JSON Lines records, three
     * times the pack's user time in system time. A hop reads what it asks
     * for, at least 4 KiB. */
    int forward = v->len && at >= v->start && at - v->start < v->len + SPILL_VIEW_MIN;
    size_t want = forward || n >= SPILL_VIEW_MIN ? 0 : n > SPILL_VIEW_HOP ? n : SPILL_VIEW_HOP;
    size_t need = n > want ? n : want; /* what the read below fills (want for a hop, even of 0 bytes) */
    if (need > v->cap || !v->buf) {
        size_t cap = need > SPILL_VIEW_MIN ? need : SPILL_VIEW_MIN;
        uint8_t *g = wpk_realloc(v->buf, cap);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        v->buf = g;
        v->cap = cap;
    }
    /* Read as much as the window holds (the entries after this one are
     * usually next), or the hop wants; only the n bytes asked for must be there. */
    size_t done = 0, limit = want ? want : v->cap;
    while (done < limit) {
        ssize_t got = pread(w->spill_fd, v->buf + done, limit - done, (off_t)(at + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            if (done >= n) break;
            v->len = 0;
            return wpk_fail(err, WPK_E_IO, "cannot read back %zu bytes at offset %llu of the spill file: %s", n,
                            (unsigned long long)at, got < 0 ? strerror(errno) : "short file");
        }
        done += (size_t)got;
    }
    v->start = at;
    v->len = done;
    *out = v->buf;
    return WPK_OK;
}

void wpk_spill_view_free(wspill_view *v)
{
    wpk_free(v->buf);
    memset(v, 0, sizeof *v);
}

int wpk_entry_file(const wpk_writer *w, const wentry *e, char *buf, const char **file, wpk_error *err)
{
    *file = NULL;
    if (e->source == WE_OWN_FILE) {
        *file = buf;
        return entry_string(w, e, (uint64_t)e->path_len + e->url_len, e->file_len, buf, "file name", err);
    }
    if (e->source != WE_UNDER_ROOT) return WPK_OK;
    size_t rlen = strlen(w->roots[e->file_root]); /* < 4096: wpk_writer_add_file */
    memcpy(buf, w->roots[e->file_root], rlen);
    buf[rlen] = '/';
    *file = buf;
    return entry_string(w, e, 0, e->path_len, buf + rlen + 1, "path", err);
}
