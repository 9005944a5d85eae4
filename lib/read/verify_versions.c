/* verify_versions.c - the versions of each article: REVISIONS and CURRENT name each other, one wiki and one page ID; as merge joins of sorted streams, so that no table of the entries is held.
 *
 * First the REVISIONS items, by the older version they name, against the
 * entries: each older version's CURRENT must name the entry listing it,
 * which marks it listed. The older versions then go, by their current
 * version, against the entries again: each current version meets its
 * older versions in entry order. */
#include "verify_internal.h"

#include <string.h>

/* REVISIONS items against the entries they name; the older versions out. */
static void listed(vctx *v)
{
    const char *name = v->r->name;
    vjoin j; /* the entries, and REVISIONS items by the entry they name */
    if (wpk_v_join_open(v, &j, &v->ents, &v->revs)) return;
    vpair rv;
    int more = wpk_sort_next(&j.b, &rv);
    vent e;
    while (!v->halted && wpk_sort_next(&j.a, &e)) {
        int is_listed = 0;
        for (; more && rv.b <= e.n; more = wpk_sort_next(&j.b, &rv)) {
            if (rv.b < e.n) continue; /* its entry page failed: reported */
            if (e.current != rv.a)
                wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %llu lists entry %llu as an older version, which does "
                              "not name it as its current version", name, (unsigned long long)rv.a,
                              (unsigned long long)rv.b);
            else is_listed = 1;
        }
        if (e.current == V_NONE) continue;
        if (is_listed) e.flags |= V_LISTED;
        wpk_v_add(v, &v->older, &e);
    }
    wpk_v_join_close(v, &j);
}

/* One current version c and its older versions, in entry order. */
typedef struct article {
    vent c;
    int has_id;               /* its page ID: its own, else its first older version's with one */
    uint64_t id;
} article;

static void one_older(vctx *v, article *a, const vent *e)
{
    const char *name = v->r->name;
    const vent *c = &a->c;
    size_t n = e->n;
    if (!(e->flags & V_LISTED))
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: its current version, entry %u, does not list it", name, n,
                      e->current);
    if (c->current != V_NONE)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: its current version, entry %u, is an older version", name,
                      n, e->current);
    if (c->wiki != e->wiki)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: an older version of another wiki than entry %u's", name, n,
                      e->current);
    /* An older version with another title needs a former-title item of its
     * current version (checked with the title index). */
    if ((e->flags & V_HAS_TITLE) && !((c->flags & V_HAS_TITLE) && c->title_hash == e->title_hash)) {
        vneed need = {e->title_hash, e->current, e->n};
        wpk_v_add(v, &v->need_former, &need);
    }
    /* Every version carrying a page ID carries the same one; a current
     * version without one takes it as its article's. */
    if (!(e->flags & V_HAS_ID)) return;
    if (!a->has_id) {
        a->has_id = 1;
        a->id = e->page_id;
    } else if (a->id != e->page_id) {
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: an older version with another page ID than its "
                      "article's (entry %u)", name, n, e->current);
    }
}

/* The older versions against their current versions. */
static void articles(vctx *v)
{
    vjoin j; /* the entries, and the older versions by their current version */
    if (wpk_v_join_open(v, &j, &v->ents, &v->older)) return;
    vent o;
    int more = wpk_sort_next(&j.b, &o);
    article a;
    while (!v->halted && wpk_sort_next(&j.a, &a.c)) {
        a.has_id = (a.c.flags & V_HAS_ID) != 0;
        a.id = a.c.page_id;
        for (; more && o.current <= a.c.n && !v->halted; more = wpk_sort_next(&j.b, &o))
            if (o.current == a.c.n) one_older(v, &a, &o); /* else its current version's page failed */
        if (a.has_id && !(a.c.flags & V_HAS_ID)) {
            vpair id = {a.c.n, a.id};
            wpk_v_add(v, &v->art_ids, &id);
        }
        v->id_articles += a.c.current == V_NONE && a.has_id;
    }
    wpk_v_join_close(v, &j);
}

void wpk_v_versions(vctx *v)
{
    listed(v);
    wpk_sorter_free(&v->revs);
    if (!v->halted) articles(v);
    wpk_sorter_free(&v->older);
}
