/* pack_paths.h - stable, safe, unique entry paths for records that are not files */
/* JSON Lines lines, MediaWiki pages. */
#ifndef WPK_PACK_PATHS_H
#define WPK_PACK_PATHS_H

#include <stddef.h>

#include <stdint.h>

typedef struct imp_path_set { uint64_t *slot; size_t cap, n; } imp_path_set; /* hashes of the paths given */

/* "<source without extension>/<title with '_' for spaces, unsafe bytes
 * %-encoded, long names shortened with a hash><ext>"; a path already given
 * gets "@2", "@3", ... before the extension. NULL title: "untitled".
 * Returns a malloc'd path (recorded in `set`), or NULL when out of memory. */
char *imp_record_path(imp_path_set *set, const char *source, const char *title, const char *ext);
void imp_path_set_free(imp_path_set *set);

#endif
