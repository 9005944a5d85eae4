/* wpk2_internal.h - helpers shared by the format 2.0 codec files: little-endian fields, bounded stream reading, errors, memory. */
#ifndef WPK2_INTERNAL_H
#define WPK2_INTERNAL_H

#include "wpk2_format.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- little-endian fields (never a cast to a struct) ---- */
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32); }
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static inline uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* Bytewise order: memcmp over the common length, then the shorter first. */
static inline int str_cmp(wpk2_str a, wpk2_str b)
{
    size_t m = a.len < b.len ? a.len : b.len;
    int c = m ? memcmp(a.p, b.p, m) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}
static inline int str_eq(wpk2_str a, wpk2_str b) { return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len)); }

/* ---- reading a stream: every read bounded by its end ---- */
typedef struct rd {
    const uint8_t *p;
    size_t n, at;
} rd;

/* LEB128 of at most 10 bytes fitting 64 bits; 0 on failure. */
static inline int rd_varint(rd *s, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 70 && s->at < s->n; shift += 7) {
        uint8_t b = s->p[s->at++];
        if (shift == 63 && b > 1) return 0;
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}
static inline int rd_bytes(rd *s, size_t len, const uint8_t **out)
{
    if (len > s->n - s->at) return 0;
    *out = s->p + s->at;
    s->at += len;
    return 1;
}
static inline int rd_done(const rd *s) { return s->at == s->n; }
static inline size_t rd_left(const rd *s) { return s->n - s->at; }

/* ---- errors ---- */
/* Sets err (when not NULL) and returns code. printf-style message. */
int wpk2_fail(wpk2_err *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Every stream of a page read to its end (the format's rule), else
 * WPK2_E_CORRUPT naming the page, the stream and the bytes left over. */
int wpk2_streams_finished(const rd *s, int count, const char *const *names, const char *page, const char *item,
                          wpk2_err *err);
int wpk2_ok(wpk2_err *err);

/* ---- memory ---- */
void *wpk2_malloc(const wpk2_alloc *a, size_t n);
void *wpk2_realloc(const wpk2_alloc *a, void *p, size_t n);
void wpk2_free(const wpk2_alloc *a, void *p);

/* Arena of a decoded structure: chunks that never move. */
void wpk2_mem_init(wpk2_mem *m, const wpk2_alloc *a, uint64_t max_strings);
void wpk2_mem_release(wpk2_mem *m);
/* n elements of size sz, zeroed, aligned for any struct here; NULL on
 * overflow or when the allocator fails. */
void *wpk2_mem_array(wpk2_mem *m, size_t n, size_t sz);
/* Room for a string of len bytes, counted against max_strings: NULL with
 * *rc WPK2_E_LIMIT when over it, WPK2_E_NOMEM when out of memory. */
uint8_t *wpk2_mem_string(wpk2_mem *m, size_t len, int *rc);

/* ---- writing ---- */
int wpk2_buf_put(wpk2_buf *b, const void *p, size_t n); /* 0, or -1 out of memory */
int wpk2_buf_varint(wpk2_buf *b, uint64_t v);
int wpk2_buf_string(wpk2_buf *b, const uint8_t *p, size_t n); /* varint length, bytes */
int wpk2_buf_u32(wpk2_buf *b, uint32_t v);

/* A page in columns: head (count, kind, stream lengths), then streams.
 * Splits raw into its streams after checking that the lengths add up. */
int wpk2_columns_split(const char *what, const uint8_t *raw, size_t n, uint32_t kind, uint32_t nstreams,
                       uint32_t *count, rd *streams, wpk2_err *err);
/* Appends count, kind, lengths and the streams. */
int wpk2_columns_join(wpk2_buf *out, uint32_t count, uint32_t kind, const wpk2_buf *streams, uint32_t nstreams);
/* Checks the page count against ctx->from (when given). */
int wpk2_check_from(const char *what, const wpk2_page_ctx *ctx, uint32_t count, wpk2_err *err);
/* The first key of a page against ctx->from's key (when given). */
int wpk2_check_first_key(const char *what, const wpk2_page_ctx *ctx, wpk2_str key, wpk2_err *err);

/* Front-coded strings (PATHS, KEYS, NAMES): shared prefix length (at
 * most the previous string's), suffix length, suffix; the result at most
 * 65535 bytes, copied into m. These readers return WPK2_OK, or
 * WPK2_E_CORRUPT / _LIMIT / _NOMEM without a message: the caller names
 * the stream and item through wpk2_fail_item. */
int wpk2_front_next(rd *s, wpk2_mem *m, wpk2_str prev, wpk2_str *out);
int wpk2_front_put(wpk2_buf *b, wpk2_str prev, wpk2_str cur);
/* A string (varint length <= 65535, bytes) copied into m. */
int wpk2_string_next(rd *s, wpk2_mem *m, wpk2_str *out);
/* Message for a reader's code: `what` (e.g. "entry page, entry 3 (PATHS)"),
 * then `detail` for WPK2_E_CORRUPT, the cap or out of memory otherwise. */
int wpk2_fail_code(wpk2_err *err, int code, const wpk2_mem *m, const char *what, const char *detail);

/* The streams of an entry page, in order. */
enum {
    ES_STRINGS, ES_BLOCKS, ES_FLAGS, ES_WIKIS, ES_IDS, ES_TIMES, ES_SIZES, ES_PLACES, ES_PATHS, ES_TITLES, ES_URLS,
    ES_TYPES, ES_EXT, ES_COUNT
};
/* Smallest block reference in BLOCKS: three 1-byte varints, XXH3, BLAKE2b. */
#define BLOCK_REF_MIN 43u

/* Entry numbers are u32 and entry_count at most 2^32 - 1 (the header
 * checks it): a larger count from a caller cannot widen them. */
static inline wpk2_page_ctx wpk2_page_ctx_clamped(const wpk2_page_ctx *ctx)
{
    wpk2_page_ctx c = *ctx;
    if (c.entry_count > UINT32_MAX) c.entry_count = UINT32_MAX;
    return c;
}

static inline uint64_t cap_or(uint64_t v, uint64_t dflt) { return v ? v : dflt; }

#endif
