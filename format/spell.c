/* spell.c - titles spelled from paths and URLs spelled from titles (TITLE_SPELLED, URL_SPELLED of entry pages).
 *
 * A title is spelled from a path's last component (after its last '/'),
 * without its last '.' and what follows unless that '.' is the component's
 * first byte, with every '_' as a space; never empty. A URL is spelled as
 * the wiki's url_base followed by the title with every space as '_'.
 */
#include "wpk2_internal.h"

size_t wpk2_spell_title(const uint8_t *path, size_t len, uint8_t *out)
{
    size_t start = len, end = len;
    while (start > 0 && path[start - 1] != '/') start--;
    for (size_t i = len; i > start + 1; i--)
        if (path[i - 1] == '.') {
            end = i - 1;
            break;
        }
    for (size_t i = start; i < end; i++) out[i - start] = path[i] == '_' ? ' ' : path[i];
    return end - start;
}

int wpk2_title_spellable(wpk2_str path, wpk2_str title)
{
    if (title.len == 0 || title.len > path.len) return 0;
    size_t start = path.len, end = path.len;
    while (start > 0 && path.p[start - 1] != '/') start--;
    for (size_t i = path.len; i > start + 1; i--)
        if (path.p[i - 1] == '.') {
            end = i - 1;
            break;
        }
    if (end - start != title.len) return 0;
    for (size_t i = 0; i < title.len; i++)
        if (title.p[i] != (path.p[start + i] == '_' ? ' ' : path.p[start + i])) return 0;
    return 1;
}

int wpk2_url_spellable(wpk2_str url_base, wpk2_str title, wpk2_str url)
{
    if (url_base.len == 0 || title.len == 0 || url.len != (uint64_t)url_base.len + title.len) return 0;
    if (memcmp(url.p, url_base.p, url_base.len)) return 0;
    for (size_t i = 0; i < title.len; i++)
        if (url.p[url_base.len + i] != (title.p[i] == ' ' ? '_' : title.p[i])) return 0;
    return 1;
}
