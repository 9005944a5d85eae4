/* wpk_stream.h - reading the streams of leaves stored in columns (1.5):
 * LEB128 varints of at most 10 bytes, length-prefixed byte strings and
 * zigzag-coded signed numbers, each bounded by the stream's end. Shared by
 * columns.c and leaf_columns.c. */
#ifndef WPK_STREAM_H
#define WPK_STREAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct wpk_stream { const uint8_t *p; size_t n, at; } wpk_stream;

/* 0 at the stream's end, after 10 bytes, or past 64 bits. */
static inline int wpk_stream_varint(wpk_stream *s, uint64_t *v)
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

/* A varint no larger than `max`. */
static inline int wpk_stream_bounded(wpk_stream *s, uint64_t max, uint64_t *v)
{
    return wpk_stream_varint(s, v) && *v <= max;
}

static inline int wpk_stream_bytes(wpk_stream *s, size_t len, const uint8_t **out)
{
    if (len > s->n - s->at) return 0;
    *out = s->p + s->at;
    s->at += len;
    return 1;
}

/* A varint length, then that many bytes; the length at most `max`. */
static inline int wpk_stream_string(wpk_stream *s, uint64_t max, const uint8_t **str, uint64_t *len)
{
    return wpk_stream_bounded(s, max, len) && wpk_stream_bytes(s, (size_t)*len, str);
}

static inline int64_t wpk_unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

#endif
