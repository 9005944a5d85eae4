/* writer_placed.h - a writer whose contents are already compressed in blocks elsewhere: the archives a merge joins (lib/write/merge*.c). */
#ifndef WPK_WRITER_PLACED_H
#define WPK_WRITER_PLACED_H

#include "writer_internal.h"

/* The DATA region of the archive to write, made by the caller: its blocks
 * (by number, in DATA order), the BLOCK_DICTS section's raw bytes when
 * runs of blocks have dictionaries of their own (format 2.2), and the
 * dictionary of the pages. */
typedef struct wpk_placed_data {
    wpk2_block_ref *refs;       /* taken by the writer */
    size_t block_count;
    uint64_t data_size, unique_bytes, unique_contents;
    uint8_t *block_dicts;       /* BLOCK_DICTS raw bytes (NULL: none); the caller's */
    size_t block_dicts_len;
    /* The pages' dictionary (and the blocks' without BLOCK_DICTS): raw and
     * as stored (`page_dict_stored` == `page_dict` when stored as is),
     * both the caller's until finish returns. */
    const uint8_t *page_dict, *page_dict_stored;
    size_t page_dict_size, page_dict_stored_size;
    /* Writes the data_size bytes of DATA to out_fd from out_off. */
    int (*copy)(void *ctx, int out_fd, uint64_t out_off, const char *out_path, wpk_error *err);
    /* The first n bytes of the content of the entry added k-th (from 0),
     * for the search index; NULL: the archive gets no search index. */
    int (*read)(void *ctx, size_t k, uint8_t *buf, uint32_t n, wpk_error *err);
    void *ctx;
} wpk_placed_data;

/* Add an entry whose meta->size bytes of content are at `offset` in block
 * `block` of the DATA the finish will be given. */
int wpk_writer_add_placed(wpk_writer *w, const wpk_entry *meta, uint32_t block, uint64_t offset, wpk_error *err);
/* Index and write the archive with `d` as its DATA. */
int wpk_writer_finish_placed(wpk_writer *w, wpk_placed_data *d, wpk_write_stats *stats, wpk_error *err);

#endif
