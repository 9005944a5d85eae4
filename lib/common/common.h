/* common.h - what every part of the library shares: allocation, errors, sources, caps (not installed). */
#ifndef WPK_COMMON_H
#define WPK_COMMON_H

#include "wikipack.h"

#include <pthread.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_customMem: Debian's libzstd exports it */
#include <zstd.h>
#include <zstd_errors.h>

/* Compare a stored checksum of a page, block or content. Fuzzing builds
 * (the libFuzzer convention; never defined in a real build) accept any
 * value, so that fuzzed bytes reach the checks that stand behind the
 * checksums: those must hold on their own. */
static inline int wpk_checksum_ok(uint64_t computed, uint64_t stored)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    (void)computed, (void)stored;
    return 1;
#else
    return computed == stored;
/* Wikis (wiki.c). A wiki's name is at most WPK_WIKI_MAX bytes: the writer
 * refuses a longer one, and a URL whose host is longer names none. */
#define WPK_WIKI_MAX 255u
/* The wiki an entry comes from when its record does not say: the one its
 * URL's host names (Wikimedia's database names: en.wikipedia.org is
 * "enwiki", de.wiktionary.org "dewiktionary"; another host names itself),
 * else "<language>wiki", a guess; "" when neither gives one. buf holds
 * WPK_WIKI_MAX + 1 bytes; returns the length. */
size_t wpk_wiki_derive(const char *url, size_t url_len, const char *lang, size_t lang_len, char *buf);

#endif
}

/* alloc.c: the library's allocator (see wpk_set_allocator). */
void *wpk_malloc(size_t size);
void *wpk_calloc(size_t n, size_t size);
void *wpk_realloc(void *p, size_t size);
char *wpk_strdup(const char *s);
char *wpk_strndup(const char *s, size_t n);
ZSTD_customMem wpk_zstd_mem(void);
ZSTD_CCtx *wpk_zstd_cctx(void);
ZSTD_DCtx *wpk_zstd_dctx(void);
ZSTD_CDict *wpk_zstd_cdict(const void *dict, size_t size, int level);
ZSTD_CDict *wpk_zstd_cdict_params(const void *dict, size_t size, ZSTD_compressionParameters cp);
ZSTD_DDict *wpk_zstd_ddict(const void *dict, size_t size, int *nomem);

#define WPK_DEFAULT_MAX_PAGE (16u << 20)
#define WPK_DEFAULT_MAX_BLOCK ((uint64_t)2 << 30)
#define WPK_DEFAULT_MAX_DICT (16u << 20)
#define WPK_DEFAULT_MAX_PREFIX (64u << 20)
#define WPK_MAX_PATH 4096u
#define WPK_MAX_ENTRY WPK_DEFAULT_MAX_BLOCK /* largest entry the writer accepts */

/* Structs callers allocate (struct_size.c; "how the structs grow" in
 * wikipack.h). wpk_struct_in copies a caller's input struct (NULL: all
 * defaults) into a full local one; wpk_struct_out_check and wpk_struct_out
 * fill a caller's output struct within its struct_size. */
#define WPK_SIZE_THROUGH(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
int wpk_struct_in(void *full, size_t size, size_t min_size, const void *given, const char *name, wpk_error *err);
int wpk_struct_out_check(const void *given, size_t size, size_t min_size, const char *name, wpk_error *err);
void wpk_struct_out(void *given, const void *full, size_t size);
/* The first published size of each (soname 2): later fields lie beyond. */
#define WPK_MIN_ALLOCATOR WPK_SIZE_THROUGH(wpk_allocator, opaque)
#define WPK_MIN_ENTRY WPK_SIZE_THROUGH(wpk_entry, n_revisions)
#define WPK_MIN_WIKI_INFO WPK_SIZE_THROUGH(wpk_wiki_info, case_sensitive) /* library 2.2 */
#define WPK_MIN_SOURCE WPK_SIZE_THROUGH(wpk_source, last_error)
#define WPK_MIN_OPEN_OPTS WPK_SIZE_THROUGH(wpk_open_opts, cache_pages)
#define WPK_MIN_HTTP_OPTS WPK_SIZE_THROUGH(wpk_http_opts, connect_timeout_ms)
#define WPK_MIN_TRANSFER_STATS WPK_SIZE_THROUGH(wpk_transfer_stats, bytes)
#define WPK_MIN_ARCHIVE_INFO WPK_SIZE_THROUGH(wpk_archive_info, categories)
#define WPK_MIN_VERIFY_STATS WPK_SIZE_THROUGH(wpk_verify_stats, bytes_checked)
#define WPK_MIN_WRITE_OPTS WPK_SIZE_THROUGH(wpk_write_opts, latest_only)
#define WPK_MIN_WRITE_STATS WPK_SIZE_THROUGH(wpk_write_stats, unresolved_aliases)
#define WPK_MIN_CACHE_STATS WPK_SIZE_THROUGH(wpk_cache_stats, page_slots)
#define WPK_MIN_MERGE_STATS WPK_SIZE_THROUGH(wpk_merge_stats, written)

/* tempfile.c: an unlinked scratch file in dir; one in TMPDIR (else /tmp). */
int wpk_tempfile_at(const char *dir, int *fd_out, wpk_error *err);
int wpk_tempfile(int *fd_out, wpk_error *err);
/* All of buf at offset, or WPK_E_IO naming `name`. */
int wpk_write_all(int fd, const void *buf, size_t len, uint64_t offset, const char *name, wpk_error *err);

/* errors (error.c) */
int wpk_fail(wpk_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int wpk_fail_at(wpk_error *err, int code, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* sources (source.c) */
int wpk_source_file(wpk_source *src, const char *path, wpk_error *err);
void wpk_source_file_close(wpk_source *src);
/* read_at over a file descriptor given as (void *)(intptr_t)fd. */
int wpk_fd_read_at(void *opaque, uint64_t offset, void *buf, size_t len);
/* source_http.c: HTTP(S) Range reads. */
int wpk_source_http(wpk_source *src, const char *url, const wpk_http_opts *opts, wpk_error *err);
void wpk_source_http_close(wpk_source *src);
int wpk_source_http_stats(const wpk_source *src, wpk_transfer_stats *out);
typedef struct wpk_mem_src { const uint8_t *data; size_t size; } wpk_mem_src;
void wpk_source_memory(wpk_source *src, wpk_mem_src *m, const void *data, size_t size);

/* Title normalization (title_norm.c): the bytes that collapse, in runs, to
 * one space; the writer's folded titles use the same set (writer_fold.c). */
static inline int wpk_title_space(unsigned char c)
{
    return c == '_' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
/* A title as a case-sensitive wiki names it: those runs as one space, none
 * at either end (the MediaWiki form without its capital). */
int wpk_title_collapse(const char *title, size_t len, char **out);

/* Wikis (wiki.c). A wiki's name is at most WPK_WIKI_MAX bytes: the writer
 * refuses a longer one, and a URL whose host is longer names none. */
#define WPK_WIKI_MAX 255u
/* The wiki an entry comes from when its record does not say: the one its
 * URL's host names (Wikimedia's database names: en.wikipedia.org is
 * "enwiki", de.wiktionary.org "dewiktionary"; another host names itself),
 * else "<language>wiki", a guess; "" when neither gives one. buf holds
 * WPK_WIKI_MAX + 1 bytes; returns the length. */
size_t wpk_wiki_derive(const char *url, size_t url_len, const char *lang, size_t lang_len, char *buf);

#endif
