/* test_abi.c - structs of an older or newer header than the library's: read and written within their struct_size */
#include "check.h"
#include "wikipack.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A wpk_write_opts as a newer header might declare it: one more field. */
typedef struct { wpk_write_opts now; uint64_t later; } newer_write_opts;
/* A wpk_archive_info of a newer header, with room for fields to come. */
typedef struct { wpk_archive_info now; uint64_t later[4]; } newer_info;

static int pack_one(const char *path, const wpk_write_opts *o, wpk_error *err)
{
    wpk_writer *w;
    int rc = wpk_writer_create(&w, path, o, err);
    if (rc) return rc;
    wpk_entry m = WPK_ENTRY_INIT;
    m.path = "a.md";
    m.title = "A";
    rc = wpk_writer_add(w, &m, "alpha", 5, err);
    if (!rc) rc = wpk_writer_finish(w, NULL, err);
    wpk_writer_free(w);
    return rc;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/abi.wpk", dir);
    wpk_error err;

    /* Not initialised: refused, naming the struct. */
    wpk_write_opts zero;
    memset(&zero, 0, sizeof zero);
    CHECK(pack_one(path, &zero, &err) == WPK_E_INVALID && strstr(err.message, "wpk_write_opts.struct_size"));

    /* An older header: only the fields up to level, the rest at defaults. */
    wpk_write_opts old = WPK_WRITE_OPTS_INIT;
    old.struct_size = offsetof(wpk_write_opts, latest_only) + sizeof old.latest_only;
    old.level = 3;
    CHECK_MSG(pack_one(path, &old, &err) == WPK_OK, "%s", err.message);

    /* A newer header: fine while the unknown field is zero... */
    newer_write_opts nw;
    memset(&nw, 0, sizeof nw);
    nw.now.struct_size = sizeof nw;
    nw.now.level = 3;
    CHECK_MSG(pack_one(path, &nw.now, &err) == WPK_OK, "%s", err.message);
    /* ...and refused when it asks for something this library cannot do. */
    nw.later = 1;
    CHECK(pack_one(path, &nw.now, &err) == WPK_E_INVALID && strstr(err.message, "newer wikipack.h"));

    /* An entry without its size is refused too. */
    wpk_writer *w;
    CHECK(wpk_writer_create(&w, path, NULL, &err) == WPK_OK);
    wpk_entry bare;
    memset(&bare, 0, sizeof bare);
    bare.path = "b.md";
    CHECK(wpk_writer_add(w, &bare, "b", 1, &err) == WPK_E_INVALID && strstr(err.message, "wpk_entry.struct_size"));
    wpk_writer_free(w);

    /* Output structs: a newer one gets its unknown tail zeroed. */
    CHECK(pack_one(path, NULL, &err) == WPK_OK);
    wpk_reader *r;
    CHECK_MSG(wpk_reader_open(&r, path, NULL, &err) == WPK_OK, "%s", err.message);
    newer_info ni;
    memset(&ni, 0xAB, sizeof ni);
    ni.now.struct_size = sizeof ni;
    CHECK(wpk_reader_info(r, &ni.now) == WPK_OK);
    CHECK(ni.now.entry_count == 1 && ni.later[0] == 0 && ni.later[3] == 0 && ni.now.struct_size == sizeof ni);
    /* Smaller than the struct ever was: refused, and nothing written. */
    wpk_archive_info older;
    memset(&older, 0xCD, sizeof older);
    older.struct_size = (uint32_t)(offsetof(wpk_archive_info, entry_count) + sizeof(uint64_t));
    CHECK(wpk_reader_info(r, &older) == WPK_E_INVALID && older.entry_count == 0xCDCDCDCDCDCDCDCDull);
    wpk_archive_info bad;
    memset(&bad, 0, sizeof bad);
    CHECK(wpk_reader_info(r, &bad) == WPK_E_INVALID);

    /* Entries the library hands out carry its own size. */
    wpk_entry *e;
    CHECK(wpk_reader_find_by_path(r, "a.md", &e, &err) == WPK_OK && e->struct_size == sizeof(wpk_entry));
    wpk_entry_free(e);
    wpk_reader_close(r);

    /* The run-time version is the header's. */
    CHECK(wpk_version_number() == WPK_VERSION_NUMBER && strcmp(wpk_version_string(), WPK_VERSION_STRING) == 0);
    return check_summary();
}
