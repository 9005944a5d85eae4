/* fuzz_wikitext.c - pack reads the categories of every MediaWiki page from
 * its wikitext with wikipack's own scanner (wikitext_categories.c, no
 * library does it): fuzz it and check what its header promises: each name
 * once, "Prefix:Name" with a non-empty name of at most 255 bytes, valid
 * UTF-8, no '|' or "]]", at most IMP_CATEGORIES_MAX of them. The first byte
 * picks the wiki's case rule and namespace name. */
#include "fuzz_util.h"
#include "wikitext_categories.h"

#include <stdint.h>
#include <string.h>

typedef struct seen {
    char names[64][IMP_CATEGORY_NAME_MAX + 32];
    size_t n, total;
    const char *prefix;
} seen;

static int check(void *ctx, const char *name, size_t len)
{
    seen *s = ctx;
    size_t plen = strlen(s->prefix);
    if (strlen(name) != len || len <= plen + 1 || len - plen - 1 > IMP_CATEGORY_NAME_MAX) abort();
    if (memcmp(name, s->prefix, plen) != 0 || name[plen] != ':') abort();
    if (memchr(name, '|', len) || strstr(name, "]]") || name[plen + 1] == ' ' || name[len - 1] == ' ') abort();
    if (!fuzz_clean_utf8(name)) abort();
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->names[i], name)) abort(); /* reported twice */
    if (s->n < 64) memcpy(s->names[s->n++], name, len + 1);
    s->total++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const local[] = {NULL, "Kategorie", "Catégorie", "Категория"};
    const char *ns = local[data[0] & 3];
    int first_letter = (data[0] >> 2) & 1;
    seen s = {.prefix = ns ? ns : "Category"};
    size_t dropped = 0;
    char *text = fuzz_copy(data + 1, size - 1);
    int rc = imp_wikitext_categories(text, size - 1, ns, first_letter, check, &s, &dropped);
    if (rc != 0 && rc != -1) abort();
    if (s.total > IMP_CATEGORIES_MAX) abort();
    free(text);
    return 0;
}
