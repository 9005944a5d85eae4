/* writer_internal.h - state of an archive being written. */
#ifndef WPK_WRITER_INTERNAL_H
#define WPK_WRITER_INTERNAL_H

#include "common.h"
#include "atomic_file.h"
#include "wpk2_format.h"

#include <string.h>

/* Test hook, NULL in normal use: called on every entry just before the
 * writer encodes its entry page, so that the test suite can write archives
 * that lie consistently (every hash right) and check that readers refuse
 * what hashes cannot catch. The format's encoder still checks what it is
 * given: only lies the format allows get through. */
typedef void (*wpk_record_hook_fn)(wpk2_entry *e, void *ctx);
extern wpk_record_hook_fn wpk_test_record_hook;
extern void *wpk_test_record_hook_ctx;
/* Test hook, 0 in normal use: the most items a flat root holds (and a
 * branch page), instead of WPK_FLAT_ROOT_ITEMS and the square-root rule,
 * so that small test archives get branch pages. */
extern uint32_t wpk_test_branch_size;
/* Test hook, 0 in normal use: the bytes of a bucket when the spill file
 * is copied in path order (writer_paths.c), so that small test archives
 * make many buckets, and entries larger than one. */
extern uint32_t wpk_test_relay_bucket;
/* Test hook, 0 in normal use: instead of WPK_RUN_SPLIT_BYTES, so that small
 * test archives split a category over several leaves. */
extern uint32_t wpk_test_run_split_size;
/* Test hook, 0 in normal use: pairs per pass of the category index build,
 * so that small test archives take several passes. */
extern uint32_t wpk_test_category_budget;
/* Test hook, 0 in normal use: 3 bytes no page owns after the term pages,
 * for verify to find (a region that is not tiled). */
extern uint32_t wpk_test_search_gap;
/* Test hook, 0 in normal use: index every entry with content as a search
 * document, older versions and redirects too, for verify to refuse. */
extern uint32_t wpk_test_search_every_entry;
/* Test hook, 0 in normal use: the number of low bits of the content hash
 * that the writer's duplicate table keeps, so that a test can make
 * different contents collide and see them told apart byte by byte. */
extern uint32_t wpk_test_dedup_hash_bits;

/* Where an entry's content is read from at finish; WE_PLACED: nowhere, it
 * is in a block already compressed (a merge: writer_placed.h). */
enum { WE_SPILLED, WE_UNDER_ROOT, WE_OWN_FILE, WE_PLACED };

/* One entry as added. A million of them for a large collection, so every
 * field counts (72 bytes); what is rarely needed lives elsewhere: the path,
 * URL, file name, category ids and namespace in the spill file, wikis,
 * languages, media types and category names interned. */
typedef struct wentry {
    uint64_t page_id;           /* has_page_id; after grouping also a current version's article's (keep_article_ids) */
    int64_t updated_us;
    union {
        uint64_t group_id;      /* while grouping: the article's page ID, when group_has_id */
        uint64_t hash;          /* from planning on: XXH3-64 of the content */
    };
    /* In the spill file from here: path_len bytes of path, url_len bytes of
     * URL, for WE_OWN_FILE file_len bytes of the file to read, cat_bytes of
     * category ids and namespace (we_cats_at), then for WE_SPILLED the
     * content (we_content_at). They are read in path order when the entry
     * pages are written, which is the order they were added in when the
     * caller adds in path order. The spill file stays under WPK_SPILL_MAX. */
    uint64_t str_offset : 48, path_len : 16;
    /* Where wpk_writer.strings holds the title and, unless fold_derived,
     * the folded title, each NUL-terminated (we_title; compare folded
     * titles with wpk_fold_cmp, writer_fold.c). Unused without a title. */
    uint32_t text;
    uint32_t size;              /* at most WPK_MAX_ENTRY */
    /* cat_count varint ids in w->cats (wpk_cat_id), then the int64_t
     * namespace if has_ns, in this machine's byte order (the spill file is
     * read back by this writer only): cat_bytes of them, at most
     * 5 * 16,383 + 8. */
    uint32_t cat_bytes : 18, cat_count : 14;
    union {
        uint32_t current;       /* is_revision: its article's current version (we_current) */
        uint32_t rev_start;     /* otherwise: where its revisions start in wpk_writer.article_order (wpk_revisions) */
    };
    /* Filled while planning: is_duplicate, the entry stored until planning
     * ends; then its block. */
    uint32_t block;
    uint32_t offset_in_block;
    /* Rank in path order: from the start of finishing (wpk_path_ranks),
     * with gaps once grouping drops revisions; dense from the index build
     * on. Paths are unique, so it breaks every tie that a path would. */
    uint32_t entry_no;
    /* Its wiki and language, as one id in wpk_writer.wl (a handful of
     * pairs: the wiki scopes its page ID and title when versions are
     * grouped); its media type, an id in wpk_writer.mimes. */
    uint16_t wl, mime;
    union {
        uint16_t file_root;     /* WE_UNDER_ROOT: wpk_writer.roots[file_root] + "/" + path */
        uint16_t file_len;      /* WE_OWN_FILE: the file name's length */
    };
    uint16_t title_len, url_len;
    uint8_t has_page_id : 1, has_updated : 1, has_ns : 1, group_has_id : 1;
    uint8_t fold_derived : 1;   /* the folded title is produced from the title (writer_fold.c) */
    uint8_t is_duplicate : 1;   /* its content is an earlier entry's, stored once */
    uint8_t is_revision : 1;    /* an older version of an article */
    uint8_t is_redirect : 1;    /* a redirect page: its target in wpk_writer.redirects */
    uint8_t source : 2;         /* WE_SPILLED, WE_UNDER_ROOT or WE_OWN_FILE */
    uint8_t has_rev_meta : 1;   /* its category bytes end with revision facts (wpk_entry_rev_meta) */
} wentry;
_Static_assert(sizeof(wentry) <= 72, "wentry grew: it is multiplied by the entry count");
#define WPK_MAX_NAMES 65535u    /* distinct (wiki, language) pairs, and media types */
#define WPK_SPILL_MAX ((1ull << 48) - 1) /* 256 TiB: wentry.str_offset */
#define WPK_MAX_ROOTS 65535u    /* directories files are read under; past them a file keeps its whole name */
#define WPK_MAX_CATEGORIES 16383u /* of one entry (14 bits in wentry) */

/* writer_articles.c: a redirect page's target (e->is_redirect). */
const char *wpk_redirect_target(const wpk_writer *w, const wentry *e);
/* Note the target of the entry being added as entry `index`; drop the
 * notes of entries from `index` on (an add that failed). */
int wpk_redirect_note(wpk_writer *w, uint32_t index, const char *target, wpk_error *err);
void wpk_redirect_drop_from(wpk_writer *w, uint32_t index);
/* Before aliases are resolved: an alias from each current redirect page's
 * title to its target (the format's kind-1 item of a redirect page). */
int wpk_redirect_aliases(wpk_writer *w, wpk_error *err);

/* The index of the current version of e's article: e itself unless e is a revision. */
#define we_current(w, e) ((e)->is_revision ? (e)->current : (uint32_t)((e) - (w)->entries))

/* Where an entry's category ids start in the spill file. */
static inline uint64_t we_cats_at(const wentry *e)
{
    /* A 48-bit field: gcc adds to it modulo 2^48 unless widened first. */
    return (uint64_t)e->str_offset + e->path_len + e->url_len + (e->source == WE_OWN_FILE ? e->file_len : 0);
}
/* WE_SPILLED: where its content starts in the spill file. */
static inline uint64_t we_content_at(const wentry *e) { return we_cats_at(e) + e->cat_bytes; }

/* A planned block: a run of unique contents in block order. */
typedef struct wblock {
    uint32_t first;             /* index into wpk_writer.unique */
    uint32_t count;
    uint32_t raw_size;
} wblock;

typedef struct walias { char *alias, *target; } walias;

/* Entry strings are bump-allocated from large chunks freed all together:
 * one malloc per entry would cost its header and rounding (~50 bytes per
 * entry, measured on 100,000 entries) on top of ~100 bytes of strings. */
typedef struct warena {
    char **chunks;
    size_t count, cap;
    char *next;
    size_t left;
} warena;
/* n bytes that live until wpk_arena_free; NULL when out of memory. */
char *wpk_arena_alloc(warena *a, size_t n);
/* The same for n <= WPK_ARENA_REF_MAX, also naming the bytes by a 32-bit
 * reference (wpk_arena_at): 12 bits of chunk, 20 of offset in it. NULL
 * when out of memory or past 4 GiB. */
#define WPK_ARENA_REF_MAX (1u << 20)
char *wpk_arena_alloc_ref(warena *a, size_t n, uint32_t *ref);
static inline char *wpk_arena_at(const warena *a, uint32_t ref) { return a->chunks[ref >> 20] + (ref & 0xFFFFF); }
void wpk_arena_free(warena *a);

/* Strings kept once each, by id (writer_intern.c). */
typedef struct wintern {
    uint32_t *refs;             /* by id: where `text` holds the name (wpk_intern_name) */
    warena text;                /* the names themselves: a malloc each would cost its header */
    uint32_t count, cap;
    uint32_t *slots;            /* open addressing: id + 1, 0 empty */
    size_t slot_cap;
} wintern;
/* The id of s, adding it the first time; -1 when out of memory. */
int wpk_intern(wintern *t, const char *s, uint32_t *id);
/* 1 and its id when s was interned (and the table is not sealed), else 0. */
int wpk_intern_find(const wintern *t, const char *s, uint32_t *id);
/* No more names for a while: frees the lookup slots (the next wpk_intern
 * rebuilds them) and the ids' growth room. */
void wpk_intern_seal(wintern *t);
void wpk_intern_free(wintern *t);
static inline const char *wpk_intern_name(const wintern *t, uint32_t id) { return wpk_arena_at(&t->text, t->refs[id]); }

/* The (wiki, language) pairs entries name, and the URL bases their URLs
 * show, counted as entries are added (writer_wikis.c). */
typedef struct wpairs {
    wintern keys;               /* "WIKI:LANG" in decimal ids: one a pair, its id is wentry.wl */
    uint32_t *wiki, *lang;      /* by pair: ids in wpk_writer.wikis and .langs */
    uint32_t cap;
    wintern bases;              /* "WIKI:BASE": an entry's URL up to its title (spaces as '_') */
    uint64_t *base_count;       /* by base: entries whose URL it spells */
    uint32_t base_cap;
} wpairs;

/* The WIKIS section: the wikis of the entries stored, numbered from 1 in
 * name order, each with the language most of its entries have and the URL
 * base most of their URLs spell (wpk_wikis_build). */
typedef struct wtable {
    uint16_t *number;           /* by id in wpk_writer.wikis: its number, 0 for none ("") */
    uint32_t count;
    wpk2_wiki *wikis;           /* by number - 1; strings point into the interned names */
    wpk2_wikis view;            /* the same, as the encoders take it */
    uint16_t *case_sensitive;   /* the numbers of the case-sensitive wikis, increasing */
    uint32_t case_sensitive_count;
} wtable;

/* What wpk_writer_describe_wiki was told of a wiki (copies; NULL: not said). */
typedef struct wdescribed {
    char *name, *language, *url_base, *site_name;
    int case_sensitive;
} wdescribed;

struct wpk_writer {
    wpk_write_opts opts;
    char *path;
    wentry *entries;
    size_t count, cap;
    warena strings;             /* entries' titles and folded titles */
    /* Spill file: every entry's path, URL, own file name and category ids,
     * and contents added from memory, appended through spill_buf (flushed
     * before anything reads it). */
    int spill_fd;               /* -1 until first needed */
    uint64_t spill_size;        /* bytes written, spill_buf included */
    /* Whether entries came in path order, checked as they are added
     * against the last path: then their ranks need no sort. */
    char *last_path;
    size_t last_path_len, last_path_cap;
    int paths_unsorted;
    int64_t repeated_path;      /* an entry whose path equals the one added before it, or -1 */
    uint8_t *spill_buf;
    size_t spill_buffered;
    uint32_t *unique;           /* entry indices of distinct contents, in block order */
    size_t unique_count;
    wblock *blocks;
    size_t block_count;
    wpk2_block_ref *refs;       /* by block, once compressed and written: place in DATA, sizes, XXH3, BLAKE2b */
    uint64_t content_bytes, unique_bytes;
    uint8_t *dict;              /* trained dictionary, when used */
    size_t dict_size;
    uint8_t *dict_stored;       /* as written: compressed, or `dict` itself when that is not smaller */
    size_t dict_stored_size;
    ZSTD_CDict *cdict;          /* `dict` digested for compressing, kept from the trials */
    /* Blocks the dictionary trials compressed exactly as the block
     * compressor would (same function, parameters and dictionary), so they
     * are not compressed twice: by block number, NULL when not done. */
    uint8_t **precompressed;
    size_t *precompressed_len;
    int data_fd;                /* compressed blocks, in order */
    uint64_t data_size;
    int finished;
    wintern cats, langs, mimes; /* "" has an id like any other string */
    wintern wikis;              /* the wikis of the entries, "" for those of no known wiki */
    wpairs wl;                  /* (wiki, language) pairs of the entries, URL bases */
    wtable table;               /* the wiki table, numbered when finishing */
    wdescribed *described;      /* wpk_writer_describe_wiki, a handful */
    size_t described_count;
    uint8_t *wiki_keeps_case;   /* by id in .wikis: a case-sensitive wiki (grouping versions); NULL: none */
    int rev_meta;               /* an entry has a revision ID, contributor or comment (format 2.1) */
    char **roots;               /* directory prefixes of file sources */
    size_t root_count;
    walias *aliases;
    size_t alias_count, alias_cap;
    warena alias_text;          /* aliases' names and targets, redirects' targets */
    /* Redirect pages: entry index (in the order added, increasing) and
     * target, in alias_text; a minority of entries, so not in wentry. */
    uint32_t *redirect_entry;
    const char **redirect_target;
    size_t redirect_count, redirect_cap;
    size_t redirect_alias_from;  /* aliases from here on are redirect pages' (wpk_redirect_aliases) */
    uint64_t redirects, redirects_out;
    uint64_t implausible_blocks; /* over the readers' default expansion cap */
    uint32_t *alias_entry;      /* from wpk_fold_items: the article each resolved alias leads to */
    uint32_t *article_order;    /* entries of each article, current version first */
    size_t keyed;               /* entries in article_order */
    uint64_t articles, revisions, dropped_revisions, stored_aliases, unresolved_aliases, categories, duplicates;
    uint64_t search_documents;  /* documents the search index holds */
    wpk_progress_fn progress;
    void *progress_ctx;
    struct wpk_placed_data *placed; /* a merge's blocks, already compressed (writer_placed.h); NULL when packing */
};

/* An entry's title, "" without one. */
static inline const char *we_title(const wpk_writer *w, const wentry *e)
{
    return e->title_len ? wpk_arena_at(&w->strings, e->text) : "";
}

static inline void wpk_writer_report(const wpk_writer *w, const char *phase, uint64_t done, uint64_t total,
                                     uint64_t items_done, uint64_t items_total)
{
    if (!w->progress) return;
    wpk_progress p = {sizeof p, phase, done, total, items_done, items_total};
    w->progress(w->progress_ctx, &p);
}

/* writer_articles.c: versions of one article, aliases. */
int wpk_group_articles(wpk_writer *w, wpk_error *err);
/* How many revisions the current version cur has: they follow it in
 * article_order (link_versions refuses more than 65,535). */
uint32_t wpk_revisions(const wpk_writer *w, const wentry *cur);
/* A title index item, 4 bytes (one per title, former title and alias):
 * an entry's index for its title (kind 0 for a current version, kind 2, a
 * former title of its article, for an older version), or
 * wpk_writer.count + an alias's index for a resolved alias (kind 1). */
typedef uint32_t wfold;
static inline int wfold_is_alias(const wpk_writer *w, wfold f) { return f >= w->count; }
/* The current version an item names. */
static inline uint32_t wfold_entry(const wpk_writer *w, wfold f)
{
    return f < w->count ? we_current(w, &w->entries[f]) : w->alias_entry[f - w->count];
}
static inline uint8_t wfold_kind(const wpk_writer *w, wfold f)
{
    return f >= w->count ? WPK2_TKIND_ALIAS : w->entries[f].is_revision ? WPK2_TKIND_FORMER : WPK2_TKIND_TITLE;
}
/* writer_fold.c: whether a title's folded form can be produced from it
 * instead of kept; folded titles compared as strcmp would. */
int wpk_fold_derivable(const char *title, size_t len, const char *fold);
int wpk_fold_cmp(const wpk_writer *w, const wentry *a, const wentry *b);
int wpk_fold_cmp_str(const wpk_writer *w, const wentry *a, const char *folded);
int wpk_fold_item_cmp(const wpk_writer *w, wfold a, wfold b);
/* A fold item's key (folded form) into buf, not NUL-terminated: its length,
 * SIZE_MAX when over cap. */
size_t wpk_fold_key(const wpk_writer *w, wfold f, char *buf, size_t cap);
/* A fold item's display string (title or alias). */
const char *wpk_fold_display(const wpk_writer *w, wfold f);
/* The title index items in index order (folded key, wiki, kind, entry,
 * display), each distinct item once; fills wpk_writer.alias_entry and
 * counts the aliases stored. Entry numbers are those of the index build
 * (entry_no); wikis those of wpk_wikis_build. */
int wpk_fold_items(wpk_writer *w, wfold **out, size_t *n, wpk_error *err);

/* The category id at *p (7 bits a byte, low first: most take one or two
 * bytes); moves *p past it. */
static inline uint32_t wpk_cat_id(const uint8_t **p)
{
    uint32_t v = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
}
/* A window on the spill file for reading many entries' strings and
 * categories in file order: one read serves all the entries it covers. */
typedef struct wspill_view {
    uint8_t *buf;
    size_t cap, len;
    uint64_t start;             /* file offset of buf[0] */
} wspill_view;
/* Contents up to this size are read through a spill view rather than one read each. */
#define WPK_SPILL_VIEW_SMALL (64u << 10)
/* Bytes [at, at + n) of the spill file at *out, valid until the next call. */
int wpk_spill_view(const wpk_writer *w, wspill_view *v, uint64_t at, size_t n, const uint8_t **out, wpk_error *err);
void wpk_spill_view_free(wspill_view *v);
/* An entry's category ids (then namespace): cat_bytes bytes at *out. */
static inline int wpk_entry_cats(const wpk_writer *w, wspill_view *v, const wentry *e, const uint8_t **out,
                                 wpk_error *err)
{
    return wpk_spill_view(w, v, we_cats_at(e), e->cat_bytes, out, err);
}
/* An entry's namespace (when has_ns), from its category bytes. */
int64_t wpk_entry_ns(const wentry *e, const uint8_t *cats);
/* The revision ID, contributor and comment at the end of an entry's
 * category bytes (has_rev_meta), into x's fields of format 2.1. */
void wpk_entry_rev_meta(const wentry *e, const uint8_t *cats, wpk2_entry *x);
/* The revision facts' fixed tail: u16 contributor length, u16 comment
 * length, u8 has-ID, u64 ID, after the two strings. */
#define WPK_REV_META_TAIL 13u
/* An entry's path into buf (at least path_len + 1 bytes), NUL-terminated. */
int wpk_entry_path(const wpk_writer *w, const wentry *e, char *buf, wpk_error *err);
/* For messages: the entry's path, or "entry N" when it cannot be read back. */
const char *wpk_entry_label(const wpk_writer *w, const wentry *e, char *buf, size_t cap);
#define WPK_LABEL_MAX (WPK_MAX_PATH + 1)
/* Give every entry its rank in path order (entry_no), or fail on a path
 * that two entries share. */
int wpk_path_ranks(wpk_writer *w, wpk_error *err);
/* Write out what spill_buf holds. */
int wpk_spill_flush(wpk_writer *w, wpk_error *err);

/* The file a file-backed entry is read from, in buf; *file is NULL for
 * in-memory content. */
int wpk_entry_file(const wpk_writer *w, const wentry *e, char *buf, const char **file, wpk_error *err);
#define WPK_FILE_PATH_MAX (2 * 4096 + 2)

/* writer_plan.c: hash every content, dedup, cut blocks, gather dict samples. */
int wpk_plan(wpk_writer *w, wpk_error *err);
/* Read an entry's content into buf (size bytes). */
int wpk_read_content(wpk_writer *w, const wentry *e, uint8_t *buf, wpk_error *err);
/* Its first n bytes (all of it when it is shorter). */
int wpk_read_content_start(wpk_writer *w, const wentry *e, uint8_t *buf, uint32_t n, wpk_error *err);
/* writer_dict.c: train a dictionary and keep it when it pays for itself. */
int wpk_choose_dict(wpk_writer *w, wpk_error *err);
/* writer_compress.c: compress all blocks (threads) into w->data_fd. */
int wpk_compress_blocks(wpk_writer *w, wpk_error *err);
/* Set up a compressor for blocks: with cdict, or without a dictionary when NULL. */
int wpk_block_cctx_init(ZSTD_CCtx *c, const wpk_writer *w, const ZSTD_CDict *cdict);
/* Compress block i with a compressor set up by wpk_block_cctx_init; *out is
 * the frame (caller frees). */
int wpk_compress_block(wpk_writer *w, ZSTD_CCtx *c, size_t i, uint8_t **out, size_t *out_len, wpk_error *err);
/* Build one block's raw bytes (caller frees). */
int wpk_block_raw(wpk_writer *w, const wblock *b, uint8_t **raw, wpk_error *err);
/* writer_wikis.c: the wiki table. */
/* Note an added entry's wiki and language (ids in w->wikis and w->langs)
 * and the URL base its URL spells, if any; *wl gets the pair's id. `path`
 * names the entry in messages. */
int wpk_wiki_note(wpk_writer *w, const char *path, uint32_t wiki, uint32_t lang, const char *title, size_t title_len,
                  const char *url, size_t url_len, uint16_t *wl, wpk_error *err);
/* Number the wikis of the entries stored and choose each one's language
 * and URL base (w->table). */
int wpk_wikis_build(wpk_writer *w, wpk_error *err);
void wpk_wikis_free(wpk_writer *w);
/* An entry's wiki number, and its language ("" for none). */
static inline uint16_t we_wiki(const wpk_writer *w, const wentry *e) { return w->table.number[w->wl.wiki[e->wl]]; }
static inline const char *we_lang(const wpk_writer *w, const wentry *e)
{
    return wpk_intern_name(&w->langs, w->wl.lang[e->wl]);
}
/* A wiki number's language ("" for wiki 0). */
const char *wpk_wiki_lang(const wpk_writer *w, uint16_t wiki);

/* writer_buf.c: growable buffers (the format encoders' own type, grown
 * with the library's allocator) and append-only scratch files. */
typedef wpk2_buf wbuf;
extern const wpk2_alloc wpk_writer_alloc;
static inline wbuf wbuf_new(void) { return (wbuf){NULL, 0, 0, &wpk_writer_alloc}; }
int wbuf_put(wbuf *b, const void *p, size_t n);
/* Where offset `off` (kept in a pointer field until the buffer stops
 * moving) lies in b; NULL in a buffer never grown, as NULL + 0 is undefined. */
static inline const uint8_t *wbuf_at(const wbuf *b, const uint8_t *off)
{
    return b->p ? b->p + (uintptr_t)off : NULL;
}
typedef struct wsink { int fd; uint64_t len; } wsink;
int wsink_put(wsink *s, const void *p, size_t n, wpk_error *err);
/* A format encoder's failure as the library's error: WPK2_E_INVALID (the
 * writer was given what the format cannot hold) becomes WPK_E_INVALID,
 * naming `what` (an entry's path, say). */
int wpk_fail_format(wpk_error *err, int rc, const wpk2_err *e, const char *what);
/* XXH3-64 and BLAKE2b-256 of stored bytes, as references carry them. */
void wpk_hash_stored(const void *p, size_t n, uint64_t *xxh3, uint8_t auth[32]);

/* writer_pages.c: leaves compressed into a scratch file, one root item
 * each; roots (with a level of branch pages when large) sealed at the end. */
#define WPK_FLAT_ROOT_ITEMS 256u /* the most items of a flat root: four such roots fit open's first read */
#define WPK_BRANCH_ITEMS 4096u   /* the most items of a branch page, and of a branched root (up to 4,096^2 leaves) */
#define WPK_RUN_SPLIT_BYTES (1u << 20) /* a category's run continues into the next leaf past this */
#define WPK_PAGE_STRINGS_MAX ((16u << 20) - (1u << 20)) /* decoded strings of a page: under the reader's 16 MiB */
typedef struct wleaves {
    uint32_t kind;              /* WPK2_PAGE_ENTRY .. WPK2_PAGE_CATEGORY */
    wsink *sink;                /* where the leaves go; offsets are moved to PAGES when sealed */
    ZSTD_CCtx *cctx;            /* with the dictionary when there is one */
    wpk2_root_item *items;      /* one per leaf; keys in `keys` until sealed */
    uint32_t count, cap;
    wbuf keys;                  /* the items' keys, back to back (key.p holds an offset until sealed) */
    uint64_t position;          /* items in the leaves so far */
    int branched;               /* items name branch pages (wpk_root_branch) */
} wleaves;
/* Compress and store one leaf of `items` items whose raw bytes are `raw`
 * and first key `key` (for an ID leaf, wiki and page ID instead). */
int wpk_leaf_put(wleaves *l, const wbuf *raw, uint32_t items, const void *key, size_t key_len, uint16_t key_wiki,
                 uint64_t key_id, wpk_error *err);
void wpk_leaves_free(wleaves *l);
/* Once every leaf is stored: move the leaves' offsets by `base` (their
 * sink's place in PAGES), and when there are more than WPK_FLAT_ROOT_ITEMS,
 * store branch pages naming them (into `branches`, which starts at
 * `branch_base` in PAGES, where the leaves end) and name those instead. */
int wpk_root_branch(wleaves *l, uint64_t base, wsink *branches, uint64_t branch_base, ZSTD_CCtx *page_cctx,
                    uint64_t entry_count, wpk_error *err);
/* The root section: its raw bytes (raw_size) compressed into *root. */
int wpk_root_encode(wleaves *l, ZSTD_CCtx *root_cctx, uint64_t entry_count, uint64_t pages_size, wbuf *root,
                    uint64_t *raw_size, wpk_error *err);
/* Compress raw with c into *out (its bytes replaced). */
int wpk_zstd_put(ZSTD_CCtx *c, const void *raw, size_t len, wbuf *out, wpk_error *err);
int wpk_page_level(const wpk_writer *w);
ZSTD_CCtx *wpk_page_cctx(const wpk_writer *w, const ZSTD_CDict *cd);
ZSTD_compressionParameters wpk_page_cparams(const wpk_writer *w);

/* writer_entries.c: the entry table's leaves, entries from..to in path
 * order (order NULL: the entries' own order). */
static inline uint32_t path_entry(const uint32_t *order, size_t k) { return order ? order[k] : (uint32_t)k; }
int wpk_build_entry_pages(wpk_writer *w, wleaves *l, const uint32_t *order, size_t from, size_t to, wpk_error *err);
/* The leaf boundary of the entry pages nearest the middle (w->count: none). */
int wpk_entry_pages_split(wpk_writer *w, const uint32_t *order, size_t *split, wpk_error *err);
/* writer_titles.c: the title index's leaves. */
int wpk_build_title_pages(wpk_writer *w, wleaves *l, wpk_error *err);
/* writer_ids.c: the page ID index's leaves. */
int wpk_build_id_pages(wpk_writer *w, wleaves *l, uint32_t *scratch, wpk_error *err);
/* writer_categories.c: the category index's leaves. */
int wpk_build_category_pages(wpk_writer *w, wleaves *l, wpk_error *err);
/* writer_search.c: the search index's term pages (entries in path order
 * by `order`, NULL: their own), and the SEARCH section's parameters. */
int wpk_build_search_pages(wpk_writer *w, wleaves *l, const uint32_t *order, wpk2_search_params *params,
                           wpk_error *err);
/* writer_summary.c: the SUMMARY section's raw bytes. */
int wpk_build_summary(wpk_writer *w, wbuf *out, wpk_error *err);

/* writer_index.c: every index, and the prefix sections. */
enum { WPK_IX_ENTRY, WPK_IX_TITLE, WPK_IX_ID, WPK_IX_CATEGORY, WPK_NINDEX };
#define WPK_LARGE_ARCHIVE_ENTRIES 50000 /* above: smaller index pages by default */
typedef struct wpk_built_index {
    /* Leaf pages go to scratch files, not memory: with millions of entries
     * they are the largest thing the writer would otherwise hold. PAGES is
     * their concatenation in this order. */
    wsink entries_a, entries_b;  /* the entry pages of the first and second half (two threads) */
    wsink titles, ids, categories, branches;
    uint64_t pages_size, page_count;
    wbuf root[WPK_NINDEX];       /* compressed roots */
    uint64_t root_raw[WPK_NINDEX];
    uint32_t root_count[WPK_NINDEX];
    int root_branched[WPK_NINDEX];
    wbuf wikis, summary;         /* compressed WIKIS and SUMMARY */
    uint64_t wikis_raw, summary_raw;
    /* Format 2.3: the search index, when written (has_search): SEARCH,
     * its root, and SEARCH_PAGES (its leaves, then its branch pages). */
    int has_search;
    wsink search_leaves, search_branches;
    wbuf search, search_root;
    uint64_t search_raw, search_root_raw, search_pages_size, search_page_count;
    uint32_t search_root_count;
    uint64_t search_documents;
} wpk_built_index;
int wpk_build_indexes(wpk_writer *w, wpk_built_index *out, wpk_error *err);
/* writer_search.c: the search index into out (SEARCH, its root, SEARCH_PAGES). */
int wpk_build_search_index(wpk_writer *w, const ZSTD_CDict *cd, const uint32_t *order, ZSTD_CCtx *root_cctx,
                           wpk_built_index *out, wpk_error *err);
void wpk_built_index_free(wpk_built_index *b);

/* writer_file.c: the archive file from its parts. */
int wpk_write_archive(wpk_writer *w, wpk_built_index *ix, wpk_write_stats *stats, wpk_error *err);

#endif
