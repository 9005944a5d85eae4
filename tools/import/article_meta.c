/* article_meta.c - parse the metadata block of open_wiki markdown articles */
/*
 * Everything works on (pointer, length) spans of the caller's buffer, so
 * NUL bytes, invalid UTF-8 and a missing final newline need no special
 * care, and nothing is read past len. See article_meta.h for the layout.
 */
#include "article_meta.h"

#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The heading must come this early: keeps the scan of non-articles short
 * and ignores "## Metadata" sections deep inside an article's body. */
#define HEADING_MAX_LINE 64
/* How much of a bad value is quoted in `why`. */
#define WHY_VALUE_MAX 40

typedef struct { const char *p; size_t n; } span;

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static span rtrim(span s)
{
    while (s.n && is_blank(s.p[s.n - 1])) s.n--;
    return s;
}

static span trim(span s)
{
    while (s.n && is_blank(s.p[0])) { s.p++; s.n--; }
    return rtrim(s);
}

static span skip(span s, size_t k) { s.p += k; s.n -= k; return s; }

static int starts(span s, const char *lit)
{
    size_t k = strlen(lit);
    return s.n >= k && memcmp(s.p, lit, k) == 0;
}

static int equals(span s, const char *lit)
{
    return s.n == strlen(lit) && starts(s, lit);
}

/* Offset of the first occurrence of lit in s, or s.n if absent. */
static size_t find(span s, const char *lit)
{
    size_t k = strlen(lit);
    for (size_t i = 0; i + k <= s.n; i++)
        if (memcmp(s.p + i, lit, k) == 0) return i;
    return s.n;
}

/* Next line of buf from *pos, without its '\n'; 0 at the end. */
static int next_line(const char *buf, size_t len, size_t *pos, span *line)
{
    if (*pos >= len) return 0;
    const char *start = buf + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    line->p = start;
    line->n = nl ? (size_t)(nl - start) : len - *pos;
    *pos += line->n + (nl != NULL);
    return 1;
}

/* Replaces *dst with a copy of s (a repeated bullet overrides); -1 on OOM. */
static int set_str(char **dst, span s)
{
    return imp_set_string(dst, s.p, s.n);
}

/* ---- time ------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): exact for any year, no timegm()/TZ/locale involved. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dim[m - 1];
}

/* Reads exactly n digits at s[*i]. */
static int digits(const char *s, size_t len, size_t *i, int n, int *v)
{
    int x = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || !is_digit(s[*i])) return 0;
        x = x * 10 + (s[*i] - '0');
    }
    *v = x;
    return 1;
}

/* Consumes character c at s[*i] if it is there. */
static int eat(const char *s, size_t len, size_t *i, char c)
{
    if (*i < len && s[*i] == c) { (*i)++; return 1; }
    return 0;
}

int imp_parse_time(const char *s, size_t len, int64_t *us)
{
    size_t i = 0;
    int y, mo, d, h, mi, sec, frac = 0, off_min = 0;

    if (!digits(s, len, &i, 4, &y) || !eat(s, len, &i, '-') ||
        !digits(s, len, &i, 2, &mo) || !eat(s, len, &i, '-') ||
        !digits(s, len, &i, 2, &d))
        return -1;
    if (!eat(s, len, &i, 'T') && !eat(s, len, &i, ' ')) return -1;
    if (!digits(s, len, &i, 2, &h) || !eat(s, len, &i, ':') ||
        !digits(s, len, &i, 2, &mi) || !eat(s, len, &i, ':') ||
        !digits(s, len, &i, 2, &sec))
        return -1;

    if (eat(s, len, &i, '.')) {
        /* Keep microseconds; further digits are valid but truncated. */
        int nd = 0;
        for (; i < len && is_digit(s[i]); i++, nd++)
            if (nd < 6) frac = frac * 10 + (s[i] - '0');
        if (nd == 0) return -1;
        for (; nd < 6; nd++) frac *= 10;
    }

    /* A zone is required: a bare local time would be ambiguous. */
    if (eat(s, len, &i, 'Z')) {
        /* UTC */
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1, oh, om;
        if (!digits(s, len, &i, 2, &oh) || !eat(s, len, &i, ':') ||
            !digits(s, len, &i, 2, &om) || oh > 23 || om > 59)
            return -1;
        off_min = sign * (oh * 60 + om);
    } else if (len - i >= 4 && memcmp(s + i, " UTC", 4) == 0) {
        i += 4;
    } else {
        return -1;
    }
    if (i != len) return -1;

    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || sec > 60)
        return -1;

    /* A leap second (:60) lands on the next minute's :00, as POSIX time does. */
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec
                - (int64_t)off_min * 60;
    *us = t * 1000000 + frac;
    return 0;
}

size_t imp_format_time(int64_t us, char *buf, size_t cap)
{
    /* Floor division, so instants before 1970 format correctly too. */
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) { frac += 1000000; secs--; }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) { rem += 86400; days--; }

    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);

    char fr[8] = "";
    if (frac) snprintf(fr, sizeof fr, ".%06d", (int)frac);
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%04lld-%02d-%02dT%02d:%02d:%02d%sZ",
                     (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
                     (int)(rem % 60), fr);
    if (n < 0 || (size_t)n >= cap) {
        if (cap) buf[0] = '\0';
        return 0;
    }
    memcpy(buf, tmp, (size_t)n + 1);
    return (size_t)n;
}

/* ---- metadata block -------------------------------------------------- */

typedef struct {
    imp_meta *m;
    int status;
    char *why;
    size_t why_cap;
} parser;

/* Marks the block malformed; keeps only the first reason. The quoted value
 * is shortened and control bytes (NUL included) are shown as '?'. */
static void bad(parser *ps, const char *field, span v, const char *what)
{
    if (ps->status == IMP_META_MALFORMED) return;
    ps->status = IMP_META_MALFORMED;
    if (!ps->why || !ps->why_cap) return;
    char shown[WHY_VALUE_MAX];
    size_t n = v.n < WHY_VALUE_MAX ? v.n : WHY_VALUE_MAX;
    for (size_t i = 0; i < n; i++)
        shown[i] = ((unsigned char)v.p[i] < 0x20 || v.p[i] == 0x7f) ? '?' : v.p[i];
    snprintf(ps->why, ps->why_cap, "%s \"%.*s%s\" %s", field, (int)n, shown,
             v.n > n ? "..." : "", what);
}

/* Handles one "- **Key:** value" line; other lines are ignored. -1 on OOM. */
static int bullet(parser *ps, span line)
{
    if (!starts(line, "- **")) return 0;
    line = skip(line, 4);
    size_t k = find(line, ":**");
    if (k == line.n) return 0;                 /* not a "Key:" bullet */
    span key = {line.p, k};
    span val = trim(skip(line, k + 3));
    imp_meta *m = ps->m;

    if (equals(key, "Page ID")) {
        uint64_t v = 0;
        size_t i = 0;
        while (i < val.n && is_digit(val.p[i])) i++;
        if (val.n == 0 || i < val.n) { bad(ps, "Page ID", val, "is not a number"); return 0; }
        for (i = 0; i < val.n; i++) {
            unsigned dg = (unsigned)(val.p[i] - '0');
            if (v > (UINT64_MAX - dg) / 10) { bad(ps, "Page ID", val, "is out of range"); return 0; }
            v = v * 10 + dg;
        }
        m->page_id = v;
        m->has_page_id = 1;
    } else if (equals(key, "Last Updated")) {
        int64_t us;
        if (imp_parse_time(val.p, val.n, &us) != 0) { bad(ps, "Last Updated", val, "is not a date"); return 0; }
        m->updated_us = us;
        m->has_updated = 1;
    } else if (equals(key, "Original Article")) {
        /* [Title](URL): the title may hold brackets and the URL parentheses,
         * so split at the first "](" and take the URL up to the final ')'. */
        size_t sep = find(val, "](");
        if (val.n < 4 || val.p[0] != '[' || sep == val.n || val.p[val.n - 1] != ')' ||
            sep + 2 >= val.n - 1) {
            bad(ps, "Original Article", val, "is not a [title](url) link");
            return 0;
        }
        span url = {val.p + sep + 2, val.n - 1 - (sep + 2)};
        if (set_str(&m->url, url) != 0) return -1;
    } else if (equals(key, "Language")) {
        if (val.n && set_str(&m->language, val) != 0) return -1;
    }
    return 0;
}

void imp_meta_free(imp_meta *m)
{
    if (!m) return;
    free(m->title);
    free(m->language);
    free(m->url);
    memset(m, 0, sizeof *m);
}

int imp_meta_parse(const char *buf, size_t len, imp_meta *out,
                       char *why, size_t why_cap)
{
    parser ps = {out, IMP_META_NONE, why, why_cap};
    size_t pos = 0, lineno = 0;
    int seen_text = 0, in_block = 0;
    span line;

    memset(out, 0, sizeof *out);
    if (why && why_cap) why[0] = '\0';

    while (next_line(buf, len, &pos, &line)) {
        span r = rtrim(line);                  /* drops CR and trailing spaces */
        lineno++;
        if (in_block) {
            if (starts(r, "# ") || starts(r, "##")) break;  /* next section */
            if (bullet(&ps, r) != 0) goto oom;
            continue;
        }
        if (lineno > HEADING_MAX_LINE) break;
        if (!seen_text && trim(r).n) {
            /* The title is the first non-empty line, when it is "# Title". */
            seen_text = 1;
            if (starts(r, "# ")) {
                span t = trim(skip(r, 2));
                if (t.n && set_str(&out->title, t) != 0) goto oom;
            }
        }
        if (equals(r, "## Metadata") || equals(r, "## Article Metadata")) {
            in_block = 1;
            ps.status = IMP_META_OK;
        }
    }
    if (ps.status == IMP_META_NONE) imp_meta_free(out);
    return ps.status;

oom:
    imp_meta_free(out);
    return -1;
}

/* ---- categories section ---------------------------------------------- */

/* A Markdown heading: "#", "# ...", "##...". */
static int is_heading(span r)
{
    return r.n && r.p[0] == '#' && (r.n == 1 || r.p[1] == '#' || r.p[1] == ' ' || r.p[1] == '\t');
}

int imp_meta_categories(const char *buf, size_t len, struct imp_article *out)
{
    size_t pos = 0;
    int in_section = 0;
    span line;

    while (next_line(buf, len, &pos, &line)) {
        span r = rtrim(line);                  /* drops CR and trailing spaces */
        if (!in_section) {
            if (equals(r, "## Categories")) in_section = 1;
            continue;
        }
        if (is_heading(r)) break;              /* next section */
        if (!starts(r, "- Category:") || r.n == strlen("- Category:") ||
            memchr(r.p, '\0', r.n))
            continue;
        span c = skip(r, 2);
        if (imp_add_category(out, c.p, c.n) != 0) return -1;
    }
    return 0;
}
