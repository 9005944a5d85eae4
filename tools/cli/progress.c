/* progress.c - the progress line of long commands: "compressing  12.3 MB of 45.6 MB (27%)  3.1 MB/s  0:12 left" */
/* Time left comes from the rate so far in the current phase. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cli_progress *active; /* the display on screen, if any */

void cli_progress_init(cli_progress *p, int quiet)
{
    memset(p, 0, sizeof *p);
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = now();
    if (p->enabled) active = p;
}

static void clear_line(cli_progress *p)
{
    if (p->enabled && p->drawn) fprintf(stderr, "\r%78s\r", "");
    p->drawn = 0; /* the next update draws again */
}

void cli_progress_interrupt(void)
{
    if (active) clear_line(active);
}

static void human(double bytes, char *buf, size_t cap)
{
    const char *unit[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4) bytes /= 1000, u++;
    snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

void cli_progress_update(void *ctx, const wpk_progress *u)
{
    cli_progress *p = ctx;
    if (!p->enabled) return;
    double t = now();
    if (!p->phase || strcmp(p->phase, u->phase) != 0) {
        p->phase = u->phase;
        p->start = t;
    }
    int finished = u->items_total && u->items_done == u->items_total;
    if (p->drawn && t - p->last_draw < 0.2 && !finished) return;
    p->last_draw = t;
    double secs = t - p->start;
    char done[32], total[32], rate[32], left[32] = "";
    human((double)u->done, done, sizeof done);
    human((double)u->total, total, sizeof total);
    human(secs > 0 ? (double)u->done / secs : 0, rate, sizeof rate);
    char line[200];
    if (u->total) {
        double frac = (double)u->done / (double)u->total;
        if (frac > 0.01 && frac < 1) {
            long rest = (long)(secs / frac - secs);
            snprintf(left, sizeof left, "  %ld:%02ld left", rest / 60, rest % 60);
        }
        snprintf(line, sizeof line, "%-11s %s of %s (%.0f%%)  %s/s%s", u->phase, done, total, 100 * frac, rate, left);
    } else if (u->items_total) {
        snprintf(line, sizeof line, "%-11s %llu of %llu%s%s", u->phase, (unsigned long long)u->items_done,
                 (unsigned long long)u->items_total, u->done ? "  " : "", u->done ? done : "");
    } else {
        snprintf(line, sizeof line, "%s...", u->phase);
    }
    fprintf(stderr, "\r%-78.78s", line);
    fflush(stderr);
    p->drawn = 1;
}

void cli_progress_done(cli_progress *p)
{
    clear_line(p);
    if (active == p) active = NULL; /* p may be gone once its caller returns */
}
