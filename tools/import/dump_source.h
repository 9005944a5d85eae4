/* dump_source.h - a file or stream, decompressed: what the record readers read */
/*
 * Wikimedia publishes its dumps as .bz2 (one stream, or the many streams of
 * a "multistream" dump), .gz, .7z (history dumps) and, from other tools,
 * .zst or .xz. A source is opened on a file or on a stream (standard input)
 * and yields the decompressed bytes, whatever the name: the compression is
 * found from the first bytes. bzip2, gzip and zstd are decoded here with
 * their own libraries, concatenated streams included; 7z and xz through
 * libarchive. A .7z must be a file (its index is at its end) holding one
 * file; a second one is an error, never silently left out.
 *
 * Memory: fixed buffers (64 KiB of input, a peek buffer of at most
 * IMP_SOURCE_PEEK_MAX) plus the decompressors' own state.
 */
#ifndef WPK_DUMP_SOURCE_H
#define WPK_DUMP_SOURCE_H

#include <stddef.h>
#include <stdio.h>

#define IMP_SOURCE_PEEK_MAX 65536

typedef struct imp_source imp_source;

/* Opens `path`, or reads `stream` when it is not NULL (`path` then only
 * names it in messages). NULL on failure, with `why` set to
 * "<path>: <problem>". */
imp_source *imp_source_open(const char *path, FILE *stream, char *why, size_t why_cap);
/* Up to cap decompressed bytes: > 0, 0 at the end, -1 on error (the
 * message in the `why` given to imp_source_open, prefixed with the path). */
long imp_source_read(imp_source *s, void *out, size_t cap);
/* The first decompressed bytes, up to want (at most IMP_SOURCE_PEEK_MAX),
 * without consuming them: the next reads return them again. Sets *p and
 * returns how many there are (fewer at the end of the data); -1 on error. */
long imp_source_peek(imp_source *s, const unsigned char **p, size_t want);
/* What the source decompresses: "bzip2", "gzip", "zstd", "7z", "xz" or "plain". */
const char *imp_source_kind(const imp_source *s);
/* A stdio stream reading the decompressed bytes (for line readers); it
 * belongs to the source: close the source, not the stream. NULL on failure. */
FILE *imp_source_stdio(imp_source *s);
void imp_source_close(imp_source *s);
/* 1 if the bytes start like a compression a source decodes (bzip2, gzip,
 * zstd, 7z, xz). */
int imp_source_is_compressed(const void *head, size_t n);

#endif
