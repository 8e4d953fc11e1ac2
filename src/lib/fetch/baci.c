/*
 * baci.c - lever_fetch_baci: a CEPII BACI release zip, BASE/BACI_HSxx_Vyyyymm.zip
 * (CEPII also names releases with a letter: V202401b).
 *
 * The zip goes through the cache like everything fetched (resumable: a release is
 * about 2 GB), and a finished download is checked before it is kept: every BACI
 * member inflates to its CRC-32 (the zip reader of the importer, which reads the zip in
 * place later, does the checking). CEPII publishes no checksum; the XXH64 that the cache
 * records from then on guards the copy kept.
 */
#include "fetch.h"
#include "importer.h"
#include "parser.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const hs_editions[] = {"HS92", "HS96", "HS02", "HS07", "HS12", "HS17",
                                          "HS22"};

static bool valid_release(const char *r)
{
    /* V + yyyymm, optionally one lower-case letter */
    if (r[0] != 'V' || strlen(r) < 7 || strlen(r) > 8)
        return false;
    for (int n = 1; n < 7; n++)
        if (!isdigit((unsigned char)r[n]))
            return false;
    return r[7] == 0 || (islower((unsigned char)r[7]) && r[8] == 0);
}

static check_result check_zip(lever_fetch *f, const char *path, void *ud)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        fetch_fail(f, LEVER_EIO, "cannot read '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return CHECK_BAD;
    }
    void *map = sb.st_size > 0 ? mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
                               : MAP_FAILED;
    close(fd);
    lever_import *imp = NULL;
    int rc = lever_import_new(&imp, NULL);
    if (rc == LEVER_OK) {
        import_input in = {.name = ud, .path = path, .data = map == MAP_FAILED ? "" : map,
                           .len = map == MAP_FAILED ? 0 : (size_t)sb.st_size, .mapped = true};
        rc = zip_check(imp, &in);
    }
    if (rc == LEVER_ENOMEM || !imp)
        fetch_fail(f, LEVER_ENOMEM, "out of memory");
    else if (rc != LEVER_OK)
        fetch_fail(f, LEVER_EFETCH, "the download is not a whole BACI release: %s (the "
                   "download was dropped; run the same command again, or check --url)",
                   imp->errmsg);
    lever_import_free(imp);
    if (map != MAP_FAILED)
        munmap(map, (size_t)sb.st_size);
    return rc == LEVER_OK ? CHECK_OK : CHECK_BAD;
}

int lever_fetch_baci(lever_fetch *f, const char *hs, const char *release, const char *base_url,
                     const char *out_dir)
{
    char edition[8];
    size_t n_editions = sizeof hs_editions / sizeof hs_editions[0], e = 0;
    for (; e < n_editions && (!hs || strcasecmp(hs, hs_editions[e]) != 0); e++) {
    }
    if (e == n_editions)
        return fetch_fail(f, LEVER_EUSAGE, "unknown HS edition '%s': BACI comes in HS92, HS96, "
                          "HS02, HS07, HS12, HS17 and HS22", hs ? hs : "");
    snprintf(edition, sizeof edition, "%s", hs_editions[e]);
    if (!release)
        release = LEVER_BACI_DEFAULT_RELEASE;
    if (!valid_release(release))
        return fetch_fail(f, LEVER_EUSAGE, "bad release '%s': a BACI release is V and the "
                          "year and month it came out, as V202501 (or V202401b)", release);
    if (!base_url || !base_url[0])
        base_url = LEVER_BACI_URL;
    int rc = output_dir(f, out_dir);
    if (rc)
        return rc;
    char name[64], url[2048], cache_name[128], hash[17];
    snprintf(name, sizeof name, "BACI_%s_%s.zip", edition, release);
    size_t base_len = strlen(base_url);
    while (base_len > 0 && base_url[base_len - 1] == '/')
        base_len--;
    if ((size_t)snprintf(url, sizeof url, "%.*s/%s", (int)base_len, base_url, name) >= sizeof url)
        return fetch_fail(f, LEVER_EUSAGE, "the URL is too long");
    hash_name(url, hash);
    snprintf(cache_name, sizeof cache_name, "%s-%s", hash, name);
    fetch_item item = {.url = url, .label = name, .cache_name = cache_name,
                       .follow_redirects = true, .resumable = true, .check = check_zip,
                       .check_ud = name};
    rc = fetch_item_get(f, &item);
    if (rc == LEVER_EFETCH && item.http_status == 404)
        return fetch_fail(f, LEVER_EFETCH, "cannot fetch %s: HTTP 404: there is no such "
                          "release at %s; check --release (CEPII lists its releases at "
                          "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37) "
                          "and --url", name, url);
    if (rc)
        return rc;
    const char *dir;
    if ((rc = cache_dir(f, &dir)) != LEVER_OK)
        return rc;
    char *cached = path_join(dir, cache_name);
    if (!cached)
        return fetch_fail(f, LEVER_ENOMEM, "out of memory");
    rc = cache_install(f, cached, out_dir, name, -1, item.from_cache);
    free(cached);
    return rc;
}
