/* cli_lookup.c - the entry an --id, --title, --url or --path selector names */
#include "cli_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct match_list { uint64_t entry[16]; char title[16][256]; int alias[16]; size_t n; } match_list;

static int keep_match(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    match_list *m = ctx;
    if (m->n < 16) {
        m->entry[m->n] = entry;
        snprintf(m->title[m->n], sizeof m->title[0], "%s", title);
        m->alias[m->n] = is_alias;
    }
    m->n++;
    return 0;
}

/* A title as typed: exact, then MediaWiki-normalized, then folded. Several
 * loose matches are reported and refused. */
/* A redirect page has two items under its title: the title, naming the
 * page, and an alias naming its target. When following redirects they are
 * one answer: the alias is dropped when a title of the same spelling is a
 * redirect page leading to the alias's entry. */
static int drop_redirect_aliases(wpk_reader *r, match_list *m, wpk_error *err)
{
    for (size_t i = 0; i < m->n && i < 16; i++) {
        if (m->alias[i] != 1) continue;
        for (size_t j = 0; j < m->n && j < 16; j++) {
            if (m->alias[j] != 0 || strcmp(m->title[j], m->title[i]) != 0) continue;
            int same, rc = wpk_reader_leads_to(r, m->entry[j], m->entry[i], &same, err);
            if (rc) return rc;
            if (!same) continue;
            memmove(&m->entry[i], &m->entry[i + 1], (m->n - i - 1) * sizeof m->entry[0]);
            memmove(m->title[i], m->title[i + 1], (m->n - i - 1) * sizeof m->title[0]);
            memmove(&m->alias[i], &m->alias[i + 1], (m->n - i - 1) * sizeof m->alias[0]);
            m->n--;
            i--;
            break;
        }
    }
    return WPK_OK;
}

static int lookup_title(wpk_reader *r, const char *title, int follow, wpk_entry **out, wpk_error *err)
{
    match_list m;
    m.n = 0;
    wpk_match_level level;
    int rc = wpk_reader_match_title(r, title, keep_match, &m, &level, err);
    if (rc) return rc;
    if (follow && m.n > 1 && m.n <= 16 && (rc = drop_redirect_aliases(r, &m, err)) != 0) return rc;
    if (m.n > 1) {
        /* One exact title in several wikis, or several spellings. */
        if (level == WPK_MATCH_EXACT) cli_error("\"%s\" is the title of %zu articles:", title, m.n);
        else cli_error("\"%s\" matches %zu articles when case and spacing are ignored:", title, m.n);
        for (size_t i = 0; i < m.n && i < 16; i++) {
            wpk_entry *e;
            if (wpk_reader_entry_at(r, m.entry[i], &e, err) == 0) {
                cli_print(stderr, "  %s%s  (%s%s%s)\n", m.title[i],
                        m.alias[i] == 1 ? " [alias]" : m.alias[i] ? " [former title]" : "", e->path,
                        e->wiki ? ", " : "", e->wiki ? e->wiki : "");
                wpk_entry_free(e);
            }
        }
        snprintf(err->message, sizeof err->message, "\"%s\" is ambiguous: give the exact title, --id or --path", title);
        err->code = WPK_E_NOTFOUND;
        err->has_offset = 0;
        return WPK_E_NOTFOUND;
    }
    if (level != WPK_MATCH_EXACT || m.alias[0])
        cli_print(stderr, "%s: \"%s\" found as %s\"%s\"%s\n", cli_prog, title,
                m.alias[0] == 1 ? "alias " : m.alias[0] ? "former title " : "", m.title[0],
                level == WPK_MATCH_MEDIAWIKI ? " (MediaWiki spelling)" : level == WPK_MATCH_FOLDED ? " (ignoring case)" : "");
    return wpk_reader_entry_at(r, m.entry[0], out, err);
}

/* The articles with one page ID, one per wiki (at most 64 kept). */
typedef struct id_list { uint64_t entry[64]; size_t n; } id_list;

static int keep_id(void *ctx, const char *wiki, uint64_t entry)
{
    (void)wiki; /* the article's entry says it again */
    id_list *l = ctx;
    if (l->n < 64) l->entry[l->n++] = entry;
    return 0;
}

static int in_scope(const cli_selector *s, const wpk_entry *e)
{
    return (!s->wiki || (e->wiki && !strcasecmp(e->wiki, s->wiki))) &&
           (!s->lang || (e->language && !strcasecmp(e->language, s->lang)));
}

static void list_choices(wpk_entry **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cli_print(stderr, "  %s  %s  (%s)\n", v[i]->wiki ? v[i]->wiki : "-", v[i]->title ? v[i]->title : "-",
                v[i]->path);
}

/* A page ID: the one article with it among those --wiki and --lang leave.
 * With --wiki, that wiki's ID page alone is read first; every wiki's only
 * when it has no such article (to name where the ID is) or the name needs
 * case folding. */
static int lookup_id(wpk_reader *r, const cli_selector *s, uint64_t id, wpk_entry **out, wpk_error *err)
{
    int rc;
    if (s->wiki) {
        rc = wpk_reader_find_by_wiki_id(r, s->wiki, id, out, err);
        if (!rc && in_scope(s, *out)) return WPK_OK;
        if (!rc) {
            wpk_entry_free(*out);
            *out = NULL;
        } else if (rc != WPK_E_NOTFOUND) {
            return rc;
        }
    }
    id_list l;
    l.n = 0;
    rc = wpk_reader_match_id(r, id, keep_id, &l, err);
    if (rc) return rc;
    wpk_entry *all[64], *kept = NULL;
    size_t n = 0, in = 0;
    for (; n < l.n && !rc; n++) rc = wpk_reader_entry_at(r, l.entry[n], &all[n], err);
    if (rc) n--;
    for (size_t i = 0; i < n && !rc; i++)
        if (in_scope(s, all[i])) {
            in++;
            kept = all[i];
        }
    if (!rc && in == 1) {
        *out = kept;
    } else if (!rc && in == 0) {
        cli_error("page ID %llu is not in %s%s%s%s; it is in:", (unsigned long long)id, s->wiki ? "wiki " : "",
                  s->wiki ? s->wiki : "", s->wiki && s->lang ? " in language " : s->lang ? "language " : "",
                  s->lang ? s->lang : "");
        list_choices(all, n);
        rc = cli_set_error(err, WPK_E_NOTFOUND, "no such article: choose one above with --wiki or --lang");
    } else if (!rc) {
        wpk_entry *v[64];
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (in_scope(s, all[i])) v[k++] = all[i];
        cli_error("page ID %llu names %zu articles, of different wikis:", (unsigned long long)id, in);
        list_choices(v, k);
        rc = cli_set_error(err, WPK_E_NOTFOUND, "page IDs are numbered by each wiki: choose one with --wiki or --lang");
    }
    for (size_t i = 0; i < n; i++)
        if (all[i] != *out) wpk_entry_free(all[i]);
    return rc;
}

/* A redirect page found by its title or page ID leads to its target, as
 * on the wiki; when the archive lacks the target, the page itself is read
 * ("#REDIRECT [[Target]]"). A path names the page itself. */
static int follow(wpk_reader *r, int rc, wpk_entry **out, wpk_error *err)
{
    if (rc || !(*out)->redirect) return rc;
    wpk_entry *target = NULL;
    int frc = wpk_reader_follow(r, *out, &target, err);
    const char *from = (*out)->title ? (*out)->title : (*out)->path;
    if (frc == WPK_E_NOTFOUND) {
        cli_print(stderr, "%s: \"%s\" redirects to \"%s\", which is not in the archive: the redirect page follows\n",
                cli_prog, from, (*out)->redirect);
        return WPK_OK;
    }
    if (frc) return frc;
    cli_print(stderr, "%s: \"%s\" redirects to \"%s\"\n", cli_prog, from, target->title ? target->title : target->path);
    wpk_entry_free(*out);
    *out = target;
    return WPK_OK;
}

static int lookup(wpk_reader *r, const cli_selector *s, wpk_entry **out, wpk_error *err);

int cli_lookup(wpk_reader *r, const cli_selector *s, wpk_entry **out, wpk_error *err)
{
    int rc = lookup(r, s, out, err);
    return s->kind == 'p' || s->no_follow ? rc : follow(r, rc, out, err);
}

static int lookup(wpk_reader *r, const cli_selector *s, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    if (s->kind == 'i') {
        uint64_t id;
        if (cli_parse_u64(s->value, &id) != 0) {
            snprintf(err->message, sizeof err->message, "--id wants a page ID (an unsigned number), not \"%s\"", s->value);
            err->code = WPK_E_INVALID;
            err->has_offset = 0;
            return WPK_E_INVALID;
        }
        return lookup_id(r, s, id, out, err);
    }
    if (s->kind == 't') return lookup_title(r, s->value, !s->no_follow, out, err);
    if (s->kind == 'u') {
        char *title = NULL;
        int urc = wpk_title_from_url(s->value, &title);
        if (urc == WPK_E_NOMEM) return cli_set_error(err, urc, "out of memory");
        if (urc) {
            snprintf(err->message, sizeof err->message, "\"%s\" is not an article URL (expected .../wiki/Title)", s->value);
            err->code = WPK_E_INVALID;
            err->has_offset = 0;
            return WPK_E_INVALID;
        }
        int rc = lookup_title(r, title, !s->no_follow, out, err);
        wpk_free(title);
        return rc;
    }
    return wpk_reader_find_by_path(r, s->value, out, err);
}
