/* format2_util.h - byte builders for the format 2.0 codec tests: pages are written here by hand, after the draft, not by the encoders. */
#ifndef WPK_FORMAT2_UTIL_H
#define WPK_FORMAT2_UTIL_H

#include "check.h"
#include "wpk2_format.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct bb { uint8_t p[16384]; size_t n; } bb;

static inline void bb_bytes(bb *b, const void *p, size_t n)
{
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
}
static inline void bb_u8(bb *b, uint8_t v) { bb_bytes(b, &v, 1); }
static inline void bb_u16(bb *b, uint16_t v) { bb_u8(b, (uint8_t)v); bb_u8(b, (uint8_t)(v >> 8)); }
static inline void bb_u32(bb *b, uint32_t v) { bb_u16(b, (uint16_t)v); bb_u16(b, (uint16_t)(v >> 16)); }
static inline void bb_u64(bb *b, uint64_t v) { bb_u32(b, (uint32_t)v); bb_u32(b, (uint32_t)(v >> 32)); }
static inline void bb_var(bb *b, uint64_t v)
{
    do {
        bb_u8(b, (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}
static inline void bb_zig(bb *b, int64_t v) { bb_var(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }
static inline void bb_str(bb *b, const char *s) { bb_var(b, strlen(s)); bb_bytes(b, s, strlen(s)); }
/* Front-coded: shared prefix length, then the rest as a string. */
static inline void bb_front(bb *b, size_t shared, const char *rest) { bb_var(b, shared); bb_str(b, rest); }

/* A page in columns: count, kind, stream lengths, streams. */
static inline size_t join_page(uint8_t *out, uint32_t count, uint32_t kind, const bb *s, int n)
{
    bb page = {.n = 0};
    bb_u32(&page, count);
    bb_u32(&page, kind);
    for (int i = 0; i < n; i++) bb_u32(&page, (uint32_t)s[i].n);
    for (int i = 0; i < n; i++) bb_bytes(&page, s[i].p, s[i].n);
    memcpy(out, page.p, page.n);
    return page.n;
}

static inline wpk2_str S(const char *s) { return (wpk2_str){(const uint8_t *)s, (uint32_t)strlen(s)}; }
static inline int str_is(wpk2_str s, const char *c) { return s.len == strlen(c) && (s.len == 0 || !memcmp(s.p, c, s.len)); }

/* rc is `code` and the message holds `part`. */
#define CHECK_ERR(rc, er, want, part)                                                                   \
    do {                                                                                               \
        int rc_ = (rc);                                                                                \
        CHECK_MSG(rc_ == (want) && (er).code == (want) && strstr((er).msg, (part)) != NULL,            \
                  "rc %d, \"%s\"; wanted %d and \"%s\"", rc_, (er).msg, (int)(want), (part));          \
    } while (0)
#define CHECK_OK(rc, er)                                                                               \
    do {                                                                                               \
        int rc_ = (rc);                                                                                \
        CHECK_MSG(rc_ == WPK2_OK, "rc %d: %s", rc_, (er).msg);                                        \
    } while (0)

#endif
