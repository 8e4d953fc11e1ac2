/*
 * errors.c - result codes and messages: the English name of each code, and the one
 * function every module uses to describe a failure in a caller's buffer.
 */
#include "base.h"

const char *lever_strerror(int rc)
{
    switch (rc) {
    case LEVER_OK: return "ok";
    case LEVER_ENOMEM: return "out of memory";
    case LEVER_EIO: return "input/output error";
    case LEVER_EINPUT: return "bad input data";
    case LEVER_ECORRUPT: return "damaged or not a lever store";
    case LEVER_EVERSION: return "store format version not supported";
    case LEVER_ENOTFOUND: return "not found";
    case LEVER_EAMBIGUOUS: return "ambiguous";
    case LEVER_EUSAGE: return "invalid argument";
    case LEVER_ELIMIT: return "beyond a limit of the store format";
    case LEVER_EFETCH: return "download failed";
    default: return "unknown error";
    }
}

int msg_vfail(char *buf, size_t len, int rc, const char *fmt, va_list ap)
{
    if (buf && len)
        vsnprintf(buf, len, fmt, ap);
    return rc;
}

int msg_fail(char *buf, size_t len, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vfail(buf, len, rc, fmt, ap);
    va_end(ap);
    return rc;
}

void msg_vsend(void (*fn)(void *ud, const char *message), void *ud, const char *fmt,
               va_list ap)
{
    if (!fn)
        return;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fn(ud, buf);
}

int error_vset(lever_error *err, int rc, const char *fmt, va_list ap)
{
    if (err) {
        err->code = rc;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return rc;
}

int error_set(lever_error *err, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, rc, fmt, ap);
    va_end(ap);
    return rc;
}

void text_appendf(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    if (*used >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}
