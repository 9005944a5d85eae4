/* merge_internal.h - joining archives packed apart into one (wpk_merge): the parts and the DATA region made of their blocks. */
#ifndef WPK_MERGE_INTERNAL_H
#define WPK_MERGE_INTERNAL_H

#include "reader_internal.h"
#include "writer_placed.h"

/* One archive being merged. */
typedef struct mpart {
    wpk_reader *r;
    const char *path;
    /* Its blocks, distinct, by increasing region offset (as its entry pages
     * name them); the first is block number first_block of the output. */
    wpk2_block_ref *blocks;
    size_t nblocks;
    uint32_t first_block;       /* its first block's number among all the parts' (mmerge.used) */
    /* Its DICT section, raw and as stored (dict_stored == dict when stored as is). */
    uint8_t *dict, *dict_stored;
    size_t dict_size, dict_stored_size;
    int has_runs;               /* a merged archive itself (format 2.2): its runs are kept */
} mpart;

/* One thing to write into the merged DATA, in order: a block or a run's
 * dictionary, from a part (checked against its XXH3-64 on the way) or
 * from memory (a part's DICT). */
typedef struct mcopy {
    const mpart *p;
    const uint8_t *mem;         /* NULL: read from p's DATA at offset */
    uint64_t offset, size, checksum;
    const wpk2_block_ref *ref;  /* a block: its reference in p; NULL: a dictionary */
} mcopy;

typedef struct mmerge {
    mpart *parts;
    size_t nparts;
    size_t nblocks;             /* the parts' blocks, numbered part after part */
    uint8_t *used;              /* by block: a kept entry's content is in it */
    /* By block: an entry left out as a repeat whose content is in it (its
     * number in its part), UINT64_MAX none. */
    uint64_t *repeat;
    mcopy *copies;              /* the merged DATA, in order */
    size_t ncopies;
    wpk_placed_data data;
    wpk2_dict_run *runs;        /* the output's runs (format 2.2), none when one dictionary fits all */
    size_t nruns;
    wpk2_buf runs_raw;
    wpk_progress_fn progress;
    void *progress_ctx;
    uint64_t copied;            /* DATA bytes written, for progress */
    /* By entry added to the writer: its part << 32 | its entry number
     * there, for the search index's texts (wpk_merge_read). */
    uint64_t *origin;
    size_t norigin, origin_cap;
} mmerge;
/* merge_entries.c: the writer's read callback (wpk_placed_data.read). */
int wpk_merge_read(void *ctx, size_t k, uint8_t *buf, uint32_t n, wpk_error *err);

/* merge_blocks.c: each part's blocks and dictionary; once the entries are
 * in, the merged DATA's layout: the blocks kept entries use, the runs,
 * the pages' dictionary, and the writer's entries renumbered to them. */
int wpk_merge_blocks(mmerge *m, mpart *p, wpk_error *err);
int wpk_merge_number(mmerge *m, wpk_error *err);
int wpk_merge_layout(mmerge *m, wpk_writer *w, wpk_error *err);
/* The number, among all the parts' blocks, of the block of p that e uses. */
int wpk_merge_block_of(const mpart *p, const wpk_entry *e, uint32_t *block, wpk_error *err);
/* The writer's copy callback: m->copies, each block and dictionary read
 * from a part checked against its XXH3-64 on the way. */
int wpk_merge_copy(void *ctx, int out_fd, uint64_t out_off, const char *out_path, wpk_error *err);
void wpk_merge_parts_free(mmerge *m);

/* merge_entries.c: the parts' entries in path order into the writer, an
 * entry in two parts kept once when alike and refused otherwise; their
 * aliases and wiki descriptions. */
int wpk_merge_entries(mmerge *m, wpk_writer *w, uint64_t *repeated, wpk_error *err);
int wpk_merge_aliases(mmerge *m, wpk_writer *w, wpk_error *err);
int wpk_merge_wikis(mmerge *m, wpk_writer *w, wpk_error *err);

#endif
