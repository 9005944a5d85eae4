/* witness2_api.h - the witness manifest's lookups and entry records answered through the library's public API, for test_witness2 and test_auth_read. */
#ifndef WITNESS2_API_H
#define WITNESS2_API_H

#include "wikipack.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Outcome classes, named as in the manifest ("other": I/O, not found
 * where a failure was due, ...). */
enum { W2_OK = 0, W2_FORMAT, W2_CORRUPT, W2_LIMIT, W2_UNTRUSTED, W2_NOMEM, W2_OTHER };
const char *w2_class_name(int cls);
int w2_class_of(const char *name);
int w2_class_of_code(int wpk_code);

/* A whole file in memory (malloc'd; NULL when unreadable). */
uint8_t *w2_load(const char *dir, const char *rel, size_t *n);

/* How a test opens an archive: the three openers in turn. */
enum { W2_OPEN_FILE, W2_OPEN_MEMORY, W2_OPEN_SOURCE };
/* Opens d (n bytes, from path) with the key (NULL: none); returns a class,
 * err set. */
int w2_open(wpk_reader **r, int how, const char *path, const uint8_t *d, size_t n, const uint8_t *key, wpk_error *err);

/* A lookup of the manifest ({"op": ...}) answered in its result form,
 * reading the content of every entry it finds (as `get` would); NULL with
 * *cls and err set when reading failed. */
json_t *w2_lookup(wpk_reader *r, const json_t *lk, int *cls, wpk_error *err);
/* Entry n as the manifest describes it, without the fields the public
 * API does not show (redirect, title_spelled, url_spelled). */
json_t *w2_entry_record(wpk_reader *r, uint64_t n, int *cls, wpk_error *err);
/* A manifest entry record without those fields (a new reference). */
json_t *w2_comparable(const json_t *record);
/* The archive's wikis as the manifest lists them. */
json_t *w2_wikis(wpk_reader *r);

#endif
