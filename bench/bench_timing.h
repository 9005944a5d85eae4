/* bench_timing.h - the clock and nearest-rank percentiles the C benchmarks share */
#ifndef WPK_BENCH_TIMING_H
#define WPK_BENCH_TIMING_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic time in microseconds. */
static inline double bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (1-100) of t[0..n), n > 0; sorts t. The same
 * definition as bench_util.py, so that C and Python figures compare. */
static inline double bench_pct(double *t, size_t n, int p)
{
    qsort(t, n, sizeof *t, bench_cmp_double);
    size_t k = (n * (size_t)p + 99) / 100;
    return t[k ? k - 1 : 0];
}

#endif
