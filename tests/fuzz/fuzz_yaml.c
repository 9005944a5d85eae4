/* fuzz_yaml.c - pack reads the YAML front matter of every markdown file it
 * is given, through libyaml: fuzz imp_yaml_front_matter_parse() and check what
 * input_yaml.h promises (status, clean `why`, nothing filled in on NONE). */
#include "fuzz_util.h"
#include "import.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    char why[300];
    size_t cap = fuzz_why_cap(size);
    imp_article a;
    int st = imp_yaml_front_matter_parse(buf, size, &a, cap ? why : NULL, cap);
    if (st != -1 && st != IMP_NONE && st != IMP_OK && st != IMP_MALFORMED) abort();
    if (st != -1 && cap && (strnlen(why, cap) == cap || !fuzz_clean_utf8(why))) abort();
    if (st == IMP_NONE && (a.title || a.language || a.url || a.n_categories || a.has_page_id || a.has_updated))
        abort();
    if (st != -1) {
        if (a.title && !a.title[0]) abort();   /* an empty title is malformed, not filled in */
        for (size_t i = 0; i < a.n_categories; i++)
            if (!a.categories[i]) abort();
        imp_article_free(&a);
    }
    free(buf);
    return 0;
}
