/*
 * textfile.c - the small text files a user gives lever beside a store (product groups,
 * elasticities, borders, events, production, processing chains): read whole, split into
 * lines, lines split into CSV fields, and errors that name file:line:column.
 *
 * Why one place: every such file is a few kilobytes, so reading it whole and splitting it
 * in place is simplest, and each loader then only says what its fields mean. The text
 * must be UTF-8 (checked as it is read, with the line and column of the first bad byte). Fields follow
 * RFC 4180 within one line (commas inside double quotes, "" for a quote); a record never
 * spans lines in these files, so an unclosed quote is an error at its column.
 */
#include "base.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int text_error_at(const text_pos *pos, size_t column, const char *fmt, ...)
{
    if (!pos->err || pos->errlen == 0)
        return LEVER_EINPUT;
    int n = snprintf(pos->err, pos->errlen, "%s:%d:%zu: ", pos->file, pos->line, column + 1);
    if (n >= 0 && (size_t)n < pos->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(pos->err + n, pos->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return LEVER_EINPUT;
}

int text_file_read(const char *path, char **text, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return msg_fail(err, errlen, LEVER_EIO, "%s: cannot open: %s; check the path", path,
                          strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (len < cap - 1)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    bool failed = ferror(f);
    fclose(f);
    if (!buf)
        return msg_fail(err, errlen, LEVER_ENOMEM, "%s: out of memory reading it", path);
    if (failed) {
        free(buf);
        return msg_fail(err, errlen, LEVER_EIO, "%s: read error", path);
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        free(buf);
        return msg_fail(err, errlen, LEVER_EINPUT,
                          "%s: holds NUL bytes, so it is not a text file; give a text file",
                          path);
    }
    /* What lever stores and prints is valid UTF-8: a label saved in Latin-1 is refused
     * here, where its line and column can still be named. */
    int line = 1;
    for (size_t at = 0, line_start = 0; at < len;) {
        int k = lever_utf8_length(buf + at);
        if (k == 0) {
            unsigned byte = (unsigned char)buf[at];
            free(buf);
            return msg_fail(err, errlen, LEVER_EINPUT,
                            "%s:%d:%zu: byte 0x%02X is not valid UTF-8; save the file as "
                            "UTF-8 (a spreadsheet's \"CSV UTF-8\")",
                            path, line, at - line_start + 1, byte);
        }
        if (buf[at] == '\n') {
            line++;
            line_start = at + 1;
        }
        at += (size_t)k;
    }
    *text = buf;
    return LEVER_OK;
}

char *text_next_line(char **cursor)
{
    char *line = *cursor;
    if (!*line)
        return NULL;
    char *end = strchr(line, '\n');
    if (end) {
        *end = '\0';
        *cursor = end + 1;
    } else {
        *cursor = line + strlen(line);
    }
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
    return line;
}

bool text_blank_or_comment(const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    return *line == '\0' || *line == '#';
}

int text_csv_fields(const text_pos *pos, char *line, text_field *fields, int max)
{
    int n = 0;
    char *p = line, *out = line;
    for (;;) {
        if (n == max)
            return -text_error_at(pos, (size_t)(p - line),
                                 "more than %d fields; this file has %d columns", max, max);
        while (*p == ' ' || *p == '\t')
            p++;
        fields[n].column = (size_t)(p - line);
        char *start = out;
        if (*p == '"') {
            size_t quote = (size_t)(p - line);
            p++;
            for (;;) {
                if (!*p)
                    return -text_error_at(pos, quote,
                                         "quote not closed on this line; close it with \"");
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p && *p != ',')
                return -text_error_at(pos, (size_t)(p - line),
                                     "text after a closing quote; put the comma right after it");
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
            while (out > start && (out[-1] == ' ' || out[-1] == '\t'))
                out--;
        }
        char next = *p;
        *out++ = '\0';
        fields[n++].text = start;
        if (next != ',')
            return n;
        p++;
    }
}

int text_csv_records(const char *name, char *text, int max_fields, text_header_fn is_header,
                     text_record_fn record, void *ctx, char *err, size_t errlen)
{
    text_pos pos = {name, 0, err, errlen};
    text_field fields[TEXT_MAX_FIELDS];
    if (max_fields > TEXT_MAX_FIELDS)
        max_fields = TEXT_MAX_FIELDS;
    char *cursor = text;
    bool first = true;
    int rc = LEVER_OK;
    for (char *line; !rc && (line = text_next_line(&cursor));) {
        pos.line++;
        if (text_blank_or_comment(line))
            continue;
        int n = text_csv_fields(&pos, line, fields, max_fields);
        if (n < 0)
            return -n;
        bool header = first && is_header && is_header(ctx, fields, n);
        first = false;
        if (!header)
            rc = record(ctx, &pos, fields, n);
    }
    return rc;
}

int text_csv_file(const char *path, int max_fields, text_header_fn is_header,
                  text_record_fn record, void *ctx, char *err, size_t errlen)
{
    char *text = NULL;
    int rc = text_file_read(path, &text, err, errlen);
    if (!rc)
        rc = text_csv_records(path, text, max_fields, is_header, record, ctx, err, errlen);
    free(text);
    return rc;
}
