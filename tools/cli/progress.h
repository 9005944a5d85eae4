/* progress.h - a one-line progress display on stderr for pack, extract and verify */
/* Shown only when stderr is a terminal and not --quiet. */
#ifndef WPK_PROGRESS_H
#define WPK_PROGRESS_H

#include "wikipack.h"

typedef struct cli_progress {
    int enabled;
    double start, last_draw;
    int drawn;          /* a line is on screen */
    const char *phase;  /* rate and time left are per phase */
} cli_progress;

/* Decide whether to draw at all (quiet, or stderr not a terminal: never). */
void cli_progress_init(cli_progress *p, int quiet);
/* A wpk_progress_fn: redraws at most every 200 ms. */
void cli_progress_update(void *ctx, const wpk_progress *u);
/* Clear the line before normal output or messages. */
void cli_progress_done(cli_progress *p);
/* Clear whatever progress line is on screen (before a warning or error). */
void cli_progress_interrupt(void);

#endif
