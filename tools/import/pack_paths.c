/* pack_paths.c - entry paths for records that are not files (JSON Lines lines, MediaWiki pages) */
/*
 * The path is derived from the title, so it is the same in every pack of
 * the same input, and obeys the archive's path rules (wpk_path_check).
 */
#include "pack_paths.h"
#include "input.h"

#include "wikipack.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 200 /* below the 255-byte component limit, leaving room for "@N" and ext */

/* FNV-1a from this start, not FNV's offset basis (14695981039346656037):
 * the shortened names and record-<hash> paths of archives depend on it. */
#define PATH_HASH_START 1469598103934665603ull

static uint64_t fnv1a(const char *s)
{
    return imp_fnv64(PATH_HASH_START, s, strlen(s));
}

/* The set keeps 64-bit hashes of the paths, not the paths: a few bytes per
 * record whatever the path length. Two paths with one hash would only make
 * the second one take an "@N" suffix: the paths stay unique either way. */
static int set_has(const imp_path_set *set, uint64_t h)
{
    if (!set->cap) return 0;
    for (size_t i = h & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        if (!set->slot[i]) return 0;
        if (set->slot[i] == h) return 1;
    }
}

static int set_add(imp_path_set *set, uint64_t h)
{
    if (2 * (set->n + 1) > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 1024;
        uint64_t *slot = calloc(cap, sizeof *slot);
        if (!slot) return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slot[i]) continue;
            size_t j = set->slot[i] & (cap - 1);
            while (slot[j]) j = (j + 1) & (cap - 1);
            slot[j] = set->slot[i];
        }
        free(set->slot);
        set->slot = slot;
        set->cap = cap;
    }
    size_t i = h & (set->cap - 1);
    while (set->slot[i]) i = (i + 1) & (set->cap - 1);
    set->slot[i] = h;
    set->n++;
    return 0;
}

void imp_path_set_free(imp_path_set *set)
{
    free(set->slot);
    memset(set, 0, sizeof *set);
}

/* A non-zero hash (0 marks an empty slot). */
static uint64_t path_hash(const char *s)
{
    uint64_t h = fnv1a(s);
    return h ? h : 1;
}

/* Title -> file name: spaces as '_', and '%', '/', '\', control bytes and a
 * leading '.' %-encoded, so no title can climb out of its folder. */
static void encode_name(const char *title, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; title[i] && k + 4 < cap; i++) {
        unsigned char c = (unsigned char)title[i];
        if (c == ' ') out[k++] = '_';
        else if (c < 0x20 || c == 0x7f || c == '%' || c == '/' || c == '\\' || (i == 0 && c == '.'))
            k += (size_t)snprintf(out + k, cap - k, "%%%02X", c);
        else out[k++] = (char)c;
    }
    out[k] = 0;
}

/* Cut at a UTF-8 character boundary at most `max` bytes in. */
static size_t utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return max;
}

char *imp_record_path(imp_path_set *set, const char *source, const char *title, const char *ext)
{
    char name[4 * 1024 + 64];
    encode_name(title && *title ? title : "untitled", name, sizeof name);
    if (strlen(name) > NAME_MAX_BYTES) { /* keep it unique with a hash of the whole name */
        char tail[24];
        snprintf(tail, sizeof tail, "~%016llx", (unsigned long long)fnv1a(name));
        size_t keep = utf8_cut(name, NAME_MAX_BYTES - strlen(tail));
        memcpy(name + keep, tail, strlen(tail) + 1);
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", source);
    char *slash = strrchr(dir, '/');
    char *dot = strchr(slash ? slash + 1 : dir, '.');
    if (dot && dot != (slash ? slash + 1 : dir)) *dot = 0; /* "dump.xml.bz2" -> "dump" */
    size_t cap = strlen(dir) + strlen(name) + strlen(ext) + 32;
    char *path = malloc(cap);
    if (!path) return NULL;
    snprintf(path, cap, "%s/%s%s", dir, name, ext);
    for (unsigned n = 2; set_has(set, path_hash(path)) || wpk_path_check(path, strlen(path)) != 0; n++) {
        if (n > 1000000) { /* not even a numbered name works: fall back to a hashed one */
            snprintf(path, cap, "%s/record-%016llx%s", dir, (unsigned long long)fnv1a(name), ext);
            break;
        }
        snprintf(path, cap, "%s/%s@%u%s", dir, name, n, ext);
    }
    if (set_add(set, path_hash(path)) != 0) {
        free(path);
        return NULL;
    }
    return path;
}
