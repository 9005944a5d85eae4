/* writer_dict.c - train a zstd dictionary on the contents and keep it only
 * if it makes the archive smaller, judged on a few sample blocks. */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>
#define ZDICT_STATIC_LINKING_ONLY /* fastCover parameters: exported by Debian's libzstd */
#include <zdict.h>

#define SAMPLE_CAP (128u << 10)   /* bytes taken from the start of each content */
#define TRIAL_BLOCKS 3

/* Collect samples from every k-th distinct content so that they total about
 * 100 times the dictionary size, as ZDICT recommends. */
static int gather_samples(wpk_writer *w, uint8_t **buf_out, size_t **sizes_out, unsigned *n_out, wpk_error *err)
{
    uint64_t budget = (uint64_t)w->opts.dict_size * 100;
    uint64_t avg = w->unique_bytes / (w->unique_count ? w->unique_count : 1);
    uint64_t per = avg < SAMPLE_CAP ? avg : SAMPLE_CAP;
    size_t stride = 1;
    while (per && (uint64_t)(w->unique_count / stride) * per > budget) stride++;
    size_t max_n = w->unique_count / stride + 1;
    uint8_t *buf = wpk_malloc((size_t)(budget + SAMPLE_CAP));
    size_t *sizes = wpk_malloc(max_n * sizeof *sizes);
    uint8_t *content = NULL;
    size_t content_cap = 0, used = 0;
    unsigned n = 0;
    int rc = WPK_OK;
    if (!buf || !sizes) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory for dictionary samples");
    for (size_t i = 0; !rc && i < w->unique_count && used < budget; i += stride) {
        const wentry *e = &w->entries[w->unique[i]];
        if (e->size > content_cap) {
            uint8_t *g = wpk_realloc(content, (size_t)e->size);
            if (!g) {
                rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
                break;
            }
            content = g;
            content_cap = (size_t)e->size;
        }
        if ((rc = wpk_read_content(w, e, content, err)) != 0) break;
        size_t take = e->size < SAMPLE_CAP ? (size_t)e->size : SAMPLE_CAP;
        memcpy(buf + used, content, take);
        sizes[n++] = take;
        used += take;
    }
    wpk_free(content);
    if (rc) {
        wpk_free(buf);
        wpk_free(sizes);
        return rc;
    }
    *buf_out = buf;
    *sizes_out = sizes;
    *n_out = n;
    return WPK_OK;
}

/* One trial: a block compressed with the dictionary or without, exactly
 * as the block compressor would; the frame is kept for it (writer.c). */
typedef struct trial {
    wpk_writer *w;
    size_t block;              /* block number */
    const ZSTD_CDict *cdict;   /* NULL: without */
    uint8_t *out;
    size_t size;
    int rc;
    wpk_error err;
} trial;

static void *run_trial(void *arg)
{
    trial *t = arg;
    ZSTD_CCtx *c = wpk_zstd_cctx();
    if (!c || wpk_block_cctx_init(c, t->w, t->cdict) != 0)
        t->rc = wpk_fail(&t->err, WPK_E_NOMEM, "cannot set up a zstd compressor");
    else
        t->rc = wpk_compress_block(t->w, c, t->block, &t->out, &t->size, &t->err);
    ZSTD_freeCCtx(c);
    return NULL;
}

/* Hand the trial frames to the block compressor, or free them. */
static void keep_trials(wpk_writer *w, trial *t, size_t n, int keep)
{
    if (keep && !w->precompressed) {
        w->precompressed = wpk_calloc(w->block_count, sizeof *w->precompressed);
        w->precompressed_len = wpk_calloc(w->block_count, sizeof *w->precompressed_len);
        if (!w->precompressed || !w->precompressed_len) { /* only a saving: go without */
            wpk_free(w->precompressed);
            wpk_free(w->precompressed_len);
            w->precompressed = NULL;
            w->precompressed_len = NULL;
            keep = 0;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (keep && t[i].out && !w->precompressed[t[i].block]) {
            w->precompressed[t[i].block] = t[i].out;
            w->precompressed_len[t[i].block] = t[i].size;
        } else {
            wpk_free(t[i].out);
        }
        t[i].out = NULL;
    }
}

/* Run the trials on up to `threads` threads at a time. */
static int run_trials(trial *t, size_t n, int threads, wpk_error *err)
{
    pthread_t tid[TRIAL_BLOCKS];
    for (size_t start = 0; start < n; start += (size_t)threads) {
        size_t end = start + (size_t)threads < n ? start + (size_t)threads : n, launched = start;
        for (size_t i = start; i < end; i++, launched++)
            if (pthread_create(&tid[i], NULL, run_trial, &t[i]) != 0) break;
        for (size_t i = launched; i < end; i++) run_trial(&t[i]); /* could not start a thread: run here */
        for (size_t i = start; i < launched; i++) pthread_join(tid[i], NULL);
    }
    for (size_t i = 0; i < n; i++)
        if (t[i].rc) {
            if (err) *err = t[i].err;
            return t[i].rc;
        }
    return WPK_OK;
}

/* The dictionary as stored: one zstd frame when that is smaller, else NULL. */
static uint8_t *compress_dict(const uint8_t *dict, size_t size, size_t *out_size)
{
    size_t cap = ZSTD_compressBound(size);
    uint8_t *z = wpk_malloc(cap);
    if (!z) return NULL;
    ZSTD_CCtx *c = wpk_zstd_cctx();
    size_t got = c ? ZSTD_compressCCtx(c, z, cap, dict, size, 19) : (size_t)-1;
    ZSTD_freeCCtx(c);
    if (ZSTD_isError(got) || got >= size) {
        wpk_free(z);
        return NULL;
    }
    *out_size = got;
    return z;
}

/* Dictionary bytes an entry asks for (dict_size_for). */
#define DICT_BYTES_PER_ENTRY 64u

/* Default dictionary size: a 64th of the distinct content, 16 KiB to 256 KiB
 * (measured on the open_wiki markdown: 256 KiB beat 112 KiB by 6% overall).
 * The first read of a fresh reader decompresses the whole dictionary, so
 * its size is also that read's latency. WPK_DICT_SIZE_LARGE: an 8th, the
 * most a dictionary can be and still be kept (wpk_choose_dict), up to
 * 2 MiB (open_wiki: 1,242,332 bytes at 2 MiB against 1,342,595 at 256 KiB,
 * both at level 22). */
static uint32_t dict_size_for(const wpk_writer *w)
{
    int large = w->opts.dict_size == WPK_DICT_SIZE_LARGE;
    uint64_t d = w->unique_bytes / (large ? 8 : 64), max = large ? (2u << 20) : (256u << 10);
    /* The dictionary compresses the index pages too, which grow with the
     * entries, not the content: small entries get 64 bytes of it each, up to
     * an 8th of the content (the most it is tried at). 1,203 abstracts of
     * ~470 bytes: 75 KiB instead of 16, 163,751 bytes instead of 173,068. */
    uint64_t by_entries = (uint64_t)w->count * DICT_BYTES_PER_ENTRY;
    if (by_entries > w->unique_bytes / 8) by_entries = w->unique_bytes / 8;
    if (!large && by_entries > d) d = by_entries;
    return d < (16u << 10) ? (16u << 10) : d > max ? (uint32_t)max : (uint32_t)d;
}

typedef struct trial_list { trial *t; size_t n; } trial_list;

/* The dictionary as it will be stored, computed beside the trials. */
typedef struct dict_job { const uint8_t *dict; size_t size; uint8_t *stored; size_t stored_size; } dict_job;

static void *run_compress_dict(void *arg)
{
    dict_job *j = arg;
    j->stored_size = j->size;
    j->stored = compress_dict(j->dict, j->size, &j->stored_size);
    return NULL;
}

static void *run_trial_list(void *arg)
{
    trial_list *l = arg;
    for (size_t i = 0; i < l->n; i++) run_trial(&l->t[i]);
    return NULL;
}

int wpk_choose_dict(wpk_writer *w, wpk_error *err)
{
    if (w->opts.dict_size == 0 || w->opts.dict_size == WPK_DICT_SIZE_LARGE) w->opts.dict_size = dict_size_for(w);
    if (w->opts.dictionary < 0 || w->unique_count < 16 || w->unique_bytes < 8ull * w->opts.dict_size)
        return WPK_OK;
    uint8_t *samples;
    size_t *sizes;
    unsigned n;
    int rc = gather_samples(w, &samples, &sizes, &n, err);
    if (rc) return rc;
    /* The trials without a dictionary need none: with a second thread they
     * run while the dictionary is trained, but in a large archive after it:
     * there their compressor (~5 MB) would add to the training's peak, the
     * writer's highest (samples and trainer, ~30 MB beside the entries),
     * and the ~0.1 s they save is lost in minutes of packing. */
    size_t trials = w->block_count < TRIAL_BLOCKS ? w->block_count : TRIAL_BLOCKS;
    trial with_t[TRIAL_BLOCKS], without_t[TRIAL_BLOCKS];
    memset(with_t, 0, sizeof with_t);
    memset(without_t, 0, sizeof without_t);
    for (size_t i = 0; i < trials; i++) {
        size_t b = (i * 2 + 1) * w->block_count / (trials * 2);
        with_t[i] = (trial){w, b, NULL, NULL, 0, 0, {0}};
        without_t[i] = (trial){w, b, NULL, NULL, 0, 0, {0}};
    }
    trial_list bg = {without_t, trials};
    pthread_t tid;
    int beside = w->opts.threads > 1 && w->count <= WPK_LARGE_ARCHIVE_ENTRIES;
    int threaded = beside && pthread_create(&tid, NULL, run_trial_list, &bg) == 0;
    uint8_t *dict = wpk_malloc(w->opts.dict_size);
    /* fastCover with fixed parameters: k = 1024 is what zstd's own search
     * (ZDICT_trainFromBuffer) picks on the open_wiki corpus, at a fifth of
     * its time, and one fixed run is deterministic by construction. accel 10
     * (its fastest) packs the open_wiki markdown 60-80 ms sooner than accel 1
     * (training then takes ~140 ms) for +0.02% (1,359,085 against 1,358,775
     * bytes): training is the longest step no thread can share. The direct
     * trainer, not the parameter search (ZDICT_optimizeTrainFromBuffer_*),
     * gives the same dictionary for one candidate without copying its 4 MB
     * frequency table or compressing every sample again to score it. */
    ZDICT_fastCover_params_t fp;
    memset(&fp, 0, sizeof fp);
    fp.k = 1024;
    fp.d = 8;
    fp.f = 20;
    fp.accel = 10;
    fp.splitPoint = 1.0; /* train on every sample */
    fp.nbThreads = 1;
    fp.zParams.compressionLevel = 3; /* sets the entropy statistics */
    size_t dict_size = dict ? ZDICT_trainFromBuffer_fastCover(dict, w->opts.dict_size, samples, sizes, n, fp) : 0;
    wpk_free(samples);
    wpk_free(sizes);
    ZSTD_CDict *cd = NULL;
    if (!dict) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    else if (ZDICT_isError(dict_size)) dict_size = 0; /* too few or too uniform samples: go without */
    /* The dictionary as stored is compressed on a second thread while this
     * one digests it for the trials (both take a while at level 19). */
    dict_job dj = {dict, dict_size, NULL, dict_size};
    pthread_t dtid;
    int dthreaded = !rc && dict_size && w->opts.threads > 1 && pthread_create(&dtid, NULL, run_compress_dict, &dj) == 0;
    if (!rc && dict_size && !(cd = wpk_zstd_cdict(dict, dict_size, w->opts.level)))
        rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    /* Evenly spaced sample blocks, each with and without the dictionary;
     * the dictionary must save more than it costs. */
    for (size_t i = 0; i < trials; i++) with_t[i].cdict = cd;
    if (!rc && cd) rc = run_trials(with_t, trials, w->opts.threads < 1 ? 1 : w->opts.threads, err);
    if (dthreaded) pthread_join(dtid, NULL);
    else if (!rc && cd) run_compress_dict(&dj);
    if (threaded) pthread_join(tid, NULL);
    else if (!rc && cd && w->opts.threads > 1) run_trials(without_t, trials, w->opts.threads, NULL);
    else if (!rc && cd) run_trial_list(&bg);
    for (size_t i = 0; i < trials && !rc; i++)
        if (without_t[i].rc) {
            rc = without_t[i].rc;
            if (err) *err = without_t[i].err;
        }
    uint64_t with = 0, without = 0;
    for (size_t i = 0; i < trials; i++) {
        with += with_t[i].size;
        without += without_t[i].size;
    }
    if (rc || !cd) {
        keep_trials(w, with_t, trials, 0);
        keep_trials(w, without_t, trials, !rc);
        ZSTD_freeCDict(cd);
        wpk_free(dj.stored);
        wpk_free(dict);
        return rc;
    }
    size_t stored_size = dj.stored_size;
    uint8_t *stored = dj.stored;
    int use = trials && without > with && (without - with) * w->block_count / trials > stored_size;
    keep_trials(w, with_t, trials, use);
    keep_trials(w, without_t, trials, !use);
    if (use) {
        w->dict = dict;
        w->dict_size = dict_size;
        w->dict_stored = stored ? stored : dict;
        w->dict_stored_size = stored ? stored_size : dict_size;
        w->cdict = cd;
    } else {
        ZSTD_freeCDict(cd);
        wpk_free(stored);
        wpk_free(dict);
    }
    return rc;
}
