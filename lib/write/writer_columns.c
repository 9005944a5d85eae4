/* writer_columns.c - the writer's leaves stored in columns (1.5): the format's encoders driven, each result read back.
 *
 * Encoding is exact: each page is decoded again and compared with its rows
 * before it is stored (format/leaf_columns_encode.c encodes). */
#include "writer_internal.h"

#include <string.h>

/* Decode a column page just made (kind 0: a record page; else a
 * WPK_LEAF_* kind) and compare it with its rows: a writer bug here would
 * otherwise surface only in readers. The scratch is the decoder's: string
 * starts for a record page, one key for the other leaves. */
static int check_decodes(int kind, const wbuf *cols, uint32_t string_count, const uint8_t *rows, size_t len,
                         wpk_error *err)
{
    size_t scratch_size = kind == 0 ? (string_count ? string_count * sizeof(uint32_t) : 1) : 65536;
    uint8_t *back = wpk_malloc(len ? len : 1);
    void *scratch = wpk_malloc(scratch_size);
    const char *why = "decodes to other bytes";
    int ok = back && scratch &&
             (kind == 0 ? wpk_fmt_columns_decode(cols->p, cols->len, scratch, back, len, &why)
                        : wpk_fmt_leaf_columns_decode(kind, cols->p, cols->len, back, len, scratch, &why)) == 0 &&
             !memcmp(back, rows, len);
    int oom = !back || !scratch;
    wpk_free(back);
    wpk_free(scratch);
    if (oom) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    return ok ? WPK_OK : wpk_fail(err, WPK_E_CORRUPT, "internal error: a page just stored in columns reads back wrong: %s", why);
}

int wpk_columns_encode(const uint8_t *rows, size_t len, wbuf *out, wpk_error *err)
{
    uint32_t string_count = 0;
    const char *why = NULL;
    int rc = wpk_fmt_columns_encode(&wpk_writer_alloc, rows, len, out, &string_count, &why);
    if (rc == WPK_FMT_NOMEM) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (rc) return wpk_fail(err, WPK_E_CORRUPT, "internal error: a record page just built is unreadable: %s", why ? why : "?");
    return check_decodes(0, out, string_count, rows, len, err);
}

/* The column form of a title, category, folded-title or ID leaf. */
int wpk_leaf_columns_encode(int kind, const uint8_t *rows, size_t len, wbuf *out, wpk_error *err)
{
    const char *why = NULL;
    int rc = wpk_fmt_leaf_columns_encode(&wpk_writer_alloc, kind, rows, len, out, &why);
    if (rc == WPK_FMT_CORRUPT) return wpk_fail(err, WPK_E_CORRUPT, "internal error: a leaf just built is unreadable: %s", why);
    if (rc) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    return check_decodes(kind, out, 0, rows, len, err);
}
