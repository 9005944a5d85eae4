/* wiki.c - the wiki an entry comes from, when its record does not name it: from its URL's host, else its language. */
#include "common.h"

#include <string.h>

/* Wikimedia's projects by domain, and what their database names end
 * with: en.wikipedia.org is enwiki, de.wiktionary.org dewiktionary. */
static const struct { const char *domain, *db; } projects[] = {
    {"wikipedia.org", "wiki"},          {"wiktionary.org", "wiktionary"}, {"wikibooks.org", "wikibooks"},
    {"wikinews.org", "wikinews"},       {"wikiquote.org", "wikiquote"},   {"wikisource.org", "wikisource"},
    {"wikiversity.org", "wikiversity"}, {"wikivoyage.org", "wikivoyage"},
};
/* Wikis of one host without a language. */
static const struct { const char *host, *db; } singles[] = {
    {"wikidata.org", "wikidatawiki"},   {"mediawiki.org", "mediawikiwiki"},   {"wikisource.org", "sourceswiki"},
    {"wikifunctions.org", "wikifunctionswiki"}, {"commons.wikimedia.org", "commonswiki"},
    {"meta.wikimedia.org", "metawiki"}, {"species.wikimedia.org", "specieswiki"},
    {"incubator.wikimedia.org", "incubatorwiki"},
};
/* Domains whose mobile sites put an "m." label before them. */
static const char *const mobile_domains[] = {"wikimedia.org", "wikidata.org", "mediawiki.org", "wikifunctions.org"};

/* A language code as a database name prefix: lower case, '-' as '_'; 0
 * when it is not made of letters, digits, '-' and '_' only. */
static size_t db_lang(const char *s, size_t n, char *buf, size_t cap)
{
    /* The one code whose database name is not its host's. */
    if (n == 9 && !memcmp(s, "be-tarask", 9)) s = "be_x_old", n = 8;
    if (n == 0 || n >= cap) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        else if (c == '-') c = '_';
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return 0;
        buf[i] = c;
    }
    return n;
}

/* The host of a URL ("scheme://[user@]host[:port]/..." or "//host/..."),
 * lower case, into buf; 0 when there is none or it is too long. */
static size_t url_host(const char *url, size_t n, char *buf, size_t cap)
{
    const char *p = NULL;
    for (size_t i = 0; i + 2 < n && !p; i++) {
        if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') p = url + i + 3;
        else if (!((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') || url[i] == '+' ||
                   url[i] == '-' || url[i] == '.' || (i > 0 && url[i] >= '0' && url[i] <= '9')))
            break; /* not a scheme */
    }
    if (!p && n >= 2 && url[0] == '/' && url[1] == '/') p = url + 2;
    if (!p) return 0;
    const char *end = p;
    while (end < url + n && *end != '/' && *end != '?' && *end != '#') end++;
    for (const char *at = end; at > p; at--)
        if (at[-1] == '@') {
            p = at;
            break;
        }
    const char *colon = p < end && *p != '[' ? memchr(p, ':', (size_t)(end - p)) : NULL;
    if (colon) end = colon;
    while (end > p && end[-1] == '.') end--;
    size_t len = (size_t)(end - p);
    if (len == 0 || len >= cap) return 0;
    for (size_t i = 0; i < len; i++) buf[i] = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') : p[i];
    buf[len] = 0;
    return len;
}

static int is_mobile_domain(const char *d, size_t n)
{
    for (size_t i = 0; i < sizeof projects / sizeof *projects; i++)
        if (strlen(projects[i].domain) == n && !memcmp(d, projects[i].domain, n)) return 1;
    for (size_t i = 0; i < sizeof mobile_domains / sizeof *mobile_domains; i++)
        if (strlen(mobile_domains[i]) == n && !memcmp(d, mobile_domains[i], n)) return 1;
    return 0;
}

/* The wiki a host (lower case, n <= WPK_WIKI_MAX) stands for, into buf
 * (WPK_WIKI_MAX + 1 bytes). */
static size_t host_wiki(const char *host, size_t n, char *buf)
{
    /* The site itself: without "www." or "m." before it, nor "m." before
     * its domain (en.m.wikipedia.org, meta.m.wikimedia.org). */
    char h[WPK_WIKI_MAX + 1];
    const char *from = host;
    size_t hn = n;
    if (hn > 4 && !memcmp(from, "www.", 4)) from += 4, hn -= 4;
    else if (hn > 2 && !memcmp(from, "m.", 2)) from += 2, hn -= 2;
    memcpy(h, from, hn);
    h[hn] = 0;
    const char *m = strstr(h, ".m.");
    if (m && is_mobile_domain(m + 3, hn - (size_t)(m + 3 - h))) {
        memmove(h + (m - h), m + 2, hn - (size_t)(m + 2 - h) + 1);
        hn -= 2;
    }
    for (size_t i = 0; i < sizeof singles / sizeof *singles; i++)
        if (strlen(singles[i].host) == hn && !memcmp(h, singles[i].host, hn)) {
            strcpy(buf, singles[i].db);
            return strlen(buf);
        }
    for (size_t i = 0; i < sizeof projects / sizeof *projects; i++) {
        size_t dn = strlen(projects[i].domain);
        if (hn <= dn + 1 || h[hn - dn - 1] != '.' || memcmp(h + hn - dn, projects[i].domain, dn)) continue;
        size_t lang = hn - dn - 1; /* the label before the domain */
        if (memchr(h, '.', lang) || (lang == 3 && !memcmp(h, "www", 3))) break;
        size_t k = db_lang(h, lang, buf, WPK_WIKI_MAX + 1 - strlen(projects[i].db));
        if (!k) break;
        strcpy(buf + k, projects[i].db);
        return k + strlen(projects[i].db);
    }
    memcpy(buf, host, n + 1); /* any other site: its host names it */
    return n;
}

size_t wpk_wiki_derive(const char *url, size_t url_len, const char *lang, size_t lang_len, char *buf)
{
    char host[WPK_WIKI_MAX + 1];
    size_t n = url ? url_host(url, url_len, host, sizeof host) : 0;
    if (n) return host_wiki(host, n, buf);
    n = lang ? db_lang(lang, lang_len, buf, WPK_WIKI_MAX + 1 - 4) : 0;
    if (n) memcpy(buf + n, "wiki", 5); /* a guess: most collections are Wikipedia's */
    else buf[0] = 0;
    return n ? n + 4 : 0;
}

int wpk_wiki_from_url(const char *url, char **out)
{
    if (!out) return WPK_E_INVALID;
    *out = NULL;
    if (!url) return WPK_E_INVALID;
    char host[WPK_WIKI_MAX + 1], wiki[WPK_WIKI_MAX + 1];
    size_t n = url_host(url, strlen(url), host, sizeof host);
    if (!n) return WPK_E_NOTFOUND;
    host_wiki(host, n, wiki);
    *out = wpk_strdup(wiki);
    return *out ? WPK_OK : WPK_E_NOMEM;
}
