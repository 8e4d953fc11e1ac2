/*
 * save.c - writing what lever chart and lever report render: the library hands over the
 * whole SVG or HTML in memory (collect()), and this file puts it in place the way every
 * lever output is put in place: written beside the target as FILE.tmp, then renamed over
 * it, so a failure never leaves half a chart or half a page. A .png target is the SVG
 * turned into pixels by rsvg-convert (Debian's librsvg2-bin), run as a child process:
 * lever links no image library, and a missing rsvg-convert is a clear error naming the
 * package, while SVG and HTML need nothing.
 */
#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int cli_collect(void *ud, const char *data, size_t len)
{
    cli_text *t = ud;
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 65536;
        while (cap < t->len + len + 1)
            cap *= 2;
        char *p = realloc(t->data, cap);
        if (!p)
            return -1;
        t->data = p;
        t->cap = cap;
    }
    memcpy(t->data + t->len, data, len);
    t->len += len;
    t->data[t->len] = '\0';
    return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        cli_error("cannot create '%s': %s; check that its folder exists and is writable", path,
                  strerror(errno));
        return EXIT_ERROR;
    }
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cli_error("cannot write '%s': %s", path, strerror(n < 0 ? errno : EIO));
            close(fd);
            return EXIT_ERROR;
        }
        data += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0) {
        cli_error("cannot write '%s': %s", path, strerror(errno));
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

bool cli_path_is_png(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".png") == 0;
}

/* rsvg-convert --zoom 2 svg -o png: twice the SVG's pixels, sharp in a document. */
static int svg_to_png(const char *svg, const char *png)
{
    char *argv[] = {"rsvg-convert", "--zoom", "2", "--format", "png", "--output", (char *)png,
                    (char *)svg, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "rsvg-convert", NULL, NULL, argv, environ);
    if (rc != 0) {
        cli_error("cannot run rsvg-convert (%s): PNG output needs it; install the Debian "
                  "package librsvg2-bin, or write an .svg file",
                  strerror(rc));
        return EXIT_ERROR;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            cli_error("rsvg-convert: %s", strerror(errno));
            return EXIT_ERROR;
        }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error("rsvg-convert failed to turn the chart into PNG (status %d)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

int cli_save(const char *given, const cli_text *t, bool png)
{
    if (!given || strcmp(given, "-") == 0) {
        if (png) {
            cli_error("PNG goes to a file: give -o FILE.png");
            return EXIT_ERROR;
        }
        if (fwrite(t->data, 1, t->len, stdout) != t->len || fflush(stdout) != 0) {
            cli_error("cannot write the output");
            return EXIT_ERROR;
        }
        return EXIT_OK;
    }
    char *path = NULL, msg[1024];
    if (lever_output_check(given, &path, msg, sizeof msg) != LEVER_OK) {
        cli_error("%s", msg);
        return EXIT_ERROR;
    }
    size_t len = strlen(path);
    char *tmp = malloc(len + 16), *svg = malloc(len + 16);
    if (!tmp || !svg) {
        free(tmp);
        free(svg);
        free(path);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    snprintf(tmp, len + 16, "%s.tmp", path);
    snprintf(svg, len + 16, "%s.svg.tmp", path);
    int rc;
    if (png) {
        rc = write_file(svg, t->data, t->len);
        if (rc == EXIT_OK)
            rc = svg_to_png(svg, tmp);
        unlink(svg);
    } else {
        rc = write_file(tmp, t->data, t->len);
    }
    if (rc == EXIT_OK && rename(tmp, path) != 0) {
        cli_error("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        rc = EXIT_ERROR;
    }
    if (rc != EXIT_OK)
        unlink(tmp);
    free(tmp);
    free(svg);
    free(path);
    return rc;
}

void cli_wrote(const lever_store *s, const char *path, size_t bytes, double t0)
{
    lever_info info;
    lever_get_info(s, &info);
    char size[48] = "";
    if (bytes) {
        char n[32];
        snprintf(size, sizeof size, " (%s bytes)", out_grouped(bytes, n, sizeof n));
    }
    fprintf(stderr, "wrote %s%s in %.2f s%s\n", path, size, cli_now() - t0,
            info.synthetic ? " (synthetic data, not real trade)" : "");
}
