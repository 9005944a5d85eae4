/* write2_model.h - a collection as given to the writer, packed, and its archive walked with the format 2.0 witness reader (tests/format/wit2_*) and compared with what was given. */
#ifndef WRITE2_MODEL_H
#define WRITE2_MODEL_H

#include "wikipack.h"

#include <stddef.h>
#include <stdint.h>

typedef struct m_entry {
    char *path, *title, *wiki, *url, *language, *mime; /* malloc'd, NULL when absent */
    uint64_t page_id;
    int has_page_id;
    int64_t updated_us;
    int has_updated;
    char **categories;
    size_t n_categories;
    int64_t ns;
    int has_ns;
    uint8_t *data;
    size_t size;
} m_entry;

typedef struct model {
    m_entry *e;
    size_t n, cap;
    char **alias, **target;     /* aliases given; `resolves`: its target is a title of the collection */
    int *resolves;
    size_t na, alias_cap;
} model;

/* Adds a copy of what is given (strings and data copied). */
m_entry *model_add(model *m, const char *path, const char *title, const void *data, size_t size);
void model_set(char **field, const char *value);
void model_category(m_entry *e, const char *name);
void model_alias(model *m, const char *alias, const char *target, int resolves);
void model_free(model *m);

/* Packs the model at `path` with the options; 0 or the writer's code (err set). */
int model_pack(const model *m, const char *path, const wpk_write_opts *opts, wpk_write_stats *stats, wpk_error *err);
/* The file's bytes (malloc'd). */
uint8_t *model_load(const char *path, size_t *n);
/* Walks the archive (bytes d, n) with the witness reader: open (with the
 * key, when given), verify, then every entry given found by path, title
 * and (wiki, page ID) with its fields and content, every alias that
 * resolves found. Returns the number of problems, each printed with
 * `name`. */
int model_walk(const model *m, const uint8_t *d, size_t n, const uint8_t *pubkey, const char *name);

#endif
