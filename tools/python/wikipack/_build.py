"""_build.py - the cffi builder of wikipack._wikipack: the C library's calls
the package uses, compiled against wikipack.h (API mode, so every struct's
layout comes from the header itself, never from a copy of it here).

Where the library is:
  WIKIPACK_INCLUDE_DIR / WIKIPACK_LIB_DIR  a build tree (the tests use the
                                           repository's include/ and build/lib/)
  otherwise pkg-config wikipack            an installed library
The extension is linked with an rpath to that directory, so that importing
it needs no LD_LIBRARY_PATH.
"""
import os
import shlex
import subprocess

from cffi import FFI

CDEF = r"""
typedef struct wpk_reader wpk_reader;
typedef struct wpk_writer wpk_writer;
typedef struct wpk_error { int code; uint64_t offset; int has_offset; char message[512]; } wpk_error;

typedef struct wpk_open_opts { uint32_t struct_size; ...; } wpk_open_opts;
typedef struct wpk_http_opts { uint32_t struct_size; long timeout_ms; ...; } wpk_http_opts;

typedef struct wpk_entry {
    uint32_t struct_size;
    const char *path, *title, *language, *url, *mime;
    uint64_t page_id; int has_page_id;
    int64_t updated_us; int has_updated;
    uint64_t size;
    uint64_t content_hash;
    uint64_t block_offset;
    uint64_t entry_number;
    const char *const *categories; size_t n_categories;
    int64_t ns; int has_ns;
    int is_revision; uint64_t current_entry;
    const uint64_t *revisions; size_t n_revisions;
    const char *wiki;
    const char *redirect;
    uint64_t revision_id; int has_revision_id;
    const char *contributor, *comment;
    ...;
} wpk_entry;

typedef struct wpk_archive_info {
    uint32_t struct_size;
    uint16_t version_major, version_minor;
    uint64_t file_size, entry_count, block_count, content_bytes, unique_bytes, data_bytes, index_bytes, dict_size;
    uint64_t ids_indexed, titles_indexed;
    int has_summary;
    uint64_t articles, revisions, aliases, categories, wiki_count, redirects, redirects_out;
    ...;
} wpk_archive_info;

typedef struct wpk_search_opts { uint32_t struct_size; uint32_t limit, offset; int snippets; const char *language; ...; } wpk_search_opts;
typedef struct wpk_search_mark { uint32_t at, len; } wpk_search_mark;
typedef struct wpk_search_hit { uint64_t entry; double score; char *snippet; wpk_search_mark *marks; uint32_t mark_count; } wpk_search_hit;
typedef struct wpk_search_results { uint64_t matches; uint32_t count; wpk_search_hit *hits; } wpk_search_results;

typedef struct wpk_verify_stats { uint32_t struct_size; uint64_t problems, pages_checked, blocks_checked, entries_checked, bytes_checked; ...; } wpk_verify_stats;
typedef enum { WPK_VERIFY_QUICK, WPK_VERIFY_FULL, ... } wpk_verify_level;

typedef struct wpk_write_opts { uint32_t struct_size; int level; uint32_t block_size; int threads; int dictionary; uint32_t page_size; int latest_only; int search; ...; } wpk_write_opts;
typedef struct wpk_write_stats { uint32_t struct_size; uint64_t entries, file_size, articles, search_documents; ...; } wpk_write_stats;

#define WPK_E_INVALID ...
#define WPK_E_IO ...
#define WPK_E_NOMEM ...
#define WPK_E_FORMAT ...
#define WPK_E_CORRUPT ...
#define WPK_E_NOTFOUND ...
#define WPK_E_EXISTS ...
#define WPK_E_LIMIT ...
#define WPK_E_UNTRUSTED ...

const char *wpk_version_string(void);
void wpk_free(void *p);

int wpk_reader_open(wpk_reader **out, const char *path, const wpk_open_opts *opts, wpk_error *err);
int wpk_reader_open_url(wpk_reader **out, const char *url, const wpk_open_opts *opts, const wpk_http_opts *http, wpk_error *err);
void wpk_reader_close(wpk_reader *r);
int wpk_reader_info(const wpk_reader *r, wpk_archive_info *out);
int wpk_reader_find_by_id(wpk_reader *r, uint64_t page_id, wpk_entry **out, wpk_error *err);
int wpk_reader_find_by_wiki_id(wpk_reader *r, const char *wiki, uint64_t page_id, wpk_entry **out, wpk_error *err);
int wpk_reader_find_by_title(wpk_reader *r, const char *title, wpk_entry **out, wpk_error *err);
int wpk_reader_find_by_path(wpk_reader *r, const char *path, wpk_entry **out, wpk_error *err);
int wpk_reader_entry_at(wpk_reader *r, uint64_t n, wpk_entry **out, wpk_error *err);
int wpk_reader_follow(wpk_reader *r, const wpk_entry *e, wpk_entry **out, wpk_error *err);
void wpk_entry_free(wpk_entry *e);
int wpk_reader_read_alloc(wpk_reader *r, const wpk_entry *e, void **out, int check_content, wpk_error *err);
int wpk_title_from_url(const char *url, char **out);
int wpk_wiki_from_url(const char *url, char **out);

typedef int (*wpk_title_cb)(void *ctx, const char *title, int is_alias, uint64_t entry_number);
typedef int (*wpk_entry_cb)(void *ctx, const wpk_entry *e);
typedef void (*wpk_problem_cb)(void *ctx, const wpk_error *problem);
typedef enum { WPK_MATCH_EXACT, WPK_MATCH_MEDIAWIKI, WPK_MATCH_FOLDED, ... } wpk_match_level;
int wpk_reader_match_title(wpk_reader *r, const char *query, wpk_title_cb cb, void *ctx, wpk_match_level *level, wpk_error *err);
int wpk_reader_match_title_wiki(wpk_reader *r, const char *wiki, const char *query, wpk_title_cb cb, void *ctx, wpk_match_level *level, wpk_error *err);
int wpk_reader_find_prefix(wpk_reader *r, const char *prefix, size_t limit, wpk_title_cb cb, void *ctx, wpk_error *err);
int wpk_reader_category(wpk_reader *r, const char *category, wpk_title_cb cb, void *ctx, wpk_error *err);
int wpk_reader_foreach(wpk_reader *r, wpk_entry_cb cb, void *ctx, wpk_error *err);
int wpk_reader_verify(wpk_reader *r, wpk_verify_level level, wpk_problem_cb report, void *ctx, wpk_verify_stats *stats, wpk_error *err);

int wpk_reader_has_search(const wpk_reader *r);
int wpk_reader_search(wpk_reader *r, const char *query, const wpk_search_opts *opts, wpk_search_results **out, wpk_error *err);
void wpk_search_results_free(wpk_search_results *res);

int wpk_writer_create(wpk_writer **out, const char *path, const wpk_write_opts *opts, wpk_error *err);
int wpk_writer_add(wpk_writer *w, const wpk_entry *meta, const void *data, size_t size, wpk_error *err);
int wpk_writer_add_alias(wpk_writer *w, const char *alias, const char *target, wpk_error *err);
int wpk_writer_finish(wpk_writer *w, wpk_write_stats *stats, wpk_error *err);
void wpk_writer_free(wpk_writer *w);

extern "Python" int _title_cb(void *ctx, const char *title, int is_alias, uint64_t entry_number);
extern "Python" int _entry_cb(void *ctx, const wpk_entry *e);
extern "Python" void _problem_cb(void *ctx, const wpk_error *problem);
"""


def _pkg_config(*args):
    out = subprocess.run(["pkg-config", *args, "wikipack"], check=True, capture_output=True, text=True).stdout
    return shlex.split(out)


def _where():
    inc, lib = os.environ.get("WIKIPACK_INCLUDE_DIR"), os.environ.get("WIKIPACK_LIB_DIR")
    if inc and lib:
        return [inc], [lib]
    try:
        incs = [a[2:] for a in _pkg_config("--cflags-only-I") if a.startswith("-I")]
        libs = [a[2:] for a in _pkg_config("--libs-only-L") if a.startswith("-L")]
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit("wikipack: the C library was not found: install it (cmake --install) so that "
                         "pkg-config finds it, or set WIKIPACK_INCLUDE_DIR and WIKIPACK_LIB_DIR "
                         f"to a build tree ({e})")
    return incs, libs


ffibuilder = FFI()
ffibuilder.cdef(CDEF)
_inc, _lib = _where()
ffibuilder.set_source(
    "wikipack._wikipack",
    '#include "wikipack.h"',
    include_dirs=_inc,
    library_dirs=_lib,
    libraries=["wikipack"],
    extra_link_args=[f"-Wl,-rpath,{d}" for d in _lib],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
