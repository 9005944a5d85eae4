/* proc_bench.c - the time to get one article with a command-line tool: a
 * new process each time (exec, dynamic loading, open, lookup, read, exit),
 * which is what a script or a shell user pays.
 *
 * usage: proc_bench KEY COMMANDS
 *
 * COMMANDS has one command per line, its arguments separated by tabs
 * (written by bench_util.py proc-commands). Each is run once, in order,
 * with standard output and error to /dev/null; the wall time from spawn to
 * exit is measured. A command exiting non-zero is a miss (not timed).
 * Prints, in microseconds:  RESULT process KEY <p50> <p99> <n> <misses> */
#include "bench_timing.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;




int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: proc_bench KEY COMMANDS\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    double *t = NULL;
    size_t n = 0, cap = 0, misses = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, f)) > 0) {
        if (line[len - 1] == '\n') line[--len] = 0;
        if (!len) continue;
        char *args[64];
        int na = 0;
        for (char *s = line, *tok; na < 63 && (tok = strsep(&s, "\t"));) args[na++] = tok;
        args[na] = NULL;
        double t0 = bench_now_us();
        pid_t pid;
        int status = 0;
        if (posix_spawnp(&pid, args[0], &fa, NULL, args, environ) != 0 || waitpid(pid, &status, 0) < 0) {
            perror(args[0]);
            return 1;
        }
        double dt = bench_now_us() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            misses++;
            continue;
        }
        if (n == cap && !(t = realloc(t, (cap = cap ? 2 * cap : 1024) * sizeof *t))) return 1;
        t[n++] = dt;
    }
    fclose(f);
    free(line);
    if (!n) {
        printf("RESULT process %s - - 0 %zu\n", argv[1], misses);
        return 0;
    }
    double p50 = bench_pct(t, n, 50), p99 = bench_pct(t, n, 99);
    printf("RESULT process %s %.1f %.1f %zu %zu\n", argv[1], p50, p99, n, misses);
    free(t);
    return 0;
}
