/* verify.c - check a whole archive and report every problem, not just the
 * first: every leaf page, every block, and (full) every entry's content.
 *
 * Beyond checksums it checks that pages and blocks tile their regions (so
 * every byte of the file is under some checksum), that index leaves are
 * sorted and point at entries with the key they claim. */
#include "reader_internal.h"
#include "wpk_endian.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct span { uint64_t offset, len; } span;
typedef struct span_list { span *v; size_t n; } span_list;
typedef struct vblock { wpk_fmt_ref ref; uint32_t first_entry; } vblock;
typedef struct ventry { uint64_t block_offset; uint32_t offset_in_block; uint32_t entry; uint64_t size, hash; } ventry;
/* What the secondary index checks need of a record. */
typedef struct vmeta {
    uint64_t entry;
    uint64_t title_hash;      /* XXH3 of its title | 1, 0 without title */
    uint64_t page_id;         /* valid when has_id */
    int has_id;
} vmeta;

typedef struct vctx {
    wpk_reader *r;
    wpk_problem_cb report;
    void *ctx;
    wpk_verify_stats st;
    span_list pages, ext_pages; /* leaves seen, per region */
    vblock *blocks; size_t nblocks;
    ventry *ents; size_t nents;
    vmeta *meta; size_t nmeta; /* decoded records, by increasing entry number */
    uint64_t titled, with_id, content_bytes;
    int oom;
    int io_failed;
} vctx;

static void problem(vctx *v, int code, int has_offset, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(vctx *v, int code, int has_offset, uint64_t offset, const char *fmt, ...)
{
    wpk_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.has_offset = has_offset;
    e.offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    v->st.problems++;
    if (v->report) v->report(v->ctx, &e);
}

static void report_error(vctx *v, const wpk_error *e)
{
    /* Failing to read or to allocate is not damage: the result says so. */
    if (e->code == WPK_E_IO) v->io_failed = 1;
    if (e->code == WPK_E_NOMEM) v->oom = 1;
    v->st.problems++;
    if (v->report) v->report(v->ctx, e);
}

static int grow(void **p, size_t n, size_t size)
{
    if (n & (n - 1)) return 0; /* capacity doubles at powers of two */
    void *g = wpk_realloc(*p, (n ? n * 2 : 16) * size);
    if (!g) return -1;
    *p = g;
    return 0;
}

static int add_span(span_list *l, uint64_t offset, uint64_t len)
{
    if (grow((void **)&l->v, l->n, sizeof *l->v)) return -1;
    l->v[l->n++] = (span){offset, len};
    return 0;
}

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int cmp_block(const void *a, const void *b)
{
    const vblock *x = a, *y = b;
    return x->ref.offset < y->ref.offset ? -1 : x->ref.offset > y->ref.offset;
}

static int cmp_ent(const void *a, const void *b)
{
    const ventry *x = a, *y = b;
    if (x->block_offset != y->block_offset) return x->block_offset < y->block_offset ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static void leaf_problem(vctx *v, const wpk_index *idx, const char *what, const wpk_fmt_root_item *it, const char *why)
{
    uint64_t abs = idx->base + it->page.offset;
    problem(v, WPK_E_CORRUPT, 1, abs, "%s: %s at offset %llu: %s", v->r->name, what, (unsigned long long)abs, why);
}

/* The record of entry n, when it was decoded. The table holds only records
 * actually decoded (never as many as an archive claims) and is searched by
 * bisection: records are visited in entry order. */
static const vmeta *find_meta(const vctx *v, uint64_t n)
{
    size_t lo = 0, hi = v->nmeta;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->meta[mid].entry < n) lo = mid + 1;
        else hi = mid;
    }
    return lo < v->nmeta && v->meta[lo].entry == n ? &v->meta[lo] : NULL;
}

/* The leaves of an index in order, their pages and any branch pages over
 * them added to the region's spans. A branch page that fails is reported
 * and its leaves left out (their spans then show as gaps, reported too). */
static const wpk_fmt_root_item **collect_leaves(vctx *v, wpk_index *idx, span_list *region, uint32_t *n)
{
    const wpk_fmt_root_item **leaves = NULL;
    *n = 0;
    for (uint32_t t = 0; t < idx->count && !v->oom; t++) {
        const wpk_fmt_root_item *top = &idx->items[t];
        if (idx->branched && add_span(region, top->page.offset, top->page.stored_size)) v->oom = 1;
        wpk_item_list kids;
        wpk_error e;
        if (v->oom || wpk_index_children(v->r, idx, t, &kids, &e) != 0) {
            if (!v->oom) report_error(v, &e);
            continue;
        }
        v->st.pages_checked += idx->branched;
        for (uint32_t k = 0; k < kids.count && !v->oom; k++) {
            if (grow((void **)&leaves, *n, sizeof *leaves) ||
                add_span(region, kids.items[k].page.offset, kids.items[k].page.stored_size)) {
                v->oom = 1;
                break;
            }
            leaves[(*n)++] = &kids.items[k];
        }
    }
    return leaves;
}

/* Walk the record pages: structure, path order, and what the other checks need. */
static void check_records(vctx *v)
{
    wpk_reader *r = v->r;
    /* The previous path, copied: the page it came from is freed before the
     * next valid record may turn up several pages later. */
    uint8_t *prev = NULL;
    size_t prev_len = 0, prev_cap = 0;
    int have_prev = 0;
    uint32_t nleaves;
    const wpk_fmt_root_item **leaves = collect_leaves(v, &r->path_idx, &v->pages, &nleaves);
    for (uint32_t l = 0; l < nleaves && !v->oom; l++) {
        const wpk_fmt_root_item *it = leaves[l];
        uint8_t *page;
        size_t page_len;
        wpk_error e;
        if (wpk_load_page(r, &r->path_idx, &it->page, "record page", &page, &page_len, &e) != 0) {
            report_error(v, &e);
            continue;
        }
        v->st.pages_checked++;
        uint32_t count;
        const char *why = NULL;
        if (wpk_fmt_leaf_count(page, page_len, &count, &why) || count != it->item_count) {
            leaf_problem(v, &r->path_idx, "record page", it, why ? why : "item count differs from the root");
            wpk_free(page);
            continue;
        }
        for (uint32_t i = 0; i < count; i++) {
            wpk_fmt_record rec;
            uint64_t n = it->first_item + i;
            if (wpk_decode_record_at(r, page, page_len, i, it, &rec, &e) != 0) {
                report_error(v, &e);
                continue;
            }
            if (have_prev && !(prev_len < rec.path_len ? memcmp(prev, rec.path, prev_len) <= 0
                                                        : memcmp(prev, rec.path, rec.path_len) < 0))
                problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %llu \"%.*s\": paths out of order", r->name,
                        (unsigned long long)n, (int)rec.path_len, (const char *)rec.path);
            if (wpk_path_check((const char *)rec.path, rec.path_len) != 0)
                problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %llu: unsafe path \"%.*s\"", r->name, (unsigned long long)n,
                        (int)rec.path_len, (const char *)rec.path);
            if (rec.path_len > prev_cap) {
                uint8_t *g = wpk_realloc(prev, rec.path_len);
                if (!g) {
                    v->oom = 1;
                    break;
                }
                prev = g;
                prev_cap = rec.path_len;
            }
            memcpy(prev, rec.path, rec.path_len);
            prev_len = rec.path_len;
            have_prev = 1;
            if (i == 0 && (rec.path_len != it->key_len || memcmp(rec.path, it->key, rec.path_len) != 0))
                leaf_problem(v, &r->path_idx, "record page", it, "first path differs from the root");
            if (grow((void **)&v->meta, v->nmeta, sizeof *v->meta)) {
                v->oom = 1;
                break;
            }
            vmeta *m = &v->meta[v->nmeta++];
            *m = (vmeta){n, rec.title_len ? wpk_fmt_checksum(rec.title, rec.title_len) | 1 : 0, rec.page_id,
                         (rec.flags & WPK_REC_HAS_PAGE_ID) != 0};
            v->titled += rec.title_len != 0;
            v->with_id += m->has_id;
            v->content_bytes += rec.content_size;
            v->st.entries_checked++;
            if (rec.content_size == 0) continue;
            if (grow((void **)&v->ents, v->nents, sizeof *v->ents) ||
                grow((void **)&v->blocks, v->nblocks, sizeof *v->blocks)) {
                v->oom = 1;
                break;
            }
            v->ents[v->nents++] = (ventry){rec.block.offset, rec.offset_in_block, (uint32_t)n, rec.content_size,
                                           rec.content_hash};
            if (v->nblocks == 0 || memcmp(&v->blocks[v->nblocks - 1].ref, &rec.block, sizeof rec.block) != 0)
                v->blocks[v->nblocks++] = (vblock){rec.block, (uint32_t)n};
        }
        wpk_free(page);
    }
    wpk_free(prev);
    wpk_free(leaves);
}

/* Title and ID leaves: sorted, and each item names an entry with that key. */
/* Which secondary index check_secondary walks. */
enum { IDX_TITLE, IDX_ID, IDX_FOLD, IDX_CATEGORY };

static void check_secondary(vctx *v, wpk_index *idx, int which, const char *what)
{
    wpk_reader *r = v->r;
    uint64_t prev_u64 = 0;
    uint8_t *prev_key = NULL;
    size_t prev_len = 0;
    int have_prev = 0;
    span_list *region = which == IDX_FOLD || which == IDX_CATEGORY ? &v->ext_pages : &v->pages;
    uint32_t nleaves;
    const wpk_fmt_root_item **leaves = collect_leaves(v, idx, region, &nleaves);
    for (uint32_t l = 0; l < nleaves && !v->oom; l++) {
        const wpk_fmt_root_item *it = leaves[l];
        uint8_t *page;
        size_t page_len;
        wpk_error e;
        if (wpk_load_page(r, idx, &it->page, what, &page, &page_len, &e) != 0) {
            report_error(v, &e);
            have_prev = 0;
            continue;
        }
        v->st.pages_checked++;
        uint32_t count = page ? wpk_le32(page) : 0;
        const char *why = NULL;
        if (count != it->item_count) why = "item count differs from the root";
        for (uint32_t i = 0; i < count && !why; i++) {
            uint32_t entry;
            const vmeta *m; /* the record the item names */
            if (idx->kind == WPK_KEY_U64) {
                uint64_t id;
                if (wpk_fmt_id_leaf_item(page, page_len, i, &id, &entry, &why)) break;
                if (i == 0 && id != it->key_u64) why = "first key differs from the root";
                else if (i == 0 && have_prev && id == prev_u64) why = "leaf starts inside a run of equal keys";
                else if (have_prev && id < prev_u64) why = "keys out of order";
                else if (!(m = find_meta(v, entry)) || !m->has_id || m->page_id != id)
                    why = "item names an entry without this page ID";
                prev_u64 = id;
            } else {
                const uint8_t *item;
                size_t len;
                if (wpk_fmt_leaf_item(page, page_len, i, &item, &len, &why)) break;
                const uint8_t *key;
                size_t klen;
                if (which == IDX_FOLD) {
                    wpk_fmt_fold_item f;
                    if (wpk_fmt_fold_item_decode(item, len, &f, &why)) break;
                    entry = f.entry;
                    key = f.key;
                    klen = f.key_len;
                } else {
                    if (len < WPK_TITLE_ITEM_FIXED) { why = "item too short"; break; }
                    entry = wpk_le32(item);
                    key = item + 4;
                    klen = len - 4;
                }
                size_t common = klen < prev_len ? klen : prev_len;
                int c = have_prev ? (common ? memcmp(prev_key, key, common) : 0) : -1;
                if (i == 0 && (klen != it->key_len || memcmp(key, it->key, klen) != 0)) why = "first key differs from the root";
                else if (i == 0 && c == 0 && prev_len == klen && !idx->split_runs)
                    why = "leaf starts inside a run of equal keys";
                else if (have_prev && (c > 0 || (c == 0 && prev_len > klen))) why = "keys out of order";
                else if (entry >= r->hdr.entry_count)
                    why = "entry number out of range";
                else if (which == IDX_TITLE &&
                         (!(m = find_meta(v, entry)) || m->title_hash != (wpk_fmt_checksum(key, klen) | 1)))
                    why = "item names an entry without this title";
                wpk_free(prev_key);
                prev_key = wpk_malloc(klen ? klen : 1);
                if (!prev_key) { v->oom = 1; break; }
                memcpy(prev_key, key, klen);
                prev_len = klen;
            }
            have_prev = 1;
        }
        if (why) leaf_problem(v, idx, what, it, why);
        wpk_free(page);
    }
    wpk_free(prev_key);
    wpk_free(leaves);
}

static void check_tiling(vctx *v, span *s, size_t n, uint64_t size, uint64_t base, const char *what)
{
    if (n) qsort(s, n, sizeof *s, cmp_span);
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].offset != at) {
            problem(v, WPK_E_CORRUPT, 1, base + at, "%s: %s region: %s at offset %llu", v->r->name, what,
                    s[i].offset > at ? "unreferenced bytes" : "overlapping objects", (unsigned long long)(base + at));
            if (s[i].offset < at) continue;
        }
        at = s[i].offset + s[i].len;
    }
    if (at != size)
        problem(v, WPK_E_CORRUPT, 1, base + at, "%s: %s region: unreferenced bytes at offset %llu", v->r->name, what,
                (unsigned long long)(base + at));
}

static void name_entry(vctx *v, uint32_t entry, char *buf, size_t cap)
{
    wpk_entry *e;
    if (wpk_reader_entry_at(v->r, entry, &e, NULL) == 0) {
        snprintf(buf, cap, "%s", e->path);
        wpk_entry_free(e);
    } else {
        snprintf(buf, cap, "entry %u", entry);
    }
}

/* Read each block once; in full mode decompress it and check its entries. */
static void check_blocks(vctx *v, int full)
{
    wpk_reader *r = v->r;
    if (v->nblocks) qsort(v->blocks, v->nblocks, sizeof *v->blocks, cmp_block);
    if (v->nents) qsort(v->ents, v->nents, sizeof *v->ents, cmp_ent);
    size_t unique = 0, e = 0;
    uint64_t raw_seen = 0; /* for progress: distinct content bytes covered so far */
    span *spans = wpk_malloc((v->nblocks ? v->nblocks : 1) * sizeof *spans);
    if (!spans) { v->oom = 1; return; }
    ZSTD_DCtx *d = wpk_dctx_get(r);
    const ZSTD_DDict *dict = NULL;
    wpk_error derr;
    if (wpk_reader_dict(r, &dict, &derr) != 0) full = 0; /* reported already; checksums still checked */
    for (size_t i = 0; i < v->nblocks && d; i++) {
        const wpk_fmt_ref *b = &v->blocks[i].ref;
        if (i > 0 && b->offset == v->blocks[i - 1].ref.offset) {
            if (memcmp(b, &v->blocks[i - 1].ref, sizeof *b) != 0)
                problem(v, WPK_E_CORRUPT, 1, r->data_base + b->offset, "%s: entries disagree about the block at offset %llu",
                        r->name, (unsigned long long)(r->data_base + b->offset));
            continue;
        }
        spans[unique++] = (span){b->offset, b->stored_size};
        uint64_t abs = r->data_base + b->offset;
        char who[300];
        uint8_t *stored = wpk_malloc(b->stored_size ? b->stored_size : 1);
        if (!stored) { v->oom = 1; break; }
        wpk_error err;
        int bad = wpk_read_exact(r, abs, stored, b->stored_size, "block", &err) != 0;
        if (bad) report_error(v, &err);
        else if (!wpk_checksum_ok(wpk_fmt_checksum(stored, b->stored_size), b->checksum)) {
            name_entry(v, v->blocks[i].first_entry, who, sizeof who);
            problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu (holding \"%s\"): checksum mismatch", r->name,
                    (unsigned long long)abs, who);
            bad = 1;
        }
        else if (!wpk_zstd_frame_ok(stored, b->stored_size, b->raw_size)) {
            problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu is not exactly one zstd frame of %u bytes",
                    r->name, (unsigned long long)abs, b->raw_size);
            bad = 1;
        } else if (b->raw_size > r->opts.max_block_size) {
            problem(v, WPK_E_LIMIT, 1, abs, "%s: block at offset %llu claims %u bytes, over the block cap", r->name,
                    (unsigned long long)abs, b->raw_size);
            bad = 1;
        }
        v->st.blocks_checked++;
        raw_seen += b->raw_size;
        if (r->progress) {
            wpk_progress pr = {sizeof pr, "verifying", raw_seen, r->hdr.unique_bytes, i + 1, v->nblocks};
            r->progress(r->progress_ctx, &pr);
        }
        while (e < v->nents && v->ents[e].block_offset < b->offset) e++;
        size_t first_e = e;
        while (e < v->nents && v->ents[e].block_offset == b->offset) e++;
        if (full && !bad) {
            uint8_t *raw = wpk_malloc(b->raw_size ? b->raw_size : 1);
            size_t got = 0;
            if (raw) {
                ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
                ZSTD_DCtx_refDDict(d, dict);
                got = ZSTD_decompressDCtx(d, raw, b->raw_size, stored, b->stored_size);
            }
            if (!raw || (ZSTD_isError(got) && ZSTD_getErrorCode(got) == ZSTD_error_memory_allocation)) {
                v->oom = 1; /* not damage: the result says out of memory */
            } else if (ZSTD_isError(got) || got != b->raw_size) {
                name_entry(v, v->blocks[i].first_entry, who, sizeof who);
                problem(v, WPK_E_CORRUPT, 1, abs, "%s: block at offset %llu (holding \"%s\") does not decompress to %u bytes",
                        r->name, (unsigned long long)abs, who, b->raw_size);
            } else {
                for (size_t k = first_e; k < e; k++) {
                    const ventry *x = &v->ents[k];
                    /* Entries that disagree about this block (reported above)
                     * may place themselves past the end of the one read. */
                    if (x->size > b->raw_size || x->offset_in_block > b->raw_size - x->size) continue;
                    if (!wpk_checksum_ok(wpk_fmt_checksum(raw + x->offset_in_block, x->size), x->hash)) {
                        name_entry(v, x->entry, who, sizeof who);
                        problem(v, WPK_E_CORRUPT, 1, abs, "%s: entry \"%s\" (in block at offset %llu): content checksum mismatch",
                                r->name, who, (unsigned long long)abs);
                    }
                    v->st.bytes_checked += x->size;
                }
            }
            wpk_free(raw);
        }
        wpk_free(stored);
    }
    if (!d) v->oom = 1;
    else wpk_dctx_put(r, d);
    if (unique != r->hdr.block_count && !v->oom)
        problem(v, WPK_E_CORRUPT, 0, 0, "%s: header counts %llu blocks, entries refer to %zu", r->name,
                (unsigned long long)r->hdr.block_count, unique);
    if (!v->oom) check_tiling(v, spans, unique, r->data_size, r->data_base, "data");
    wpk_free(spans);
}

int wpk_reader_verify(wpk_reader *r, wpk_verify_level level, wpk_problem_cb report, void *ctx,
                      wpk_verify_stats *stats, wpk_error *err)
{
    if (stats) {
        int rc = wpk_struct_out_check(stats, sizeof *stats, WPK_MIN_VERIFY_STATS, "wpk_verify_stats", err);
        if (rc) return rc;
    }
    vctx v;
    memset(&v, 0, sizeof v);
    v.st.struct_size = sizeof v.st;
    v.r = r;
    v.report = report;
    v.ctx = ctx;
    const ZSTD_DDict *dict;
    wpk_error derr;
    if (wpk_reader_dict(r, &dict, &derr) != 0) report_error(&v, &derr); /* the dictionary's checksum */
    wpk_index *all[] = {&r->path_idx, &r->title_idx, &r->id_idx, &r->fold_idx, &r->cat_idx};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) /* every root's checksum and order */
        if (wpk_index_ready(r, all[i], &derr) != 0) report_error(&v, &derr);
    check_records(&v);
    if (!v.oom && (v.titled != r->title_idx.total_items || v.with_id != r->id_idx.total_items))
        problem(&v, WPK_E_CORRUPT, 0, 0, "%s: %llu entries have a title and %llu a page ID, but the indexes hold %llu and %llu",
                r->name, (unsigned long long)v.titled, (unsigned long long)v.with_id,
                (unsigned long long)r->title_idx.total_items, (unsigned long long)r->id_idx.total_items);
    if (!v.oom && v.content_bytes != r->hdr.content_bytes)
        problem(&v, WPK_E_CORRUPT, 0, 0, "%s: entries hold %llu bytes, the header says %llu", r->name,
                (unsigned long long)v.content_bytes, (unsigned long long)r->hdr.content_bytes);
    if (!v.oom) check_secondary(&v, &r->title_idx, IDX_TITLE, "title index page");
    if (!v.oom) check_secondary(&v, &r->id_idx, IDX_ID, "ID index page");
    if (!v.oom) check_secondary(&v, &r->fold_idx, IDX_FOLD, "folded-title index page");
    if (!v.oom) check_secondary(&v, &r->cat_idx, IDX_CATEGORY, "category index page");
    if (!v.oom) check_tiling(&v, v.pages.v, v.pages.n, r->pages_size, r->pages_base, "page");
    if (!v.oom) check_tiling(&v, v.ext_pages.v, v.ext_pages.n, r->ext_size, r->ext_base, "extension page");
    if (!v.oom) check_blocks(&v, level == WPK_VERIFY_FULL);
    /* 1.2: a signature must match the file, whoever made it; its
     * section is a region that no checksum covers. */
    wpk_error serr;
    int src = v.oom ? WPK_OK : wpk_reader_check_signature(r, NULL, &serr);
    if (src == WPK_E_NOMEM) v.oom = 1;
    else if (src && src != WPK_E_NOTFOUND) report_error(&v, &serr);
    wpk_free(v.meta);
    wpk_free(v.pages.v);
    wpk_free(v.ext_pages.v);
    wpk_free(v.blocks);
    wpk_free(v.ents);
    if (stats) wpk_struct_out(stats, &v.st, sizeof v.st);
    if (v.oom) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory while verifying", r->name);
    if (v.io_failed) return wpk_fail(err, WPK_E_IO, "%s: could not read all of the archive", r->name);
    if (v.st.problems)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: %llu problem(s) found", r->name, (unsigned long long)v.st.problems);
    return WPK_OK;
}
