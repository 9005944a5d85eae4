/* sign_check.h - an archive opened for signing: its prefix checked, its pages and blocks checked against their hashes (sign_check.c). */
#ifndef WPK_SIGN_CHECK_H
#define WPK_SIGN_CHECK_H

#include "writer_internal.h"

typedef struct wpk_signed {
    int fd;
    uint64_t size;
    const char *name;
    wpk2_header h;
    wpk2_section secs[WPK2_MAX_SECTIONS];
    wpk2_section_map map;      /* SIGNATURE is there: every 2.0 archive has one */
    uint8_t *prefix;           /* bytes 0 .. prefix_size - 1 */
    ZSTD_DCtx *dctx;
    ZSTD_DDict *ddict;
    uint8_t *dict_raw;         /* a DICT stored compressed, decompressed: ddict refers to it */
    /* Format 2.2: the blocks' runs (BLOCK_DICTS), and the dictionary of
     * the run being checked (blocks are checked in DATA order). */
    wpk2_block_dicts runs;
    uint32_t run_at;           /* the run run_ddict is of; UINT32_MAX: none loaded */
    ZSTD_DDict *run_ddict;
    uint8_t *run_raw;
} wpk_signed;

/* Read the header and prefix of the file open as fd (size bytes): a 2.0
 * archive, its section table and prefix checksums right. */
int wpk_signed_open(wpk_signed *a, int fd, uint64_t size, const char *name, wpk_error *err);
void wpk_signed_close(wpk_signed *a);
/* BLAKE2b-512 of the prefix with the SIGNATURE record read as zeros. */
void wpk_signed_digest(const wpk_signed *a, uint8_t out[64]);
/* Every page (roots, branch pages, leaves) and every block against the
 * XXH3-64 and BLAKE2b-256 of the reference naming it. */
int wpk_signed_check_all(wpk_signed *a, wpk_error *err);

#endif
