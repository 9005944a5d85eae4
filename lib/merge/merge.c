/* merge.c - wpk_merge: one archive from several packed apart, their compressed blocks copied as they are and the indexes built again. */
#include "merge_internal.h"

#include <string.h>

/* The parts open, each checked as opening checks (prefix, checksums), its
 * blocks listed and its dictionary read. */
static int open_parts(mmerge *m, const char *const *paths, size_t n, wpk_error *err)
{
    if (!(m->parts = wpk_calloc(n ? n : 1, sizeof *m->parts))) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    /* Entries are read in order, a page at a time: a few pages a part
     * suffice, and many parts must not each keep a reader's usual 16 MiB. */
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.cache_pages = 16;
    o.page_cache_bytes = (64u << 20) / (n ? n : 1);
    if (o.page_cache_bytes < (1u << 20)) o.page_cache_bytes = 1u << 20;
    /* Contents are read to compare repeats, and in order for the search
     * index: a block read once per entry it holds would be decompressed
     * from its start each time. */
    o.block_cache_bytes = (16u << 20) / (n ? n : 1);
    if (o.block_cache_bytes < (2u << 20)) o.block_cache_bytes = 2u << 20;
    /* The parts' blocks are read as pack wrote them, whatever they expand
     * to (pack counts such blocks, and streams read a piece at a time). */
    o.max_expansion = UINT32_MAX;
    int rc = WPK_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        mpart *p = &m->parts[i];
        p->path = paths[i];
        rc = wpk_reader_open(&p->r, paths[i], &o, err);
        m->nparts = i + 1;
        if (!rc) rc = wpk_merge_blocks(m, p, err);
    }
    return rc;
}

int wpk_merge(const char *out_path, const char *const *parts, size_t n_parts, const wpk_write_opts *opts,
              wpk_progress_fn progress, void *progress_ctx, wpk_merge_stats *stats, wpk_error *err)
{
    if (!out_path || (!parts && n_parts)) return wpk_fail(err, WPK_E_INVALID, "merge: no output or no parts");
    if (stats) {
        int rc = wpk_struct_out_check(stats, sizeof *stats, WPK_MIN_MERGE_STATS, "wpk_merge_stats", err);
        if (rc) return rc;
    }
    wpk_merge_stats st = WPK_MERGE_STATS_INIT;
    mmerge m;
    memset(&m, 0, sizeof m);
    m.progress = progress;
    m.progress_ctx = progress_ctx;
    wpk_writer *w = NULL;
    int rc = open_parts(&m, parts, n_parts, err);
    if (!rc) rc = wpk_merge_number(&m, err);
    /* Only the index pages are compressed: level 9 by default, where 19
     * took 4.5x as long for an index 6% smaller (62,850 entries:
     * bench/merge_bench.sh), which is 0.4% of the archive. */
    wpk_write_opts wo = WPK_WRITE_OPTS_INIT;
    if (!rc && opts) rc = wpk_struct_in(&wo, sizeof wo, WPK_MIN_WRITE_OPTS, opts, "wpk_write_opts", err);
    if (!wo.level) wo.level = WPK_MERGE_DEFAULT_LEVEL;
    if (!rc) rc = wpk_writer_create(&w, out_path, &wo, err);
    if (!rc) {
        wpk_writer_set_progress(w, progress, progress_ctx);
        rc = wpk_merge_wikis(&m, w, err);
    }
    if (!rc) rc = wpk_merge_entries(&m, w, &st.repeated_entries, err);
    if (!rc) rc = wpk_merge_aliases(&m, w, err);
    if (!rc) rc = wpk_merge_layout(&m, w, err);
    wpk_write_stats ws = WPK_WRITE_STATS_INIT;
    if (!rc) rc = wpk_writer_finish_placed(w, &m.data, &ws, err);
    wpk_writer_free(w);
    if (!rc) {
        st.parts = n_parts;
        for (size_t i = 0; i < m.nparts; i++) st.input_bytes += m.parts[i].r->src.size;
        st.block_runs = m.nruns;
        st.written = ws;
        if (stats) wpk_struct_out(stats, &st, sizeof st);
    }
    wpk_merge_parts_free(&m);
    return rc;
}
