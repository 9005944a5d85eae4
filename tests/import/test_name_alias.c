/* test_name_alias.c - tests of tools/import/name_alias.c: which file names give an alias */
/*
 * Built with the importers' library (wikipack_import) and run by ctest
 * (-R name_alias). The command's side (find and the folded-title index of
 * a packed folder) is in tests/cli/test_cli.sh.
 */
#include "import.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* The alias imp_name_alias gives `path` for title/page ID ("" = none). */
static char got[512];
static const char *alias_of(const char *path, const char *title, int has_id, uint64_t id)
{
    imp_article a;
    memset(&a, 0, sizeof a);
    a.title = (char *)title;
    a.page_id = id;
    a.has_page_id = has_id;
    char *alias = NULL;
    if (imp_name_alias(path, &a, &alias)) abort();
    snprintf(got, sizeof got, "%s", alias ? alias : "");
    free(alias);
    return got;
}

#define ALIAS(want, path, title, has_id, id)                                                   \
    CHECK_MSG(strcmp(alias_of(path, title, has_id, id), want) == 0, "%s for \"%s\": got \"%s\"", \
              path, title, got)

static void test_adds_nothing(void)
{
    ALIAS("", "ansi_161818635.md", "ansi", 1, 161818635);       /* title + page ID */
    ALIAS("", "dir/sub/ansi_161818635.md", "ansi", 1, 161818635); /* the base name only */
    ALIAS("", "ansi-161818635.md", "ansi", 1, 161818635);
    ALIAS("", "ansi 161818635.md", "ansi", 1, 161818635);
    ALIAS("", "ansi__0161818635.md", "ansi", 1, 161818635);     /* leading zeros, a separator run */
    ALIAS("", "Foo_20241215041851.md", "Foo", 0, 0);            /* times, with or without a page ID */
    ALIAS("", "Foo_20241215.md", "Foo", 1, 3);
    ALIAS("", "Foo_4242.md", "Foo", 1, 4242);
    ALIAS("", "ansi_161818635.md", "ansi", 1, 5);              /* 9 digits: time-like, whatever the ID */
    ALIAS("", "Foo_1734236331.md", "Foo", 0, 0);
    ALIAS("", "Foo_20241215_041851.md", "Foo", 0, 0);
    ALIAS("", "Foo-2024-12-15T04:18:51.md", "Foo", 0, 0);
    ALIAS("", "Foo_2024-12-15_04-18-51.md", "Foo", 0, 0);
    ALIAS("", "Foo_2024-12-15T04:18:51.870339Z.md", "Foo", 0, 0);
    ALIAS("", "Foo_2024-12-15.md", "Foo", 0, 0);
    ALIAS("", "Guido_van_Rossum.md", "Guido van Rossum", 1, 1);  /* the title itself */
    ALIAS("", "ZÜRICH_101.md", "Zürich", 1, 101);               /* folds to the title */
    ALIAS("", "Z\xc3\xbcrich.md", "Zu\xcc\x88rich", 0, 0);      /* NFC and NFD */
    ALIAS("", "Foo-Bar_7.md", "Foo-Bar", 1, 7);                 /* a title with a separator */
    ALIAS("", "Apollo_11.md", "Apollo 11", 1, 11);              /* the title, not "Apollo" + ID */
    ALIAS("", "Apollo_11_11.md", "Apollo 11", 1, 11);
    ALIAS("", "Apollo_11.md", "Apollo", 1, 11);                 /* "Apollo" + its ID */
    ALIAS("", "x.md", "", 0, 0);                                /* no title */
}

static void test_other_names(void)
{
    ALIAS("Guido", "Guido.md", "Guido van Rossum", 1, 1);
    ALIAS("Apollo 11", "Apollo_11.md", "Apollo 1", 1, 1);       /* "Apollo 1" + "1" is no split */
    ALIAS("Apollo 11", "Apollo_11.md", "Apollo", 1, 13);        /* 11 is not its ID */
    ALIAS("Apollo 11", "Apollo_11.md", "Apollo", 0, 0);
    ALIAS("Saturn 5", "Saturn_5.md", "Saturn", 1, 7);
    ALIAS("Foo 4242", "Foo_4242.md", "Foo", 1, 4243);           /* another ID */
    ALIAS("Foo 4242", "Foo_4242.md", "Foo", 0, 0);
    ALIAS("Foo 1234567", "Foo_1234567.md", "Foo", 0, 0);        /* 7 digits: neither */
    ALIAS("Foo 123456789012345", "Foo_123456789012345.md", "Foo", 0, 0); /* 15 */
    ALIAS("Foo 2024-13", "Foo_2024-13.md", "Foo", 0, 0);
    ALIAS("Foo 2024-12-15T04", "Foo_2024-12-15T04.md", "Foo", 0, 0);
    ALIAS("Foobar", "Foobar_161818635.md", "Foo", 1, 161818635); /* not "Foo" + "bar 161818635" */
    ALIAS("Twisted software", "Twisted_software.md", "Twisted (software)", 1, 1793652);
    ALIAS("Bar", "Bar_20241215041851.md", "Foo", 0, 0);         /* another name + a time */
    ALIAS("BlueBream", "BlueBream_34472.md", "Zope", 1, 34472);  /* another name + the page ID */
    ALIAS("Anaconda Python distribution", "Anaconda_Python_distribution_43003632.md",
          "Anaconda (Python distribution)", 1, 43003632);
    ALIAS("Apollo 11", "Apollo_11.md", "Apollo 11 (mission)", 1, 11); /* the title holds the 11 */
    ALIAS("Route 66", "Route_66.md", "U.S. Route 66", 1, 66);
    ALIAS("Census 20241215", "Census_20241215.md", "Census of 20241215", 0, 0);
    ALIAS("Foo 2024", "Foo_2024_12345.md", "Foo", 1, 12345);    /* only the suffix is cut */
}

static void test_time_like(void)
{
    CHECK(imp_time_like("20241215"));
    CHECK(imp_time_like("20241215041851"));
    CHECK(imp_time_like("20241215_0418"));
    CHECK(imp_time_like("20241215T041851"));
    CHECK(imp_time_like("2024-12-15 04:18"));
    CHECK(!imp_time_like(""));
    CHECK(!imp_time_like("1234567"));
    CHECK(!imp_time_like("20241215_04185"));
    CHECK(!imp_time_like("2024-12-15T04:18:5"));
    CHECK(!imp_time_like("2024-12-15T04:18:51+01:00"));
    CHECK(!imp_time_like("2024-1-15"));
}

int main(void)
{
    test_adds_nothing();
    test_other_names();
    test_time_like();
    return check_summary();
}
