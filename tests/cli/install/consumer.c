/* consumer.c - a program outside the project using the installed library:
 * prints the title and size of the entry with a page ID, after reading its
 * content (checked). Usage: consumer ARCHIVE PAGE_ID */
#include <wikipack.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: consumer ARCHIVE PAGE_ID\n");
        return 2;
    }
    wpk_reader *r;
    wpk_entry *e = NULL;
    void *text = NULL;
    wpk_error err;
    if (wpk_reader_open(&r, argv[1], NULL, &err) != 0) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 1;
    }
    int rc = wpk_reader_find_by_id(r, strtoull(argv[2], NULL, 10), &e, &err);
    if (rc == 0) rc = wpk_reader_read_alloc(r, e, &text, 1, &err);
    if (rc == 0)
        printf("%s\t%llu\n", e->title ? e->title : "-", (unsigned long long)e->size);
    else
        fprintf(stderr, "consumer: %s (%s)\n", err.message, wpk_strerror(rc));
    wpk_free(text);
    wpk_entry_free(e);
    wpk_reader_close(r);
    return rc == 0 ? 0 : rc == WPK_E_NOTFOUND ? 3 : 1;
}
